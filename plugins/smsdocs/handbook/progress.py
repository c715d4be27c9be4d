"""Writing progress: how many of the required sections are written, per document and clause.

The required sections of a record are the section rules of its type, once per heading, as
``smsdocs new`` and ``smsdocs init`` write them (``scaffold.sections_for``). A required
section is *unwritten* when it is missing or when the validator reported
``content.placeholder`` for it (an unwritten ``[describe: …]`` prompt, TBD, lorem ipsum…);
every other required section counts as written, whatever other findings it has.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..authoring.scaffold import sections_for
from ..checks.sections import sections_by_rule
from ..core import wording
from ..core.findings import Finding
from ..core.model import Record
from ..core.rulepack import Rule, RulePack, clause_key
from .graph import Graph

PLACEHOLDER_RULE = "content.placeholder"


@dataclass(slots=True)
class SectionState:
    """One required section of one record."""

    heading: str
    clause: str
    rule: str
    state: str  # written | unwritten | missing
    line: int = 0

    @property
    def written(self) -> bool:
        return self.state == "written"


@dataclass(slots=True)
class RecordProgress:
    """The required sections of one document or record."""

    record: Record
    sections: list[SectionState] = field(default_factory=list)

    @property
    def required(self) -> int:
        return len(self.sections)

    @property
    def written(self) -> int:
        return sum(1 for s in self.sections if s.written)

    @property
    def percent(self) -> int:
        return round(100 * self.written / self.required) if self.required else 100


@dataclass(slots=True)
class ClauseProgress:
    """The required sections that one clause asks for, across all records."""

    number: str
    title: str
    required: int = 0
    written: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.written / self.required) if self.required else 100


@dataclass(slots=True)
class Progress:
    """Writing progress of the whole SMS."""

    records: list[RecordProgress]
    clauses: list[ClauseProgress]

    @property
    def required(self) -> int:
        return sum(r.required for r in self.records)

    @property
    def written(self) -> int:
        return sum(r.written for r in self.records)

    @property
    def percent(self) -> int:
        return round(100 * self.written / self.required) if self.required else 100


def section_rules(pack: RulePack, record_type: str) -> list[tuple[str, Rule]]:
    """(heading, rule) of every required section of a type: the same headings, in the same
    order, as ``scaffold.sections_for`` (one entry per heading)."""
    headings = [heading for heading, _ in sections_for(pack, record_type)]
    by_heading: dict[str, Rule] = {}
    for rule in pack.rules_for(record_type, "section"):
        if rule.section is None or rule.id in pack.disabled:
            continue
        heading = wording.heading(rule)
        by_heading.setdefault(heading.lower(), rule)
    return [(h, by_heading[h.lower()]) for h in headings if h.lower() in by_heading]


def record_progress(record: Record, pack: RulePack, findings: list[Finding]) -> RecordProgress:
    """Which required sections of one record are written (findings: the record's file's)."""
    placeholder_lines = {f.line for f in findings if f.rule == PLACEHOLDER_RULE}
    progress = RecordProgress(record=record)
    found_by_rule = sections_by_rule(record, pack)
    for heading, rule in section_rules(pack, record.type):
        assert rule.section is not None
        found = found_by_rule.get(rule.id, [])
        if not found:
            state, line = "missing", 0
        else:
            line = found[0].line
            state = "unwritten" if any(s.line in placeholder_lines for s in found) else "written"
        progress.sections.append(SectionState(heading=heading, clause=rule.clause,
                                              rule=rule.id, state=state, line=line))
    return progress


def compute(graph: Graph) -> Progress:
    """Progress of every document and record that has required sections."""
    pack = graph.result.pack
    records = []
    for record in graph.records:
        progress = record_progress(record, pack, graph.findings_by_file.get(record.path, []))
        if progress.required:
            records.append(progress)
    by_clause: dict[str, ClauseProgress] = {}
    for progress in records:
        for section in progress.sections:
            node = graph.clauses.get(section.clause)
            entry = by_clause.setdefault(section.clause, ClauseProgress(
                number=section.clause, title=node.title if node else ""))
            entry.required += 1
            entry.written += section.written
    clauses = sorted(by_clause.values(), key=lambda c: clause_key(c.number))
    records.sort(key=lambda p: (p.percent, p.record.path))
    return Progress(records=records, clauses=clauses)
