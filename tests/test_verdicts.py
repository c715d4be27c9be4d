"""Verdicts on documents written in other people's words (issue: sections by meaning).

Each test writes a small repository in the style of a real organisation and asserts what an
auditor would conclude: the right finding at the right line, and silence on what is fine.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import rules_at
from review_builder import REVIEW_FIELDS, management_review
from smsdocs.core.findings import Finding, Severity
from test_cli import smsdocs

Findings = Callable[..., list[Finding]]


@pytest.fixture
def judge(sms_repo: Findings) -> Findings:
    """The findings on the files written, without the repository-wide coverage gaps (these
    small repositories hold one document each): conftest's sms_repo."""
    return sms_repo


REVIEW_PATH = "records/reviews/mr-2026-02.md"
PLAN_PATH = "docs/sms/plan.md"

FIELDS = {**REVIEW_FIELDS, "id": "MR-2026-02", "title": "Management review",
          "date": "2026-10-15",
          "attendees": "\n  - Dana Reyes, Managing Director\n  - Sam Patel, SMS Manager"}
ACTIONS = """\
  - id: MR-ACT-001
    title: Add a second on-call engineer for the Payroll service
    owner: {owner}
    target_date: 2027-01-31
    status: open
    success_criteria: P1 incidents answered within 15 minutes for two quarters
    clauses: ["8.6.1"]
  - id: MR-ACT-002
    title: Improve the change process with a standard-change catalogue and no change to scope
    owner: Change Manager
    target_date: 2027-01-31
    status: open
    success_criteria: 60% of changes are standard changes by March
    clauses: ["8.5.1"]
"""

# The 9.3 inputs in one organisation's words, one per topic (a first review).
INPUTS = [
    ("Matters arising", "This is the first review, so there are no previous actions."),
    ("Shifts in our operating environment", "A second bureau joined; volumes double."),
    ("Non-conformities & CAPA", "Two minor nonconformities, both closed on time."),
    ("KPIs & trends", "Availability 99.9% against 99.5%; incidents down 10%."),
    ("Audit outcomes", "The internal audit in May found two minor nonconformities."),
    ("Ideas for improvement", "A standard-change catalogue would cut lead times."),
    ("Voice of the customer", "CSAT 4.5 of 5; three complaints about password resets."),
    ("Policy adherence", "The policies were followed; one late change approval."),
    ("Goals progress", "Four of five objectives met; first-call resolution 68% of 70%."),
    ("Performance against SLAs", "All SLAs met except the Payroll response time in July."),
    ("Third-party performance", "The hosting provider met its 99.9% target."),
    ("Resourcing", "On-call cover is thin at night; one engineer is requested."),
    ("Risk assessment results", "Two high risks remain; treatments are on track."),
]
TAIL = ("Decisions", "Improvement: the standard-change catalogue (MR-ACT-002). Change: none "
        "to the SMS scope. Resources: one more engineer is approved (MR-ACT-001).")
CONCLUSION = ("Overall conclusion", "The SMS remains suitable, adequate and effective.")


def minutes(body: str, chair: str = "Managing Director",
            owner: str = "Service Delivery Manager", decided: bool = True) -> str:
    """The review with its minutes under `# Minutes`; `decided` writes its two actions."""
    return management_review(ACTIONS.format(owner=owner) if decided else "", body,
                             heading="Minutes", fields=FIELDS, chair=chair)


def review(heading: Callable[[int, str], str] = lambda i, t: f"## {t}",
           inputs: list[tuple[str, str]] | None = None, chair: str = "Managing Director",
           owner: str = "Service Delivery Manager", decided: bool = True) -> str:
    """A complete review whose headings are written by `heading(index, title)`."""
    parts = [f"{heading(index, title)}\n\n{body}\n" for index, (title, body) in
             enumerate([*(INPUTS if inputs is None else inputs), TAIL, CONCLUSION], start=1)]
    return minutes("\n".join(parts), chair, owner, decided)


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), start=1) if needle in line)


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


@pytest.mark.parametrize("style", [
    pytest.param(lambda i, t: f"## {t}", id="h2"),
    pytest.param(lambda i, t: f"### 3.{i} {t}", id="numbered-h3"),
    pytest.param(lambda i, t: f"#### {chr(96 + i)}) {t}", id="lettered-h4"),
    pytest.param(lambda i, t: f"**Item {i} - {t}**", id="bold-lines"),
    pytest.param(lambda i, t: f"## {i}) {t.upper()}", id="upper-case"),
    pytest.param(lambda i, t: f"# {i}. {t}", id="several-h1"),
])
def test_a_clean_review_in_any_heading_style_has_no_error(style: Callable[[int, str], str],
                                                         judge: Findings) -> None:
    findings = judge({REVIEW_PATH: review(style)})
    assert errors(findings) == [], [str(f) for f in findings]


def test_minutes_as_one_agenda_table_present_each_input(judge: Findings) -> None:
    rows = "\n".join(f"| {i} | {t} | {b} |" for i, (t, b) in enumerate(
        [*INPUTS, TAIL, CONCLUSION], start=1))
    text = minutes("| # | Agenda item | Discussion |\n| --- | --- | --- |\n" + rows + "\n")
    assert errors(judge({REVIEW_PATH: text})) == []
    without_risks = text.replace("| 13 | Risk assessment results |", "| 13 | Any other business |")
    assert rules_at(errors(judge({REVIEW_PATH: without_risks}))) == {
        ("review.input.risks", line_of(without_risks, "# Minutes"))}


def test_minutes_as_a_numbered_list_with_bold_items_present_each_input(
        judge: Findings) -> None:
    items = "\n".join(f"{i}. **{t}:** {b}" for i, (t, b) in enumerate(
        [*INPUTS, TAIL, CONCLUSION], start=1))
    text = minutes(items + "\n")
    assert errors(judge({REVIEW_PATH: text})) == []


def test_a_bold_list_item_under_the_decisions_presents_no_input(judge: Findings) -> None:
    inputs = [(t, b) for t, b in INPUTS if t != "Audit outcomes"]
    items = "\n".join(f"{i}. **{t}:** {b}" for i, (t, b) in enumerate(inputs, start=1))
    decided = ("1. **Audit outcomes:** a supplier audit is added to the programme.\n"
               "2. **Resourcing:** one engineer is approved.\n"
               "3. **Ideas for improvement:** the catalogue goes ahead; no change to scope.\n")
    text = minutes("## Inputs\n\n" + items + "\n\n## Decisions\n\n" + decided
                   + "\n## Conclusion\n\nThe SMS remains suitable, adequate and effective.\n")
    assert rules_at(errors(judge({REVIEW_PATH: text}))) == {
        ("review.input.audits", line_of(text, "# Minutes"))}


def test_a_table_that_is_not_an_agenda_presents_nothing(judge: Findings) -> None:
    inputs = [(t, b) for t, b in INPUTS if t != "Audit outcomes"]
    text = review(inputs=inputs).replace(
        "Availability 99.9% against 99.5%; incidents down 10%.",
        "| Measure | Result |\n| --- | --- |\n| Audit outcomes | 2 minor |")
    assert ("review.input.audits", line_of(text, "# Minutes")) in rules_at(
        judge({REVIEW_PATH: text}))


def test_one_combined_heading_presents_two_inputs(judge: Findings) -> None:
    inputs = [(t, b) for t, b in INPUTS if t not in ("Audit outcomes", "Non-conformities & CAPA")]
    inputs.append(("Audit results and nonconformities", "One audit, two minor NCs, closed."))
    assert errors(judge({REVIEW_PATH: review(inputs=inputs)})) == []


def test_a_missing_input_is_reported_at_the_head_with_the_closest_heading(
        judge: Findings) -> None:
    inputs = [("Service review" if t == "Performance against SLAs" else t, b) for t, b in INPUTS]
    text = review(inputs=inputs)
    findings = judge({REVIEW_PATH: text})
    assert rules_at(errors(findings)) == {
        ("review.input.service-performance", line_of(text, "# Minutes"))}
    hint = errors(findings)[0].hint
    assert "'Service review'" in hint and "lacks a word for performance" in hint


def test_a_deferred_input_is_missing(judge: Findings) -> None:
    inputs = [(t, "Not discussed; moved to the next meeting.") if t == "Voice of the customer"
              else (t, b) for t, b in INPUTS]
    text = review(inputs=inputs)
    assert rules_at(errors(judge({REVIEW_PATH: text}))) == {
        ("review.input.feedback", line_of(text, "## Voice of the customer"))}


@pytest.mark.parametrize("content", ["TBC", "to be confirmed", "xxx", "Lorem ipsum dolor"])
def test_a_placeholder_alone_in_an_input_is_unwritten(content: str, judge: Findings) -> None:
    inputs = [(t, content) if t == "Risk assessment results" else (t, b) for t, b in INPUTS]
    text = review(inputs=inputs)
    assert rules_at(errors(judge({REVIEW_PATH: text}))) == {
        ("content.placeholder", line_of(text, "## Risk assessment results"))}


def test_a_topic_word_in_another_role_does_not_count(judge: Findings) -> None:
    inputs = [(t, b) for t, b in INPUTS if t != "Audit outcomes"]
    text = review(inputs=inputs).replace(
        f"## {TAIL[0]}\n\n{TAIL[1]}\n",
        f"## {TAIL[0]}\n\n{TAIL[1]}\n\n### Audit programme\n\nAdd a supplier audit.\n")
    assert ("review.input.audits", line_of(text, "# Minutes")) in rules_at(
        judge({REVIEW_PATH: text}))


# ---------------------------------------------------------------- placeholders in fields


@pytest.mark.parametrize("owner", ["TBD", "TBC", "to be confirmed", "-", "?", "n/a",
                                   "Facilities (to be agreed)", "[insert owner]"])
def test_a_placeholder_owner_is_no_owner(owner: str, judge: Findings) -> None:
    text = review(owner=json.dumps(owner))
    assert rules_at(errors(judge({REVIEW_PATH: text}))) == {
        ("review.decision.owner", line_of(text, f"owner: {json.dumps(owner)}"))}


def test_a_template_chair_and_decision_title_are_placeholders(judge: Findings) -> None:
    text = review(chair='"[insert chair]"').replace(
        "title: Add a second on-call engineer for the Payroll service",
        'title: "[describe the decision]"')
    assert {("content.placeholder", line_of(text, "[insert chair]")),
            ("content.placeholder", line_of(text, "[describe the decision]"))} <= rules_at(
        judge({REVIEW_PATH: text}))


def test_a_decision_without_success_criteria_is_a_warning(judge: Findings) -> None:
    text = review().replace(
        "    success_criteria: 60% of changes are standard changes by March\n", "")
    findings = judge({REVIEW_PATH: text})
    assert rules_at(findings) == {("review.decision.success-criteria",
                                   line_of(text, "- id: MR-ACT-002"))}
    assert findings[0].severity is Severity.WARNING


@pytest.mark.parametrize(("chair", "warned"), [
    ("NOC Team Lead", True), ("Service Desk Supervisor", True),
    ("Head of IT Services", False), ("Executive Leadership Team", False),
    ("Dana Reyes", False),  # named without a role: her attendee entry says Managing Director
    ("Sam Patel", True),  # his attendee entry says SMS Manager
    ("Chris Doe", False),  # nobody can tell: not reported
])
def test_review_chair_must_be_top_management(chair: str, warned: bool,
                                             judge: Findings) -> None:
    text = review(chair=chair)
    found = rules_at(judge({REVIEW_PATH: text}))
    assert (("review.chair", line_of(text, "chair:")) in found) is warned
    assert not errors(judge({REVIEW_PATH: text}))


def test_top_management_roles_come_from_the_configuration(judge: Findings) -> None:
    text = review(chair="Service Desk Supervisor")
    config = "add_top_management: [service desk supervisor]\n"
    assert judge({REVIEW_PATH: text, "smsdocs.yml": config}) == []


def test_the_organisation_adds_words_to_a_concept(judge: Findings) -> None:
    inputs = [("Kudos and gripes" if t == "Voice of the customer" else t, b) for t, b in INPUTS]
    text = review(inputs=inputs)
    assert rules_at(judge({REVIEW_PATH: text})) == {
        ("review.input.feedback", line_of(text, "# Minutes"))}
    assert judge({REVIEW_PATH: text, "smsdocs.yml": "lexicon: {feedback: [kudos]}\n"}) == []


# ---------------------------------------------------------------- outputs and decisions


def test_decisions_only_in_actions_are_outputs(judge: Findings) -> None:
    text = review().replace(f"## {TAIL[0]}\n\n{TAIL[1]}\n", "")
    assert errors(judge({REVIEW_PATH: text})) == []


def test_decisions_only_in_a_body_table_count_and_their_owners_are_checked(
        judge: Findings) -> None:
    table = ("| No. | Decision | Owner | Due |\n| --- | --- | --- | --- |\n"
             "| D-1 | Improve the change process with a catalogue | Change Manager "
             "| 2027-01 |\n"
             "| D-2 | Hire one engineer; no change to the SMS scope | Ops Director (tbc) "
             "| 2027-02 |")
    text = review(decided=False).replace(TAIL[1], table)
    assert rules_at(errors(judge({REVIEW_PATH: text}))) == {
        ("review.decision.owner", line_of(text, "| D-2 |"))}


def test_no_decision_anywhere_is_one_finding(judge: Findings) -> None:
    text = review(decided=False).replace(f"## {TAIL[0]}\n\n{TAIL[1]}\n", "")
    assert {f.rule for f in errors(judge({REVIEW_PATH: text}))} == {"review.decisions.none"}


# ---------------------------------------------------------------- declarations and explain


def test_an_author_declares_which_heading_presents_a_section(judge: Findings) -> None:
    inputs = [("Weather report" if t == "Risk assessment results" else t, b) for t, b in INPUTS]
    text = review(inputs=inputs)
    assert ("review.input.risks", line_of(text, "# Minutes")) in rules_at(
        judge({REVIEW_PATH: text}))
    declared = text.replace("status: approved\n", "status: approved\nsections:\n"
                                                  "  review.input.risks: Weather report\n")
    assert judge({REVIEW_PATH: declared}) == []


def test_explain_says_which_heading_and_words_and_what_was_close(tmp_path: Path) -> None:
    inputs = [("Service review" if t == "Performance against SLAs" else t, b) for t, b in INPUTS]
    path = tmp_path / REVIEW_PATH
    path.parent.mkdir(parents=True)
    path.write_text(review(inputs=inputs), encoding="utf-8")
    text = smsdocs("explain", path)
    assert text.returncode == 0, text.stderr
    assert "presented by heading 'Third-party performance'" in text.stdout
    assert "close: heading 'Service review'" in text.stdout
    data = json.loads(smsdocs("explain", path, "--rule", "review.input.feedback",
                              "--format", "json").stdout)
    (rule,) = data["rules"]
    assert rule["status"] == "found"
    assert rule["sections"][0]["title"] == "Voice of the customer"
    assert rule["sections"][0]["concepts"] == {"feedback": ["voice of the customer"]}


# ---------------------------------------------------------------- plan


PLAN = """\
---
id: PLAN-001
type: plan
title: SMS plan
owner: SMS Manager
status: draft
version: "0.3"
clauses: ["6.3"]
---
# SMS plan

## Scope

The Payroll and Hosting services are in scope.

## Objectives

| Objective | Target |
| --- | --- |
| Keep Payroll available | 99.5% |
| Onboarding smoother | {target} |

## Governance

{governance}

## Measure, audit, report, improve

We measure monthly, audit yearly, report to the board and improve through the register.

## Resources

Personnel: 4 staff; tools: the service desk; training budget; financial plan; information.

## Document control

Documents are versioned in git and approved in a pull request; records are kept 3 years.

## Roadmap

1. Phase 1: set up.
2. Phase 2: certify.

## Obligations

Contracts and the data protection law.

## Known limitations

None known.

## Suppliers

The hosting provider.

## Technology

The service desk tool.
"""
CHAIR_OK = ("- **Executive Leadership Team.** Top management.\n"
            "  - Chairs the SMS management review twice a year through its member for\n"
            "    IT, the Vice President and CIO.\n- **SMS Manager.** Responsible for the plan.")


def plan(target: str = "60% self-serve", governance: str = CHAIR_OK) -> str:
    return PLAN.format(target=target, governance=governance)


def test_a_chair_named_in_a_nested_wrapped_list_item_counts(judge: Findings) -> None:
    assert judge({PLAN_PATH: plan()}) == []


def test_a_chair_in_a_raci_table_counts(judge: Findings) -> None:
    raci = ("Roles and responsibilities are set out below.\n\n"
            "| Activity | Managing Director | SMS Manager |\n| --- | --- | --- |\n"
            "| Management review | A | R |\n| Internal audit | I | A |")
    assert judge({PLAN_PATH: plan(governance=raci)}) == []


def test_no_top_management_chair_is_a_warning(judge: Findings) -> None:
    text = plan(governance="The SMS Manager is responsible for the plan and chairs reviews.")
    findings = judge({PLAN_PATH: text})
    assert rules_at(findings) == {("plan.review-chair", line_of(text, "## Governance"))}
    assert findings[0].severity is Severity.WARNING


@pytest.mark.parametrize("target", ["by end of Q3 2025", "2026-03-31", "FY25", "H2 2026",
                                    "Better than last year, Q4 2025"])
def test_a_date_alone_is_not_a_measurable_target(target: str, judge: Findings) -> None:
    text = plan(target=target)
    assert rules_at(judge({PLAN_PATH: text})) == {
        ("plan.objectives", line_of(text, "| Onboarding smoother |"))}


def test_okr_key_results_with_numbers_are_measurable(judge: Findings) -> None:
    okrs = ("- **O1. Delight our customers**\n  - KR1.1 CSAT of 4.6 or better\n"
            "- **O2. Ship safely**\n  - KR2.1 Change failure rate of 4% or less")
    text = plan().replace(
        "| Objective | Target |\n| --- | --- |\n| Keep Payroll available | 99.5% |\n"
        "| Onboarding smoother | 60% self-serve |", okrs)
    assert judge({PLAN_PATH: text}) == []
    text = text.replace("KR2.1 Change failure rate of 4% or less", "KR2.1 Live by Q3 2025")
    assert rules_at(judge({PLAN_PATH: text})) == {
        ("plan.objectives", line_of(text, "**O2. Ship safely**"))}


def test_a_roadmap_phase_or_a_records_heading_is_no_documentation_framework(
        judge: Findings) -> None:
    text = plan().replace(
        "## Document control\n\nDocuments are versioned in git and approved in a pull request;"
        " records are kept 3 years.",
        "## Records of communication\n\nStaff bulletins are kept for two years.")
    text = text.replace("1. Phase 1: set up.", "### Phase 1: Governance and documentation\n\n"
                        "Set up a document library.\n\n### Phase 1b: set up")
    assert ("plan.documentation", line_of(text, "# SMS plan")) in rules_at(
        judge({PLAN_PATH: text}))


# ---------------------------------------------------------------- evidence and references


NC = """\
---
id: NC-001
type: nonconformity
title: Emergency change without review
date: 2026-08-04
owner: Change Manager
clauses: ["10.1"]
actions:
  - id: CA-001
    title: Add an emergency route to the change policy
    owner: Change Manager
    target_date: 2026-09-30
    status: done
    closed_on: 2026-09-20
    success_criteria: No emergency change without review for a quarter
    clauses: ["8.5.1"]
    evidence:
{evidence}
---
# Emergency change without review

## Description

A change went live without review.

## Correction

It was reviewed the next day.

## Cause analysis

No emergency route existed.

## Corrective action

CA-001 adds the route.

## Effectiveness review

No repeat in September.
"""


@pytest.mark.parametrize(("entry", "unknown"), [
    ("docs/policies/change.md#emergency-route", False),
    ("docs/policies/missing.md", True),
    ("records/access-reviews/Q2.md", True),
    ("https://tickets.example.org/CHG-41", False),
    ("NC-099", True),  # a nonconformity id, although no other NC-0xx exists
    ("INC-4432", False),  # a ticket of another tool: not an id family of the SMS
    ("Change CHG-41 in the service desk tool", False),
])
def test_every_evidence_entry_that_names_a_file_or_an_id_resolves(
        entry: str, unknown: bool, judge: Findings) -> None:
    text = NC.format(evidence=f"      - {entry}")
    policy = "# Change policy\n\n## Emergency route\n\nText.\n"
    found = rules_at(judge({"records/nc/nc-001.md": text,
                               "docs/policies/change.md": policy}))
    assert (("ref.unknown", line_of(text, f"- {entry}")) in found) is unknown
    assert found <= {("ref.unknown", line_of(text, f"- {entry}"))}


def test_a_broken_file_is_one_error_not_one_per_mention(judge: Findings) -> None:
    text = NC.format(evidence="      - https://x.example").replace("date: 2026-08-04",
                                                                  "date: 2026-13-04")
    mentions = "# Notes\n\nSee NC-001 and CA-001.\n"
    findings = judge({"records/nc/nc-001.md": text, "records/nc/nc-002.md":
                         NC.format(evidence="      - NC-001").replace("NC-001\n", "NC-002\n", 1)
                         .replace("CA-001", "CA-002"), "docs/notes.md": mentions})
    assert [f.rule for f in findings] == ["frontmatter.invalid"]


def test_follow_up_is_checked_even_without_a_previous_actions_heading(judge: Findings) -> None:
    first = review()
    later = review(inputs=[(t, b) for t, b in INPUTS if t != "Matters arising"]).replace(
        "id: MR-2026-02", "id: MR-2027-01").replace("date: 2026-10-15", "date: 2027-02-15") \
        .replace("MR-ACT-001", "MR-ACT-011").replace("MR-ACT-002", "MR-ACT-012").replace(
        "target_date: 2027-01-31", "target_date: 2027-06-30").replace(
        "Two minor nonconformities", "MR-ACT-001 is done. Two minor nonconformities")
    found = rules_at(judge({REVIEW_PATH: first, "records/reviews/mr-2027-01.md": later}),
                     "records/reviews/mr-2027-01.md")
    minutes = line_of(later, "# Minutes")
    assert ("review.input.previous-actions", minutes) in found
    assert ("review.previous-actions", minutes) in found  # MR-ACT-002 is nowhere
    assert len([r for r, _ in found if r == "review.previous-actions"]) == 1
