"""`smsdocs init`: a new repository of guided templates that the check keeps flagging."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF_EPOCH, check_tree

ORG, SERVICES = 'Acme "Cloud" IT', "Hosting, Service Desk"
PINNED = {**os.environ, "SOURCE_DATE_EPOCH": AS_OF_EPOCH}  # builds never read today


def smsdocs(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smsdocs", *args], capture_output=True,
                          text=True, check=False)


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    target = tmp_path / "sms"
    result = smsdocs("init", str(target), "--org", ORG, "--services", SERVICES)
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
    assert per_file["docs/sms/plan.md"] == set(headings)


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


def test_handbook_skeleton_builds(fresh: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)],
                            cwd=fresh, capture_output=True, text=True, check=False, env=PINNED)
    assert result.returncode == 0, result.stderr
    assert (site / "index.html").is_file()
    progress = next(site.rglob("progress*/index.html"), None) or next(site.rglob("progress.html"))
    assert re.search(r"0 of \d+", progress.read_text())
    auditor = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                              "mkdocs.auditor.yml", "-d", str(tmp_path / "auditor")],
                             cwd=fresh, capture_output=True, text=True, check=False, env=PINNED)
    assert auditor.returncode == 0, auditor.stderr
    assert (tmp_path / "auditor" / "index.html").is_file()


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
    result = smsdocs("init", str(fresh), "--org", "X", "--force")
    assert result.returncode == 0, result.stderr
    assert plan.read_text() == "# Our own plan\n"
    assert (fresh / "smsdocs.yml").is_file()
