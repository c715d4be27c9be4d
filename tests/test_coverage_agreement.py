"""One truth for coverage: the clause matrix, every clause page, the evidence index,
`smsdocs coverage` in each format and sms.json give every clause the same state."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

STATE = r'data-clause-state="([a-z-]+)"'


def _coverage(root: Path, fmt: str) -> str:
    done = subprocess.run([sys.executable, "-m", "smsdocs", "coverage", str(root), "--format",
                           fmt], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _from_items(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Clause states from (clause, item state) pairs, by the standard's reading: one gap
    makes the clause a gap; else one unwritten template makes it a template."""
    by: dict[str, set[str]] = {}
    for clause, state in pairs:
        by.setdefault(clause, set()).add(state)
    return {c: "gap" if "gap" in s else ("template" if "template" in s else "covered")
            for c, s in by.items()}


def _views(root: Path, site: Path) -> dict[str, dict[str, str]]:
    """Every place a clause's state is shown, as {view: {clause: state}}."""
    matrix = (site / "clauses/index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-clause="([^"]+)">.*?' + STATE, matrix)
    pages = {}
    for page in (site / "clauses").glob("*/index.html"):
        found = re.search(r"data-smsdocs-clause-state>.*?" + STATE,
                          page.read_text(encoding="utf-8"), re.S)
        assert found, page
        pages[page.parent.name] = found.group(1)
    evidence = (site / "registers/evidence/index.html").read_text(encoding="utf-8")
    index = re.findall(r'<h3 id="[^"]*" data-clause="([^"]+)">.*?' + STATE, evidence)
    sms = json.loads((site / "sms.json").read_text(encoding="utf-8"))
    cov = json.loads(_coverage(root, "json"))
    text = re.findall(r"^(\d[\d.]*)\s+(covered|GAP|template)", _coverage(root, "text"), re.M)
    md = re.findall(r"^\| (\d[\d.]*) \| [^|]+ \| \w+ \| (covered|GAP|template)",
                    _coverage(root, "markdown"), re.M)
    item_states = [(i["clause"], i["state"]) for i in cov["items"]]
    norm = {"GAP": "gap"}
    return {
        "matrix": dict(rows), "clause pages": pages, "evidence index": dict(index),
        "sms.json": {c["number"]: c["status"] for c in sms["clauses"]},
        "coverage json": {c["clause"]: c["state"] for c in cov["clauses"]},
        "coverage json items": _from_items(item_states),
        "coverage text": _from_items([(c, norm.get(s, s)) for c, s in text]),
        "coverage markdown": _from_items([(c, norm.get(s, s)) for c, s in md]),
    }


@pytest.mark.parametrize("name", ["example", "init"])
def test_every_view_gives_each_clause_the_same_state(built_sites, name: str) -> None:  # noqa: ANN001
    root, site = built_sites[name]
    views = _views(root, site)
    reference = views["coverage json"]
    assert reference, "no clause requires documented information?"
    for view, states in views.items():
        assert states, view
        for clause, state in reference.items():
            assert states.get(clause) == state, (view, clause, states.get(clause), state)
        # clauses that require nothing are never shown as covered or as a gap
        for clause, state in states.items():
            if clause not in reference:
                assert state == "not-required", (view, clause, state)
    if name == "init":  # templates: nothing written yet, nothing claims coverage
        assert "covered" not in reference.values()
        assert views["matrix"]["9.2"] == reference["9.2"] != "covered"
    else:
        assert set(reference.values()) == {"covered"}
        assert views["matrix"]["5.2.2"] == "covered"
