"""The report for a terminal: findings grouped by file, shared hints once, the verdict."""

from __future__ import annotations

import re
from collections import Counter
from itertools import groupby

from ..core.findings import Finding, Severity
from .report import Report
from .summary import change_lines

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


def shared_hints(findings: list[Finding]) -> Counter[tuple[str, str]]:
    """(rule, hint) pairs that more than one finding carries, with how many do."""
    counts = Counter((f.rule, f.hint) for f in findings if f.hint)
    return Counter({key: n for key, n in counts.items() if n > 1})


def render_text(report: Report, colour: bool = False) -> str:
    """What a pull request changes (with --base), then the findings grouped by file, one
    line each; a hint shown once under its finding, or, when several findings share it,
    once per rule at the end with their count; then the totals."""
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    findings = report.findings
    shared = shared_hints(findings)
    out: list[str] = []
    if report.changes is not None:
        out += [one_line(line) for line in change_lines(report.changes)] + [""]
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
    totals = report.totals
    verdict = "FAIL" if totals.errors else "ok"
    what = (f"{totals.documents} document(s), {totals.records} record(s)"
            if totals.documents is not None else f"{totals.records} record(s)")
    out.append(f"{paint(_COLOURS[Severity.ERROR] if totals.errors else _BOLD, verdict)}: "
               f"{totals.errors} error(s), {totals.warnings} warning(s) in {totals.files} "
               f"file(s): {what}, {totals.actions} action(s)")
    return "\n".join(out)
