"""The handbook: the SMS as cross-linked pages and data (no MkDocs import; the plugin adapts
it to MkDocs events)."""

from .graph import Graph, build, relative_url
from .links import autolink
from .render import GeneratedPage, Handbook

__all__ = ["GeneratedPage", "Graph", "Handbook", "autolink", "build", "relative_url"]
