"""Ids in prose link themselves: a pass over a page's HTML, outside links, code and scripts.

Working on the rendered HTML (not the Markdown) means code spans, fences, raw HTML, link
text and attribute values are already told apart by the Markdown renderer; we only have to
skip the inside of a few elements. One regex pass per page; ids are looked up in a dict.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..core.model import ID_TOKEN

_MAYBE_ID = re.compile(r"[A-Z0-9]-[0-9]")
_TAG = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*>", re.DOTALL)
SKIPPED = frozenset({"a", "code", "pre", "script", "style", "textarea", "title", "kbd",
                     "samp", "svg", "button", "select", "option", "input", "label"})
VOID = frozenset({"input"})


def autolink(html: str, resolve: Callable[[str], str | None]) -> str:
    """Wrap every known id in text (outside a/code/pre/script/…) in a link to its page.

    ``resolve`` maps an id to the href of its page, or None to leave it as text.
    """
    if not _MAYBE_ID.search(html):
        return html

    def replace(match: re.Match[str]) -> str:
        identifier = match.group(1)
        href = resolve(identifier)
        if href is None:
            return identifier
        return f'<a class="smsdocs-id" href="{href}">{identifier}</a>'

    out: list[str] = []
    pos = 0
    skip = 0
    for match in _TAG.finditer(html):
        start = match.start()
        if start > pos:
            text = html[pos:start]
            out.append(text if skip or not _MAYBE_ID.search(text)
                       else ID_TOKEN.sub(replace, text))
        out.append(match.group(0))
        pos = match.end()
        name = match.group(2)
        if name and name.lower() in SKIPPED and name.lower() not in VOID:
            if match.group(1):
                skip = max(0, skip - 1)
            elif not match.group(0).endswith("/>"):
                skip += 1
    if pos < len(html):
        text = html[pos:]
        out.append(text if skip or not _MAYBE_ID.search(text) else ID_TOKEN.sub(replace, text))
    return "".join(out)


_H1_END = re.compile(r"</h1\s*>", re.IGNORECASE)


def insert_after_h1(html: str, fragment: str) -> str:
    """Put a fragment right after the page's first <h1> (or at the top when it has none)."""
    match = _H1_END.search(html)
    if match is None:
        return fragment + html
    return html[: match.end()] + fragment + html[match.end():]
