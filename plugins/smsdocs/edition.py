"""The MkDocs side of the site editions (``audience: internal`` handbook, ``auditor`` site):
which files are left out, the evidence index page, the provenance line and the offline
search shim. The plugin calls one method per MkDocs event; the logic is in
``handbook.audience``, ``handbook.evidence`` and ``handbook.provenance``.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files, InclusionLevel

from .handbook import audience, evidence
from .handbook.graph import FINDINGS_PAGE
from .handbook.layout import EDITION_ASSETS, EDITION_CSS, WORKER_SHIM, Layout
from .handbook.provenance import Provenance, source_commit
from .handbook.site import EditionView, edition_view, prune_nav
from .validate import Result

INTERNAL_PAGES = (FINDINGS_PAGE,)  # generated pages the auditor edition leaves out
EDITION_NAMES = {"internal": "Internal handbook", "auditor": "Auditor edition"}


class Edition:
    """One build's edition: what it leaves out and what it adds."""

    def __init__(self, options: Any, layout: Layout) -> None:
        self.audience: str = options.audience
        self.internal_fields: list[str] = list(options.internal_fields or [])
        self.extra_hosts: list[str] = list(options.internal_hosts or [])
        self.auditor = self.audience == "auditor"
        self.show_provenance = self.auditor if options.provenance is None \
            else bool(options.provenance)
        self.layout = layout
        self.full: Result | None = None
        self.result: Result | None = None
        self.withheld: dict[tuple[str, str], int] = {}
        self.cleaner: audience.Cleaner | None = None
        self.hosts: set[str] = set()
        self.excluded_ids: set[str] = set()
        self.provenance: Provenance | None = None
        self.commit = ""

    # ------------------------------------------------------------------ on_config
    def configure(self, config: Any) -> None:
        config.extra_css.append(EDITION_CSS)
        if self.show_provenance:
            self.commit = source_commit(self.layout.root, self.layout.folders())
        if not self.auditor:
            return
        self.hosts = audience.repository_hosts(config.repo_url, self.extra_hosts)
        config.repo_url = None
        config.repo_name = None
        config.edit_uri = None
        config.edit_uri_template = None
        self._local_shim(config)

    @staticmethod
    def _local_shim(config: Any) -> None:
        """The iframe-worker shim Material's offline plugin would load from a CDN, served
        from the site instead (any remote copy is dropped)."""
        polyfills = [p for p in (config.extra.get("polyfills") or [])
                     if "iframe-worker" not in str(p)]
        config.extra["polyfills"] = [WORKER_SHIM, *polyfills]

    # ------------------------------------------------------------------ on_files
    def filter(self, result: Result, files: Files, config: Any,
               justifications: dict) -> EditionView:
        """The result the handbook is built from (handbook/site.py); marks excluded files
        as excluded."""
        self.full = result
        if self.auditor:
            self._local_shim(config)  # again: plugins after this one may have added a CDN copy
        view = edition_view(result, self.auditor, self.internal_fields, justifications)
        for path in sorted(view.excluded.paths):
            src = self.layout.src_of(path)
            found = files.get_file_from_path(src) if src else None
            if found is not None:
                found.inclusion = InclusionLevel.EXCLUDED
        self.excluded_ids = view.excluded.ids
        self.withheld = view.withheld
        self.result = view.result
        self.provenance = Provenance(self.commit, view.result.as_of,
                                     EDITION_NAMES.get(self.audience, self.audience)) \
            if self.show_provenance else None
        return view

    def add_files(self, files: Files, config: Any) -> None:
        """The edition's assets (before URLs are taken)."""
        for src, path in EDITION_ASSETS.items():
            if src == WORKER_SHIM and not self.auditor:
                continue
            files.append(File.generated(config, src, abs_src_path=str(path)))

    def urls_known(self, files: Files, config: Any = None) -> None:
        if not self.auditor:
            return
        gone = {f.src_uri for f in files if f.inclusion.is_excluded()} | set(INTERNAL_PAGES)
        if config is not None and config.nav:
            config.nav = prune_nav(config.nav, gone)
        excluded = {f.url for f in files
                    if f.inclusion.is_excluded() and f.is_documentation_page()}
        self.cleaner = audience.Cleaner(excluded_urls=excluded,
                                        excluded_ids=self.excluded_ids,
                                        hosts=self.hosts)

    # ------------------------------------------------------------------ pages
    def page_markdown(self, page: Any) -> None:
        if page.file.src_uri == evidence.EVIDENCE_PAGE:
            page.meta["title"] = evidence.EVIDENCE_TITLE
        if self.auditor:
            for name in self.internal_fields:
                page.meta.pop(name, None)

    def page_content(self, html: str, page: Any) -> str:
        if self.cleaner is not None:
            html = self.cleaner.clean(html, page.file.url)
        return html

    def post_page(self, output: str) -> str:
        if self.auditor:
            output = audience.strip_comments(output)
        if self.provenance is not None:
            line = self.provenance.html()
            end = output.rfind("</article>")
            if end < 0:
                end = output.rfind("</body>")
            if end >= 0:
                output = output[:end] + line + output[end:]
        return output

