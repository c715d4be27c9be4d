"""Section recognition at its edges: headings above a candidate at any depth, and which
near miss the hint of a missing section names when several come equally close.

These close surviving mutants of ``checks/sections.py`` (bench/mutation.py); each case
states the complete findings of the record and the exact hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SEVERITY, check_tree, write_files
from smsdocs.core import frontmatter
from smsdocs.core import markdown as md

REVIEW = (Path(__file__).parent / "fixtures" / "rules" / "valid_review.md").read_text(
    encoding="utf-8")
PLAN = (Path(__file__).parent / "fixtures" / "rules" / "valid_plan.md").read_text(
    encoding="utf-8")
REVIEW_PATH = "records/reviews/mr-2026-02.md"
H1 = REVIEW.split("\n").index("# Management review, second half of 2026") + 1


def findings(tmp_path: Path, text: str, path: str = REVIEW_PATH
             ) -> list[tuple[str, int, str, str]]:
    """(rule, line, severity, hint) of every finding but coverage.gap."""
    write_files(tmp_path, {path: text})
    return [(f.rule, f.line, f.severity.value, f.hint) for f in check_tree(tmp_path)
            if f.rule != "coverage.gap"]


def messages(tmp_path: Path, text: str, path: str) -> list[tuple[str, int, str]]:
    """(rule, line, message) of every finding but coverage.gap."""
    write_files(tmp_path, {path: text})
    return [(f.rule, f.line, f.message) for f in check_tree(tmp_path)
            if f.rule != "coverage.gap"]


def drop(text: str, heading: str) -> str:
    """The text without one H2 section (its heading and content)."""
    start = text.index(f"## {heading}\n")
    end = text.index("\n## ", start + 1) + 1
    return text[:start] + text[end:]


def line_of(text: str, wanted: str) -> int:
    return text.split("\n").index(wanted) + 1


def test_the_valid_review_has_no_finding(tmp_path: Path) -> None:
    assert findings(tmp_path, REVIEW) == []


@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_a_bold_line_under_decisions_is_no_input_however_deep(tmp_path: Path,
                                                              depth: int) -> None:
    """'**Customer feedback**' under '## Decisions' (and under up to three more headings
    below it: a bold line then sits four headings down) is a decision, not input e)."""
    steps = "".join(f"{'#' * (3 + i)} Step {i + 1}\n\nDetail.\n\n" for i in range(depth))
    text = REVIEW.replace("## Customer feedback\n", "").replace(
        "## Conclusion",
        steps + "**Customer feedback**\n\nThe survey scored 4.3.\n\n## Conclusion")
    bold = line_of(text, "**Customer feedback**")
    assert findings(tmp_path, text) == [(
        "review.input.feedback", H1, SEVERITY["review.input.feedback"],
        f"'Customer feedback' (bold line, line {bold}) was close; it sits in another role "
        "(decision). Add a section such as '## Feedback from customers and other interested "
        "parties' and write what the review took into account.")]


def test_the_same_bold_line_under_an_input_heading_presents_the_input(tmp_path: Path) -> None:
    """The control: four headings down under an input heading, the bold line counts."""
    steps = "".join(f"{'#' * (3 + i)} Step {i + 1}\n\nDetail.\n\n" for i in range(3))
    text = REVIEW.replace("## Customer feedback\n", "").replace(
        "## Decisions",
        "## Improvement\n\n" + steps + "**Customer feedback**\n\nThe survey scored 4.3.\n\n"
        "## Decisions")
    assert findings(tmp_path, text) == []


def test_the_hint_names_the_near_miss_with_more_words_of_the_topic(tmp_path: Path) -> None:
    """'Trends' carries one of the two words of [trend, incident]; 'Incident
    trends' (under Decisions, later) carries both but sits in another role. Both are one
    step away; the one with more of the topic is named, whatever comes first in the file."""
    text = REVIEW.replace("## Monitoring and measurement results", "## Trends").replace(
        "## Conclusion", "### Incident trends\n\nIncidents fell.\n\n## Conclusion")
    later = line_of(text, "### Incident trends")
    assert line_of(text, "## Trends") < later
    assert findings(tmp_path, text) == [(
        "review.input.monitoring", H1, SEVERITY["review.input.monitoring"],
        f"'Incident trends' (heading, line {later}) was close; it sits in another role "
        "(decision). Add a section such as '## Monitoring and measurement results' and write "
        "what the review took into account.")]


ROWS = ["| Audit results | The internal audit found one minor nonconformity. |",
        "| Opportunities for improvement | Automating password resets saves 300 calls. |",
        "| Customer feedback | The survey scored 4.3 out of 5. |"]


def with_table(rows: list[str]) -> str:
    """The review with three inputs moved from their headings into a table whose header
    does not say it is an agenda ('Area', 'Notes')."""
    text = REVIEW
    for heading in ("Audit results", "Opportunities for improvement", "Customer feedback"):
        text = drop(text, heading)
    table = "| Area | Notes |\n| --- | --- |\n" + "\n".join(rows) + "\n\n"
    return text.replace("## Conclusion", table + "## Conclusion")


def test_three_rows_with_distinct_topics_make_a_table_an_agenda(tmp_path: Path) -> None:
    assert findings(tmp_path, with_table(ROWS)) == []


def test_two_rows_do_not_make_a_table_an_agenda(tmp_path: Path) -> None:
    assert [(rule, line) for rule, line, _, _ in findings(tmp_path, with_table(ROWS[:2]))] \
        == [("review.input.audits", H1), ("review.input.feedback", H1),
            ("review.input.improvement-opportunities", H1)]


def test_a_weak_heading_needs_two_words_of_the_topic_in_its_content(tmp_path: Path) -> None:
    """'Fixes' names the nonconformity input only weakly: content with one word of the
    topic (corrective) does not confirm it, content with two (nonconformity, corrective)
    does."""
    old = ("## Nonconformities and corrective actions\n\nOne nonconformity was raised this "
           "period (NC-001, emergency changes without CAB review).\nIts corrective action is "
           "closed and no repeat was seen in the last three months.")
    assert old in REVIEW
    one = REVIEW.replace(old, "## Fixes\n\nThe corrective action on emergency changes "
                              "is closed.")
    assert [(rule, line) for rule, line, _, _ in findings(tmp_path, one)] == [
        ("review.input.nonconformities", H1)]
    two = REVIEW.replace(old, "## Fixes\n\nOne nonconformity was raised; its corrective "
                              "action is closed.")
    assert findings(tmp_path, two) == []


def test_an_unmet_content_rule_names_the_first_word_of_the_missing_group(
        tmp_path: Path) -> None:
    """plan.governance asks for a role (role, SMS manager, owner, ...) and a responsibility;
    the message names the group by its first word."""
    start = PLAN.index("| Role | Responsibilities")
    end = PLAN.index("## Measurement")
    text = PLAN[:start] + "Everyone is responsible for quality.\n\n" + PLAN[end:]
    heading = line_of(text, "## Roles and responsibilities")
    assert messages(tmp_path, text, "docs/plan.md") == [
        ("plan.governance", heading, "the governance section does not define roles with "
         "their responsibilities (missing: role)"),
        ("plan.review-chair", heading, "the plan does not name a top-management chair of "
         "the management review")]


def test_a_decision_counts_for_the_output_it_names_and_no_other(tmp_path: Path) -> None:
    """MR-ACT-002 says 'output: improvement'; nothing in the review decides a change, so
    review.output.changes is reported (an output is matched by name, not by order)."""
    text = REVIEW.replace(", and to change the hosting contract (MR-ACT-002)", "").replace(
        '    clauses: ["8.2.3"]\n', '    clauses: ["8.2.3"]\n    output: improvement\n')
    assert text.count("output: improvement") == 1
    assert [(rule, line) for rule, line, _, _ in findings(tmp_path, text)] == [
        ("review.output.changes", line_of(text, "## Decisions"))]


OBJECTIVES = PLAN[PLAN.index("| Objective | Measure"):PLAN.index("## Roles")]


def test_an_objective_needs_its_target_outside_its_name(tmp_path: Path) -> None:
    """Two columns: the first cell is the objective's name, so the '3' in it is no target."""
    text = PLAN.replace(OBJECTIVES, "| Objective | Target |\n| --- | --- |\n"
                        "| Availability of Payroll | 99.5% |\n"
                        "| Close 3 audit findings | as soon as possible |\n\n")
    assert messages(tmp_path, text, "docs/plan.md") == [
        ("plan.objectives", line_of(text, "| Close 3 audit findings | as soon as possible |"),
         "objective 'Close 3 audit findings' has no measurable target (a number, a percentage "
         "or a KPI)")]


def test_a_weak_heading_is_not_confirmed_by_content_that_fails_the_rules_pattern(
        tmp_path: Path) -> None:
    """'What we want to achieve' names the objectives only weakly; content without any
    target does not confirm it: the section is missing (at the title), not unmet."""
    text = PLAN.replace("## Objectives\n", "## What we want to achieve\n").replace(
        OBJECTIVES, "We want our objectives to be happy customers and reliable services.\n\n")
    assert messages(tmp_path, text, "docs/plan.md") == [
        ("plan.objectives", line_of(text, "# Service management plan"),
         "the plan has no objectives section (a heading such as '## Objectives')")]


def test_a_short_section_with_a_guard_character_but_no_placeholder_is_written(
        tmp_path: Path) -> None:
    """'<' is the guard of the '<describe …>' placeholder; 'Complaints < 2.' holds none."""
    old = REVIEW[REVIEW.index("## Customer feedback\n"):REVIEW.index("## Policies")]
    assert findings(tmp_path, REVIEW.replace(old, "## Customer feedback\n\nComplaints < 2.\n\n")) \
        == []


def test_an_objective_is_named_by_its_first_80_characters(tmp_path: Path) -> None:
    name = ("Keep every payroll run on time for every customer in every region we serve today "
            "and")
    text = PLAN.replace("| Fast first response | P1 response time | 15 minutes |",
                        f"| {name} | soon | soon |")
    assert messages(tmp_path, text, "docs/plan.md") == [
        ("plan.objectives", line_of(text, f"| {name} | soon | soon |"),
         f"objective '{name[:80].strip()}' has no measurable target (a number, a percentage "
         "or a KPI)")]


def deferring_audits(length: int) -> str:
    """The review with 'Audit results' only deferring the topic, in exactly `length`
    characters of section text (the deferral test reads at most 2000)."""
    old = REVIEW[REVIEW.index("## Audit results\n"):REVIEW.index("## Opportunities")]
    body = "Deferred to the next review. " * 68

    def text_of(pad: int) -> tuple[str, int]:
        text = REVIEW.replace(old, "## Audit results\n\n" + body + " " * pad + "\n\n")
        front = frontmatter.split(text)
        section = next(s for s in md.parse(front.body, front.body_line).sections
                       if s.title == "Audit results")
        return text, len(section.text)

    _, unpadded = text_of(0)
    text, size = text_of(length - unpadded)
    assert size == length
    return text


def test_a_section_of_2000_characters_can_only_defer_its_topic(tmp_path: Path) -> None:
    text = deferring_audits(2000)
    assert [(rule, line) for rule, line, _, _ in findings(tmp_path, text)] == [
        ("review.input.audits", line_of(text, "## Audit results"))]


def test_a_section_longer_than_2000_characters_says_more_than_a_deferral(
        tmp_path: Path) -> None:
    assert findings(tmp_path, deferring_audits(2001)) == []


def test_an_objective_row_without_words_is_named_by_its_first_cell(tmp_path: Path) -> None:
    text = PLAN.replace("| Fast first response | P1 response time | 15 minutes |",
                        "| ?? | ~ | ... |")
    assert messages(tmp_path, text, "docs/plan.md") == [
        ("plan.objectives", line_of(text, "| ?? | ~ | ... |"),
         "objective '??' has no measurable target (a number, a percentage or a KPI)")]


def test_sections_of_a_rule_are_taken_in_file_order_across_tables_and_headings(
        tmp_path: Path) -> None:
    """An agenda-table row (line 39) and a later heading both present the audits input and
    both only defer it: the finding names the first of them in the file, the row."""
    old = REVIEW[REVIEW.index("## Audit results\n"):REVIEW.index("## Opportunities")]
    text = REVIEW.replace(old, "## Audit results\n\nDeferred to the next review.\n\n")
    table = ("| Area | Notes |\n| --- | --- |\n| Audit results | Deferred to the next review. |\n"
             "| Opportunities for improvement | Automating password resets saves 300 calls. |\n"
             "| Customer feedback | The survey scored 4.3 out of 5. |\n\n")
    text = text.replace("## Changes in external", table + "## Changes in external")
    row = line_of(text, "| Audit results | Deferred to the next review. |")
    assert row < line_of(text, "## Audit results")
    assert findings(tmp_path, text) == [(
        "review.input.audits", row, SEVERITY["review.input.audits"],
        f"'Audit results' (line {row}) only defers the topic to a later meeting. Add a section "
        "such as '## Audit results' and write what the review took into account.")]
