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

pytestmark = [pytest.mark.slow, pytest.mark.network]


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
         *(f"tests/test_rules_{family}.py" for family in ("fields", "references", "sections",
                                                          "actions", "crossrecord", "reviews",
                                                          "pack")),
         "tests/test_lifecycle.py", "-k", "fixture or round_trips"],
        cwd=tree, capture_output=True, text=True, check=False,
        env={"PATH": str(BIN) + ":/usr/bin:/bin", "PYTHONPATH": str(tree / "plugins")})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "error" not in result.stdout.lower()
    probe = subprocess.run([sys.executable, "-c", "import smsdocs; print(smsdocs.__file__)"],
                           cwd=tree, capture_output=True, text=True, check=True,
                           env={"PYTHONPATH": str(tree / "plugins")})
    assert probe.stdout.startswith(str(tree))


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None,
         ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                            check=False)
    if ok:
        assert result.returncode == 0, (args, result.stdout[-3000:], result.stderr[-3000:])
    return result


def _venv(path: Path, wheelhouse: Path, *install: str) -> Path:
    """A fresh venv outside the checkout whose `pip` installs only from the wheelhouse
    (offline, as a CI cache would). This test's pip serves it (`pip --python`): creating a
    venv with its own pip costs more than the rest of the test."""
    _run([sys.executable, "-m", "venv", "--without-pip", str(path)], cwd=path.parent)
    shim = path / "bin" / "pip"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pip --python "{path}/bin/python" '
                    f'"$@"\n')
    shim.chmod(0o755)
    if install:
        _run([str(shim), "install", "-q", "--no-compile", "--no-index", "--find-links",
              str(wheelhouse), *install], cwd=path.parent)
    return path / "bin"


def _ci_steps(workflow: dict, event: str) -> list[str]:
    """The `run:` steps of the check job that run on this event, in order; the `uses:` steps
    must be the checkout and Python set-up this test stands in for."""
    steps = []
    for step in workflow["jobs"]["check"]["steps"]:
        if "uses" in step:
            assert step["uses"].split("@")[0] in ("actions/checkout", "actions/setup-python")
            continue
        condition = step.get("if", "")
        if condition == "github.event_name == 'pull_request'" and event != "pull_request":
            continue
        if condition == "github.event_name != 'pull_request'" and event == "pull_request":
            continue
        assert condition in ("", "github.event_name == 'pull_request'",
                             "github.event_name != 'pull_request'"), condition
        steps.append(step["run"])
    return steps


def test_a_newcomer_gets_a_green_first_pull_request(dists: dict[str, Path],
                                                    tmp_path: Path) -> None:
    """Wheel -> fresh venv outside the checkout -> init -> the generated CI, step by step, on
    a clone -> fill one template on a branch -> the pull-request check sees only that."""
    import yaml

    base_env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_CONFIG_GLOBAL": str(tmp_path / "gitconfig"), "NO_MKDOCS_2_WARNING": "1",
                "GIT_AUTHOR_NAME": "SMS Manager", "GIT_AUTHOR_EMAIL": "sms@example.org",
                "GIT_COMMITTER_NAME": "SMS Manager", "GIT_COMMITTER_EMAIL": "sms@example.org"}
    wheelhouse = tmp_path / "wheelhouse"  # smsdocs and its dependencies, fetched once
    _run([sys.executable, "-m", "pip", "wheel", "-q", "-w", str(wheelhouse), "--find-links",
          str(dists["wheel"].parent), f"{dists['wheel']}[properdocs]"], cwd=tmp_path)

    # The newcomer installs smsdocs into a venv of their own and starts a repository.
    user_bin = _venv(tmp_path / "venv", wheelhouse, "smsdocs")
    env = {**base_env, "PATH": f"{user_bin}:{base_env['PATH']}"}
    made = _run([str(user_bin / "smsdocs"), "init", "sms", "--org", "Acme",
                 "--services", "Hosting"], cwd=tmp_path, env=env)
    assert len(made.stdout.strip().split("\n")) == 5, made.stdout
    repo = tmp_path / "sms"
    requirement = (repo / "requirements.txt").read_text().strip().split("\n")[-1]
    # installed from an index, with the engine the generated CI builds with
    assert requirement == f"smsdocs[properdocs]=={smsdocs.__version__}"
    workflow = yaml.safe_load((repo / ".github/workflows/smsdocs.yml").read_text())
    assert workflow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads `on` as True

    # CI on the first push: a fresh runner clones the repository and runs the steps.
    ci = tmp_path / "ci"
    ci.mkdir()
    ci_bin = _venv(ci / "venv", wheelhouse)
    _run(["git", "clone", "-q", str(repo), str(ci / "sms")], cwd=ci, env=base_env)
    ci_env = {**base_env, "PATH": f"{ci_bin}:{base_env['PATH']}", "PIP_NO_INDEX": "1",
              "PIP_FIND_LINKS": str(wheelhouse), "PIP_NO_COMPILE": "1",
              "GITHUB_STEP_SUMMARY": str(ci / "summary.md")}
    for command in _ci_steps(workflow, "push"):
        _run(["bash", "-e", "-c", command], cwd=ci / "sms", env=ci_env)
    assert (ci / "sms" / "site" / "index.html").is_file()

    # The newcomer writes the policy on a branch and opens a pull request.
    _run(["git", "switch", "-q", "-c", "write-the-policy"], cwd=repo, env=env)
    policy = repo / "docs" / "sms" / "policy.md"
    assert "id: POL-001" in policy.read_text()
    policy.write_text((Path(__file__).parent / "data" / "newcomer-policy.md").read_text())
    _run(["git", "commit", "-q", "-am", "Write the service management policy"], cwd=repo,
         env=env)
    _run(["git", "fetch", "-q", "origin", "write-the-policy"], cwd=ci / "sms", env=base_env)
    _run(["git", "checkout", "-q", "FETCH_HEAD"], cwd=ci / "sms", env=base_env)
    pr_env = {**ci_env, "GITHUB_BASE_REF": "main"}
    outputs = [_run(["bash", "-e", "-c", command], cwd=ci / "sms", env=pr_env).stdout
               for command in _ci_steps(workflow, "pull_request")]
    check = next(out for out, cmd in zip(outputs, _ci_steps(workflow, "pull_request"),
                                         strict=True) if "--base" in cmd)
    assert "::error" not in check and "::warning" not in check
    assert "POL-001" in check and "docs/sms/policy.md" in check
    summary = (ci / "summary.md").read_text()
    assert "POL-001" in summary
    assert not [line for line in check.split("\n") if "docs/" in line
                and "docs/sms/policy.md" not in line], "only the changed document is reported"
    # Without the baseline too, the pull request is judged on what it changed: the policy.
    plain = _run([str(ci_bin / "smsdocs"), "check", "--base", "origin/main"], cwd=ci / "sms",
                 env=pr_env)
    assert "0 error(s)" in plain.stdout
    full = _run([str(ci_bin / "smsdocs"), "check"], cwd=ci / "sms", env=pr_env, ok=False)
    assert full.returncode == 1  # the other templates are still unwritten
