"""Per-record checks at their edges: a nonconformity named in its finding, and the actions
after one that is not a mapping still checked.

These close surviving mutants of ``checks/crossrecord.py`` and ``checks/fields.py``
(bench/mutation.py); each case states the complete findings."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_tree, write_files

NC = (Path(__file__).parent / "fixtures" / "rules" / "valid_nc.md").read_text(encoding="utf-8")
NC_PATH = "records/nc/nc-001.md"


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, str, str]]:
    """(rule, line, severity, message) of every finding but coverage.gap."""
    write_files(tmp_path, {NC_PATH: text})
    return [(f.rule, f.line, f.severity.value, f.message) for f in check_tree(tmp_path)
            if f.rule != "coverage.gap"]


def test_the_valid_nonconformity_has_no_finding(tmp_path: Path) -> None:
    assert findings(tmp_path, NC) == []


def test_a_nonconformity_without_actions_is_named_by_its_id(tmp_path: Path) -> None:
    text = NC[:NC.index("actions:")] + NC[NC.index("---\n# "):]
    assert findings(tmp_path, text) == [
        ("nc.action", 3, "error", "nonconformity NC-001 has no corrective action")]


def test_actions_after_one_that_is_not_a_mapping_are_still_checked(tmp_path: Path) -> None:
    text = NC.replace("actions:\n", "actions:\n  - just a sentence\n").replace(
        "status: done", "status: finished")
    lines = text.split("\n")
    assert lines[9] == "  - just a sentence" and lines[14] == "    status: finished"
    assert findings(tmp_path, text) == [
        ("field.type", 10, "error", "'actions[1]' must be a mapping with id, title, …"),
        ("action.overdue", 14, "warning", "action CA-001 is overdue: target 2026-09-30 passed "
         "54 day(s) before 2026-11-23, status 'finished'"),
        ("field.value", 15, "error", "'CA-001.status' is 'finished', which is not one of: "
         "open, in-progress, done, cancelled")]


RULES = Path(__file__).parent / "fixtures" / "rules"


def _reviews_and_an_open_nc() -> tuple[str, str, str]:
    """Two reviews in a row and NC-002, still open (the discussion-loop fixtures)."""
    review = (RULES / "valid_review.md").read_text(encoding="utf-8")
    later = (RULES / "valid_review_next.md").read_text(encoding="utf-8")
    nc2 = NC.replace("NC-001", "NC-002").replace("CA-001", "CA-002").replace(
        "status: closed", "status: open").replace("status: done", "status: in-progress")
    return review, later, nc2.replace("target_date: 2026-09-30", "target_date: 2027-01-31")


def test_an_issue_named_only_in_the_decisions_of_two_reviews_is_no_discussion_loop(
        tmp_path: Path) -> None:
    """NC-002 stays open and both reviews name it, but in their decisions sections, which
    is deciding on it, not discussing it again."""
    review, later, nc2 = _reviews_and_an_open_nc()
    decided = "## Decisions\n\nNC-002 (payroll run late) stays with its owner.\n"
    assert review.count("## Decisions\n") == later.count("## Decisions\n") == 1
    write_files(tmp_path, {
        "records/reviews/mr-2026-02.md": review.replace("## Decisions\n", decided),
        "records/reviews/mr-2026-03.md": later.replace("## Decisions\n", decided),
        NC_PATH: NC, "records/nc/nc-002.md": nc2})
    assert [(f.rule, f.file, f.line) for f in check_tree(tmp_path)
            if f.rule != "coverage.gap"] == []
    # named again after the decisions (in the conclusion) of both: discussed, not decided
    concluded = "## Conclusion\n\nNC-002 (payroll run late) came up again.\n"
    assert later.count("## Conclusion\n") == 1
    last = later.replace("## Decisions\n", decided).replace("## Conclusion\n", concluded)
    write_files(tmp_path, {
        "records/reviews/mr-2026-02.md": review.replace("## Decisions\n", decided).replace(
            "## Conclusion\n", concluded),
        "records/reviews/mr-2026-03.md": last})
    assert [(f.rule, f.file, f.line) for f in check_tree(tmp_path)
            if f.rule != "coverage.gap"] == [
        ("review.discussion-loop", "records/reviews/mr-2026-03.md",
         last.split("\n").index("NC-002 (payroll run late) came up again.") + 1)]


def test_with_coverage_gap_disabled_no_other_finding_gets_its_hint(tmp_path: Path) -> None:
    text = NC[:NC.index("actions:")] + NC[NC.index("---\n# "):]
    write_files(tmp_path, {NC_PATH: text,
                           "smsdocs.yml": "rules:\n  coverage.gap:\n    enabled: false\n"})
    assert [(f.rule, f.line, f.hint) for f in check_tree(tmp_path)] == [
        ("nc.action", 3, "Add the corrective action under 'actions:' with id, title, owner, "
                         "target_date and status.")]


def test_a_gap_only_a_record_can_fill_names_no_listing_document_when_none_lists_it(
        tmp_path: Path) -> None:
    write_files(tmp_path, {NC_PATH: NC})
    hints = [f.hint for f in check_tree(tmp_path) if f.rule == "coverage.gap"
             and "'Log of improvement opportunities" in f.message]
    assert hints == [(
        "Create it with `smsdocs new improvement-register` (Improvement register), or add "
        "'provides: [improvement-opportunity-records]' to a record that holds it.")]


@pytest.mark.parametrize("closed_on", ["2026-11-10", "2026-11-16"])
def test_a_decision_closed_by_the_previous_review_needs_no_follow_up(
        tmp_path: Path, closed_on: str) -> None:
    """Three reviews: MR-ACT-002 (of the first) was closed before or on the day of the
    second (16 November); the third follows up what was open at the second, MR-ACT-001 and
    MR-ACT-003, and need not name MR-ACT-002."""
    first = (RULES / "valid_review.md").read_text(encoding="utf-8")
    second = (RULES / "valid_review_next.md").read_text(encoding="utf-8")
    old = "    status: in-progress\n    success_criteria: Signed contract"
    assert first.count(old) == 1
    first = first.replace(old, f"    status: done\n    closed_on: {closed_on}\n    evidence: "
                               "[Signed contract in the contract register]\n"
                               "    success_criteria: Signed contract")
    third = second.replace("id: MR-2026-03", "id: MR-2026-04").replace(
        "date: 2026-11-16", "date: 2026-11-20").replace("MR-ACT-003", "MR-ACT-004").replace(
        "- MR-ACT-001 is in progress: the engineer starts in January.\n"
        "- MR-ACT-002 is done: the new hosting contract was signed on 10 November.\n",
        "- MR-ACT-001 is in progress: the engineer starts in January.\n"
        "- MR-ACT-003 is in progress: the portal is in test.\n")
    assert third.count("MR-ACT-003 is in progress") == 1
    write_files(tmp_path, {"records/reviews/mr-2026-02.md": first,
                           "records/reviews/mr-2026-03.md": second,
                           "records/reviews/mr-2026-04.md": third, NC_PATH: NC})
    assert [(f.rule, f.file, f.line) for f in check_tree(tmp_path)
            if f.rule != "coverage.gap"] == []


def test_evidence_through_a_symlink_loop_is_an_unknown_path_not_a_crash(tmp_path: Path) -> None:
    """Path.resolve() raises on a symlink loop (RuntimeError before Python 3.13, OSError
    after): the evidence does not resolve, which is a finding at its line."""
    text = NC.replace('evidence: ["Change CHG-2041 in the service desk tool"]',
                      'evidence: ["docs/loop/x.pdf"]')
    write_files(tmp_path, {NC_PATH: text})
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "loop").symlink_to("loop")
    assert [(rule, line) for rule, line, _, _ in findings(tmp_path, text)] == [
        ("ref.unknown", text.split("\n").index('    evidence: ["docs/loop/x.pdf"]') + 1)]


def test_an_issue_named_on_the_last_line_of_both_decisions_is_no_discussion_loop(
        tmp_path: Path) -> None:
    """The decisions section ends at the line before the next heading: an id on its last
    line is decided, not discussed (reviews.py reads the section's whole range)."""
    review, later, nc2 = _reviews_and_an_open_nc()
    last_line = "NC-002 (payroll run late) stays with its owner.\n\n## Conclusion\n"
    assert review.count("## Conclusion\n") == later.count("## Conclusion\n") == 1
    write_files(tmp_path, {
        "records/reviews/mr-2026-02.md": review.replace("\n## Conclusion\n", last_line),
        "records/reviews/mr-2026-03.md": later.replace("\n## Conclusion\n", last_line),
        NC_PATH: NC, "records/nc/nc-002.md": nc2})
    assert [(f.rule, f.file, f.line) for f in check_tree(tmp_path)
            if f.rule != "coverage.gap"] == []
