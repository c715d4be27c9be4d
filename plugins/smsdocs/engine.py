"""The site generator a build runs with: ProperDocs (preferred) or MkDocs 1.x.

Both read the same ``mkdocs.yml`` and run the smsdocs plugin; every command that builds a
site (``smsdocs pack``, the tests) asks this module which one is installed and how to call
it. No MkDocs import: the engine runs in a child process.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Mapping

from .errors import UsageError

ENGINES = ("properdocs", "mkdocs")  # in order of preference
# Material for MkDocs and ProperDocs print an end-of-life / "MkDocs 2.0" notice when the
# site is built by the `mkdocs` executable; a build smsdocs runs chose its engine already.
QUIET = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
INSTALL_HINT = {"properdocs": "pip install 'smsdocs[properdocs]'",
                "mkdocs": "pip install 'mkdocs>=1.6,<2'"}


def installed() -> list[str]:
    """The engines importable here, preferred first."""
    return [name for name in ENGINES if importlib.util.find_spec(name) is not None]


def choose(name: str | None = None) -> str:
    """The engine named (when installed) or the preferred installed one.

    Raises UsageError when the engine named, or any engine, is missing.
    """
    found = installed()
    if name:
        if name not in ENGINES:
            raise UsageError(f"unknown engine {name!r} (choose one of {', '.join(ENGINES)})")
        if name not in found:
            raise UsageError(f"{name} is not installed: {INSTALL_HINT[name]}")
        return name
    if not found:
        raise UsageError(f"no site generator installed: {INSTALL_HINT['properdocs']}")
    return found[0]


def version(name: str) -> str:
    """The installed version of an engine ("" when it is not installed)."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return ""


def build_command(name: str, config_file: str, site_dir: str, strict: bool = True,
                  quiet: bool = True) -> list[str]:
    """The command line of one build with this Python's copy of the engine."""
    cmd = [sys.executable, "-m", name, "build", "-f", config_file, "-d", site_dir]
    if strict:
        cmd.append("--strict")
    if quiet:
        cmd.append("-q")
    return cmd


def environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a build smsdocs runs: the caller's, without the banners."""
    return {**(os.environ if base is None else base), **QUIET}
