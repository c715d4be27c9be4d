"""Editions of the site for an audience: the auditor edition leaves internal content out.

Everything excluded is removed at the source (the validation result the handbook is built
from), so no register, clause page, backlink, tag, evidence row or sms.json entry can name
it; what is left is a pass over each page's HTML that unlinks and marks links and ids that
point at excluded content, and drops HTML comments. No MkDocs import.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote, urlsplit

from markupsafe import escape

from ..core import coverage as coverage_mod
from ..core.coverage import Coverage
from ..core.frontmatter import FrontMatter
from ..core.model import Repository
from ..validate import Result
from .links import autolink

AUDIENCES = ("internal", "auditor")
INTERNAL = "internal"
NOT_IN_EDITION = "not in the auditor edition"
_SENTINEL = "smsdocs-excluded:"
_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.DOTALL | re.IGNORECASE)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


PUBLIC = "all"  # the only audience value the auditor edition publishes (any case)


def classify(front: FrontMatter) -> tuple[str, str]:
    """(verdict, why) for a page's front matter: ``public``, ``internal`` or ``unclassified``.

    Fail closed: only YAML front matter that smsdocs parsed the way MkDocs does, with no
    audience (the documented default, ``all``) or ``all`` in any case, is public; an
    audience it does not understand is treated as internal and reported.
    """
    if front.error:
        return "unclassified", "its front matter cannot be read"
    if front.multimarkdown:
        return "unclassified", ("its metadata is written MultiMarkdown style (no '---' lines), "
                                "which MkDocs reads and smsdocs does not")
    value = front.data.get("audience")
    if value is None:
        return "public", ""
    if isinstance(value, str):
        word = value.strip().lower()
        if word == PUBLIC:
            return "public", ""
        if word == INTERNAL:
            return "internal", ""
    shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
    return "unclassified", f"audience {shown[:60]} is not understood (all or internal)"


def is_internal(data: object) -> bool:
    """Whether a front-matter mapping marks its file ``audience: internal`` (any case)."""
    return isinstance(data, dict) and isinstance(data.get("audience"), str) \
        and data["audience"].strip().lower() == INTERNAL


@dataclass
class Exclusion:
    """What the auditor edition leaves out: files (repository paths), ids, fields."""

    paths: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)  # records and the actions they raised
    fields: tuple[str, ...] = ()
    # files left out because they could not be classified: (path, line, why)
    unclassified: list[tuple[str, int, str]] = field(default_factory=list)

    def folders(self, roots: Iterable[str] = ()) -> set[str]:
        """Folders of the excluded documents, where attachments stay out (with their
        subfolders); the given roots (the docs and records folders) are not among them."""
        return {posixpath.dirname(p) for p in self.paths} - set(roots) - {""}


def exclusion(result: Result, internal_fields: Iterable[str] = ()) -> Exclusion:
    """Every file not positively classified as public (records and ordinary pages), with
    the ids of those records and their actions."""
    out = Exclusion(fields=tuple(str(f) for f in internal_fields))
    read = {page.path for page in result.sources}
    for page in result.sources:
        verdict, why = classify(page.front)
        if verdict != "public":
            out.paths.add(page.path)
        if verdict == "unclassified":
            out.unclassified.append((page.path, page.front.error_line if page.front.error
                                     else page.front.line("audience"), why))
    for path in result.repo.files:
        if path not in read:  # found but not read (not UTF-8, unreadable)
            out.paths.add(path)
            out.unclassified.append((path, 1, "smsdocs could not read it"))
    for record in result.repo.records:
        if record.path in out.paths:
            if record.id:
                out.ids.add(record.id)
            out.ids.update(a.id for a in record.actions if a.id)
    # an id is public while any public record or action still carries it (a duplicate)
    public = {r.id for r in result.repo.records if r.path not in out.paths}
    public |= {a.id for r in result.repo.records if r.path not in out.paths for a in r.actions}
    out.ids -= public
    return out


def strip_fields(data: dict[str, Any], names: tuple[str, ...], _depth: int = 0
                 ) -> dict[str, Any]:
    """The mapping without the named keys, at every depth (lists and mappings below)."""
    return {k: _strip_any(v, names, _depth + 1) for k, v in data.items() if k not in names}


def _strip_any(value: object, names: tuple[str, ...], depth: int) -> object:
    if depth > 50:
        return None  # deeper than any front matter is written: dropped, not published
    if isinstance(value, dict):
        return strip_fields(value, names, depth)
    if isinstance(value, list):
        return [_strip_any(v, names, depth + 1) for v in value]
    return value


_strip_fields = strip_fields


def filter_result(result: Result, excluded: Exclusion,
                  justifications: dict[str, str] | None = None) -> Result:
    """The validation result as the auditor edition sees it: no excluded file, record or
    action, no internal field, no findings (they are the internal quality report), and the
    coverage recomputed from what is left. The original result is not changed."""
    names = excluded.fields
    unwritten = {f.file for f in result.findings if f.rule == "content.placeholder"}
    repo = Repository(root=result.repo.root)
    repo.files = [p for p in result.repo.files if p not in excluded.paths]
    repo.pages = [p for p in result.repo.pages if p not in excluded.paths]
    records = {}
    for record in result.repo.records:
        if record.path in excluded.paths:
            continue
        data = _strip_fields(record.data, names)
        if isinstance(data.get("actions"), list):
            data["actions"] = [_strip_fields(a, names) if isinstance(a, dict) else a
                               for a in data["actions"]]
        raw = {k: v for k, v in record.front.raw.items() if not set(k) & set(names)}
        front = replace(record.front, data=data, raw=raw)
        clone = replace(record, front=front, actions=[])
        clone.actions = [replace(a, record=clone, data=_strip_fields(a.data, names))
                         for a in record.actions]
        records[id(record)] = clone
        repo.records.append(clone)
    for identifier, record in result.repo.by_id.items():
        if id(record) in records:
            repo.by_id[identifier] = records[id(record)]
    for identifier, action in result.repo.actions.items():
        holder = records.get(id(action.record))
        if holder is not None:
            repo.actions[identifier] = next(a for a in holder.actions if a.index == action.index)
    sources = []
    for page in result.sources:
        if page.path in excluded.paths:
            continue
        sources.append(replace(page, record=records.get(id(page.record))) if page.record
                     else page)
    coverage = coverage_mod.compute(repo, result.pack, justifications, unwritten)
    return Result(repo=repo, sources=sources, findings=[], pack=result.pack, as_of=result.as_of,
                  coverage=coverage)


def withheld(full: Coverage, shown: Coverage) -> dict[tuple[str, str], int]:
    """(clause, item key) -> how many excluded documents or records provide an item that the
    edition shows (count only: their ids and titles stay out)."""
    out: dict[tuple[str, str], int] = {}
    visible = {(i.clause, i.key): {p.path for p in i.providers} for i in shown.items}
    for item in full.items:
        hidden = [p for p in item.providers
                  if p.path not in visible.get((item.clause, item.key), set())]
        if hidden:
            out[(item.clause, item.key)] = len(hidden)
    return out


_COMMENT_OR_SCRIPT = re.compile(r"<!--|<script\b", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script\s*>", re.IGNORECASE)


def strip_comments(html: str) -> str:
    """Drop HTML comments, whatever they hold (a ``<script>`` inside one too), but not
    ``<!--`` inside a script, where it may be code. One pass, left to right; an unclosed
    comment runs to the end, as a browser reads it."""
    out: list[str] = []
    at = 0
    while True:
        found = _COMMENT_OR_SCRIPT.search(html, at)
        if found is None:
            out.append(html[at:])
            return "".join(out)
        out.append(html[at:found.start()])
        if found.group(0) == "<!--":
            end = html.find("-->", found.end())
            at = len(html) if end < 0 else end + 3
        else:
            end_tag = _SCRIPT_END.search(html, found.end())
            stop = len(html) if end_tag is None else end_tag.end()
            out.append(html[found.start():stop])
            at = stop


def marked(inner: str) -> str:
    """HTML of text that stands for something the auditor edition leaves out."""
    return _marked(inner)


def _marked(inner: str) -> str:
    return (f'<span class="smsdocs-excluded" title="{NOT_IN_EDITION}">{inner} '
            f'<em class="smsdocs-excluded-note">({NOT_IN_EDITION})</em></span>')


_MARK_OPEN = f'<span class="smsdocs-excluded" title="{NOT_IN_EDITION}">'
_MARK_NOTE = f' <em class="smsdocs-excluded-note">({NOT_IN_EDITION})</em></span>'
# Two marks side by side, such as a link and the id after it ("Calder (OLA-002)"): one note.
_ADJACENT = re.compile(re.escape(_MARK_OPEN) + r"((?:(?!" + re.escape(_MARK_OPEN) + r").)*?)"
                       + re.escape(_MARK_NOTE) + r"(\s*\(\s*)" + re.escape(_MARK_OPEN)
                       + r"((?:(?!" + re.escape(_MARK_OPEN) + r").)*?)" + re.escape(_MARK_NOTE)
                       + r"(\s*\))", re.S)


def _join_marks(html: str) -> str:
    """One '(not in the auditor edition)' for marks that follow each other."""
    while True:
        joined = _ADJACENT.sub(lambda m: _MARK_OPEN + m.group(1) + m.group(2) + m.group(3)
                               + m.group(4) + _MARK_NOTE, html)
        if joined == html:
            return html
        html = joined


@dataclass
class Cleaner:
    """Rewrites a page of the auditor edition: links to excluded pages or to the repository
    host become marked text, excluded ids in prose are marked, comments are dropped."""

    excluded_urls: set[str]  # site URLs of excluded pages (as MkDocs makes them)
    excluded_ids: set[str]
    hosts: set[str] = field(default_factory=set)  # repository hosts, lower case

    def _target(self, href: str, here: str) -> str | None:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return None
        path = unquote(parts.path)
        if not path:
            return None
        base = here if here.endswith("/") else posixpath.dirname(here) + "/"
        joined = posixpath.normpath(posixpath.join("/" + base.lstrip("/"), path)).lstrip("/")
        if path.endswith("/") and joined:
            joined += "/"
        return joined

    def excluded_link(self, href: str, here: str) -> bool:
        """Whether a link from the page at site URL ``here`` points at excluded content."""
        return self._excluded_link(href, here)

    def _excluded_link(self, href: str, here: str) -> bool:
        host = (urlsplit(href).hostname or "").lower()
        if host and any(host == h or host.endswith("." + h) for h in self.hosts):
            return True
        target = self._target(href, here)
        if target is None:
            return False
        candidates = {target, target.rstrip("/") + "/", target.removesuffix("index.html")}
        return bool(candidates & self.excluded_urls)

    def clean(self, html: str, here: str) -> str:
        """The page's HTML (``here``: its site URL) as the auditor edition shows it."""
        html = strip_comments(html)

        def anchor(match: re.Match[str]) -> str:
            found = _HREF.search(match.group(1))
            href = (found.group(1) if found.group(1) is not None else found.group(2)) \
                if found else None
            if href and self._excluded_link(href, here):
                return _marked(match.group(2))
            return match.group(0)

        html = _ANCHOR.sub(anchor, html)
        if self.excluded_ids:
            html = autolink(html, lambda i: _SENTINEL if i in self.excluded_ids else None)
            html = re.sub(rf'<a class="smsdocs-id" href="{_SENTINEL}">([^<]*)</a>',
                          lambda m: _marked(str(escape(m.group(1)))), html)
        return _join_marks(html) if _MARK_NOTE in html else html


def repository_hosts(repo_url: str | None, extra: Iterable[str] = ()) -> set[str]:
    """Hosts whose links the auditor edition drops: the repository's and any configured."""
    hosts = {h.strip().lower() for h in extra if h and h.strip()}
    if repo_url:
        host = urlsplit(repo_url).hostname
        if host:
            hosts.add(host.lower())
    return hosts
