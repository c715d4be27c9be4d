"""Charts as inline SVG, rendered at build time: no JavaScript, no network.

Axes and labels use `currentColor`, so they follow the page's text colour in light and dark
mode and print black; series colours come from Material's CSS variables with fallbacks.
Every point carries its value (`data-value`) and a <title>, so the chart is testable and
accessible.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape

from .inputpack import KpiSeries
from .model import Repository

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
SERIES = "var(--md-primary-fg-color, #3f51b5)"
SECOND = "var(--md-accent-fg-color, #e91e63)"
TARGET = "var(--md-default-fg-color--light, #777)"


def _attr(value: object) -> str:
    return escape(str(value), {'"': "&quot;"})


def _scale(values: list[float], low_pad: float = 0.1) -> tuple[float, float]:
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * low_pad
    return low - pad, high + pad


def _frame(title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="smsdocs-chart" role="img" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" style="max-width:{WIDTH}px">'
            f"<title>{escape(title)}</title>"
            f'<g fill="currentColor" stroke="currentColor" font-size="11" '
            f'font-family="sans-serif">{"".join(body)}</g></svg>')


def _axes(low: float, high: float, labels: list[str]) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    out = [f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke-width="1"/>',
           f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
           f'stroke-width="1"/>']
    for fraction in (0.0, 0.5, 1.0):
        value = low + (high - low) * fraction
        y = TOP + plot_h * (1 - fraction)
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" stroke="none">'
                   f"{value:.4g}</text>")
    for index, label in enumerate(labels):
        x = _x(index, len(labels))
        # Edge labels are anchored inwards so that they are never clipped by the frame.
        anchor = "start" if index == 0 and len(labels) > 1 else (
            "end" if index == len(labels) - 1 and len(labels) > 1 else "middle")
        out.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" text-anchor="{anchor}" '
                   f'stroke="none">{escape(label)}</text>')
    return out


def _x(index: int, count: int) -> float:
    plot_w = WIDTH - LEFT - RIGHT
    return LEFT + (plot_w / 2 if count == 1 else plot_w * index / (count - 1))


def _y(value: float, low: float, high: float) -> float:
    plot_h = HEIGHT - TOP - BOTTOM
    return TOP + plot_h * (1 - (value - low) / (high - low))


def _line(points: list[tuple[str, float]], low: float, high: float, colour: str,
          name: str, unit: str) -> list[str]:
    coords = [(_x(i, len(points)), _y(v, low, high)) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    out = [f'<polyline points="{path}" fill="none" style="stroke:{colour}" stroke-width="2"/>']
    for (label, value), (x, y) in zip(points, coords, strict=True):
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" style="fill:{colour}" '
                   f'stroke="none" class="smsdocs-point" data-series="{_attr(name)}" '
                   f'data-label="{_attr(label)}" data-value="{value:g}">'
                   f"<title>{escape(f'{name} {label}: {value:g}{unit}')}</title></circle>")
    return out


def kpi_chart(series: KpiSeries) -> str:
    """A KPI across reviews, with its target as a dashed line."""
    values = [v for _, _, v in series.points]
    low, high = _scale(values + ([series.target] if series.target is not None else []))
    labels = [date for _, date, _ in series.points]
    body = _axes(low, high, labels)
    if series.target is not None:
        y = _y(series.target, low, high)
        body.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                    f'style="stroke:{TARGET}" stroke-dasharray="6 4" class="smsdocs-target" '
                    f'data-value="{series.target:g}"/>')
        body.append(f'<text x="{WIDTH - RIGHT}" y="{y - 4:.1f}" text-anchor="end" '
                    f'stroke="none">target {series.target:g}{escape(series.unit)}</text>')
    body += _line([(d, v) for _, d, v in series.points], low, high, SERIES, series.name,
                  series.unit)
    return _frame(f"{series.name} across management reviews", body)


@dataclass(slots=True)
class BurnPoint:
    """Open and done actions on one date."""

    date: dt.date
    open: int
    done: int


def burndown(repo: Repository, as_of: dt.date) -> list[BurnPoint]:
    """Open vs done actions at each review date and at the as-of date."""
    actions = [a for r in repo.records for a in r.actions]
    raised = {a.id: (a.record.date or as_of) for a in actions}
    closed = {a.id: (a.closed_on or as_of) for a in actions if a.is_closed}
    dates = sorted({r.date for r in repo.records
                    if r.type == "management-review" and r.date and r.date <= as_of} | {as_of})
    points = []
    for day in dates:
        done = sum(1 for a in actions if a.id in closed and closed[a.id] <= day
                   and raised[a.id] <= day)
        opened = sum(1 for a in actions if raised[a.id] <= day) - done
        points.append(BurnPoint(date=day, open=opened, done=done))
    return points


def burndown_chart(points: list[BurnPoint]) -> str:
    """Open (primary colour) and done (accent colour) actions over time."""
    if not points:
        return _frame("No actions yet", [])
    values = [float(p.open) for p in points] + [float(p.done) for p in points]
    low, high = 0.0, max(values + [1.0]) * 1.1
    labels = [str(p.date) for p in points]
    body = _axes(low, high, labels)
    body += _line([(str(p.date), float(p.open)) for p in points], low, high, SERIES, "open", "")
    body += _line([(str(p.date), float(p.done)) for p in points], low, high, SECOND, "done", "")
    body.append(f'<text x="{LEFT + 8}" y="{TOP + 12}" stroke="none" style="fill:{SERIES}">'
                f"open</text>")
    body.append(f'<text x="{LEFT + 48}" y="{TOP + 12}" stroke="none" style="fill:{SECOND}">'
                f"done</text>")
    return _frame("Actions open and done over time", body)
