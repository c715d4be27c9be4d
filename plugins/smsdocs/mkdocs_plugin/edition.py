"""The MkDocs side of the site editions (``audience: internal`` handbook, ``auditor`` site):
which files are left out, the evidence index page, the provenance line and the offline
search shim. The plugin calls one method per MkDocs event; the logic is in
``handbook.audience``, ``handbook.evidence`` and ``handbook.provenance``.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
from collections.abc import Callable
from html import unescape as html_unescape
from typing import Any
from urllib.parse import unquote, urlsplit

from mkdocs.structure.files import File, Files, InclusionLevel

from ..core import safepath
from ..handbook import audience, evidence
from ..handbook.graph import FINDINGS_PAGE
from ..handbook.layout import EDITION_ASSETS, EDITION_CSS, WORKER_SHIM, Layout
from ..handbook.provenance import Provenance, source_commit
from ..handbook.site import EditionView, edition_view, prune_nav
from ..validate import Result

INTERNAL_PAGES = (FINDINGS_PAGE,)  # generated pages the auditor edition leaves out
EDITION_NAMES = {"internal": "Internal handbook", "auditor": "Auditor edition"}
_LINK_ATTR = re.compile(r"""\b(href|src|data|poster)\s*=\s*(?:"([^"]*)"|'([^']*)')""",
                        re.IGNORECASE)
Report = Callable[..., None]  # (path, line, detail, rule=...) -> None


class Edition:
    """One build's edition: what it leaves out and what it adds."""

    def __init__(self, options: Any, layout: Layout, report: Report) -> None:
        self.report = report  # logs a finding under a pack rule
        self.public_files: list[str] = list(options.public_files or [])
        self.attachments: list[File] = []
        self.linked_urls: set[str] = set()
        self.internal_folders: set[str] = set()
        self.source_roots: set[str] = {str(layout.docs_dir), str(layout.records_dir)}
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
        self.source_roots = {os.path.abspath(config.docs_dir), str(self.layout.docs_dir),
                             str(self.layout.records_dir)}
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
               justifications: dict[str, str]) -> EditionView:
        """The result the handbook is built from (handbook/site.py); marks excluded files
        as excluded. The auditor edition keeps only the pages smsdocs classified as public
        (allowlist)."""
        self.full = result
        self.attachments, self.linked_urls = [], set()  # afresh for each build (serve)
        if self.auditor:
            self._local_shim(config)  # again: plugins after this one may have added a CDN copy
        view = edition_view(result, self.auditor, self.internal_fields, justifications)
        excluded = view.excluded
        for path in sorted(excluded.paths):
            src = self.layout.src_of(path)
            found = files.get_file_from_path(src) if src else None
            if found is not None:
                found.inclusion = InclusionLevel.EXCLUDED
        if self.auditor:
            for path, line, why in excluded.unclassified:
                self.report(path, line, why)
            public = {self.layout.src_of(p.path) for p in result.sources
                      if p.path not in excluded.paths}
            self.internal_folders = excluded.folders(
                (self.layout.docs_rel, self.layout.records_rel))
            for file in self._sources(files):
                if not file.is_documentation_page():
                    self.attachments.append(file)
                elif file.src_uri not in public:
                    file.inclusion = InclusionLevel.EXCLUDED
                    path = self._repo_path(file)
                    if path not in excluded.paths:
                        self.report(path, 1, "smsdocs does not read this kind of page "
                                    "(only .md files under the configured paths)")
        self.excluded_ids = excluded.ids
        self.withheld = view.withheld
        self.result = view.result
        self.provenance = Provenance(self.commit, view.result.as_of,
                                     EDITION_NAMES.get(self.audience, self.audience)) \
            if self.show_provenance else None
        return view

    def _sources(self, files: Files) -> list[File]:
        """The files that come from the repository (not generated, not the theme's)."""
        roots = tuple(r.rstrip(os.sep) + os.sep for r in self.source_roots)
        return [f for f in files if f.generated_by is None and f.abs_src_path
                and os.path.abspath(f.abs_src_path).startswith(roots)]

    def _repo_path(self, file: File) -> str:
        """The file's path in the repository (as the check names it)."""
        src = file.src_uri
        if self.layout.is_mounted(src):
            return src
        docs = self.layout.docs_rel
        return src if docs == "." else f"{docs}/{src}"

    def drop_unsafe(self, files: Files, reported: set[tuple[str, str]]) -> None:
        """Both editions: files that are symlinks out of the repository (or to nothing),
        device files or FIFOs are removed before MkDocs reads or copies them (reported
        unless the check already did)."""
        root_real = safepath.real_root(self.layout.root)
        for file in self._sources(files):
            problem = safepath.problem(file.abs_src_path or "", root_real)
            if problem is None and not os.path.exists(file.abs_src_path or ""):
                problem = ("file.unreadable", "a symlink to a file that does not exist")
            if problem is None:
                continue
            files.remove(file)
            path = self._repo_path(file)
            if (problem[0], path) not in reported:
                self.report(path, 1, problem[1], rule=problem[0])

    def linked(self, html: str, page_url: str) -> None:
        """Note the site URLs a public page links or embeds (attachments it may publish)."""
        if not self.auditor:
            return
        base = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"
        for match in _LINK_ATTR.finditer(html):
            target = urlsplit(html_unescape(match.group(2) or match.group(3) or "")).path
            if not target or urlsplit(match.group(2) or match.group(3) or "").scheme:
                continue
            joined = posixpath.normpath(posixpath.join("/" + base.lstrip("/"), unquote(target)))
            self.linked_urls.add(joined.lstrip("/"))

    def settle_attachments(self, config: Any) -> None:
        """After every page is rendered (on_env): attachments stay only when a public page
        links them and they are outside internal documents' folders, or when the config
        names them (extra_css/javascript, theme logo/favicon, public_files)."""
        if not self.auditor:
            return
        named = {str(x) for x in [*config.extra_css, *config.extra_javascript]}
        named |= {str(config.theme.get(k)) for k in ("logo", "favicon") if config.theme.get(k)}
        for file in self.attachments:
            path = self._repo_path(file)
            folder = posixpath.dirname(path)
            allowed = any(fnmatch.fnmatchcase(file.src_uri, g) for g in self.public_files)
            if not allowed and file.src_uri in named:
                allowed = True
            if not allowed and unquote(file.url) in self.linked_urls:
                internal = any(folder == f or folder.startswith(f + "/")
                               for f in self.internal_folders)
                if internal:
                    self.report(path, 1, "an attachment in the folder of a document not in "
                                "the auditor edition (list it under public_files to publish it)")
                    file.inclusion = InclusionLevel.EXCLUDED
                    continue
                allowed = True
            if not allowed:
                file.inclusion = InclusionLevel.EXCLUDED
                self.report(path, 1, "an attachment no public page links")

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
        if self.auditor and self.internal_fields:
            page.meta = audience.strip_fields(page.meta, tuple(self.internal_fields))

    def page_content(self, html: str, page: Any) -> str:
        if self.cleaner is not None:
            html = self.cleaner.clean(html, page.file.url)
        self.linked(html, page.file.url)
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

