"""The structure of a Markdown body: a heading tree with line ranges, tables and prose.

markdown-it-py gives us block tokens with line maps, so headings inside fenced code do not
count and every section knows the file lines it spans.
"""

from __future__ import annotations

import html as html_mod
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The one markdown-it configuration used everywhere (CommonMark plus GFM tables)."""
    return MarkdownIt("commonmark").enable("table")


@lru_cache(maxsize=1)
def _block_parser() -> MarkdownIt:
    """The same configuration with inline parsing deferred: blocks give us headings, tables,
    lists and code; inline tokens are parsed only where an id could be (see _collect_prose)."""
    return MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])


_MAYBE_ID = re.compile(r"[A-Z0-9]-[0-9]")
# A paragraph that is only bold text is a heading in minutes converted from Word.
_BOLD_LINE = re.compile(r"^(\*\*|__)(?=\S)([^*_\n]{2,160}?)(?<=\S)\1\s*:?\s*$")
_NEEDS_INLINE = re.compile(r"[`\[<_&\\]")
# A raw HTML heading alone in its block (pages exported from Confluence or Google Docs): the
# site renders it as a heading, so the check reads it as one.
_HTML_HEADING = re.compile(r"^\s*<h([1-6])(?:\s[^>]*)?>(.*?)</h\1\s*>\s*$", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")


@dataclass(slots=True)
class TableRow:
    """One body row of a Markdown table."""

    line: int
    cells: list[str]


@dataclass(slots=True)
class Table:
    """A Markdown table: its header cells and body rows."""

    line: int
    header: list[str]
    rows: list[TableRow]


@dataclass(slots=True)
class Section:
    """A heading and everything under it up to the next heading of the same or higher level."""

    level: int
    title: str
    line: int  # file line of the heading
    start: int  # first file line of the content (after the heading)
    end: int  # last file line of the section, inclusive
    text: str = ""  # raw source of the content, subsections included
    items: int = 0  # table body rows, list items and subheadings directly inside
    item_lines: list[tuple[int, str]] = field(default_factory=list)  # (line, whole item)
    implicit: bool = False  # a bold line used as a heading, not a Markdown heading
    parents: tuple[str, ...] = ()  # titles of the headings above (not the H1), outermost first


@dataclass(slots=True)
class ProseSpan:
    """A run of plain text outside code and links, at a file line (for id references)."""

    line: int
    text: str


@dataclass(slots=True)
class Body:
    """Everything the validator needs to know about a Markdown body."""

    sections: list[Section]
    tables: list[Table]
    prose: list[ProseSpan]
    code_lines: set[int]
    lines: list[str]
    first_line: int
    ids: list[tuple[int, str]] | None = None  # id-shaped words in the prose, computed once
    list_items: list[tuple[int, str]] = field(default_factory=list)  # top level, whole text
    # list items at any depth with lines of their own below the first: (line, depth, first
    # line, the lines below) - the items of minutes written as a numbered outline
    outline: list[tuple[int, int, str, str]] = field(default_factory=list)


def parse(body: str, first_line: int) -> Body:
    """Parse a body whose first line is file line ``first_line``."""
    tokens = _block_parser().parse(body)
    lines = body.split("\n")
    offset = first_line  # map[0] is 0-based within the body
    headings: list[tuple[int, int, str, int, bool]] = []  # level, line, title, end, implicit
    level_now = 1  # the level of the last Markdown heading (bold lines nest below it)
    tables: list[Table] = []
    prose: list[ProseSpan] = []
    code_lines: set[int] = set()
    item_starts: list[tuple[int, str]] = []  # (line, text) of list items and table rows
    list_items: list[tuple[int, str]] = []
    outline: list[tuple[int, int, str, str]] = []
    list_depth = 0
    table: Table | None = None
    row: TableRow | None = None
    in_tbody = False
    for index, token in enumerate(tokens):
        span: list[int] = token.map  # type: ignore[assignment]  # None only for inline tokens
        kind = token.type
        if kind == "heading_open":
            inline = tokens[index + 1]
            level_now = int(token.tag[1])
            headings.append((level_now, offset + span[0], inline.content.strip(),
                             offset + span[1] - 1, False))
        elif kind == "paragraph_open" and list_depth == 0 and table is None and token.map \
                and token.map[1] - token.map[0] == 1:
            bold = _BOLD_LINE.match(tokens[index + 1].content.strip())
            if bold:
                headings.append((min(6, max(2, level_now + 1)), offset + token.map[0],
                                 bold.group(2).strip().rstrip(":").strip(),
                                 offset + token.map[0], True))
        elif kind in ("fence", "code_block", "html_block"):
            # Neither renderer reads headings inside code or HTML blocks (comments included).
            code_lines.update(range(offset + span[0], offset + span[1]))
            html = _HTML_HEADING.match(token.content) if kind == "html_block" else None
            if html:
                level_now = int(html.group(1))
                title = html_mod.unescape(_TAG.sub("", html.group(2))).strip()
                headings.append((level_now, offset + span[0], " ".join(title.split()),
                                 offset + span[1] - 1, False))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif kind == "list_item_open" and token.map:
            below = "\n".join(lines[token.map[0] + 1:token.map[1]])
            if below.strip():
                outline.append((offset + token.map[0], list_depth, lines[token.map[0]].strip(),
                                below))
            if list_depth == 1:
                # Only top-level items count as phases, milestones or entries; nested items
                # are their details.
                item_starts.append((offset + token.map[0],
                                    "\n".join(lines[token.map[0]:token.map[1]]).strip()))
                list_items.append(item_starts[-1])
        elif kind == "table_open":
            table = Table(line=offset + span[0], header=[], rows=[])
            tables.append(table)
        elif kind == "tbody_open":
            in_tbody = True
        elif kind == "tbody_close":
            in_tbody = False
        elif kind == "tr_open" and table is not None and in_tbody:
            row = TableRow(line=offset + span[0], cells=[])
            table.rows.append(row)
            item_starts.append((row.line, lines[span[0]].strip()))
        elif kind == "table_close":
            table, row = None, None
        elif kind == "inline":
            if table is not None:
                (row.cells if row is not None else table.header).append(token.content.strip())
            if token.map:
                _collect_prose(token, offset + token.map[0], prose)
    sections = _sections(headings, lines, offset, item_starts)
    return Body(sections=sections, tables=tables, prose=prose, code_lines=code_lines,
                lines=lines, first_line=first_line, list_items=list_items, outline=outline)


def _collect_prose(token: Token, line: int, out: list[ProseSpan]) -> None:
    """Append the text of an inline token that is outside links and code, by file line.

    Only text that could hold an id (``X-1``) matters. When it holds nothing that could hide
    an id from the reader (code spans, links, HTML, emphasis by underscore, entities,
    escapes), its raw lines are the prose; otherwise markdown-it parses it inline and each
    text fragment is placed on its line by finding it in the raw source (a code span or
    inline HTML may wrap a line without a break token).
    """
    content = token.content
    if not _MAYBE_ID.search(content):
        return
    if not _NEEDS_INLINE.search(content):
        for index, text in enumerate(content.split("\n")):
            out.append(ProseSpan(line=line + index, text=text))
        return
    md = parser()
    link_depth = 0
    position = 0
    for child in md.inline.parse(content, md, {}, []):
        kind = child.type
        if kind == "link_open":
            link_depth += 1
        elif kind == "link_close":
            link_depth = max(0, link_depth - 1)
        elif kind == "text" and child.content:
            found = content.find(child.content, position)
            if found >= 0:
                position = found + len(child.content)
            if link_depth == 0:
                at = found if found >= 0 else position
                out.append(ProseSpan(line=line + content.count("\n", 0, at), text=child.content))


def _sections(headings: list[tuple[int, int, str, int, bool]], lines: list[str], offset: int,
              item_starts: list[tuple[int, str]]) -> list[Section]:
    """Sections with their line ranges and items, in one pass with a stack of open headings."""
    last_line = offset + len(lines) - 1
    sections: list[Section] = []
    open_stack: list[Section] = []
    for level, line, title, heading_end, implicit in headings:
        while open_stack and open_stack[-1].level >= level:
            open_stack.pop().end = line - 1
        section = Section(level=level, title=title, line=line, start=heading_end + 1,
                          end=last_line, implicit=implicit,
                          parents=tuple(s.title for s in open_stack if s.level > 1))
        if open_stack:  # a direct subheading counts as an item of its parent
            open_stack[-1].item_lines.append((line, title))
        sections.append(section)
        open_stack.append(section)
    starts = [ln for ln, _ in item_starts]
    for section in sections:
        section.text = "\n".join(lines[section.start - offset : section.end - offset + 1])
    by_line = {s.line: s for s in sections}
    for section in sections:
        low, high = bisect_left(starts, section.start), bisect_right(starts, section.end)
        if section.item_lines:  # a subheading item stands for the whole subsection
            section.item_lines = [
                (ln, f"{title}\n{by_line[ln].text}" if ln in by_line else title)
                for ln, title in section.item_lines]
        if low < high:
            section.item_lines = sorted(section.item_lines + item_starts[low:high])
        section.items = len(section.item_lines)
    return sections


_HASH_NO_SPACE = re.compile(r"^#{1,6}[^#\s]")
_INDENTED_HEADING = re.compile(r"^ {1,3}#{1,6}(\s|$)")


def unportable_headings(body: Body) -> list[tuple[int, str, str]]:
    """Lines that Python-Markdown (the site) and markdown-it-py (the check) read differently.

    ``#Scope`` is a heading to Python-Markdown but text to CommonMark; a heading indented by
    one to three spaces is a heading to CommonMark but text to Python-Markdown.
    """
    found: list[tuple[int, str, str]] = []
    for index, text in enumerate(body.lines):
        line = body.first_line + index
        if line in body.code_lines or not text or text[0] not in "# ":
            continue
        if _HASH_NO_SPACE.match(text) and not text.startswith("#!"):
            found.append((line, text.strip(), "no space after '#'"))
        elif _INDENTED_HEADING.match(text):
            found.append((line, text.strip(), "heading indented by spaces"))
    return found
