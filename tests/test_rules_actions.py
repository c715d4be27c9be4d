"""Actions and their dates (checks/actions.py): action.*, the decisions of a review, as-of
boundaries.

Each failing case edits one thing in a valid fixture and states every finding it
must produce, at its file line (see rules_support.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from conftest import rules_at
from rules_support import (
    NC,
    NC_PATH,
    REVIEW,
    REVIEW_PATH,
    Case,
    Findings,
    check_case,
    days_around,
    drop_section,
    edit,
    expected,
    heading,
    line_of,
    nc_case,
    review_case,
    section_body,
    with_severity,
)
from smsdocs.core.findings import Severity


def action_cases() -> Iterator[Case]:
    text = edit(REVIEW, "attendees:\n  - Managing Director\n  - SMS Manager\n"
                        "  - Service Desk Lead\n", "attendees: []\n")
    yield review_case("review-attendees-empty", text,
                      ("review.attendees", line_of(text, "attendees: []")))
    text = edit(REVIEW, "attendees:\n  - Managing Director\n  - SMS Manager\n"
                        "  - Service Desk Lead\n", "")
    yield review_case("review-attendees-missing", text, ("review.attendees", 3))
    start = REVIEW.index("actions:\n")
    text = drop_section(REVIEW[:start] + "actions: []\n"
                        + REVIEW[REVIEW.index("---\n# Management"):], "Decisions")
    yield review_case("review-decisions-none", text,
                      ("review.decisions.none", line_of(text, "actions: []")))
    text = edit(REVIEW, "    owner: Supplier Manager\n", "")
    yield review_case("review-decision-no-owner", text,
                      ("review.decision.owner", line_of(text, "- id: MR-ACT-002")))
    for number, placeholder in enumerate(("TBD", "TBC", "to be confirmed", "-", "?", "n/a",
                                          "Supplier Manager (tbc)", "[insert owner]")):
        text = edit(REVIEW, "    owner: Supplier Manager\n", f'    owner: "{placeholder}"\n')
        yield review_case(f"review-decision-placeholder-owner-{number}",
                          text, ("review.decision.owner", line_of(text, f'"{placeholder}"')))
    text = edit(NC, "    owner: Change Manager", '    owner: "to be confirmed"')
    yield nc_case("action-placeholder-owner", text,
                  ("action.owner", line_of(text, '"to be confirmed"')))
    text = edit(REVIEW, "    success_criteria: Signed contract with credits for availability below"
                        " 99.5%\n", "")
    yield review_case("review-decision-no-success-criteria", text,
                      ("review.decision.success-criteria", line_of(text, "- id: MR-ACT-002")))
    text = edit(REVIEW, "chair: Managing Director", "chair: Service Desk Lead")
    yield review_case("review-chair-not-top-management", text,
                      ("review.chair", line_of(text, "chair: Service Desk Lead")))
    text = edit(REVIEW, "chair: Managing Director", 'chair: "[insert chair]"')
    yield review_case("review-chair-template-prompt", text,
                      ("content.placeholder", line_of(text, "[insert chair]")))
    text = edit(REVIEW, "status: approved\n", "status: approved\nsections:\n"
                        "  review.input.risks: Threat outlook\n  review.bogus: Decisions\n")
    yield review_case("section-declaration-unknown", text,
                      ("section.declaration", line_of(text, "review.input.risks: Threat")),
                      ("section.declaration", line_of(text, "review.bogus")))
    text = section_body(REVIEW, "Risks and opportunities", "TBC")
    yield review_case("review-input-tbc", text,
                      ("content.placeholder", heading(text, "Risks and opportunities")))
    text = section_body(REVIEW, "Customer feedback",
                        "Not discussed; moved to the next meeting.")
    yield review_case("review-input-deferred", text,
                      ("review.input.feedback", heading(text, "Customer feedback")))
    text = edit(REVIEW, "    target_date: 2026-12-15", "    target_date: 2026-09-01")
    yield review_case("review-decision-target-before-review", text,
                      ("review.decision.target-date", line_of(text, "2026-09-01")),
                      ("action.overdue", line_of(text, "2026-09-01")))
    text = edit(REVIEW, "    target_date: 2026-12-15\n", "")
    yield review_case("review-decision-no-target", text,
                      ("review.decision.target-date", line_of(text, "- id: MR-ACT-002")))
    text = edit(NC, "    owner: Change Manager\n    target_date", "    target_date")
    yield nc_case("action-no-owner", text, ("action.owner", 10))
    text = edit(NC, "target_date: 2026-09-30", "target_date: 2026-07-01")
    yield nc_case("action-target-before-record", text, ("action.target-date", 13))
    text = edit(NC, "    target_date: 2026-09-30\n", "")
    yield nc_case("action-no-target", text, ("action.target-date", 10))
    text = edit(NC, "status: done", "status: open")
    yield nc_case("action-overdue", text, ("action.overdue", 13))
    text = edit(REVIEW, "target_date: 2027-01-31", "target_date: 2026-11-01")
    yield review_case("action-overdue-review-decision", text,
                      ("action.overdue", line_of(text, "2026-11-01")))


CASES: list[Case] = [*action_cases()]


@pytest.mark.parametrize(
    "c", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_failing_fixture(c: Case, sms_repo: Findings) -> None:
    check_case(c, sms_repo(c.files, profile=c.profile, as_of=c.as_of))


@pytest.mark.parametrize("status", ["done", "cancelled"])
def test_overdue_not_for_closed_actions(status: str, sms_repo: Findings) -> None:
    text = edit(REVIEW, "    target_date: 2026-12-15\n    status: in-progress",
                f"    target_date: 2026-11-01\n    status: {status}\n"
                f"    evidence: [https://sd.example.org/change/41]")
    assert sms_repo({REVIEW_PATH: text}) == []


def test_overdue_is_relative_to_as_of(sms_repo: Findings) -> None:
    text = edit(NC, "status: done", "status: open")
    assert sms_repo({NC_PATH: text}, as_of=dt.date(2026, 9, 30)) == []  # due today: not late
    findings = sms_repo({NC_PATH: text}, as_of=dt.date(2026, 10, 1))
    assert rules_at(findings) == {("action.overdue", 13)}
    assert findings[0].severity is Severity.WARNING
    assert "1 day(s)" in findings[0].message


@pytest.mark.parametrize("offset,fires", [("before", False), ("of", False), ("after", True)])
def test_action_overdue_boundary(offset: str, fires: bool, sms_repo: Findings) -> None:
    """Target 2026-09-30: due that day, overdue from the next."""
    text = edit(NC, "status: done\n    closed_on: 2026-09-20\n", "status: open\n")
    text = edit(text, "status: closed", "status: open")
    as_of = dict(days_around(dt.date(2026, 9, 30)))[offset]
    want = {("action.overdue", line_of(text, "target_date:"))} if fires else set()
    assert with_severity(sms_repo({NC_PATH: text}, as_of=as_of)) == expected(*want)


@pytest.mark.parametrize("offset,fires", [("before", True), ("of", False), ("after", False)])
def test_action_target_date_against_the_record_date(offset: str, fires: bool,
                                                    sms_repo: Findings) -> None:
    """A corrective action may be due on the day the nonconformity was raised, not before."""
    target = dict(days_around(dt.date(2026, 8, 4)))[offset]
    text = edit(NC, "target_date: 2026-09-30", f"target_date: {target}")
    want = {("action.target-date", line_of(text, "target_date:"))} if fires else set()
    assert with_severity(sms_repo({NC_PATH: text})) == expected(*want)


@pytest.mark.parametrize("offset,fires", [("before", True), ("of", False), ("after", False)])
def test_review_decision_target_date_against_the_review_date(offset: str, fires: bool,
                                                             sms_repo: Findings) -> None:
    """A decision may be due on the day of the review, not before (checked on that day, when
    a decision due the day before is overdue as well)."""
    target = dict(days_around(dt.date(2026, 10, 15)))[offset]
    text = edit(REVIEW, "target_date: 2027-01-31", f"target_date: {target}")
    line = line_of(text, f"target_date: {target}")
    want = {("review.decision.target-date", line), ("action.overdue", line)} if fires else set()
    found = sms_repo({REVIEW_PATH: text}, as_of=dt.date(2026, 10, 15))
    assert with_severity(found) == expected(*want)
