"""More handbook pages and page sections: validation rules, writing progress, the input pack
for the next review, KPI trends, review reports and git history.

The Handbook (render.py) asks this module for its extra generated pages, their template
context, and the HTML appended to record and action pages; everything here is rendered with
the handbook's autoescaping Jinja2 environment.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..core.model import ManagementReview
from ..git.history import RepositoryHistory
from . import pages_review, pages_rules, progress
from .graph import REGISTERS_DIR, Graph
from .history_view import HistoryView

if TYPE_CHECKING:
    from .render import Handbook

RULES_PAGE = f"{REGISTERS_DIR}/rules.md"
PROGRESS_PAGE = f"{REGISTERS_DIR}/progress.md"
INPUT_PACK_PAGE = f"{REGISTERS_DIR}/input-pack.md"
KPI_PAGE = f"{REGISTERS_DIR}/kpis.md"

# (src, title, key): the key names the template (<key>.html) and the context below
PAGES = [(PROGRESS_PAGE, "Writing progress", "progress"),
         (RULES_PAGE, "Validation rules", "rules"),
         (INPUT_PACK_PAGE, "Input pack for the next management review", "input-pack"),
         (KPI_PAGE, "KPIs and action burn-down", "kpis")]
PAGE_SRC = {key: src for src, _, key in PAGES}


class Extensions:
    """The extra pages and page sections of one handbook build."""

    def __init__(self, handbook: Handbook, history: RepositoryHistory | None = None) -> None:
        self.handbook = handbook
        self.history = HistoryView(history)

    @property
    def graph(self) -> Graph:
        return self.handbook.graph

    def pages(self) -> list[tuple[str, str, str]]:
        return list(PAGES)

    @cached_property
    def progress(self) -> progress.Progress:
        return progress.compute(self.graph)

    def context(self, key: str) -> dict[str, Any] | None:
        """The template context of one of the extra pages (None for another key)."""
        g = self.graph
        common = {"extra_pages": PAGE_SRC}
        if key == "rules":
            return {**common, **pages_rules.context(g.result.pack)}
        if key == "progress":
            return {**common, "progress": self.progress}
        if key == "input-pack":
            return {**common, **pages_review.input_pack(g.result.repo, g.as_of, self.history)}
        if key == "kpis":
            return {**common, **pages_review.kpis(g.result.repo, g.as_of)}
        return None

    def record_footer(self, src: str) -> str:
        """What follows a document or record page's own text: a review's decisions (or
        the actions a record raised), the revision history and the pages that mention it."""
        record = self.handbook.record_at(src)
        if record is None:
            return ""
        revisions = self.history.revisions(record.path)
        review = record if isinstance(record, ManagementReview) else None
        raised = [a for a in record.actions if a.id in self.graph.action_src]
        mentioned = [p for p in self.graph.mentions.get(record.id, []) if p != record.path]
        if not revisions and review is None and not raised and not mentioned:
            return ""
        ctx = self.handbook.template_context(src)
        ctx.update(record=record, revisions=revisions, extra_pages=PAGE_SRC, raised=raised,
                   mentioned=mentioned,
                   decisions=pages_review.decisions(review, self.history) if review else None)
        return self.handbook.env.get_template("record_footer.html").render(ctx)

    def action_footer(self, action_id: str, here: str) -> str:
        """An action page's status history (empty without git history)."""
        action = self.graph.result.repo.actions.get(action_id)
        if action is None:
            return ""
        events = self.history.action_events(action_id, action.record.path)
        if not events:
            return ""
        ctx = self.handbook.template_context(here)
        ctx.update(action=action, events=events)
        return self.handbook.env.get_template("action_history.html").render(ctx)

    def close(self) -> None:
        self.history.close()
