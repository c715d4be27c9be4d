"""The prose of a page's Markdown, for `smsdocs render`: the id links and auditor marks the
plugin puts into the rendered HTML (``Handbook.link_ids``, ``audience.Cleaner``) applied to
the text outside fenced code, code spans, links and link definitions, line by line.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s")
_SPAN = re.compile(
    r"(?P<code>(`+).+?\2)"
    r"|(?P<link>!?\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<href><[^>]*>|[^)\s]*)"
    r"(?:\s+\"[^\"]*\")?\))"
    r"|(?P<ref>!?\[[^\]]*\]\[[^\]]*\])"
    r"|(?P<auto><[a-z][a-z0-9+.-]*:[^>\s]*>)", re.IGNORECASE)

Text = Callable[[str], str]
Link = Callable[[str, str, str], str]  # (whole link, its text, its target) -> replacement


def rewrite(markdown: str, text: Text, link: Link | None = None) -> str:
    """Markdown with ``text`` applied to its prose and ``link`` to its inline links."""
    out: list[str] = []
    fence = ""
    for line in markdown.split("\n"):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            out.append(line)
            continue
        if opened:
            fence = opened.group(1)
            out.append(line)
            continue
        if _DEFINITION.match(line):
            out.append(line)
            continue
        out.append(_line(line, text, link))
    return "\n".join(out)


def _line(line: str, text: Text, link: Link | None) -> str:
    parts: list[str] = []
    pos = 0
    for match in _SPAN.finditer(line):
        if match.start() > pos:
            parts.append(text(line[pos:match.start()]))
        token = match.group(0)
        if match.group("link") and link is not None:
            token = link(token, match.group("text"), match.group("href").strip("<>"))
        parts.append(token)
        pos = match.end()
    if pos < len(line):
        parts.append(text(line[pos:]))
    return "".join(parts)


def target_src(href: str, here: str) -> str | None:
    """The src a relative link from the page at src ``here`` points to (None for a URL)."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        return posixpath.normpath(path.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(here), path))
