"""`smsdocs render --out DIR`: the handbook as plain Markdown, for an engine without plugins.

DIR gets ``docs/`` (the sources, records mounted at their path, the header cards and footers
the plugin adds, every generated page as raw HTML with its title in front matter, the assets
and ``sms.json``), ``mkdocs.yml`` (the project's configuration without the smsdocs plugin,
with the nav) and ``smsdocs-nav.yml`` (the nav and stylesheets alone, to merge into a
configuration of one's own). The pages come from the same code as the plugin's
(``handbook/site.py``). DIR is render's own: it is refused when it holds anything render did
not make (marker file ``.smsdocs-render``), and replaced as a whole, atomically, otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from ..core import config as core_config
from ..core import engine_config
from ..core.frontmatter import split
from ..errors import UsageError
from ..handbook import Handbook, audience
from ..handbook import markdown_prose as prose
from ..handbook.graph import SMS_JSON
from ..handbook.layout import (
    ASSET_FILES,
    EDITION_ASSETS,
    EDITION_CSS,
    WORKER_SHIM,
    Layout,
)
from ..handbook.markdown_prose import target_src
from ..handbook.provenance import Provenance, source_commit
from ..handbook.site import (
    edition_view,
    generated_html,
    nav_of,
    prune_nav,
    raw_block,
    record_markdown,
    site_pages,
)
from ..run import run_check
from ..version import __version__

MARKER = ".smsdocs-render"
NAV_FRAGMENT = "smsdocs-nav.yml"
EDITIONS = {"internal": "Internal handbook", "auditor": "Auditor edition"}
_DROPPED_AUDITOR = ("repo_url", "repo_name", "edit_uri", "edit_uri_template")


def page_url(src: str, directory_urls: bool) -> str:
    """The site URL an engine gives the file at src (MkDocs' rule)."""
    if not src.endswith(".md"):
        return quote(src)
    stem = src[:-3]
    head, _, name = stem.rpartition("/")
    if name in ("index", "README"):
        if directory_urls:
            return quote(f"{head}/" if head else "./")
        return quote(f"{head}/index.html" if head else "index.html")
    return quote(f"{stem}/" if directory_urls else f"{stem}.html")


@dataclass
class Rendered:
    """What a render wrote: the pages (src) and the folder."""

    out: Path
    pages: list[str]
    files: int


def _walk(folder: Path) -> list[Path]:
    """Files under folder in the order an engine walks them (dot files left out)."""
    found: list[Path] = []
    for directory, subdirs, files in os.walk(folder):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(files, key=lambda f: (os.path.splitext(f)[0]
                                                 not in ("index", "README"), f)):
            if not name.startswith("."):
                found.append(Path(directory) / name)
    return found


def _check_out(out: Path, layout: Layout) -> None:
    """Refuse an output folder render must not write: a symlink, a file, the sources, or a
    non-empty folder render did not make."""
    if out.is_symlink():
        raise UsageError(f"{out} is a symbolic link; render writes only to a real folder")
    resolved = out.resolve()
    for source in (layout.root, layout.docs_dir, layout.records_dir):
        if resolved == source or source in resolved.parents or resolved in source.parents:
            raise UsageError(f"{out} overlaps the sources ({source}); choose a folder "
                             "outside docs/ and records/")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise UsageError(f"{out} is not empty and was not made by smsdocs render "
                         f"(no {MARKER}); choose an empty or new folder")


def _front(meta: dict[str, Any], body: str) -> str:
    if not meta:
        return body
    text = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return f"---\n{text}---\n\n{body.lstrip(chr(10))}"


class Renderer:
    """One render of one edition."""

    def __init__(self, root: Path, config_file: Path, auditor: bool | None,
                 as_of: dt.date | None) -> None:
        try:
            self.config = engine_config.load(config_file)
        except (OSError, yaml.YAMLError, ValueError) as exc:
            raise UsageError(f"cannot read {config_file}: {exc}") from exc
        plugins = engine_config.plugins(self.config)
        self.options = dict(plugins.get(engine_config.PLUGIN) or {})
        base = config_file.resolve().parent
        self.root = root
        self.layout = Layout(base, (base / str(self.config.get("docs_dir", "docs"))).resolve(),
                             (base / str(self.options.get("records_dir", "records"))).resolve())
        audience_name = "auditor" if auditor else str(self.options.get("audience", "internal"))
        self.auditor = audience_name == "auditor"
        self.edition = EDITIONS.get(audience_name, audience_name)
        self.directory_urls = bool(self.config.get("use_directory_urls", True))
        self.tags = any(name in plugins for name in ("tags", "material/tags"))
        self.internal_fields = [str(f) for f in self.options.get("internal_fields") or []]
        self.core = core_config.load(base)
        self.core.pack = self.options.get("pack") or self.core.pack
        self.core.profile = self.options.get("profile") or self.core.profile
        self.core.paths = self.layout.folders()
        self.as_of = as_of or core_config.as_of_date(self.options.get("as_of"),
                                                     self.core.as_of)

    # ------------------------------------------------------------------ the pages
    def render(self, out: Path) -> Rendered:
        _check_out(out, self.layout)
        pack = self.core.rule_pack()
        run = run_check(self.layout.root, as_of=self.as_of, config=self.core, pack=pack,
                        gate=True)
        view = edition_view(run.result, self.auditor, self.internal_fields,
                            self.core.justifications)
        handbook = Handbook(view.result, self.layout.src_of, tags_page=self.tags,
                            history=run.history, auditor=self.auditor)
        try:
            return self._write(out, handbook, view)
        finally:
            handbook.close()

    def _sources(self, excluded: set[str]) -> list[tuple[str, Path]]:
        """(src, file) of every source file in the site, in the engine's order."""
        found: list[tuple[str, Path]] = []
        for path in _walk(self.layout.docs_dir):
            rel = path.relative_to(self.layout.root).as_posix()
            src = path.relative_to(self.layout.docs_dir).as_posix()
            if rel not in excluded:
                found.append((src, path))
        for rel, src in self.layout.record_files():
            if rel not in excluded:
                found.append((src, self.layout.root / rel))
        return found

    def _write(self, out: Path, handbook: Handbook, view: Any) -> Rendered:
        explicit_nav = bool(self.config.get("nav"))
        sources = self._sources(view.excluded.paths)
        source_srcs = {src for src, _ in sources}
        generated = [p for p in site_pages(handbook, explicit_nav) if p.src not in source_srcs]
        assets = dict(ASSET_FILES)
        assets[EDITION_CSS] = EDITION_ASSETS[EDITION_CSS]
        if self.auditor:
            assets[WORKER_SHIM] = EDITION_ASSETS[WORKER_SHIM]
        urls = {src: page_url(src, self.directory_urls)
                for src in [*source_srcs, *(p.src for p in generated), *assets, SMS_JSON]}
        handbook.set_urls(urls)
        excluded_srcs = {s for s in (self.layout.src_of(p) for p in view.excluded.paths) if s}
        excluded_urls = {page_url(s, self.directory_urls) for s in excluded_srcs}
        cleaner = audience.Cleaner(excluded_urls, view.excluded.ids, audience.repository_hosts(
            self.config.get("repo_url"), self.options.get("internal_hosts") or [])) \
            if self.auditor else None
        provenance = self._provenance()

        def finish(src: str, markdown: str) -> str:
            if provenance:
                markdown = markdown.rstrip("\n") + "\n\n" + raw_block(provenance) + "\n"
            return markdown

        files: dict[str, bytes | Path] = {}
        for src, path in sources:
            if src.endswith(".md"):
                text = self._source_page(handbook, src, path, cleaner, excluded_srcs)
                if self.auditor:  # comments may hold notes; the generated pages' go in clean()
                    text = audience.strip_comments(text)
                files[src] = finish(src, text).encode()
            else:
                files[src] = path
        for page in generated:
            html = generated_html(handbook, view, page.src)
            if html is None:  # the tags page: Material's tags plugin fills its marker
                body = page.stub
            else:
                if cleaner is not None:
                    html = cleaner.clean(html, urls[page.src])
                body = raw_block(html) + "\n"
            files[page.src] = finish(page.src, _front({"title": page.title}, body)).encode()
        files.update(assets)
        files[SMS_JSON] = handbook.sms_json(f"smsdocs {__version__}").encode()
        in_nav = [src for src, _ in sources if src.endswith(".md")
                  and not self.layout.is_mounted(src)] + [p.src for p in generated if p.in_nav]
        nav = self.config.get("nav")
        if nav and self.auditor:
            gone = {self.layout.src_of(p) for p in view.excluded.paths}
            nav = prune_nav(nav, {s for s in gone if s})
        fragment = {"nav": nav or nav_of(in_nav),
                    "extra_css": [*self._list("extra_css"), *(s for s in assets
                                                             if s.endswith(".css"))],
                    "extra_javascript": [*self._list("extra_javascript"),
                                         *(s for s in assets if s.endswith(".js")
                                           and s != WORKER_SHIM)]}
        config = engine_config.without_plugin(self.config)
        config.pop("site_dir", None)
        config.update(docs_dir="docs", **fragment)
        if self.auditor:
            for key in _DROPPED_AUDITOR:
                config.pop(key, None)
            extra = dict(config.get("extra") or {})
            polyfills = [p for p in extra.get("polyfills") or [] if "iframe-worker" not in str(p)]
            extra["polyfills"] = [WORKER_SHIM, *polyfills]
            config["extra"] = extra
        marker = {"generator": f"smsdocs {__version__}", "edition": self.edition,
                  "as_of": self.as_of.isoformat()}
        top = {MARKER: (json.dumps(marker, indent=2) + "\n").encode(),
               "mkdocs.yml": ("# Written by `smsdocs render`: the handbook for an engine "
                              "without plugins.\n" + engine_config.dump(config)).encode(),
               NAV_FRAGMENT: ("# `smsdocs render`: the nav and stylesheets of the rendered "
                              "handbook (docs_dir: docs).\n"
                              + engine_config.dump(fragment)).encode()}
        _replace(out, top, files)
        pages = sorted(src for src in files if src.endswith(".md"))
        return Rendered(out, pages, len(files) + len(top))

    def _list(self, key: str) -> list[Any]:
        value = self.config.get(key)
        return list(value) if isinstance(value, list) else []

    def _provenance(self) -> str:
        shown = self.options.get("provenance")
        if not (self.auditor if shown is None else bool(shown)):
            return ""
        commit = source_commit(self.layout.root, self.layout.folders())
        return Provenance(commit, self.as_of, self.edition).html()

    def _source_page(self, handbook: Handbook, src: str, path: Path,
                     cleaner: audience.Cleaner | None, excluded: set[str]) -> str:
        """A source page's Markdown with what the plugin adds: title and tags in the front
        matter, the header card and the footer, ids in the prose linked; for the auditor,
        internal fields left out and links to excluded content marked."""
        text = path.read_text(encoding="utf-8", errors="replace")
        front = split(text)
        if front.error or (front.present and not isinstance(front.data, dict)):
            return text
        meta = dict(front.data) if front.present else {}
        changed = False
        title = handbook.title(src)
        record = handbook.record_at(src)
        if title is not None and record is not None:
            changed |= meta.get("title") != str(record.title)
            meta["title"] = str(record.title)
        if self.tags and handbook.tags(src):
            tags = list(dict.fromkeys([*(meta.get("tags") or []), *handbook.tags(src)]))
            changed |= tags != meta.get("tags")
            meta["tags"] = tags
        if self.auditor:
            for name in self.internal_fields:
                changed |= meta.pop(name, None) is not None
        url = handbook.urls.get(src, "")

        def prose_text(segment: str) -> str:  # the plugin's passes over a page's HTML
            segment = handbook.link_ids(segment, src)
            return cleaner.clean(segment, url) if cleaner is not None else segment

        def link(token: str, label: str, href: str) -> str:
            if cleaner is None:
                return token
            if target_src(href, src) in excluded or cleaner.excluded_link(href, url):
                return audience.marked(label)
            return token

        body = prose.rewrite(record_markdown(handbook, src, front.body), prose_text, link)
        if not changed and front.present:
            return text[: len(text) - len(front.body)] + body
        return _front(meta, body)


def _replace(out: Path, top: dict[str, bytes], files: dict[str, bytes | Path]) -> None:
    """Write everything into a new folder beside out, then put it in out's place."""
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out.name}.smsdocs-"))
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(new, 0o777 & ~umask)
        for name, content in top.items():
            (new / name).write_bytes(content)
        docs = new / "docs"
        for src, data in files.items():
            target = docs / src
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, Path):
                shutil.copyfile(data, target)
            else:
                target.write_bytes(data)
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out.name}.old-"))
            os.replace(out, old / "previous")
        os.replace(new, out)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise


def run(args: Any) -> int:
    """`smsdocs render [ROOT] --out DIR [--edition internal|auditor] [--config FILE]`."""
    root = Path(args.root).resolve()
    if not root.is_dir():
        raise UsageError(f"not a folder: {args.root}")
    auditor = args.edition == "auditor"
    config_file = Path(args.config) if args.config else None
    if config_file is None:
        config_file = root / ("mkdocs.auditor.yml" if auditor
                              and (root / "mkdocs.auditor.yml").is_file() else "mkdocs.yml")
    elif not config_file.is_absolute():
        config_file = root / config_file
    if not config_file.is_file():
        raise UsageError(f"{config_file} not found")
    renderer = Renderer(root, config_file, True if auditor else None, args.as_of)
    done = renderer.render(Path(args.out))
    print(f"wrote {done.out}: {len(done.pages)} page(s), {done.files} file(s), "
          f"{renderer.edition.lower()}; build it with `properdocs build -f "
          f"{done.out / 'mkdocs.yml'}` (or mkdocs, zensical)")
    return 0
