"""Interchange with the management-review assistant's `management-review.json`
(review_metadata, inputs, decisions), in both directions.

Its `linked_clause` values are ISO/IEC 20000-1:2011 numbers: an imported record holds their
2018 counterparts in `clauses` (through the pack's crosswalk) and keeps the originals in
`source_clauses`, so an export gives back exactly what was imported.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import frontmatter as pyfrontmatter

from ..authoring.scaffold import next_id
from ..core.model import ManagementReview, Repository, as_text
from ..core.rulepack import RulePack
from ..errors import UsageError

INPUT_HEADINGS = {
    "audit_results": "Audit results",
    "previous_actions_status": "Status of actions from previous reviews",
    "capa_followup": "CAPA follow-up (corrective and preventive actions)",
    "resource_requirements": "Resource requirements",
    "sms_status": "SMS status",
    "service_performance": "Service performance",
    "customer_satisfaction": "Customer satisfaction",
    "new_changed_services": "New or changed services",
    "risks_opportunities": "Risks and opportunities",
}
# The JSON key for a native record's section, by the 2018 input rule that matched it.
RULE_TO_KEY = {
    "review.input.previous-actions": "previous_actions_status",
    "review.input.context-changes": "context_changes",
    "review.input.nonconformities": "capa_followup",
    "review.input.monitoring": "monitoring_results",
    "review.input.audits": "audit_results",
    "review.input.improvement-opportunities": "improvement_opportunities",
    "review.input.feedback": "customer_satisfaction",
    "review.input.policies": "policies",
    "review.input.objectives": "objectives",
    "review.input.service-performance": "service_performance",
    "review.input.other-parties": "other_parties",
    "review.input.resources": "resource_requirements",
    "review.input.risks": "risks_opportunities",
}
MARKER = re.compile(r"<!--\s*smsdocs:input\s+([A-Za-z0-9_]+)\s*-->")
FIELD = re.compile(r"^- \*\*(?P<key>[A-Za-z0-9_]+)\*\*:\s?(?P<value>.*)$")
SUB_ITEM = re.compile(r"^\s{2,}- (?P<value>.*)$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
NAME = re.compile(r"^[A-Za-z0-9_]+$")
# The review_metadata fields an imported record takes (date is its own field); the rest are
# ignored and named on stderr, so that the JSON can never set id, type, status or clauses.
META_FIELDS = ("attendees", "cycle", "chair")
DECISION_FIELDS = ("id", "decision", "owner", "target_date", "status", "success_criteria",
                   "linked_clause")
# Characters that would turn imported text into Markdown or HTML structure; each is written
# with CommonMark's backslash escape and read back by `unescape`.
_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~!#])")
_LEADING = re.compile(r"^(\s*)([-+=]|\d+(?=[.)](?:\s|$)))")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


class InterchangeError(UsageError):
    """The JSON or the record cannot be converted."""


# ------------------------------------------------------------------------------- import
def escape(text: str) -> str:
    """Text from the JSON as one line of literal Markdown: no markup, no HTML, no structure."""
    text = _SPECIAL.sub(r"\\\1", " ".join(text.splitlines()))
    def mark(match: re.Match[str]) -> str:  # "\-" before a bullet, "1\." after a number
        lead, sign = match.groups()
        return lead + (sign + "\\" if sign[0].isdigit() else "\\" + sign)

    return _LEADING.sub(mark, text)


def unescape(text: str) -> str:
    """The text `escape` was given (CommonMark backslash escapes removed)."""
    return _ESCAPED.sub(r"\1", text)


def ignored_fields(data: Any) -> list[str]:
    """The fields of a management-review.json that import leaves out (unknown to smsdocs)."""
    if not isinstance(data, dict):
        return []
    meta = data.get("review_metadata")
    names = [f"review_metadata.{k}" for k in (meta if isinstance(meta, dict) else {})
             if k != "date" and k not in META_FIELDS]
    return names


def _scalar_text(value: Any) -> str:
    if isinstance(value, str):
        return escape(json.dumps(value) if NUMBER.match(value) or
                      value in ("true", "false", "null") or "\n" in value else value)
    return escape(json.dumps(value))


def _name(key: str, where: str) -> str:
    if not NAME.match(key):
        raise InterchangeError(f"{where} name {key!r} is not letters, digits and '_'")
    return key


def _input_markdown(key: str, value: Any) -> list[str]:
    key = _name(key, "inputs")
    lines = [f"## {INPUT_HEADINGS.get(key, key.replace('_', ' ').capitalize())}", "",
             f"<!-- smsdocs:input {key} -->"]
    if not isinstance(value, dict):
        value = {"summary": value}
    summary = value.get("summary")
    if isinstance(summary, str):
        lines += [escape(summary), ""]
    fields = [(_name(str(k), f"inputs.{key}"), v) for k, v in value.items()
              if not (k == "summary" and isinstance(v, str))]
    for name, item in fields:
        if isinstance(item, list):
            lines.append(f"- **{name}**:")
            lines += [f"    - {_scalar_text(v)}" for v in item]
        else:
            lines.append(f"- **{name}**: {_scalar_text(item)}")
    return [*lines, ""]


def _date(value: Any, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InterchangeError(f"{what} is not a date YYYY-MM-DD: {value!r}") from exc


def import_review(data: dict[str, Any], repo: Repository, pack: RulePack) -> tuple[str, str]:
    """A Markdown management review record from a management-review.json; (id, text)."""
    if not isinstance(data, dict) or not isinstance(data.get("review_metadata"), dict):
        raise InterchangeError("not a management-review.json: 'review_metadata' is missing")
    meta = data["review_metadata"]
    date = _date(meta.get("date"), "review_metadata.date")
    existing = set(repo.by_id) | set(repo.actions)
    record_id = next_id(existing, "MR", date.year, yearly=True)
    cycle = as_text(meta.get("cycle"))
    front: dict[str, Any] = {"id": record_id, "type": "management-review",
                             "title": f"Management review {cycle or date.isoformat()}",
                             "date": date}
    for key in META_FIELDS:
        if key in meta:
            front[key] = meta[key]
    front["clauses"] = ["9.3"]
    actions = []
    for index, decision in enumerate(data.get("decisions") or []):
        if not isinstance(decision, dict):
            raise InterchangeError(f"decisions[{index}] is not an object")
        action: dict[str, Any] = {"id": decision.get("id"), "title": decision.get("decision"),
                                  "owner": decision.get("owner")}
        if decision.get("target_date") is not None:
            action["target_date"] = _date(decision["target_date"],
                                          f"decisions[{index}].target_date")
        action["status"] = decision.get("status", "open")
        action["success_criteria"] = decision.get("success_criteria")
        source = decision.get("linked_clause")
        if source is not None:
            sources = [str(s) for s in (source if isinstance(source, list) else [source])]
            mapped = [c for s in sources for c in pack.crosswalk_2011.get(s, [])]
            action["clauses"] = list(dict.fromkeys(mapped)) or sources
            action["source_clauses"] = sources
        # Other action fields the pack knows (closed_on, evidence...) are kept; unknown ones
        # are dropped rather than written into the record.
        action.update({k: v for k, v in decision.items() if k not in DECISION_FIELDS
                       and k in pack.action_fields and k not in action})
        actions.append({k: v for k, v in action.items() if v is not None})
    front["actions"] = actions
    body = [f"# {escape(str(front['title']))}", ""]
    for key, value in (data.get("inputs") or {}).items():
        body += _input_markdown(str(key), value)
    body += ["## Decisions", ""]
    body += [f"- {escape(str(a.get('id')))}: {escape(str(a.get('title')))}"
             for a in actions] or ["- None recorded."]
    post = pyfrontmatter.Post("\n".join(body) + "\n", **front)
    return record_id, pyfrontmatter.dumps(post, sort_keys=False, allow_unicode=True) + "\n"


# ------------------------------------------------------------------------------- export
def _parse_scalar(text: str) -> Any:
    text = unescape(text.strip())
    if NUMBER.match(text):
        return float(text) if "." in text else int(text)
    if text.startswith('"') and text.endswith('"'):
        try:
            return json.loads(text)
        except ValueError:
            return text
    if text in ("true", "false", "null"):
        return json.loads(text)
    return text


def _parse_input(text: str) -> dict[str, Any]:
    """A section written by import (summary paragraph, then '- **key**: value' fields)."""
    result: dict[str, Any] = {}
    summary: list[str] = []
    current: str | None = None
    for line in text.split("\n"):
        if MARKER.fullmatch(line.strip()):
            continue
        field = FIELD.match(line)
        sub = SUB_ITEM.match(line)
        if field:
            current = field.group("key")
            value = field.group("value")
            result[current] = _parse_scalar(value) if value.strip() else []
        elif sub and current is not None and isinstance(result.get(current), list):
            result[current].append(_parse_scalar(sub.group("value")))
        elif line.strip() and current is None:
            summary.append(unescape(line.strip()))
    if summary:
        result = {"summary": " ".join(summary), **result}
    return result


def export_review(review: ManagementReview, pack: RulePack) -> dict[str, Any]:
    """A management-review.json object from a review record."""
    meta: dict[str, Any] = {"date": str(review.date) if review.date else None}
    for key in ("attendees", "cycle", "chair"):
        if key in review.data:
            meta[key] = review.data[key]
    inputs: dict[str, Any] = {}
    from ..checks.sections import sections_by_rule

    rules = [pack.rules[r] for r in RULE_TO_KEY if r in pack.rules]
    found = sections_by_rule(review, pack)
    for section in review.sections:
        if section.level != 2:
            continue
        marker = MARKER.search(section.text)
        if marker:
            inputs[marker.group(1)] = _parse_input(section.text)
            continue
        for rule in rules:
            if rule.section and section in found.get(rule.id, []):
                inputs.setdefault(RULE_TO_KEY[rule.id], {"summary": section.text.strip()})
                break
    decisions = []
    for action in review.actions:
        data = action.data
        decision: dict[str, Any] = {"id": action.id, "decision": action.title,
                                    "owner": action.owner,
                                    "target_date": str(action.target_date or "") or None,
                                    "success_criteria": data.get("success_criteria")}
        sources = data.get("source_clauses") or action.clauses
        if sources:
            decision["linked_clause"] = sources[0] if len(sources) == 1 else list(sources)
        decisions.append({k: v for k, v in decision.items() if v is not None})
    return {"review_metadata": meta, "inputs": inputs, "decisions": decisions}
