"""The review lifecycle in the handbook: the input pack for the next management review, the
KPI trends with the action burn-down (inline SVG, no JavaScript), and the decisions table
that makes a management review page read (and print) as the review's report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..core.model import Action, ManagementReview, Repository
from ..review.charts import BurnPoint, burndown, burndown_chart, kpi_chart
from ..review.inputpack import InputPack, KpiSeries, compile_pack, kpi_series
from .history_view import HistoryView


def reviews(repo: Repository) -> list[ManagementReview]:
    """The management reviews with a date, oldest first."""
    return sorted((r for r in repo.records if isinstance(r, ManagementReview) and r.date),
                  key=lambda r: (r.date, r.id))


def slips(repo: Repository, history: HistoryView) -> dict[str, int]:
    """How often each action's target date slipped (empty without history)."""
    if not history.available:
        return {}
    found = {}
    for identifier, action in repo.actions.items():
        count = history.slips(identifier, action.record.path)
        if count:
            found[identifier] = count
    return found


def input_pack(repo: Repository, as_of: dt.date, history: HistoryView) -> dict[str, Any]:
    pack: InputPack = compile_pack(repo, as_of, slips(repo, history))
    return {"pack": pack, "with_history": history.available}


@dataclass(frozen=True, slots=True)
class KpiView:
    """One KPI: its series, its chart and its rows (review id, date, value, met)."""

    series: KpiSeries
    chart: Markup
    rows: list[tuple[str, str, float, bool | None]]

    @property
    def slug(self) -> str:
        return "kpi-" + "".join(c if c.isalnum() else "-" for c in self.series.name.lower())


def _met(series: KpiSeries, value: float) -> bool | None:
    if series.target is None:
        return None
    return value >= series.target if series.higher_is_better else value <= series.target


def kpis(repo: Repository, as_of: dt.date) -> dict[str, Any]:
    views = []
    for series in kpi_series(reviews(repo)):
        rows = [(review, date, value, _met(series, value))
                for review, date, value in series.points]
        # charts.py escapes every label and value it writes: the SVG is safe markup
        views.append(KpiView(series=series, chart=Markup(kpi_chart(series)), rows=rows))
    points: list[BurnPoint] = burndown(repo, as_of)
    return {"kpis": views, "burndown": points,
            "burndown_chart": Markup(burndown_chart(points))}


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision of a review with where it stands today."""

    action: Action
    slips: int


def decisions(review: ManagementReview, history: HistoryView) -> list[Decision]:
    return [Decision(action=a, slips=history.slips(a.id, review.path)) for a in review.actions]
