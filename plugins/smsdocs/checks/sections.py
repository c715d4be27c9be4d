"""Section rules: a required section is a heading (H2-H4, or a bold line used as one), a row
of an agenda table, or a heading the author declared, that carries one of the rule's topics;
its content (only its own content) holds what the rule asks for."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..core import wording
from ..core.concepts import Match, strip_numbering, words
from ..core.context import Context
from ..core.markdown import Body, Section
from ..core.model import Record
from ..core.rulepack import Rule, RulePack, SectionSpec

_NON_WORD = re.compile(r"[^a-z0-9]+")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_WORD = re.compile(r"[^\W\d_]{2,}")
_LETTER = re.compile(r"[^\W\d_]")
_MARKUP = re.compile(r"^\s*(?:[-*+>|]|\d+[.)])\s*|[|*_`#>\[\]()!]|^[\s:|-]+$", re.MULTILINE)
_LABEL_CELL = re.compile(r"^\W*(?:\d+(?:\.\d+)*|[A-Za-z]\d?|[ivxlcIVXLC]+)?\W*$")
# Where a statement ends: a sentence, a paragraph, a list item or a table row.
SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n\s*\n|\n(?=\s*(?:[-*+|]|\d+[.)])\s)")
DEFERRAL_WORDS = 12  # fewer words besides the deferral: the section only defers its topic
DEFERRAL_TEXT = 2000  # characters: a longer section says more than that it was deferred
AGENDA_MIN_ROWS = 3  # a table presents sections when this many rows carry distinct topics


@lru_cache(maxsize=4096)
def normalize(title: str) -> str:
    """Heading text for literal look-ups: lower case, '&' as 'and', words separated by one
    space, with a space at each end (so ' word ' finds whole words)."""
    return " " + _NON_WORD.sub(" ", title.lower().replace("&", " and ")).strip() + " "


def has_role(text: str, roles: list[str]) -> bool:
    """Whether text names one of the roles (whole words, case-insensitive)."""
    folded = normalize(text)
    return any(normalize(role) in folded for role in roles)


@dataclass(slots=True)
class Candidate:
    """Something that can present a required section: a heading, a bold line, a row of an
    agenda table, a labelled list item or an item of an outline."""

    section: Section
    kind: str  # "heading", "bold line", "table row", "list item" or "outline item"


_BOLD_LEAD = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+(\*\*|__)(?=\S)([^*_\n]{2,120}?)(?<=\S)\1"
                        r"\s*[:.\u2013\u2014-]?\s*(.*)$", re.DOTALL)
# "- Supplier performance: all targets met": a label of a few words and a colon
# (no digit in it: "MR-ACT-003 supplier scorecards: done" reports on an action, not a topic)
_LABEL_LEAD = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+()([A-Za-z][^\W\d]*(?: [^\W\d]+){0,4}):"
                         r"\s+(\S.*)$", re.DOTALL)


def candidates(record: Record) -> list[Candidate]:
    """The headings, bold lines, agenda-table rows and bold-led list items of a record, in
    file order. H1 is the page title, unless a document has several (then they are its
    sections)."""
    cached = record.memo.get("candidates")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    record.memo["candidates"] = found = _candidates(record)
    return found


def _candidates(record: Record) -> list[Candidate]:
    several_h1 = sum(1 for s in record.sections if s.level == 1) > 1
    found = [Candidate(s, "bold line" if s.implicit else "heading")
             for s in record.sections if s.level >= 2 or several_h1]
    body = record.body
    if body is None:
        return found
    for table in body.tables:
        for row in table.rows:
            title_at = next((i for i, c in enumerate(row.cells)
                             if _LETTER.search(c) and not _LABEL_CELL.match(c)), None)
            if title_at is None:
                continue
            rest = [c for i, c in enumerate(row.cells) if i != title_at]
            section = Section(level=7, title=row.cells[title_at], line=row.line,
                              start=row.line, end=row.line, text="\n".join(rest),
                              implicit=True, parents=(" ".join(table.header),))
            found.append(Candidate(section, "table row"))
    owners = sorted((s.line, s.title) for s in record.sections)
    led: set[int] = set()
    for line, text in body.list_items:  # "1. **Customer feedback**: NPS 38 ..."
        lead = _BOLD_LEAD.match(text) or _LABEL_LEAD.match(text)
        if lead is None or "://" in lead.group(2):
            continue
        led.add(line)
        section = Section(level=7, title=lead.group(2).strip(), line=line, start=line,
                          end=line + text.count("\n"), text=lead.group(3),
                          implicit=True, parents=(_list_under(owners, line),))
        found.append(Candidate(section, "list item"))
    # an outline is the structure of a record without section headings: its items count as
    # headings; beside headings, an outline list counts only as a whole agenda
    found += _outline_items(body, owners, led,
                            "outline item" if not any(s.level >= 2 for s in record.sections)
                            else "list item")
    found.sort(key=lambda c: c.section.line)
    return found


def _list_under(owners: list[tuple[int, str]], line: int) -> str:
    """The group of a list item: "list under" the nearest heading above its line (owners:
    (line, title) of the record's headings, in order; found by bisection)."""
    at = bisect_left(owners, (line, ""))
    return f"list under {owners[at - 1][1] if at else ''}"


_OUTLINE_TITLE = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+(.{2,120}?)\s*:?\s*$")
_NESTED_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\S")
OUTLINE_TITLE_WORDS = 10  # a longer first line is a statement, not an item's name


def _outline_items(body: Body, owners: list[tuple[int, str]], led: set[int], kind: str
                   ) -> list[Candidate]:
    """The items of minutes written as a numbered outline ("4. SMS performance" with its
    points nested below): each a section named by its first line, under the items above."""
    out: list[Candidate] = []
    stack: list[tuple[int, str]] = []  # (depth, name) of the outline items above
    for line, depth, first, below in body.outline:
        while stack and stack[-1][0] >= depth:
            stack.pop()
        named = _OUTLINE_TITLE.match(first)
        title = named.group(1).strip() if named else ""
        if not title or line in led or title.endswith((".", ";")) \
                or len(title.split()) > OUTLINE_TITLE_WORDS:
            stack.append((depth, ""))
            continue
        rows = below.split("\n")
        items = [(line + 1 + i, row.strip()) for i, row in enumerate(rows)
                 if _NESTED_ITEM.match(row)]
        section = Section(level=7, title=title, line=line, start=line + 1,
                          end=line + len(rows), text=below, items=len(items),
                          item_lines=items, implicit=True,
                          parents=(_list_under(owners, line),
                                   *(name for _, name in stack if name)))
        out.append(Candidate(section, kind))
        stack.append((depth, title))
    return out


def match(pack: RulePack, spec: SectionSpec, section: Section) -> Match:
    """How well a heading (with the headings above it) carries a rule's topics."""
    result = title_match(pack, spec, section.title)
    if result.full and (spec.exclude or spec.exclude_above):
        hit = excluded_by_parents(pack, spec, section)
        if hit:
            return Match(result.matched, result.lacking, hit)
    return result


def title_match(pack: RulePack, spec: SectionSpec, title: str) -> Match:
    """How well a heading's own words carry a rule's topics."""
    return spec.meaning.match(pack.lexicon, words(strip_numbering(title)))


def excluded_by_parents(pack: RulePack, spec: SectionSpec, section: Section) -> tuple[str, ...]:
    """The rule's excluded concepts that the headings above this one carry (a heading under
    'Decisions' is not a review input)."""
    parents = section.parents
    if parents and parents[0].startswith("list under "):  # a list item: its section heading
        parents = (parents[0][len("list under "):], *parents[1:])  # and the items above
    seen: set[str] = set()
    for parent in parents:  # every heading above, however deep (a bold line can be 4 down)
        if parent:
            seen |= _concepts_in(pack, parent)
    return tuple(e for e in (*spec.exclude, *spec.exclude_above) if e in seen)


def _concepts_in(pack: RulePack, title: str) -> frozenset[str]:
    """The excluded concepts a heading carries (cached per pack and heading)."""
    cache = pack.concept_cache
    found = cache.get(title)
    if found is None:
        text = words(strip_numbering(title))
        found = cache[title] = frozenset(
            name for name in pack.excluded_concepts if pack.lexicon.present(name, text))
    return found


CONFIRMING_WORDS = 2  # distinct words of the rule's concepts that confirm a weak heading


def weakly_named(pack: RulePack, spec: SectionSpec, section: Section) -> bool:
    """Whether the heading carries one of the rule's weak topics ("What do we need?")."""
    return bool(spec.weak) and spec.weak_meaning.match(
        pack.lexicon, words(strip_numbering(section.title))).full


def confirmed(pack: RulePack, spec: SectionSpec | None, section: Section) -> bool:
    """A heading that carries only a weak topic counts when its content speaks of the
    rule's topic (content confirms a weak heading; it never replaces a missing one)."""
    if spec is None:
        return False
    if spec.confirm and len(re.findall(spec.confirm, section.text[:4000])) \
            >= max(2, spec.min_items):
        return True
    text = words(section.text[:4000])
    concepts = {c for topic in spec.meaning.topics for c in topic}
    hits = {t for c in concepts for t in pack.lexicon.concepts.get(c, []) if text.has(t)}
    if spec.all_of or spec.any_of or spec.pattern:  # the rule's own content test confirms
        return (all(r.search(section.text) for r in spec.all_of_res)
                and (spec.any_of_re is None or bool(spec.any_of_re.search(section.text)))
                and (not spec.pattern or bool(re.search(spec.pattern, section.text)))
                and (bool(hits) or bool(spec.all_of or spec.any_of)))
    return len(hits) >= CONFIRMING_WORDS


def _applies(spec: SectionSpec, candidate: Candidate) -> bool:
    return candidate.kind != "heading" or candidate.section.level in spec.levels \
        or candidate.section.level == 1


def sections_by_rule(record: Record, pack: RulePack) -> dict[str, list[Section]]:
    """Which sections present each section rule: recognised by topic, or declared.

    Headings repeat from record to record, so the answer per (type, heading, parents) is
    cached on the pack. Table rows count only in an agenda table: one whose header names
    agenda items, or in which several rows carry distinct required topics.
    """
    key = ("sections", id(pack))
    if key in record.memo:
        return record.memo[key]  # type: ignore[no-any-return]
    record.memo[key] = result = _sections_by_rule(record, pack)
    return result


def _sections_by_rule(record: Record, pack: RulePack) -> dict[str, list[Section]]:
    rules = pack.rules_for(record.type, "section")
    found = candidates(record)
    strong, weak = _recognised(record.type, found, rules, pack)
    result: dict[str, list[Section]] = {}
    for rule_id, index in strong:
        result.setdefault(rule_id, []).append(found[index].section)
    by_id = {r.id: r for r in rules}
    for rule_id, index in weak:  # named only weakly: the content must confirm it
        if confirmed(pack, by_id[rule_id].section, found[index].section):
            result.setdefault(rule_id, []).append(found[index].section)
    for rule in rules:
        if rule.section and rule.section.ordered_list and rule.id not in result:
            steps = [s for s in record.sections
                     if _ordered_items(s.text) >= max(2, rule.section.min_items)]
            if steps:
                result[rule.id] = steps
    for rule_id, section in declared_sections(record, rules)[0]:
        if section not in result.setdefault(rule_id, []):
            result[rule_id].insert(0, section)
    return result


def _recognised(record_type: str, found: list[Candidate], rules: list[Rule], pack: RulePack
                ) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    """(rule, candidate index) pairs a record's headings present, and those they name only
    weakly. Records made from one template share their structure: the answer is cached per
    (type, sequence of headings); a heading's own match is cached per heading."""
    shape = (record_type, tuple((c.kind, c.section.level, c.section.title, c.section.parents)
                                for c in found))
    cached = pack.shape_cache.get(shape)
    if cached is not None:
        return cached
    cache = pack.heading_cache
    by_id = {r.id: r for r in rules}
    strong: list[tuple[str, int]] = []
    weak: list[tuple[str, int]] = []
    # agenda tables and lists: (strong, weak) rows by group, counted only as a whole agenda
    groups: dict[str, tuple[list[tuple[str, int]], list[tuple[str, int]]]] = {}
    sizes: dict[str, list[int]] = {}  # group -> [list items, list items that carry a topic]
    for index, candidate in enumerate(found):
        section = candidate.section
        key = (record_type, candidate.kind, section.level, section.title)
        own = cache.get(key)
        if own is None:  # rules the heading's words present, and those it names weakly
            title = {r.id: title_match(pack, r.section, section.title)
                     for r in rules if r.section and _applies(r.section, candidate)}
            full = tuple(r for r, m in title.items() if m.full)
            named = tuple(r.id for r in rules if r.section and r.section.weak
                          and r.id in title and r.id not in full
                          and not title[r.id].excluded
                          and weakly_named(pack, r.section, section))
            own = cache[key] = (full, named)
        pairs = [(r, index) for r in own[0] if not excluded_by_parents(
            pack, by_id[r].section, section)]  # type: ignore[arg-type]
        maybe = [(r, index) for r in own[1] if not excluded_by_parents(
            pack, by_id[r].section, section)]  # type: ignore[arg-type]
        if candidate.kind in ("table row", "list item"):
            group = groups.setdefault(section.parents[0], ([], []))
            group[0].extend(pairs)
            group[1].extend(maybe)
            if candidate.kind == "list item":
                size = sizes.setdefault(section.parents[0], [0, 0])
                size[0] += 1
                size[1] += bool(pairs)
            continue
        strong += pairs
        weak += maybe
    for header, (rows, weak_rows) in groups.items():
        items, topical = sizes.get(header, (0, 0))
        if len({r for r, _ in rows}) >= AGENDA_MIN_ROWS or topical == items >= 2 \
                or pack.lexicon.present("agenda", words(header)):
            strong += rows
            weak += weak_rows
    strong.sort(key=lambda pair: pair[1])
    weak.sort(key=lambda pair: pair[1])
    result = pack.shape_cache[shape] = (tuple(strong), tuple(weak))
    return result


_ORDERED = re.compile(r"^ {0,3}\d{1,3}[.)]\s+\S", re.MULTILINE)


def _ordered_items(text: str) -> int:
    return len(_ORDERED.findall(text))


def declared_sections(record: Record, rules: list[Rule]
                      ) -> tuple[list[tuple[str, Section]], list[tuple[int, str]]]:
    """The author's ``sections:`` map (rule id -> heading as written): the sections it
    declares, and what is wrong with it as (line, detail)."""
    declared = record.data.get("sections")
    if declared is None:
        return [], []
    if not isinstance(declared, dict):
        return [], [(record.line("sections"), "must map rule ids to headings")]
    by_id = {r.id: r for r in rules}
    every = candidates(record)
    found: list[tuple[str, Section]] = []
    problems: list[tuple[int, str]] = []
    for rule_id, titles in declared.items():
        line = record.line("sections", rule_id)
        if str(rule_id) not in by_id:
            problems.append((line, f"names '{rule_id}', which is not a section rule for a "
                                   f"{record.type or 'record'} (see 'smsdocs explain')"))
            continue
        for title in titles if isinstance(titles, list) else [titles]:
            wanted = words(strip_numbering(str(title)))
            hit = next((c.section for c in every
                        if words(strip_numbering(c.section.title)) == wanted), None)
            if hit is None or not wanted:
                problems.append((line, f"maps {rule_id} to '{title}', but no heading or "
                                       f"table row of this file reads so"))
            else:
                found.append((str(rule_id), hit))
    return found, problems


def closest(record: Record, rule: Rule, pack: RulePack, limit: int = 3
            ) -> list[tuple[Candidate, Match]]:
    """The headings that come nearest to presenting a rule, best first (for hints)."""
    spec = rule.section
    if spec is None:
        return []
    presenting = {s.line for found in sections_by_rule(record, pack).values() for s in found}
    near = []
    for candidate in candidates(record):
        result = match(pack, spec, candidate.section)
        if result.matched and not result.full:
            near.append((candidate, result))
    # a heading that already presents another section is a less likely candidate
    near.sort(key=lambda cm: (len(cm[1].lacking) + len(cm[1].excluded),
                              cm[0].section.line in presenting, -len(cm[1].matched),
                              cm[0].section.line))
    return near[:limit]


def describe(candidate: Candidate, result: Match) -> str:
    """'Ops and SLAs' (line 40) was close; it lacks a word for performance."""
    why = (f"it lacks a word for {' and '.join(_concept(c) for c in result.lacking)}"
           if result.lacking else
           f"it sits in another role ({', '.join(_concept(c) for c in result.excluded)})")
    return (f"'{candidate.section.title}' ({candidate.kind}, line {candidate.section.line}) "
            f"was close; {why}")


def _concept(name: str) -> str:
    return name.strip("'").replace("-", " ")


def check_record(ctx: Context, record: Record) -> None:
    """Run every section rule that applies to the record's type."""
    rules = [r for r in ctx.pack.rules_for(record.type, "section") if "output" not in r.extra]
    for line, detail in declared_sections(
            record, ctx.pack.rules_for(record.type, "section"))[1]:
        ctx.report("section.declaration", record.path, line, detail=detail)
    if not rules:
        return
    anchor = record.sections[0].line if record.sections else record.front.body_line
    found_by_rule = sections_by_rule(record, ctx.pack)
    seen_placeholder: set[int] = set()
    for rule in rules:
        spec = rule.section
        assert spec is not None
        found = found_by_rule.get(rule.id, [])
        if not found:
            values = _values(rule)
            near = closest(record, rule, ctx.pack, limit=1)
            if near:
                values["note"] = describe(*near[0]) + "."
            ctx.report(rule.id, record.path, anchor, problem="missing", **values)
            continue
        written = []
        for section in found:  # each heading on its own: one unwritten one is a finding
            state = placeholder_state(section.text, ctx)
            if state is None:
                written.append(section)
            elif section.line not in seen_placeholder:
                seen_placeholder.add(section.line)
                ctx.report("content.placeholder", record.path, section.line,
                           what=f"section '{section.title}'", detail=state)
        if not written:
            continue
        found = written
        section = found[0]
        text = "\n".join(s.text for s in found)
        if spec.deferral and deferred(text, ctx):
            ctx.report(rule.id, record.path, section.line, problem="missing",
                       note=f"'{section.title}' (line {section.line}) only defers the topic "
                            f"to a later meeting.", **_values(rule))
            continue
        _check_content(ctx, record, rule, spec, found, text)


def _values(rule: Rule) -> dict[str, Any]:
    """What a section rule's message and hint are filled with (built only to report)."""
    return {"title": rule.description.rstrip("."), "example": wording.heading(rule)}


def deferred(text: str, ctx: Context) -> bool:
    """True when the text only says the topic was not covered (and moves it on)."""
    pattern = ctx.pack.deferral
    if pattern is None or len(text) > DEFERRAL_TEXT:
        return False
    low = text.lower()
    if not any(word in low for word in ctx.pack.deferral_guard) or not pattern.search(text):
        return False
    later = ctx.pack.later_meeting
    rest = [s for s in SENTENCE.split(text) if s.strip() and not pattern.search(s)
            and not (later is not None and later.search(s))]
    return len(_WORD.findall(_MARKUP.sub(" ", " ".join(rest)))) < DEFERRAL_WORDS


def _check_content(ctx: Context, record: Record, rule: Rule, spec: SectionSpec,
                   found: list[Section], text: str) -> None:
    line = found[0].line
    missing = [group[0] for group, regex in zip(spec.all_of, spec.all_of_res, strict=True)
               if not regex.search(text)]
    if missing:
        ctx.report(rule.id, record.path, line, problem="unmet",
                   missing_terms=", ".join(missing), **_values(rule))
        return
    if spec.any_of_re is not None and not spec.any_of_re.search(text):
        ctx.report(rule.id, record.path, line, problem="unmet", **_values(rule))
        return
    if spec.pattern and not re.search(spec.pattern, _without(spec, text)):
        ctx.report(rule.id, record.path, line, problem="unmet", **_values(rule))
        return
    # Several headings that each present the topic (phases as subheadings) are entries too.
    items = sum(s.items for s in found) + (len(found) if len(found) > 1 else 0)
    if spec.min_items and items < spec.min_items:
        ctx.report(rule.id, record.path, line, problem="unmet", items=items, **_values(rule))
        return
    if spec.each_item_pattern:
        _check_items(ctx, record, rule, spec, found)


def _without(spec: SectionSpec, text: str) -> str:
    """The text without what never counts as a target (dates, years, quarters)."""
    return spec.ignore_re.sub(" ", text) if spec.ignore_re is not None else text


def _check_items(ctx: Context, record: Record, rule: Rule, spec: SectionSpec,
                 found: list[Section]) -> None:
    pattern = re.compile(spec.each_item_pattern or "")
    tables = [t for t in (record.body.tables if record.body else [])
              if any(s.start <= t.line <= s.end for s in found)]
    if tables:
        rows = [(row.line, row.cells) for t in tables for row in t.rows]
    else:
        rows = [(ln, [tx]) for s in found for ln, tx in s.item_lines]
    for line, cells in rows:
        checked = cells[1:] if spec.each_item_skip_first_cell and len(cells) > 1 else cells
        if not any(pattern.search(_without(spec, c)) for c in checked):
            # The objective's name: the first checked cell that holds words.
            label = next((c for c in cells if _LETTER.search(c)), cells[0] if cells else "")
            label = label.strip().split("\n", 1)[0]
            ctx.report(rule.id, record.path, line, problem="item_unmet",
                       item=label.strip("-*| ")[:80], **_values(rule))


def placeholder_state(text: str, ctx: Context) -> str | None:
    """None when the text is real content; otherwise why it is not (empty or placeholder)."""
    cleaned = _COMMENT.sub(" ", text) if "<!--" in text else text
    lower = cleaned.lower()
    found = False
    for guard, pattern, always in ctx.pack.placeholders:
        if guard in lower:
            if always:
                prompt = pattern.search(cleaned)
                if prompt:
                    return f" (unwritten prompt {wording.prompt(prompt.group(0))!r})"
            cleaned, hits = pattern.subn(" ", cleaned)
            found = found or hits > 0
    if not found:
        return None if _LETTER.search(cleaned) else " (the section is empty)"
    words_left = _WORD.findall(_MARKUP.sub(" ", cleaned))
    if not words_left and not any(ch.isdigit() for ch in cleaned):
        return " (the section is empty)" if not found else ""
    if found and len(words_left) < 3:
        return ""
    return None

