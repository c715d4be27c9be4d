"""The front-matter and model code at its edges: where errors are placed, how deep lines are
indexed, an anchor used by several lists, values shown as text, and the pure-Python YAML
reader (PyYAML built without libyaml).

These close surviving mutants of ``core/frontmatter.py`` and ``core/model.py``
(bench/mutation.py); each states the exact result."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from mkdocs.utils.meta import get_data
from smsdocs.core import frontmatter
from smsdocs.core import markdown as md
from smsdocs.core.model import RECORD_CLASSES, TEXT_ITEMS, Action, Record, as_text


def test_a_yaml_error_is_named_with_its_context_and_problem() -> None:
    found = frontmatter.split("---\ntitle: [unclosed\nowner: x\n---\nbody\n")
    assert (found.error, found.error_line) == (
        "YAML error: while parsing a flow sequence, did not find expected ',' or ']'", 3)


def test_an_anchor_used_by_several_lists_is_no_alias_loop() -> None:
    """The second list meets the anchored list already counted: that is sharing, not a
    reference to itself (MkDocs reads the same mapping)."""
    text = "---\na: &x [1]\nb: [*x]\nc: [*x]\n---\n"
    found = frontmatter.split(text)
    assert found.error is None
    assert found.data == {"a": [1], "b": [[1]], "c": [[1]]} == get_data(text)[1]


def test_an_alias_inside_its_own_anchor_is_reported() -> None:
    found = frontmatter.split("---\nid: X\na: &x [1, *x]\n---\n")
    assert (found.error, found.error_line) == ("an alias refers to itself", 3)


def test_lines_are_indexed_five_keys_deep_and_no_deeper() -> None:
    found = frontmatter.split("---\na:\n  b:\n    c:\n      d:\n        e:\n          f: 1\n"
                              "g: [[[[[[1]]]]]]\nh: text\n---\n")
    assert found.lines == {
        ("a",): 2, ("a", "b"): 3, ("a", "b", "c"): 4, ("a", "b", "c", "d"): 5,
        ("a", "b", "c", "d", "e"): 6,
        ("g",): 8, ("g", 0): 8, ("g", 0, 0): 8, ("g", 0, 0, 0): 8, ("g", 0, 0, 0, 0): 8,
        ("h",): 9}
    assert found.raw == {("h",): "text"}


@pytest.mark.parametrize(("value", "text"), [
    ([[[["x"]]]], "x"),  # four lists deep: shown
    ([[[[["x"]]]]], "…"),  # five: cut (an alias can make a list contain itself)
    ({"a": 1}, "{'a': 1}"),
    ([{"a": 1}, 2], "{…}, 2"),
    (None, ""),
    (list(range(TEXT_ITEMS)), ", ".join(str(i) for i in range(TEXT_ITEMS))),
    (list(range(TEXT_ITEMS + 1)), ", ".join(str(i) for i in range(TEXT_ITEMS)) + ", …"),
])
def test_values_shown_as_text(value: object, text: str) -> None:
    assert TEXT_ITEMS == 200
    assert as_text(value) == text


def test_a_list_that_contains_itself_is_shown_shortly() -> None:
    loop: list[object] = ["a"]
    loop.append(loop)
    assert as_text(loop) == "a, a, a, a, …"


TEXT = "---\nid: X\ntitle: " + "é" * 40 + "\nowner: ab\x01c\n---\n"


def test_a_control_character_is_placed_on_its_line_after_multibyte_text() -> None:
    """libyaml counts the position in bytes of the UTF-8 text: 'é' is two."""
    found = frontmatter.split(TEXT)
    assert (found.error, found.error_line) == (
        "YAML error: control characters are not allowed", 4)


def test_without_libyaml_a_control_character_is_a_finding_on_its_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """PyYAML built without libyaml: its reader refuses the character when the loader is
    made, and counts the position in characters. Still a finding at the line, never a
    traceback."""
    monkeypatch.setattr(frontmatter, "SafeLoader", yaml.SafeLoader)
    found = frontmatter.split(TEXT)
    assert (found.error, found.error_line) == (
        "YAML error: special characters are not allowed", 4)
    assert frontmatter.split("---\nid: X\n---\n").data == {"id": "X"}


@pytest.mark.parametrize("before", ["", "k: v\n"])
def test_lines_after_a_unicode_line_separator_are_file_lines(before: str) -> None:
    """U+2028 breaks a line for PyYAML but not in the file: marks are mapped by index.
    One-letter items put a newline right after a mark, at either parity of its index."""
    found = frontmatter.split("---\n" + before + 't: "a\u2028b"\nl:\n- x\n- yy\n- z\n- w\n---\n')
    first = 2 + before.count("\n")
    assert found.lines == {("t",): first, ("l",): first + 1, ("l", 0): first + 2,
                           ("l", 1): first + 3, ("l", 2): first + 4, ("l", 3): first + 5,
                           **({("k",): 2} if before else {})}


REVIEW = """---
id: MR-2011-01
type: management-review
title: Review [2011]
owner: SMS Manager
status: approved
date: 2011-06-30
standard: iso20000-1:2011
clauses: ["4.1", 4.2]
chair: Managing Director
attendees: [Managing Director, null, SMS Manager]
actions:
  - id: MR-ACT-1
    title: Hire
    owner: CTO
    target_date: 2011-09-30
    closed_on: 2011-09-01
    status: done
    clauses: 5.1
    evidence: [Contract]
  - id: MR-ACT-2
---
# Review

## Inputs

Text.
"""


def test_the_model_reads_records_reviews_and_actions() -> None:
    """Every property of the model, as checks and exports read it (a missing @property
    would hand them a method)."""
    front = frontmatter.split(REVIEW)
    body = md.parse(front.body, front.body_line)
    review = RECORD_CLASSES["management-review"](path="records/mr.md", front=front, body=body)
    review.actions = [Action(id=str(a["id"]), index=i, record=review, data=a)
                      for i, a in enumerate(front.data["actions"])]
    assert (review.data, review.id, review.type, review.title, review.owner, review.status) \
        == (front.data, "MR-2011-01", "management-review", "Review [2011]", "SMS Manager",
            "approved")
    assert (review.clauses, review.date, review.standard, review.is_2011) == (
        ["4.1", "4.2"], dt.date(2011, 6, 30), "iso20000-1:2011", True)
    assert review.clauses_2018({"4.1": ["5.1", "5.2"], "4.2": ["5.2"]}) == ["5.1", "5.2"]
    assert [(s.level, s.title) for s in review.sections] == [(1, "Review"), (2, "Inputs")]
    assert (review.chair, review.attendees) == (
        "Managing Director", ["Managing Director", "SMS Manager"])
    done, bare = review.actions
    assert (done.title, done.owner, done.status, done.target_date, done.closed_on,
            done.clauses, done.evidence, done.is_closed) == (
        "Hire", "CTO", "done", dt.date(2011, 9, 30), dt.date(2011, 9, 1), ["5.1"],
        ["Contract"], True)
    assert (bare.title, bare.owner, bare.status, bare.target_date, bare.closed_on,
            bare.clauses, bare.evidence, bare.is_closed) == (
        "", "", "open", None, None, [], [], False)
    assert (done.line(), done.line("owner"), review.line("chair")) == (13, 15, 10)
    plain = Record(path="docs/x.md", front=frontmatter.split("---\nid: X\n---\n"), body=None)
    assert (plain.standard, plain.is_2011, plain.sections, plain.clauses_2018({})) == (
        "iso20000-1:2018", False, [], [])


def test_an_alias_bomb_is_stopped_at_the_node_that_passes_the_budget() -> None:
    """Each line multiplies the values by ten: 'e' (111,111 values counting the lists, on
    line 7) is the first past EXPANSION_BUDGET (100,000); 'd' (11,111) is not."""
    pairs = zip("abcde", "bcdef", strict=True)
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
        f"{new}: &{new} [{', '.join([f'*{old}'] * 10)}]" for old, new in pairs]
    found = frontmatter.split("---\nid: X\n" + "\n".join(lines) + "\n---\n")
    assert (found.error, found.error_line) == (
        "alias expansion too large (more than 100,000 values once aliases are expanded)", 7)
    below = frontmatter.split("---\nid: X\n" + "\n".join(lines[:4]) + "\n---\n")
    assert below.error is None and len(below.data["d"]) == 10


def test_a_control_character_after_a_blank_first_line_is_placed_on_its_line() -> None:
    found = frontmatter.split("---\n\nid: X\nowner: ab\x01c\n---\n")
    assert (found.error, found.error_line) == (
        "YAML error: control characters are not allowed", 4)


@pytest.mark.parametrize("before", ["", 't: "a\u2028b"\n'])
def test_an_error_at_the_closing_line_points_at_its_cause(before: str) -> None:
    """An unclosed flow list runs into the closing '---': the finding is at the '[' line,
    also when a U+2028 earlier makes PyYAML count one line more than the file has."""
    found = frontmatter.split("---\n" + before + "id: X\nl: [x\n---\n")
    assert found.error is not None and found.error.startswith("YAML error:")
    assert found.error_line == 3 + before.count("\n")
