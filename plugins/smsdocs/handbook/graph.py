"""The SMS as a graph of records, actions and clauses, with the site page of each node.

Built once per build from a validation result (no second parse): records and the actions
they raised, clauses (from the pack's catalogue, or from the clause numbers in use when the
catalogue is missing), who mentions whom (from the core's prose index), and findings by
file and by clause. Everything is indexed in one pass; rendering only looks things up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..checks.references import prose_ids
from ..core.coverage import ClauseCoverage, Item, clause_coverage
from ..core.findings import Finding, Severity
from ..core.model import Action, Record, id_tokens
from ..core.rulepack import Clause, clause_key
from ..validate import Result

ACTIONS_DIR = "actions"
CLAUSES_DIR = "clauses"
REGISTERS_DIR = "registers"
ACTION_REGISTER = f"{ACTIONS_DIR}/index.md"
CLAUSE_INDEX = f"{CLAUSES_DIR}/index.md"
DOCUMENT_REGISTER = f"{REGISTERS_DIR}/documents.md"
RECORD_REGISTER = f"{REGISTERS_DIR}/records.md"
FINDINGS_PAGE = f"{REGISTERS_DIR}/findings.md"
TAGS_PAGE = f"{REGISTERS_DIR}/tags.md"
SMS_JSON = "sms.json"

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")


def page_name(key: str) -> str:
    """A file name for an id or clause number; odd ids get a stable hashed name."""
    if _SAFE_NAME.match(key) and not key.endswith((".", "-")) and ".." not in key:
        return key
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
    slug = re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-")[:40] or "id"
    return f"{slug}-{digest}"


@dataclass
class ClauseNode:
    """One clause with everything that serves it or is linked to it."""

    number: str
    title: str
    asks: str = ""
    requires: list[dict[str, object]] = field(default_factory=list)
    parent: str | None = None
    known: bool = True  # in the pack's catalogue
    documents: list[Record] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    coverage: list[Item] = field(default_factory=list)  # required items and their providers
    numbers_2011: dict[str, list[str]] = field(default_factory=dict)  # record id -> 2011 nos.

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}" if self.title else f"Clause {self.number}"

    @property
    def coverage_state(self) -> ClauseCoverage:
        """The clause's state from its required items: the same computation as `smsdocs
        coverage`, the evidence index and sms.json (coverage.clause_coverage)."""
        return clause_coverage(self.number, self.coverage)

    @property
    def state(self) -> str:
        return self.coverage_state.state

    @property
    def gap(self) -> bool:
        return self.state == "gap"

    @property
    def src(self) -> str:
        return f"{CLAUSES_DIR}/{page_name(self.number)}.md"


@dataclass
class Graph:
    """Records, actions and clauses of one SMS, cross-indexed, with their site pages."""

    result: Result
    src_of_path: dict[str, str]  # repository path -> site src_uri
    records: list[Record] = field(default_factory=list)
    record_by_path: dict[str, Record] = field(default_factory=dict)
    record_src: dict[str, str] = field(default_factory=dict)  # record id -> src_uri
    actions: list[Action] = field(default_factory=list)
    action_src: dict[str, str] = field(default_factory=dict)  # action id -> src_uri
    clauses: dict[str, ClauseNode] = field(default_factory=dict)
    mentions: dict[str, list[str]] = field(default_factory=dict)  # id -> repository paths
    page_titles: dict[str, str] = field(default_factory=dict)  # repository path -> title
    findings_by_file: dict[str, list[Finding]] = field(default_factory=dict)

    @property
    def as_of(self) -> dt.date:
        return self.result.as_of

    def kind(self, record: Record) -> str:
        rtype = self.result.pack.types.get(record.type)
        return rtype.kind if rtype else "record"

    def type_title(self, record: Record) -> str:
        rtype = self.result.pack.types.get(record.type)
        return rtype.title if rtype else record.type

    def id_src(self, identifier: str) -> str | None:
        """The page of a known id (record or action), or None."""
        return self.record_src.get(identifier) or self.action_src.get(identifier)

    def clause_src(self, number: str) -> str | None:
        node = self.clauses.get(number.strip())
        return node.src if node else None

    def page_src(self, path: str) -> str | None:
        return self.src_of_path.get(path)

    def page_title(self, path: str) -> str:
        """What a link to a page says: 'ID — title' for a record, else the page's title."""
        record = self.record_by_path.get(path)
        if record is not None:
            return f"{record.id} — {record.title}" if record.title else record.id
        return self.page_titles.get(path) or _title_from_path(path)

    def record_clauses(self, record: Record) -> list[str]:
        """A record's own clauses as 2018 numbers (2011 numbers through the crosswalk)."""
        return [c.strip() for c in record.clauses_2018(self.result.pack.crosswalk_2011)
                if c.strip()]

    def rule_clause(self, finding: Finding) -> str:
        rule = self.result.pack.rules.get(finding.rule)
        return rule.clause if rule else ""

    def open_actions(self) -> list[Action]:
        return [a for a in self.actions if not a.is_closed]

    def counts(self) -> dict[str, int]:
        findings = self.result.findings
        return {"records": len(self.records), "actions": len(self.actions),
                "open": len(self.open_actions()),
                "overdue": sum(1 for a in self.actions if a.overdue_days(self.as_of)),
                "errors": sum(1 for f in findings if f.severity is Severity.ERROR),
                "warnings": sum(1 for f in findings if f.severity is Severity.WARNING)}


def build(result: Result, src_of: Callable[[str], str | None]) -> Graph:
    """Index a validation result once: nodes, their pages, links both ways, mentions."""
    repo = result.repo
    src_of_path = {}
    for path in repo.files:
        src = src_of(path)
        if src is not None:
            src_of_path[path] = src
    graph = Graph(result=result, src_of_path=src_of_path)
    seen_records: set[str] = set()
    for record in repo.records:
        if not record.id or record.id in seen_records or record.path not in src_of_path:
            continue
        if repo.by_id.get(record.id) is not record:
            continue
        seen_records.add(record.id)
        graph.records.append(record)
        graph.record_by_path[record.path] = record
        graph.record_src[record.id] = src_of_path[record.path]
    used_names: set[str] = set()
    for identifier, action in repo.actions.items():
        if action.record.path not in src_of_path or identifier in graph.record_src:
            continue
        name = page_name(identifier)
        if name.lower() in used_names or name == "index":
            name = page_name(identifier + "\x00")  # a case clash on case-insensitive disks
        used_names.add(name.lower())
        graph.actions.append(action)
        graph.action_src[identifier] = f"{ACTIONS_DIR}/{name}.md"
    _index_clauses(graph)
    _index_mentions(graph)
    _index_titles(graph)
    for finding in result.findings:
        graph.findings_by_file.setdefault(finding.file, []).append(finding)
    return graph


def _clause_node(graph: Graph, number: str) -> ClauseNode:
    node = graph.clauses.get(number)
    if node is None:
        node = graph.clauses[number] = ClauseNode(number=number, title="", known=False)
    return node


def _index_clauses(graph: Graph) -> None:
    pack = graph.result.pack
    catalogue: dict[str, Clause] = pack.clauses
    for number, clause in catalogue.items():
        graph.clauses[number] = ClauseNode(number=number, title=clause.title, asks=clause.asks,
                                           requires=list(clause.requires), parent=clause.parent)
    crosswalk = pack.crosswalk_2011
    for record in graph.records:
        rtype = pack.types.get(record.type)
        numbers = dict.fromkeys(graph.record_clauses(record)
                                + list(rtype.clauses if rtype else []))
        for number in numbers:
            if not number or (catalogue and number not in catalogue):
                continue  # ref.clause-unknown reports it; no page for a clause that is not one
            node = _clause_node(graph, number)
            (node.documents if graph.kind(record) == "document" else node.records).append(record)
            if record.is_2011:
                origin = [c.strip() for c in record.clauses
                          if number in crosswalk.get(c.strip(), [])]
                if origin:
                    node.numbers_2011[record.id] = origin
    for item in graph.result.coverage.items:
        if item.clause in graph.clauses:
            graph.clauses[item.clause].coverage.append(item)
    for action in graph.actions:
        for number in dict.fromkeys(c.strip() for c in action.clauses):
            if number and (not catalogue or number in catalogue):
                _clause_node(graph, number).actions.append(action)
    for finding in graph.result.findings:
        number = graph.rule_clause(finding)
        if number and (not catalogue or number in catalogue):
            _clause_node(graph, number).findings.append(finding)
    graph.clauses = dict(sorted(graph.clauses.items(), key=lambda item: clause_key(item[0])))


def _title_from_path(path: str) -> str:
    stem = posixpath.splitext(posixpath.basename(path))[0]
    if stem in ("index", "README"):
        stem = posixpath.basename(posixpath.dirname(path)) or "Home"
    return stem.replace("-", " ").replace("_", " ").capitalize()


def _index_titles(graph: Graph) -> None:
    """Each page's own title: front-matter title, else its first level-1 heading."""
    for page in graph.result.sources:
        if page.path not in graph.src_of_path:
            continue
        title = page.front.data.get("title") if page.front else None
        if not title and page.body is not None:
            title = next((s.title for s in page.body.sections if s.level == 1), None)
        if title:
            graph.page_titles[page.path] = str(title)


def _index_mentions(graph: Graph) -> None:
    """Who mentions which id: prose of every page (the core's prose index) and evidence."""
    found: dict[str, dict[str, None]] = {}
    known = graph.record_src.keys() | graph.action_src.keys()
    for page in graph.result.sources:
        if page.path not in graph.src_of_path:
            continue
        for _, token in prose_ids(page.body):
            if token in known:
                found.setdefault(token, {})[page.path] = None
    for action in graph.actions:
        for item in action.evidence:
            token = item.strip()
            if id_tokens(token) == [token] and token in known:
                found.setdefault(token, {})[action.record.path] = None
    graph.mentions = {key: list(paths) for key, paths in found.items()}


def relative_url(url: str, base: str) -> str:
    """The link from the page at site URL ``base`` to site URL ``url`` (as MkDocs makes)."""
    target = "" if url in ("", ".", "./") else url
    base_dir = "" if base in ("", ".", "./") else (
        base if base.endswith("/") else posixpath.dirname(base))
    rel = posixpath.relpath("/" + target, "/" + base_dir)
    if target == "" or target.endswith("/"):
        rel = rel.rstrip("/") + "/" if rel != "." else "./"
    return rel
