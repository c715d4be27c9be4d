"""What the rule tests (tests/test_rules_<family>.py) share: the valid fixtures, the edits
and line helpers, and the failing case.

The base documents are complete and valid (tests/fixtures/rules/valid_*.md, one per record
type; together they are a complete SMS with no finding at all). Each failing case edits ONE
thing in a copy of them and states the complete set of (rule, line) findings the run must
produce, so a case fails on a missing finding, a wrong line, and on any extra finding the
edit should not have caused. coverage.gap is left out of those sets (a repository of one or
two files cannot cover the standard) and tested on the complete set
(test_rules_crossrecord.py). Each family file keeps its fixed defects as regression tests.
"""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import AS_OF, SEVERITY, rules_at
from smsdocs.core import rulepack
from smsdocs.core.findings import Finding

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


def complete_sms(profile: str) -> dict[str, str]:
    """Every valid fixture of a profile: a complete SMS that covers every required item."""
    files = {d.path: d.text for d in DOCS
             if profile in d.profiles and d.fixture != "valid_objectives.md"}
    if profile == "2018":
        files[NEXT_REVIEW_PATH] = NEXT_REVIEW
    return files


DAY = dt.timedelta(days=1)


def days_around(when: dt.date) -> list[tuple[str, dt.date]]:
    return [("before", when - DAY), ("of", when), ("after", when + DAY)]


def check_case(c: Case, findings: list[Finding]) -> None:
    """The findings of a failing case are exactly its expected (rule, line) pairs, at the
    severity the table gives, all in its file, with every message placeholder filled."""
    assert rules_at(findings) == set(c.expect), [str(f) for f in findings]
    assert with_severity(findings) == expected(*c.expect)
    assert {f.file for f in findings} == {c.file}
    assert not [f for f in findings if "{" in f.message or "{" in f.hint], \
        "a message placeholder was left unfilled"
