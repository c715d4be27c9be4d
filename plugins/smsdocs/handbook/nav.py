"""The handbook's navigation in the order an SMS is read, for sites without a written `nav`:
the SMS itself (scope, policy, plan, objectives…), then processes and procedures, then
records (reviews, audits, nonconformities…), then the registers, then anything else.

Returns MkDocs' nav shape (a list of {title: src or list}); no MkDocs import.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..core.model import Record
from ..core.rulepack import ClauseKey, clause_key
from .graph import ACTION_REGISTER, CLAUSE_INDEX

if TYPE_CHECKING:
    from .render import Handbook

# The SMS section, in reading order: what the system is, then how it is run.
SMS_TYPES = ("scope", "service-management-policy", "policy", "plan", "objectives",
             "risk-register", "records-register")
# Record types in the order an auditor asks for them, with their section titles.
RECORD_SECTIONS = {"management-review": "Management reviews",
                   "internal-audit": "Internal audits",
                   "nonconformity": "Nonconformities",
                   "service-report": "Service reports"}
# Folders under records/ as `smsdocs init` makes them (for their README before any record).
RECORD_FOLDERS = {"management-reviews": "management-review", "reviews": "management-review",
                  "audits": "internal-audit", "internal-audits": "internal-audit",
                  "nonconformities": "nonconformity", "service-reports": "service-report"}
REGISTER_ORDER = ("registers/documents.md", "registers/records.md", ACTION_REGISTER,
                  CLAUSE_INDEX, "registers/evidence.md", "registers/findings.md",
                  "registers/progress.md", "registers/rules.md", "registers/input-pack.md",
                  "registers/kpis.md", "registers/tags.md")
HOME = "index.md"

NavItem = dict[str, "str | list[NavItem]"] | str


def folder_title(name: str) -> str:
    """A folder name as a section title: 'sms' -> 'SMS', 'service-reports' -> 'Service
    reports'."""
    words = name.replace("_", "-").split("-")
    text = " ".join(w for w in words if w)
    return text.upper() if len(text) <= 3 else text[:1].upper() + text[1:]


def _first_clause(record: Record, handbook: Handbook) -> ClauseKey:
    numbers = handbook.graph.record_clauses(record) or ["99"]
    return min(clause_key(n) for n in numbers)


def generate(handbook: Handbook, pages: Iterable[str], records_rel: str,
             indexes: bool = False) -> list[NavItem]:
    """The nav for the given page srcs (Markdown pages of the site, excluded ones left out).
    Action and clause pages are reached from their registers, not listed. With Material's
    navigation.indexes (``indexes``), an index.md would become its section's own page, so
    the action register and clause coverage (index pages) get a section each."""
    g = handbook.graph
    by_src: dict[str, Record] = {src: r for r in g.records
                                 if (src := g.record_src.get(r.id)) is not None}
    generated = {p.src: p for p in handbook.pages}
    sms: list[tuple[int, str]] = []
    processes: list[tuple[ClauseKey, str, str]] = []
    records: dict[str, list[tuple[str, str]]] = {}
    registers: list[str] = []
    others: dict[str, list[str]] = {}
    home: list[str] = []
    for src in pages:
        page = generated.get(src)
        if src in REGISTER_ORDER or (page is not None and page.kind in ("register", "report")):
            registers.append(src)
            continue
        if page is not None:
            continue  # action and clause pages
        record = by_src.get(src)
        if record is not None and g.kind(record) == "document":
            if record.type in SMS_TYPES:
                sms.append((SMS_TYPES.index(record.type), src))
            else:
                processes.append((_first_clause(record, handbook), record.title, src))
            continue
        parts = src.split("/")
        if record is not None:
            records.setdefault(record.type, []).append((record.id, src))
        elif src.startswith(records_rel + "/") and len(parts) > 2:
            key = RECORD_FOLDERS.get(parts[-2], f"folder:{parts[-2]}")
            records.setdefault(key, []).append(("", src))  # a folder's README comes first
        elif src == HOME or len(parts) == 1:
            home.append(src)
        else:
            others.setdefault(parts[0], []).append(src)
    nav: list[NavItem] = [{"Home": src} if src == HOME else src
                          for src in sorted(home, key=lambda s: (s != HOME, s))]
    if sms:
        nav.append({"SMS": [src for _, src in sorted(sms)]})
    if processes:
        nav.append({"Processes and procedures": _by_folder(sorted(processes))})
    if records:
        known = list(RECORD_SECTIONS)
        order = sorted(records, key=lambda t: (known.index(t) if t in known else len(known),
                                               _record_title(t, handbook)))
        nav.append({"Records": [{_record_title(t, handbook): [src for _, src in
                                                              sorted(records[t])]}
                                for t in order]})
    if registers:
        rank = {src: i for i, src in enumerate(REGISTER_ORDER)}
        ordered = sorted(registers, key=lambda s: (rank.get(s, 99), s))
        nav.append({"Registers": [_own_section(src, handbook) if indexes and
                                  posixpath.basename(src) == "index.md" else src
                                  for src in ordered]})
    for folder in sorted(others):
        inside: list[str] = sorted(others[folder], key=_index_first)
        nav.append({folder_title(folder): list[NavItem](inside)})
    return nav


def _by_folder(entries: list[tuple[ClauseKey, str, str]]) -> list[NavItem]:
    """Documents in clause order; many of them in sub-sections by folder (ordered by their
    first clause), so that a long list stays readable."""
    if len(entries) <= 12:
        return [src for *_, src in entries]
    folders: dict[str, list[str]] = {}
    for _, _, src in entries:
        folders.setdefault(posixpath.dirname(src), []).append(src)
    if len(folders) == 1:
        return [src for *_, src in entries]
    return [{folder_title(posixpath.basename(f) or "General"): list[NavItem](srcs)}
            for f, srcs in folders.items()]


def _own_section(src: str, handbook: Handbook) -> NavItem:
    page = handbook.generated(src)
    return {page.title if page else folder_title(posixpath.dirname(src)): [src]}


def _index_first(src: str) -> tuple[bool, str]:
    return (posixpath.basename(src) not in ("index.md", "README.md"), src)


def _record_title(key: str, handbook: Handbook) -> str:
    if key.startswith("folder:"):
        return folder_title(key[len("folder:"):])
    if key in RECORD_SECTIONS:
        return RECORD_SECTIONS[key]
    rtype = handbook.graph.result.pack.types.get(key)
    title = rtype.title if rtype else folder_title(key)
    return title if title.endswith("s") else title + "s"
