"""The one way the tests build a site: a real `mkdocs build` (or `properdocs build`) of a
repository in a temp folder, in a child process or in this one, as of the suite's pinned day.

Every build reads SOURCE_DATE_EPOCH (2026-11-23) and the fixed git identity and dates of
GIT_ENV, in the environment `smsdocs.engine` gives a build (no end-of-life banners).
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

from smsdocs import engine

# 2026-11-23 00:00 UTC (conftest.AS_OF): the as-of date of a build that pins none itself.
AS_OF_EPOCH = "1795392000"
EPOCH = int(AS_OF_EPOCH)
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
           "GIT_AUTHOR_DATE": "2026-11-20T10:00:00+00:00",
           "GIT_COMMITTER_DATE": "2026-11-20T10:00:00+00:00"}


def env(**extra: str) -> dict[str, str]:
    """The environment of the suite's child processes (builds, `smsdocs`, git): pinned day,
    fixed git identity, no warnings or banners; `extra` wins."""
    return engine.environment({**os.environ, "PYTHONWARNINGS": "ignore",
                               "SOURCE_DATE_EPOCH": AS_OF_EPOCH, **GIT_ENV, **extra})


def build_site(root: Path, site: Path, config: str | Path = "mkdocs.yml", *,
               engine_name: str | None = None, strict: bool = False, quiet: bool = False,
               in_process: bool = False, memory_limit: int | None = None,
               timeout: float = 300, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Build `config` (relative to root, the working directory) into `site`.

    `engine_name` defaults to the preferred installed engine (`smsdocs.engine.choose`);
    `quiet` is `-q` (warnings are then neither printed nor counted by `strict`).
    `in_process` runs MkDocs' own build in this process (no interpreter start; MkDocs only:
    ProperDocs redirects every `mkdocs.*` import of the process that imports it).
    `memory_limit` caps the child's address space in bytes. The finished process (stderr
    holds the log) comes back; with `check` its exit code must be 0.
    """
    config_file = root / config
    if in_process:
        if memory_limit is not None or (engine_name or "mkdocs") != "mkdocs":
            raise ValueError("an in-process build runs MkDocs, without a memory limit")
        done = _build_here(root, config_file, site, strict=strict, quiet=quiet)
    else:
        cmd = engine.build_command(engine.choose(engine_name), str(config_file), str(site),
                                   strict=strict, quiet=quiet)
        done = subprocess.run(cmd, cwd=root, env=env(), capture_output=True, text=True,
                              timeout=timeout, check=False,
                              preexec_fn=None if memory_limit is None else _cap(memory_limit))
    if check:
        assert done.returncode == 0, done.stderr[-4000:]
    return done


def _cap(limit: int):  # noqa: ANN202
    """A pre-exec hook that limits the child's address space to `limit` bytes."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return cap


def _build_here(root: Path, config_file: Path, site: Path, *, strict: bool,
                quiet: bool) -> subprocess.CompletedProcess[str]:
    """What `mkdocs build` does, in this process: its log (formatted as the command prints
    it) becomes stderr; a MkDocs error (an aborted strict build) exits 1."""
    from mkdocs import config as mkdocs_config
    from mkdocs import exceptions, utils
    from mkdocs.commands import build

    lines: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(f"{record.levelname:<8}-  {record.getMessage()}")

    logger = logging.getLogger("mkdocs")
    saved = (logger.level, logger.propagate, logger.handlers[:])
    logger.handlers[:] = [Capture()]
    logger.setLevel(logging.ERROR if quiet else logging.INFO)
    logger.propagate = False
    duplicates = utils.DuplicateFilter()
    build.log.addFilter(duplicates)
    code = 0
    try:
        with _pinned(root):
            cfg = mkdocs_config.load_config(config_file=str(config_file), site_dir=str(site),
                                            strict=strict)
            cfg.plugins.on_startup(command="build", dirty=False)
            try:
                build.build(cfg)
            finally:
                cfg.plugins.on_shutdown()
    except exceptions.MkDocsException as error:
        lines.append(f"{'ERROR':<8}-  {error}")
        code = 1
    finally:
        build.log.removeFilter(duplicates)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
        logger.handlers[:] = saved[2]
    return subprocess.CompletedProcess(["mkdocs", "build", "-f", str(config_file)], code,
                                       "", "\n".join(lines) + "\n")


@contextlib.contextmanager
def _pinned(root: Path) -> Iterator[None]:
    """This process in root with the suite's build environment, restored afterwards."""
    before, cwd = dict(os.environ), Path.cwd()
    os.environ.update(env())
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(before)
