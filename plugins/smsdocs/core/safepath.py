"""Files smsdocs may read: regular files whose real path stays inside the repository.

A symlink that leads out of the repository (``/proc/self/environ``, a file in ``/tmp``) is
never followed, and a device file, FIFO or socket is never opened: both are reported.
"""

from __future__ import annotations

import os
import stat


def real_root(root: str | os.PathLike[str]) -> str:
    """The repository's real path, the one every file's real path is compared with."""
    return os.path.realpath(root)


def inside(real: str, root_real: str) -> bool:
    """Whether a real path is the root or below it."""
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def problem(path: str | os.PathLike[str], root_real: str) -> tuple[str, str] | None:
    """Why a file must not be read, as (rule id, detail); None when it is safe to read.

    A missing or unreadable file is not a problem here: reading it reports that.
    """
    real = os.path.realpath(path)
    if not inside(real, root_real):
        return "path.outside", f"a symlink to {real}, outside the repository"
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device file" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "not a regular file")
    return "path.special", f"{kind}"


def walked_problem(path: str | os.PathLike[str], root_real: str) -> tuple[str, str] | None:
    """problem() for a file found by os.walk without following symlinks (its folders are
    inside the root): one lstat, and the full check only for a symlink."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISLNK(mode):
        return problem(path, root_real)
    if stat.S_ISREG(mode):
        return None
    return problem(path, root_real)
