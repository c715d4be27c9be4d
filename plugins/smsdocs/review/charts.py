"""Charts as inline SVG, rendered at build time: no JavaScript, no network.

Axes and labels use `currentColor`, so they follow the page's text colour in light and dark
mode and print black; series take the Okabe-Ito colour-blind-safe palette, and ticks fall
on 1-2-5 steps (a percentage axis stops at 100 unless the data goes beyond).
Every point carries its value (`data-value`) and a <title>, so the chart is testable and
accessible.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from ..core.model import Repository
from .inputpack import KpiSeries

WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 30, 40
# Okabe-Ito: distinct for the common colour-vision deficiencies, readable on light and dark
# backgrounds; the second series also differs in marker shape and dash.
# The first series is a lighter blue on the dark scheme (--smsdocs-series-1 in smsdocs.css).
PALETTE = ("var(--smsdocs-series-1, #0072b2)", "#e69f00", "#009e73", "#cc79a7")
TARGET = "var(--md-default-fg-color--light, #777)"


def _attr(value: object) -> str:
    return escape(str(value), {'"': "&quot;"})


def nice_step(span: float, count: int = 4) -> float:
    """The 1-2-5 step (times a power of ten) that cuts span into about count parts."""
    raw = span / max(count, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * 0.999)


def ticks(values: list[float], percent: bool = False, zero: bool = False) -> list[float]:
    """Axis ticks on a 1-2-5 step that include every value; a percentage axis stops at 100
    unless a value is above it; with zero, the axis starts at 0."""
    low, high = min(values), max(values)
    if zero:
        low = min(0.0, low)
    if low == high:
        pad = abs(low) * 0.02 or 1.0
        low, high = low - pad, high + pad
    step = nice_step(high - low)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    if percent and max(values) <= 100:
        last = min(last, 100.0)
    count = round((last - first) / step)
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return [round(first + i * step, decimals) for i in range(count + 1)]


def _decimals(values: list[float]) -> int:
    step = values[1] - values[0] if len(values) > 1 else 1.0
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _frame(title: str, body: list[str], height: int = HEIGHT) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="smsdocs-chart" role="img" '
            f'viewBox="0 0 {WIDTH} {height}" width="100%" style="max-width:{WIDTH}px">'
            f"<title>{escape(title)}</title>"
            f'<g fill="currentColor" stroke="currentColor" font-size="12" '
            f'font-family="sans-serif">{"".join(body)}</g></svg>')


def _axes(scale: list[float], labels: list[str], unit: str) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    low, high = scale[0], scale[-1]
    suffix = unit if len(unit) <= 3 else ""  # %, /5: on every tick; longer: one caption
    places = _decimals(scale)
    out = [f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" '
           f'stroke-width="1"/>']
    for value in scale:
        y = _y(value, low, high)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" '
                   f'stroke-width="0.5" stroke-opacity="0.25" class="smsdocs-grid"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" stroke="none" '
                   f'class="smsdocs-tick" data-value="{value:g}">'
                   f"{value:.{places}f}{escape(suffix)}</text>")
    if unit and not suffix:
        out.append(f'<text x="{WIDTH - RIGHT}" y="{TOP - 12}" text-anchor="end" '
                   f'stroke="none">{escape(unit)}</text>')
    for index, label in enumerate(labels):
        x = _x(index, len(labels))
        # Edge labels are anchored inwards so that they are never clipped by the frame.
        anchor = "start" if index == 0 and len(labels) > 1 else (
            "end" if index == len(labels) - 1 and len(labels) > 1 else "middle")
        out.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 18}" text-anchor="{anchor}" '
                   f'stroke="none">{escape(label)}</text>')
    return out


def _legend(entries: list[tuple[str, str, str]]) -> list[str]:
    """Swatches with names along the top: (name, colour, dash pattern or "")."""
    out, x = [], LEFT
    for name, colour, pattern in entries:
        dash = f' stroke-dasharray="{pattern}"' if pattern else ""
        out.append(f'<line x1="{x}" y1="{TOP - 16}" x2="{x + 22}" y2="{TOP - 16}" '
                   f'style="stroke:{colour}" stroke-width="3"{dash} class="smsdocs-swatch"/>')
        out.append(f'<text x="{x + 28}" y="{TOP - 12}" stroke="none">{escape(name)}</text>')
        x += 40 + 7 * len(name)
    return out


def _x(index: int, count: int) -> float:
    plot_w = WIDTH - LEFT - RIGHT
    return LEFT + (plot_w / 2 if count == 1 else plot_w * index / (count - 1))


def _y(value: float, low: float, high: float) -> float:
    plot_h = HEIGHT - TOP - BOTTOM
    return TOP + plot_h * (1 - (value - low) / (high - low))


def _line(points: list[tuple[str, float]], low: float, high: float, colour: str,
          name: str, unit: str, square: bool = False) -> list[str]:
    coords = [(_x(i, len(points)), _y(v, low, high)) for i, (_, v) in enumerate(points)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dash = ' stroke-dasharray="2 3"' if square else ""
    out = [f'<polyline points="{path}" fill="none" style="stroke:{colour}" '
           f'stroke-width="2.5"{dash}/>']
    for (label, value), (x, y) in zip(points, coords, strict=True):
        common = (f'style="fill:{colour}" stroke="none" class="smsdocs-point" '
                  f'data-series="{_attr(name)}" data-label="{_attr(label)}" '
                  f'data-value="{value:g}"')
        tip = f"<title>{escape(f'{name} {label}: {value:g}{unit}')}</title>"
        if square:
            out.append(f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" '
                       f"{common}>{tip}</rect>")
        else:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" {common}>{tip}</circle>')
    return out


def _single(series: KpiSeries) -> str:
    """One review so far: the value itself, large, with its target and whether it met it."""
    review, date, value = series.points[0]
    met = series.met
    verdict = "" if met is None else (" — met" if met else " — missed")
    target = "" if series.target is None else (
        f"target {'at least' if series.higher_is_better else 'at most'} "
        f"{series.target:g}{series.unit}{verdict}")
    body = [f'<text x="0" y="44" font-size="36" font-weight="700" stroke="none" '
            f'style="fill:{PALETTE[0]}" class="smsdocs-value smsdocs-point" '
            f'data-series="{_attr(series.name)}" data-value="{value:g}">'
            f"{value:g}{escape(series.unit)}</text>",
            f'<text x="0" y="70" stroke="none">{escape(f"{review}, {date}")}</text>']
    if target:
        body.append(f'<text x="0" y="90" stroke="none" class="smsdocs-target" '
                    f'data-value="{series.target:g}">{escape(target)}</text>')
    return _frame(f"{series.title}: {value:g}{series.unit} ({review})", body, height=100)


def kpi_chart(series: KpiSeries) -> str:
    """A KPI across reviews, with its target as a dashed line (one value: the value)."""
    if len(series.points) == 1:
        return _single(series)
    values = [v for _, _, v in series.points]
    scale = ticks(values + ([series.target] if series.target is not None else []),
                  percent=series.unit == "%")
    low, high = scale[0], scale[-1]
    labels = [date for _, date, _ in series.points]
    body = _axes(scale, labels, series.unit)
    legend = [(series.title, PALETTE[0], "")]
    if series.target is not None:
        y = _y(series.target, low, high)
        body.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                    f'style="stroke:{TARGET}" stroke-width="1.5" stroke-dasharray="6 4" '
                    f'class="smsdocs-target" data-value="{series.target:g}"/>')
        legend.append((f"target {series.target:g}{series.unit}", TARGET, "6 4"))
    body += _line([(d, v) for _, d, v in series.points], low, high, PALETTE[0], series.name,
                  series.unit)
    body += _legend(legend)
    return _frame(f"{series.title} across management reviews", body)


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
    """Open and done actions over time: two colour-blind-safe series with a legend."""
    if not points:
        return _frame("No actions yet", [])
    values = [float(p.open) for p in points] + [float(p.done) for p in points]
    scale = ticks(values + [1.0], zero=True)
    scale = [v for v in scale if v == int(v)] or scale  # counts: whole numbers only
    low, high = scale[0], scale[-1]
    labels = [str(p.date) for p in points]
    body = _axes(scale, labels, "")
    body += _line([(str(p.date), float(p.open)) for p in points], low, high, PALETTE[0],
                  "open", "")
    body += _line([(str(p.date), float(p.done)) for p in points], low, high, PALETTE[1],
                  "done", "", square=True)
    body += _legend([("open", PALETTE[0], ""), ("done", PALETTE[1], "2 3")])
    return _frame("Actions open and done over time", body)
