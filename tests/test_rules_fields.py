"""The front matter and its fields (checks/fields.py, core/frontmatter.py):
frontmatter.*, field.*, id.invalid, record.type-unknown, ref.clause-unknown.

Each failing case edits one thing in a valid fixture and states every finding it
must produce, at its file line (see rules_support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import AS_OF, rules_at, write_files
from mkdocs.utils.meta import get_data
from rules_support import (
    NC,
    NC_PATH,
    PLAN,
    PLAN_PATH,
    REVIEW,
    REVIEW_2011,
    REVIEW_2011_PATH,
    REVIEW_PATH,
    Case,
    Findings,
    case,
    check_case,
    edit,
    expected,
    line_of,
    nc_case,
    plan_case,
    review_case,
    time_limit,
    with_severity,
)
from smsdocs.core import config as config_mod
from smsdocs.core import frontmatter
from smsdocs.validate import validate


def front_matter_cases() -> Iterator[Case]:
    text = edit(NC, "title: Emergency changes implemented without CAB review",
                "title: Emergency changes: implemented: without review")
    yield nc_case("frontmatter-colon-in-value", text,
                  ("frontmatter.invalid", line_of(text, "title: Emergency")))
    text = edit(NC, "date: 2026-08-04", "date: 2025-13-01")
    yield nc_case("frontmatter-month-13", text,
                  ("frontmatter.invalid", line_of(text, "date: 2025-13-01")))
    text = edit(NC, "target_date: 2026-09-30", "target_date: 2026-02-30")
    yield nc_case("frontmatter-february-30-in-action", text,
                  ("frontmatter.invalid", line_of(text, "target_date: 2026-02-30")))
    text = edit(NC, 'tool"]', 'tool"')
    yield nc_case("frontmatter-unclosed-list-on-last-line", text,
                  ("frontmatter.invalid", line_of(text, "evidence:")))
    text = edit(NC, 'tool"]', 'tool]')
    yield nc_case("frontmatter-unterminated-quote", text,
                  ("frontmatter.invalid", line_of(text, "evidence:")))
    text = edit(NC, "  - id: CA-001", "\t- id: CA-001")
    yield nc_case("frontmatter-tab-indent", text,
                  ("frontmatter.invalid", line_of(text, "- id: CA-001")))
    text = "# Notes\n\nFirst line.\n"
    yield case("frontmatter-list-not-mapping", {"docs/notes.md": "---\n- a\n- b\n---\n" + text},
               "docs/notes.md", ("frontmatter.invalid", 2))


def field_cases() -> Iterator[Case]:
    # field.type: YAML 1.1 turns unquoted words and numbers into something else
    text = edit(NC, "owner: Change Manager\nstatus", "owner: no\nstatus")
    yield nc_case("field-type-owner-no", text, ("field.type", line_of(text, "owner: no")))
    text = edit(NC, "title: Emergency changes implemented without CAB review", "title: 12:30")
    yield nc_case("field-type-title-sexagesimal", text, ("field.type", 4))
    text = edit(PLAN, 'version: "1.10"', "version: 1.10")
    yield plan_case("field-type-version-1.10", text, ("field.type", line_of(text, "version:")))
    text = edit(REVIEW, "  - Service Desk Lead", "  - [Service Desk Lead, deputy]")
    yield review_case("field-type-attendee-list", text,
                      ("field.type", line_of(text, "  - [Service Desk Lead")))
    text = edit(NC, 'clauses: ["8.5.1"]', 'clauses: "8.5.1"')
    yield nc_case("field-type-clauses-not-list", text, ("field.type", 8))
    text = edit(NC, "actions:\n  - id: CA-001", "actions: CA-001\nxactions:\n  - id: CA-001")
    yield nc_case("field-type-actions-not-list", text, ("field.type", line_of(text, "actions: CA")),
                  ("nc.action", line_of(text, "actions: CA")))  # no action it can read
    # field.required
    text = edit(PLAN, 'version: "1.10"\n', "")
    yield plan_case("field-required-plan-version", text, ("field.required", 3))
    text = edit(NC, "owner: Change Manager\nstatus", 'owner: ""\nstatus')
    yield nc_case("field-required-owner-empty", text, ("field.required", 6))
    text = edit(REVIEW, "chair: Managing Director\n", "")
    yield review_case("field-required-review-chair", text, ("field.required", 3))
    text = edit(NC, "  - id: CA-001\n    title:", "  - title:")
    yield nc_case("field-required-action-id", text, ("field.required", 10))
    # field.date
    text = edit(NC, "date: 2026-08-04", "date: 31/12/2026")
    yield nc_case("field-date-record", text, ("field.date", 5))
    text = edit(NC, "target_date: 2026-09-30", "target_date: 31/12/2026")
    yield nc_case("field-date-action", text, ("field.date", 13))
    text = edit(PLAN, "next_review: 2027-03-01", 'next_review: "2027-3-1"')
    yield plan_case("field-date-not-padded", text, ("field.date", line_of(text, "next_review")))
    # field.value
    text = edit(NC, "status: closed", "status: finished")
    yield nc_case("field-value-status", text, ("field.value", 7))
    text = edit(NC, "status: done", "status: finished")
    yield nc_case("field-value-action-status", text, ("field.value", 14),
                  ("action.overdue", 13))
    text = edit(PLAN, "status: approved", "status: approved\naudience: everyone")
    yield plan_case("field-value-audience", text, ("field.value", line_of(text, "audience")))
    text = edit(PLAN, "status: approved", "status: closed")  # a record status on a document
    yield plan_case("field-value-document-status", text,
                    ("field.value", line_of(text, "status: closed")))
    # record.type-unknown
    text = edit(NC, "type: nonconformity", "type: non-conformity")
    text = edit(text, "status: closed", "status: approved")  # valid for every kind
    yield nc_case("record-type-unknown", text, ("record.type-unknown", 3))
    # id.invalid
    text = edit(REVIEW, "id: MR-2026-02", "id: mr 1")
    yield review_case("id-invalid-record", text, ("id.invalid", 2))
    text = edit(NC, "  - id: CA-001", "  - id: ca_001")
    yield nc_case("id-invalid-action", text, ("id.invalid", 10))


CASES: list[Case] = [*front_matter_cases(), *field_cases()]


@pytest.mark.parametrize(
    "c", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_failing_fixture(c: Case, sms_repo: Findings) -> None:
    check_case(c, sms_repo(c.files, profile=c.profile, as_of=c.as_of))


@pytest.mark.parametrize("files", [
    pytest.param({NC_PATH: edit(NC, "title: Emergency changes implemented without CAB review",
                                "title: '12:30'")}, id="title-quoted"),
    pytest.param({PLAN_PATH: edit(PLAN, 'version: "1.10"', "version: 2")}, id="version-2"),
    pytest.param({PLAN_PATH: PLAN}, id="version-quoted-1.10"),
    pytest.param({PLAN_PATH: edit(PLAN, 'version: "1.10"', "version: 1.5")}, id="version-1.5"),
    pytest.param({NC_PATH: edit(NC, "owner: Change Manager\nstatus", "owner: 'no'\nstatus")},
                 id="owner-quoted-no"),
    pytest.param({NC_PATH: edit(NC, "date: 2026-08-04", 'date: "2026-08-04"')},
                 id="date-quoted-iso"),
    pytest.param({NC_PATH: edit(NC, "target_date: 2026-09-30", "target_date: 2026-08-04")},
                 id="action-target-on-record-date"),
    pytest.param({NC_PATH: edit(NC, "---\n# Emergency", "...\n# Emergency")},
                 id="block-closed-by-dots"),
    pytest.param({NC_PATH: NC.replace("\n", "\r\n")}, id="crlf"),
    pytest.param({NC_PATH: "\ufeff" + NC}, id="utf8-bom"),
])
def test_quiet_variants(files: dict[str, str], sms_repo: Findings) -> None:
    assert sms_repo(files) == []


def test_latin1_bytes_report_encoding_at_their_line(tmp_path: Path, sms_repo: Findings) -> None:
    text = edit(NC, "Three emergency changes in July", "Three emergency changes in Juli\u00e9")
    path = tmp_path / NC_PATH
    path.parent.mkdir(parents=True)
    path.write_bytes(text.encode("latin-1"))
    findings = sms_repo({PLAN_PATH: PLAN})
    assert with_severity(findings) == expected(("frontmatter.encoding",
                                                 line_of(text, "Juli\u00e9")))
    assert "0xe9" in findings[0].message


def test_windows_1252_quote_in_front_matter(tmp_path: Path, sms_repo: Findings) -> None:
    path = tmp_path / NC_PATH
    path.parent.mkdir(parents=True)
    path.write_bytes(NC.replace("title: Emergency", "title: \x93Emergency\x94").encode("latin-1"))
    assert with_severity(sms_repo({})) == expected(("frontmatter.encoding", 4))


MKDOCS_EDGE_CASES = {
    "plain": "---\ntitle: A\n---\n# H\n",
    "closed-by-dots": "---\ntitle: A\n...\n# H\n",
    "four-dashes-open": "----\ntitle: A\n---\n# H\n",
    "four-dashes-close": "---\ntitle: A\n----\n# H\n",
    "trailing-blanks-on-delimiters": "--- \ntitle: A\n---\t\n# H\n",
    "blank-lines-after-block": "---\ntitle: A\n---\n\n\n# H\n",
    "no-closing-delimiter": "---\ntitle: A\n# H\n",
    "closing-delimiter-at-eof": "---\ntitle: A\n---",
    "leading-blank-line": "\n---\ntitle: A\n---\n# H\n",
    "dashes-inside-block-scalar": "---\ntitle: A\nx: |\n  ---\n---\n# H\n",
    "dots-in-body": "---\ntitle: A\n---\n...\n",
    "second-block-is-body": "---\ntitle: A\n---\n---\nb: 1\n---\n",
    "nested-data": "---\ntitle: A\nactions:\n  - id: X-1\n    d: 2026-01-01\n---\nbody\n",
}


@pytest.mark.parametrize("text", MKDOCS_EDGE_CASES.values(), ids=MKDOCS_EDGE_CASES.keys())
def test_front_matter_agrees_with_mkdocs(text: str) -> None:
    doc, data = get_data(text)
    front = frontmatter.split(text)
    assert front.error is None
    assert front.data == data
    assert front.body.lstrip("\n") == doc


@pytest.mark.parametrize("text", [
    "---\ntitle: [a\n---\n# H\n",
    "---\n- a\n---\n# H\n",
    "---\nhello\n---\n# H\n",
    "---\nd: 2025-13-01\n---\n# H\n",
])
def test_front_matter_mkdocs_cannot_read_is_reported(text: str) -> None:
    doc, data = get_data(text)
    assert (doc, data) == (text, {})  # MkDocs silently shows the block as page text
    assert frontmatter.split(text).error is not None


@pytest.mark.parametrize("text,line", [
    ("---\ntitle: A\nowner: a: b\n---\n", 3),
    ("---\ntitle: A\n\n\nd: 2025-13-01\n---\n", 5),
    ("---\ntitle: A\nlist: [a, b\n---\n", 3),
    ("----\n---\ntitle: A\n---\n", 0),  # not front matter at all: no error
])
def test_front_matter_error_line_is_a_file_line(text: str, line: int) -> None:
    front = frontmatter.split(text)
    if line == 0:
        assert front.error is None and not front.present
    else:
        assert front.error is not None and front.error_line == line


@pytest.mark.parametrize("char", ["\x07", "\x7f", "\x0c"])
def test_control_character_in_front_matter_is_reported(char: str, sms_repo: Findings) -> None:
    text = edit(NC, "title: Emergency changes", f"title: Emergency{char} changes")
    assert rules_at(sms_repo({NC_PATH: text})) == {("frontmatter.invalid", 4)}


def test_control_character_after_non_ascii_text_is_reported_at_its_line(
        sms_repo: Findings) -> None:
    """libyaml reports the position in bytes of UTF-8, not in characters."""
    text = edit(NC, "owner: Change Manager\nstatus", "owner: Jos\u00e9 \u0800 M\x1f\nstatus")
    assert with_severity(sms_repo({NC_PATH: text})) == expected(
        ("frontmatter.invalid", line_of(text, "owner: Jos")))


def test_self_referencing_alias_with_bad_date_does_not_hang(sms_repo: Findings) -> None:
    text = "---\nid: NC-001\nloop: &a [1, *a]\ndate: 2025-13-01\n---\n# x\n"
    with time_limit(1.0):
        findings = sms_repo({NC_PATH: text})
    assert rules_at(findings) == {("frontmatter.invalid", 3)}  # the cycle, before the date


def test_self_referencing_id_does_not_escape_the_run(sms_repo: Findings) -> None:
    text = "---\nid: &a [*a]\ntype: nonconformity\ntitle: Loop\n---\n# x\n"
    findings = sms_repo({NC_PATH: text, PLAN_PATH: PLAN})
    assert {f.file for f in findings} == {NC_PATH}  # the plan next to it is still clean
    # an alias that refers to itself is unreadable front matter: one finding, at its line
    assert with_severity(findings) == expected(("frontmatter.invalid", 2))


def test_line_separator_in_a_value_does_not_shift_lines(sms_repo: Findings) -> None:
    text = edit(NC, "title: Emergency changes implemented without CAB review",
                'title: "Emergency changes\u2028implemented without CAB review"')
    text = edit(text, "owner: Change Manager\nstatus", "owner: no\nstatus")
    assert rules_at(sms_repo({NC_PATH: text})) == {("field.type", 6)}


def test_week_date_is_not_yyyy_mm_dd(sms_repo: Findings) -> None:
    text = edit(NC, "date: 2026-08-04", "date: 2026-W32-2")
    assert rules_at(sms_repo({NC_PATH: text})) == {("field.date", 5)}


@pytest.mark.parametrize("word", ["yes", "no", "on", "off"])
def test_boolean_in_a_text_list_is_a_type_error(word: str, sms_repo: Findings) -> None:
    text = edit(REVIEW, "  - SMS Manager", f"  - {word}")
    (finding,) = sms_repo({REVIEW_PATH: text})
    assert (finding.rule, finding.line) == ("field.type", line_of(text, f"  - {word}"))
    assert "'attendees[2]'" in finding.message  # the second attendee, counted from 1


def test_unknown_type_still_checks_the_fields_after_status(sms_repo: Findings) -> None:
    text = edit(edit(NC, "type: nonconformity", "type: non-conformity"),
                "status: closed", "status: closed\nnext_review: soon")
    assert with_severity(sms_repo({NC_PATH: text})) == expected(
        ("record.type-unknown", 3), ("field.date", line_of(text, "next_review: soon")))


def test_a_list_field_of_an_action_written_as_text(sms_repo: Findings) -> None:
    text = edit(NC, 'clauses: ["8.5.1.3"]', 'clauses: "8.5.1.3"')
    (finding,) = sms_repo({NC_PATH: text})
    assert (finding.rule, finding.line) == ("field.type", line_of(text, 'clauses: "8.5.1.3"'))
    assert finding.message == "'CA-001.clauses' must be a list"
    assert finding.hint == 'Write it as a list, e.g. clauses: ["…"].'


def test_an_action_that_is_not_a_mapping_is_named_by_its_position(sms_repo: Findings) -> None:
    start = REVIEW.index("  - id: MR-ACT-002")
    end = REVIEW.index("---\n# Management review")
    text = REVIEW[:start] + "  - Renew the hosting contract\n" + REVIEW[end:]
    findings = sms_repo({REVIEW_PATH: text})
    assert rules_at(findings) == {("field.type", line_of(text, "  - Renew the")),
                                  ("ref.unknown", line_of(text, "(MR-ACT-002)"))}  # the prose
    (finding,) = [f for f in findings if f.rule == "field.type"]
    assert "'actions[2]'" in finding.message


def test_unknown_type_gives_no_second_status_error(sms_repo: Findings) -> None:
    text = edit(NC, "type: nonconformity", "type: non-conformity")
    assert rules_at(sms_repo({NC_PATH: text})) == {("record.type-unknown", 3)}


@pytest.mark.parametrize("text", ["---\n\n---\n# H\n", "---\n# draft\n---\n# H\n"])
def test_empty_front_matter_block_is_reported(text: str, sms_repo: Findings) -> None:
    assert get_data(text) == (text, {})  # MkDocs shows the block as page text
    assert frontmatter.split(text).error is not None
    assert with_severity(sms_repo({NC_PATH: text})) == expected(("frontmatter.invalid", 2))


def test_multimarkdown_meta_is_reported(sms_repo: Findings) -> None:
    """MkDocs reads MultiMarkdown metadata; smsdocs does not check it, and says so."""
    text = "id: NC-002\ntype: nonconformity\n\n# Body\n"
    doc, data = get_data(text)
    assert (doc, data) == ("# Body\n", {"id": "NC-002", "type": "nonconformity"})
    assert "MultiMarkdown" in (frontmatter.split(text).error or "")
    assert with_severity(sms_repo({NC_PATH: text})) == expected(("frontmatter.invalid", 1))


@pytest.mark.parametrize("identifier,expected_family", [
    ("MR-ACT-003", "MR-ACT-"), ("A-1", "A-"), ("NC-7", "NC-"), ("-1", ""), ("X1", "")])
def test_id_family(identifier: str, expected_family: str) -> None:
    from smsdocs.core.model import family
    assert family(identifier) == expected_family


def test_record_standard_defaults_to_2018_and_reads_2011(tmp_path: Path) -> None:
    old = edit(REVIEW_2011, "type: management-review\n",
               'type: management-review\nstandard: iso20000-1:2011\nclauses: ["6.1", "9.2"]\n')
    root = write_files(tmp_path, {REVIEW_PATH: REVIEW, REVIEW_2011_PATH: old})
    config = config_mod.load(root)
    repo = validate(root, config, config.rule_pack(), AS_OF).repo
    assert {r.path: r.standard for r in repo.records} == {
        REVIEW_PATH: "iso20000-1:2018", REVIEW_2011_PATH: "iso20000-1:2011"}
    new, old_review = repo.by_id["MR-2026-02"], next(r for r in repo.records
                                                     if r.path == REVIEW_2011_PATH)
    assert new.clauses == ["9.3"] and new.chair == "Managing Director" and new.attendees == [
        "Managing Director", "SMS Manager", "Service Desk Lead"]
    crosswalk = {"6.1": ["new-6.1", "shared"], "9.2": ["new-9.2", "shared"], "9.3": ["no"]}
    assert new.clauses_2018(crosswalk) == ["9.3"]  # already 2018 numbers
    assert old_review.clauses_2018(crosswalk) == ["new-6.1", "shared", "new-9.2"]
