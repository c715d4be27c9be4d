"""MkDocs plugin entry point (reserved; the handbook plugin is built on the core)."""

from __future__ import annotations

from mkdocs.plugins import BasePlugin


class SmsdocsPlugin(BasePlugin):  # type: ignore[type-arg]
    """Placeholder so that `plugins: [smsdocs]` resolves; see the MkDocs plugin issue."""
