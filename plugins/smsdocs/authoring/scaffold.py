"""`smsdocs new`: scaffold a document or record with every required section as a prompt.

The sections come from the pack's rules for the type, so a template never drifts from what
`smsdocs check` asks for. Files are written atomically and never over an existing file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..core import wording, writer
from ..core.model import Repository
from ..core.rulepack import RulePack
from ..errors import UsageError

SCAFFOLD_TYPES = ("management-review", "action", "nonconformity", "internal-audit", "policy",
                  "procedure")
DEFAULT_FOLDERS = {
    "management-review": "records/management-reviews", "internal-audit": "records/audits",
    "nonconformity": "records/nonconformities", "service-report": "records/service-reports",
    "policy": "docs/policies", "procedure": "docs/procedures",
}
PROMPT = "[describe: {text}]"
DECISION_HORIZON = dt.timedelta(days=90)


class ScaffoldError(UsageError):
    """The file cannot be scaffolded (unknown type, file exists, bad target)."""


@dataclass(slots=True)
class Scaffold:
    """A file to write: where, and its full text."""

    path: Path
    text: str
    id: str


def next_id(existing: set[str], prefix: str, year: int, yearly: bool) -> str:
    """The next free id in the house pattern of the existing ids with this prefix."""
    yearly_re = re.compile(rf"^{re.escape(prefix)}-(\d{{4}})-(\d+)$")
    plain_re = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
    this_year = [m for m in map(yearly_re.match, existing) if m and int(m.group(1)) == year]
    if this_year or (yearly and not any(plain_re.match(i) for i in existing)):
        width = max((len(m.group(2)) for m in this_year), default=2)
        number = max((int(m.group(2)) for m in this_year), default=0) + 1
        return f"{prefix}-{year}-{number:0{width}d}"
    plain = [m for m in map(plain_re.match, existing) if m]
    width = max((len(m.group(1)) for m in plain), default=3)
    number = max((int(m.group(1)) for m in plain), default=0) + 1
    return f"{prefix}-{number:0{width}d}"


def yaml_text(value: str) -> str:
    """A YAML scalar that always reads back as this text (never as bool, number or date)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sections_for(pack: RulePack, record_type: str) -> list[tuple[str, str]]:
    """(heading, prompt) for every section rule of the type, in pack order, once per heading.

    The prompt says what an auditor expects there and which clause asks for it."""
    result: list[tuple[str, str]] = []
    seen: set[str] = set()
    for rule in pack.rules_for(record_type, "section"):
        if rule.section is None or rule.id in pack.disabled:
            continue
        heading = wording.heading(rule)
        if heading.lower() in seen:
            continue
        seen.add(heading.lower())
        result.append((heading, PROMPT.format(
            text=f"{rule.description.rstrip('.')} (clause {rule.clause})")))
    return result


def build(repo: Repository, pack: RulePack, record_type: str, title: str | None,
          date: dt.date, root: Path, out: Path | None = None,
          taken: set[str] | None = None) -> Scaffold:
    """Compose the file for a new record of a type (not written yet); ids in `taken` are
    skipped as if a record held them."""
    rtype = pack.types.get(record_type)
    if rtype is None:
        known = ", ".join(sorted(pack.types))
        raise ScaffoldError(f"unknown type '{record_type}' (known: {known})")
    existing = set(repo.by_id) | set(repo.actions) | (taken or set())
    prefix = rtype.id_prefix or record_type.split("-")[0].upper()
    new_id = next_id(existing, prefix, date.year, yearly=rtype.kind == "record")
    lines = ["---", f"id: {new_id}", f"type: {record_type}",
             f"title: {yaml_text(title or f'{rtype.title} {new_id}')}"]
    clauses = ", ".join(f'"{c}"' for c in rtype.clauses)
    if rtype.kind == "document":
        lines += ['owner: "[insert owner]"', "status: draft", 'version: "0.1"',
                  f"clauses: [{clauses}]"]
    else:
        lines += [f"date: {date.isoformat()}", f"clauses: [{clauses}]"]
        for field in rtype.required:
            if field not in ("title", "date"):
                lines.append(f'{field}: "[insert {field.replace("_", " ")}]"')
        if record_type == "management-review":
            lines += ['attendees: ["[insert attendee]"]']
    body_extra: dict[str, list[str]] = {}
    if rtype.action_prefix:  # types that raise actions start with one unwritten action
        action_id = next_id(existing, rtype.action_prefix, date.year, yearly=False)
        what = "decision" if record_type == "management-review" else "action"
        lines += ["actions:", f"  - id: {action_id}",
                  f'    title: "[describe the {what}]"', '    owner: "[insert owner]"',
                  f"    target_date: {(date + DECISION_HORIZON).isoformat()}", "    status: open",
                  '    success_criteria: "[describe how success will be measured]"',
                  f"    clauses: [{clauses}]"]
    if record_type == "management-review":
        body_extra = _review_context(repo, date)
    lines += ["---", "", f"# {title or rtype.title}", ""]
    for heading, prompt in sections_for(pack, record_type):
        lines += [f"## {heading}", "", prompt, ""]
        for key, extra in body_extra.items():
            if key in heading.lower():
                lines += [*extra, ""]
    folder = _folder(repo, record_type, root)
    path = out or folder / f"{new_id.lower()}.md"
    return Scaffold(path=path, text="\n".join(lines), id=new_id)


def _review_context(repo: Repository, date: dt.date) -> dict[str, list[str]]:
    """What a new review knows already: the previous review and the actions to follow up."""
    reviews = sorted((r for r in repo.records if r.type == "management-review" and r.date
                      and r.date <= date), key=lambda r: r.date or date)
    if not reviews:
        return {"previous": ["This is the first management review: there is no previous "
                             "review and there are no previous actions to follow up."]}
    previous = reviews[-1]
    follow = [f"- {a.id} — {a.title} (owner {a.owner or '?'}, target "
              f"{a.target_date or '?'}, raised in {a.record.id}): [describe its status now]"
              for r in reviews for a in r.actions if not a.is_closed]
    intro = f"Previous review: {previous.id} ({previous.date})."
    return {"previous": [intro, "", *follow] if follow else
            [intro, "All of its actions are closed."]}


def _folder(repo: Repository, record_type: str, root: Path) -> Path:
    same = sorted(r.path for r in repo.records if r.type == record_type)
    if same:
        return root / Path(same[-1]).parent
    default = DEFAULT_FOLDERS.get(record_type, f"docs/{record_type}s")
    return root / default


def write_new(path: Path, text: str) -> None:
    """Write a new file atomically with the user's umask; never over an existing file and
    never through a symlink (see `writer.create`)."""
    writer.create(path, text)


def action_snippet(repo: Repository, pack: RulePack, record_id: str | None, title: str | None,
                   date: dt.date) -> tuple[str, str]:
    """The next free action id and a YAML entry to add under a record's 'actions:'."""
    record = repo.by_id.get(record_id) if record_id else None
    rtype = pack.types.get(record.type) if record else None
    prefix = (rtype.action_prefix if rtype and rtype.action_prefix else
              f"{record.id.split('-')[0]}-ACT" if record else "ACT")
    action_id = next_id(set(repo.actions) | set(repo.by_id), prefix, date.year, yearly=False)
    clauses = ", ".join(f'"{c}"' for c in (record.clauses if record else []))
    entry = "\n".join([
        f"  - id: {action_id}", f"    title: {yaml_text(title or '[describe the action]')}",
        '    owner: "[insert owner]"', f"    target_date: {(date + DECISION_HORIZON).isoformat()}",
        "    status: open", '    success_criteria: "[describe how success will be measured]"',
        f"    clauses: [{clauses}]"])
    return action_id, entry
