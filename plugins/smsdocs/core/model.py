"""The SMS as a compliance person sees it: documents, records, actions and the repository."""

from __future__ import annotations

import datetime as dt
import re
import reprlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

from .frontmatter import FrontMatter
from .markdown import Body, Section

ACTION_DONE = frozenset({"done", "cancelled"})


def as_date(value: Any) -> dt.date | None:
    """A date from a YAML value (a date, a datetime, or an ISO string); None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


TEXT_ITEMS = 200  # items of a list shown as text; the rest is "…"


def as_text(value: Any, _depth: int = 0) -> str:
    """A display string for a front-matter value (empty for None). Nested values are
    shown shallowly and shortly: never expanded without limit."""
    if value is None:
        return ""
    if isinstance(value, list):
        if _depth > 3:  # a YAML alias can make a list contain itself
            return "…"
        shown = [as_text(v, _depth + 1) for v in value[:TEXT_ITEMS]]
        return ", ".join(shown + (["…"] if len(value) > TEXT_ITEMS else []))
    if isinstance(value, dict):
        return "{…}" if _depth else reprlib.repr(value)
    return str(value)


T = TypeVar("T")


def str_list(value: Any) -> list[str]:
    """A front-matter value as a list of texts (one value is a list of one)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [as_text(v) for v in value if v is not None]
    return [as_text(value)]


class FrontField(Generic[T]):
    """An attribute read from the front matter of a record (or an action's entry) through
    a converter: ``owner = FrontField(as_text)`` reads the ``owner`` key as text; ``default``
    stands in for an empty value."""

    def __init__(self, read: Callable[[Any], T], default: T | None = None) -> None:
        self.read = read
        self.default = default
        self.key = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name

    @overload
    def __get__(self, holder: None, kind: type) -> FrontField[T]: ...
    @overload
    def __get__(self, holder: object, kind: type) -> T: ...

    def __get__(self, holder: object | None, kind: type) -> FrontField[T] | T:
        if holder is None:
            return self
        value = self.read(holder.data.get(self.key))  # type: ignore[attr-defined]
        return value if value or self.default is None else self.default


@dataclass(slots=True)
class Action:
    """An action raised by a record: a review decision, a corrective action, a follow-up."""

    id: str
    index: int
    record: Record
    data: dict[str, Any]

    title = FrontField(as_text)
    owner = FrontField(as_text)
    status = FrontField(as_text, default="open")
    target_date = FrontField(as_date)
    closed_on = FrontField(as_date)
    clauses = FrontField(str_list)
    evidence = FrontField(str_list)

    @property
    def is_closed(self) -> bool:
        return self.status in ACTION_DONE

    def line(self, key: str | None = None) -> int:
        path: tuple[str | int, ...] = ("actions", self.index)
        return self.record.front.line(*path, key) if key else self.record.front.line(*path)

    def overdue_days(self, as_of: dt.date) -> int:
        """Days past the target date as of a date; 0 when not overdue."""
        target = self.target_date
        if self.is_closed or target is None or target >= as_of:
            return 0
        return (as_of - target).days


@dataclass(slots=True)
class Record:
    """An SMS document (plan, policy, procedure) or record (review, audit, nonconformity)."""

    path: str  # relative to the repository root, POSIX separators
    front: FrontMatter
    body: Body | None
    actions: list[Action] = field(default_factory=list)
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)  # derived

    @property
    def data(self) -> dict[str, Any]:
        return self.front.data

    id = FrontField(as_text)
    type = FrontField(as_text)
    title = FrontField(as_text)
    owner = FrontField(as_text)
    status = FrontField(as_text)
    clauses = FrontField(str_list)
    date = FrontField(as_date)
    # the edition the record's clause numbers refer to (iso20000-1:2011 or 2018)
    standard = FrontField(as_text, default="iso20000-1:2018")

    @property
    def is_2011(self) -> bool:
        return self.standard.endswith("2011")

    def clauses_2018(self, crosswalk: dict[str, list[str]]) -> list[str]:
        """The record's clauses as 2018 numbers (2011 numbers mapped through the crosswalk)."""
        if not self.is_2011:
            return self.clauses
        mapped: list[str] = []
        for number in self.clauses:
            for target in crosswalk.get(number, []):
                if target not in mapped:
                    mapped.append(target)
        return mapped

    @property
    def sections(self) -> list[Section]:
        return self.body.sections if self.body else []

    def line(self, *path: str | int) -> int:
        return self.front.line(*path)


@dataclass(slots=True)
class ManagementReview(Record):
    """A management review (9.3): inputs as body sections, decisions as actions."""

    attendees = FrontField(str_list)
    chair = FrontField(as_text)


RECORD_CLASSES: dict[str, type[Record]] = {"management-review": ManagementReview}

ID_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_-])([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-[0-9]+)(?![A-Za-z0-9_]|-[A-Za-z0-9])")


def family(identifier: str) -> str:
    """The id family: everything up to the last hyphen (``MR-ACT-003`` -> ``MR-ACT-``)."""
    cut = identifier.rfind("-")
    return identifier[: cut + 1] if cut > 0 else ""


def id_tokens(text: str) -> list[str]:
    """Words in text shaped like numbered ids (``NC-007``, ``MR-ACT-003``, ``SHA-256``)."""
    return ID_TOKEN.findall(text)


@dataclass
class Repository:
    """All documents and records of one SMS, indexed once by id."""

    root: str
    files: list[str] = field(default_factory=list)  # every Markdown file read
    records: list[Record] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # ordinary pages (no id and type)
    by_id: dict[str, Record] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    unreadable_ids: set[str] = field(default_factory=set)  # declared by unreadable files

    def families(self) -> set[str]:
        """Id families that exist (``NC-``, ``MR-ACT-``): references to them are checked."""
        known = {family(i) for i in self.by_id} | {family(i) for i in self.actions}
        known.discard("")
        return known

    def knows(self, identifier: str) -> bool:
        return (identifier in self.by_id or identifier in self.actions
                or identifier in self.unreadable_ids)
