"""Render a report in the format a person or a tool asked for: text, JSON, GitHub
workflow commands, SARIF or JUnit."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .github import render_github
from .junit import render_junit
from .report import Report
from .sarif import render_sarif
from .text import render_text

FORMATS = ("text", "json", "github", "sarif", "junit")


def render_json(report: Report) -> str:
    """Findings, totals and (with --base) what the change does to the SMS."""
    data: dict[str, Any] = {"findings": [f.as_dict() for f in report.findings],
                            "summary": report.totals.as_dict()}
    if report.changes is not None:
        data["changes"] = report.changes.as_dict()
    return json.dumps(data, indent=2, ensure_ascii=False)


RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": render_text, "json": render_json, "github": render_github,
    "sarif": render_sarif, "junit": render_junit}


def render(report: Report, fmt: str) -> str:
    """The report in one of FORMATS."""
    return RENDERERS[fmt](report)
