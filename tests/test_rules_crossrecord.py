"""Rules across records (checks/crossrecord.py): coverage.gap, doc.*, plan.*, nc.action,
action.clause and action.evidence.

Each failing case edits one thing in a valid fixture and states every finding it
must produce, at its file line (see rules_support.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import GAP
from rules_support import (
    DOC,
    NC,
    NC_PATH,
    PLAN,
    PLAN_PATH,
    Case,
    Findings,
    case,
    check_case,
    complete_sms,
    days_around,
    edit,
    expected,
    heading,
    line_of,
    nc_case,
    plan_case,
    with_severity,
)
from smsdocs.core.findings import Severity


def crossrecord_cases() -> Iterator[Case]:
    text = NC[: NC.index("actions:\n")] + NC[NC.index("---\n# Emergency"):]
    yield nc_case("nc-action-none", text, ("nc.action", 3))
    text = edit(NC, '    clauses: ["8.5.1.3"]\n', "")
    yield nc_case("action-clause-none", text, ("action.clause", line_of(text, "- id: CA-001")))
    text = edit(NC, '    evidence: ["Change CHG-2041 in the service desk tool"]\n', "")
    yield nc_case("action-evidence-none", text,
                  ("action.evidence", line_of(text, "    status: done")))
    text = edit(NC, 'evidence: ["Change CHG-2041 in the service desk tool"]',
                'evidence: ["NC-001"]')
    yield nc_case("action-evidence-only-itself", text,
                  ("action.evidence", line_of(text, "evidence:")))
    text = edit(PLAN, "accountable for the SMS; chairs the management review",
                "accountable for the SMS and approves this plan")
    yield plan_case("plan-review-chair", text,
                    ("plan.review-chair", heading(text, "Roles and responsibilities")))
    text = edit(PLAN, "approved_by: Managing Director\n", "")
    yield plan_case("doc-approval-no-approver", text, ("doc.approval", line_of(text, "status:")))
    text = edit(DOC["valid_sla.md"].text, "approved_on: 2026-03-01\n", "")
    yield case("doc-approval-no-date", {DOC["valid_sla.md"].path: text}, DOC["valid_sla.md"].path,
               ("doc.approval", line_of(text, "status:")))
    text = edit(PLAN, "next_review: 2027-03-01", "next_review: 2026-10-01")
    yield plan_case("doc-review-due", text, ("doc.review-due", line_of(text, "next_review:")))
    text = edit(PLAN, "approved_on: 2026-03-01", "approved_on: 2025-06-01")
    yield plan_case("plan-annual-review", text,
                    ("plan.annual-review", line_of(text, "approved_on:")))


CASES: list[Case] = [*crossrecord_cases()]


@pytest.mark.parametrize(
    "c", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_failing_fixture(c: Case, sms_repo: Findings) -> None:
    check_case(c, sms_repo(c.files, profile=c.profile, as_of=c.as_of))


def test_coverage_gap_for_a_missing_document(all_findings: Findings) -> None:
    files = complete_sms("2018")
    del files[DOC["valid_sla.md"].path]
    findings = all_findings(files)
    # A gap belongs to the repository: reported at smsdocs.yml, never on the plan.
    assert with_severity(findings) == expected((GAP, 1))
    assert {f.file for f in findings} == {"smsdocs.yml"}
    assert "service-level-agreements" in findings[0].hint
    assert "`smsdocs new sla`" in findings[0].hint
    assert findings[0].severity is Severity.WARNING
    assert "justified" not in findings[0].message  # no justification given


def test_coverage_gap_for_a_retired_document(all_findings: Findings) -> None:
    files = complete_sms("2018")
    sla = DOC["valid_sla.md"]
    files[sla.path] = edit(sla.text, "status: approved", "status: retired")
    assert {(f.rule, f.file, f.line) for f in all_findings(files)} == {(GAP, "smsdocs.yml", 1)}


def test_coverage_gap_closed_by_provides_in_front_matter(all_findings: Findings) -> None:
    files = complete_sms("2018")
    del files[DOC["valid_sla.md"].path]
    files[PLAN_PATH] = edit(PLAN, "provides: [service-management-objectives]",
                            "provides: [service-management-objectives, service-level-agreements]")
    assert all_findings(files) == []


def test_coverage_gap_anchor_without_a_plan(all_findings: Findings) -> None:
    findings = all_findings({NC_PATH: NC})
    assert findings and {(f.rule, f.file, f.line) for f in findings} == {
        (GAP, "smsdocs.yml", 1)}


def test_coverage_gap_silent_without_records(all_findings: Findings) -> None:
    assert all_findings({"docs/index.md": "# Handbook\n\nWelcome.\n"}) == []


@pytest.mark.parametrize("offset,fires", [("before", False), ("of", False), ("after", True)])
def test_doc_review_due_boundary(offset: str, fires: bool, sms_repo: Findings) -> None:
    """Due on 2026-12-01: not late that day, late from the next."""
    text = edit(PLAN, "next_review: 2027-03-01", "next_review: 2026-12-01")
    as_of = dict(days_around(dt.date(2026, 12, 1)))[offset]
    want = {("doc.review-due", line_of(text, "next_review:"))} if fires else set()
    assert with_severity(sms_repo({PLAN_PATH: text}, as_of=as_of)) == expected(*want)


@pytest.mark.parametrize("key", ["approved_on", "last_reviewed"])
@pytest.mark.parametrize("offset,fires", [("before", False), ("of", False), ("after", True)])
def test_plan_annual_review_boundary(key: str, offset: str, fires: bool,
                                     sms_repo: Findings) -> None:
    """Reviewed on 2026-03-01: within 12 months up to 2027-03-01 (365 days), late after."""
    text = edit(PLAN, "next_review: 2027-03-01", "next_review: 2027-06-01")
    if key == "last_reviewed":
        text = edit(text, "approved_on: 2026-03-01", "approved_on: 2025-06-01\n"
                                                     "last_reviewed: 2026-03-01")
    as_of = dict(days_around(dt.date(2027, 3, 1)))[offset]
    want = {("plan.annual-review", line_of(text, f"{key}: 2026-03-01"))} if fires else set()
    assert with_severity(sms_repo({PLAN_PATH: text}, as_of=as_of)) == expected(*want)
