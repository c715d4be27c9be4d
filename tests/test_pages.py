"""Handbook pages beyond the registers: validation rules, clause coverage, 2011 records, the
input pack, KPI charts, review reports, git history and writing progress.

Real `mkdocs build`s of small repositories in temp folders; the history comes from a real
git repository whose commits have fixed author and committer dates.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import PROFILE_RULES
from gitrepo import Repo
from review_builder import REVIEW_FIELDS, management_review
from sites import build_site
from smsdocs.core import config as config_mod
from test_plugin import REVIEW_SECTIONS, article, broken_links

MKDOCS_YML = """\
site_name: Example Hosting Ltd — SMS handbook
theme:
  name: material
  font: false
plugins:
  - search
  - smsdocs:
      as_of: 2026-11-23
"""

SMSDOCS_YML = """\
coverage:
  justifications:
    sms-scope: "The scope is stated in the SMS plan until the scope statement is approved."
rules:
  action.overdue: {severity: error}
  ref.clause-unknown: {enabled: false}
"""

POLICY = """\
---
id: POL-001
type: service-management-policy
title: Service management policy
owner: Managing Director
status: approved
version: "{version}"
approved_by: Managing Director
approved_on: {approved_on}
next_review: 2027-01-15
clauses: ["5.2"]
---
# Service management policy

## Commitment

We commit to meeting the requirements of our customers, the law and the SMS, and to the
continual improvement of the SMS and the services.

## Objectives

This policy is the framework for setting the service management objectives, which the
SMS plan sets and top management reviews every year.

## Communication

The policy is published in this handbook and communicated to every employee when they
join and after every change{more}.
"""

PROCEDURE_2011 = """\
---
id: PROC-003
type: procedure
title: Change procedure (2011 edition)
standard: "iso20000-1:2011"
clauses: ["9.2"]
owner: Change Manager
status: approved
version: "4.1"
approved_by: SMS Manager
approved_on: 2026-01-05
next_review: 2027-01-05
---
# Change procedure

Changes are raised, assessed, approved, implemented and reviewed in the change tool.
"""

KPIS = """
  availability: {{value: {availability}, target: 99.9, unit: "%"}}
  csat: {{value: {csat}, target: 4.2, scale: 5}}"""

ACTIONS_1 = """\
  - id: MR-ACT-001
    title: Hire a service desk analyst
    owner: SMS Manager
    target_date: 2026-06-30
    status: done
    closed_on: 2026-06-01
    success_criteria: Analyst in post before the peak
    clauses: ["7.1"]
  - id: MR-ACT-002
    title: Review the supplier contract
    owner: Supplier Manager
    target_date: {target}
    status: open
    success_criteria: Signed contract with service credits
    clauses: ["8.2.3"]
"""

ACTIONS_2 = """\
  - id: MR-ACT-003
    title: Automate the change calendar
    owner: Change Manager
    target_date: 2027-03-31
    status: in-progress
    success_criteria: Calendar generated from the change tool every night
    clauses: ["8.5.1"]
"""

# the order of the fields in the review records of this repository
FIELDS = {**{k: v for k, v in REVIEW_FIELDS.items() if k != "status"}, "status": "approved",
          "approved_by": "Managing Director", "approved_on": "", "kpis": ""}
BODY = "".join(f"## {k}\n\n{v}\n\n" for k, v in REVIEW_SECTIONS.items())


def review(number: int, target: str = "2026-09-30") -> str:
    first = number == 1
    date = "2026-03-10" if first else "2026-07-21"
    return management_review(
        ACTIONS_1.format(target=target) if first else ACTIONS_2, BODY + "\n",
        fields=FIELDS, id="MR-2026-01" if first else "MR-2026-02",
        title="Management review 2026 Q1" if first else "Management review 2026 Q3",
        date=date, approved_on=date,
        kpis=KPIS.format(availability=99.8, csat=4.1) if first else
        KPIS.format(availability=99.95, csat=4.3))


def policy(version: str, approved_on: str, more: str = "") -> str:
    return POLICY.format(version=version, approved_on=approved_on, more=more)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository with three commits by two authors, built into a site."""
    repo = Repo(tmp_path_factory.mktemp("sms") / "repo")
    repo.commit("Initial SMS", {
        "mkdocs.yml": MKDOCS_YML, "smsdocs.yml": SMSDOCS_YML,
        "docs/index.md": "# Example Hosting Ltd\n\nThe SMS handbook.\n",
        "docs/policy.md": policy("1.0", "2026-01-10"),
        "docs/change-procedure.md": PROCEDURE_2011,
        "records/reviews/mr-2026-01.md": review(1)},
        date="2026-01-10T09:30:00+00:00", author="Alice Auditor")
    repo.commit("Policy 1.1: say how the policy is communicated", {
        "docs/policy.md": policy("1.1", "2026-03-05", " and at the yearly SMS briefing")},
        date="2026-03-05T14:00:00+00:00", author="Bob Owner")
    repo.commit("MR-ACT-002: the supplier asked for more time", {
        "records/reviews/mr-2026-01.md": review(1, target="2026-10-30"),
        "records/reviews/mr-2026-02.md": review(2)},
        date="2026-07-22T10:00:00+00:00", author="Carol Secretary")
    out = repo.root.parent / "site"
    proc = build_site(repo.root, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def page(site: Path, src: str) -> str:
    return article(site / src / "index.html")


def rows(html: str, marker: str) -> list[str]:
    """The <tr> elements carrying an attribute (e.g. data-action) in a piece of HTML."""
    return re.findall(rf"<tr [^>]*{marker}[^>]*>.*?</tr>", html, re.DOTALL)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# ---------------------------------------------------------------------- rules and clauses
def test_rules_page_lists_every_rule_as_configured(site: Path) -> None:
    root = site.parent / "repo"
    pack = config_mod.load(root).rule_pack()
    html = page(site, "registers/rules")
    listed = re.findall(r'<tr id="rule-[^"]*" data-rule="([^"]+)"', html)
    assert sorted(listed) == sorted(PROFILE_RULES["2018"])  # the table, not the pack
    overdue = next(r for r in rows(html, "data-rule") if 'data-rule="action.overdue"' in r)
    assert "smsdocs-severity-error" in overdue  # warning in the pack, error in smsdocs.yml
    unknown = next(r for r in rows(html, "data-rule") if 'data-rule="ref.clause-unknown"' in r)
    assert "disabled" in unknown
    rule = pack.rules["policy.commitments"]
    commitments = next(r for r in rows(html, "data-rule")
                       if 'data-rule="policy.commitments"' in r)
    assert f'href="../../clauses/{rule.clause}/"' in commitments
    assert rule.source.split(" ")[0] in commitments  # the pack's source, on hover
    assert "ISO/IEC 20000-2:2019 guidance, 5.2" in text(commitments)  # written out
    assert "Service management policy" in text(commitments)  # the type's title
    assert broken_links(site) == []


def test_clause_page_shows_coverage_with_providers_and_justified_gaps(site: Path) -> None:
    policy_clause = page(site, "clauses/5.2.2")
    item = rows(policy_clause, 'data-key="service-management-policy"')[0]
    assert 'data-state="covered"' in item and "POL-001" in item and "v1.1" in item
    assert 'href="../../policy/"' in item
    scope = rows(page(site, "clauses/4.3"), 'data-key="sms-scope"')[0]
    assert 'data-state="gap"' in scope and ">gap<" in scope
    assert "The scope is stated in the SMS plan" in scope and "stays a gap" in scope
    index = page(site, "clauses")
    assert "Required information" in index
    assert re.search(r"(?<!\d)0 of 1 covered.*(?<!\d)1 gap", index)


def test_2011_record_on_its_2018_clause_pages_with_its_2011_number(site: Path) -> None:
    change = page(site, "clauses/8.5.1")
    documents = change[change.index('id="documents"'):change.index('id="records"')]
    assert "PROC-003" in documents and "(2011 clause 9.2)" in text(documents)
    audit = page(site, "clauses/9.2")  # 2018 9.2 is internal audit: not the change procedure
    assert "PROC-003" not in audit
    card = page(site, "change-procedure")
    assert 'href="../clauses/8.5.1/"' in card
    assert "written against the 2011 edition: clause 9.2" in text(card)


# ---------------------------------------------------------------------- review lifecycle
def test_input_pack_lists_the_actions_of_earlier_reviews(site: Path) -> None:
    html = page(site, "registers/input-pack")
    section = html[html.index('id="previous-actions"'):html.index('id="audits"')]
    ids = re.findall(r'<tr data-action="([^"]+)"', section)
    assert ids == ["MR-ACT-001", "MR-ACT-002", "MR-ACT-003"]
    assert 'data-action="MR-ACT-002" data-state="overdue"' in section
    assert "moved 1×" not in section  # overdue is shown, not the slip, for overdue actions
    assert "since" in text(html) and "MR-2026-02" in text(html)
    assert "KPI Csat" not in text(html)  # the latest csat (4.3) meets the target


def test_kpi_page_has_valid_svg_charts_with_the_kpi_values(site: Path) -> None:
    html = page(site, "registers/kpis")
    charts = re.findall(r"<svg .*?</svg>", html, re.DOTALL)
    assert len(charts) == 3  # availability, csat, burn-down
    ns = {"s": "http://www.w3.org/2000/svg"}
    values = {}
    for chart in charts[:2]:
        root = ET.fromstring(chart)
        points = root.findall(".//s:circle[@class='smsdocs-point']", ns)
        values[points[0].get("data-series")] = [float(p.get("data-value")) for p in points]
    assert values == {"availability": [99.8, 99.95], "csat": [4.1, 4.3]}
    assert ET.fromstring(charts[2]).find(".//s:polyline", ns) is not None
    assert "<script" not in html and "http://" not in html.replace(ns["s"], "")
    assert 'data-value="99.8"' in html and "4.1/5" in text(html)


def test_review_page_reads_as_the_report_with_a_decisions_table(site: Path) -> None:
    html = page(site, "records/reviews/mr-2026-01")
    decisions = html[html.index("data-smsdocs-decisions"):]
    table = rows(decisions, "data-action")
    assert [re.search(r'data-action="([^"]+)"', r).group(1) for r in table] == [
        "MR-ACT-001", "MR-ACT-002"]
    done, late = table
    assert 'href="../../../actions/MR-ACT-001/"' in done and "smsdocs-status-done" in done
    assert "Analyst in post before the peak" in done and "2026-06-30" in done
    assert "smsdocs-overdue" in late and "overdue 24 d" in late and "Supplier Manager" in late
    assert "moved 1×" in late  # the slip read from git history
    full = (site / "records/reviews/mr-2026-01/index.html").read_text(encoding="utf-8")
    assert re.search(r'<link[^>]+href="[./]*assets/smsdocs/smsdocs-print\.css"', full)
    css = (site / "assets/smsdocs/smsdocs-print.css").read_text(encoding="utf-8")
    assert "@media print" in css and "break-inside: avoid" in css and ".md-sidebar" in css


# ---------------------------------------------------------------------- history
def test_document_page_shows_its_revision_history_from_git(site: Path) -> None:
    html = page(site, "policy")
    history = html[html.index("data-smsdocs-history"):]
    lines = [text(r) for r in rows(history, "data-commit")]
    assert len(lines) == 2
    assert lines[0].startswith("2026-03-05 1.1 Bob Owner Policy 1.1: say how the policy is "
                               "communicated")
    assert lines[1].startswith("2026-01-10 1.0 Alice Auditor Initial SMS (created)")
    review = page(site, "records/reviews/mr-2026-01")
    authors = [text(r).split(" ")[2] for r in rows(review, "data-commit")]
    assert authors == ["Carol", "Alice"]


def test_action_page_shows_its_status_history_with_the_slip(site: Path) -> None:
    html = page(site, "actions/MR-ACT-002")
    history = html[html.index("data-smsdocs-action-history"):]
    events = rows(history, "data-kind")
    assert [re.search(r'data-kind="([^"]+)"', e).group(1) for e in events] == [
        "opened", "target-date"]
    assert text(events[0]).startswith("2026-01-10 MR-ACT-002 opened")
    moved = events[1]
    assert 'data-days="30"' in moved and "2026-09-30 → 2026-10-30" in moved
    assert "slipped 30 d" in moved and "Carol Secretary" in moved
    assert "slipped 1 time, 30 days in all" in text(history)


# ---------------------------------------------------------------------- progress
def init_repo(root: Path) -> Path:
    proc = subprocess.run([sys.executable, "-m", "smsdocs", "init", str(root), "--org", "Acme",
                           "--services", "A, B", "--no-git"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return root


def progress_counts(site: Path) -> tuple[int, int, dict[str, tuple[int, int]]]:
    html = page(site, "registers/progress")
    match = re.search(r'data-written="(\d+)" data-required="(\d+)"', html)
    per_doc = {m[0]: (int(m[1]), int(m[2])) for m in re.findall(
        r'<tr data-id="([^"]+)" data-written="(\d+)" data-required="(\d+)"', html)}
    assert match is not None
    return int(match.group(1)), int(match.group(2)), per_doc


def test_init_repository_builds_with_a_progress_page(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "acme")
    proc = build_site(root, tmp_path / "site1")
    assert proc.returncode == 0, proc.stderr[-3000:]
    written, required, per_doc = progress_counts(tmp_path / "site1")
    assert written == 0 and required > 20
    assert per_doc["POL-001"] == (0, 3)
    html = page(tmp_path / "site1", "registers/progress")
    assert f"0 of {required} required sections written" in text(html)
    assert 'data-clause="5.2.1"' in html
    # outside a git work tree the pages simply have no history
    assert "data-smsdocs-history" not in page(tmp_path / "site1", "sms/policy")
    nav = (tmp_path / "site1" / "index.html").read_text(encoding="utf-8")
    assert "registers/progress/" in nav and "registers/rules/" in nav

    policy_md = root / "docs/sms/policy.md"
    filled = re.sub(r"\[describe: ([^\]]*)\]",
                    lambda m: "We wrote this: " + m.group(1).replace("(clause", "for clause")
                    .rstrip(")"), policy_md.read_text(encoding="utf-8"))
    policy_md.write_text(filled, encoding="utf-8")
    proc = build_site(root, tmp_path / "site2")
    assert proc.returncode == 0, proc.stderr[-3000:]
    written2, required2, per_doc2 = progress_counts(tmp_path / "site2")
    assert (written2, required2) == (3, required) and per_doc2["POL-001"] == (3, 3)


# ---------------------------------------------------------------------- escaping, no git
def test_report_pages_escape_front_matter_and_need_no_git(tmp_path: Path) -> None:
    from test_handbook import handbook
    from test_plugin import XSS_IMG, XSS_SCRIPT

    hb = handbook(tmp_path)  # a plain folder: no git history
    for src in ("registers/progress.md", "registers/rules.md", "registers/input-pack.md",
                "registers/kpis.md", "records/mr.md"):
        html = hb.render_page(src) if hb.generated(src) else hb.decorate(src, "<h1>x</h1>")
        assert XSS_SCRIPT not in html and XSS_IMG not in html, src
        assert "data-smsdocs-history" not in html and "data-smsdocs-action-history" not in html
    pack = hb.render_page("registers/input-pack.md")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pack and 'data-action="MR-ACT-004"' in pack
    review = hb.decorate("records/mr.md", "<h1>x</h1>")
    assert "data-smsdocs-decisions" in review and "&lt;img src=x" in review
