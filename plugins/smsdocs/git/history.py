"""Document control from git: who changed which SMS file when, read in one pass.

The whole history of the configured folders is read with ONE ``git log --raw`` call (every
commit with the files it changed and their blob ids); file contents are read on demand
through ONE long-running ``git cat-file --batch`` process. Nothing here calls git once per
file, and nothing here imports MkDocs, so the handbook, the CLI and the checks share it.

Typical use (e.g. a "History" table on a handbook page)::

    history = RepositoryHistory.open(root, ["docs", "records"])   # None outside git
    if history:
        for rev in history.revisions("docs/policies/sm-policy.md"):   # oldest first
            print(rev.date.date(), rev.author, rev.version, rev.subject)
        for event in history.action_history("MR-ACT-003"):            # oldest first
            print(event.date.date(), event.change)

Paths are relative to the SMS root (the folder holding smsdocs.yml), with ``/``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..core.frontmatter import YAML_RE, SafeLoader
from ..core.loader import decode
from ..core.model import as_date, as_text

ZERO_SHA = "0" * 40


class GitError(Exception):
    """A git command failed (message holds git's own words)."""


# ------------------------------------------------------------------------------ git access
@dataclass(frozen=True, slots=True)
class GitRepo:
    """A git work tree and where the SMS root sits inside it."""

    top: Path  # the work tree's top level
    prefix: str  # the SMS root relative to the top, '' or ending in '/'

    @classmethod
    def find(cls, root: Path) -> GitRepo | None:
        """The work tree holding root, or None (not a work tree, or git missing)."""
        try:
            proc = run_git(root, "rev-parse", "--is-inside-work-tree", "--show-toplevel",
                           "--show-prefix")
        except OSError:
            return None
        lines = proc.stdout.decode("utf-8", "surrogateescape").split("\n")
        if proc.returncode != 0 or len(lines) < 3 or lines[0].strip() != "true":
            return None
        return cls(top=Path(lines[1].strip()), prefix=lines[2].strip())

    @staticmethod
    def problem(root: Path) -> str:
        """Why root is not usable as a git work tree, in git's words."""
        try:
            proc = run_git(root, "rev-parse", "--show-toplevel")
        except OSError as exc:
            return f"git cannot be run: {exc.strerror}"
        if proc.returncode == 0:
            return ""
        return proc.stderr.decode("utf-8", "replace").strip().split("\n")[0]

    def run(self, *args: str, check: bool = True) -> bytes:
        """Run one git command in the work tree and return its standard output."""
        proc = run_git(self.top, *args)
        if check and proc.returncode != 0:
            raise GitError(proc.stderr.decode("utf-8", "replace").strip()
                           or f"git {args[0]} failed")
        return proc.stdout

    def pathspecs(self, paths: Iterable[str]) -> list[str]:
        """Pathspecs (relative to the top) for folders or files relative to the SMS root."""
        return [":(top,literal)" + self.prefix + p.strip("/") for p in paths]

    def from_top(self, path: str) -> str | None:
        """A top-relative path as an SMS-root-relative one; None when outside the root."""
        if not path.startswith(self.prefix):
            return None
        return path[len(self.prefix):]

    def has_head(self) -> bool:
        return bool(self.run("rev-parse", "--verify", "-q", "HEAD", check=False).strip())


def run_git(cwd: Path, *args: str, timeout: float | None = 300
            ) -> subprocess.CompletedProcess[bytes]:
    """Run git in ``cwd`` as every smsdocs git call does: C locale, no optional locks (a
    read never takes the index lock). Raises OSError when git cannot be run."""
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, check=False,
                          env=_env(), timeout=timeout)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C")
    env["GIT_OPTIONAL_LOCKS"] = "0"  # reading never takes the index lock
    return env


class BlobReader:
    """One ``git cat-file --batch`` process for every blob read, with a cache."""

    def __init__(self, repo: GitRepo) -> None:
        self.repo = repo
        self._proc: subprocess.Popen[bytes] | None = None
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def read(self, sha: str) -> bytes:
        return self.read_many([sha]).get(sha, b"")

    def read_many(self, shas: Iterable[str]) -> dict[str, bytes]:
        """The contents of many blobs; requests are written while answers are read."""
        wanted = list(dict.fromkeys(s for s in shas if s and s != ZERO_SHA))
        missing = [s for s in wanted if s not in self._cache]
        if missing:
            with self._lock:
                self._fetch(missing)
        return {s: self._cache[s] for s in wanted if s in self._cache}

    def _fetch(self, shas: list[str]) -> None:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                ["git", "-C", str(self.repo.top), "cat-file", "--batch"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_env())
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None
        request = ("\n".join(shas) + "\n").encode()

        def write() -> None:
            try:
                proc.stdin.write(request)  # type: ignore[union-attr]
                proc.stdin.flush()  # type: ignore[union-attr]
            except (BrokenPipeError, ValueError):
                pass

        writer = None
        if len(request) > 16384:  # larger than a pipe can buffer: write while reading
            writer = threading.Thread(target=write, daemon=True)
            writer.start()
        else:
            write()
        out = proc.stdout
        for sha in shas:
            header = out.readline().split()
            if len(header) == 3:
                size = int(header[2])
                data = out.read(size)
                out.read(1)  # the newline after the contents
                self._cache[sha] = data if header[1] == b"blob" else b""
            elif not header:
                raise GitError("git cat-file stopped answering")
        if writer is not None:
            writer.join()

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()
            self._proc.wait()
            if self._proc.stdout:
                self._proc.stdout.close()
            self._proc = None


@dataclass(frozen=True, slots=True)
class RawChange:
    """One entry of `git log --raw -z` or `git diff --raw -z` output."""

    status: str  # A, M, D, R100, C75, ...
    old_blob: str
    new_blob: str
    path: str  # path as git prints it (relative to the top of the work tree)
    old_path: str  # the path before a rename or copy; "" otherwise


def raw_changes(tokens: Sequence[str]) -> Iterable[RawChange]:
    """Parse the NUL-separated fields of --raw -z output: ':meta' then one or two paths."""
    position = 0
    while position < len(tokens):
        meta = tokens[position].strip()
        position += 1
        if not meta.startswith(":"):
            continue
        parts = meta.split()
        if parts[-1][0] in "RC":
            old, new = tokens[position], tokens[position + 1]
            position += 2
        else:
            old, new = "", tokens[position]
            position += 1
        yield RawChange(status=parts[-1], old_blob=parts[2], new_blob=parts[3], path=new,
                        old_path=old)


def _text(field: str) -> str:
    """A free-text field of git output decoded as paths are (surrogateescape) as readable
    text: bytes that are not UTF-8 become U+FFFD."""
    return field.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


CONTROL_KEYS = ("id", "type", "status", "version", "approved_on", "approved_by")
_TOP_SCALAR = re.compile(r"^(" + "|".join(CONTROL_KEYS) + r")[ \t]*:(?:[ \t]+(.*))?$",
                         re.MULTILINE)


def control_fields(text: str) -> dict[str, Any]:
    """The top-level document-control scalars of a front matter (id, type, status, version,
    approved_on, approved_by), without parsing the whole block when they are plain one-line
    values -- a fraction of the cost of ``front_matter`` on long front matter. Falls back to
    the full parse whenever the block is not that simple, so the values are what YAML reads
    (one difference: a block that YAML cannot read further down still yields these values).
    """
    match = YAML_RE.match(text)
    if not match:
        return {}
    block = match.group(1)
    lines = []
    for found in _TOP_SCALAR.finditer(block):
        value = (found.group(2) or "").strip()
        following = block[found.end() + 1: found.end() + 2]
        if not value or value[0] in "|>&*!{[#%@`" or following in (" ", "\t"):
            break  # block scalars, flow collections, quoted or continued values: parse it all
        lines.append(found.group(0))
    else:
        if all(k in {line.split(":", 1)[0].strip() for line in lines} or k not in block
               for k in CONTROL_KEYS):
            try:
                data = yaml.load("\n".join(lines), SafeLoader) if lines else {}
            except yaml.YAMLError:
                data = None
            if isinstance(data, dict) or not lines:
                full_ok = _looks_like_mapping(block)
                if full_ok:
                    return data or {}
    full = front_matter(text)
    return {k: full[k] for k in CONTROL_KEYS if k in full}


def _looks_like_mapping(block: str) -> bool:
    """A cheap guard: the block starts as a block mapping (not a list or a flow mapping)."""
    for line in block.split("\n", 5):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return line[0] not in " \t-[{" and ":" in line
    return True


def front_matter(text: str) -> dict[str, Any]:
    """The front matter of a Markdown text as a mapping ({} when absent or unreadable)."""
    match = YAML_RE.match(text)
    if not match:
        return {}
    try:
        data = yaml.load(match.group(1), SafeLoader)  # noqa: S506 - the C *safe* loader
    except Exception:  # noqa: BLE001 - any unreadable YAML counts as no front matter
        return {}
    return data if isinstance(data, dict) else {}


# ------------------------------------------------------------------------------ the model
@dataclass(frozen=True, slots=True)
class Commit:
    """A commit that touched the SMS folders."""

    sha: str
    author: str
    email: str
    date: dt.datetime  # author date, with its time zone
    committed: dt.datetime  # committer date, with its time zone
    subject: str
    index: int  # position in the log, 0 = newest

    @property
    def short(self) -> str:
        return self.sha[:10]


@dataclass(frozen=True, slots=True)
class FileChange:
    """What one commit did to one file: added (A), modified (M), deleted (D), renamed (R)."""

    commit: Commit
    path: str  # SMS-root-relative path after the commit
    status: str  # A, M, D, R, C or T
    blob: str  # blob id after the commit (ZERO_SHA when deleted)
    old_path: str = ""  # for renames: the path before


@dataclass(frozen=True, slots=True)
class Revision:
    """One committed version of a file, for a page's history table.

    ``version``, ``approved_on`` and ``status`` come from the file's front matter at that
    commit ('' / None when absent).
    """

    commit: str
    date: dt.datetime  # author date
    author: str
    subject: str
    version: str
    email: str = ""
    committed: dt.datetime | None = None
    path: str = ""
    change: str = "M"  # A added, M modified, R renamed (from an older path), D deleted
    approved_on: dt.date | None = None
    status: str = ""


@dataclass(frozen=True, slots=True)
class ActionEvent:
    """One thing that happened to an action: opened, a status change, a target-date move.

    ``kind`` is ``opened``, ``status``, ``target-date``, ``removed`` or ``moved``;
    ``days`` is how far a target date moved (positive = later, i.e. a slip).
    ``status`` and ``target_date`` are the action's values after the event.
    """

    date: dt.datetime
    commit: str
    status: str
    target_date: dt.date | None
    change: str
    kind: str = ""
    days: int = 0
    author: str = ""
    subject: str = ""
    path: str = ""

    @property
    def slipped(self) -> bool:
        return self.kind == "target-date" and self.days > 0


# One commit: a random boundary no commit text can forge, then six NUL-terminated fields
# (git never prints a NUL inside a name, an email or a subject); the raw changes follow.
_FIELDS = "%H%x00%an%x00%ae%x00%aI%x00%cI%x00%s%x00"
_ACTION_ID_LINE = re.compile(r"^[ \t]*-?[ \t]*id:[ \t]*[\"']?([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)",
                             re.MULTILINE)


class RepositoryHistory:
    """The git history of the files under an SMS root's folders, read once.

    ``revisions(path)`` and ``action_history(action_id)`` answer from that one pass; file
    contents at older commits are read through a single ``git cat-file --batch`` process.
    Call ``close()`` (or use ``with``) to end that process early; it ends with Python anyway.
    """

    def __init__(self, repo: GitRepo, paths: Sequence[str] = ("docs", "records")) -> None:
        self.repo = repo
        self.paths = list(paths)
        self.commits: list[Commit] = []
        self._changes: dict[str, list[FileChange]] = {}  # path -> changes, newest first
        self.blobs = BlobReader(repo)
        self._fronts: dict[str, dict[str, Any]] = {}
        self._controls: dict[str, dict[str, Any]] = {}
        self._action_index: dict[str, str] | None = None
        self._dirty: set[str] | None = None
        self.problems: list[str] = []  # what could not be read (reported once by the check)
        self._load()

    @classmethod
    def open(cls, root: Path | str, paths: Sequence[str] = ("docs", "records")
             ) -> RepositoryHistory | None:
        """The history of an SMS root, or None when the root is not inside a git work tree
        or git cannot read it."""
        repo = GitRepo.find(Path(root))
        if repo is None:
            return None
        try:
            return cls(repo, paths)
        except (GitError, OSError, ValueError):
            return None

    def __enter__(self) -> RepositoryHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.blobs.close()

    # -------------------------------------------------------------- reading the log once
    def _load(self) -> None:
        if not self.repo.has_head():
            return
        boundary = f"\x1e{secrets.token_hex(16)}\x1e"
        raw = self.repo.run("log", "--raw", "--no-abbrev", "-z", "-M", "--topo-order",
                            "--no-color", "--no-ext-diff",
                            f"--format=%x1e{boundary[1:-1]}%x1e{_FIELDS}", "--",
                            *self.repo.pathspecs(self.paths))
        text = raw.decode("utf-8", "surrogateescape")  # paths as os.walk spells them
        for chunk in text.split(boundary):
            if not chunk.strip("\0\n"):
                continue
            try:
                self._commit(chunk)
            except (ValueError, IndexError) as exc:
                self.problems.append(f"a commit could not be read ({exc}); it was skipped")

    def _commit(self, chunk: str) -> None:
        """One commit's fields and raw changes (raises ValueError when malformed)."""
        fields = chunk.split("\0", 6)
        if len(fields) < 7:
            raise ValueError(f"{len(fields) - 1} of 6 fields")
        sha, author, email, authored, committed, subject, rest = fields
        commit = Commit(sha=sha, author=_text(author), email=_text(email),
                        date=dt.datetime.fromisoformat(authored),
                        committed=dt.datetime.fromisoformat(committed),
                        subject=_text(subject), index=len(self.commits))
        self.commits.append(commit)
        for change in raw_changes(rest.split("\0")):
            path = self.repo.from_top(change.path)
            if path is None:
                continue
            old_rel = self.repo.from_top(change.old_path) if change.old_path else ""
            self._changes.setdefault(path, []).append(FileChange(
                commit=commit, path=path, status=change.status[0], blob=change.new_blob,
                old_path=old_rel or ""))

    # -------------------------------------------------------------- files
    def files(self) -> list[str]:
        """Every path that ever held a file under the SMS folders."""
        return sorted(self._changes)

    def changes(self, path: str) -> list[FileChange]:
        """The commits that changed a file, newest first, following renames back."""
        result: list[FileChange] = []
        current, after = path, -1
        seen: set[str] = set()
        while current and current not in seen:
            seen.add(current)
            follow = ""
            for change in self._changes.get(current, []):
                if change.commit.index <= after:
                    continue
                if change.status == "D" and result:
                    return result  # an earlier life of the path: another document
                result.append(change)
                if change.status == "R" and change.old_path:
                    follow, after = change.old_path, change.commit.index
                    break
                if change.status in "AC":
                    return result
            current = follow
        return result

    def front(self, blob: str) -> dict[str, Any]:
        """The front matter of a blob (cached by blob id)."""
        data = self._fronts.get(blob)
        if data is None:
            data = self._fronts[blob] = front_matter(self.text(blob))
        return data

    def fields(self, blob: str) -> dict[str, Any]:
        """The document-control fields of a blob (see ``control_fields``; cached)."""
        data = self._controls.get(blob)
        if data is None:
            full = self._fronts.get(blob)
            data = self._controls[blob] = (
                {k: full[k] for k in CONTROL_KEYS if k in full} if full is not None
                else control_fields(self.text(blob)))
        return data

    def text(self, blob: str) -> str:
        """A blob's text as the loader reads it."""
        return decode(self.blobs.read(blob), "replace") if blob and blob != ZERO_SHA else ""

    def prefetch(self, blobs: Iterable[str]) -> None:
        """Read many blobs in one round trip (later ``text``/``front`` calls hit the cache)."""
        self.blobs.read_many(blobs)

    def revisions(self, path: str, versions: bool = True) -> list[Revision]:
        """Every committed version of a file, oldest first (renames followed).

        With ``versions=False`` no file content is read (version/approved_on stay empty).
        """
        chain = self.changes(path)
        if versions:
            self.prefetch(c.blob for c in chain)
        result = []
        for change in reversed(chain):
            data = self.fields(change.blob) if versions and change.status != "D" else {}
            commit = change.commit
            result.append(Revision(
                commit=commit.sha, date=commit.date, author=commit.author,
                subject=commit.subject, version=_version(data.get("version")),
                email=commit.email, committed=commit.committed, path=change.path,
                change=change.status, approved_on=as_date(data.get("approved_on")),
                status=as_text(data.get("status"))))
        return result

    # -------------------------------------------------------------- working tree
    def dirty(self) -> set[str]:
        """SMS-root-relative paths whose working-tree state differs from HEAD (staged,
        unstaged or untracked), from one ``git status`` call."""
        if self._dirty is None:
            out = self.repo.run("status", "--porcelain", "-z", "--untracked-files=all",
                                "--", *self.repo.pathspecs(self.paths), check=False)
            found: set[str] = set()
            tokens = out.decode("utf-8", "surrogateescape").split("\0")
            position = 0
            while position < len(tokens):
                entry = tokens[position]
                position += 1
                if len(entry) < 4:
                    continue
                status, path = entry[:2], entry[3:]
                if "R" in status or "C" in status:
                    position += 1  # the original path follows
                # porcelain paths are relative to the top of the work tree
                rel = self.repo.from_top(path)
                if rel is not None:
                    found.add(rel)
            self._dirty = found
        return self._dirty

    # -------------------------------------------------------------- actions
    def locate(self, action_id: str) -> str | None:
        """The file that holds an action now (found by scanning the working tree once)."""
        if self._action_index is None:
            index: dict[str, str] = {}
            root = self.repo.top / self.repo.prefix
            for folder in self.paths:
                base = root / folder
                if not base.is_dir():
                    continue
                for path in sorted(base.rglob("*.md")):
                    try:
                        text = decode(path.read_bytes(), "replace")
                    except OSError:
                        continue
                    match = YAML_RE.match(text)
                    if not match:
                        continue
                    shown = path.relative_to(root).as_posix()
                    for found in _ACTION_ID_LINE.finditer(match.group(1)):
                        index.setdefault(found.group(1), shown)
            self._action_index = index
        return self._action_index.get(action_id)

    def action_history(self, action_id: str, path: str | None = None) -> list[ActionEvent]:
        """What happened to an action over the whole history of the file that holds it,
        oldest first: opened, status changes, target-date moves, removal.

        ``path`` is the record's file; when omitted it is found in the working tree.
        """
        path = path or self.locate(action_id)
        if not path:
            return []
        chain = list(reversed(self.changes(path)))
        self.prefetch(c.blob for c in chain)
        events: list[ActionEvent] = []
        previous: dict[str, Any] | None = None
        for change in chain:
            commit = change.commit
            current = None if change.status == "D" else _find_action(
                self.front(change.blob), action_id)

            if current is None:
                if previous is not None:
                    events.append(ActionEvent(
                        date=commit.date, commit=commit.sha, status="",
                        target_date=None, change=f"{action_id} removed from {change.path}",
                        kind="removed", author=commit.author, subject=commit.subject,
                        path=change.path))
                previous = None
                continue
            events.extend(_action_changes(previous, current, commit, change.path, action_id))
            previous = current
        return events

    def slips(self, action_id: str, path: str | None = None) -> list[ActionEvent]:
        """The target-date moves to a later date of an action, oldest first."""
        return [e for e in self.action_history(action_id, path) if e.slipped]


def _version(value: Any) -> str:
    return "" if value is None else as_text(value)


def _find_action(data: dict[str, Any], action_id: str) -> dict[str, Any] | None:
    actions = data.get("actions")
    if not isinstance(actions, list):
        return None
    for item in actions:
        if isinstance(item, dict) and str(item.get("id") or "") == action_id:
            return item
    return None


def _action_changes(before: dict[str, Any] | None, after: dict[str, Any], commit: Commit,
                    path: str, action_id: str) -> list[ActionEvent]:
    status = as_text(after.get("status")) or "open"
    target = as_date(after.get("target_date"))

    def make(kind: str, change: str, days: int = 0) -> ActionEvent:
        return ActionEvent(date=commit.date, commit=commit.sha, status=status,
                           target_date=target, change=change, kind=kind, days=days,
                           author=commit.author, subject=commit.subject, path=path)

    if before is None:
        due = f", target {target}" if target else ""
        return [make("opened", f"{action_id} opened ({status}{due})")]
    out = []
    old_status = as_text(before.get("status")) or "open"
    if old_status != status:
        out.append(make("status", f"status {old_status} → {status}"))
    old_target = as_date(before.get("target_date"))
    if old_target != target:
        if old_target and target:
            days = (target - old_target).days
            word = "slipped" if days > 0 else "brought forward"
            out.append(make("target-date", f"target date {old_target} → {target} "
                                           f"({word} {abs(days)} day(s))", days))
        else:
            out.append(make("target-date", f"target date {old_target or 'none'} → "
                                           f"{target or 'none'}"))
    return out
