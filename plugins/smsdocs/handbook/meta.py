"""Front-matter values as the theme may render them: escaped and shallow.

Material puts a page's title, description and tags into HTML without escaping them, and
MkDocs' own YAML read keeps aliases, which a template that prints a value expands without
limit. So every page's metadata is reduced to text (HTML-escaped), numbers, flat lists of
them and one level of mapping (``search: {exclude: true}``); anything deeper is dropped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import escape

LIST_ITEMS = 1000  # more tags or nav hints than any page has


def _scalar(value: Any) -> tuple[bool, Any]:
    """(kept, value): text escaped, numbers, booleans and dates as they are."""
    if isinstance(value, str):
        return True, str(escape(value))
    if value is None or isinstance(value, bool | int | float | dt.date):
        return True, value
    return False, None


def safe_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The page metadata as the theme may render it (see the module docstring)."""
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if not isinstance(key, str):
            continue
        kept, shown = _scalar(value)
        if kept:
            out[key] = shown
        elif isinstance(value, list):
            items = [_scalar(v) for v in value[:LIST_ITEMS]]
            out[key] = [v for ok, v in items if ok]
        elif isinstance(value, dict):
            pairs = [(k, _scalar(v)) for k, v in list(value.items())[:LIST_ITEMS]
                     if isinstance(k, str)]
            out[key] = {k: v for k, (ok, v) in pairs if ok}
    return out
