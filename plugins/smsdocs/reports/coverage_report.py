"""Render coverage (required documented information vs what provides it) for people and tools."""

from __future__ import annotations

import json
from typing import Any

from ..core.coverage import Coverage, Item
from .report import Report

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


def coverage_data(report: Report) -> dict[str, Any]:
    """The coverage as the JSON report carries it; an edition's report adds per item how
    many providers it withheld, and its name."""
    assert report.coverage is not None
    items = report.coverage.items
    states = [i.state for i in items]
    rows = [i.as_dict() for i in items]
    if report.edition is not None:
        for row in rows:
            row["withheld_providers"] = report.withheld.get((row["clause"], row["key"]), 0)
    data: dict[str, Any] = {
        "items": rows, "clauses": [c.as_dict() for c in report.coverage.clauses().values()],
        "summary": {"required": len(items), "covered": states.count("covered"),
                    "template": states.count("template"), "gaps": len(report.coverage.gaps())}}
    if report.edition is not None:
        data["edition"] = report.edition
    return data


def render(report: Report, fmt: str) -> str:
    """The report's coverage as text, JSON or Markdown."""
    coverage = report.coverage
    assert coverage is not None, "a coverage report needs the coverage"
    items = coverage.items
    if fmt == "json":
        return json.dumps(coverage_data(report), indent=2, ensure_ascii=False)
    if fmt == "markdown":
        lines = ["| Clause | Required documented information | Kind | State | Provided by |",
                 "| --- | --- | --- | --- | --- |"]
        for i in items:
            note = f" — justification: {i.justification}" if i.justification else ""
            lines.append(f"| {i.clause} | {i.item} | {i.kind} | {_STATE_LABEL[i.state]}{note} "
                         f"| {_providers(i)} |")
        lines.append("")
        lines.append(summary_line(coverage) + ".")
        if report.withheld:
            lines += ["", "Items also or only provided by documents or records not in the "
                      f"{report.edition} edition (count only): " + ", ".join(
                          f"{clause} {key} ({n})"
                          for (clause, key), n in sorted(report.withheld.items())) + "."]
        return "\n".join(lines)
    out = []
    for i in items:
        note = f"  [justification: {i.justification}]" if i.justification else ""
        out.append(f"{i.clause:<8} {_STATE_LABEL[i.state]:<9} {i.kind:<8} {i.item}{note}")
        if i.providers:
            out.append(f"{'':<8} provided by {_providers(i)}")
    out.append(summary_line(coverage))
    return "\n".join(out)
