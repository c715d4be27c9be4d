"""The rule pack as a whole: the valid fixtures are clean, configuration overrides, crashes,
the model, and every rule of the pack has a failing fixture (the case tables of the
test_rules_<family>.py files and OTHER_FAILING_TESTS)."""

from __future__ import annotations

from pathlib import Path

import pytest
import test_rules_actions
import test_rules_crossrecord
import test_rules_fields
import test_rules_references
import test_rules_reviews
import test_rules_sections
from conftest import PROFILE_RULES, SEVERITY, rules_at
from rules_support import (
    DOC,
    DOCS,
    PLAN,
    PLAN_PATH,
    REVIEW,
    REVIEW_PATH,
    Case,
    Doc,
    Findings,
    complete_sms,
    drop_section,
    edit,
    expected,
    h1,
    heading,
    section_body,
    with_severity,
)
from smsdocs.checks import sections as sections_check
from smsdocs.core import frontmatter, rulepack
from smsdocs.core.findings import Finding, Severity

FAMILIES = (test_rules_fields, test_rules_references, test_rules_sections,
            test_rules_actions, test_rules_crossrecord, test_rules_reviews)
CASES: list[Case] = [c for family in FAMILIES for c in family.CASES]


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("profile", ["2018", "2011"])
def test_valid_fixtures_have_no_findings(profile: str, all_findings: Findings) -> None:
    # the objectives are provided by the plan here (see test_objectives_fixture_is_clean)
    assert all_findings(complete_sms(profile), profile=profile) == []


@pytest.mark.parametrize("doc,profile", [
    pytest.param(d, p, id=f"{d.fixture}-{p}")
    for d in DOCS for p in d.profiles])
def test_each_valid_fixture_alone_is_clean(doc: Doc, profile: str, sms_repo: Findings) -> None:
    assert sms_repo({doc.path: doc.text}, profile=profile) == []


def test_objectives_fixture_is_clean(sms_repo: Findings) -> None:
    doc = DOC["valid_objectives.md"]
    assert sms_repo({doc.path: doc.text}) == []


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


def test_count_by_severity() -> None:
    from smsdocs.core.findings import count

    def finding(severity: Severity) -> Finding:
        return Finding(severity=severity, rule="x.y", file="f.md", line=1, message="m")
    findings = [finding(Severity.ERROR), finding(Severity.WARNING), finding(Severity.WARNING)]
    assert (count(findings, Severity.ERROR), count(findings, Severity.WARNING)) == (1, 2)


def test_config_yaml_error_line_is_the_file_line() -> None:
    assert frontmatter.parse_yaml("pack: x\nrules: [a\n").error_line == 2


# rule id -> the tests that hold its failing fixture, besides the CASES tables of the
# families, named 'file.py::test_name' (document control needs real git history, which
# tests/test_git_review.py builds; each of those asserts the rule id and the line).
OTHER_FAILING_TESTS: dict[str, list[str]] = {
    "audience.unclassified": ["test_security.py::test_markdown_suffix_is_left_out_and_reported"],
    "path.outside": ["test_security.py::test_symlink_out_of_the_repository_is_never_followed"],
    "path.special": ["test_security.py::test_fifo_is_skipped_with_a_finding"],
    "file.unreadable": ["test_security.py::test_unreadable_file_is_reported_as_unreadable"],
    "file.too-large": ["test_security.py::test_50_mb_body_is_reported_within_1_gib"],
    "history.unreadable": [
        "test_security.py::test_unreadable_commit_is_reported_once_and_the_run_goes_on"],
    "frontmatter.encoding": [
        "test_rules_fields.py::test_latin1_bytes_report_encoding_at_their_line",
        "test_rules_fields.py::test_windows_1252_quote_in_front_matter"],
    "check.crashed": [
        "test_rules_pack.py::test_a_crashing_check_is_reported_and_other_files_still_checked"],
    "coverage.gap": ["test_rules_crossrecord.py::test_coverage_gap_for_a_missing_document",
                     "test_rules_crossrecord.py::test_coverage_gap_for_a_retired_document"],
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
    for family in FAMILIES:
        for c in family.CASES:
            for rule in c.rules:
                mapping.setdefault(rule, []).append(
                    f"{family.__name__}.py::test_failing_fixture[{c.id}]")
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
    assert tests, f"rule {rule_id} has no failing fixture in tests/test_rules_*.py"
    for name in tests:
        module, function = name.split("::")
        source = (Path(__file__).parent / module).read_text(encoding="utf-8")
        assert f"def {function.split('[')[0]}(" in source, name


@pytest.mark.parametrize("profile", ["2018", "2011"])
def test_every_section_rule_of_a_profile_has_a_missing_case(profile: str) -> None:
    pack = rulepack.load(profile=profile)
    covered = {rule for c in CASES if c.id.startswith("missing-")
               and (c.profile or "2018") == profile for rule in c.rules}
    # the review outputs are read from actions as well: they have cases of their own
    section_rules = {r.id for r in pack.rules.values()
                     if r.check == "section" and "output" not in r.extra}
    assert section_rules <= covered
