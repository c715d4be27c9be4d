"""Both site generators, end to end: the bundled example, committed in a temp git repository,
built by real ProperDocs and real MkDocs 1.x (handbook and auditor edition, the latter through
`smsdocs pack`), and the outputs compared file by file."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import copy_example
from sites import build_site, env
from smsdocs import engine

REPO_ROOT = Path(__file__).resolve().parent.parent
GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)">')
BANNERS = ("end of life", "MkDocs 2", "MkDocs may break", "Zensical")


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example committed in a fresh git repository (a fixed source commit)."""
    return copy_example(tmp_path_factory.mktemp("engines") / "sms", env())


def _files(entries: dict[str, bytes]) -> dict[str, bytes]:
    """Site files with .gz members decompressed and the generator tag taken out."""
    out = {}
    for name, data in entries.items():
        if name.endswith(".gz"):
            data = gzip.decompress(data)
        out[name] = GENERATOR.sub(b"", data)
    return out


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_engines_are_installed_and_properdocs_preferred() -> None:
    assert engine.installed() == ["properdocs", "mkdocs"]
    assert engine.choose() == "properdocs" and engine.choose("mkdocs") == "mkdocs"
    with pytest.raises(engine.UsageError):
        engine.choose("zensical")


def test_both_engines_build_the_same_handbook(example: Path, tmp_path: Path) -> None:
    sites = {name: tmp_path / name for name in engine.ENGINES}
    procs = {name: build_site(example, site, engine_name=name, strict=True, check=True)
             for name, site in sites.items()}
    trees = {name: _tree(site) for name, site in sites.items()}
    assert sorted(trees["properdocs"]) == sorted(trees["mkdocs"])
    assert len(trees["mkdocs"]) > 100
    assert trees["properdocs"]["sms.json"] == trees["mkdocs"]["sms.json"]
    generators = {name: set(GENERATOR.findall(tree["index.html"]))
                  for name, tree in trees.items()}
    assert generators == {
        "properdocs": {f"mkdocs-ProperDocs {engine.version('properdocs')}, "
                       f"mkdocs-material-{engine.version('mkdocs-material')}".encode()},
        "mkdocs": {f"mkdocs-{engine.version('mkdocs')}, "
                   f"mkdocs-material-{engine.version('mkdocs-material')}".encode()}}
    one, two = _files(trees["properdocs"]), _files(trees["mkdocs"])
    assert [name for name in one if one[name] != two[name]] == []
    for name, proc in procs.items():  # the engine's environment keeps the banners out
        assert not [b for b in BANNERS if b in proc.stderr], (name, proc.stderr[-2000:])


def _pack(example: Path, out: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str],
                                                           dict[str, bytes]]:
    proc = subprocess.run([sys.executable, "-m", "smsdocs", "pack", str(example), "--out",
                           str(out), *extra], capture_output=True, text=True,
                          env={**env(), "NO_MKDOCS_2_WARNING": "", "DISABLE_MKDOCS_2_WARNING":
                               ""}, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    with zipfile.ZipFile(out) as archive:
        return proc, {n: archive.read(n) for n in archive.namelist()}


def test_pack_builds_with_properdocs_and_engine_mkdocs_still_works(example: Path,
                                                                    tmp_path: Path) -> None:
    default, by_properdocs = _pack(example, tmp_path / "pd.zip")
    chosen, by_mkdocs = _pack(example, tmp_path / "mk.zip", "--engine", "mkdocs")
    assert sorted(by_properdocs) == sorted(by_mkdocs)
    assert by_properdocs["sms.json"] == by_mkdocs["sms.json"]
    assert GENERATOR.search(by_properdocs["site/index.html"]).group(1).startswith(
        b"mkdocs-ProperDocs ")
    assert GENERATOR.search(by_mkdocs["site/index.html"]).group(1).startswith(
        f"mkdocs-{engine.version('mkdocs')},".encode())
    site = {n: d for n, d in by_properdocs.items() if n.startswith("site/")}
    other = {n: d for n, d in by_mkdocs.items() if n.startswith("site/")}
    one, two = _files(site), _files(other)
    assert [name for name in one if one[name] != two[name]] == []
    for proc in (default, chosen):
        output = proc.stdout + proc.stderr
        assert not [b for b in BANNERS if b in output], output[-2000:]


DOC = """\
---
id: POL-001
type: policy
title: Policy
owner: Managing Director
---

# Policy
"""


@pytest.mark.parametrize(("files", "expected"), [
    ({"mkdocs.yml": "site_name: S\nplugins:\n  - search\n  - smsdocs\n"}, []),
    ({"mkdocs.yml": "site_name: S\ntheme: {name: material}\nplugins:\n  - search\n"},
     [("mkdocs.yml", 3)]),
    ({"mkdocs.yml": "site_name: S\n"}, [("mkdocs.yml", 1)]),
    ({"mkdocs.yml": "INHERIT: base.yml\nsite_name: S\n",
      "base.yml": "site_name: B\nplugins:\n  smsdocs: {}\n"}, []),
    ({"mkdocs.yml": "site_name: S\nplugins:\n  smsdocs: {}\n", "zensical.toml": "[project]\n"},
     [("zensical.toml", 1)]),
    ({"properdocs.yml": "site_name: S\n\n\nplugins:\n  - search\n"}, [("properdocs.yml", 4)]),
    ({"mkdocs.yml": "site_name: S\nplugins: [smsdocs\n"}, []),  # broken: the engine says so
    ({}, []),
])
def test_check_warns_once_when_the_site_would_lack_the_plugin(
        tmp_path: Path, files: dict[str, str], expected: list[tuple[str, int]]) -> None:
    for name, text in {"docs/policy.md": DOC, **files}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "smsdocs", "check", str(tmp_path),
                           "--format", "json", "--as-of", "2026-11-23"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    found = [f for f in json.loads(proc.stdout)["findings"]
             if f["rule"] == "engine.plugin-missing"]
    assert [(f["file"], f["line"]) for f in found] == expected
    assert all(f["severity"] == "warning" and "smsdocs render" in f["hint"] for f in found)
