"""MkDocs plugin: a thin adapter from MkDocs events to the core validator and the handbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, InclusionLevel

from ..core import config as core_config
from ..core.context import Context
from ..core.findings import Finding, Severity
from ..errors import ConfigError
from ..handbook import Handbook, nav
from ..handbook.evidence import EVIDENCE_PAGE
from ..handbook.graph import SMS_JSON
from ..handbook.layout import ASSET_FILES, Layout
from ..handbook.meta import safe_meta
from ..handbook.site import page_html, site_pages
from ..run import run_check
from ..version import __version__
from .edition import Edition

log = get_plugin_logger("smsdocs")

try:  # declares ProperDocs support as ProperDocs asks plugins to (properdocs.org)
    import properdocs.replacement_warning as _properdocs
except ImportError:  # MkDocs alone
    pass
else:
    _properdocs.setup()  # a notice only when the build runs under the `mkdocs` executable


class SmsdocsConfig(base.Config):
    pack = c.Optional(c.Type(str))
    profile = c.Optional(c.Type(str))
    records_dir = c.Type(str, default="records")
    as_of = c.Optional(c.Type((str, dt.date)))
    fail_on = c.Choice(("error", "warning"), default="error")
    # findings recorded by `smsdocs baseline` (path relative to mkdocs.yml) are logged as
    # info, so a strict build fails on the same findings as `smsdocs check --baseline`
    baseline = c.Optional(c.Type(str))
    # editions (edition.py): the auditor edition leaves out `audience: internal` content
    audience = c.Choice(("internal", "auditor"), default="internal")
    internal_fields = c.ListOfItems(c.Type(str), default=[])
    internal_hosts = c.ListOfItems(c.Type(str), default=[])
    # attachments (site paths, glob patterns) the auditor edition publishes unlinked
    public_files = c.ListOfItems(c.Type(str), default=[])
    provenance = c.Optional(c.Type(bool))
    # Material shows a page-status icon for a page's `status:`; ours means document status
    page_status = c.Type(bool, default=False)


class SmsdocsPlugin(BasePlugin[SmsdocsConfig]):
    """Validates the SMS once per build and adds the cross-linked handbook pages."""

    handbook: Handbook | None = None

    def on_config(self, config):  # noqa: ANN001, ANN201
        root = Path(config.config_file_path or ".").resolve().parent
        self.layout = Layout(root, Path(config.docs_dir).resolve(),
                             (root / self.config.records_dir).resolve())
        try:
            self.core = core_config.load(root)
            self.core.pack = self.config.pack or self.core.pack
            self.core.profile = self.config.profile or self.core.profile
            self.core.paths = self.layout.folders()
            self.pack = self.core.rule_pack()
            self.as_of = core_config.as_of_date(self.config.as_of, self.core.as_of)
        except (ConfigError, ValueError) as exc:
            raise PluginError(f"smsdocs: {exc}") from exc
        self.user_nav = bool(config.nav)  # else the handbook writes one in SMS order
        config.extra_css.append("assets/smsdocs/smsdocs.css")
        config.extra_css.append("assets/smsdocs/smsdocs-print.css")
        config.extra_javascript.append("assets/smsdocs/smsdocs.js")
        self.edition = Edition(self.config, self.layout, self.report)
        self.edition.configure(config)
        self.tags = any(name in config.plugins for name in ("tags", "material/tags"))
        return config

    def _baselined(self, findings: list[Finding]) -> set[int]:
        """The findings (by identity) that the configured baseline file suppresses."""
        if not self.config.baseline:
            return set()
        from ..reports import baseline

        try:
            known = baseline.load(self.layout.root / self.config.baseline)
        except baseline.BaselineError as exc:
            raise PluginError(f"smsdocs: {exc}") from exc
        new, _ = baseline.apply(findings, known)
        fresh = {id(f) for f in new}
        return {id(f) for f in findings if id(f) not in fresh}

    def on_files(self, files, config):  # noqa: ANN001, ANN201
        run = run_check(self.layout.root, as_of=self.as_of, config=self.core, pack=self.pack,
                        gate=True)  # the findings `smsdocs check` gives, git history's too
        result = run.result
        known = self._baselined(result.findings)
        for f in result.findings:
            self.log(f, baselined=id(f) in known)
        for path, src in self.layout.record_files():
            if files.get_file_from_path(src) is None:
                files.append(File(path, str(self.layout.root), config.site_dir,
                                  config.use_directory_urls,
                                  inclusion=InclusionLevel.NOT_IN_NAV))
        self.edition.drop_unsafe(files, {(f.rule, f.file) for f in result.findings})
        if self.handbook is not None:
            self.handbook.close()  # the previous build's (mkdocs serve)
        self.view = self.edition.filter(result, files, config, self.core.justifications)
        self.handbook = hb = Handbook(self.view.result, self.layout.src_of,
                                      tags_page=self.tags, history=run.history,
                                      auditor=self.edition.auditor)
        # the same pages `smsdocs render` writes (handbook/site.py)
        for page in site_pages(hb, explicit_nav=self.user_nav):
            if files.get_file_from_path(page.src) is not None:
                if page.src != EVIDENCE_PAGE:
                    log.warning(f"{page.src} exists in docs/; the generated page is not added")
                continue
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(File.generated(config, page.src, content=page.stub,
                                        inclusion=inclusion))
        for src, asset in ASSET_FILES.items():
            files.append(File.generated(config, src, abs_src_path=str(asset)))
        self.edition.add_files(files, config)
        if not self.user_nav:
            config.nav = nav.generate(hb, [f.src_uri for f in files if f.is_documentation_page()
                                           and not f.inclusion.is_excluded()],
                                      self.layout.records_rel,
                                      "navigation.indexes" in (config.theme.get("features")
                                                               or []))
        hb.set_urls({f.src_uri: f.url for f in files})
        self.edition.urls_known(files, config)
        files.append(File.generated(config, SMS_JSON,
                                    content=hb.sms_json(f"smsdocs {__version__}")))
        return files

    def log(self, f: Finding, baselined: bool = False) -> None:
        """Log a finding: errors (and warnings with fail_on: warning) as warnings, so that
        a --strict build fails on them; a finding the baseline records only as info."""
        counted = {Severity.ERROR} | ({Severity.WARNING} if self.config.fail_on == "warning"
                                     else set())
        log.log(30 if f.severity in counted and not baselined else 20,
                f"{f.file}:{f.line}: [{f.rule}] {f.severity}: {f.message}")

    def report(self, path: str, line: int, detail: str,
               rule: str = "audience.unclassified") -> None:
        """A finding the build itself makes (what an edition leaves out, unsafe files)."""
        ctx = Context(pack=self.pack, as_of=self.as_of)
        ctx.report(rule, path, line, detail=detail)
        for f in ctx.findings:
            self.log(f)

    def on_env(self, env, config, files):  # noqa: ANN001, ANN201
        self.edition.settle_attachments(config)
        return env

    @event_priority(50)  # before Material's tags plugin reads page.meta
    def on_page_markdown(self, markdown, page, config, files):  # noqa: ANN001, ANN201
        src = page.file.src_uri
        if not isinstance(page.meta.get("tags", []), list):
            page.meta["tags"] = []
        title = self.handbook.title(src) if self.handbook else None
        if title is not None:
            page.meta["title"] = title
        page.edit_url = self.layout.edit_url(page.edit_url, src)
        self.edition.page_markdown(page)
        if self.handbook and self.handbook.is_wide(src):
            page.meta["hide"] = [*(page.meta.get("hide") or []), "toc"]  # Material's option
        if not self.config.page_status:
            page.meta.pop("status", None)  # our document status, not Material's page status
        tags = self.handbook.tags(src) if self.handbook and self.tags else []
        if tags:
            page.meta["tags"] = list(dict.fromkeys([*(page.meta.get("tags") or []), *tags]))
        page.meta = safe_meta(page.meta)  # escaped, shallow: what Material renders raw
        return markdown

    def on_page_content(self, html, page, config, files):  # noqa: ANN001, ANN201
        if self.handbook is None:
            return html
        src = page.file.src_uri
        html = page_html(self.handbook, self.view, src, html)  # handbook/site.py
        return self.edition.page_content(html, page)

    def on_post_page(self, output, page, config):  # noqa: ANN001, ANN201
        return self.edition.post_page(output)

    def on_post_build(self, config):  # noqa: ANN001, ANN201
        if self.handbook is not None:
            self.handbook.close()  # ends the git process the page history read through

    def on_serve(self, server, config, builder):  # noqa: ANN001, ANN201
        if self.layout.records_dir.is_dir():
            server.watch(str(self.layout.records_dir))
        for name in core_config.CONFIG_NAMES:
            if (self.layout.root / name).is_file():
                server.watch(str(self.layout.root / name))
        return server
