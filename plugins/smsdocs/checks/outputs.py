"""The outputs of a management review (9.3): decisions on improvement, on changes to the SMS
and the services, and on resources, wherever the minutes record them: in ``actions:`` (an
``output:`` on an action, or its words), in a decisions section or table, or in prose
("no change to the SMS is needed" is a decision)."""

from __future__ import annotations

import re
from functools import lru_cache

from ..core.concepts import Lexicon, Words, words
from ..core.context import Context
from ..core.markdown import Section
from ..core.model import ManagementReview, id_tokens
from ..core.rulepack import Rule
from .fields import placeholder_value
from .sections import SENTENCE, placeholder_state, sections_by_rule

# A sentence that records a decision (or states that nothing needs deciding).
DECIDING = ("decid", "decision", "agree", "approv", "resolv", "endors", "declin", "defer",
            "not need", "no need", "no change", "unchanged", "adequate", "sufficient")


@lru_cache(maxsize=64)
def _lexicon(kind: str, terms: tuple[str, ...]) -> Lexicon:
    return Lexicon.of({kind: terms})


def output_rules(ctx: Context, review: ManagementReview) -> list[Rule]:
    return [r for r in ctx.pack.rules_for(review.type, "section") if "output" in r.extra]


def decision_sections(ctx: Context, review: ManagementReview) -> list[Section]:
    """The sections (or agenda rows) that record the review's decisions."""
    found = sections_by_rule(review, ctx.pack)
    seen: dict[int, Section] = {}
    for rule in output_rules(ctx, review):
        for section in found.get(rule.id, []):
            seen.setdefault(section.line, section)
    return [s for s in seen.values() if placeholder_state(s.text, ctx) is None]


def check_record(ctx: Context, review: ManagementReview) -> None:
    """One finding per output that no decision of the review addresses."""
    check_decision_tables(ctx, review)
    rules = output_rules(ctx, review)
    sections = decision_sections(ctx, review)
    written = [a for a in review.actions
               if not placeholder_value(str(a.data.get("title") or ""), ctx.pack)]
    if not rules or not (written or sections):
        return  # review.decisions.none or content.placeholder says it once
    if written and not sections:
        return  # every decision lives under `actions:`: those are the review's outputs
    action_text = "\n".join(
        " ".join(str(a.data.get(k) or "") for k in ("title", "success_criteria", "output"))
        for a in written)
    decided_here = words("\n".join(s.text for s in sections))  # the minutes' decisions
    decided: Words | None = None  # with the actions' words, read only if needed
    prose: list[Words] | None = None  # the minutes' deciding sentences, read only if needed
    anchor = (sections[0].line if sections else review.line("actions")
              if "actions" in review.data else review.line("type"))
    for rule in rules:
        kind = str(rule.extra["output"])
        if any(str(a.data.get("output") or "") == kind for a in written):
            continue
        lexicon = _lexicon(kind, tuple(str(w) for w in rule.extra.get("output_words") or []))
        if lexicon.present(kind, decided_here):
            continue
        if decided is None:
            decided = words(action_text)
        if lexicon.present(kind, decided):
            continue
        if prose is None:
            prose = _deciding_sentences(review)
        if any(lexicon.present(kind, sentence) for sentence in prose):
            continue
        ctx.report(rule.id, review.path, anchor, problem="unmet",
                   title=rule.description.rstrip("."), example="Decisions")


def _deciding_sentences(review: ManagementReview) -> list[Words]:
    """The sentences of the minutes that record a decision, as words."""
    body = "\n".join(review.body.lines) if review.body else ""
    return [words(s) for s in SENTENCE.split(body) if any(d in s.lower() for d in DECIDING)]


def has_decisions(ctx: Context, review: ManagementReview) -> bool:
    """Whether the body records decisions (a decisions section or table with content)."""
    return bool(decision_sections(ctx, review))


_OWNER_HEADER = re.compile(
    r"(?i)\b(?:owner|responsible|accountable|lead|who|assigned|action by|by whom)\b")


def check_decision_tables(ctx: Context, review: ManagementReview) -> None:
    """Decisions recorded as a table in the body: each row names a real owner."""
    body = review.body
    sections = decision_sections(ctx, review)
    if body is None or not sections:
        return
    for table in body.tables:
        if not any(s.start <= table.line <= s.end for s in sections):
            continue
        column = next((i for i, h in enumerate(table.header) if _OWNER_HEADER.search(h)), None)
        if column is None:
            continue
        for row in table.rows:
            owner = row.cells[column].strip() if column < len(row.cells) else ""
            if not owner and not (row.cells and row.cells[0].strip()):
                continue  # continues the row above (a merged cell in an exported table)
            ids = id_tokens(" ".join(row.cells))
            label = ids[0] if ids else next((c for c in row.cells if c.strip()), "?")[:40]
            if not owner:
                ctx.report("review.decision.owner", review.path, row.line, action=label,
                           detail="has no owner")
            elif placeholder_value(owner, ctx.pack):
                ctx.report("review.decision.owner", review.path, row.line, action=label,
                           detail=f"names the placeholder owner '{owner}', so nobody is "
                                  f"accountable for it")
