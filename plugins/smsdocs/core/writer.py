"""The one way smsdocs writes a user's file: atomically, with the user's umask, never through
a symlink, and never over an existing file unless the command is an explicit regeneration.

`create` is for new content (init, new, import review, export review --out): it fails when
the path exists. `replace` is for files a command owns and regenerates on every run
(`smsdocs baseline`, `smsdocs pack --out`): it replaces a regular file in one rename, and
refuses a symlink or anything that is not a regular file. `locked` serialises id allocation
between concurrent runs on the same repository.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import UsageError


class WriteError(UsageError):
    """A file cannot be written safely (exists, symlink, not a regular file)."""


def current_umask() -> int:
    """The process umask (read by setting and restoring it; smsdocs is single-threaded)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _refuse_symlink(path: Path) -> None:
    if path.is_symlink():
        raise WriteError(f"{path} is a symbolic link; smsdocs never writes through a link")


def _temp_copy(path: Path, data: bytes) -> str:
    """A temporary file beside path holding data, with the mode a new file would get."""
    parent = path.parent
    _refuse_symlink(parent)
    parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=parent, prefix=".smsdocs-", suffix=".tmp")
    try:
        os.fchmod(handle, 0o666 & ~current_umask())
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def create(path: Path, content: str | bytes) -> None:
    """Write a new file atomically; refuse when anything (file, link, folder) is at path."""
    _refuse_symlink(path)
    if path.exists():
        raise WriteError(f"{path} exists; smsdocs never overwrites a file")
    temp = _temp_copy(path, _bytes(content))
    try:
        os.link(temp, path)  # atomic, and fails when the target appeared meanwhile
    except FileExistsError as exc:
        raise WriteError(f"{path} exists; smsdocs never overwrites a file") from exc
    finally:
        os.unlink(temp)


def check_replaceable(path: Path) -> None:
    """Refuse early (before a long build) what `replace` would refuse."""
    _refuse_symlink(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise WriteError(f"{path} exists and is not a regular file; not replaced")


def replace(path: Path, content: str | bytes) -> None:
    """Write a file a command regenerates: replace a regular file in one rename (readers see
    the old or the new content, never half), refuse a symlink or a non-regular file."""
    check_replaceable(path)
    temp = _temp_copy(path, _bytes(content))
    try:
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """Hold an exclusive lock on the repository folder itself (no lock file is left behind),
    so that concurrent `new` and `import` runs allocate ids one after the other."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: files are still created exclusively
        yield
        return
    handle = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock
