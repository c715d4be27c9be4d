"""sms.json: the SMS graph as data, with links both ways (schema: schema/sms.schema.json)."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from ..core.model import as_text

if TYPE_CHECKING:
    from .render import Handbook

SCHEMA_VERSION = 1


def _value(value: Any) -> Any:
    """Front-matter values as JSON (dates as ISO text; anything odd as text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _value(v) for k, v in value.items()}
    return as_text(value)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def data(handbook: Handbook, generator: str) -> dict[str, Any]:
    """The whole export as a dict."""
    g = handbook.graph
    as_of = g.as_of

    def url(src: str | None) -> str | None:
        return handbook.urls.get(src) if src else None

    records: list[dict[str, Any]] = []
    for record in g.records:
        src = g.record_src[record.id]
        rtype = g.result.pack.types.get(record.type)
        served = [c for c in g.record_clauses(record) if c in g.clauses]  # 2011: mapped
        served += [c for c in (rtype.clauses if rtype else []) if c in g.clauses
                   and c not in served]
        records.append({
            "id": record.id, "type": record.type, "kind": g.kind(record),
            "title": record.title, "owner": record.owner, "status": record.status,
            "path": record.path, "url": url(src), "clauses": served,
            "actions": [a.id for a in record.actions if a.id in g.action_src],
            "mentioned_in": [p for p in g.mentions.get(record.id, []) if p != record.path],
            "fields": {str(k): _value(v) for k, v in record.data.items() if k != "actions"},
        })
    actions: list[dict[str, Any]] = []
    for action in g.actions:
        actions.append({
            "id": action.id, "title": action.title, "owner": action.owner,
            "status": action.status, "target_date": _date(action.target_date),
            "closed_on": _date(action.closed_on), "overdue_days": action.overdue_days(as_of),
            "record": action.record.id, "clauses": [c.strip() for c in action.clauses
                                                    if c.strip() in g.clauses],
            "evidence": action.evidence, "url": url(g.action_src[action.id]),
            "mentioned_in": [{"path": p, "url": url(g.page_src(p))}
                             for p in g.mentions.get(action.id, [])],
        })
    clauses: list[dict[str, Any]] = []
    for node in g.clauses.values():
        clauses.append({
            "id": node.number, "number": node.number, "title": node.title,
            "in_catalogue": node.known, "url": url(node.src), "asks": node.asks,
            "requires": [{"item": as_text(i.get("item")), "kind": as_text(i.get("kind"))}
                         for i in node.requires if isinstance(i, dict)],
            "documents": [r.id for r in node.documents], "records": [r.id for r in node.records],
            "actions": [a.id for a in node.actions],
            "status": node.state,
        })
    findings = [{**f.as_dict(), "clause": g.rule_clause(f), "url": url(g.page_src(f.file))}
                for f in g.result.findings]
    return {"schema_version": SCHEMA_VERSION, "generator": generator,
            "as_of": as_of.isoformat(), "pack": g.result.pack.name,
            "profile": g.result.pack.profile, "records": records, "actions": actions,
            "clauses": clauses, "findings": findings}


def sms_json(handbook: Handbook, generator: str) -> str:
    return json.dumps(data(handbook, generator), ensure_ascii=False, indent=1)
