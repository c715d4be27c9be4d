"""Required sections and their content (checks/sections.py): the section rules of each
document type, content.*, content.placeholder.

Each failing case edits one thing in a valid fixture and states every finding it
must produce, at its file line (see rules_support.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from conftest import rules_at
from rules_support import (
    DOC,
    DOCS,
    PLAN,
    PLAN_PATH,
    REVIEW,
    REVIEW_INPUTS_2018,
    REVIEW_PATH,
    Case,
    Doc,
    Findings,
    case,
    check_case,
    drop_section,
    edit,
    expected,
    h1,
    heading,
    line_of,
    plan_case,
    review_case,
    section_body,
    with_severity,
)

PLACEHOLDERS = {
    "tbd": "TBD",
    "todo": "TODO",
    "todo-short": "TODO: write it",
    "na-alone": "N/A",
    "lorem": "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
    "insert": "[insert known limitations here]",
    "describe": "<describe the known limitations>",
    "template": "{{ limitations }}",
    "empty": "",
}


def placeholder_cases() -> Iterator[Case]:
    for name, body in PLACEHOLDERS.items():
        text = section_body(PLAN, "Known limitations", body)
        yield plan_case(f"placeholder-{name}", text,
                        ("content.placeholder", heading(text, "Known limitations")))
    text = section_body(REVIEW, "Audit results", "TBD")
    yield review_case("placeholder-review-input", text,
                      ("content.placeholder", heading(text, "Audit results")))


# Dropping a section can make a second rule speak, on purpose.
CASCADES: dict[tuple[str, str], Callable[[str], set[tuple[str, int]]]] = {
    # without a governance section the plan names no chair of the management review
    ("valid_plan.md", "Roles and responsibilities"): lambda text: {
        ("plan.review-chair", h1(text))},
}


# The output the fixtures' actions do not show by their words (their titles speak of
# engineers, contracts and capacity, but none of improvement).
UNSHOWN_BY_ACTIONS = {"2018": ("review.output.improvement", "review.output.changes"),
                      "2011": ()}


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def section_cases() -> Iterator[Case]:
    """Each section of each valid document dropped in turn: its rules report at the H1."""
    for doc in DOCS:
        for title, rules in doc.sections.items():
            text = drop_section(doc.text, title)
            expect = {(rule, h1(text)) for rule in rules}
            expect |= CASCADES.get((doc.fixture, title), lambda _: set())(text)
            if title == "Decisions" and "management-review" in doc.text:
                # every decision now lives under actions:, so those are the review's outputs
                # (SEMANTICS.md 3), whatever their words
                expect = set()
            if not expect:
                continue  # nothing is missing: the actions record those decisions
            for profile in doc.profiles:
                yield case(f"missing-{profile}-{doc.fixture[6:-3]}-{slug(title)}",
                           {doc.path: text}, doc.path, *expect, profile=profile,
                           )


def content_case(case_id: str, doc: Doc, title: str, body: str, rule: str,
                 profile: str | None = None, line_needle: str | None = None,
                 marks: tuple[pytest.MarkDecorator, ...] = ()) -> Case:
    """The section exists but its content does not hold what the rule asks for."""
    text = section_body(doc.text, title, body)
    line = line_of(text, line_needle) if line_needle else heading(text, title)
    return case(case_id, {doc.path: text}, doc.path, (rule, line), profile=profile, marks=marks)


def content_cases() -> Iterator[Case]:
    plan = DOC["valid_plan.md"]
    text = section_body(PLAN, "Roles and responsibilities",
                        "| Role | Person |\n| --- | --- |\n| SMS manager | Jane Smith |")
    yield plan_case("plan-governance-no-responsibilities", text,
                    ("plan.governance", heading(text, "Roles and responsibilities")),
                    ("plan.review-chair", heading(text, "Roles and responsibilities")))
    text = edit(PLAN, " The SMS is audited internally once a year.", "")
    yield plan_case("plan-pdca-no-audit", text,
                    ("plan.pdca", heading(text, "Measurement, audit, reporting and improvement")))
    text = edit(PLAN, "continual improvement register", "improvement register")
    yield plan_case("plan-pdca-2011-no-pdca-term", text,
                    ("plan.pdca", heading(text, "Measurement, audit, reporting and improvement")),
                    profile="2011")
    text = edit(PLAN, "- Budget: the financial plan funds the SMS for two years.\n", "")
    yield plan_case("plan-resources-no-financial", text,
                    ("plan.resources", heading(text, "Resources")))
    # "document control" only in the timeline, outside the documentation section
    text = section_body(PLAN, "Documentation framework", "Documents live in the handbook.")
    text = edit(text, "2. Phase 2",
                "2. Phase 1b: document control and naming training.\n3. Phase 2")
    yield plan_case("plan-documentation-keyword-outside-section", text,
                    ("plan.documentation", heading(text, "Documentation framework")))
    yield content_case("plan-scope-no-service", plan, "Scope",
                       "The SMS covers the payroll bureau at all UK sites.", "plan.scope")
    yield content_case("plan-obligations-none-named", plan, "Obligations",
                       "The SMS manager keeps a register of obligations.", "plan.obligations")
    yield content_case("plan-objectives-no-target", plan, "Objectives",
                       "Keep customers happy and the services reliable.", "plan.objectives")
    text = edit(PLAN, "| survey score | KPI-07 |", "| survey score | high |")
    yield plan_case("plan-objectives-row-without-target", text,
                    ("plan.objectives", line_of(text, "| Satisfied customers |")))
    text = edit(PLAN, "2. Phase 2 (April to September 2026): processes live and internal audit.\n",
                "")
    yield plan_case("plan-timeline-one-phase", text, ("plan.timeline", heading(text, "Timeline")))
    review = DOC["valid_review.md"]
    yield content_case("review-conclusion-no-adequacy", review, "Conclusion",
                       "The SMS remains suitable and effective.", "review.conclusion")
    decisions = "The review decided to keep everything as it is."
    text = section_body(REVIEW, "Decisions", decisions)
    # the actions' own words show the resource decision (a second engineer), not the others
    yield review_case("review-outputs-unmet", text, *(
        (rule, heading(text, "Decisions")) for rule in UNSHOWN_BY_ACTIONS["2018"]))
    doc_2011 = DOC["valid_review_2011.md"]
    text = section_body(edit(edit(
        doc_2011.text, "Plan capacity for the second payroll bureau",
        "Publish the revised incident procedure"), "Capacity plan covers both bureaus",
        "The procedure is read by every analyst"), "Decisions", decisions)
    yield case("review-2011-output-resources-unmet", {doc_2011.path: text}, doc_2011.path,
               ("review.output.resources", heading(text, "Decisions")), profile="2011")
    # the types of the whole standard: one unmet content requirement each
    unmet = [
        ("valid_scope.md", "Services in scope", "Every service we run.", "scope.services"),
        ("valid_sm_policy.md", "Commitments", "We fulfil the service requirements.",
         "policy.commitments"),
        ("valid_sm_policy.md", "Framework for objectives", "Top management sets them yearly.",
         "policy.objectives-framework"),
        ("valid_risk_register.md", "Method",
         "Each risk is scored for likelihood and impact from 1 to 5.", "risk.method"),
        ("valid_risk_register.md", "Register",
         "| Risk | Treatment |\n| --- | --- |\n| Single hosting supplier | Mitigate |",
         "risk.entries"),
        ("valid_audit_programme.md", "Schedule", "- Change management in Q1 2026",
         "audit-programme.schedule"),
        ("valid_audit_programme.md", "Audit criteria", "Agreed with each process owner.",
         "audit-programme.criteria"),
        ("valid_audit_programme.md", "Auditors", "Auditors come from the quality team.",
         "audit-programme.impartiality"),
        ("valid_service_report.md", "Service performance", "Payroll ran smoothly all month.",
         "report.performance"),
        ("valid_improvement_register.md", "Opportunities", "- Automate password resets",
         "improvement.entries"),
        ("valid_change_policy.md", "Scope", "Everything the IT department runs.",
         "change-policy.scope"),
        ("valid_change_policy.md", "Change categories", "- Normal changes",
         "change-policy.categories"),
        ("valid_infosec_policy.md", "Obligations", "We keep information safe.",
         "infosec-policy.obligations"),
        ("valid_infosec_policy.md", "Controls", "Chosen by the security manager.",
         "infosec-policy.controls"),
        ("valid_continuity_plan.md", "Recovery", "Payroll is restored at the Leeds site.",
         "continuity.recovery"),
        ("valid_continuity_plan.md", "Contacts", "Call the continuity manager.",
         "continuity.contacts"),
        ("valid_availability.md", "Availability targets", "Payroll must be available in "
         "business hours.", "availability.targets"),
        ("valid_capacity_plan.md", "Capacity requirements", "Payroll runs use 40% of the "
         "batch window.", "capacity.requirements"),
        ("valid_capacity_plan.md", "Capacity actions", "We watch the batch window.",
         "capacity.actions"),
        ("valid_catalogue.md", "Services", "Payroll and the Service Desk.",
         "catalogue.services"),
        ("valid_sla.md", "Service level targets", "Payroll is highly available.",
         "sla.targets"),
        ("valid_supplier_contract.md", "Targets", "High availability with service credits.",
         "supplier.targets"),
        ("valid_configuration.md", "CI types", "Servers, applications and networks.",
         "config.ci-types"),
        ("valid_configuration.md", "Record contents",
         "Each CI record holds an identifier, its owner and its status.",
         "config.record-contents"),
        ("valid_service_requirements.md", "Service requirements",
         "Payroll pays everyone on time.", "requirements.services"),
        ("valid_records_register.md", "Register of records",
         "| Records | Where | Owner |\n| --- | --- | --- |\n| Incidents | Tool | Desk Lead |",
         "records-register.entries"),
    ]
    for name, title, body, rule in unmet:
        yield content_case(f"unmet-{rule}", DOC[name], title, body, rule)
    objectives = DOC["valid_objectives.md"]
    yield content_case(
        "unmet-objectives.measurable-row", objectives, "Objectives",
        "| Objective | Measure | Target |\n| --- | --- | --- |\n"
        "| Reliable payroll | monthly availability | 99.5% |\n"
        "| Happy users | survey | high |", "objectives.measurable",
        line_needle="| Happy users |")
    yield content_case("unmet-objectives.plan", objectives, "Plan",
                       "The SMS Manager is responsible for each objective.", "objectives.plan")


CASES: list[Case] = [*placeholder_cases(), *section_cases(), *content_cases()]


@pytest.mark.parametrize(
    "c", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_failing_fixture(c: Case, sms_repo: Findings) -> None:
    check_case(c, sms_repo(c.files, profile=c.profile, as_of=c.as_of))


def test_placeholder_not_for_na_with_a_reason(sms_repo: Findings) -> None:
    text = section_body(PLAN, "Known limitations",
                        "N/A \u2014 no suppliers are involved in this service")
    assert sms_repo({PLAN_PATH: text}) == []


def test_placeholder_not_for_short_real_content(sms_repo: Findings) -> None:
    text = section_body(PLAN, "Known limitations", "None known.")
    assert sms_repo({PLAN_PATH: text}) == []


def test_placeholder_reported_once_and_instead_of_the_content_rule(sms_repo: Findings) -> None:
    text = section_body(PLAN, "Resources", "TBD")  # plan.resources would be unmet too
    assert rules_at(sms_repo({PLAN_PATH: text})) == {
        ("content.placeholder", heading(text, "Resources"))}


def test_placeholder_comment_only_section_is_empty(sms_repo: Findings) -> None:
    text = section_body(PLAN, "Known limitations", "<!-- write the limitations here -->")
    findings = sms_repo({PLAN_PATH: text})
    assert rules_at(findings) == {("content.placeholder", heading(text, "Known limitations"))}
    assert "empty" in findings[0].message


def test_timeline_two_phases_pass_one_fails(sms_repo: Findings) -> None:
    assert sms_repo({PLAN_PATH: PLAN}) == []
    table = "| Phase | When |\n| --- | --- |\n| Gap analysis | Q1 2026 |\n| Go live | Q3 2026 |"
    assert sms_repo({PLAN_PATH: section_body(PLAN, "Timeline", table)}) == []


def test_timeline_subheadings_count_as_phases(sms_repo: Findings) -> None:
    body = "### Phase 1\n\nGap analysis in Q1.\n\n### Phase 2\n\nGo live in Q3."
    assert sms_repo({PLAN_PATH: section_body(PLAN, "Timeline", body)}) == []


def test_plan_resources_2011_does_not_need_financial(sms_repo: Findings) -> None:
    text = edit(PLAN, "- Budget: the financial plan funds the SMS for two years.\n", "")
    assert sms_repo({PLAN_PATH: text}, profile="2011") == []


def test_section_as_h3_counts(sms_repo: Findings) -> None:
    text = edit(REVIEW, "## Audit results", "### Audit results")
    assert sms_repo({REVIEW_PATH: text}) == []


def test_h4_counts_as_a_section(sms_repo: Findings) -> None:
    text = edit(REVIEW, "## Audit results", "#### Audit results")
    assert rules_at(sms_repo({REVIEW_PATH: text})) == set()


def test_h5_does_not_count_as_a_section(sms_repo: Findings) -> None:
    text = edit(REVIEW, "## Audit results", "##### Audit results")
    assert rules_at(sms_repo({REVIEW_PATH: text})) == {("review.input.audits", h1(text))}


def test_heading_inside_fenced_code_is_not_a_section(sms_repo: Findings) -> None:
    text = drop_section(REVIEW, "Audit results") + "\n```\n## Audit results\n\nAll fine.\n```\n"
    assert rules_at(sms_repo({REVIEW_PATH: text})) == {("review.input.audits", h1(text))}


def test_review_with_no_headings_reports_missing_inputs_at_body_start(sms_repo: Findings) -> None:
    front = REVIEW[: REVIEW.index("# Management review")]
    text = front + "The review discussed everything.\n"
    findings = sms_repo({REVIEW_PATH: text})
    body_line = front.count("\n") + 1
    # the decisions all live under actions: - the outputs are there (SEMANTICS.md 3)
    assert rules_at(findings) == {
        (rule, body_line) for rule in (*REVIEW_INPUTS_2018, "review.conclusion")}


def test_autolink_is_not_a_placeholder(sms_repo: Findings) -> None:
    text = section_body(PLAN, "Known limitations", "Listed in <https://wiki.example.com/limits>.")
    assert sms_repo({PLAN_PATH: text}) == []


def test_objective_row_number_in_the_first_column_does_not_count(sms_repo: Findings) -> None:
    """The first cell names the objective; its target must be in another cell."""
    text = edit(PLAN, "| Satisfied customers | survey score | KPI-07 |",
                "| Objective 3 | survey score | high |")
    assert with_severity(sms_repo({PLAN_PATH: text})) == expected(
        ("plan.objectives", line_of(text, "| Objective 3 |")))


def test_objective_row_message_names_the_objective(sms_repo: Findings) -> None:
    text = edit(PLAN, "| survey score | KPI-07 |", "| survey score | high |")
    (finding,) = sms_repo({PLAN_PATH: text})
    assert "Satisfied customers" in finding.message
