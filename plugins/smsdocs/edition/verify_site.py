"""`smsdocs verify-site DIR --edition auditor`: check a built site against the repository,
whoever built it. Every file (pages, search index, sitemap, JSON; .gz decompressed) is
scanned for what the auditor edition must not contain: the ids, titles, paths, body text
(word 8-gram fingerprints) and ``internal_fields`` values of everything not positively
public, and HTML comments. A site without the smsdocs auditor edition's marks fails too.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import posixpath
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from ..core import safepath
from ..core.config import Config
from ..core.loader import MAX_FILE_BYTES
from ..core.model import ID_TOKEN
from ..handbook import audience
from ..run import run_check

SHINGLE = 8  # words per body fingerprint
MAX_PHRASE = 12  # words of a title or field value compared
MARK_WORDS = ["not", "in", "the", "auditor", "edition"]
MAX_SITE_FILE = 256 * 1024 * 1024
MARK = f"({audience.NOT_IN_EDITION})"
OTHER_PAGE_SUFFIXES = (".markdown", ".mdown", ".mkdn", ".mkd")  # MkDocs reads these too
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


@dataclass
class Secrets:
    """What must not reach the auditor edition, each with where it comes from."""

    ids: dict[str, str] = field(default_factory=dict)
    titles: dict[tuple[str, ...], str] = field(default_factory=dict)  # words -> source
    urls: dict[str, str] = field(default_factory=dict)  # site path stem -> source
    values: dict[tuple[str, ...], str] = field(default_factory=dict)  # words -> source
    shingles: dict[int, str] = field(default_factory=dict)  # hash of 8 words -> source


def normalise(text: str) -> str:
    """Text as a reader sees it: no tags, entities decoded, lower case, single spaces."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text))).strip().lower()


def shingles(text: str) -> Iterator[int]:
    """Hashes of every run of SHINGLE consecutive words of normalised text."""
    words = _WORD.findall(text)
    for i in range(len(words) - SHINGLE + 1):
        yield hash(tuple(words[i:i + SHINGLE]))


def _field_values(data: Any, names: set[str], inside: bool = False,
                  depth: int = 0) -> Iterator[str]:
    """Text values under the named keys, at any depth."""
    if depth > 50:
        return
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _field_values(value, names, inside or key in names, depth + 1)
    elif isinstance(data, list):
        for item in data:
            yield from _field_values(item, names, inside, depth + 1)
    elif inside and data is not None and not isinstance(data, bool):
        yield str(data)


def _other_pages(root: Path, folders: list[str]) -> Iterator[Path]:
    """Pages MkDocs reads that smsdocs does not (.markdown and the like), inside the root."""
    root_real = safepath.real_root(root)
    for folder in folders:
        for directory, subdirs, files in os.walk(root / folder):
            subdirs[:] = [d for d in subdirs if not d.startswith(".")]
            for name in files:
                path = Path(directory) / name
                if name.endswith(OTHER_PAGE_SUFFIXES) and not safepath.problem(path, root_real):
                    yield path


def _read(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _stem(path: str, docs_rel: str) -> str | None:
    """The site path of a page without its suffix (``guide/staff-only``); None for index
    pages, whose URL is their folder's."""
    src = path[len(docs_rel) + 1:] if docs_rel != "." and path.startswith(docs_rel + "/") \
        else path
    stem = posixpath.splitext(src)[0]
    return None if posixpath.basename(stem) in ("index", "README") else stem


def secrets(root: Path, config: Config, internal_fields: Iterable[str],
            docs_rel: str = "docs") -> Secrets:
    """Everything internal in the repository, as the auditor edition classifies it."""
    result = run_check(root, config=config).result
    names = set(internal_fields)
    excluded = audience.exclusion(result, names)
    out = Secrets()
    public_text: list[str] = []
    internal: list[tuple[str, str, str]] = []  # (path, title, text)
    for page in result.sources:
        text = _read(root / page.path)
        for value in _field_values(page.front.data, names):
            words = tuple(_WORD.findall(normalise(value)))
            if words and len(" ".join(words)) >= 6:
                out.values[words[:MAX_PHRASE]] = f"{page.path} (internal field)"
        if page.path in excluded.paths:
            title = page.record.title if page.record else str(page.front.data.get("title") or "")
            internal.append((page.path, title, page.front.body if page.front.present
                             and not page.front.error else text))
        else:
            public_text.append(page.front.body)
    for path in sorted(set(result.repo.files) - {p.path for p in result.sources}):
        internal.append((path, "", _read(root / path)))
    for other in _other_pages(root, config.paths):
        internal.append((other.relative_to(root).as_posix(), "", _read(other)))
    public_words = _WORD.findall(normalise("\n".join(public_text)))
    public_shingles = set(shingles(" ".join(public_words)))
    for record in result.repo.records:
        if record.path in excluded.paths:
            for identifier in [record.id, *(a.id for a in record.actions)]:
                if identifier and identifier in excluded.ids:
                    out.ids[identifier] = record.path
    for path, title, text in internal:
        heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
        for name in (title, heading.group(1) if heading else ""):
            words = tuple(_WORD.findall(normalise(name)))[:MAX_PHRASE]
            if len(words) >= 3:
                out.titles[words] = path
        stem = _stem(path, docs_rel)
        if stem:
            out.urls[stem] = path
        for digest in set(shingles(normalise(text))) - public_shingles:
            out.shingles.setdefault(digest, path)
    for words in set(_phrases(public_words, out.titles)):  # also written in public pages
        del out.titles[words]
    return out


def _site_files(site: Path) -> Iterator[tuple[str, str]]:
    """(path in the site, text) of every file; .gz decompressed, within a size limit."""
    for path in sorted(site.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        with path.open("rb") as handle:
            data = handle.read(MAX_SITE_FILE)
        if path.suffix == ".gz":
            with contextlib.suppress(zlib.error):
                data = zlib.decompressobj(wbits=31).decompress(data, MAX_SITE_FILE)
        yield path.relative_to(site).as_posix(), data.decode("utf-8", errors="replace")


def _strings(text: str) -> list[str]:
    """Every string value in a JSON file or a JS file that holds one JSON value (keys left
    out); the whole text when it is not JSON."""
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0:
        return [text]
    try:
        value = json.loads(text[start:].rstrip().rstrip(";"))
    except (ValueError, RecursionError):
        return [text]
    parts: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return parts


def _phrases(words: list[str], phrases: dict[tuple[str, ...], str],
             marked_ok: bool = False) -> Iterator[tuple[str, ...]]:
    """The phrases that occur in a word list (one pass per phrase length: linear); with
    marked_ok, not those followed by '(not in the auditor edition)'."""
    for size in {len(p) for p in phrases}:
        for i in range(len(words) - size + 1):
            window = tuple(words[i:i + size])
            if window in phrases and not (
                    marked_ok and words[i + size:i + size + len(MARK_WORDS)] == MARK_WORDS):
                yield window


_CLOSING = re.compile(r"\s*[)\]]")


def _unmarked_ids(text: str, ids: dict[str, str]) -> Iterator[str]:
    """Excluded ids in normalised text that are not marked as not in the edition."""
    for match in ID_TOKEN.finditer(text.upper()):
        identifier = match.group(1)
        # marked right after it, or after the closing bracket of a marked link and id
        # ("Calder (OLA-002) (not in the auditor edition)": one note for both)
        after = _CLOSING.match(text, match.end())
        if identifier in ids and not text.startswith(" " + MARK, after.end() if after else
                                                     match.end()):
            yield identifier


_URL_ATTR = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']|<loc>([^<]*)</loc>""",
                       re.IGNORECASE)


def _links(name: str, raw: str, segments: list[str]) -> Iterator[str]:
    """Link targets: href/src attributes and sitemap locations in HTML and XML, strings
    without spaces in JSON (the search index's locations)."""
    if name.endswith((".html", ".xml")):
        for match in _URL_ATTR.finditer(raw):
            yield html.unescape(match.group(1) or match.group(2) or "")
    elif name.endswith(".json") or (name.endswith(".js") and len(segments) > 1):
        yield from (s for s in segments if s and not any(c.isspace() for c in s))


def _site_stem(token: str) -> str:
    """A URL or path as a page stem: no ./ ../ or / in front, no .html, /index.html or /."""
    token = unquote(token)
    while token.startswith(("../", "./", "/")):
        token = token[3:] if token.startswith("../") else token[2:] \
            if token.startswith("./") else token[1:]
    for suffix in ("/index.html", ".html", "/"):
        if token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def _in_text(text: str, found: Secrets) -> Iterator[str]:
    """What one piece of text (a page, a string of the search index) shows of the secrets."""
    norm = normalise(text)
    for identifier in sorted(set(_unmarked_ids(norm, found.ids))):
        yield f"id {identifier} (from {found.ids[identifier]})"
    words = _WORD.findall(norm)
    for title in sorted(set(_phrases(words, found.titles, marked_ok=True))):
        yield f"title {' '.join(title)!r} (from {found.titles[title]})"
    for value in sorted(set(_phrases(words, found.values))):
        yield f"internal field value {' '.join(value)[:60]!r} (from {found.values[value]})"
    hits = {found.shingles[h] for h in shingles(" ".join(words)) if h in found.shingles}
    for source in sorted(hits):
        yield f"body text of {source}"


def scan(site: Path, found: Secrets) -> list[str]:
    """Every leak in the site, as 'file: what (from source)'. Linear in the site's size."""
    leaks: list[str] = []
    marked = False
    for name, raw in _site_files(site):
        found_here: list[str] = []
        if _site_stem(name) in found.urls:
            found_here.append(f"{name}: the page of {found.urls[_site_stem(name)]}")
        segments = _strings(raw) if name.endswith((".json", ".js")) else [raw]
        if name.endswith(".html") and audience.strip_comments(raw) != raw:
            found_here.append(f"{name}: an HTML comment")
        if name.endswith(".html") and "data-smsdocs-provenance" in raw \
                and "Auditor edition" in raw:
            marked = True
        linked = {_site_stem(urlsplit(t).path) for t in _links(name, raw, segments)}
        for stem in sorted(linked & found.urls.keys()):
            found_here.append(f"{name}: a link to {stem} (from {found.urls[stem]})")
        for segment in segments:
            found_here.extend(f"{name}: {what}" for what in _in_text(segment, found))
        leaks.extend(dict.fromkeys(found_here))
    if not marked:
        leaks.insert(0, "the site does not carry the smsdocs auditor edition's provenance "
                        "line: it was not built with the smsdocs plugin (audience: auditor)")
    return leaks


def mkdocs_settings(root: Path, config_file: str) -> tuple[list[str], str]:
    """(internal_fields, docs_dir) from an MkDocs config and the files it INHERITs, read
    loosely (unknown tags are ignored); defaults when it cannot be read."""
    fields: list[str] | None = None
    docs_dir: str | None = None
    path: Path | None = root / config_file
    seen: set[Path] = set()
    while path is not None and path.is_file() and path not in seen:
        seen.add(path)
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), _Loose) or {}  # noqa: S506
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            break
        if not isinstance(data, dict):
            break
        plugins = data.get("plugins")
        options = plugins.get("smsdocs") if isinstance(plugins, dict) else None
        if fields is None and isinstance(options, dict) and "internal_fields" in options:
            fields = [str(f) for f in options.get("internal_fields") or []]
        if docs_dir is None and isinstance(data.get("docs_dir"), str):
            docs_dir = data["docs_dir"]
        inherit = data.get("INHERIT")
        path = (path.parent / inherit) if isinstance(inherit, str) else None
    return (fields if fields is not None else ["internal_notes"]), (docs_dir or "docs")


class _Loose(yaml.SafeLoader):
    """A safe loader that reads MkDocs' !ENV and !relative tags (and any other) as None."""


_Loose.add_multi_constructor("", lambda loader, suffix, node: None)


def verify(site: Path, root: Path, config: Config,
           mkdocs_config: str = "mkdocs.auditor.yml") -> list[str]:
    """The leaks of a built auditor site (empty: none found)."""
    fields, docs_dir = mkdocs_settings(root, mkdocs_config)
    return scan(site, secrets(root, config, fields, docs_dir.strip("/") or "."))
