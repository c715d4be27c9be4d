"""Recognise what a heading is about by meaning: concepts are groups of synonymous word stems.

A heading is folded (case, accents, hyphens, British and American spelling), stripped of
its numbering ("3.2", "Item 4 -", "c1)"), split into words and stemmed with the Snowball
English stemmer. A *concept* (a name in the pack's lexicon) is present when one of its terms
occurs as consecutive stems; a *topic* of a rule is a set of concepts that must all be
present; a heading presents the rule when it carries one of its topics and none of the
concepts the rule excludes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")
# Phrases that name one thing and would otherwise lend their words to other concepts
# ("Performance of the service management system" is not about service performance).
_COMPOUNDS = (("servic", "manag", "system"), ("servic", "manag"))
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NUMBERING = re.compile(
    r"""^\s*(?:
        (?:(?:agenda\s+)?item|section|part|no\.?|point|topic|input|output)\s*
            (?:\d+(?:\.\d+)*|[a-z]\d?|[ivxlc]+)\b\s*[).:\-\u2013\u2014]*\s*
      | \(?(?:\d+(?:\.\d+)*|[a-z]\d?|[ivxlc]+)\)\s*[\-\u2013\u2014:]?\s*
      | (?:\d+(?:\.\d+)*|[a-z]\d?|[ivxlc]+)[.:]\s+[\-\u2013\u2014]?\s*
      | \d+(?:\.\d+)*\s+[\-\u2013\u2014]?\s*
    )""", re.VERBOSE | re.IGNORECASE)
_SPELLING = ((re.compile(r"(?<=[a-z])iz(?=[a-z])"), "is"),
             (re.compile(r"(?<=[a-z])yz(?=[a-z])"), "ys"),
             (re.compile(r"iour"), "ior"),
             (re.compile(r"(?<=[a-z]{3})tre\b"), "ter"),
             (re.compile(r"programme"), "program"))


def fold(text: str) -> str:
    """Lower case without accents, '&' as 'and', one spelling for British and American."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    text = text.replace("&", " and ").replace("\u2019", "'").replace("'s ", " ")
    for pattern, replacement in _SPELLING:
        text = pattern.sub(replacement, text)
    return text


def strip_numbering(title: str) -> str:
    """A heading without its numbering: '3.2 Audit outcomes' -> 'Audit outcomes'."""
    stripped = _NUMBERING.sub("", title, count=1)
    return stripped if re.search(r"[^\W\d_]", stripped) else title


# Words the stemmer would merge with a word of another meaning ("corrective" -> "correct",
# the stem of "correction"): kept whole, so a correction is not a corrective action.
_UNSTEMMED = frozenset({"corrective", "preventive"})


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return word if word in _UNSTEMMED else str(_STEMMER.stemWord(word))


@dataclass(frozen=True, slots=True)
class Words:
    """A text as stems, twice: hyphenated words split, and hyphenated words joined."""

    split: tuple[str, ...]
    joined: tuple[str, ...]

    def has(self, term: tuple[str, ...]) -> bool:
        return _contains(self.split, term) or _contains(self.joined, term)

    def __bool__(self) -> bool:
        return bool(self.split)


def _contains(words: tuple[str, ...], term: tuple[str, ...]) -> bool:
    n = len(term)
    if n == 1:
        return term[0] in words
    first = term[0]
    return any(words[i:i + n] == term for i, w in enumerate(words) if w == first)


def _compound(stems: list[str]) -> tuple[str, ...]:
    if "manag" not in stems:  # every compound is "servic manag ..."
        return tuple(stems)
    out: list[str] = []
    i = 0
    while i < len(stems):
        for phrase in _COMPOUNDS:
            if tuple(stems[i:i + len(phrase)]) == phrase:
                out.append("sms")
                i += len(phrase)
                break
        else:
            out.append(stems[i])
            i += 1
    return tuple(out)


@lru_cache(maxsize=65536)
def words(text: str) -> Words:
    """The stems of a text (a heading, a table cell, a lexicon term)."""
    found = _WORD.findall(fold(text))
    split = [_stem(part) for word in found for part in word.split("-") if part]
    joined = [_stem(word.replace("-", "")) for word in found]
    return Words(_compound(split), _compound(joined))


def term(text: str) -> tuple[str, ...]:
    """A lexicon term as the stems it must match, in order."""
    return words(text).split


@dataclass(slots=True)
class Lexicon:
    """Named concepts, each a list of terms (word or phrase), as stems."""

    concepts: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    written: dict[tuple[str, ...], str] = field(default_factory=dict)  # stems -> as written

    @classmethod
    def of(cls, raw: Mapping[str, Iterable[str]]) -> Lexicon:
        lexicon = cls()
        for name, terms in (raw or {}).items():
            stems = lexicon.concepts.setdefault(str(name), [])
            for text in terms:
                stemmed = term(str(text))
                if stemmed and stemmed not in stems:
                    stems.append(stemmed)
                    lexicon.written.setdefault(stemmed, str(text))
        return lexicon

    def present(self, name: str, text: Words) -> bool:
        """Whether the concept (or, for a name not in the lexicon, the literal) is in text."""
        terms = self.concepts.get(name)
        if terms is None:
            literal = term(name)
            return bool(literal) and text.has(literal)
        return any(text.has(t) for t in terms)


@dataclass(frozen=True, slots=True)
class Match:
    """How well a heading carries a rule: the best topic's concepts found and lacking."""

    matched: tuple[str, ...]
    lacking: tuple[str, ...]
    excluded: tuple[str, ...] = ()

    @property
    def full(self) -> bool:
        return not self.lacking and not self.excluded and bool(self.matched)


@dataclass(slots=True)
class Topics:
    """What a section rule is about: alternative topics (each a set of concepts), and the
    concepts that show a heading is about something else."""

    topics: list[tuple[str, ...]]
    exclude: tuple[str, ...] = ()

    @classmethod
    def of(cls, topics: Sequence[Sequence[str] | str], aliases: Sequence[str] = (),
           exclude: Sequence[str] = ()) -> Topics:
        """Topics from the pack (a list of concept lists); aliases become literal topics."""
        parsed = [tuple([t]) if isinstance(t, str) else tuple(str(c) for c in t)
                  for t in topics]
        parsed += [(f"'{a}'",) for a in aliases]
        return cls(parsed, tuple(str(e) for e in exclude))

    def match(self, lexicon: Lexicon, text: Words) -> Match:
        """The best topic for this text (all concepts present beats most present)."""
        best = Match((), ())
        excluded = tuple(e for e in self.exclude if lexicon.present(e, text))
        for topic in self.topics:
            matched = tuple(c for c in topic if _present(lexicon, c, text))
            lacking = tuple(c for c in topic if c not in matched)
            if matched and (not best.matched or len(lacking) < len(best.lacking)
                            or (len(lacking) == len(best.lacking)
                                and len(matched) > len(best.matched))):
                best = Match(matched, lacking, excluded)
        return best


def _present(lexicon: Lexicon, concept: str, text: Words) -> bool:
    if concept.startswith("'") and concept.endswith("'"):
        literal = term(concept[1:-1])
        return bool(literal) and text.has(literal)
    return lexicon.present(concept, text)
