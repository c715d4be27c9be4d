"""References between documents (checks/references.py): ref.unknown, id.duplicate,
heading.portable.

Each failing case edits one thing in a valid fixture and states every finding it
must produce, at its file line (see rules_support.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import rules_at
from rules_support import (
    HAS_CATALOGUE,
    NC,
    NC_PATH,
    REVIEW,
    REVIEW_PATH,
    Case,
    Findings,
    case,
    check_case,
    edit,
    line_of,
    nc_case,
    with_nc,
)


def duplicate_cases() -> Iterator[Case]:
    second = NC.replace("CA-001", "CA-002")
    files = {NC_PATH: NC, "records/nc/nc-002.md": second}
    yield case("id-duplicate-documents", files, "records/nc/nc-002.md",
               ("id.duplicate", 2))
    nc = NC.replace("CA-001", "MR-ACT-002")  # the NC file is read first
    yield case("id-duplicate-actions-across-files", {NC_PATH: nc, REVIEW_PATH: REVIEW},
               REVIEW_PATH, ("id.duplicate", line_of(REVIEW, "- id: MR-ACT-002")))


def reference_cases() -> Iterator[Case]:
    text = edit(NC, 'clauses: ["8.5.1"]', 'clauses:\n  - "8.5.1"\n  - "11.2"')
    yield nc_case("ref-clause-unknown", text, ("ref.clause-unknown", line_of(text, '"11.2"')),
                  marks=(pytest.mark.skipif(not HAS_CATALOGUE,
                                            reason="clauses.yaml is not written yet"),))
    review = edit(REVIEW, "Its corrective action is closed",
                  "A repeat was logged as NC-007.\nIts corrective action is closed")
    yield case("ref-unknown-prose", with_nc(review), REVIEW_PATH,
               ("ref.unknown", line_of(review, "NC-007")))
    review = edit(REVIEW, 'evidence: ["NC-001 closed, see its effectiveness review"]',
                  "evidence:\n      - NC-001\n      - NC-009")
    yield case("ref-unknown-evidence", with_nc(review), REVIEW_PATH,
               ("ref.unknown", line_of(review, "- NC-009")))
    review = edit(REVIEW, "## Audit results\n", "## Audit results of CA-004\n")
    yield case("ref-unknown-heading-action-id", with_nc(review), REVIEW_PATH,
               ("ref.unknown", line_of(review, "CA-004")))


def heading_cases() -> Iterator[Case]:
    text = NC + "\n#Notes on the rota\n\nThe rota is in the wiki.\n"
    yield nc_case("heading-no-space", text, ("heading.portable", line_of(text, "#Notes")))
    text = NC + "\n   ## Indented follow-up\n\nChecked in October.\n"
    yield nc_case("heading-indented", text, ("heading.portable", line_of(text, "## Indented")))


CASES: list[Case] = [*duplicate_cases(), *reference_cases(), *heading_cases()]


@pytest.mark.parametrize(
    "c", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_failing_fixture(c: Case, sms_repo: Findings) -> None:
    check_case(c, sms_repo(c.files, profile=c.profile, as_of=c.as_of))


def test_ref_unknown_quiet_for_standards_code_and_link_text(sms_repo: Findings) -> None:
    extra = ("\n## Notes\n\nHashes use SHA-256, files are UTF-8 and dates ISO-8601.\n"
             "The id `NC-007` is reserved; see [NC-008](https://example.com/nc-008).\n\n"
             "```\nNC-009 was a draft\n```\n\n    NC-010 indented code\n")
    assert sms_repo(with_nc(REVIEW + extra)) == []


def test_ref_unknown_quiet_when_family_is_unknown(sms_repo: Findings) -> None:
    # NC-007 in prose, but no NC- record exists: it may be any other numbered thing
    text = edit(REVIEW, "Its corrective action", "A repeat was logged as NC-007. Its corrective"
                                                  " action")
    assert sms_repo({REVIEW_PATH: text}) == []


def test_ref_known_ids_in_prose_table_and_list(sms_repo: Findings) -> None:
    extra = "\n## Notes\n\n| Item | Link |\n| --- | --- |\n| NC | NC-001 |\n\n- CA-001 closed\n"
    assert sms_repo(with_nc(REVIEW + extra)) == []


def test_ref_unknown_in_table_and_list_at_its_line(sms_repo: Findings) -> None:
    extra = "\n## Notes\n\n| Item | Link |\n| --- | --- |\n| NC | NC-070 |\n\n- CA-071 open\n"
    text = REVIEW + extra
    assert rules_at(sms_repo(with_nc(text)), REVIEW_PATH) == {
        ("ref.unknown", line_of(text, "NC-070")), ("ref.unknown", line_of(text, "CA-071"))}


def test_ref_unknown_line_on_a_wrapped_paragraph(sms_repo: Findings) -> None:
    text = edit(REVIEW, "Its corrective action is closed",
                "It is\n*followed up* under\nNC-077 and its corrective action is closed")
    assert rules_at(sms_repo(with_nc(text)), REVIEW_PATH) == {
        ("ref.unknown", line_of(text, "NC-077"))}


def test_duplicate_message_names_the_first_file_and_line(sms_repo: Findings) -> None:
    dup = next(c for c in CASES if c.id == "id-duplicate-actions-across-files")
    findings = sms_repo(dup.files)
    (finding,) = [f for f in findings if f.rule == "id.duplicate"]
    assert finding.message == (
        f"id 'MR-ACT-002' is already used in {NC_PATH}:{line_of(NC, '- id: CA-001')}")


def test_duplicate_document_message_names_the_first(sms_repo: Findings) -> None:
    docs = next(c for c in CASES if c.id == "id-duplicate-documents")
    (finding,) = sms_repo(docs.files)
    assert finding.message == f"id 'NC-001' is already used in {NC_PATH}:2"


def test_duplicate_between_document_and_action(sms_repo: Findings) -> None:
    nc = NC.replace("CA-001", "MR-2026-02")  # an action with the review's id, read first
    findings = sms_repo({NC_PATH: nc, REVIEW_PATH: REVIEW})
    assert rules_at(findings) == {("id.duplicate", 2)}
    assert findings[0].file == REVIEW_PATH


def test_heading_portable_quiet_inside_fenced_code(sms_repo: Findings) -> None:
    text = NC + "\n```bash\n#!/bin/sh\n#Scope of the script\n   ## not a heading\n```\n"
    assert sms_repo({NC_PATH: text}) == []


def test_heading_portable_quiet_for_shebang_and_proper_headings(sms_repo: Findings) -> None:
    text = NC + "\n#!not a heading\n\n## Follow-up\n\nNothing else.\n"
    assert sms_repo({NC_PATH: text}) == []


def test_heading_portable_on_ordinary_pages(sms_repo: Findings) -> None:
    assert rules_at(sms_repo({"docs/index.md": "# Handbook\n\n#Scope\n"})) == {
        ("heading.portable", 3)}


@pytest.mark.parametrize("wrapped", ["the `change\nlog`", "the ![change\nlog](log.png)",
                                     "the <span\nclass=x>log</span>"])
def test_ref_unknown_line_after_a_wrapped_code_span(wrapped: str, sms_repo: Findings) -> None:
    text = edit(REVIEW, "Its corrective action is closed",
                f"See {wrapped} and NC-077. Its corrective action is closed")
    assert rules_at(sms_repo(with_nc(text)), REVIEW_PATH) == {
        ("ref.unknown", line_of(text, "NC-077"))}


def test_ref_unknown_line_after_many_short_lines(sms_repo: Findings) -> None:
    """Each prose fragment is placed back on its own line, however many come before (ZZ- is
    no known family, so those ids are quiet; they only make prose fragments)."""
    items = "".join(f"- ZZ-{n} ok\n" for n in range(12))
    text = REVIEW + f"\n## Notes\n\n{items}- see NC-077\n- ZZ-99 done\n"
    assert rules_at(sms_repo(with_nc(text)), REVIEW_PATH) == {
        ("ref.unknown", line_of(text, "- see NC-077"))}


def test_heading_portable_quiet_inside_html_comment(sms_repo: Findings) -> None:
    text = NC + "\n<!--\n#TODO add the root cause diagram\n-->\n"
    assert sms_repo({NC_PATH: text}) == []
