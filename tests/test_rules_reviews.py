"""The management review loop (checks/reviews.py): previous actions followed up,
discussion loop, decisions, the inputs of each profile.

Each failing case edits one thing in a valid fixture and states every finding it
must produce, at its file line (see rules_support.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import rules_at
from rules_support import (
    NC,
    NC_PATH,
    NEXT_REVIEW,
    NEXT_REVIEW_PATH,
    REVIEW,
    REVIEW_2011,
    REVIEW_2011_PATH,
    REVIEW_INPUTS_2011,
    REVIEW_PATH,
    Case,
    Findings,
    case,
    check_case,
    drop_section,
    edit,
    h1,
    heading,
    line_of,
    review_case,
    section_body,
)
from smsdocs.core import rulepack


def with_first_review(next_review: str) -> dict[str, str]:
    return {REVIEW_PATH: REVIEW, NEXT_REVIEW_PATH: next_review}


def review_loop_cases() -> Iterator[Case]:
    text = edit(NEXT_REVIEW, "- MR-ACT-002 is done: the new hosting contract was signed on "
                             "10 November.\n", "")
    yield case("previous-actions-not-followed-up", with_first_review(text), NEXT_REVIEW_PATH,
               ("review.previous-actions",
                heading(text, "Status of actions from previous reviews")))
    text = edit(NEXT_REVIEW, "- MR-ACT-002 is done: the new hosting contract was signed",
                "- MR-ACT-002: the new hosting contract was signed")
    yield case("previous-actions-without-status", with_first_review(text), NEXT_REVIEW_PATH,
               ("review.previous-actions", line_of(text, "- MR-ACT-002:")))
    text = section_body(REVIEW, "Status of actions from previous reviews",
                        "Nothing to report on earlier reviews.")
    yield review_case("previous-actions-first-review-unsaid", text,
                      ("review.previous-actions",
                       heading(text, "Status of actions from previous reviews")))
    # NC-002 stays open and is discussed in two reviews in a row without a decision on it
    nc2 = NC.replace("NC-001", "NC-002").replace("CA-001", "CA-002").replace(
        "status: closed", "status: open").replace("status: done", "status: in-progress")
    nc2 = nc2.replace("target_date: 2026-09-30", "target_date: 2027-01-31")
    first = edit(REVIEW, "Its corrective action is closed",
                 "NC-002 (payroll run late) is still open.\nIts corrective action is closed")
    second = edit(NEXT_REVIEW, "Its corrective action is closed",
                  "NC-002 (payroll run late) is still open.\nIts corrective action is closed")
    files = {REVIEW_PATH: first, NEXT_REVIEW_PATH: second, NC_PATH: NC,
             "records/nc/nc-002.md": nc2}
    yield case("discussion-loop", files, NEXT_REVIEW_PATH,
               ("review.discussion-loop", line_of(second, "NC-002 (payroll")))


CASES: list[Case] = [*review_loop_cases()]


@pytest.mark.parametrize(
    "c", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_failing_fixture(c: Case, sms_repo: Findings) -> None:
    check_case(c, sms_repo(c.files, profile=c.profile, as_of=c.as_of))


def test_second_review_follows_up_the_first(sms_repo: Findings) -> None:
    assert sms_repo(with_first_review(NEXT_REVIEW)) == []


def test_review_decisions_missing_key(sms_repo: Findings) -> None:
    text = drop_section(REVIEW[: REVIEW.index("actions:\n")]
                        + REVIEW[REVIEW.index("---\n# Management"):], "Decisions")
    assert rules_at(sms_repo({REVIEW_PATH: text})) == {("review.decisions.none", 3)}


def test_2018_only_input_is_silent_under_2011(sms_repo: Findings) -> None:
    text = drop_section(REVIEW, "Changes in external and internal issues")
    findings_2018 = rules_at(sms_repo({REVIEW_PATH: text}, profile="2018"))
    assert ("review.input.context-changes", h1(text)) in findings_2018
    findings_2011 = sms_repo({REVIEW_PATH: text}, profile="2011")
    assert "review.input.context-changes" not in {f.rule for f in findings_2011}


def test_2011_review_under_2018_misses_the_2018_inputs(sms_repo: Findings) -> None:
    rules = {rule for rule, _ in rules_at(sms_repo({REVIEW_2011_PATH: REVIEW_2011}))}
    assert "review.input.context-changes" in rules
    assert not rules & {"review.input.new-services", "review.input.sms-status"}


def test_2011_profile_has_the_nine_inputs() -> None:
    pack = rulepack.load(profile="2011")
    inputs = {r for r in pack.rules if r.startswith("review.input.")}
    assert inputs == set(REVIEW_INPUTS_2011)


def test_follow_up_runs_with_the_discussion_loop_disabled(sms_repo: Findings) -> None:
    case_ = next(c for c in CASES if c.id == "previous-actions-not-followed-up")
    config = "rules:\n  review.discussion-loop:\n    enabled: false\n"
    assert rules_at(sms_repo({**case_.files, "smsdocs.yml": config})) == set(case_.expect)
