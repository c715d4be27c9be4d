"""The "Validation rules" page: every rule of the loaded pack, as configured."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..rulepack import RulePack
from .graph import clause_key


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


def context(pack: RulePack) -> dict[str, Any]:
    rows = rules(pack)
    return {"rules": rows, "pack": pack,
            "disabled": sum(1 for r in rows if not r.enabled),
            "errors": sum(1 for r in rows if r.enabled and r.severity == "error"),
            "warnings": sum(1 for r in rows if r.enabled and r.severity == "warning")}
