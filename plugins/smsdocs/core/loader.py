"""Load an SMS repository: find the Markdown files, read each once, index records by id."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import frontmatter, safepath
from . import markdown as md
from .context import Context
from .model import RECORD_CLASSES, Action, Record, Repository

# The largest file smsdocs reads: a hundred times the longest real SMS document, and small
# enough that parsing it stays within a few hundred MB (parsing costs ~35 bytes per byte).
MAX_FILE_BYTES = 2_000_000


@dataclass(slots=True)
class SourceFile:
    """A Markdown file as read: its path, front matter and parsed body."""

    path: str
    front: frontmatter.FrontMatter
    body: md.Body | None
    record: Record | None = None
    declared_ids: list[str] = field(default_factory=list)  # ids of unreadable front matter


# The ids a front-matter block declares, read line by line when YAML cannot read it, so that
# one broken file is one finding and not a ref.unknown in every file that mentions it.
_DECLARED_ID = re.compile(r"^\s*(?:-\s+)?id:\s*[\"']?([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)[\"']?\s*$",
                          re.MULTILINE)


def discover(root: Path, folders: list[str], ctx: Context | None = None) -> list[Path]:
    """Every Markdown file under the given folders of the root, in a stable order. Symlinks
    out of the repository and files that are not regular files are reported and skipped."""
    found: list[Path] = []
    root_real = safepath.real_root(root)

    def unsafe(path: Path, walked: bool = True) -> bool:
        problem = safepath.walked_problem(path, root_real) if walked \
            else safepath.problem(path, root_real)
        if problem is not None and ctx is not None:
            ctx.report(problem[0], path.relative_to(root).as_posix(), 1, detail=problem[1])
        return problem is not None

    for folder in folders:
        base = root / folder
        if not base.is_dir() or unsafe(base, walked=False):
            continue
        for directory, subdirs, files in os.walk(base):
            here = Path(directory)
            for name in [d for d in subdirs if (here / d).is_symlink()]:
                unsafe(here / name)  # never walked into; reported when it leaves the root
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            found.extend(here / f for f in sorted(files)
                         if f.endswith(".md") and not unsafe(here / f))
    return found


def read_text(path: Path, shown: str, ctx: Context) -> str | None:
    """The file as MkDocs reads it (UTF-8, BOM dropped, newlines normalised), or None."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        ctx.report("file.unreadable", shown, 1, detail=exc.strerror or type(exc).__name__)
        return None
    if len(raw) > MAX_FILE_BYTES:
        ctx.report("file.too-large", shown, 1, detail=f"more than {MAX_FILE_BYTES:,} bytes")
        return None
    try:
        return decode(raw)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        ctx.report("frontmatter.encoding", shown, line,
                   detail=f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not UTF-8")
        return None


def decode(raw: bytes, errors: str = "strict") -> str:
    """File bytes as MkDocs reads them: UTF-8 (BOM dropped), newlines normalised.
    ``errors`` as for ``bytes.decode``: strict raises, "replace" reads what it can."""
    text = raw.decode("utf-8-sig", errors)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def load_source(text: str, shown: str, ctx: Context) -> SourceFile:
    """Parse one file: front matter (reporting YAML errors) and the Markdown body."""
    front = frontmatter.split(text)
    declared: list[str] = []
    if front.error:
        ctx.report("frontmatter.invalid", shown, front.error_line, detail=front.error)
        block = frontmatter.YAML_RE.match(text)
        declared = _DECLARED_ID.findall(block.group(1) if block else text[:65536])
    body = md.parse(front.body, front.body_line)
    page = SourceFile(path=shown, front=front, body=body, declared_ids=declared)
    data = front.data
    if "id" in data and "type" in data:
        cls = RECORD_CLASSES.get(str(data.get("type")), Record)
        record = cls(path=shown, front=front, body=body)
        actions = data.get("actions")
        if isinstance(actions, list):
            record.actions = [Action(id=str(item.get("id") or ""), index=i, record=record,
                                     data=item)
                              for i, item in enumerate(actions) if isinstance(item, dict)]
        page.record = record
    return page


def load_repository(root: Path, folders: list[str], ctx: Context
                    ) -> tuple[Repository, list[SourceFile]]:
    """Read every file once and index the records and actions by id (first one wins)."""
    repo = Repository(root=str(root))
    sources: list[SourceFile] = []
    for path in discover(root, folders, ctx):
        shown = path.relative_to(root).as_posix()
        repo.files.append(shown)
        text = read_text(path, shown, ctx)
        if text is None:
            continue
        try:
            page = load_source(text, shown, ctx)
        except Exception as exc:  # noqa: BLE001 - one broken file never stops the run
            ctx.report("check.crashed", shown, 1, detail=f"{type(exc).__name__}: {exc}")
            continue
        sources.append(page)
        repo.unreadable_ids.update(page.declared_ids)
        record = page.record
        if record is None:
            repo.pages.append(shown)
            continue
        repo.records.append(record)
        if record.id:
            repo.by_id.setdefault(record.id, record)
        for action in record.actions:
            if action.id:
                repo.actions.setdefault(action.id, action)
    return repo, sources
