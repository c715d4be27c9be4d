"""Front-matter fields: presence, YAML 1.1 type traps, dates, enumerations, ids, clauses."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from ..core.context import Context
from ..core.model import Record

_WORDS_YAML_EATS = {True: "true/yes/on", False: "false/no/off"}
# Text fields an author fills in (owners have rules of their own: action.owner and
# review.decision.owner); a template value left in them is content.placeholder.
PLACEHOLDER_FIELDS = ("title", "chair", "owner", "approved_by", "auditor", "raised_by")
PLACEHOLDER_ACTION_FIELDS = ("title", "success_criteria")


def placeholder_value(value: str, pack: Any) -> bool:
    """Whether a front-matter value is a stand-in (TBD, '-', '[insert owner]', '(tbc)')."""
    text = value.strip()
    return any(p.search(text) for p in pack.field_placeholders) if text else False


def check_record(ctx: Context, record: Record) -> None:
    """Check the front matter of one SMS document or record."""
    pack = ctx.pack
    data = record.data
    rtype = pack.types.get(record.type)
    if (not isinstance(data.get("type"), str) or rtype is None) and data.get("type") is not None:
        ctx.report("record.type-unknown", record.path, record.line("type"),
                   value=data.get("type"), allowed=", ".join(sorted(pack.types)))
    required = ["title", *(rtype.required if rtype else [])]
    for name in dict.fromkeys(required):
        if _is_empty(data.get(name)):
            ctx.report("field.required", record.path, record.line(name) if name in data
                       else record.line("type"), field=name, type=record.type or "record")
    _check_id(ctx, record, data.get("id"), ("id",))
    for name, value in data.items():
        spec = pack.fields.get(name)
        if spec is None or value is None:
            continue
        if name == "status" and rtype is None:
            continue  # record.type-unknown already says what is wrong
        _check_value(ctx, record, (name,), name, value, spec,
                     _status_values(pack, rtype) if name == "status" else None)
    _check_clauses(ctx, record, data.get("clauses"), ("clauses",))
    _check_placeholders(ctx, record)
    actions = data.get("actions")
    if actions is not None and not isinstance(actions, list):
        ctx.report("field.type", record.path, record.line("actions"), field="actions",
                   detail="must be a list of actions", fix="Write each action as '- id: …'.")
        return
    for index, item in enumerate(actions or []):
        if not isinstance(item, dict):
            ctx.report("field.type", record.path, record.line("actions", index),
                       field=f"actions[{index + 1}]", detail="must be a mapping with id, title, …",
                       fix="Write the action as '- id: …' followed by its fields.")
            continue
        _check_id(ctx, record, item.get("id"), ("actions", index, "id"), required=True)
        for name, value in item.items():
            spec = pack.action_fields.get(name)
            if spec is not None and value is not None:
                _check_value(ctx, record, ("actions", index, name),
                             f"{item.get('id') or 'action'}.{name}", value, spec, None)
        _check_clauses(ctx, record, item.get("clauses"), ("actions", index, "clauses"))


def _check_placeholders(ctx: Context, record: Record) -> None:
    """Template values left in front matter: content.placeholder at the field's line."""
    data = record.data
    fields: list[tuple[tuple[str | int, ...], Any]] = [((n,), data.get(n))
                                                       for n in PLACEHOLDER_FIELDS]
    attendees = data.get("attendees")
    if isinstance(attendees, list):
        fields += [(("attendees", i), v) for i, v in enumerate(attendees)]
    actions = data.get("actions")
    for index, item in enumerate(actions if isinstance(actions, list) else []):
        if isinstance(item, dict):
            fields += [(("actions", index, n), item.get(n)) for n in PLACEHOLDER_ACTION_FIELDS]
    for path, value in fields:
        if isinstance(value, str) and placeholder_value(value, ctx.pack):
            name = ".".join(str(p) for p in path if not isinstance(p, int))
            ctx.report("content.placeholder", record.path, record.line(*path),
                       what=f"field '{name}'", detail=f" ({value.strip()[:60]!r})")


def _status_values(pack: Any, rtype: Any) -> list[str]:
    kind = rtype.kind if rtype else "document"
    return list(pack.status_values.get(kind, []))


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


def _check_id(ctx: Context, record: Record, value: Any, path: tuple[str | int, ...],
              required: bool = False) -> None:
    if value is None:
        if required:
            ctx.report("field.required", record.path, record.line(*path), field="id",
                       type="action")
        return
    if not isinstance(value, str) or not ctx.pack.id_pattern.match(value):
        ctx.report("id.invalid", record.path, record.line(*path), value=value,
                   pattern=ctx.pack.id_pattern.pattern)


def _check_value(ctx: Context, record: Record, path: tuple[str | int, ...], label: str,
                 value: Any, spec: dict[str, Any], allowed: list[str] | None) -> None:
    kind = spec.get("type", "text")
    line = record.line(*path)
    if kind in ("text", "id"):
        problem = _not_text(value, record.front.raw.get(path))
        if problem:
            detail, fix = problem
            ctx.report("field.type", record.path, line, field=label, detail=detail, fix=fix)
    elif kind == "date":
        if not isinstance(value, dt.date) and not (isinstance(value, str) and _iso_date(value)):
            ctx.report("field.date", record.path, line, field=label, value=value)
    elif kind == "enum":
        values = spec.get("values") or allowed or []
        if values and (not isinstance(value, str) or value not in values):
            ctx.report("field.value", record.path, line, field=label, value=value,
                       allowed=", ".join(values))
    elif kind in ("list", "clauses"):
        if not isinstance(value, list):
            ctx.report("field.type", record.path, line, field=label, detail="must be a list",
                       fix=f"Write it as a list, e.g. {label.split('.')[-1]}: [\"…\"].")
        elif kind == "list":
            for index, item in enumerate(value):
                problem = _not_text(item, record.front.raw.get((*path, index)))
                if problem and (isinstance(item, bool) or not isinstance(item, int | float)):
                    ctx.report("field.type", record.path, record.line(*path, index),
                               field=f"{label}[{index + 1}]", detail=problem[0], fix=problem[1])


def _not_text(value: Any, raw: str | None) -> tuple[str, str] | None:
    """Why a value that should be text is not, as (detail, fix); None when it is text."""
    if isinstance(value, str):
        return None
    if isinstance(value, list | dict):  # never stringified: aliases can make it huge
        return "must be text, not a list or mapping", "Write a single line of text."
    shown = raw if raw is not None else str(value)
    quote = f"Put the value in quotes: '{shown}'."
    if isinstance(value, bool):
        return (f"is read by YAML 1.1 as the boolean {str(value).lower()} "
                f"(unquoted {shown!r} means {_WORDS_YAML_EATS[value]})", quote)
    if isinstance(value, dt.date):
        return f"is read as a date ({value.isoformat()}), not as text", quote
    if isinstance(value, int | float):
        if raw is not None and raw.strip() == str(value):
            return None  # a plain number such as version: 2 reads back unchanged
        return f"is read by YAML 1.1 as the number {value!r}, not as the text {shown!r}", quote
    return f"must be text, not {type(value).__name__}", quote


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(text: str) -> bool:
    """YYYY-MM-DD and a real calendar date (not a week date such as 2026-W32-2)."""
    if not _ISO_DATE.match(text.strip()):
        return False
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def _check_clauses(ctx: Context, record: Record, value: Any,
                   path: tuple[str | int, ...]) -> None:
    if not isinstance(value, list):
        return
    catalogue: Mapping[str, object] = ctx.pack.clauses
    edition = ctx.pack.edition
    if str(record.data.get("standard", "")).endswith("2011"):
        catalogue, edition = ctx.pack.crosswalk_2011, "2011"
    if not catalogue:
        return
    for index, clause in enumerate(value):
        number = str(clause).strip()
        if number not in catalogue:
            ctx.report("ref.clause-unknown", record.path, record.line(*path, index),
                       value=number, edition=edition)
