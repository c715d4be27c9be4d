"""The report as GitHub Actions workflow commands: an annotation per finding, and what a
pull request changes as plain log lines folded in a group."""

from __future__ import annotations

from .report import Report
from .summary import change_lines
from .text import plain


def _escape_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub documents (%, CR, LF); other
    control characters removed."""
    return plain(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    """One annotation per finding, the totals, then the changes (with --base)."""
    lines = []
    for f in report.findings:
        message = f.message + (f" (hint: {f.hint})" if f.hint else "")
        lines.append(f"::{f.severity} file={_escape_property(f.file)},line={f.line},"
                     f"title={_escape_property(f.rule)}::{_escape_data(message)}")
    lines.append(f"smsdocs: {report.totals.errors} error(s), "
                 f"{report.totals.warnings} warning(s)")
    if report.changes is not None:
        lines.append(_log_group("SMS changes", change_lines(report.changes)))
    return "\n".join(lines)


def _log_group(title: str, lines: list[str]) -> str:
    """Plain log lines folded in a group: no line can start a workflow command (line
    breaks inside a line are escaped, control characters gone)."""
    out = [f"::group::{title}"]
    for line in lines:
        text = _escape_data(line)
        out.append(" " + text if text.startswith("::") else text)
    out.append("::endgroup::")
    return "\n".join(out)
