"""The one thing every renderer takes: what a run found, its totals, what a pull request
changes and the coverage of the required documented information."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..core.coverage import Coverage
from ..core.findings import Finding, Severity, count
from ..core.rulepack import RulePack
from ..git.changes import ChangeSummary
from ..validate import Result


@dataclass(frozen=True, slots=True)
class Totals:
    """How much was checked and how much was found. ``documents`` (plans, policies...) and
    ``records`` (reviews, audits...) are counted apart when the caller knows which is which."""

    files: int
    records: int
    actions: int
    errors: int
    warnings: int
    documents: int | None = None

    @classmethod
    def of(cls, findings: list[Finding], files: int, records: int, actions: int,
           documents: int | None = None) -> Totals:
        return cls(files, records, actions, count(findings, Severity.ERROR),
                   count(findings, Severity.WARNING), documents)

    def as_dict(self) -> dict[str, int]:
        """The totals as the JSON and SARIF outputs carry them (stable key order)."""
        out = {"files": self.files, "records": self.records, "actions": self.actions,
               "errors": self.errors, "warnings": self.warnings}
        if self.documents is not None:
            out["documents"] = self.documents
        return out


@dataclass(slots=True)
class Report:
    """One run's outcome, ready to render in any format."""

    findings: list[Finding]
    totals: Totals
    changes: ChangeSummary | None = None  # with `check --base`
    coverage: Coverage | None = None
    # (clause, item key) -> providers an edition left out, counted only (auditor coverage)
    withheld: Mapping[tuple[str, str], int] = field(default_factory=dict)
    edition: str | None = None
    pack: RulePack | None = None  # the rules SARIF lists
    files: frozenset[str] = frozenset()  # the files the report covers (JUnit test cases)
    uri_prefix: str = ""  # the SMS root relative to the git top, for SARIF locations
    source_root: Path | None = None  # what SARIF locations are relative to

    @classmethod
    def of(cls, result: Result, findings: list[Finding] | None = None, *,
           changes: ChangeSummary | None = None, files: Iterable[str] | None = None,
           uri_prefix: str = "", source_root: Path | None = None) -> Report:
        """The report of a validation ``result``; ``findings`` when some were left out
        (out of a pull request's scope, baselined), ``files`` the files it covers."""
        findings = result.findings if findings is None else findings
        types = result.pack.types
        kinds = [types[r.type].kind if r.type in types else "record"
                 for r in result.repo.records]
        totals = Totals.of(findings, len(result.repo.files), kinds.count("record"),
                           sum(len(r.actions) for r in result.repo.records),
                           documents=kinds.count("document"))
        return cls(findings, totals, changes, result.coverage, pack=result.pack,
                   files=frozenset(result.repo.files if files is None else files),
                   uri_prefix=uri_prefix, source_root=source_root)
