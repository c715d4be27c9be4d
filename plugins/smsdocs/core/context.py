"""What every check needs: the pack, the as-of date, and a place to report findings."""

from __future__ import annotations

import datetime as dt
import reprlib
import string
from dataclasses import dataclass, field
from typing import Any

from . import wording
from .findings import Finding
from .rulepack import RulePack


class _Keep(dict[str, Any]):
    """Leaves unknown ``{placeholders}`` in a message as they are."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_FORMATTER = string.Formatter()
_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring = 2, 6, 6, 80


def shown(value: Any) -> Any:
    """A value as a message may show it: lists and mappings (which YAML aliases can make
    huge or self-referential) and long text are shortened, never expanded."""
    if isinstance(value, list | dict | tuple | set):
        return _SHORT.repr(value)
    if isinstance(value, str) and len(value) > 500:
        return value[:500] + "…"
    return value


def fill(template: str, values: dict[str, Any]) -> str:
    """Format a pack message safely: unknown keys stay, stray braces never raise."""
    try:
        return _FORMATTER.vformat(template, (), _Keep(values))
    except (ValueError, IndexError, AttributeError):
        return template


@dataclass
class Context:
    """The state of one validation run."""

    pack: RulePack
    as_of: dt.date
    findings: list[Finding] = field(default_factory=list)

    def report(self, rule_id: str, file: str, line: int, **values: Any) -> None:
        """Add a finding for a rule, unless the organisation disabled the rule."""
        if rule_id in self.pack.disabled:
            return
        rule = self.pack.rules.get(rule_id)
        if rule is None:
            return  # a rule not in this profile (e.g. a 2018 input under the 2011 profile)
        values = {key: shown(value) for key, value in values.items()}
        values.setdefault("clause", rule.clause)
        for key in ("missing", "unmet", "item_unmet"):
            if values.get("problem") == key:
                values["problem"] = fill(rule.text(key), values)
        for key, extra in rule.extra.items():
            values.setdefault(key, extra)
        hint = fill(wording.hint(rule), values)
        if values.get("note"):
            hint = f"{values['note']} {hint}"
        self.findings.append(Finding(
            severity=rule.severity, rule=rule_id, file=file, line=max(1, line),
            message=fill(rule.message, values), hint=hint,
            subject=str(values.get("value", values.get("action", "")))))
