"""Coverage: every documented-information item the standard requires, and what provides it.

ISO/IEC 20000-1 allows no exclusions: a gap stays a gap even when the organisation records a
justification (shown next to it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Record, Repository
from .rulepack import RulePack

PLACEHOLDER_STATE = "template"


@dataclass(slots=True)
class Provider:
    """A document or record that provides a required item."""

    id: str
    title: str
    path: str
    type: str
    version: str
    approved_by: str
    approved_on: str
    status: str


@dataclass(slots=True)
class Item:
    """One required documented-information item of a clause, and who provides it."""

    clause: str
    key: str
    item: str
    kind: str  # document | record
    confidence: str
    providers: list[Provider] = field(default_factory=list)
    justification: str = ""
    written: bool = True  # False while every provider is an unwritten template

    @property
    def covered(self) -> bool:
        return bool(self.providers)

    @property
    def state(self) -> str:
        if not self.providers:
            return "gap"
        return "covered" if self.written else PLACEHOLDER_STATE

    def as_dict(self) -> dict[str, Any]:
        return {"clause": self.clause, "key": self.key, "item": self.item, "kind": self.kind,
                "confidence": self.confidence, "state": self.state,
                "justification": self.justification or None,
                "providers": [{k: getattr(p, k) for k in Provider.__slots__}
                              for p in self.providers]}


NOT_REQUIRED = "not-required"
CLAUSE_STATES = ("covered", PLACEHOLDER_STATE, "gap", NOT_REQUIRED)


@dataclass(frozen=True, slots=True)
class ClauseCoverage:
    """A clause's state, derived from its required items only: the one answer every page,
    report and export gives (gap > template > covered; no items: not required)."""

    clause: str
    required: int
    covered: int
    template: int
    gaps: int

    @property
    def state(self) -> str:
        if not self.required:
            return NOT_REQUIRED
        if self.gaps:
            return "gap"
        return PLACEHOLDER_STATE if self.template else "covered"

    def as_dict(self) -> dict[str, Any]:
        return {"clause": self.clause, "state": self.state, "required": self.required,
                "covered": self.covered, "template": self.template, "gaps": self.gaps}


def clause_coverage(number: str, items: list[Item]) -> ClauseCoverage:
    """The state of one clause from its required items."""
    states = [i.state for i in items]
    return ClauseCoverage(clause=number, required=len(states),
                          covered=states.count("covered"),
                          template=states.count(PLACEHOLDER_STATE), gaps=states.count("gap"))


@dataclass
class Coverage:
    """All required items in clause order."""

    items: list[Item]

    def gaps(self) -> list[Item]:
        return [i for i in self.items if not i.covered]

    def for_clause(self, number: str) -> list[Item]:
        return [i for i in self.items if i.clause == number]

    def clauses(self) -> dict[str, ClauseCoverage]:
        """Every clause that requires documented information, in catalogue order."""
        by_clause: dict[str, list[Item]] = {}
        for item in self.items:
            by_clause.setdefault(item.clause, []).append(item)
        return {number: clause_coverage(number, items) for number, items in by_clause.items()}

    def clause(self, number: str) -> ClauseCoverage:
        """One clause's state (not required when the clause requires nothing)."""
        return clause_coverage(number, self.for_clause(number))


def provided_keys(record: Record, pack: RulePack) -> list[str]:
    """The items a record provides: its type's, plus any it lists under 'provides'."""
    rtype = pack.types.get(record.type)
    keys = list(rtype.provides) if rtype else []
    extra = record.data.get("provides")
    if isinstance(extra, list):
        keys.extend(str(k) for k in extra if str(k) not in keys)
    return keys


def compute(repo: Repository, pack: RulePack, justifications: dict[str, str] | None = None,
            unwritten: set[str] | None = None) -> Coverage:
    """Match every required item of the catalogue to the records that provide it."""
    by_key: dict[str, list[Provider]] = {}
    written_by_key: dict[str, bool] = {}
    # Items that records of the repository evidence (a review's results, an audit report):
    # a document may point at where they will be kept, but only a real record covers them.
    evidenced = {k for t in pack.types.values() if t.kind == "record" for k in t.provides}
    for record in repo.records:
        if record.status == "retired":
            continue
        rtype = pack.types.get(record.type)
        is_record = rtype is not None and rtype.kind == "record"
        unwritten_here = unwritten is not None and record.path in unwritten
        for key in provided_keys(record, pack):
            if key in evidenced and not is_record and not unwritten_here:
                continue
            by_key.setdefault(key, []).append(Provider(
                id=record.id, title=record.title, path=record.path, type=record.type,
                version=str(record.data.get("version") or ""),
                approved_by=str(record.data.get("approved_by") or ""),
                approved_on=str(record.data.get("approved_on") or ""), status=record.status))
            if unwritten is None or record.path not in unwritten:
                written_by_key[key] = True
    items: list[Item] = []
    for clause in pack.clauses.values():
        for required in clause.requires:
            if required.get("rollup"):
                continue  # the 7.5.4 roll-up repeats items required by other clauses
            key = str(required["key"])
            items.append(Item(
                clause=clause.number, key=key, item=str(required.get("item", key)),
                kind=str(required.get("kind", "document")),
                confidence=str(required.get("confidence", "high")),
                providers=by_key.get(key, []),
                justification=(justifications or {}).get(key, ""),
                written=written_by_key.get(key, False)))
    return Coverage(items=items)
