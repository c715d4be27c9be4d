"""Writing styles of the third held-out set, one concept each (the cases themselves run in
test_corpus.py): raw HTML headings, labelled list items, a deferral sent to a later meeting,
an owner that promises a name, a KPI row that says "resolved"."""

from __future__ import annotations

import datetime as dt

from smsdocs.checks import sections
from smsdocs.core import rulepack
from smsdocs.core.context import Context
from smsdocs.core.markdown import parse


def _ctx() -> Context:
    return Context(pack=rulepack.load(), as_of=dt.date(2025, 8, 1))


def test_a_raw_html_heading_is_a_heading_with_its_text_and_level() -> None:
    body = parse('Intro\n\n<h3 id="nc">2.3 Non&shy;conformities <em>and</em> actions</h3>\n\n'
                 "Two were raised.\n\n<div><h2>Not alone in its block</h2> text</div>\n", 10)
    assert [(s.level, s.title, s.line) for s in body.sections] == [
        (3, "2.3 Non\u00adconformities and actions", 12)]
    assert "Two were raised." in body.sections[0].text


def test_a_deferral_may_name_the_later_meeting_in_a_sentence_of_its_own() -> None:
    ctx = _ctx()
    assert sections.deferred("We ran out of time before we got to this one. Liv will bring "
                             "the NPS results and the complaints from the October outage to "
                             "the June review instead.", ctx)
    # a later meeting named beside real content is not a deferral
    assert not sections.deferred("Satisfaction rose to 4.6 from 4.4 and complaints fell from "
                                 "nine to four this half; the survey will run again before "
                                 "the next review.", ctx)
    # nor is a later meeting without any statement that the topic was not covered
    assert not sections.deferred("All targets met. Results go to the next meeting.", ctx)


def test_an_owner_that_promises_a_name_is_a_placeholder() -> None:
    from smsdocs.checks.fields import placeholder_value

    pack = rulepack.load()
    for owner in ("To be nominated by the Commercial Director", "TBC - Head of Hosting",
                  "not yet appointed (Finance)", "to be agreed"):
        assert placeholder_value(owner, pack), owner
    for owner in ("Head of Hosting", "Tobias Bennett", "Director of To-Be Architecture"):
        assert not placeholder_value(owner, pack), owner


OUTLINE = """---
id: MR-2025-01
type: management-review
title: Review
date: 2025-02-11
---
# ICT management review, 11 Feb 2025

1. Opening & apologies
   - Chair welcomed members.
2. SMS performance
   1. NCs & corrective actions
      - 3 NCs in the period.
   2. Decisions taken last year were all closed, see below for details of each one.
      - MR-ACT-1 done.
3. Decisions
   - Improvement: approve the single on-call rota.
"""


def _record(text: str):  # noqa: ANN202
    from smsdocs.core.loader import load_source

    source = load_source(text, "records/mr.md", _ctx())
    assert source.record is not None
    return source.record


def test_a_numbered_outline_is_the_structure_of_a_record_without_headings() -> None:
    found = sections.candidates(_record(OUTLINE))
    assert [(c.kind, c.section.title, c.section.line) for c in found] == [
        ("outline item", "Opening & apologies", 9),
        ("outline item", "SMS performance", 11),
        ("outline item", "NCs & corrective actions", 12),  # a long first line is a statement
        ("outline item", "Decisions", 16)]
    nested = found[2].section
    assert nested.parents[1:] == ("SMS performance",)
    assert nested.text.strip() == "- 3 NCs in the period."


def test_beside_headings_an_outline_counts_only_as_a_whole_agenda() -> None:
    text = OUTLINE.replace("1. Opening", "## Notes\n\n1. Opening")
    kinds = {c.kind for c in sections.candidates(_record(text)) if c.section.implicit}
    assert kinds == {"list item"}


def test_a_chair_who_stands_in_for_top_management_holds_their_own_role() -> None:
    from smsdocs.checks.actions import _role_verdict

    ctx = _ctx()
    assert _role_verdict("Declan Ó Briain, Service Desk Manager (deputising for the CIO)",
                         ctx) is False
    assert _role_verdict("Aoife Byrne (CIO)", ctx) is True
    assert _role_verdict("Ops lead, on behalf of the Managing Director", ctx) is False
