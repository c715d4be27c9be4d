"""The "Validation rules" page: every rule of the loaded pack, as configured."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.rulepack import RulePack, clause_key
from .sources import references


@dataclass(frozen=True, slots=True)
class RuleRow:
    """One rule as the organisation runs it (severity overrides applied; disabled shown)."""

    id: str
    severity: str
    enabled: bool
    clause: str
    description: str
    source: str
    check: str
    applies_to: list[tuple[str, str]]  # (type, its title); empty = every type

    @property
    def references(self) -> list[str]:
        """The source as readable references (sources.py)."""
        return references(self.source)


@dataclass(frozen=True, slots=True)
class RuleGroup:
    """The rules of one top-level clause (or of no clause)."""

    number: str
    title: str
    rules: list[RuleRow]


def rules(pack: RulePack) -> list[RuleRow]:
    """The pack's rules in clause order, then by id."""
    rows = []
    for rule in pack.rules.values():
        applies = [(t, pack.types[t].title if t in pack.types else t) for t in rule.applies_to]
        rows.append(RuleRow(id=rule.id, severity=rule.severity.value,
                            enabled=rule.id not in pack.disabled, clause=rule.clause,
                            description=rule.description or rule.message, source=rule.source,
                            check=rule.check, applies_to=applies))
    return sorted(rows, key=lambda r: (clause_key(r.clause), r.id))


def groups(pack: RulePack, rows: list[RuleRow]) -> list[RuleGroup]:
    """Rules by top-level clause, in clause order; rules without a clause last."""
    by_top: dict[str, list[RuleRow]] = {}
    for row in rows:
        by_top.setdefault(row.clause.split(".")[0] if row.clause else "", []).append(row)
    out = []
    for top in sorted(by_top, key=lambda t: (not t, clause_key(t) if t else ())):
        clause = pack.clauses.get(top)
        title = (f"Clause {top} {clause.title}" if clause else f"Clause {top}") if top \
            else "Rules of every document"
        out.append(RuleGroup(number=top, title=title, rules=by_top[top]))
    return out


def context(pack: RulePack) -> dict[str, Any]:
    rows = rules(pack)
    return {"rules": rows, "pack": pack, "groups": groups(pack, rows),
            "disabled": sum(1 for r in rows if not r.enabled),
            "errors": sum(1 for r in rows if r.enabled and r.severity == "error"),
            "warnings": sum(1 for r in rows if r.enabled and r.severity == "warning")}
