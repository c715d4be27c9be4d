"""Revision and status history for handbook pages, from one read of the git history.

The plugin opens one :class:`~smsdocs.git.history.RepositoryHistory` per build (one ``git log``
pass and one ``git cat-file --batch`` process for the whole repository) and hands it to the
handbook; pages only look answers up here, and each answer is computed once. Without git
(outside a work tree, git missing, any git error) every answer is empty, so the history
sections are silently absent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..git.history import ActionEvent, GitError, RepositoryHistory, Revision


@dataclass(frozen=True, slots=True)
class RevisionRow:
    """One line of a page's revision history."""

    date: dt.date
    author: str
    subject: str
    version: str
    commit: str
    change: str  # A added, M modified, R renamed, D deleted

    @property
    def short(self) -> str:
        return self.commit[:10]


@dataclass(frozen=True, slots=True)
class EventRow:
    """One line of an action's status history."""

    date: dt.date
    kind: str  # opened, status, target-date, removed
    change: str
    status: str
    target_date: dt.date | None
    days: int  # how far a target date moved (positive: slipped)
    author: str
    subject: str
    commit: str

    @property
    def slipped(self) -> bool:
        return self.kind == "target-date" and self.days > 0


class HistoryView:
    """Cached, failure-proof look-ups into one repository history (or none)."""

    def __init__(self, history: RepositoryHistory | None) -> None:
        self.history = history
        self._revisions: dict[str, list[RevisionRow]] = {}
        self._events: dict[tuple[str, str], list[EventRow]] = {}

    @property
    def available(self) -> bool:
        return self.history is not None and bool(self.history.commits)

    def revisions(self, path: str) -> list[RevisionRow]:
        """The committed versions of a repository file, newest first."""
        if not self.available:
            return []
        rows = self._revisions.get(path)
        if rows is None:
            try:
                found: list[Revision] = self.history.revisions(path)  # type: ignore[union-attr]
            except (GitError, OSError, ValueError):
                found = []
            rows = self._revisions[path] = [
                RevisionRow(date=r.date.date(), author=r.author, subject=r.subject,
                            version=r.version, commit=r.commit, change=r.change)
                for r in reversed(found)]
        return rows

    def action_events(self, action_id: str, path: str) -> list[EventRow]:
        """What happened to an action, oldest first (path: the record file that holds it)."""
        if not self.available:
            return []
        key = (action_id, path)
        rows = self._events.get(key)
        if rows is None:
            try:
                found: list[ActionEvent] = self.history.action_history(  # type: ignore[union-attr]
                    action_id, path)
            except (GitError, OSError, ValueError):
                found = []
            rows = self._events[key] = [
                EventRow(date=e.date.date(), kind=e.kind, change=e.change, status=e.status,
                         target_date=e.target_date, days=e.days, author=e.author,
                         subject=e.subject, commit=e.commit)
                for e in found]
        return rows

    def slips(self, action_id: str, path: str) -> int:
        """How often an action's target date moved later over its whole history."""
        return sum(1 for e in self.action_events(action_id, path) if e.slipped)

    def close(self) -> None:
        if self.history is not None:
            self.history.close()
