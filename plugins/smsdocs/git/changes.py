"""What a pull request changes in the SMS, and which findings it is answerable for.

``changed_files`` asks git (three calls, whatever the size of the repository) which files
under the SMS folders differ from the merge-base with a reference: committed since the
merge-base, staged, unstaged and untracked. ``summarize`` compares the documents, records
and actions of those files at the merge-base with the working tree. ``in_scope`` keeps the
findings in changed files plus those the change caused elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from ..core.findings import Finding
from ..core.model import ACTION_DONE, Repository, as_date, as_text
from ..core.rulepack import RulePack, clause_key
from ..errors import UsageError
from .history import GitError, GitRepo, RepositoryHistory, raw_changes


# ------------------------------------------------------------------------------ the files
@dataclass
class ChangedFiles:
    """Files under the SMS folders that differ from the merge-base (SMS-root-relative)."""

    ref: str
    merge_base: str
    status: dict[str, str] = field(default_factory=dict)  # path now -> A/M/D/R/T/?
    base_path: dict[str, str] = field(default_factory=dict)  # path now -> path at base
    base_blob: dict[str, str] = field(default_factory=dict)  # path at base -> blob id
    config_changed: bool = False

    @property
    def paths(self) -> set[str]:
        """Changed paths that exist now (deleted files excluded)."""
        return {p for p, s in self.status.items() if s != "D"}


def changed_files(repo: GitRepo, ref: str, paths: list[str], config_file: str = ""
                  ) -> ChangedFiles:
    """Which SMS files a change touches, compared with the merge-base of ref and HEAD."""
    resolved = repo.run("rev-parse", "--verify", "-q", f"{ref}^{{commit}}", check=False)
    if not resolved.strip():
        raise UsageError(f"--base: '{ref}' is not a commit in this repository "
                        "(fetch it first, e.g. git fetch origin main)")
    base = resolved.decode().strip()
    if repo.has_head():
        merge = repo.run("merge-base", base, "HEAD", check=False).decode().strip()
        base = merge.split("\n")[0] if merge else base
    result = ChangedFiles(ref=ref, merge_base=base)
    specs = repo.pathspecs(paths)
    watched = [*specs, *repo.pathspecs([config_file] if config_file else
                                       ["smsdocs.yml", "smsdocs.yaml"])]
    raw = repo.run("diff", "--raw", "-z", "--no-abbrev", "-M", "--no-color", "--no-ext-diff",
                   base, "--", *watched)
    for change in raw_changes(raw.decode("utf-8", "surrogateescape").split("\0")):
        status, old_blob = change.status[0], change.old_blob
        now = repo.from_top(change.path)
        before = repo.from_top(change.old_path or change.path)
        if now is None:
            continue
        if not now.endswith(".md"):  # images, assets, the configuration
            if now in (config_file, "smsdocs.yml", "smsdocs.yaml"):
                result.config_changed = True
            continue
        result.status[now] = status
        if status != "A" and before is not None:
            result.base_path[now] = before
            result.base_blob[before] = old_blob
    untracked = repo.run("ls-files", "-z", "--others", "--exclude-standard", "--", *specs)
    for name in untracked.decode("utf-8", "surrogateescape").split("\0"):
        now = repo.from_top(name) if name else None
        if now and now.endswith(".md"):
            result.status[now] = "A"
    return result


# ------------------------------------------------------------------------------ scope
def base_ids(repo: Repository, changed: ChangedFiles, history: RepositoryHistory | None
             ) -> set[str]:
    """Ids (records and actions) that existed at the merge-base."""
    ids: set[str] = set()
    for record in repo.records:
        if record.path in changed.status:
            continue  # unchanged files are as they were at the base
        ids.add(record.id)
        ids.update(a.id for a in record.actions)
    for data in _base_fronts(changed, history).values():
        ids.add(as_text(data.get("id")))
        for item in data.get("actions") or [] if isinstance(data.get("actions"), list) else []:
            if isinstance(item, dict):
                ids.add(as_text(item.get("id")))
    ids.discard("")
    return ids


def in_scope(findings: list[Finding], repo: Repository, changed: ChangedFiles,
             known_at_base: set[str]) -> tuple[list[Finding], int]:
    """The findings a change is answerable for, and how many others were left out.

    Kept: findings in changed files; a ``ref.unknown`` elsewhere about an id that existed at
    the base (the change removed it); an ``id.duplicate`` elsewhere whose id also occurs in a
    changed file. A changed smsdocs.yml puts every file in scope.
    """
    if changed.config_changed:
        return list(findings), 0
    paths = changed.paths
    where: dict[str, set[str]] = {}
    for record in repo.records:
        where.setdefault(record.id, set()).add(record.path)
        for action in record.actions:
            where.setdefault(action.id, set()).add(record.path)
    kept = []
    for finding in findings:
        if (finding.file in paths
                or (finding.rule == "ref.unknown" and finding.subject in known_at_base)
                or (finding.rule == "id.duplicate"
                    and where.get(finding.subject, set()) & paths)):
            kept.append(finding)
    return kept, len(findings) - len(kept)


def _base_fronts(changed: ChangedFiles, history: RepositoryHistory | None
                 ) -> dict[str, dict[str, Any]]:
    """Front matter at the merge-base of every changed (or deleted) file that existed there."""
    if history is None or not changed.base_blob:
        return {}
    history.prefetch(changed.base_blob.values())
    return {path: history.front(blob) for path, blob in changed.base_blob.items()}


# ------------------------------------------------------------------------------ summary
@dataclass
class DocumentChange:
    """A document or record added, changed or retired by the change."""

    change: str  # added | changed | retired
    id: str
    type: str
    title: str
    path: str
    detail: str = ""


@dataclass
class ActionChange:
    """An action opened, closed, cancelled, reopened, removed or slipped by the change."""

    change: str  # opened | closed | cancelled | reopened | removed | slipped
    id: str
    title: str
    path: str
    status: str = ""
    old_target: str = ""
    new_target: str = ""
    days: int = 0  # how far the target moved, for slips
    slips: int = 0  # how often the action slipped over its whole history (this one included)


@dataclass
class ChangeSummary:
    """What a pull request changes in the SMS."""

    ref: str
    merge_base: str
    files: list[str]
    documents: list[DocumentChange] = field(default_factory=list)
    actions: list[ActionChange] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    clause_titles: dict[str, str] = field(default_factory=dict)
    out_of_scope: int = 0  # findings in untouched files that were left out
    config_changed: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "base": self.ref, "merge_base": self.merge_base, "files": self.files,
            "config_changed": self.config_changed,
            "documents": [asdict(d) for d in self.documents],
            "actions": [asdict(a) for a in self.actions],
            "clauses": self.clauses, "findings_not_shown": self.out_of_scope,
        }

    def of(self, change: str) -> list[ActionChange]:
        return [a for a in self.actions if a.change == change]


def summarize(repo: Repository, changed: ChangedFiles, history: RepositoryHistory | None,
              pack: RulePack) -> ChangeSummary:
    """Compare the changed files at the merge-base with the working tree."""
    summary = ChangeSummary(ref=changed.ref, merge_base=changed.merge_base,
                            files=sorted(changed.status), config_changed=changed.config_changed)
    before = _base_fronts(changed, history)
    old_records: dict[str, tuple[str, dict[str, Any]]] = {}
    for path, data in before.items():
        if as_text(data.get("id")) and data.get("type"):
            old_records.setdefault(as_text(data.get("id")), (path, data))
    now_records = {r.id: r for r in repo.records if r.id}
    clauses: set[str] = set()

    def touch(data: dict[str, Any]) -> None:
        rtype = pack.types.get(as_text(data.get("type")))
        clauses.update(rtype.clauses if rtype else [])
        clauses.update(_texts(data.get("clauses")))

    for record in sorted(repo.records, key=lambda r: r.path):
        if record.path not in changed.status or not record.id:
            continue
        old = old_records.get(record.id)
        if old is None:
            summary.documents.append(DocumentChange(
                "added", record.id, record.type, record.title, record.path,
                _describe_new(record.data)))
            touch(record.data)
            continue
        old_data = old[1]
        retired = record.status == "retired" and as_text(old_data.get("status")) != "retired"
        change = "retired" if retired else "changed"
        summary.documents.append(DocumentChange(
            change, record.id, record.type, record.title, record.path,
            _describe_change(old_data, record.data, old[0], record.path)))
        touch(record.data)
        touch(old_data)
    for identifier, (path, data) in sorted(old_records.items()):
        if identifier not in now_records:
            summary.documents.append(DocumentChange(
                "retired", identifier, as_text(data.get("type")), as_text(data.get("title")),
                path, "file deleted" if changed.status.get(path) == "D" else "id removed"))
            touch(data)
    _summarize_actions(summary, repo, changed, before, history, clauses)
    summary.clauses = sorted(clauses, key=clause_key)
    summary.clause_titles = {c: pack.clauses[c].title for c in summary.clauses
                             if c in pack.clauses}
    return summary


def _texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [as_text(v).strip() for v in value if v is not None]
    return [as_text(value).strip()] if value else []


def _describe_new(data: dict[str, Any]) -> str:
    parts = [f"status {as_text(data.get('status'))}" if data.get("status") else "",
             f"version {as_text(data.get('version'))}" if data.get("version") else ""]
    return ", ".join(p for p in parts if p)


def _describe_change(old: dict[str, Any], new: dict[str, Any], old_path: str,
                     new_path: str) -> str:
    parts = []
    for name in ("status", "version", "approved_on", "owner"):
        a, b = as_text(old.get(name)), as_text(new.get(name))
        if a != b:
            parts.append(f"{name.replace('_', ' ')} {a or '—'} → {b or '—'}")
    if old_path != new_path:
        parts.append(f"moved from {old_path}")
    return ", ".join(parts) or "content edited"


def _actions_of(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    actions = data.get("actions")
    return {as_text(a.get("id")): a for a in (actions if isinstance(actions, list) else [])
            if isinstance(a, dict) and a.get("id")}


def _summarize_actions(summary: ChangeSummary, repo: Repository, changed: ChangedFiles,
                       before: dict[str, dict[str, Any]], history: RepositoryHistory | None,
                       clauses: set[str]) -> None:
    old_actions: dict[str, dict[str, Any]] = {}
    for data in before.values():
        old_actions.update(_actions_of(data))
    now_ids = set(repo.actions)
    for record in sorted(repo.records, key=lambda r: r.path):
        if record.path not in changed.status:
            continue
        for action in record.actions:
            if not action.id:
                continue
            old = old_actions.get(action.id)
            status = action.status
            target = action.target_date
            entry = ActionChange("", action.id, action.title, record.path, status=status,
                                 new_target=str(target or ""))
            old_status = (as_text(old.get("status")) or "open") if old is not None else ""
            if old is None:
                entry.change = ("closed" if status == "done" else
                                "cancelled" if status == "cancelled" else "opened")
            elif status != old_status and status == "done":
                entry.change = "closed"
            elif status != old_status and status == "cancelled":
                entry.change = "cancelled"
            elif old_status in ACTION_DONE and status not in ACTION_DONE:
                entry.change = "reopened"
            if entry.change:
                summary.actions.append(entry)
                clauses.update(action.clauses)
            old_target = as_date(old.get("target_date")) if old is not None else None
            if old_target and target and target > old_target:
                slip = ActionChange("slipped", action.id, action.title, record.path,
                                    status=status, old_target=str(old_target),
                                    new_target=str(target), days=(target - old_target).days)
                slip.slips = _slip_count(history, action.id, record.path, target)
                summary.actions.append(slip)
                clauses.update(action.clauses)
    for identifier, data in sorted(old_actions.items()):
        if identifier not in now_ids:
            summary.actions.append(ActionChange(
                "removed", identifier, as_text(data.get("title")), "",
                status=as_text(data.get("status"))))
            clauses.update(_texts(data.get("clauses")))


def _slip_count(history: RepositoryHistory | None, action_id: str, path: str,
                target_now: dt.date) -> int:
    """Slips of an action over its whole history, the uncommitted one included."""
    if history is None:
        return 1
    events = history.action_history(action_id, path)
    count = sum(1 for e in events if e.slipped)
    committed = next((e.target_date for e in reversed(events) if e.kind != "removed"), None)
    if committed is None or target_now > committed:
        count += 1  # the working tree moves it (again)
    return max(count, 1)


__all__ = ["ActionChange", "ChangeSummary", "ChangedFiles", "DocumentChange", "GitError",
           "base_ids", "changed_files", "in_scope", "summarize"]
