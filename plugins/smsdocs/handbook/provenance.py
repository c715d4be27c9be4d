"""Which commit a site or pack was built from: ``git rev-parse HEAD``, ``-dirty`` when the
sources have uncommitted changes, ``unknown`` outside git. No MkDocs import."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ..git.history import run_git

UNKNOWN = "unknown"
CONFIG_FILES = ("mkdocs.yml", "mkdocs.auditor.yml", "smsdocs.yml", ".smsdocs.yml")


def _git(root: Path, *args: str) -> str:
    proc = run_git(root, *args, timeout=60)
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, ["git", *args])
    return proc.stdout.decode("utf-8", "replace")


def source_commit(root: Path, paths: Iterable[str] = ("docs", "records")) -> str:
    """The commit of the work tree at ``root`` (``-dirty`` when one of ``paths`` or a config
    file has uncommitted or untracked changes); ``unknown`` outside git."""
    try:
        commit = _git(root, "rev-parse", "--verify", "HEAD").strip()
        if not commit:
            return UNKNOWN
        watched = sorted({*paths, *CONFIG_FILES})
        dirty = _git(root, "status", "--porcelain", "--untracked-files=all", "--", *watched)
    except (subprocess.SubprocessError, OSError):
        return UNKNOWN
    return commit + ("-dirty" if dirty.strip() else "")


def commit_time(root: Path) -> int | None:
    """The commit time of HEAD (seconds since the epoch), None outside git."""
    try:
        return int(_git(root, "log", "-1", "--format=%ct").strip())
    except (subprocess.SubprocessError, OSError, ValueError):
        return None


@dataclass(frozen=True)
class Provenance:
    """The line every page of an edition carries."""

    commit: str
    as_of: dt.date
    edition: str

    def html(self) -> str:
        return str(Markup(
            '<p class="smsdocs-provenance" data-smsdocs-provenance>{} · built from commit '
            '<code>{}</code> · as of {}</p>').format(self.edition, self.commit,
                                                     self.as_of.isoformat()))
