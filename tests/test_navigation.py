"""The generated navigation reads in SMS order, out of the box and after `smsdocs init`."""

from __future__ import annotations

import re

import pytest

TABS = ["Home", "SMS", "Processes and procedures", "Records", "Registers"]


def _tabs(html: str) -> list[str]:
    return re.findall(r'class="md-tabs__link[^"]*"[^>]*>\s*([^<]+?)\s*<', html)


def _sidebar(html: str) -> str:
    """The primary navigation's text, in document order."""
    start = html.index('md-nav--primary')
    end = html.find("md-sidebar--secondary", start)
    return re.sub(r"<[^>]+>", " ", html[start:end if end > 0 else None])


@pytest.mark.parametrize("name", ["example", "init", "auditor"])
def test_tabs_in_sms_order_with_proper_titles(built_sites, name: str) -> None:  # noqa: ANN001
    _, site = built_sites[name]
    home = (site / "index.html").read_text(encoding="utf-8")
    tabs = _tabs(home)
    assert tabs[:len(TABS)] == TABS, tabs
    assert "Sms" not in tabs
    nav = " ".join(_sidebar(home).split()).lower()
    order = ["scope", "policy", "plan", "objectives", "management reviews",
             "nonconformities", "action register", "clause coverage"]
    positions = [nav.find(word) for word in order]
    found = dict(zip(order, positions, strict=True))
    assert -1 not in positions and positions == sorted(positions), found


@pytest.mark.parametrize("name", ["example", "init"])
def test_no_material_page_status_icon(built_sites, name: str) -> None:  # noqa: ANN001
    _, site = built_sites[name]
    for page in ("sms/policy/index.html", "sms/scope/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "md-status" not in html, page


def test_small_words_read_right(built_sites) -> None:  # noqa: ANN001
    """'1 warning', not '1 warnings'; an excluded link and its id get one note, not two."""
    _, site = built_sites["example"]
    findings = re.sub(r"<[^>]+>", "", (site / "registers/findings/index.html").read_text())
    assert re.search(r"\b1 warning\b", findings) and "1 warnings" not in findings
    _, auditor = built_sites["auditor"]
    home = re.sub(r"<[^>]+>", "", (auditor / "index.html").read_text(encoding="utf-8"))
    note = "(not in the auditor edition)"
    assert note in home
    assert not re.search(re.escape(note) + r"\s*\)?\s*\(?[A-Z]+-\d+\s*" + re.escape(note), home)
    assert "Calder (OLA-002) (not in the auditor edition)" in " ".join(home.split())
