"""Details of the checks that a fresh mutation sample (seed 13) found untested: a decision's
declared output, a deferred input beside a later rule, an outline item's lines, the detail
of a list field's type error (the discussion loop's is in test_record_edges.py)."""

from __future__ import annotations

from conftest import rules_at
from rules_support import REVIEW, REVIEW_PATH, Findings, edit, heading, section_body
from smsdocs.checks import sections
from smsdocs.core.loader import load_source
from test_recognition_styles import OUTLINE, _ctx


def test_an_action_that_declares_its_output_shows_that_output(sms_repo: Findings) -> None:
    text = section_body(REVIEW, "Decisions", "The review decided to add a second on-call "
                        "engineer (MR-ACT-001) and to change the hosting contract (MR-ACT-002).")
    assert ("review.output.improvement", heading(text, "Decisions")) in rules_at(
        sms_repo({REVIEW_PATH: text}))
    declared = edit(text, "    status: in-progress\n", "    status: in-progress\n"
                    "    output: improvement\n")
    assert sms_repo({REVIEW_PATH: declared}) == []


def test_a_deferred_input_does_not_stop_the_rules_after_it(sms_repo: Findings) -> None:
    text = section_body(REVIEW, "Customer feedback", "Not discussed; moved to the next review.")
    text = section_body(text, "Conclusion", "The SMS remains suitable and effective.")
    assert rules_at(sms_repo({REVIEW_PATH: text})) == {
        ("review.input.feedback", heading(text, "Customer feedback")),
        ("review.conclusion", heading(text, "Conclusion"))}


def test_an_outline_item_spans_its_nested_points() -> None:
    source = load_source(OUTLINE, "records/mr.md", _ctx())
    assert source.record is not None
    item = {c.section.title: c.section for c in sections.candidates(source.record)}
    performance = item["SMS performance"]
    assert (performance.start, performance.end) == (12, 15)
    assert performance.item_lines[0] == (12, "1. NCs & corrective actions")
    assert item["NCs & corrective actions"].item_lines == [(13, "- 3 NCs in the period.")]


def test_a_list_field_with_a_mapping_item_says_what_is_wrong(sms_repo: Findings) -> None:
    text = edit(REVIEW, "  - Service Desk Lead\n", "  - {name: Service Desk Lead}\n")
    (finding,) = [f for f in sms_repo({REVIEW_PATH: text}) if f.rule == "field.type"]
    assert (finding.line, finding.message, finding.hint) == (
        10, "'attendees[3]' must be text, not a list or mapping", "Write a single line of text.")

