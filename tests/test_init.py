"""`smsdocs init`: a new repository of guided templates that the check keeps flagging."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import check_tree
from sites import AS_OF_EPOCH, build_site
from smsdocs import engine

ORG, SERVICES = 'Acme "Cloud" IT', "Hosting, Service Desk"
PINNED = {**os.environ, "SOURCE_DATE_EPOCH": AS_OF_EPOCH}  # builds never read today


def smsdocs(*args: str, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smsdocs", *args], capture_output=True,
                          text=True, check=False, env=env)


def git_env(home: Path, identity: bool = True) -> dict[str, str]:
    """git with no user or system configuration but (optionally) an identity."""
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": os.devnull}
    if identity:
        env |= {"GIT_AUTHOR_NAME": "SMS Manager", "GIT_AUTHOR_EMAIL": "sms@example.org",
                "GIT_COMMITTER_NAME": "SMS Manager", "GIT_COMMITTER_EMAIL": "sms@example.org"}
    return env


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    target = tmp_path / "sms"
    result = smsdocs("init", str(target), "--org", ORG, "--services", SERVICES, "--no-git")
    assert result.returncode == 0, result.stderr
    return target


def test_init_writes_a_complete_skeleton(fresh: Path) -> None:
    for name in ("mkdocs.yml", "mkdocs.auditor.yml", "smsdocs.yml", "requirements.txt",
                 ".pre-commit-config.yaml", ".github/workflows/smsdocs.yml",
                 "docs/index.md", "docs/sms/plan.md", "docs/sms/policy.md",
                 "records/management-reviews/README.md", "records/nonconformities/README.md"):
        assert (fresh / name).is_file(), name
    plan = (fresh / "docs/sms/plan.md").read_text()
    assert ORG.replace('"', '\\"') in plan and "- Hosting" in plan and "- Service Desk" in plan
    # Every prompt names the clause that asks for the section.
    prompts = re.findall(r"\[describe: [^\]]*\]", plan)
    assert prompts and all(re.search(r"\(clause [0-9.]+\)\]$", p) for p in prompts)


def test_check_reports_only_placeholders_one_per_section(fresh: Path) -> None:
    findings = check_tree(fresh)
    assert findings and {f.rule for f in findings} == {"content.placeholder"}
    per_file: dict[str, set[int]] = {}
    for f in findings:
        assert f.line not in per_file.setdefault(f.file, set()), "one finding per section"
        per_file[f.file].add(f.line)
    plan = (fresh / "docs/sms/plan.md").read_text().split("\n")
    headings = [i + 1 for i, line in enumerate(plan) if line.startswith("## ")]
    prompts = [i + 1 for i, line in enumerate(plan) if line.startswith("owner: \"[insert")]
    assert prompts, "the template's owner is a prompt"
    assert per_file["docs/sms/plan.md"] == set(headings) | set(prompts)


def test_coverage_reads_template_not_missing(fresh: Path) -> None:
    result = smsdocs("coverage", str(fresh))
    assert result.returncode == 0
    summary = result.stdout.splitlines()[-1]
    match = re.fullmatch(r"(\d+) required items: 0 covered, (\d+) template \(not yet "
                         r"written\), 0 gap\(s\)", summary)
    assert match and match[1] == match[2] and int(match[1]) > 20, summary
    assert "template, not yet written" in result.stdout


def test_filling_one_template_removes_its_findings(fresh: Path) -> None:
    policy = fresh / "docs/sms/policy.md"
    text = re.sub(r"\[describe: [^\]]*\]",
                  "We commit to meeting every service requirement and obligation and to "
                  "improving the SMS continually; objectives are set each year and the policy "
                  "is communicated on the intranet.", policy.read_text())
    policy.write_text(text.replace('"[insert owner]"', "Managing Director"))
    findings = check_tree(fresh)
    assert not [f for f in findings if f.file == "docs/sms/policy.md"]
    assert findings  # the other templates are still unwritten


@pytest.mark.parametrize("name", engine.ENGINES)
def test_handbook_skeleton_builds(fresh: Path, tmp_path: Path, name: str) -> None:
    """Both engines read the configuration init writes (handbook and auditor edition)."""
    site = tmp_path / "site"
    # strict, as the generated CI builds: the template prompts are in the baseline
    build_site(fresh, site, engine_name=name, strict=True, quiet=True, check=True)
    assert (site / "index.html").is_file()
    assert name.encode() in (site / "index.html").read_bytes().lower()  # generator tag
    progress = next(site.rglob("progress*/index.html"), None) or next(site.rglob("progress.html"))
    assert re.search(r"0 of \d+", progress.read_text())
    build_site(fresh, tmp_path / "auditor", "mkdocs.auditor.yml", engine_name=name,
               quiet=True, check=True)
    assert (tmp_path / "auditor" / "index.html").is_file()
    assert "smsdocs[properdocs]" in (fresh / "requirements.txt").read_text()


def test_init_refuses_a_non_empty_folder_and_leaves_it_unchanged(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.md").write_text("mine\n")
    result = smsdocs("init", str(target), "--org", "X")
    assert result.returncode == 2 and "not empty" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["notes.md"]
    assert (target / "notes.md").read_text() == "mine\n"


def test_force_adds_missing_files_but_never_overwrites(fresh: Path) -> None:
    plan = fresh / "docs/sms/plan.md"
    plan.write_text("# Our own plan\n")
    (fresh / "smsdocs.yml").unlink()
    result = smsdocs("init", str(fresh), "--org", "X", "--force", "--no-git")
    assert result.returncode == 0, result.stderr
    assert plan.read_text() == "# Our own plan\n"
    assert (fresh / "smsdocs.yml").is_file()


def test_init_starts_git_with_a_baseline_so_the_first_check_passes(tmp_path: Path) -> None:
    target = tmp_path / "sms"
    result = smsdocs("init", str(target), "--org", "Acme", env=git_env(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().split("\n")
    assert len(lines) == 5, lines
    assert "first commit" in lines[0] and "requirements.txt installs" in lines[1]
    assert re.search(r"records its \d+ template prompt", lines[2])
    assert "smsdocs check --baseline .smsdocs-baseline.json" in lines[3]
    log = subprocess.run(["git", "log", "--format=%s", "--name-only"], cwd=target,
                         capture_output=True, text=True, check=True).stdout
    assert log.startswith("Start the service management system")
    assert ".smsdocs-baseline.json" in log and "docs/sms/plan.md" in log
    status = subprocess.run(["git", "status", "--porcelain"], cwd=target, capture_output=True,
                            text=True, check=True).stdout
    assert status == "", "everything init wrote is committed"
    assert subprocess.run(["git", "branch", "--show-current"], cwd=target, capture_output=True,
                          text=True, check=True).stdout.strip() == "main"
    baseline = json.loads((target / ".smsdocs-baseline.json").read_text())
    assert {e["rule"] for e in baseline["findings"]} == {"content.placeholder"}
    plain = smsdocs("check", str(target))
    gated = smsdocs("check", str(target), "--baseline", str(target / ".smsdocs-baseline.json"))
    assert plain.returncode == 1 and gated.returncode == 0, gated.stdout


def test_init_without_a_git_identity_still_creates_the_repository(tmp_path: Path) -> None:
    result = smsdocs("init", str(tmp_path / "sms"), "--org", "Acme",
                     env=git_env(tmp_path, identity=False))
    assert result.returncode == 0, result.stderr
    assert "no commit" in result.stdout and "user.email" in result.stdout
    assert (tmp_path / "sms" / ".git").is_dir()


def test_init_inside_an_existing_repository_does_not_commit(tmp_path: Path) -> None:
    env = git_env(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path / "mono")], check=True, env=env)
    result = smsdocs("init", str(tmp_path / "mono" / "sms"), "--org", "Acme", env=env)
    assert result.returncode == 0 and "already in the git repository" in result.stdout
    assert not (tmp_path / "mono" / "sms" / ".git").exists()


def test_init_requirement_names_where_smsdocs_came_from(tmp_path: Path) -> None:
    from smsdocs.authoring import install_source

    # This test run's smsdocs is an editable install of the checkout: a local folder.
    made = smsdocs("init", str(tmp_path / "a"), "--org", "Acme", "--no-git")
    spec = (tmp_path / "a" / "requirements.txt").read_text().strip().split("\n")[-1]
    found = install_source.detect()
    assert spec == install_source.with_properdocs(found.spec)
    if found.spec.startswith("smsdocs @ file:"):
        assert "cannot reach" in made.stdout
    chosen = smsdocs("init", str(tmp_path / "b"), "--org", "Acme", "--no-git",
                     "--requirement", "smsdocs @ git+https://git.example.org/sms/smsdocs@v0.2.0")
    assert chosen.returncode == 0
    assert (tmp_path / "b" / "requirements.txt").read_text().strip().endswith(
        "smsdocs @ git+https://git.example.org/sms/smsdocs@v0.2.0")
    read = install_source._from_direct_url
    assert read({"url": "https://git.example.org/smsdocs.git",
                 "vcs_info": {"vcs": "git", "commit_id": "ab12", "requested_revision": "v1"}}
                ).spec == "smsdocs @ git+https://git.example.org/smsdocs.git@ab12"
    archive = read({"url": "https://files.example.org/smsdocs-0.1.0-py3-none-any.whl",
                    "archive_info": {"hashes": {"sha256": "00ff"}}})
    assert archive.spec.endswith(".whl#sha256=00ff") and archive.note == ""
    folder = read({"url": "file:///home/me/smsdocs", "dir_info": {"editable": True}})
    assert folder.spec == "smsdocs @ file:///home/me/smsdocs" and "cannot reach" in folder.note


def test_generated_and_shipped_ci_files_validate_against_their_schemas(fresh: Path) -> None:
    """GitHub's workflow schema for the generated and the shipped workflow, GitLab's for the
    shipped .gitlab-ci.yml (check-jsonschema's vendored copies: no network)."""
    tool = Path(sys.executable).parent / "check-jsonschema"
    root = Path(__file__).resolve().parent.parent
    for schema, files in (("vendor.github-workflows",
                           [fresh / ".github/workflows/smsdocs.yml",
                            root / ".github/workflows/smsdocs.yml"]),
                          ("vendor.gitlab-ci", [root / ".gitlab-ci.yml"])):
        result = subprocess.run([str(tool), "--builtin-schema", schema, *map(str, files)],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
    for workflow in (fresh / ".github/workflows/smsdocs.yml",
                     root / ".github/workflows/smsdocs.yml"):
        uses = re.findall(r"uses: ([\w/-]+)@v(\d+)", workflow.read_text())
        # Majors on the Node 24 runtime; Node 20 majors are deprecated on GitHub's runners.
        current = {"actions/checkout": 5, "actions/setup-python": 6,
                   "actions/configure-pages": 6, "actions/upload-pages-artifact": 5,
                   "actions/deploy-pages": 5, "github/codeql-action/upload-sarif": 4}
        assert uses and all(int(major) >= current[name] for name, major in uses), uses
