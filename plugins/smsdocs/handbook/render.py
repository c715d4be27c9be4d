"""Pages of the handbook rendered to HTML with Jinja2 (autoescaped: front matter is data).

The handbook knows nothing of MkDocs: it is given a validation result, where each repository
file sits in the site (``src_of``) and, once the site's files are known, the URL of every
page (``set_urls``). It then renders generated pages, header cards and id links.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..core.findings import Finding
from ..core.model import Action, Record, as_text, id_tokens
from ..git.history import RepositoryHistory
from ..review.inputpack import period_label
from ..validate import Result
from . import export
from .graph import (
    ACTION_REGISTER,
    CLAUSE_INDEX,
    DOCUMENT_REGISTER,
    FINDINGS_PAGE,
    RECORD_REGISTER,
    REGISTERS_DIR,
    TAGS_PAGE,
    ClauseNode,
    Graph,
    build,
    relative_url,
)
from .links import autolink, insert_after_h1
from .pages import PAGE_SRC, Extensions

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CARD_FIELDS = ("id", "type", "owner", "status", "version", "approved_by", "approved_on",
               "next_review", "date", "chair", "auditor")
ACTION_FIELDS = ("id", "title", "owner", "status", "target_date", "closed_on",
                 "success_criteria", "clauses", "evidence")
_CSS = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    """A page the handbook adds to the site: where, its title, and whether it is in nav."""

    src: str
    title: str
    kind: str  # action, clause, register, report (pages.py)
    key: str = ""


def _css(value: object) -> str:
    return _CSS.sub("-", as_text(value).lower()).strip("-") or "none"


def _text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return as_text(value)


def running_header(record: Record) -> str:
    """What each printed page of a record says at its top: id and version (or date)."""
    version = _text(record.data.get("version"))
    date = _text(record.data.get("date"))
    tail = f" · version {version}" if version else (f" · {date}" if date else "")
    return f"{record.id}{tail} · {record.title}" if record.title else f"{record.id}{tail}"


def _css_string(text: str) -> str:
    """Text as a double-quoted CSS string that is safe inside an HTML <style> element."""
    out = []
    for ch in text[:160]:
        if ch in '\\"<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def plural(count: int, word: str, many: str = "") -> str:
    """'1 warning', '2 warnings' (``many`` for an irregular plural)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def _period(value: object) -> str:
    """A review period as text: '2026-01-01 to 2026-06-30' from text or {from:, to:}."""
    if isinstance(value, dict):
        start = _text(value.get("from") or value.get("start") or "")
        end = _text(value.get("to") or value.get("end") or "")
        return f"{start} to {end}".strip() if start or end else _text(value)
    return _text(value)


def _people(value: object) -> list[str]:
    """Attendees as a list of names (a list of text or mappings, or one line of text)."""
    if isinstance(value, list):
        out = []
        for v in value:
            if isinstance(v, dict):
                out.append(", ".join(_text(x) for x in v.values() if x is not None))
            elif v is not None:
                out.append(_text(v))
        return [p for p in out if p]
    return [_text(value)] if value else []


def environment() -> jinja2.Environment:
    """The Jinja2 environment of the handbook templates (autoescape always on)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["css"] = _css
    env.filters["period"] = lambda t: period_label(t["from"], t["to"])
    env.filters["text"] = _text
    env.filters["plural"] = plural
    env.globals["period_text"] = _period
    env.globals["attendees"] = _people
    return env


class Handbook:
    """Everything the site shows about the SMS, computed once per build."""

    def __init__(self, result: Result, src_of: Callable[[str], str | None],
                 tags_page: bool = False, history: RepositoryHistory | None = None,
                 auditor: bool = False) -> None:
        self.graph: Graph = build(result, src_of)
        self.env = environment()
        # The auditor edition shows no findings and no commit subjects (which may mention
        # internal matters); templates test this flag.
        self.env.globals["auditor"] = auditor
        self.urls: dict[str, str] = {}
        self.tags_page = tags_page
        self._pages: dict[str, GeneratedPage] = {}
        self._record_by_src = {self.graph.record_src[r.id]: r for r in self.graph.records}
        self._children: dict[str, list[ClauseNode]] = {}
        for node in self.graph.clauses.values():
            if node.parent:
                self._children.setdefault(str(node.parent), []).append(node)
        self.extensions = Extensions(self, history)  # more pages, git history (pages.py)
        for page in self._generated():
            self._pages[page.src] = page

    # ------------------------------------------------------------------ pages and urls
    def _generated(self) -> list[GeneratedPage]:
        g = self.graph
        pages = [GeneratedPage(ACTION_REGISTER, "Action register", "register", "actions"),
                 GeneratedPage(CLAUSE_INDEX, "Clause coverage", "register", "clauses"),
                 GeneratedPage(DOCUMENT_REGISTER, "Document register", "register", "documents"),
                 GeneratedPage(RECORD_REGISTER, "Record register", "register", "records"),
                 GeneratedPage(FINDINGS_PAGE, "Findings", "register", "findings")]
        if self.env.globals["auditor"]:  # the findings are the internal quality report
            pages = [p for p in pages if p.src != FINDINGS_PAGE]
        if self.tags_page:
            pages.append(GeneratedPage(TAGS_PAGE, "Tags", "register", "tags"))
        pages += [GeneratedPage(src, title, "report", key)
                  for src, title, key in self.extensions.pages()]
        pages += [GeneratedPage(g.action_src[a.id], f"{a.id} — {a.title}".rstrip(" —"),
                                "action", a.id) for a in g.actions]
        pages += [GeneratedPage(node.src, node.label, "clause", node.number)
                  for node in g.clauses.values()]
        return pages

    @property
    def pages(self) -> list[GeneratedPage]:
        return list(self._pages.values())

    def generated(self, src: str) -> GeneratedPage | None:
        return self._pages.get(src)

    def is_wide(self, src: str) -> bool:
        """Register-like pages: their tables get the width the table of contents took."""
        page = self._pages.get(src)
        return (page is not None and page.kind in ("register", "report")) or \
            src == f"{REGISTERS_DIR}/evidence.md"

    def record_at(self, src: str) -> Record | None:
        return self._record_by_src.get(src)

    def set_urls(self, urls: dict[str, str]) -> None:
        """The site URL of every page by src_uri (known once MkDocs has all files)."""
        self.urls = urls

    def href(self, src: str | None, here: str) -> str | None:
        """Link from the page at src ``here`` to the page at src ``src``."""
        if src is None or src not in self.urls:
            return None
        return relative_url(self.urls[src], self.urls.get(here, ""))

    def stub_markdown(self, page: GeneratedPage) -> str:
        """The Markdown source MkDocs gets for a generated page: only its title (the HTML
        is rendered by the handbook in on_page_content, so values never pass through
        Markdown)."""
        if page.key == "tags":  # the tags plugin fills this one from its Markdown marker
            return f"# {page.title}\n\nDocuments and records by type and clause.\n\n" \
                "<!-- material/tags -->\n"
        return f"<!-- smsdocs: {page.kind} -->\n"

    def title(self, src: str) -> Markup | None:
        """The escaped page title for a generated page or a record page (None otherwise)."""
        page = self._pages.get(src)
        if page is not None:
            return escape(page.title)
        record = self._record_by_src.get(src)
        if record is not None and record.title:
            return escape(record.title)
        return None

    def tags(self, src: str) -> list[str]:
        """Tags of a record page: its type and its clauses."""
        record = self._record_by_src.get(src)
        if record is None:
            return []
        tags = [record.type] if record.type else []
        tags += [f"Clause {c}" for c in self.graph.record_clauses(record)]  # 2011: mapped
        return tags

    # ------------------------------------------------------------------ rendering
    @cached_property
    def counts(self) -> dict[str, int]:
        return self.graph.counts()

    def template_context(self, here: str) -> dict[str, Any]:
        """What every template of a page at ``here`` may use: the graph, the as-of date and
        link helpers whose URLs are relative to ``here``."""
        graph = self.graph

        def url(src: str | None) -> str:
            return self.href(src, here) or "#"

        def page_link(path: str) -> tuple[str | None, str]:
            return self.href(graph.page_src(path), here), graph.page_title(path)

        def ids(value: object) -> Markup:
            """Escape a front-matter value and link the known ids in it."""
            text = str(escape(_text(value)))
            return Markup(self.link_ids(text, here) if "-" in text else text)

        return {"graph": graph, "g": graph, "ids": ids, "as_of": graph.as_of, "url": url,
                "page_link": page_link, "here": here, "counts": self.counts,
                "links": {"actions": url(ACTION_REGISTER), "clauses": url(CLAUSE_INDEX),
                          "documents": url(DOCUMENT_REGISTER),
                          "records": url(RECORD_REGISTER), "findings": url(FINDINGS_PAGE)},
                "reports": {key: url(src) for key, src in PAGE_SRC.items()},  # pages.py
                "evidence": self._evidence}

    def _evidence(self, item: str, here: str) -> Markup:
        token = item.strip()
        if id_tokens(token) == [token]:
            href = self.href(self.graph.id_src(token), here)
            if href:
                return Markup('<a class="smsdocs-id" href="{}">{}</a>').format(href, token)
        if re.match(r"^https?://[^\s\"'<>]+$", token):
            return Markup('<a href="{}" rel="noopener">{}</a>').format(token, token)
        return escape(item)

    def render_page(self, src: str) -> str | None:
        """The HTML of a generated page (None when src is not one)."""
        page = self._pages.get(src)
        if page is None or page.key == "tags":
            return None
        ctx = self.template_context(src)
        ctx["page_title"] = page.title
        if page.kind == "action":
            action = self.graph.result.repo.actions[page.key]
            ctx.update(action=action, extra=_extra(action.data, ACTION_FIELDS),
                       mentioned=[p for p in self.graph.mentions.get(action.id, [])])
            name = "action.html"
        elif page.kind == "clause":
            node = self.graph.clauses[page.key]
            ctx.update(node=node, children=self._children.get(node.number, []))
            name = "clause.html"
        else:
            ctx.update(self._register(page.key))
            name = f"{page.key}.html"
        html = self.env.get_template(name).render(ctx)
        if page.kind == "action":
            html += self.extensions.action_footer(page.key, src)
        return html

    def _register(self, key: str) -> dict[str, Any]:
        g = self.graph
        if key == "actions":
            return {"actions": sorted(g.actions, key=self._action_order)}
        if key == "documents":
            return {"records": [r for r in g.records if g.kind(r) == "document"]}
        if key == "records":
            return {"records": [r for r in g.records if g.kind(r) != "document"]}
        if key == "findings":
            return {"by_file": sorted(g.findings_by_file.items())}
        return self.extensions.context(key) or {}

    def _action_order(self, action: Action) -> tuple[int, int, str, str]:
        days = action.overdue_days(self.graph.as_of)
        target = action.target_date.isoformat() if action.target_date else "9999"
        group = 0 if days else (1 if not action.is_closed else 2)
        return (group, -days, target, action.id)

    def card(self, src: str) -> str:
        """The header card of a record page (empty for other pages)."""
        record = self._record_by_src.get(src)
        if record is None:
            return ""
        ctx = self.template_context(src)
        findings: list[Finding] = self.graph.findings_by_file.get(record.path, [])
        ctx.update(record=record, kind=self.graph.kind(record),
                   type_title=self.graph.type_title(record), findings=findings,
                   running_header=Markup(_css_string(running_header(record))))
        return self.env.get_template("card.html").render(ctx)

    def decorate(self, src: str, html: str) -> str:
        """A document or record page's HTML with its header card and linked ids."""
        card = self.card(src)
        if card:
            html = insert_after_h1(html, card)
        html += self.extensions.record_footer(src)
        return self.link_ids(html, src)

    def link_ids(self, html: str, here: str) -> str:
        graph = self.graph

        def resolve(identifier: str) -> str | None:
            target = graph.id_src(identifier)
            if target is None or target == here:
                return None
            return self.href(target, here)

        return autolink(html, resolve)

    def sms_json(self, generator: str) -> str:
        return export.sms_json(self, generator)

    def close(self) -> None:
        """End the git process the page history reads through (if any)."""
        self.extensions.close()


def _extra(data: dict[str, Any], known: tuple[str, ...]) -> list[tuple[str, str]]:
    """Fields of a mapping beyond the known ones, as (name, text)."""
    return [(str(k), _text(v)) for k, v in data.items() if k not in known]
