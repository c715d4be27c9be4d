"""Where repository files sit in the site: docs/ at the root, records/ mounted at records/."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
ASSET_FILES = {"assets/smsdocs/smsdocs.css": ASSETS / "smsdocs.css",
               "assets/smsdocs/smsdocs.js": ASSETS / "smsdocs.js",
               "assets/smsdocs/smsdocs-print.css": ASSETS / "smsdocs-print.css"}
EDITION_CSS = "assets/smsdocs/smsdocs-edition.css"
WORKER_SHIM = "assets/smsdocs/iframe-worker.js"  # Material's offline search from file://
EDITION_ASSETS = {EDITION_CSS: ASSETS / "smsdocs-edition.css",
                  WORKER_SHIM: ASSETS / "iframe-worker.js"}


@dataclass(frozen=True)
class Layout:
    """The repository root, the docs folder and the records folder of one site."""

    root: Path
    docs_dir: Path
    records_dir: Path  # mounted into the site at its path relative to the root

    @property
    def docs_rel(self) -> str:
        return os.path.relpath(self.docs_dir, self.root).replace(os.sep, "/")

    @property
    def records_rel(self) -> str:
        return os.path.relpath(self.records_dir, self.root).replace(os.sep, "/")

    @property
    def records_inside_docs(self) -> bool:
        return self.records_dir == self.docs_dir or self.docs_dir in self.records_dir.parents

    def folders(self) -> list[str]:
        """The folders the core loader reads, relative to the root."""
        folders = [self.docs_rel]
        if not self.records_inside_docs and self.records_dir.is_dir():
            folders.append(self.records_rel)
        return folders

    def src_of(self, path: str) -> str | None:
        """The site src_uri of a repository path (POSIX, relative to the root)."""
        docs = self.docs_rel
        if docs == ".":
            return path
        if path.startswith(docs + "/"):
            return path[len(docs) + 1:]
        if not self.records_inside_docs and path.startswith(self.records_rel + "/"):
            return path
        return None

    def is_mounted(self, src_uri: str) -> bool:
        """True for a page mounted from records/ (outside docs/)."""
        return not self.records_inside_docs and src_uri.startswith(self.records_rel + "/")

    def edit_url(self, current: str | None, src_uri: str) -> str | None:
        """The edit link of a mounted record. MkDocs builds it as edit_uri + src_uri, with an
        edit_uri that points into docs/; records live beside docs/, so the docs part is taken
        out. An edit_uri of another shape gives no link rather than a wrong one."""
        if not current or not self.is_mounted(src_uri):
            return current
        suffix = f"{self.docs_rel}/{src_uri}"
        return current[: -len(suffix)] + src_uri if current.endswith(suffix) else None

    def record_files(self) -> list[tuple[str, str]]:
        """Files to mount: (path relative to the root, src_uri), every file under records/."""
        if self.records_inside_docs or not self.records_dir.is_dir():
            return []
        found: list[tuple[str, str]] = []
        for directory, subdirs, files in os.walk(self.records_dir):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                path = os.path.relpath(os.path.join(directory, name), self.root)
                path = path.replace(os.sep, "/")
                src = self.src_of(path)
                if src is not None:
                    found.append((path, src))
        return found
