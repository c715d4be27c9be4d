"""Rule sources as readers cite them: the pack's shorthand (the key at the top of pack.yaml:
MR-VAL, PLAN-VAL, XPERT, 20000-2, RESEARCH, MKDOCS) written out as the standard's clause,
the guidance document or the specification it stands for.

The pack keeps its `source:` strings as they are (they trace each rule); only the handbook
reads them this way. Unknown internal tags are left out of the text and stay in the raw
source shown on hover.
"""

from __future__ import annotations

import re

STANDARD = "ISO/IEC 20000-1:2018"
# key -> what a reader is told the reference is
REFERENCES = {
    "20000-1:2018": STANDARD,
    "20000-1": STANDARD,
    "20000-2": "ISO/IEC 20000-2:2019 guidance",
    "MR-VAL": "Management review validator specification",
    "PLAN-VAL": "Service management plan validator specification",
    "XPERT": "Article: why management reviews fail (ISO/IEC 20000-1:2018 9.3)",
    "RESEARCH": "smsdocs rule research",
    "MKDOCS": "How MkDocs reads front matter and Markdown",
}
_RESEARCH_SERIES = {"MR": "management review rule", "PLAN": "SMS plan rule"}
_CLAUSE_START = re.compile(r"^\d{1,2}(\.\d+)*(?![\d-])")
_INTERNAL_TAG = re.compile(r"\s*\((?:ORGCN|NJ-[\d.]+|QS-[A-Z]+)\)|;?\s*\bQS-[A-Z]+\b|,?\s*ORGCN")


def _split(source: str) -> list[str]:
    """The references of a source: parts separated by ';' outside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in source:
        depth = max(0, depth + (ch == "(") - (ch == ")"))  # "a)" list items close nothing
        if ch == ";" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _research(rest: str) -> str:
    """'MR-05, MR-15' -> 'management review rules MR-05, MR-15'; 'catalogue 10.2' ->
    'documented-information catalogue, 10.2'."""
    if rest.startswith("catalogue"):
        return "documented-information catalogue" + (f", {rest[9:].strip()}" if rest[9:]
                                                      .strip() else "")
    series = rest.split("-", 1)[0]
    if series in _RESEARCH_SERIES:
        plural = "s" if "," in rest or "/" in rest else ""
        return f"{_RESEARCH_SERIES[series]}{plural} {rest}"
    return rest


def _inline(text: str) -> str:
    """Shorthand inside a reference's parentheses: '(RESEARCH a.1)' -> '(smsdocs rule
    research a.1)'."""
    text = re.sub(r"\bRESEARCH\b", REFERENCES["RESEARCH"], text)
    text = re.sub(r"\bMR-VAL\b", REFERENCES["MR-VAL"], text)
    return text


def readable(part: str) -> str:
    """One reference written out."""
    part = _INTERNAL_TAG.sub("", part).strip().strip(",").strip()
    if part.startswith("(") and part.endswith(")"):
        part = part[1:-1]
    if _CLAUSE_START.match(part):  # a bare clause number is the standard's
        return f"{STANDARD}, clause {_inline(part)}"
    key, _, rest = part.partition(" ")
    if key not in REFERENCES:
        return _inline(part)
    rest = rest.strip()
    if key == "RESEARCH":
        return f"{REFERENCES[key]}, {_research(rest)}" if rest else REFERENCES[key]
    if key in ("20000-1", "20000-1:2018") and _CLAUSE_START.match(rest):
        return f"{STANDARD}, clause {_inline(rest)}"
    if key == "20000-2" and rest:
        return f"{REFERENCES[key]}, {_inline(rest)}"
    if rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1:
        rest = rest[1:-1]
    return f"{REFERENCES[key]}: {_inline(rest)}" if rest else REFERENCES[key]


def references(source: str) -> list[str]:
    """A rule's source as a list of readable references (empty for no source)."""
    return [r for r in (readable(p) for p in _split(source or "")) if r]
