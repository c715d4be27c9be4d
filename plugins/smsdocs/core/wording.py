"""How the pack's rules read to a person: headings as written, hints that say what shape of
content is expected, prompts quoted whole. Shared by the checks, templates and outputs."""

from __future__ import annotations

import re

from .rulepack import Rule

_UPPER_WORD = re.compile(r"\b[A-Z][A-Z0-9]+s?\b")
_SHAPE = re.compile(r"\b(?:a list|lists|table|tables)\b", re.IGNORECASE)
ITEMS_HINT = "smsdocs counts the items of a list (one '- ' line each) or the rows of a table."
PROMPT_LIMIT = 200


def heading(rule: Rule) -> str:
    """The heading a template writes for a section rule, as people write it: the pack's
    `heading`, or its first alias in sentence case with the acronyms the rule's own text
    spells in capitals ("CI types", not "Ci types")."""
    explicit = rule.extra.get("heading")
    if explicit:
        return str(explicit)
    alias = rule.section.aliases[0] if rule.section and rule.section.aliases else rule.id
    text = " ".join(str(t) for t in (rule.description, rule.hint, rule.message, rule.source))
    acronyms = {w.lower(): w for w in _UPPER_WORD.findall(text)}
    words = [acronyms.get(w.lower(), w) for w in alias.split(" ")]
    if words and words[0] == words[0].lower():
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def counts_items(rule: Rule) -> bool:
    """Whether the rule counts or checks the items of a list or the rows of a table."""
    spec = rule.section
    return bool(spec and (spec.min_items or spec.each_item_pattern))


def hint(rule: Rule) -> str:
    """The rule's hint; for a rule that counts items, one that says a list or table is
    expected (when the pack's hint does not say so already)."""
    if counts_items(rule) and not _SHAPE.search(rule.hint):
        return f"{rule.hint.rstrip()} {ITEMS_HINT}".strip()
    return rule.hint


def prompt(text: str) -> str:
    """A template prompt quoted in a message: whole, or when very long cut after its last
    complete phrase (at a comma, semicolon or parenthesis), never inside a word."""
    if len(text) <= PROMPT_LIMIT:
        return text
    head = text[:PROMPT_LIMIT]
    cut = max(head.rfind(mark) for mark in (", ", "; ", " ("))
    if cut < PROMPT_LIMIT // 2:
        cut = head.rfind(" ")
    return head[:cut].rstrip(",;") + " …]"
