"""What a pull request changes in the SMS, for a terminal or a log (lines) and as the
Markdown report `check --summary` appends (e.g. to $GITHUB_STEP_SUMMARY)."""

from __future__ import annotations

from ..core.findings import Severity
from ..git.changes import ActionChange, ChangeSummary
from .report import Report

MAX_ROWS = 200


def _action_detail(act: ActionChange, cell: bool = False) -> str:
    """What happened to an action: after its title on a line, or in a table ``cell``."""
    if act.change == "slipped":
        target = f"target {act.old_target} → {act.new_target}"
        times = f"slipped {act.slips}× in its history" if act.slips > 1 else ""
        if cell:
            return f"{target}, +{act.days} days" + (f" ({times})" if times else "")
        return f": {target} (+{act.days} days" + (f"; {times}" if times else "") + ")"
    if act.change in ("opened", "reopened") and act.new_target:
        return f"target {act.new_target}" if cell else f" (target {act.new_target})"
    return act.status if cell else ""


def change_lines(summary: ChangeSummary) -> list[str]:
    """The changes as plain text lines."""
    out = [f"Changes since {summary.ref} (merge-base {summary.merge_base[:10]}): "
           f"{len(summary.files)} file(s)"]
    for doc in summary.documents:
        detail = f" ({doc.detail})" if doc.detail else ""
        out.append(f"  {doc.change:<9} {doc.id} {doc.title}{detail}  [{doc.path}]")
    for act in summary.actions:
        out.append(f"  {act.change:<9} {act.id} {act.title}{_action_detail(act)}")
    if summary.clauses:
        out.append("  clauses affected: " + ", ".join(summary.clauses))
    if summary.out_of_scope:
        out.append(f"  {summary.out_of_scope} finding(s) in files the change did not touch "
                   "are not shown")
    return out


def render_markdown(report: Report) -> str:
    """A Markdown report: the verdict, the SMS changes (with --base) and the findings."""
    findings, summary = report.findings, report.changes
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    verdict = "❌ fails" if errors else "✅ passes"
    out = [f"## smsdocs: the SMS check {verdict}", ""]
    scope = "in the files this change touches" if summary else "in the repository"
    out.append(f"**{errors} error(s), {warnings} warning(s)** {scope}"
               f" ({report.totals.files} file(s) checked).")
    if summary is not None:
        out += ["", f"### What this change does to the SMS (since `{_md(summary.ref)}`)", ""]
        if summary.config_changed:
            out += ["`smsdocs.yml` changed, so every file is in scope.", ""]
        if summary.documents:
            out += ["| change | id | title | detail |", "| --- | --- | --- | --- |"]
            out += [f"| {d.change} | {_md(d.id)} | {_md(d.title)} | {_md(d.detail)} |"
                    for d in summary.documents]
            out.append("")
        else:
            out += ["No document or record was added, changed or retired.", ""]
        if summary.actions:
            out += ["| action | id | title | detail |", "| --- | --- | --- | --- |"]
            out += [f"| {a.change} | {_md(a.id)} | {_md(a.title)} | "
                    f"{_md(_action_detail(a, cell=True))} |" for a in summary.actions]
            out.append("")
        if summary.clauses:
            names = [f"{c} {summary.clause_titles.get(c, '')}".strip() for c in summary.clauses]
            out += ["**Clauses affected:** " + ", ".join(_md(n) for n in names), ""]
        if summary.out_of_scope:
            out += [f"{summary.out_of_scope} finding(s) in files this change did not touch "
                    "are not shown.", ""]
    if findings:
        ordered = sorted(findings, key=lambda f: (f.severity is not Severity.ERROR,
                                                  *f.sort_key()))
        out += ["", "### Findings", "", "| severity | file | line | rule | message |",
                "| --- | --- | --- | --- | --- |"]
        out += [f"| {f.severity} | {_md(f.file)} | {f.line} | `{f.rule}` | {_md(f.message)} |"
                for f in ordered[:MAX_ROWS]]
        if len(ordered) > MAX_ROWS:
            out.append(f"\n… and {len(ordered) - MAX_ROWS} more.")
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
