"""References between records: duplicate ids, and ids in prose or evidence that do not exist."""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path

from ..core.context import Context
from ..core.markdown import unportable_headings
from ..core.model import ID_TOKEN, Record, Repository, family


def check_duplicates(ctx: Context, repo: Repository, seen: dict[str, tuple[str, int]]) -> None:
    """Report every id (document, record or action) used a second time, at the second use."""
    for record in repo.records:
        _claim(ctx, seen, record.id, record.path, record.line("id"))
        for action in record.actions:
            _claim(ctx, seen, action.id, record.path, action.line("id"))


def _claim(ctx: Context, seen: dict[str, tuple[str, int]], identifier: str, path: str,
           line: int) -> None:
    if not identifier:
        return
    first = seen.get(identifier)
    if first is None:
        seen[identifier] = (path, line)
    else:
        ctx.report("id.duplicate", path, line, value=identifier, first=f"{first[0]}:{first[1]}")


def check_prose(ctx: Context, repo: Repository, path: str, record: Record | None,
                families: set[str], body: object) -> None:
    """Unknown ids of known families in prose and evidence lists; unportable headings."""
    for line, token in prose_ids(body):
        _check_token(ctx, repo, families, path, line, token)
    if record is not None:
        for action in record.actions:
            for index, item in enumerate(action.evidence):
                _check_evidence(ctx, repo, families, record, action.index, index, item.strip())
    if body is not None:
        for line, text, detail in unportable_headings(body):  # type: ignore[arg-type]
            ctx.report("heading.portable", path, line, text=text, detail=detail)


def prose_ids(body: object) -> list[tuple[int, str]]:
    """Every id-shaped word in a body's prose (outside code and links), with its line.

    One regex pass over the prose joined by newlines (an id never spans a newline), then
    each match is placed back on its fragment's line by bisection.
    """
    if body is None:
        return []
    cached: list[tuple[int, str]] | None = getattr(body, "ids", None)
    if cached is not None:
        return cached
    prose = body.prose  # type: ignore[attr-defined]
    joined = "\n".join(span.text for span in prose)
    found: list[tuple[int, str]] = []
    if "-" in joined:
        starts: list[int] = []
        offset = 0
        for span in prose:
            starts.append(offset)
            offset += len(span.text) + 1
        found = [(prose[bisect_right(starts, m.start()) - 1].line, m.group(1))
                 for m in ID_TOKEN.finditer(joined)]
    body.ids = found  # type: ignore[attr-defined]
    return found


def _check_token(ctx: Context, repo: Repository, families: set[str], path: str, line: int,
                 token: str) -> None:
    prefix = family(token)
    if prefix in families and not repo.knows(token):
        ctx.report("ref.unknown", path, line, value=token, family=prefix,
                   detail=f"looks like a {prefix} id but no document, record or action has it")


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_BARE_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")
_PATH = re.compile(r"^[^\s<>|]+(?:/[^\s<>|]*|\.[A-Za-z][A-Za-z0-9]{0,4})(?:#[^\s]*)?$")


def _check_evidence(ctx: Context, repo: Repository, families: set[str], record: Record,
                    action_index: int, index: int, item: str) -> None:
    """An evidence entry that is a bare id of a known family, or a repository path, must
    resolve; URLs and free text (a ticket in another tool, a description) are not checked."""
    if not item or _URL.match(item):
        return
    line = record.line("actions", action_index, "evidence", index)
    if _BARE_ID.match(item):
        if repo.knows(item):
            return
        prefixes = {p for t in ctx.pack.types.values()
                    for p in (t.id_prefix, t.action_prefix) if p}
        if family(item) in families or any(item.startswith(p + "-") for p in prefixes):
            ctx.report("ref.unknown", record.path, line, value=item, family=family(item),
                       detail="is evidence, but no document, record or action has this id")
        return
    if _PATH.match(item) and not _resolves(repo, record, item.split("#", 1)[0]):
        ctx.report("ref.unknown", record.path, line, value=item, family="path",
                   detail="is evidence, but no file of the repository is at this path")


def _resolves(repo: Repository, record: Record, target: str) -> bool:
    """The path exists in the repository: from its root, or relative to the record."""
    root = Path(repo.root).resolve()
    for base in (root, (root / record.path).parent):
        try:
            candidate = (base / target).resolve()
        except (OSError, RuntimeError, ValueError):  # a symlink loop: RuntimeError < 3.13
            continue
        if candidate.is_relative_to(root) and candidate.exists():
            return True
    return False
