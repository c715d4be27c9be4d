"""The distribution as a user and a package index receive it: sdist and wheel built by
`python -m build`, checked by `twine check`, without setuptools warnings, and an sdist
whose own tests run."""

from __future__ import annotations

import email
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import smsdocs

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel of this checkout, built once per test session."""
    if not (REPO_ROOT / "pyproject.toml").is_file():
        pytest.skip("not a source tree")
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO_ROOT)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    log = result.stdout + result.stderr
    assert "Deprecat" not in log, [line for line in log.splitlines() if "Deprecat" in line]
    return {"sdist": next(out.glob("*.tar.gz")), "wheel": next(out.glob("*.whl")), "log": out}


def test_twine_accepts_both_and_the_metadata_is_complete(dists: dict[str, Path]) -> None:
    check = subprocess.run([str(BIN / "twine"), "check", "--strict", str(dists["sdist"]),
                            str(dists["wheel"])], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        names = wheel.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.message_from_bytes(wheel.read(info))
    assert meta["Version"] == smsdocs.__version__
    assert meta["License-Expression"] == "MIT" and meta["License-File"] == "LICENSE"
    assert "Framework :: MkDocs" in meta.get_all("Classifier")
    assert meta["Author"] or meta["Author-email"]
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "smsdocs/packs/iso20000-1-2018/pack.yaml" in names
    assert not [n for n in names if n.startswith("tests/")], "tests belong in the sdist only"


def test_the_sdists_own_tests_run(dists: dict[str, Path], tmp_path: Path) -> None:
    with tarfile.open(dists["sdist"]) as sdist:
        sdist.extractall(tmp_path, filter="data")
    tree = next(tmp_path.iterdir())
    for needed in ("tests/conftest.py", "tests/gitrepo.py", "tests/data/management-review.json",
                   "LICENSE", "CHANGELOG.md", "CONTRIBUTING.md", "docs/index.md",
                   "mkdocs.yml", ".github/workflows/smsdocs.yml", "scripts/test.sh"):
        assert (tree / needed).is_file(), needed
    assert list((tree / "tests" / "fixtures" / "rules").glob("*.md"))
    # The sdist's package, not this checkout's, under its own tests (a quick subset).
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
         "tests/test_rules.py", "tests/test_lifecycle.py", "-k", "fixture or round_trips"],
        cwd=tree, capture_output=True, text=True, check=False,
        env={"PATH": str(BIN) + ":/usr/bin:/bin", "PYTHONPATH": str(tree / "plugins")})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "error" not in result.stdout.lower()
    probe = subprocess.run([sys.executable, "-c", "import smsdocs; print(smsdocs.__file__)"],
                           cwd=tree, capture_output=True, text=True, check=True,
                           env={"PYTHONPATH": str(tree / "plugins")})
    assert probe.stdout.startswith(str(tree))
