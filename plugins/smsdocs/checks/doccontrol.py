"""Document control (7.5.3) from the git history: approved documents and approved review
decisions that were changed after their approval.

The approval of a document is the commit that set its current ``version`` and
``approved_on``; commits after it (dated after ``approved_on``) that change the file while
those stay the same, and an uncommitted edit, are changes without approval. Same-day edits
up to ``approved_on`` count as part of the approved text.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.context import Context
from ..core.loader import SourceFile, decode
from ..core.model import Record, Repository, as_date, as_text
from ..git.history import FileChange, RepositoryHistory

DECISION_FIELDS = ("title", "decision", "owner", "success_criteria")
Key = Callable[[dict[str, Any]], tuple[str, ...]]


def checker(history: RepositoryHistory, today: dt.date | None = None
            ) -> Callable[[Context, Repository, list[SourceFile]], None]:
    """A check for ``validate(extra_checks=...)`` bound to one repository history; an
    uncommitted edit counts as made on ``today``, by default the run's as-of date."""
    def run(ctx: Context, repo: Repository, sources: list[SourceFile]) -> None:
        check(ctx, repo, history, today or ctx.as_of)
    return run


def check(ctx: Context, repo: Repository, history: RepositoryHistory, today: dt.date) -> None:
    """Report doc.changed-after-approval and record.decision-edited for every record."""
    root = Path(repo.root)
    if history.problems:  # reported once, however many commits could not be read
        ctx.report("history.unreadable", ".", 1, detail=history.problems[0],
                   count=len(history.problems))
    dirty = history.dirty()
    todo = []
    for record in repo.records:
        if record.status != "approved":
            continue
        rtype = ctx.pack.types.get(record.type)
        if rtype is not None and rtype.kind == "document":
            todo.append((record, _check_document))
        elif record.type == "management-review":
            todo.append((record, _check_review))
    # one round trip to git for every blob any of the checks below may need
    history.prefetch(change.blob for record, _ in todo
                     for change in candidates(history, record.path,
                                              as_date(record.data.get("approved_on")),
                                              record.path in dirty) or [])
    for record, run_check in todo:
        try:
            run_check(ctx, history, record, root, dirty, today)
        except Exception as exc:  # noqa: BLE001 - history trouble never stops the run
            ctx.report("check.crashed", record.path, 1,
                       detail=f"document control: {type(exc).__name__}: {exc}")


def _document_key(data: dict[str, Any]) -> tuple[str, ...]:
    return (as_text(data.get("version")).strip(), str(as_date(data.get("approved_on"))))


def _review_key(data: dict[str, Any]) -> tuple[str, ...]:
    return (as_text(data.get("status")), str(as_date(data.get("approved_on"))))


def candidates(history: RepositoryHistory, path: str, approved_on: dt.date | None,
               dirty: bool) -> list[FileChange] | None:
    """The commits (newest first) among which the approval of a file can be, or None when
    the answer is known without reading any content."""
    chain = history.changes(path)
    if not chain or chain[0].status == "D":
        return None  # not committed yet: the working tree is the first approval
    if approved_on is None:
        return chain
    if chain[0].commit.committed.date() <= approved_on and not dirty:
        return None  # every commit is from before the approval date; nothing uncommitted
    for position, change in enumerate(chain):
        if change.commit.committed.date() <= approved_on:
            return chain[: position + 1]
    return chain


def approval(history: RepositoryHistory, path: str, key: Key, current: dict[str, Any],
             approved_on: dt.date | None, dirty: bool, today: dt.date
             ) -> tuple[FileChange, list[FileChange], bool] | None:
    """Where the approved text of a file is, and what changed it since.

    Returns (the commit holding the approved text, the later commits that changed the file
    without a new approval -- oldest first, whether an uncommitted edit does too), or None
    when nothing changed the file after its approval.
    """
    chain = candidates(history, path, approved_on, dirty)
    if chain is None:
        return None
    wanted = key(current)
    run: list[FileChange] = []
    # the chain ends at the newest commit dated up to approved_on (see candidates): edits
    # up to the approval date are part of the approved text
    for change in chain:
        if change.status == "D" or key(history.fields(change.blob)) != wanted:
            break
        run.append(change)
    if not run:
        return None  # the working tree carries a new approval
    edits = list(reversed(run[:-1]))
    uncommitted = dirty and (approved_on is None or today > approved_on)
    if not edits and not uncommitted:
        return None
    return run[-1], edits, uncommitted


def first_changed_line(old: str, new: str) -> int:
    """The 1-based line of the new text where it first differs from the old (difflib)."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, _i1, _i2, j1, _j2 in matcher.get_opcodes():
        if tag != "equal":
            return max(1, min(j1 + 1, len(new_lines)))
    return 1


def _by(change: FileChange | None) -> str:
    if change is None:
        return "an uncommitted edit"
    commit = change.commit
    return (f"commit {commit.short} ({commit.author}, {commit.committed.date()}: "
            f"\"{commit.subject}\")")


def _current_text(root: Path, record: Record) -> str:
    return decode((root / record.path).read_bytes(), "replace")


def _check_document(ctx: Context, history: RepositoryHistory, record: Record, root: Path,
                    dirty: set[str], today: dt.date) -> None:
    approved_on = as_date(record.data.get("approved_on"))
    if approved_on is None:
        return  # field.required / field.date report that
    found = approval(history, record.path, _document_key, record.data, approved_on,
                     record.path in dirty, today)
    if found is None:
        return
    baseline, edits, _uncommitted = found
    approved_text = history.text(baseline.blob)
    current_text = _current_text(root, record)
    if approved_text == current_text:
        return  # edited and reverted
    culprit = edits[0] if edits else None
    ctx.report("doc.changed-after-approval", record.path,
               first_changed_line(approved_text, current_text), id=record.id,
               type=record.type, version=as_text(record.data.get("version")),
               approved_on=approved_on, by=_by(culprit), value=record.id,
               commit=culprit.commit.sha if culprit else "")


def _decisions(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    actions = data.get("actions")
    result: dict[str, dict[str, str]] = {}
    for item in actions if isinstance(actions, list) else []:
        if isinstance(item, dict) and item.get("id"):
            result[str(item["id"])] = {f: as_text(item.get(f)).strip() for f in DECISION_FIELDS}
    return result


def _check_review(ctx: Context, history: RepositoryHistory, record: Record, root: Path,
                  dirty: set[str], today: dt.date) -> None:
    approved_on = as_date(record.data.get("approved_on"))
    found = approval(history, record.path, _review_key, record.data, approved_on,
                     record.path in dirty, today)
    if found is None:
        return
    baseline, edits, _uncommitted = found
    approved = _decisions(history.front(baseline.blob))
    now = _decisions(record.data)
    if approved == now:
        return
    history.prefetch(e.blob for e in edits)
    states = [(e, _decisions(history.front(e.blob))) for e in edits]

    def culprit(test: Callable[..., bool]) -> FileChange | None:  # test(state), loop vars bound
        return next((e for e, state in states if test(state)), None)

    by_id = {a.id: a for a in record.actions}
    for action_id, fields in approved.items():
        action = by_id.get(action_id)
        if action is None:
            who = culprit(lambda s, a=action_id: a not in s)
            ctx.report("record.decision-edited", record.path, record.line("actions"),
                       action=action_id, id=record.id, detail="the decision was removed",
                       by=_by(who))
            continue
        for name in DECISION_FIELDS:
            new = now[action_id][name]
            if new == fields[name]:
                continue
            who = culprit(lambda s, a=action_id, n=name, old=fields[name]:
                          a in s and s[a][n] != old)
            label = name.replace("_", " ")
            ctx.report("record.decision-edited", record.path,
                       action.line(name) if name in action.data else action.line("id"),
                       action=action_id, id=record.id,
                       detail=f"{label} changed from '{fields[name]}' to '{new}'", by=_by(who))
    for action_id in now:
        if action_id not in approved:
            action = by_id[action_id]
            who = culprit(lambda s, a=action_id: a in s)
            ctx.report("record.decision-edited", record.path, action.line("id"),
                       action=action_id, id=record.id, detail="the decision was added",
                       by=_by(who))
