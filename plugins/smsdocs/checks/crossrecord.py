"""Rules that look across a record's parts or across records: corrective actions, evidence,
clause links, approval and review dates, the plan's review chair, coverage gaps."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..context import Context
from ..coverage import Coverage, Item
from ..model import Record, as_date
from .sections import matching_sections, normalize, placeholder_state

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
    rule = ctx.pack.rules.get("plan.review-chair")
    if rule is None:
        return
    roles = [normalize(r) for r in rule.extra.get("top_management", [])]
    lines = _governance_lines(ctx, record)
    if placeholder_state("\n".join(lines), ctx) is not None:
        return  # the governance section is unwritten: content.placeholder says so
    for line in lines:
        text = normalize(line)
        if " management review" in text and any(r in text for r in roles):
            return
    anchor = next((s.line for s in record.sections
                   if " governance " in normalize(s.title) or " roles " in normalize(s.title)),
                  record.front.body_line)
    ctx.report("plan.review-chair", record.path, anchor)


def _governance_lines(ctx: Context, record: Record) -> list[str]:
    """Lines of the plan's governance section (the whole body if it has none), read one at a
    time: a chair named in the management review row counts, a director elsewhere does not."""
    governance = ctx.pack.rules.get("plan.governance")
    found = matching_sections(record, governance.section) if governance and governance.section \
        else []
    if found:
        return [line for section in found for line in section.text.split("\n")]
    return record.body.lines if record.body else []


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
