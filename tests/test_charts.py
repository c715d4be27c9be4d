"""KPI charts people can read: 1-2-5 ticks, percentages that stop at 100, colour-blind-safe
series with a legend, one value shown as a value. Inline SVG, no script."""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET

import pytest
from smsdocs.review import charts
from smsdocs.review.inputpack import KpiSeries

SVG = "{http://www.w3.org/2000/svg}"


def _is_125(step: float) -> bool:
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    return any(math.isclose(mantissa, m) for m in (1, 2, 5))


@pytest.mark.parametrize(("values", "percent"), [
    ([95.74, 94.9, 94.06], True), ([94.2, 95.6, 95.0], True), ([99.93, 99.97, 99.95], True),
    ([83.3, 100.0, 90.0], True), ([3.9, 4.0, 4.2], False), ([0.0, 3.0, 17.0], False),
    ([1250.0, 4100.0], False), ([101.7, 98.0], True)])
def test_ticks_are_nice_and_cover_the_data(values: list[float], percent: bool) -> None:
    scale = charts.ticks(values, percent=percent)
    steps = {round(b - a, 9) for a, b in zip(scale, scale[1:], strict=False)}
    assert len(steps) == 1 and _is_125(steps.pop()), scale
    assert scale[0] <= min(values) and scale[-1] >= max(values), scale
    assert 3 <= len(scale) <= 7, scale
    if percent and max(values) <= 100:
        assert scale[-1] <= 100, scale


def _series(points: list[float], unit: str = "%", label: str = "") -> KpiSeries:
    return KpiSeries(name="sla_achievement", unit=unit, target=95.0, higher_is_better=True,
                     label=label, points=[(f"MR-2026-0{i + 1}", f"2026-0{i + 1}-15", v)
                                          for i, v in enumerate(points)])


def test_chart_titles_with_the_label_and_ticks_on_the_scale() -> None:
    svg = charts.kpi_chart(_series([94.2, 95.6, 99.1], label="Incidents resolved within SLA"))
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text.startswith("Incidents resolved within SLA")
    ticks = [float(t.get("data-value")) for t in root.iter(f"{SVG}text")
             if t.get("class") == "smsdocs-tick"]
    assert ticks == [94.0, 96.0, 98.0, 100.0]
    assert "<script" not in svg and "http" not in svg.replace(SVG[1:-1], "")


def test_a_single_value_is_shown_as_the_value() -> None:
    root = ET.fromstring(charts.kpi_chart(_series([95.6])))
    assert not list(root.iter(f"{SVG}circle")) and not list(root.iter(f"{SVG}polyline"))
    value = next(t for t in root.iter(f"{SVG}text") if "smsdocs-value" in (t.get("class") or ""))
    assert value.text == "95.6%" and float(value.get("data-value")) == 95.6
    assert any("target at least 95% — met" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_burndown_series_are_distinct_with_a_legend() -> None:
    points = [charts.BurnPoint(dt.date(2026, 1, 27), 3, 0),
              charts.BurnPoint(dt.date(2026, 7, 21), 7, 5)]
    root = ET.fromstring(charts.burndown_chart(points))
    colours = {line.get("style") for line in root.iter(f"{SVG}polyline")}
    assert len(colours) == 2  # two different colours
    swatches = [e for e in root.iter(f"{SVG}line") if e.get("class") == "smsdocs-swatch"]
    assert [s.get("style") for s in swatches] == [
        p.get("style") for p in root.iter(f"{SVG}polyline")]
    names = [t.text for t in root.iter(f"{SVG}text")]
    assert "open" in names and "done" in names
    ticks = [float(t.get("data-value")) for t in root.iter(f"{SVG}text")
             if t.get("class") == "smsdocs-tick"]
    assert ticks[0] == 0 and all(t == int(t) for t in ticks)
