"""Every rule of the pack, one failing and one passing fixture each, at the exact file line.

The base documents are complete and valid (tests/fixtures/rules/valid_*.md, one per record
type; together they are a complete SMS with no finding at all). Each failing case edits ONE
thing in a copy of them and states the complete set of (rule, line) findings the run must
produce, so a case fails on a missing finding, a wrong line, and on any extra finding the
edit should not have caused. coverage.gap is left out of those sets (a repository of one or
two files cannot cover the standard) and tested on the complete set.

Defects found in the checker keep a regression test each, in the section "fixed defects"
near the end of the file.
"""

from __future__ import annotations

import datetime as dt
import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import AS_OF, PROFILE_RULES, SEVERITY, rules_at, write_files
from mkdocs.utils.meta import get_data
from smsdocs.checks import sections as sections_check
from smsdocs.core import config as config_mod
from smsdocs.core import frontmatter, rulepack
from smsdocs.core.findings import Finding, Severity
from smsdocs.validate import validate

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
PACK_DIR = rulepack.PACKS_DIR / "iso20000-1-2018"
HAS_CATALOGUE = (PACK_DIR / "clauses.yaml").exists()


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def with_severity(findings: list[Finding]) -> set[tuple[str, int, str]]:
    """The (rule, line, severity) triples of the findings."""
    return {(f.rule, f.line, f.severity.value) for f in findings}


def expected(*pairs: tuple[str, int]) -> set[tuple[str, int, str]]:
    """(rule, line) pairs with the severity the table gives each rule."""
    return {(rule, line, SEVERITY[rule]) for rule, line in pairs}


REVIEW = fixture("valid_review.md")
REVIEW_2011 = fixture("valid_review_2011.md")
PLAN = fixture("valid_plan.md")
NC = fixture("valid_nc.md")

REVIEW_PATH = "records/reviews/mr-2026-02.md"
REVIEW_2011_PATH = "records/reviews/mr-2011-01.md"
PLAN_PATH = "docs/plan.md"
NC_PATH = "records/nc/nc-001.md"

Findings = Callable[..., list[Finding]]


# ---------------------------------------------------------------- helpers


GAP = "coverage.gap"


_PACKS: dict[tuple[str, str | None, str], rulepack.RulePack] = {}


def run_checker(root: Path, profile: str | None, as_of: dt.date) -> list[Finding]:
    """What conftest.check_tree does (the real validator), with each configured pack loaded
    once: loading the pack is most of the cost of a small run."""
    config = config_mod.load(root)
    key = (config.pack, profile or config.profile, repr(config.overrides))
    if key not in _PACKS:
        _PACKS[key] = config.rule_pack(profile)
    return validate(root, config, _PACKS[key], as_of).findings


@pytest.fixture
def sms_repo(tmp_path: Path) -> Findings:
    """conftest's sms_repo without coverage.gap findings: a repository of a few files cannot
    cover the standard (coverage.gap has its own tests, over the complete fixture set)."""
    def make(files: dict[str, str], profile: str | None = None,
             as_of: dt.date = AS_OF) -> list[Finding]:
        write_files(tmp_path, files)
        return [f for f in run_checker(tmp_path, profile, as_of) if f.rule != GAP]
    return make


@pytest.fixture
def all_findings(tmp_path: Path) -> Findings:
    """Every finding, coverage.gap included (for the coverage tests)."""
    def make(files: dict[str, str], profile: str | None = None,
             as_of: dt.date = AS_OF) -> list[Finding]:
        return run_checker(write_files(tmp_path, files), profile, as_of)
    return make


def edit(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of old (a fixture edit must be unambiguous)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str, exact: bool = False) -> int:
    """The 1-based line of the only line that contains (or equals) needle."""
    hits = [number for number, line in enumerate(text.split("\n"), 1)
            if (line == needle if exact else needle in line)]
    assert len(hits) == 1, f"{needle!r} is on lines {hits}"
    return hits[0]


def drop_section(text: str, heading: str) -> str:
    """Remove an H2 section (heading and content) from a document."""
    start = text.index(f"\n## {heading}\n") + 1
    following = text.find("\n## ", start)
    return text[:start] + (text[following + 1 :] if following != -1 else "")


def section_body(text: str, heading: str, new_body: str) -> str:
    """Replace the content of an H2 section, keeping its heading."""
    start = text.index(f"\n## {heading}\n") + len(f"\n## {heading}\n")
    following = text.find("\n## ", start)
    rest = text[following:] if following != -1 else "\n"
    return text[:start] + "\n" + new_body.rstrip("\n") + "\n" + rest


def h1(text: str) -> int:
    """The line of the document's first heading (where a missing section is reported)."""
    return next(n for n, line in enumerate(text.split("\n"), 1) if line.startswith("# "))


def heading(text: str, title: str) -> int:
    return line_of(text, f"## {title}", exact=True)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the body runs longer than seconds."""
    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)



# ---------------------------------------------------------------- the failing cases


@dataclass(frozen=True)
class Case:
    """One edit of a valid base and the complete set of findings it must produce."""

    id: str
    files: dict[str, str]
    expect: frozenset[tuple[str, int]]
    file: str = ""  # the file the expected findings are in (all of them, in every case)
    profile: str | None = None
    as_of: dt.date = AS_OF
    marks: tuple[pytest.MarkDecorator, ...] = field(default=())

    @property
    def rules(self) -> set[str]:
        return {rule for rule, _ in self.expect}


def case(case_id: str, files: dict[str, str], file: str, *expect: tuple[str, int],
         profile: str | None = None, as_of: dt.date = AS_OF,
         marks: tuple[pytest.MarkDecorator, ...] = ()) -> Case:
    return Case(case_id, files, frozenset(expect), file, profile, as_of, marks)


def nc_case(case_id: str, text: str, *expect: tuple[str, int], **kw: object) -> Case:
    return case(case_id, {NC_PATH: text}, NC_PATH, *expect, **kw)  # type: ignore[arg-type]


def plan_case(case_id: str, text: str, *expect: tuple[str, int], **kw: object) -> Case:
    return case(case_id, {PLAN_PATH: text}, PLAN_PATH, *expect, **kw)  # type: ignore[arg-type]


def review_case(case_id: str, text: str, *expect: tuple[str, int], **kw: object) -> Case:
    return case(case_id, {REVIEW_PATH: text}, REVIEW_PATH, *expect,  # type: ignore[arg-type]
                **kw)


def with_nc(review: str) -> dict[str, str]:
    return {REVIEW_PATH: review, NC_PATH: NC}


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


REVIEW_INPUTS_2018 = {
    "review.input.previous-actions": "Status of actions from previous reviews",
    "review.input.context-changes": "Changes in external and internal issues",
    "review.input.nonconformities": "Nonconformities and corrective actions",
    "review.input.monitoring": "Monitoring and measurement results",
    "review.input.audits": "Audit results",
    "review.input.improvement-opportunities": "Opportunities for improvement",
    "review.input.feedback": "Customer feedback",
    "review.input.policies": "Policies",
    "review.input.objectives": "Objectives",
    "review.input.service-performance": "Service performance",
    "review.input.other-parties": "Performance of other parties",
    "review.input.resources": "Resources",
    "review.input.risks": "Risks and opportunities",
}
REVIEW_INPUTS_2011 = {
    "review.input.previous-actions": "Status of actions from previous reviews",
    "review.input.service-performance": "Service performance",
    "review.input.audit-results": "Audit results",
    "review.input.capa-followup": "Corrective and preventive actions",
    "review.input.resource-requirements": "Resource requirements",
    "review.input.sms-status": "SMS status",
    "review.input.customer-satisfaction": "Customer satisfaction",
    "review.input.new-services": "New or changed services",
    "review.input.risks-opportunities": "Risks and opportunities",
}
PLAN_SECTIONS = {
    "plan.scope": "Scope",
    "plan.objectives": "Objectives",
    "plan.governance": "Roles and responsibilities",
    "plan.pdca": "Measurement, audit, reporting and improvement",
    "plan.resources": "Resources",
    "plan.documentation": "Documentation framework",
    "plan.timeline": "Timeline",
    "plan.obligations": "Obligations",
    "plan.limitations": "Known limitations",
    "plan.other-parties": "Suppliers and other parties",
    "plan.technology": "Technology",
}


@dataclass(frozen=True)
class Doc:
    """A valid fixture document, where it lives, and which section satisfies which rules."""

    fixture: str
    path: str
    sections: dict[str, tuple[str, ...]]  # H2 title -> the section rules it satisfies
    profiles: tuple[str, ...] = ("2018", "2011")

    @property
    def text(self) -> str:
        return fixture(self.fixture)


def _by_heading(rules: dict[str, str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for rule, title in rules.items():
        out[title] = (*out.get(title, ()), rule)
    return out


OUTPUTS_2018 = ("review.output.improvement", "review.output.changes", "review.output.resources")
DOCS = [
    Doc("valid_review.md", REVIEW_PATH, {
        **_by_heading(REVIEW_INPUTS_2018), "Decisions": OUTPUTS_2018,
        "Conclusion": ("review.conclusion",)}, profiles=("2018",)),
    Doc("valid_review_2011.md", REVIEW_2011_PATH, {
        **_by_heading(REVIEW_INPUTS_2011), "Decisions": ("review.output.resources",),
        "Conclusion": ("review.conclusion",)}, profiles=("2011",)),
    Doc("valid_plan.md", PLAN_PATH, _by_heading(PLAN_SECTIONS)),
    Doc("valid_nc.md", NC_PATH, {
        "Description": ("nc.description",), "Cause analysis": ("nc.cause",),
        "Correction": ("nc.correction",), "Corrective action": ("nc.corrective-action",),
        "Effectiveness review": ("nc.effectiveness",)}),
    Doc("valid_scope.md", "docs/scope.md", {
        "Services in scope": ("scope.services",), "Organisation": ("scope.organisation",)}),
    Doc("valid_sm_policy.md", "docs/policies/sm-policy.md", {
        "Commitments": ("policy.commitments",),
        "Framework for objectives": ("policy.objectives-framework",),
        "Communication": ("policy.communication",)}),
    Doc("valid_objectives.md", "docs/objectives.md", {
        "Objectives": ("objectives.measurable",), "Plan": ("objectives.plan",)}),
    Doc("valid_risk_register.md", "docs/risks.md", {
        "Method": ("risk.method",), "Register": ("risk.entries",)}),
    Doc("valid_audit_programme.md", "docs/audit-programme.md", {
        "Schedule": ("audit-programme.schedule",), "Audit criteria": ("audit-programme.criteria",),
        "Auditors": ("audit-programme.impartiality",)}),
    Doc("valid_internal_audit.md", "records/audits/ia-2026-01.md", {
        "Audit scope": ("audit.scope",), "Findings": ("audit.findings",)}),
    Doc("valid_service_report.md", "records/reports/sr-2026-10.md", {
        "Service performance": ("report.performance",), "Trends": ("report.trends",)}),
    Doc("valid_improvement_register.md", "docs/improvements.md", {
        "Opportunities": ("improvement.entries",)}),
    Doc("valid_change_policy.md", "docs/policies/change-policy.md", {
        "Scope": ("change-policy.scope",), "Change categories": ("change-policy.categories",),
        "Major impact": ("change-policy.major-impact",),
        "Communication": ("policy.communication",)}),
    Doc("valid_infosec_policy.md", "docs/policies/infosec-policy.md", {
        "Obligations": ("infosec-policy.obligations",), "Controls": ("infosec-policy.controls",),
        "Communication": ("policy.communication",)}),
    Doc("valid_continuity_plan.md", "docs/continuity.md", {
        "Recovery": ("continuity.recovery",), "Contacts": ("continuity.contacts",),
        "Testing": ("continuity.testing",)}),
    Doc("valid_availability.md", "docs/availability.md", {
        "Availability targets": ("availability.targets",),
        "Monitoring": ("availability.monitoring",)}),
    Doc("valid_capacity_plan.md", "docs/capacity.md", {
        "Capacity requirements": ("capacity.requirements",),
        "Capacity actions": ("capacity.actions",)}),
    Doc("valid_catalogue.md", "docs/catalogue.md", {
        "Services": ("catalogue.services",), "Dependencies": ("catalogue.dependencies",)}),
    Doc("valid_sla.md", "docs/sla/payroll.md", {
        "Service level targets": ("sla.targets",), "Workload limits": ("sla.workload",)}),
    Doc("valid_supplier_contract.md", "docs/suppliers/hosting.md", {
        "Scope of supply": ("supplier.scope",), "Targets": ("supplier.targets",)}),
    Doc("valid_internal_agreement.md", "docs/suppliers/network-ola.md", {
        "Scope of supply": ("supplier.scope",), "Targets": ("supplier.targets",)}),
    Doc("valid_configuration.md", "docs/configuration.md", {
        "CI types": ("config.ci-types",), "Record contents": ("config.record-contents",)}),
    Doc("valid_service_requirements.md", "docs/requirements.md", {
        "Service requirements": ("requirements.services",)}),
    Doc("valid_records_register.md", "docs/records-register.md", {
        "Register of records": ("records-register.entries",)}),
    Doc("valid_procedure.md", "docs/procedures/major-incident.md", {
        "Steps": ("procedure.steps",)}),
]
DOC = {d.fixture: d for d in DOCS}
# The second review follows up the first one's decisions (review.previous-actions).
NEXT_REVIEW = fixture("valid_review_next.md")
NEXT_REVIEW_PATH = "records/reviews/mr-2026-03.md"

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
                # decisions are also read from actions: only what no action shows is missing
                expect = {(rule, line_of(text, "actions:"))
                          for rule in UNSHOWN_BY_ACTIONS[doc.profiles[0]]}
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


def crossrecord_cases() -> Iterator[Case]:
    text = NC[: NC.index("actions:\n")] + NC[NC.index("---\n# Emergency"):]
    yield nc_case("nc-action-none", text, ("nc.action", 3))
    text = edit(NC, '    clauses: ["8.5.1.3"]\n', "")
    yield nc_case("action-clause-none", text, ("action.clause", line_of(text, "- id: CA-001")))
    text = edit(NC, '    evidence: ["Change CHG-2041 in the service desk tool"]\n', "")
    yield nc_case("action-evidence-none", text,
                  ("action.evidence", line_of(text, "    status: done")))
    text = edit(NC, 'evidence: ["Change CHG-2041 in the service desk tool"]',
                'evidence: ["NC-001"]')
    yield nc_case("action-evidence-only-itself", text,
                  ("action.evidence", line_of(text, "evidence:")))
    text = edit(PLAN, "accountable for the SMS; chairs the management review",
                "accountable for the SMS and approves this plan")
    yield plan_case("plan-review-chair", text,
                    ("plan.review-chair", heading(text, "Roles and responsibilities")))
    text = edit(PLAN, "approved_by: Managing Director\n", "")
    yield plan_case("doc-approval-no-approver", text, ("doc.approval", line_of(text, "status:")))
    text = edit(DOC["valid_sla.md"].text, "approved_on: 2026-03-01\n", "")
    yield case("doc-approval-no-date", {DOC["valid_sla.md"].path: text}, DOC["valid_sla.md"].path,
               ("doc.approval", line_of(text, "status:")))
    text = edit(PLAN, "next_review: 2027-03-01", "next_review: 2026-10-01")
    yield plan_case("doc-review-due", text, ("doc.review-due", line_of(text, "next_review:")))
    text = edit(PLAN, "approved_on: 2026-03-01", "approved_on: 2025-06-01")
    yield plan_case("plan-annual-review", text,
                    ("plan.annual-review", line_of(text, "approved_on:")))


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


CASES: list[Case] = [
    *front_matter_cases(), *field_cases(), *duplicate_cases(), *reference_cases(),
    *heading_cases(), *placeholder_cases(), *section_cases(), *content_cases(),
    *action_cases(), *crossrecord_cases(), *review_loop_cases(),
]


@pytest.mark.parametrize(
    "c", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_failing_fixture(c: Case, sms_repo: Findings) -> None:
    findings = sms_repo(c.files, profile=c.profile, as_of=c.as_of)
    assert rules_at(findings) == set(c.expect), [str(f) for f in findings]
    assert with_severity(findings) == expected(*c.expect)
    assert {f.file for f in findings} == {c.file}
    assert not [f for f in findings if "{" in f.message or "{" in f.hint], \
        "a message placeholder was left unfilled"


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------- the passing fixtures


def complete_sms(profile: str) -> dict[str, str]:
    """Every valid fixture of a profile: a complete SMS that covers every required item."""
    files = {d.path: d.text for d in DOCS
             if profile in d.profiles and d.fixture != "valid_objectives.md"}
    if profile == "2018":
        files[NEXT_REVIEW_PATH] = NEXT_REVIEW
    return files


@pytest.mark.parametrize("profile", ["2018", "2011"])
def test_valid_fixtures_have_no_findings(profile: str, all_findings: Findings) -> None:
    # the objectives are provided by the plan here (see test_objectives_fixture_is_clean)
    assert all_findings(complete_sms(profile), profile=profile) == []


@pytest.mark.parametrize("doc,profile", [
    pytest.param(d, p, id=f"{d.fixture}-{p}")
    for d in DOCS for p in d.profiles])
def test_each_valid_fixture_alone_is_clean(doc: Doc, profile: str, sms_repo: Findings) -> None:
    assert sms_repo({doc.path: doc.text}, profile=profile) == []


def test_second_review_follows_up_the_first(sms_repo: Findings) -> None:
    assert sms_repo(with_first_review(NEXT_REVIEW)) == []


def test_objectives_fixture_is_clean(sms_repo: Findings) -> None:
    doc = DOC["valid_objectives.md"]
    assert sms_repo({doc.path: doc.text}) == []


def test_coverage_gap_for_a_missing_document(all_findings: Findings) -> None:
    files = complete_sms("2018")
    del files[DOC["valid_sla.md"].path]
    findings = all_findings(files)
    # A gap belongs to the repository: reported at smsdocs.yml, never on the plan.
    assert with_severity(findings) == expected((GAP, 1))
    assert {f.file for f in findings} == {"smsdocs.yml"}
    assert "service-level-agreements" in findings[0].hint
    assert "`smsdocs new sla`" in findings[0].hint
    assert findings[0].severity is Severity.WARNING
    assert "justified" not in findings[0].message  # no justification given


def test_coverage_gap_for_a_retired_document(all_findings: Findings) -> None:
    files = complete_sms("2018")
    sla = DOC["valid_sla.md"]
    files[sla.path] = edit(sla.text, "status: approved", "status: retired")
    assert {(f.rule, f.file, f.line) for f in all_findings(files)} == {(GAP, "smsdocs.yml", 1)}


def test_coverage_gap_closed_by_provides_in_front_matter(all_findings: Findings) -> None:
    files = complete_sms("2018")
    del files[DOC["valid_sla.md"].path]
    files[PLAN_PATH] = edit(PLAN, "provides: [service-management-objectives]",
                            "provides: [service-management-objectives, service-level-agreements]")
    assert all_findings(files) == []


def test_coverage_gap_anchor_without_a_plan(all_findings: Findings) -> None:
    findings = all_findings({NC_PATH: NC})
    assert findings and {(f.rule, f.file, f.line) for f in findings} == {
        (GAP, "smsdocs.yml", 1)}


def test_coverage_gap_silent_without_records(all_findings: Findings) -> None:
    assert all_findings({"docs/index.md": "# Handbook\n\nWelcome.\n"}) == []


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
    assert rules_at(findings) == {
        *((rule, body_line) for rule in (*REVIEW_INPUTS_2018, "review.conclusion")),
        *((rule, line_of(text, "actions:")) for rule in UNSHOWN_BY_ACTIONS["2018"])}


# ---------------------------------------------------------------- references


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


# ---------------------------------------------------------------- headings


def test_heading_portable_quiet_inside_fenced_code(sms_repo: Findings) -> None:
    text = NC + "\n```bash\n#!/bin/sh\n#Scope of the script\n   ## not a heading\n```\n"
    assert sms_repo({NC_PATH: text}) == []


def test_heading_portable_quiet_for_shebang_and_proper_headings(sms_repo: Findings) -> None:
    text = NC + "\n#!not a heading\n\n## Follow-up\n\nNothing else.\n"
    assert sms_repo({NC_PATH: text}) == []


def test_heading_portable_on_ordinary_pages(sms_repo: Findings) -> None:
    assert rules_at(sms_repo({"docs/index.md": "# Handbook\n\n#Scope\n"})) == {
        ("heading.portable", 3)}


# ---------------------------------------------------------------- actions and as-of


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


def test_review_decisions_missing_key(sms_repo: Findings) -> None:
    text = drop_section(REVIEW[: REVIEW.index("actions:\n")]
                        + REVIEW[REVIEW.index("---\n# Management"):], "Decisions")
    assert rules_at(sms_repo({REVIEW_PATH: text})) == {("review.decisions.none", 3)}


# ---------------------------------------------------------------- profiles


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


# ---------------------------------------------------------------- config overrides


def test_config_disables_a_rule(sms_repo: Findings) -> None:
    text = drop_section(PLAN, "Known limitations")
    assert rules_at(sms_repo({PLAN_PATH: text})) == {("plan.limitations", h1(text))}
    config = "rules:\n  plan.limitations:\n    enabled: false\n"
    assert sms_repo({PLAN_PATH: text, "smsdocs.yml": config}) == []


def test_config_changes_severity(sms_repo: Findings) -> None:
    text = drop_section(PLAN, "Known limitations")
    config = "rules:\n  plan.limitations:\n    severity: error\n"
    (finding,) = sms_repo({PLAN_PATH: text, "smsdocs.yml": config})
    assert finding.severity is Severity.ERROR


def test_config_add_aliases(sms_repo: Findings) -> None:
    text = edit(PLAN, "## Scope\n", "## Coverage\n")
    assert rules_at(sms_repo({PLAN_PATH: text})) == {("plan.scope", h1(text))}
    config = "rules:\n  plan.scope:\n    add_aliases: [coverage]\n"
    assert sms_repo({PLAN_PATH: text, "smsdocs.yml": config}) == []


def test_config_add_keywords(sms_repo: Findings) -> None:
    text = section_body(PLAN, "Documentation framework", "Documents live in the handbook wiki.")
    line = heading(text, "Documentation framework")
    assert rules_at(sms_repo({PLAN_PATH: text})) == {("plan.documentation", line)}
    config = "rules:\n  plan.documentation:\n    add_keywords: [handbook wiki]\n"
    assert sms_repo({PLAN_PATH: text, "smsdocs.yml": config}) == []


MATRIX_CONFIG = """\
types:
  org-escalation-matrix:
    title: Risk register
    kind: document
    clauses: ["6.1"]
    id_prefix: RR
    required: [title, owner, status]
rules:
  org.escalation-matrix.treatment:
    check: section
    severity: error
    clause: "6.1"
    applies_to: [org-escalation-matrix]
    description: The risk register says how each risk is treated.
    message: the risk register has no treatment section
    hint: Add '## Treatment'.
    section:
      aliases: [treatment, risk treatment]
      any_of: [accept, mitigat, transfer, avoid]
"""
MATRIX = """\
---
id: RR-001
type: org-escalation-matrix
title: Risk register
owner: Risk Manager
status: draft
---
# Risk register

## Risks

Supplier concentration on one hosting provider.
"""


def test_config_new_rule_for_new_type(sms_repo: Findings) -> None:
    files = {"docs/escalation.md": MATRIX, "smsdocs.yml": MATRIX_CONFIG}
    findings = sms_repo(files)
    assert rules_at(findings) == {("org.escalation-matrix.treatment", h1(MATRIX))}
    assert findings[0].message == "the risk register has no treatment section"
    treated = MATRIX + "\n## Treatment\n\nWe mitigate it with a second provider.\n"
    assert sms_repo({"docs/escalation.md": treated, "smsdocs.yml": MATRIX_CONFIG}) == []
    untreated = MATRIX + "\n## Treatment\n\nWe watch it closely.\n"
    assert rules_at(sms_repo({"docs/escalation.md": untreated, "smsdocs.yml": MATRIX_CONFIG})) == {
        ("org.escalation-matrix.treatment", heading(untreated, "Treatment"))}


def test_without_config_the_new_type_is_unknown(sms_repo: Findings) -> None:
    assert rules_at(sms_repo({"docs/escalation.md": MATRIX})) == {("record.type-unknown", 3)}


# ---------------------------------------------------------------- check.crashed


def test_a_crashing_check_is_reported_and_other_files_still_checked(
        sms_repo: Findings, monkeypatch: pytest.MonkeyPatch) -> None:
    real = sections_check.check_record

    def explode(ctx: object, record: object) -> None:
        if getattr(record, "path", "") == PLAN_PATH:
            raise RuntimeError("boom")
        real(ctx, record)  # type: ignore[arg-type]

    monkeypatch.setattr(sections_check, "check_record", explode)
    review = drop_section(REVIEW, "Audit results")
    findings = sms_repo({PLAN_PATH: PLAN, REVIEW_PATH: review})
    assert with_severity(findings) == expected(("check.crashed", 1),
                                               ("review.input.audits", h1(review)))
    crashed = next(f for f in findings if f.rule == "check.crashed")
    assert crashed.file == PLAN_PATH and "RuntimeError: boom" in crashed.message


def test_valid_fixtures_never_crash(sms_repo: Findings) -> None:
    assert "check.crashed" not in {f.rule for f in sms_repo(complete_sms("2018"))}


# ---------------------------------------------------------------- MkDocs agreement


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


# ---------------------------------------------------------------- fixed defects (regressions)


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


@pytest.mark.parametrize("wrapped", ["the `change\nlog`", "the ![change\nlog](log.png)",
                                     "the <span\nclass=x>log</span>"])
def test_ref_unknown_line_after_a_wrapped_code_span(wrapped: str, sms_repo: Findings) -> None:
    text = edit(REVIEW, "Its corrective action is closed",
                f"See {wrapped} and NC-077. Its corrective action is closed")
    assert rules_at(sms_repo(with_nc(text)), REVIEW_PATH) == {
        ("ref.unknown", line_of(text, "NC-077"))}


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


def test_ref_unknown_line_after_many_short_lines(sms_repo: Findings) -> None:
    """Each prose fragment is placed back on its own line, however many come before (ZZ- is
    no known family, so those ids are quiet; they only make prose fragments)."""
    items = "".join(f"- ZZ-{n} ok\n" for n in range(12))
    text = REVIEW + f"\n## Notes\n\n{items}- see NC-077\n- ZZ-99 done\n"
    assert rules_at(sms_repo(with_nc(text)), REVIEW_PATH) == {
        ("ref.unknown", line_of(text, "- see NC-077"))}


def test_unknown_type_gives_no_second_status_error(sms_repo: Findings) -> None:
    text = edit(NC, "type: nonconformity", "type: non-conformity")
    assert rules_at(sms_repo({NC_PATH: text})) == {("record.type-unknown", 3)}


def test_autolink_is_not_a_placeholder(sms_repo: Findings) -> None:
    text = section_body(PLAN, "Known limitations", "Listed in <https://wiki.example.com/limits>.")
    assert sms_repo({PLAN_PATH: text}) == []


def test_heading_portable_quiet_inside_html_comment(sms_repo: Findings) -> None:
    text = NC + "\n<!--\n#TODO add the root cause diagram\n-->\n"
    assert sms_repo({NC_PATH: text}) == []


def test_objective_row_number_in_the_first_column_does_not_count(sms_repo: Findings) -> None:
    """The first cell names the objective; its target must be in another cell."""
    text = edit(PLAN, "| Satisfied customers | survey score | KPI-07 |",
                "| Objective 3 | survey score | high |")
    assert with_severity(sms_repo({PLAN_PATH: text})) == expected(
        ("plan.objectives", line_of(text, "| Objective 3 |")))


def test_follow_up_runs_with_the_discussion_loop_disabled(sms_repo: Findings) -> None:
    case_ = next(c for c in CASES if c.id == "previous-actions-not-followed-up")
    config = "rules:\n  review.discussion-loop:\n    enabled: false\n"
    assert rules_at(sms_repo({**case_.files, "smsdocs.yml": config})) == set(case_.expect)


def test_objective_row_message_names_the_objective(sms_repo: Findings) -> None:
    text = edit(PLAN, "| survey score | KPI-07 |", "| survey score | high |")
    (finding,) = sms_repo({PLAN_PATH: text})
    assert "Satisfied customers" in finding.message


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


def test_config_tuning_a_rule_of_the_other_profile(sms_repo: Findings) -> None:
    config = "rules:\n  review.input.context-changes:\n    enabled: false\n"
    assert sms_repo({PLAN_PATH: PLAN, "smsdocs.yml": config}, profile="2011") == []


@pytest.mark.parametrize("config,old,new", [
    ("rules:\n  plan.pdca:\n    add_keywords: [kaizen]\n",
     "continual improvement register", "kaizen register"),
    ("rules:\n  plan.resources:\n    aliases: [capacity plan]\n",
     "## Resources\n", "## Capacity plan\n"),
])
def test_config_overrides_apply_to_2011_variants(config: str, old: str, new: str,
                                                 sms_repo: Findings) -> None:
    text = edit(PLAN, old, new)
    assert sms_repo({PLAN_PATH: text, "smsdocs.yml": config}, profile="2011") == []


def test_config_section_rule_without_applies_to_runs(sms_repo: Findings) -> None:
    config = ("rules:\n  org.ownership:\n    check: section\n    severity: error\n"
              "    clause: '7.5'\n    message: no ownership section\n"
              "    section:\n      aliases: [ownership]\n")
    findings = sms_repo({PLAN_PATH: PLAN, "smsdocs.yml": config})
    assert rules_at(findings) == {("org.ownership", h1(PLAN))}


# ---------------------------------------------------------------- date boundaries
# Every date rule the day before, the day of and the day after its boundary.

DAY = dt.timedelta(days=1)


def _days(when: dt.date) -> list[tuple[str, dt.date]]:
    return [("before", when - DAY), ("of", when), ("after", when + DAY)]


@pytest.mark.parametrize("offset,fires", [("before", False), ("of", False), ("after", True)])
def test_doc_review_due_boundary(offset: str, fires: bool, sms_repo: Findings) -> None:
    """Due on 2026-12-01: not late that day, late from the next."""
    text = edit(PLAN, "next_review: 2027-03-01", "next_review: 2026-12-01")
    as_of = dict(_days(dt.date(2026, 12, 1)))[offset]
    want = {("doc.review-due", line_of(text, "next_review:"))} if fires else set()
    assert with_severity(sms_repo({PLAN_PATH: text}, as_of=as_of)) == expected(*want)


@pytest.mark.parametrize("offset,fires", [("before", False), ("of", False), ("after", True)])
def test_action_overdue_boundary(offset: str, fires: bool, sms_repo: Findings) -> None:
    """Target 2026-09-30: due that day, overdue from the next."""
    text = edit(NC, "status: done\n    closed_on: 2026-09-20\n", "status: open\n")
    text = edit(text, "status: closed", "status: open")
    as_of = dict(_days(dt.date(2026, 9, 30)))[offset]
    want = {("action.overdue", line_of(text, "target_date:"))} if fires else set()
    assert with_severity(sms_repo({NC_PATH: text}, as_of=as_of)) == expected(*want)


@pytest.mark.parametrize("key", ["approved_on", "last_reviewed"])
@pytest.mark.parametrize("offset,fires", [("before", False), ("of", False), ("after", True)])
def test_plan_annual_review_boundary(key: str, offset: str, fires: bool,
                                     sms_repo: Findings) -> None:
    """Reviewed on 2026-03-01: within 12 months up to 2027-03-01 (365 days), late after."""
    text = edit(PLAN, "next_review: 2027-03-01", "next_review: 2027-06-01")
    if key == "last_reviewed":
        text = edit(text, "approved_on: 2026-03-01", "approved_on: 2025-06-01\n"
                                                     "last_reviewed: 2026-03-01")
    as_of = dict(_days(dt.date(2027, 3, 1)))[offset]
    want = {("plan.annual-review", line_of(text, f"{key}: 2026-03-01"))} if fires else set()
    assert with_severity(sms_repo({PLAN_PATH: text}, as_of=as_of)) == expected(*want)


@pytest.mark.parametrize("offset,fires", [("before", True), ("of", False), ("after", False)])
def test_action_target_date_against_the_record_date(offset: str, fires: bool,
                                                    sms_repo: Findings) -> None:
    """A corrective action may be due on the day the nonconformity was raised, not before."""
    target = dict(_days(dt.date(2026, 8, 4)))[offset]
    text = edit(NC, "target_date: 2026-09-30", f"target_date: {target}")
    want = {("action.target-date", line_of(text, "target_date:"))} if fires else set()
    assert with_severity(sms_repo({NC_PATH: text})) == expected(*want)


@pytest.mark.parametrize("offset,fires", [("before", True), ("of", False), ("after", False)])
def test_review_decision_target_date_against_the_review_date(offset: str, fires: bool,
                                                             sms_repo: Findings) -> None:
    """A decision may be due on the day of the review, not before (checked on that day, when
    a decision due the day before is overdue as well)."""
    target = dict(_days(dt.date(2026, 10, 15)))[offset]
    text = edit(REVIEW, "target_date: 2027-01-31", f"target_date: {target}")
    line = line_of(text, f"target_date: {target}")
    want = {("review.decision.target-date", line), ("action.overdue", line)} if fires else set()
    found = sms_repo({REVIEW_PATH: text}, as_of=dt.date(2026, 10, 15))
    assert with_severity(found) == expected(*want)


# ---------------------------------------------------------------- the model


def test_count_by_severity() -> None:
    from smsdocs.core.findings import count

    def finding(severity: Severity) -> Finding:
        return Finding(severity=severity, rule="x.y", file="f.md", line=1, message="m")
    findings = [finding(Severity.ERROR), finding(Severity.WARNING), finding(Severity.WARNING)]
    assert (count(findings, Severity.ERROR), count(findings, Severity.WARNING)) == (1, 2)


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


def test_config_yaml_error_line_is_the_file_line() -> None:
    assert frontmatter.parse_yaml("pack: x\nrules: [a\n").error_line == 2


# ---------------------------------------------------------------- coverage of the pack


# rule id -> the tests that hold its failing fixture, besides the CASES table above; a test
# in another file is named 'file.py::test_name' (document control needs real git history,
# which tests/test_git_review.py builds; each of those asserts the rule id and the line).
OTHER_FAILING_TESTS: dict[str, list[str]] = {
    "audience.unclassified": ["test_security.py::test_markdown_suffix_is_left_out_and_reported"],
    "path.outside": ["test_security.py::test_symlink_out_of_the_repository_is_never_followed"],
    "path.special": ["test_security.py::test_fifo_is_skipped_with_a_finding"],
    "file.unreadable": ["test_security.py::test_unreadable_file_is_reported_as_unreadable"],
    "file.too-large": ["test_security.py::test_50_mb_body_is_reported_within_1_gib"],
    "history.unreadable": [
        "test_security.py::test_unreadable_commit_is_reported_once_and_the_run_goes_on"],
    "frontmatter.encoding": ["test_latin1_bytes_report_encoding_at_their_line",
                             "test_windows_1252_quote_in_front_matter"],
    "check.crashed": ["test_a_crashing_check_is_reported_and_other_files_still_checked"],
    "coverage.gap": ["test_coverage_gap_for_a_missing_document",
                     "test_coverage_gap_for_a_retired_document"],
    "doc.changed-after-approval": [
        "test_git_review.py::test_edit_of_approved_policy_without_reapproval_is_caught_at_the_line",
        "test_git_review.py::test_uncommitted_and_staged_edits_count"],
    "record.decision-edited": [
        "test_git_review.py::test_review_decisions_are_protected_but_status_and_slips_are_not_errors"],
    "engine.plugin-missing": [
        "test_engines.py::test_check_warns_once_when_the_site_would_lack_the_plugin"],
}


def coverage() -> dict[str, list[str]]:
    """Every rule id with the failing fixtures that assert it (rule id and line)."""
    mapping: dict[str, list[str]] = {}
    for c in CASES:
        for rule in c.rules:
            mapping.setdefault(rule, []).append(f"test_failing_fixture[{c.id}]")
    for rule, tests in OTHER_FAILING_TESTS.items():
        mapping.setdefault(rule, []).extend(tests)
    return mapping


@pytest.mark.parametrize("profile", ["2018", "2011"])
def test_pack_rules_and_severities_match_the_table(profile: str) -> None:
    pack = rulepack.load(profile=profile)
    assert set(pack.rules) == PROFILE_RULES[profile]
    wrong = {rule_id: (str(rule.severity), SEVERITY[rule_id])
             for rule_id, rule in pack.rules.items() if str(rule.severity) != SEVERITY[rule_id]}
    assert wrong == {}, "pack severity != table severity"


@pytest.mark.parametrize("rule_id", sorted(SEVERITY))
def test_every_rule_has_a_failing_fixture(rule_id: str) -> None:
    tests = coverage().get(rule_id)
    assert tests, f"rule {rule_id} has no failing fixture in tests/test_rules.py"
    for name in tests:
        if "::" in name:
            module, function = name.split("::")
            source = (Path(__file__).parent / module).read_text(encoding="utf-8")
            assert f"def {function}(" in source, name
        else:
            assert name.split("[")[0] in globals(), name


@pytest.mark.parametrize("profile", ["2018", "2011"])
def test_every_section_rule_of_a_profile_has_a_missing_case(profile: str) -> None:
    pack = rulepack.load(profile=profile)
    covered = {rule for c in CASES if c.id.startswith("missing-")
               and (c.profile or "2018") == profile for rule in c.rules}
    # the review outputs are read from actions as well: they have cases of their own
    section_rules = {r.id for r in pack.rules.values()
                     if r.check == "section" and "output" not in r.extra}
    assert section_rules <= covered

