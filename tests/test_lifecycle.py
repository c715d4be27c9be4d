"""The management review lifecycle: scaffold, interchange, input pack, charts."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import AS_OF, check_tree, write_files
from sites import build_site
from smsdocs.core import config as config_mod
from smsdocs.review import charts, inputpack, interchange
from smsdocs.validate import validate

DATA = Path(__file__).parent / "data"
SVG = "{http://www.w3.org/2000/svg}"
DAY = AS_OF.isoformat()  # scaffolds are dated, never "today"


def smsdocs(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smsdocs", *args], capture_output=True,
                          text=True, cwd=cwd, check=False)


def test_scaffolds_fail_only_with_placeholders(tmp_path: Path) -> None:
    for kind in ("management-review", "nonconformity", "internal-audit", "policy",
                 "procedure", "plan"):
        result = smsdocs("new", kind, "--root", str(tmp_path), "--title", f"New {kind}",
                         "--date", DAY)
        assert result.returncode == 0, result.stderr
    findings = check_tree(tmp_path, as_of=AS_OF)
    assert findings, "a fresh scaffold must not pass: its prompts are unwritten"
    errors = {f.rule for f in findings if f.severity == "error"}
    # the prompts in the body and in front matter (owners left as "[insert owner]")
    assert errors == {"content.placeholder", "review.decision.owner", "action.owner"}
    # Warnings are only about the repository as a whole (required items not yet present).
    assert {f.rule for f in findings if f.severity == "warning"} <= {"coverage.gap"}


def test_new_refuses_to_overwrite_and_allocates_next_id(tmp_path: Path) -> None:
    first = smsdocs("new", "management-review", "--root", str(tmp_path), "--date", "2026-01-10")
    second = smsdocs("new", "management-review", "--root", str(tmp_path), "--date", "2026-07-10")
    assert "MR-2026-01" in first.stdout and "MR-2026-02" in second.stdout
    target = tmp_path / "records" / "management-reviews" / "mr-2026-01.md"
    before = target.read_bytes()
    again = smsdocs("new", "management-review", "--root", str(tmp_path), "--out", str(target))
    assert again.returncode == 2 and "never overwrites" in again.stderr
    assert target.read_bytes() == before
    # The second review lists the first one's open decision to follow up.
    text = (tmp_path / "records" / "management-reviews" / "mr-2026-02.md").read_text()
    assert "Previous review: MR-2026-01" in text and "MR-ACT-001" in text


def test_filling_a_scaffold_removes_its_findings(tmp_path: Path) -> None:
    smsdocs("new", "nonconformity", "--root", str(tmp_path), "--title", "Unapproved change",
            "--date", DAY)
    path = next((tmp_path / "records" / "nonconformities").glob("*.md"))
    text = path.read_text()
    text = re.sub(r"\[describe: [^\]]*\]", "An emergency change went live without CAB review "
                  "on the payroll cluster.", text)
    text = text.replace('"[insert owner]"', "Change Manager")
    text = text.replace('"[describe the action]"', "Add an emergency route to the change policy")
    text = text.replace('"[describe how success will be measured]"',
                        "No emergency change without review for two quarters")
    path.write_text(text)
    findings = check_tree(tmp_path, as_of=AS_OF)
    assert [f for f in findings if f.file.endswith(path.name)
            and f.rule == "content.placeholder"] == []


def test_import_of_the_reference_sample_round_trips(tmp_path: Path) -> None:
    sample = DATA / "management-review.json"
    result = smsdocs("import", "review", str(sample), "--root", str(tmp_path))
    assert result.returncode == 0, result.stderr
    findings = check_tree(tmp_path, as_of=dt.date(2025, 1, 31))
    rules = {f.rule for f in findings}
    # What the sample's content deserves: no chair, and the 2018 inputs it lacks.
    assert "field.required" in rules and "review.input.context-changes" in rules
    assert "review.input.audits" not in rules and "review.input.previous-actions" not in rules
    assert "frontmatter.invalid" not in rules and "field.type" not in rules
    exported = smsdocs("export", "review", "MR-2025-01", "--root", str(tmp_path))
    assert exported.returncode == 0, exported.stderr
    original, back = json.loads(sample.read_text()), json.loads(exported.stdout)
    assert back["review_metadata"] == original["review_metadata"]
    assert back["inputs"] == original["inputs"]
    assert back["decisions"] == original["decisions"]


def test_import_maps_2011_clauses_to_2018(tmp_path: Path) -> None:
    config = config_mod.load(tmp_path)
    pack = config.rule_pack()
    repo = validate(tmp_path, config, pack).repo
    _, text = interchange.import_review(json.loads((DATA / "management-review.json")
                                                   .read_text()), repo, pack)
    # 2011 9.2 is change management (2018 8.5.1), 6.1 is service level management (8.3.3).
    assert re.search(r"- id: MR-ACT-001\n(?:  .*\n)*?  clauses:\n  - 8\.5\.1\n", text)
    assert "source_clauses:\n  - '9.2'" in text
    assert re.search(r"- id: MR-ACT-002\n(?:  .*\n)*?  clauses:\n  - 8\.3\.3\n", text)


KPI_REVIEWS = {
    "records/mr-1.md": """
        ---
        id: MR-2026-01
        type: management-review
        title: First review
        date: 2026-01-20
        chair: MD
        attendees: [MD]
        kpis:
          sla_achievement: {value: 94.0, target: 97, unit: "%"}
          csat: {value: 3.8, target: 4, scale: 5}
        actions:
          - {id: MR-ACT-001, title: Hire a change manager, owner: CTO, target_date: 2026-03-01,
             status: done, closed_on: 2026-02-20, clauses: ["9.3"], evidence: [HR-1]}
          - {id: MR-ACT-002, title: Capacity review, owner: CTO, target_date: 2026-05-01,
             status: open, clauses: ["8.4.3"]}
        ---
        # First review
    """,
    "records/mr-2.md": """
        ---
        id: MR-2026-02
        type: management-review
        title: Second review
        date: 2026-07-20
        chair: MD
        attendees: [MD]
        kpis:
          sla_achievement: {value: 96.1, target: 97, unit: "%"}
          csat: {value: 4.1, target: 4, scale: 5}
        actions:
          - {id: MR-ACT-003, title: Approve budget for monitoring, owner: CFO,
             target_date: 2026-12-31, status: open, clauses: ["7.1"]}
        ---
        # Second review
    """,
    "records/ia-1.md": """
        ---
        id: IA-2026-01
        type: internal-audit
        title: Audit of change management
        date: 2026-09-10
        auditor: Internal auditor
        ---
        # Audit
        Raised NC-002.
    """,
    "records/nc-1.md": """
        ---
        id: NC-001
        type: nonconformity
        title: Old finding
        date: 2026-02-01
        owner: SMS Manager
        status: closed
        actions:
          - {id: CA-001, title: Fix, owner: X, target_date: 2026-03-01, status: done,
             closed_on: 2026-03-01, clauses: ["10.1"], evidence: [CHG-1]}
        ---
        # Old
    """,
    "records/nc-2.md": """
        ---
        id: NC-002
        type: nonconformity
        title: Emergency change without review
        date: 2026-09-12
        owner: SMS Manager
        status: open
        actions:
          - {id: CA-002, title: Add change authority to rota, owner: X,
             target_date: 2026-12-01, status: in-progress, clauses: ["8.5.1"]}
        ---
        # New
    """,
}


def _repo(tmp_path: Path):  # noqa: ANN202
    write_files(tmp_path, KPI_REVIEWS)
    config = config_mod.load(tmp_path)
    return validate(tmp_path, config, config.rule_pack(), dt.date(2026, 11, 23)).repo


def test_input_pack_lists_exactly_the_period(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    pack = inputpack.compile_pack(repo, dt.date(2026, 11, 23))
    assert pack.last_review == "MR-2026-02" and pack.period_start == "2026-07-20"
    assert [a["id"] for a in pack.audits] == ["IA-2026-01"]
    assert pack.audits[0]["nonconformities"] == ["NC-002"]
    assert [n["id"] for n in pack.nonconformities] == ["NC-002"]
    states = {a.id: a.state for a in pack.review_actions}
    assert states == {"MR-ACT-001": "done", "MR-ACT-002": "overdue", "MR-ACT-003": "open"}
    needed = "\n".join(pack.decisions_needed)
    assert "sla_achievement" in needed and "MR-ACT-002" in needed and "MR-ACT-003" in needed
    assert "csat" not in needed  # 4.1 meets the target of 4
    markdown = inputpack.render_markdown(pack)
    assert "| MR-ACT-002 |" in markdown and "overdue" in markdown


def test_input_pack_reads_periods_as_ranges_and_statuses_as_recorded(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    pack = inputpack.compile_pack(repo, dt.date(2026, 11, 23))
    markdown = inputpack.render_markdown(pack)
    assert "Period: 2026-07-21 to 2026-11-23, since MR-2026-02 on 2026-07-20." in markdown
    assert ("Raised per period: up to 2026-01-20: 0; 2026-01-21 to 2026-07-20: 1; "
            "2026-07-21 to 2026-11-23: 1.") in markdown
    # CA-002 is recorded in-progress: shown as such, not as "open".
    ca = next(c for n in pack.nonconformities for c in n["corrective_actions"]
              if c["id"] == "CA-002")
    assert ca["state"] == "in-progress" and "CA-002 in-progress" in markdown
    assert "MR-ACT-002 |" in markdown and "open, overdue by" in markdown
    # A review held on the pack's date leaves no empty period behind it.
    same_day = inputpack.render_markdown(inputpack.compile_pack(repo, dt.date(2026, 7, 20)))
    assert "Raised per period: up to 2026-01-20: 0; 2026-01-21 to 2026-07-20: 1.\n" in same_day


def test_input_pack_of_a_new_repository_says_none_yet(tmp_path: Path) -> None:
    root = tmp_path / "sms"
    assert smsdocs("init", str(root), "--org", "Acme", "--no-git").returncode == 0
    result = smsdocs("review", "prepare", str(root), "--as-of", "2026-11-30")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Period: up to 2026-11-30 (no earlier management review)." in out
    assert "| --- |" not in out, "no table without rows"
    assert out.count("None yet") == 2 and "No nonconformity has been raised yet." in out
    assert "Raised per period" not in out


def test_kpi_chart_points_match_values(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    reviews = sorted((r for r in repo.records if r.type == "management-review"),
                     key=lambda r: r.date)
    series = {s.name: s for s in inputpack.kpi_series(reviews)}
    svg = charts.kpi_chart(series["sla_achievement"])
    root = ET.fromstring(svg)  # valid XML
    values = [float(c.get("data-value")) for c in root.iter(f"{SVG}circle")]
    assert values == [94.0, 96.1]
    target = next(e for e in root.iter(f"{SVG}line") if e.get("class") == "smsdocs-target")
    assert float(target.get("data-value")) == 97.0
    # Higher values are drawn higher (smaller y).
    ys = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    assert ys[1] < ys[0]


def test_burndown_counts_open_and_done(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    points = charts.burndown(repo, dt.date(2026, 11, 23))
    last = points[-1]
    assert (last.open, last.done) == (3, 2)  # MR-ACT-002, MR-ACT-003, CA-002 open
    ET.fromstring(charts.burndown_chart(points))


def test_scaffold_fill_check_build(tmp_path: Path) -> None:
    """The whole loop in a temp repository: scaffold, fill the prompts, check, build."""
    write_files(tmp_path, {"mkdocs.yml": "site_name: Loop\ntheme: {name: material}\n"
                                         "plugins: [search, smsdocs]\n",
                           "docs/index.md": "# Loop\n"})
    made = smsdocs("new", "management-review", "--root", str(tmp_path), "--title", "Q4 review",
                   "--date", DAY)
    assert made.returncode == 0, made.stderr
    path = next((tmp_path / "records" / "management-reviews").glob("*.md"))
    filled = re.sub(r"\[describe: [^\]]*\]", "Reviewed with figures for the period: the "
                    "service improved, a change to the SMS and resources were decided, and "
                    "the SMS remains suitable, adequate and effective.", path.read_text())
    filled = filled.replace("This is the first management review", "This is the first review")
    for placeholder, value in (('"[insert owner]"', "SMS Manager"),
                               ('"[insert chair]"', "Managing Director"),
                               ('["[insert attendee]"]', "[Managing Director, SMS Manager]"),
                               ('"[describe the decision]"', "Improve the change process"),
                               ('"[describe how success will be measured]"',
                                "No unauthorised change for two quarters")):
        filled = filled.replace(placeholder, value)
    path.write_text(filled)
    errors = [f for f in check_tree(tmp_path, as_of=AS_OF) if f.severity == "error"]
    assert errors == []
    site = tmp_path / "site"
    build_site(tmp_path, site, strict=True, quiet=True, in_process=True, check=True)
    page = site / "records" / "management-reviews" / path.stem / "index.html"
    assert "Improve the change process" in page.read_text()
