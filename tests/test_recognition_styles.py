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
