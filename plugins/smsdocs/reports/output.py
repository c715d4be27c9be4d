"""Render findings for people and machines: terminal text, JSON, GitHub workflow commands."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from itertools import groupby

from ..core.findings import Finding, Severity, count
from .junit import render_junit
from .sarif import render_sarif

FORMATS = ("text", "json", "github", "sarif", "junit")

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m"}
_DIM, _BOLD, _RESET = "\033[2m", "\033[1m", "\033[0m"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def plain(text: str) -> str:
    """Text safe for a terminal: control characters (ESC, BEL, CR, C1...) removed, except
    tab and newline."""
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """Text for one terminal line: line breaks as spaces, control characters removed."""
    return plain(text.replace("\r", " ").replace("\n", " ").replace("\t", " "))


def summary(findings: list[Finding], files: int, records: int, actions: int,
            documents: int | None = None) -> dict[str, int]:
    """The run's totals. `documents` (plans, policies...) and `records` (reviews, audits...)
    are counted apart when the caller knows which is which."""
    totals = {"files": files, "records": records, "actions": actions,
              "errors": count(findings, Severity.ERROR),
              "warnings": count(findings, Severity.WARNING)}
    if documents is not None:
        totals["documents"] = documents
    return totals


def shared_hints(findings: list[Finding]) -> Counter[tuple[str, str]]:
    """(rule, hint) pairs that more than one finding carries, with how many do."""
    counts = Counter((f.rule, f.hint) for f in findings if f.hint)
    return Counter({key: n for key, n in counts.items() if n > 1})


def render_text(findings: list[Finding], totals: dict[str, int], colour: bool) -> str:
    """Findings grouped by file, one line each; a hint shown once under its finding, or, when
    several findings share it, once per rule at the end with their count; then the totals."""
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    shared = shared_hints(findings)
    out: list[str] = []
    for file, group in groupby(findings, key=lambda f: f.file):
        out.append(paint(_BOLD, one_line(file)))
        for f in group:
            severity = paint(_COLOURS[f.severity], f"{f.severity:<7}")
            out.append(f"  {f.line:>4}  {severity} {one_line(f.message)}  "
                       f"{paint(_DIM, one_line(f.rule))}")
            if f.hint and (f.rule, f.hint) not in shared:
                out.append(f"        {paint(_DIM, 'hint: ' + one_line(f.hint))}")
        out.append("")
    if shared:
        out.append(paint(_BOLD, "hints"))
        for (rule, hint), n in sorted(shared.items()):
            out.append(f"  {rule} ({n} findings): {one_line(hint)}")
        out.append("")
    errors, warnings = totals["errors"], totals["warnings"]
    verdict = "FAIL" if errors else "ok"
    what = (f"{totals['documents']} document(s), {totals['records']} record(s)"
            if "documents" in totals else f"{totals['records']} record(s)")
    out.append(f"{paint(_COLOURS[Severity.ERROR] if errors else _BOLD, verdict)}: "
               f"{errors} error(s), {warnings} warning(s) in {totals['files']} file(s): "
               f"{what}, {totals['actions']} action(s)")
    return "\n".join(out)


def render_json(findings: list[Finding], totals: dict[str, int]) -> str:
    return json.dumps({"findings": [f.as_dict() for f in findings], "summary": totals},
                      indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub documents (%, CR, LF); other
    control characters removed."""
    return plain(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: list[Finding], totals: dict[str, int]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for f in findings:
        message = f.message + (f" (hint: {f.hint})" if f.hint else "")
        lines.append(f"::{f.severity} file={_escape_property(f.file)},line={f.line},"
                     f"title={_escape_property(f.rule)}::{_escape_data(message)}")
    lines.append(f"smsdocs: {totals['errors']} error(s), {totals['warnings']} warning(s)")
    return "\n".join(lines)


def github_log_lines(lines: list[str]) -> str:
    """Plain log lines for a GitHub workflow run, folded in a group: no line can start a
    workflow command (line breaks inside a line are escaped, control characters gone)."""
    out = ["::group::SMS changes"]
    for line in lines:
        text = _escape_data(line)
        out.append(" " + text if text.startswith("::") else text)
    out.append("::endgroup::")
    return "\n".join(out)


RENDERERS: dict[str, Callable[..., str]] = {"json": render_json, "github": render_github,
                                            "sarif": render_sarif, "junit": render_junit}
