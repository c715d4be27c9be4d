"""Hostile input against the resource bounds (issue 17): the alias bomb, a 50 MB body and a
zip bomb, each in a whole smsdocs process limited to 1 GiB of address space. Prints the
seconds and peak memory of each; nothing is asserted (the tests assert the limits).

Usage: python bench/hostile_bench.py
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_security import GIB, alias_bomb, zip_bomb  # noqa: E402


def run(*args: str) -> tuple[float, int, float]:
    """(seconds, exit code, peak MB of the child) of one smsdocs process under 1 GiB."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))

    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "smsdocs", *args], capture_output=True,
                          preexec_fn=cap, check=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, proc.returncode, peak


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for kind in ("list", "mapping"):
            repo = root / f"bomb-{kind}"
            (repo / "records").mkdir(parents=True)
            (repo / "records/bomb.md").write_text(alias_bomb(kind))
            s, code, peak = run("check", str(repo), "--as-of", "2026-11-23")
            print(f"alias bomb ({kind}): {s:.2f} s, exit {code}, peak so far {peak:.0f} MB")
        repo = root / "huge"
        (repo / "docs").mkdir(parents=True)
        block = "A paragraph of an SMS document, written out at some length.\n\n"
        (repo / "docs/huge.md").write_text("---\ntitle: Huge\n---\n# Huge\n\n"
                                           + block * (50 * 1024 * 1024 // len(block)))
        s, code, peak = run("check", str(repo), "--as-of", "2026-11-23")
        print(f"50 MB body: {s:.2f} s, exit {code}, peak so far {peak:.0f} MB")
        start = time.perf_counter()
        pack = zip_bomb(root / "bomb.zip")
        made = time.perf_counter() - start
        s, code, peak = run("pack", "--verify", str(pack))
        print(f"zip bomb ({pack.stat().st_size / 1e6:.1f} MB zip, 1.06 GiB entry; built in "
              f"{made:.1f} s): verify {s:.2f} s, exit {code}, peak so far {peak:.0f} MB")


if __name__ == "__main__":
    main()
