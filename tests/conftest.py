"""Shared test helpers: write a small SMS repository into a temp folder and check it."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from sites import build_site
from smsdocs.core import config as config_mod
from smsdocs.core.findings import Finding
from smsdocs.core.rulepack import RulePack
from smsdocs.run import run_check

REPO_ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 23)  # = sites.AS_OF_EPOCH, the day builds read

# The oracle for rule severities and for each profile's rule list: a table written by hand
# (tests/fixtures/rule_severities.yaml), never read from the pack under test.
_TABLE = yaml.safe_load((REPO_ROOT / "tests" / "fixtures" / "rule_severities.yaml")
                        .read_text(encoding="utf-8"))
SEVERITY: dict[str, str] = _TABLE["severity"]
PROFILE_RULES: dict[str, set[str]] = {
    "2018": set(SEVERITY) - set(_TABLE["only_2011"]),
    "2011": set(SEVERITY) - set(_TABLE["only_2018"]),
}


def copy_example(root: Path, env: dict[str, str] | None = None,
                 prepare: Callable[[Path], None] | None = None,
                 message: str = "example") -> Path:
    """The bundled example (docs, records and site configs) copied to root; with `env`,
    committed in a fresh git repository (a fixed source commit) after `prepare` ran."""
    root.mkdir(parents=True)
    for name in ("docs", "records"):
        shutil.copytree(REPO_ROOT / name, root / name)
    for name in ("mkdocs.yml", "mkdocs.auditor.yml", "smsdocs.yml"):
        if (REPO_ROOT / name).is_file():
            shutil.copy2(REPO_ROOT / name, root / name)
    if prepare is not None:
        prepare(root)
    if env is not None:
        for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                    ["git", "commit", "-q", "-m", message]):
            subprocess.run(cmd, cwd=root, env=env, check=True, capture_output=True)
    return root


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write {relative path: text} under root (text is dedented) and return root."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def check_tree(root: Path, profile: str | None = None,
               as_of: dt.date = AS_OF) -> list[Finding]:
    """Run the real validator over a folder, as `smsdocs check` does (outside git)."""
    return run_check(root, profile=profile, as_of=as_of).result.findings


GAP = "coverage.gap"
_PACKS: dict[tuple[str, str | None, str], RulePack] = {}


def run_checker(root: Path, profile: str | None, as_of: dt.date) -> list[Finding]:
    """check_tree with each configured rule pack loaded once: loading the pack is most of
    the cost of a small run."""
    config = config_mod.load(root)
    key = (config.pack, profile or config.profile, repr(config.overrides))
    if key not in _PACKS:
        _PACKS[key] = config.rule_pack(profile)
    return run_check(root, as_of=as_of, config=config, pack=_PACKS[key]).result.findings


@pytest.fixture
def sms_repo(tmp_path: Path) -> Callable[..., list[Finding]]:
    """Write files into a fresh repository and return its findings without coverage.gap: a
    repository of a few files cannot cover the standard (coverage.gap has its own tests,
    over the complete fixture set)."""
    def make(files: dict[str, str], profile: str | None = None,
             as_of: dt.date = AS_OF) -> list[Finding]:
        write_files(tmp_path, files)
        return [f for f in run_checker(tmp_path, profile, as_of) if f.rule != GAP]
    return make


@pytest.fixture
def all_findings(tmp_path: Path) -> Callable[..., list[Finding]]:
    """Every finding, coverage.gap included (for the coverage tests)."""
    def make(files: dict[str, str], profile: str | None = None,
             as_of: dt.date = AS_OF) -> list[Finding]:
        return run_checker(write_files(tmp_path, files), profile, as_of)
    return make


def rules_at(findings: list[Finding], file: str | None = None) -> set[tuple[str, int]]:
    """The (rule, line) pairs of the findings, optionally for one file."""
    return {(f.rule, f.line) for f in findings if file is None or f.file == file}


def init_repository(target: Path) -> Path:
    """A fresh repository made by `smsdocs init`, with its first management review and
    nonconformity scaffolded by `smsdocs new` (templates, as a new user gets them)."""
    import subprocess
    import sys
    for args in (["init", str(target), "--org", "Acme IT", "--services", "Hosting, Service Desk"],
                 ["new", "management-review", "--root", str(target), "--date", "2026-11-20"],
                 ["new", "nonconformity", "--root", str(target), "--date", "2026-11-21"]):
        done = subprocess.run([sys.executable, "-m", "smsdocs", *args], capture_output=True,
                              text=True, check=False)
        assert done.returncode == 0, done.stderr
    return target


@pytest.fixture(scope="session")
def built_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """The example handbook, its auditor edition and a fresh `smsdocs init` handbook, each
    built once per test session: {name: (repository root, site folder)}."""
    base = tmp_path_factory.mktemp("sites")
    fresh = init_repository(base / "init-repo")
    out: dict[str, tuple[Path, Path]] = {}
    for name, root, config in (("example", REPO_ROOT, "mkdocs.yml"),
                               ("auditor", REPO_ROOT, "mkdocs.auditor.yml"),
                               ("init", fresh, "mkdocs.yml")):
        site = base / f"site-{name}"
        build_site(root, site, config, quiet=True, in_process=True, check=True)
        out[name] = (root, site)
    return out
