"""The evidence index: for each clause, the documented information it requires, the
documents and records that provide it (id, title, version, approval) and the gaps.

Computed by the core (``Result.coverage``); this module only groups and renders it with the
handbook's templates. No MkDocs import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.coverage import Coverage, Item
from ..core.rulepack import clause_key
from .graph import REGISTERS_DIR

if TYPE_CHECKING:
    from .render import Handbook

EVIDENCE_PAGE = f"{REGISTERS_DIR}/evidence.md"
EVIDENCE_TITLE = "Evidence index"
STATE_LABEL = {"covered": "covered", "template": "template, not yet written", "gap": "gap"}


@dataclass
class ClauseGroup:
    """A top-level clause (4 … 10) and its sub-clauses' required items."""

    number: str
    title: str
    clauses: list[tuple[str, str, list[Item]]] = field(default_factory=list)


def groups(handbook: Handbook, coverage: Coverage) -> list[ClauseGroup]:
    """Required items grouped by clause, clauses by their top-level clause."""
    by_clause: dict[str, list[Item]] = {}
    for item in coverage.items:
        by_clause.setdefault(item.clause, []).append(item)
    nodes = handbook.graph.clauses
    out: dict[str, ClauseGroup] = {}
    for number in sorted(by_clause, key=clause_key):
        top = number.split(".")[0]
        if top not in out:
            node = nodes.get(top)
            out[top] = ClauseGroup(top, node.title if node else "")
        node = nodes.get(number)
        out[top].clauses.append((number, node.title if node else "", by_clause[number]))
    return list(out.values())


def render(handbook: Handbook, coverage: Coverage, here: str,
           withheld: dict[tuple[str, str], int] | None = None,
           provenance: str = "") -> str:
    """The HTML of the evidence index page at src ``here``."""
    withheld = withheld or {}
    states = [i.state for i in coverage.items]
    ctx = handbook.template_context(here)
    ctx.update(page_title=EVIDENCE_TITLE, groups=groups(handbook, coverage),
               labels=STATE_LABEL, withheld=withheld, states=coverage.clauses(),
               provenance=provenance,
               summary={"required": len(states), "covered": states.count("covered"),
                        "template": states.count("template"), "gap": states.count("gap"),
                        "withheld": sum(1 for i in coverage.items
                                        if (i.clause, i.key) in withheld)},
               record_src=handbook.graph.record_src)
    return handbook.env.get_template("evidence.html").render(ctx)
