"""The pages of one edition of the handbook, engine-neutral: which pages a build adds, whether
they join a generated nav, and the content of each. One page code, two adapters: the MkDocs
plugin adds these pages to MkDocs' files and fills them in as pages render; `smsdocs render`
writes them as Markdown for an engine without plugin support. No MkDocs import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..validate import Result
from . import audience, evidence
from .render import Handbook

EVIDENCE_STUB = "<!-- smsdocs: evidence -->\n"


@dataclass
class EditionView:
    """The validation result as one edition shows it (the auditor edition leaves out what is
    marked internal) and what it leaves out."""

    auditor: bool
    full: Result
    result: Result
    excluded: audience.Exclusion = field(default_factory=audience.Exclusion)
    withheld: dict[tuple[str, str], int] = field(default_factory=dict)


def edition_view(result: Result, auditor: bool, internal_fields: Iterable[str] = (),
                 justifications: dict[str, str] | None = None) -> EditionView:
    """The edition's result: for the auditor, without internal files, fields or findings."""
    if not auditor:
        return EditionView(False, result, result)
    excluded = audience.exclusion(result, internal_fields)
    shown = audience.filter_result(result, excluded, justifications or {})
    return EditionView(True, result, shown, excluded,
                       audience.withheld(result.coverage, shown.coverage))


@dataclass(frozen=True)
class SitePage:
    """A page a build adds: where, its title, whether a generated nav lists it, and the
    Markdown an engine with the plugin gets for it (the plugin fills in the HTML)."""

    src: str
    title: str
    in_nav: bool
    stub: str


def site_pages(handbook: Handbook, explicit_nav: bool) -> list[SitePage]:
    """Every page the handbook adds to the site, the evidence index last. Registers join a
    generated nav; reports too unless the nav is written by hand (it lists what it wants)."""
    out = []
    for page in handbook.pages:
        in_nav = page.kind == "register" or (page.kind == "report" and not explicit_nav)
        out.append(SitePage(page.src, page.title, in_nav, handbook.stub_markdown(page)))
    out.append(SitePage(evidence.EVIDENCE_PAGE, evidence.EVIDENCE_TITLE, not explicit_nav,
                        EVIDENCE_STUB))
    return out


def generated_html(handbook: Handbook, view: EditionView, src: str) -> str | None:
    """The HTML of a page the handbook generates (None for a page of the sources)."""
    if src == evidence.EVIDENCE_PAGE:
        return evidence.render(handbook, view.result.coverage, src, view.withheld)
    return handbook.render_page(src)


def page_html(handbook: Handbook, view: EditionView, src: str, html: str) -> str:
    """A page's HTML in the site: a generated page's own, or a source page's rendered HTML
    with its header card, footer and linked ids."""
    rendered = generated_html(handbook, view, src)
    return rendered if rendered is not None else handbook.decorate(src, html)


def record_markdown(handbook: Handbook, src: str, body: str) -> str:
    """A source page's Markdown body with the same header card (after its first ``# `` line)
    and footer the plugin adds to its HTML, as raw HTML blocks (for an engine without the
    plugin; `smsdocs render` then links the ids in it with markdown_prose.py)."""
    card = handbook.card(src)
    footer = handbook.extensions.record_footer(src)
    if card:
        lines = body.split("\n")
        at = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
        block = f"\n{raw_block(card)}\n"
        if at is None:
            body = block + "\n" + body
        else:
            lines.insert(at + 1, block)
            body = "\n".join(lines)
    if footer:
        body = body.rstrip("\n") + "\n\n" + raw_block(footer) + "\n"
    return body


def raw_block(html: str) -> str:
    """HTML as one raw block of Markdown: wrapped in a div, no blank lines inside (a blank
    line would end the block in some Markdown engines)."""
    inner = "\n".join(line for line in html.split("\n") if line.strip())
    return f'<div class="smsdocs-rendered">\n{inner}\n</div>'


def prune_nav(items: list[Any], gone: set[str]) -> list[Any]:
    """The nav without entries for pages the edition leaves out (and sections left empty)."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, str):
            if item not in gone:
                out.append(item)
        elif isinstance(item, dict):
            kept: dict[str, Any] = {}
            for title, value in item.items():
                if isinstance(value, list):
                    value = prune_nav(value, gone)
                    if not value:
                        continue
                elif isinstance(value, str) and value in gone:
                    continue
                kept[title] = value
            if kept:
                out.append(kept)
        else:
            out.append(item)
    return out


def dirname_title(name: str) -> str:
    """A nav section's title from its folder's name, as MkDocs makes it."""
    title = name.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


def _nav_key(path: str) -> tuple[tuple[str, ...], bool, str]:
    parts = path.split("/")
    return (tuple(parts[:-1]), parts[-1].rsplit(".", 1)[0] != "index", parts[-1])


def nav_of(paths: Iterable[str]) -> list[Any]:
    """The nav an engine generates from these pages: index first, one section per folder,
    folders after the pages beside them (MkDocs' order)."""
    nested: list[Any] = []
    for path in sorted(paths, key=_nav_key):
        branch = nested
        for part in path.split("/")[:-1]:
            title = dirname_title(part)
            found = next((item[title] for item in branch
                          if isinstance(item, dict) and title in item), None)
            if found is None:
                found = []
                branch.append({title: found})
            branch = found
        branch.append(path)
    return nested
