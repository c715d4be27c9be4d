"""Say why: for every section rule of one file, the heading (or agenda-table row) that
presents it and the concept words that matched, or the closest candidates and what each
lacked. Reads the same recognition the check uses (``checks.sections``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .checks import sections as sections_mod
from .core.concepts import Lexicon, Match, Words, strip_numbering, term, words
from .core.config import as_of_date
from .core.context import Context
from .core.findings import Finding
from .core.loader import load_source, read_text
from .core.model import Record
from .core.rulepack import Rule, RulePack


@dataclass
class Presenter:
    """A heading, bold line or table row and why it counts (or nearly counts)."""

    title: str
    line: int
    kind: str
    concepts: dict[str, list[str]] = field(default_factory=dict)  # concept -> words seen
    lacking: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    declared: bool = False


@dataclass
class RuleExplanation:
    """One section rule: what presents it, what came close, and the findings it gave."""

    rule: str
    description: str
    status: str  # "found", "missing" or "unwritten"
    sections: list[Presenter] = field(default_factory=list)
    closest: list[Presenter] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Explanation:
    """Everything ``smsdocs explain`` says about one file."""

    file: str
    type: str
    rules: list[RuleExplanation] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def explain(root: Path, path: Path, pack: RulePack, only: str | None = None,
            as_of: dt.date | None = None) -> Explanation:
    """Explain the section rules of one file (``only``: one rule id)."""
    shown = path.resolve().relative_to(root.resolve()).as_posix() \
        if path.resolve().is_relative_to(root.resolve()) else str(path)
    ctx = Context(pack=pack, as_of=as_of_date(as_of))
    text = read_text(path, shown, ctx)
    result = Explanation(file=shown, type="")
    if text is None:
        result.problems = [f.message for f in ctx.findings]
        return result
    page = load_source(text, shown, ctx)
    record = page.record
    if record is None:
        result.problems = ["not an SMS document or record (no 'id' and 'type' in front matter)"]
        return result
    result.type = record.type
    sections_mod.check_record(ctx, record)
    rules = [r for r in pack.rules_for(record.type, "section")
             if only is None or r.id == only]
    if only is not None and not rules:
        result.problems = [f"'{only}' is not a section rule for a {record.type or 'record'}"]
    found = sections_mod.sections_by_rule(record, pack)
    declared = {id(s) for _, s in sections_mod.declared_sections(
        record, pack.rules_for(record.type, "section"))[0]}
    for rule in rules:
        result.rules.append(_explain_rule(pack, record, rule, found.get(rule.id, []),
                                          declared, ctx.findings))
    return result


def _explain_rule(pack: RulePack, record: Record, rule: Rule, found: list[Any],
                  declared: set[int], findings: list[Finding]) -> RuleExplanation:
    assert rule.section is not None
    spec = rule.section
    mine = [f for f in findings if f.rule == rule.id or (
        f.rule == "content.placeholder" and any(f.line == s.line for s in found))]
    status = "found" if found else "missing"
    if found and any(f.rule == "content.placeholder" for f in mine):
        status = "unwritten"
    explanation = RuleExplanation(rule=rule.id, description=rule.description, status=status,
                                  findings=[f.as_dict() for f in mine])
    kinds = {c.section.line: c.kind for c in sections_mod.candidates(record)}
    for section in found:
        match = sections_mod.match(pack, spec, section)
        explanation.sections.append(_presenter(
            pack, section.title, section.line, kinds.get(section.line, "heading"), match,
            declared=id(section) in declared))
    if not found:
        for candidate, match in sections_mod.closest(record, rule, pack):
            explanation.closest.append(_presenter(
                pack, candidate.section.title, candidate.section.line, candidate.kind, match))
    return explanation


def _presenter(pack: RulePack, title: str, line: int, kind: str, match: Match,
               declared: bool = False) -> Presenter:
    seen = words(strip_numbering(title))
    return Presenter(title=title, line=line, kind=kind,
                     concepts={c: _terms_seen(pack.lexicon, c, seen) for c in match.matched},
                     lacking=list(match.lacking), excluded=list(match.excluded),
                     declared=declared)


def _terms_seen(lexicon: Lexicon, concept: str, seen: Words) -> list[str]:
    literal = concept.strip("'")
    terms = lexicon.concepts.get(concept) or [term(literal)]
    return [lexicon.written.get(t, literal) for t in terms if t and seen.has(t)]


def render_text(result: Explanation) -> str:
    """The explanation for a terminal."""
    out = [f"{result.file}: {result.type or 'no type'}"]
    out += [f"  {p}" for p in result.problems]
    for rule in result.rules:
        out.append(f"\n{rule.rule}  [{rule.status}]  {rule.description}")
        for p in rule.sections:
            how = "declared in 'sections:'" if p.declared else "; ".join(
                f"{c}: {', '.join(w) or '(literal)'}" for c, w in p.concepts.items())
            out.append(f"  presented by {p.kind} '{p.title}' (line {p.line}) - {how}")
        if not rule.sections:
            if not rule.closest:
                out.append("  no heading, bold line or agenda row carries any of its words")
            for p in rule.closest:
                why = (f"lacks a word for {' and '.join(p.lacking)}" if p.lacking else
                       f"sits in another role ({', '.join(p.excluded)})")
                out.append(f"  close: {p.kind} '{p.title}' (line {p.line}) {why}")
        for f in rule.findings:
            out.append(f"  finding line {f['line']}: [{f['rule']}] {f['message']}")
    return "\n".join(out)
