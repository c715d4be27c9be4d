"""The input pack for the next management review: what happened since the last one.

Compiled from the records already in the repository — audits, nonconformities and their
corrective actions, every decision of earlier reviews, KPI trends, changed documents and
risks — plus the list of items that need a management decision.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from ..core.model import Action, ManagementReview, Record, Repository, as_date

RESOURCE_WORDS = re.compile(r"(?i)\b(resourc|budget|headcount|hire|hiring|recruit|licen[cs]e|"
                            r"fund|staff)")


@dataclass(slots=True)
class ActionStatus:
    """An action with where it stands as of the pack's date."""

    id: str
    title: str
    owner: str
    raised_in: str
    target_date: str
    status: str
    state: str  # the recorded status (open, in-progress, done...), or overdue | slipped
    days_overdue: int = 0
    slips: int = 0


@dataclass(slots=True)
class KpiSeries:
    """One KPI across reviews: values in date order, target and whether the latest meets it."""

    name: str
    unit: str
    target: float | None
    higher_is_better: bool
    points: list[tuple[str, str, float]] = field(default_factory=list)  # (review, date, value)
    label: str = ""  # what people call it (`label:`); the key humanised when not given

    @property
    def title(self) -> str:
        if self.label:
            return self.label
        text = self.name.replace("_", " ").replace("-", " ").strip()
        return text[:1].upper() + text[1:]

    @property
    def latest(self) -> float | None:
        return self.points[-1][2] if self.points else None

    @property
    def met(self) -> bool | None:
        if self.target is None or self.latest is None:
            return None
        return self.latest >= self.target if self.higher_is_better else self.latest <= self.target


@dataclass
class InputPack:
    """Everything the next review needs to take into account, for one period."""

    period_start: str | None
    period_end: str
    last_review: str | None
    audits: list[dict[str, Any]]
    nonconformities: list[dict[str, Any]]
    nonconformity_trend: list[dict[str, Any]]
    review_actions: list[ActionStatus]
    kpis: list[KpiSeries]
    changed_documents: list[dict[str, str]]
    risks: list[dict[str, str]]
    decisions_needed: list[str]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["kpis"] = [{**asdict(k), "latest": k.latest, "met": k.met} for k in self.kpis]
        return data


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        match = re.search(r"-?\d+(?:\.\d+)?", value)
        return float(match.group(0)) if match else None
    return None


def kpi_series(reviews: list[ManagementReview]) -> list[KpiSeries]:
    """KPIs from the reviews' front matter (`kpis: {name: {value, target, unit, ...}}`)."""
    series: dict[str, KpiSeries] = {}
    for review in reviews:
        kpis = review.data.get("kpis")
        if not isinstance(kpis, dict):
            continue
        for name, raw in kpis.items():
            spec = raw if isinstance(raw, dict) else {"value": raw}
            value = _number(spec.get("value"))
            if value is None:
                continue
            entry = series.setdefault(str(name), KpiSeries(
                name=str(name), unit=str(spec.get("unit") or ""), target=None,
                higher_is_better=str(spec.get("direction", "up")) != "down"))
            target = _number(spec.get("target"))
            if target is not None:
                entry.target = target
            if spec.get("label"):
                entry.label = str(spec["label"])
            if spec.get("unit") and not entry.unit:
                entry.unit = str(spec["unit"])
            if spec.get("scale") is not None and not entry.unit:
                entry.unit = f"/{spec['scale']}"
            entry.points.append((review.id, str(review.date), value))
    return list(series.values())


def action_state(action: Action, as_of: dt.date, slips: int = 0) -> ActionStatus:
    """Where an action stands on a date: its status as recorded, unless it is overdue or
    its target date slipped (an action 'in-progress' is not shown as 'open')."""
    days = action.overdue_days(as_of)
    state = action.status if action.is_closed else (
        "overdue" if days else "slipped" if slips else action.status)
    return ActionStatus(
        id=action.id, title=action.title, owner=action.owner, raised_in=action.record.id,
        target_date=str(action.target_date or ""), status=action.status, state=state,
        days_overdue=days, slips=slips)


def compile_pack(repo: Repository, as_of: dt.date,
                 slips: dict[str, int] | None = None) -> InputPack:
    """The input pack for a review held on `as_of`: the period runs from the last review."""
    slips = slips or {}
    reviews = sorted((r for r in repo.records if isinstance(r, ManagementReview) and r.date
                      and r.date <= as_of), key=lambda r: (r.date, r.id))
    last = reviews[-1] if reviews else None
    start = last.date if last else None

    def in_period(day: dt.date | None) -> bool:
        return day is not None and (start is None or day > start) and day <= as_of

    audits = [{"id": r.id, "title": r.title, "date": str(r.date),
               "nonconformities": sorted({a for a in _mentions(r, repo, "nonconformity")})}
              for r in repo.records if r.type == "internal-audit" and in_period(r.date)]
    ncs = []
    for record in repo.records:
        if record.type != "nonconformity":
            continue
        open_now = record.status not in ("closed",) or any(not a.is_closed for a in record.actions)
        if in_period(record.date) or (open_now and record.date and record.date <= as_of):
            ncs.append({"id": record.id, "title": record.title, "date": str(record.date),
                        "status": record.status or "open",
                        "corrective_actions": [asdict(action_state(a, as_of, slips.get(a.id, 0)))
                                               for a in record.actions]})
    trend = _nc_trend(repo, reviews, as_of)
    review_actions = [action_state(a, as_of, slips.get(a.id, 0))
                      for r in reviews for a in r.actions]
    kpis = kpi_series(reviews)
    changed = [{"id": r.id, "title": r.title, "type": r.type,
                "version": str(r.data.get("version") or ""),
                "approved_on": str(r.data.get("approved_on") or "")}
               for r in repo.records if _is_document(r) and
               in_period(as_date(r.data.get("approved_on")))]
    risks = [{"id": r.id, "title": r.title, "version": str(r.data.get("version") or "")}
             for r in repo.records if r.type == "risk-register"]
    needed: list[str] = []
    for kpi in kpis:
        if kpi.met is False:
            needed.append(f"KPI {kpi.label or kpi.name}: {kpi.latest:g}{kpi.unit} against a "
                          f"target of {kpi.target:g}{kpi.unit} (target missed)")
    all_actions = [a for r in repo.records for a in r.actions]
    for action in all_actions:
        days = action.overdue_days(as_of)
        if days:
            needed.append(f"{action.id} ({action.title}) is overdue by {days} day(s); "
                          f"owner {action.owner or '?'}")
    for action in all_actions:
        if not action.is_closed and RESOURCE_WORDS.search(action.title):
            needed.append(f"Resource request: {action.id} ({action.title})")
    return InputPack(
        period_start=str(start) if start else None, period_end=str(as_of),
        last_review=last.id if last else None, audits=audits, nonconformities=ncs,
        nonconformity_trend=trend, review_actions=review_actions, kpis=kpis,
        changed_documents=changed, risks=risks, decisions_needed=needed)


def _is_document(record: Record) -> bool:
    return record.type not in ("management-review", "internal-audit", "nonconformity",
                               "service-report")


def _mentions(record: Record, repo: Repository, record_type: str) -> set[str]:
    """Ids of records of a type that mention this record or that it mentions."""
    from ..checks.references import prose_ids

    found = {token for _, token in prose_ids(record.body)
             if (r := repo.by_id.get(token)) is not None and r.type == record_type}
    for other in repo.records:
        if other.type == record_type and any(t == record.id for _, t in prose_ids(other.body)):
            found.add(other.id)
    return found


def _nc_trend(repo: Repository, reviews: list[ManagementReview],
              as_of: dt.date) -> list[dict[str, Any]]:
    """Nonconformities raised per review period (up to each review, then up to as_of)."""
    bounds = [r.date for r in reviews if r.date] + [as_of]
    dates = [r.date for r in repo.records if r.type == "nonconformity" and r.date]
    trend, start = [], None
    for end in bounds:
        count = sum(1 for d in dates if (start is None or d > start) and d <= end)
        trend.append({"from": str(start) if start else None, "to": str(end), "raised": count})
        start = end
    return trend


def period_label(start: str | None, end: str) -> str:
    """A period that follows a review held on `start` (exclusive) and ends on `end`."""
    if start is None:
        return f"up to {end}"
    first = dt.date.fromisoformat(start) + dt.timedelta(days=1)
    return f"{first} to {end}" if str(first) != end else end


def _status(action: ActionStatus | dict[str, Any]) -> str:
    """An action's status as recorded, with what the date adds (overdue, slipped)."""
    a = action if isinstance(action, dict) else asdict(action)
    if a["state"] == "overdue":
        return f"{a['status']}, overdue by {a['days_overdue']} d"
    if a["state"] == "slipped":
        return f"{a['status']}, target moved {a['slips']}x"
    return str(a["status"])


def render_markdown(pack: InputPack) -> str:
    """The input pack as a Markdown page: on a new repository it says "none yet" rather
    than printing empty tables, writes periods as date ranges and statuses as recorded."""
    since = (f"{period_label(pack.period_start, pack.period_end)}, since {pack.last_review}"
             f" on {pack.period_start}") if pack.last_review else \
        f"up to {pack.period_end} (no earlier management review)"
    out = ["# Input pack for the next management review", "", f"Period: {since}.", ""]
    out += ["## Items that need a management decision", ""]
    out += [f"- {item}" for item in pack.decisions_needed] or ["- None."]
    out += ["", "## Status of actions from previous reviews", ""]
    if pack.review_actions:
        out += ["| Action | Title | Owner | Raised in | Target | Status |",
                "| --- | --- | --- | --- | --- | --- |"]
        out += [f"| {a.id} | {_cell(a.title)} | {_cell(a.owner)} | {a.raised_in} | "
                f"{a.target_date} | {_cell(_status(a))} |" for a in pack.review_actions]
    else:
        out.append("None yet: no earlier management review has recorded a decision.")
    out += ["", "## Audit results", ""]
    out += [f"- {a['id']} {_cell(a['title'])} ({a['date']}): nonconformities "
            f"{', '.join(a['nonconformities']) or 'none'}" for a in pack.audits] or [
        "- No internal audit in the period."]
    out += ["", "## Nonconformities and corrective actions", ""]
    for nc in pack.nonconformities:
        actions = ", ".join(f"{c['id']} {_status(c)}" for c in nc["corrective_actions"]) or \
            "no corrective action"
        out.append(f"- {nc['id']} {_cell(nc['title'])} ({nc['date']}, {nc['status']}): "
                   f"{_cell(actions)}")
    if not pack.nonconformities:
        out.append("- None in the period.")
    periods = [t for t in pack.nonconformity_trend
               if t["from"] is None or t["from"] < t["to"]]
    if any(t["raised"] for t in periods):
        out += ["", "Raised per period: " + "; ".join(
            f"{period_label(t['from'], t['to'])}: {t['raised']}" for t in periods) + "."]
    else:
        out += ["", "No nonconformity has been raised yet."]
    out += ["", "## KPI trends", ""]
    if pack.kpis:
        out += ["| KPI | Values | Target | Latest meets target |", "| --- | --- | --- | --- |"]
        for k in pack.kpis:
            values = " → ".join(f"{v:g}" for _, _, v in k.points)
            target = f"{k.target:g}{k.unit}" if k.target is not None else "-"
            met = {True: "yes", False: "no", None: "-"}[k.met]
            out.append(f"| {k.title} | {values} | {target} | {met} |")
    else:
        out.append("None yet: KPIs come from the `kpis:` of management review records.")
    out += ["", "## New or changed documents and services", ""]
    out += [f"- {d['id']} {_cell(d['title'])} v{d['version']} approved {d['approved_on']}"
            for d in pack.changed_documents] or ["- None in the period."]
    out += ["", "## Risks and opportunities", ""]
    out += [f"- {r['id']} {_cell(r['title'])} v{r['version']}" for r in pack.risks] or [
        "- No risk register in the repository."]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render_json(pack: InputPack) -> str:
    return json.dumps(pack.as_dict(), indent=2, ensure_ascii=False)
