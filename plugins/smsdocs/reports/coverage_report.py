"""Render coverage (required documented information vs what provides it) for people and tools."""

from __future__ import annotations

import json

from ..core.coverage import Coverage, Item

COVERAGE_FORMATS = ("text", "json", "markdown")
_STATE_LABEL = {"covered": "covered", "gap": "GAP", "template": "template, not yet written"}


def _providers(item: Item) -> str:
    return ", ".join(f"{p.id} ({p.path})" for p in item.providers) or "-"


def summary_line(coverage: Coverage) -> str:
    """'49 required items: 40 covered, 6 template (not yet written), 3 gap(s)'."""
    states = [i.state for i in coverage.items]
    return (f"{len(states)} required items: {states.count('covered')} covered, "
            f"{states.count('template')} template (not yet written), "
            f"{states.count('gap')} gap(s)")


def render(coverage: Coverage, fmt: str) -> str:
    """Coverage as text, JSON or Markdown."""
    items = coverage.items
    gaps = len(coverage.gaps())
    if fmt == "json":
        states = [i.state for i in items]
        return json.dumps({"items": [i.as_dict() for i in items],
                           "clauses": [c.as_dict() for c in coverage.clauses().values()],
                           "summary": {"required": len(items),
                                       "covered": states.count("covered"),
                                       "template": states.count("template"), "gaps": gaps}},
                          indent=2, ensure_ascii=False)
    if fmt == "markdown":
        lines = ["| Clause | Required documented information | Kind | State | Provided by |",
                 "| --- | --- | --- | --- | --- |"]
        for i in items:
            note = f" — justification: {i.justification}" if i.justification else ""
            lines.append(f"| {i.clause} | {i.item} | {i.kind} | {_STATE_LABEL[i.state]}{note} "
                         f"| {_providers(i)} |")
        lines.append("")
        lines.append(summary_line(coverage) + ".")
        return "\n".join(lines)
    out = []
    for i in items:
        note = f"  [justification: {i.justification}]" if i.justification else ""
        out.append(f"{i.clause:<8} {_STATE_LABEL[i.state]:<9} {i.kind:<8} {i.item}{note}")
        if i.providers:
            out.append(f"{'':<8} provided by {_providers(i)}")
    out.append(summary_line(coverage))
    return "\n".join(out)
