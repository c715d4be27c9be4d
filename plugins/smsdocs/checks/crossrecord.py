"""Rules that look across a record's parts or across records: corrective actions, evidence,
clause links, approval and review dates, the plan's review chair, coverage gaps."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..core.context import Context
from ..core.coverage import Coverage, Item
from ..core.markdown import Section
from ..core.model import Record, as_date
from .sections import has_role, placeholder_state, sections_by_rule

ANNUAL = 365


def check_record(ctx: Context, record: Record) -> None:
    """Per-record rules that need more than one field or part of the record."""
    rtype = ctx.pack.types.get(record.type)
    if record.type == "nonconformity" and not record.actions:
        ctx.report("nc.action", record.path,
                   record.line("actions") if "actions" in record.data else record.line("type"),
                   record=record.id or record.path)
    for action in record.actions:
        if not action.clauses:
            ctx.report("action.clause", record.path, action.line("id"), action=action.id)
        if action.status == "done":
            _check_evidence(ctx, record, action.id, action.index, action.evidence)
    if rtype is not None and rtype.kind == "document":
        _check_document_dates(ctx, record)
    if record.type == "plan":
        _check_plan(ctx, record)


def _check_evidence(ctx: Context, record: Record, action_id: str, index: int,
                    evidence: list[str]) -> None:
    line = record.line("actions", index, "evidence") if evidence else record.line(
        "actions", index, "status")
    if not evidence:
        ctx.report("action.evidence", record.path, line, action=action_id,
                   detail="names no evidence of its result")
    elif all(item.strip() in (record.id, record.path) for item in evidence):
        ctx.report("action.evidence", record.path, line, action=action_id,
                   detail="its evidence trail ends at the record that raised it")


def _check_document_dates(ctx: Context, record: Record) -> None:
    if record.status == "approved":
        for name in ("approved_by", "approved_on"):
            if not record.data.get(name):
                ctx.report("doc.approval", record.path, record.line("status"), field=name)
    due = as_date(record.data.get("next_review"))
    if due is not None and due < ctx.as_of and record.status != "retired":
        ctx.report("doc.review-due", record.path, record.line("next_review"), due=due,
                   days=(ctx.as_of - due).days, as_of=ctx.as_of)


def _check_plan(ctx: Context, record: Record) -> None:
    last = max((d for d in (as_date(record.data.get("last_reviewed")),
                            as_date(record.data.get("approved_on"))) if d), default=None)
    if last is not None and (ctx.as_of - last).days > ANNUAL:
        key = "last_reviewed" if "last_reviewed" in record.data else "approved_on"
        ctx.report("plan.annual-review", record.path, record.line(key), last=last,
                   days=(ctx.as_of - last).days, as_of=ctx.as_of)
    if "plan.review-chair" not in ctx.pack.rules:
        return
    governance = sections_by_rule(record, ctx.pack).get("plan.governance", [])
    text = "\n".join(s.text for s in governance) if governance else (
        "\n".join(record.body.lines) if record.body else "")
    if placeholder_state(text, ctx) is not None:
        return  # the governance section is unwritten: content.placeholder says so
    roles = ctx.pack.top_management
    if any(_names_chair(statement) and has_role(statement, roles)
           for statement in _statements(text)):
        return
    if _raci_chair(record, governance, roles):
        return
    anchor = governance[0].line if governance else record.front.body_line
    ctx.report("plan.review-chair", record.path, anchor)


_BLOCK = re.compile(r"\n\s*\n|\n(?=[-*+] |\d+[.)] |\|)")
_CHAIR = re.compile(r"(?i)\b(?:chair\w*|presid\w*|convene\w*|leads?)\b")
_REVIEW = re.compile(r"(?i)\bmanagement\s+reviews?\b|\breview\w*\s+(?:of\s+)?the\s+sms\b")
_ACCOUNTABLE = re.compile(r"^\W*(?:a|a\s*/\s*r|r\s*/\s*a|accountable|chair\w*)\W*$", re.I)


def _statements(text: str) -> list[str]:
    """Paragraphs, top-level list items (with their nested items and wrapped lines) and
    table rows: a statement that names the review's chair may span lines."""
    return [b for b in _BLOCK.split(text) if b.strip()]


def _names_chair(statement: str) -> bool:
    """A statement about the management review that says who chairs it (a table row about
    the review names its chair by the column it is in)."""
    return bool(_REVIEW.search(statement)) and (
        bool(_CHAIR.search(statement)) or statement.lstrip().startswith("|"))


def _raci_chair(record: Record, governance: list[Section], roles: list[str]) -> bool:
    """A RACI table in the governance section whose management-review row makes a
    top-management column accountable (A) or the chair."""
    body = record.body
    if body is None:
        return False
    for table in body.tables:
        if governance and not any(s.start <= table.line <= s.end for s in governance):
            continue
        for row in table.rows:
            if not _REVIEW.search(" ".join(row.cells)):
                continue
            for header, cell in zip(table.header, row.cells, strict=False):
                if _ACCOUNTABLE.match(cell) and has_role(header, roles):
                    return True
    return False


def check_coverage(ctx: Context, coverage: Coverage, anchor: CoverageAnchor | None,
                   listed: dict[str, list[str]] | None = None) -> None:
    """One coverage.gap warning per required item nothing provides. A gap belongs to the
    repository, not to a document: it is reported at the configuration file (smsdocs.yml,
    where a gap's justification is recorded: at that line when there is one), names the
    clause and the item, and its hint names the command that creates a provider (and, for
    an item only a record can evidence, the documents that list it in vain: `listed`)."""
    if anchor is None:
        return
    for item in coverage.gaps():
        justification = f" (justified: {item.justification})" if item.justification else ""
        before = len(ctx.findings)
        ctx.report("coverage.gap", anchor.file, anchor.line_for(item.key),
                   clause_number=item.clause, item=item.item, kind=item.kind, key=item.key,
                   justification=justification, value=item.key)
        if len(ctx.findings) > before:  # not disabled
            fix = _gap_fix(ctx, item, (listed or {}).get(item.key, []))
            ctx.findings[-1] = replace(ctx.findings[-1], hint=fix)


@dataclass(frozen=True, slots=True)
class CoverageAnchor:
    """Where a repository's coverage gaps are reported: its configuration file."""

    file: str
    lines: dict[tuple[str | int, ...], int]

    def line_for(self, key: str) -> int:
        return (self.lines.get(("coverage", "justifications", key))
                or self.lines.get(("coverage",)) or 1)


def _gap_fix(ctx: Context, item: Item, listed: list[str]) -> str:
    """The command that creates what provides the item (a record type before a document
    type when the item is a record), or else the 'provides:' way."""
    types = [t for t in ctx.pack.types.values() if item.key in t.provides]
    types.sort(key=lambda t: (t.kind != item.kind, t.name))
    provides = f"'provides: [{item.key}]'"
    holder = "a record" if item.kind == "record" else "the document or record"
    if not types:
        return (f"Add {provides} to the front matter of {holder} that holds it; "
                f"`smsdocs coverage` lists every required item.")
    commands = " or ".join(f"`smsdocs new {t.name}` ({t.title})" for t in types[:3])
    fix = f"Create it with {commands}, or add {provides} to {holder} that holds it."
    if listed and item.kind == "record":
        fix += (f" {', '.join(listed[:3])} lists it under 'provides:', but a document is "
                f"not evidence that it happened: only a record is.")
    return fix
