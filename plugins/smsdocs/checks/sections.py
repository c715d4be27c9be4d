"""Section rules: a required input or plan item is an H2/H3 whose heading matches an alias,
and its content (only its own content) holds what the rule asks for."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import wording
from ..context import Context
from ..markdown import Section
from ..model import Record
from ..rulepack import Rule, SectionSpec

_NON_WORD = re.compile(r"[^a-z0-9]+")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_WORD = re.compile(r"[^\W\d_]{2,}")
_LETTER = re.compile(r"[^\W\d_]")
_MARKUP = re.compile(r"^\s*(?:[-*+>|]|\d+[.)])\s*|[|*_`#>\[\]()!]|^[\s:|-]+$", re.MULTILINE)


@lru_cache(maxsize=4096)
def normalize(title: str) -> str:
    """Heading text for alias matching: lower case, '&' as 'and', words separated by one space."""
    return " " + _NON_WORD.sub(" ", title.lower().replace("&", " and ")).strip() + " "


def matching_sections(record: Record, spec: SectionSpec,
                      titles: list[tuple[Section, str]] | None = None) -> list[Section]:
    """The H2/H3 sections whose heading contains one of the spec's aliases as whole words."""
    if titles is None:
        titles = [(s, normalize(s.title)) for s in record.sections]
    regex = spec.heading_re
    return [s for s, title in titles if s.level in spec.levels and regex.search(title)]


def check_record(ctx: Context, record: Record) -> None:
    """Run every section rule that applies to the record's type."""
    rules = ctx.pack.rules_for(record.type, "section")
    if not rules:
        return
    anchor = record.sections[0].line if record.sections else record.front.body_line
    found_by_rule = _sections_by_rule(record, rules, ctx.pack.heading_cache)
    seen_placeholder: set[int] = set()
    for rule in rules:
        spec = rule.section
        assert spec is not None
        found = found_by_rule.get(rule.id, [])
        values = {"title": rule.description.rstrip("."),
                  "example": wording.heading(rule)}
        if not found:
            ctx.report(rule.id, record.path, anchor, problem="missing", **values)
            continue
        section = found[0]
        text = "\n".join(s.text for s in found)
        state = placeholder_state(text, ctx)
        if state is not None:
            if section.line not in seen_placeholder:
                seen_placeholder.add(section.line)
                ctx.report("content.placeholder", record.path, section.line,
                           section=section.title, detail=state)
            continue
        _check_content(ctx, record, rule, spec, found, text, values)


def _sections_by_rule(record: Record, rules: list[Rule],
                      cache: dict[tuple[str, int, str], tuple[str, ...]]
                      ) -> dict[str, list[Section]]:
    """Which sections each rule's aliases match. Headings repeat from record to record, so
    the answer per (type, heading) is cached on the pack: one dict look-up per heading."""
    result: dict[str, list[Section]] = {}
    for section in record.sections:
        key = (record.type, section.level, section.title)
        matched = cache.get(key)
        if matched is None:
            title = normalize(section.title)
            matched = cache[key] = tuple(
                r.id for r in rules
                if r.section and section.level in r.section.levels
                and r.section.heading_re.search(title))
        for rule_id in matched:
            result.setdefault(rule_id, []).append(section)
    return result


def _check_content(ctx: Context, record: Record, rule: Rule, spec: SectionSpec,
                   found: list[Section], text: str, values: dict[str, str]) -> None:
    line = found[0].line
    missing = [group[0] for group, regex in zip(spec.all_of, spec.all_of_res, strict=True)
               if not regex.search(text)]
    if missing:
        ctx.report(rule.id, record.path, line, problem="unmet",
                   missing_terms=", ".join(missing), **values)
        return
    if spec.any_of_re is not None and not spec.any_of_re.search(text):
        ctx.report(rule.id, record.path, line, problem="unmet", **values)
        return
    if spec.pattern and not re.search(spec.pattern, text):
        ctx.report(rule.id, record.path, line, problem="unmet", **values)
        return
    items = sum(s.items for s in found)
    if spec.min_items and items < spec.min_items:
        ctx.report(rule.id, record.path, line, problem="unmet", items=items, **values)
        return
    if spec.each_item_pattern:
        _check_items(ctx, record, rule, spec, found, values)


def _check_items(ctx: Context, record: Record, rule: Rule, spec: SectionSpec,
                 found: list[Section], values: dict[str, str]) -> None:
    pattern = re.compile(spec.each_item_pattern or "")
    tables = [t for t in (record.body.tables if record.body else [])
              if any(s.start <= t.line <= s.end for s in found)]
    if tables:
        rows = [(row.line, row.cells) for t in tables for row in t.rows]
    else:
        rows = [(ln, [tx]) for s in found for ln, tx in s.item_lines]
    for line, cells in rows:
        checked = cells[1:] if spec.each_item_skip_first_cell and len(cells) > 1 else cells
        if not any(pattern.search(c) for c in checked):
            # The objective's name: the first checked cell that holds words.
            label = next((c for c in cells if _LETTER.search(c)), cells[0] if cells else "")
            ctx.report(rule.id, record.path, line, problem="item_unmet",
                       item=label.strip("-*| ")[:60], **values)


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
    words = _WORD.findall(_MARKUP.sub(" ", cleaned))
    if not words and not any(ch.isdigit() for ch in cleaned):
        return " (the section is empty)" if not found else ""
    if found and len(words) < 3:
        return ""
    return None
