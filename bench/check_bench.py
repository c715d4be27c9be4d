"""smsdocs check against the floor: reading the files, parsing their front matter with
PyYAML's C loader and their bodies with markdown-it-py. Prints ratios from one run.

Targets (issue #2): at N=10,000 check <= 1.5x the floor; 500 records check in under 1 s.
Usage: python bench/check_bench.py [--n 10000] [--small 500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

sys.path.insert(0, str(Path(__file__).parent))
from smsdocs.core.frontmatter import YAML_RE  # noqa: E402
from smsdocs.run import run_check  # noqa: E402
from synth import generate  # noqa: E402


def floor(root: Path) -> float:
    """Read every file, load its front matter with the C loader, parse its body."""
    parser = MarkdownIt("commonmark").enable("table")
    start = time.perf_counter()
    for folder in ("docs", "records"):
        for path in sorted((root / folder).rglob("*.md")):
            text = path.read_text(encoding="utf-8-sig")
            match = YAML_RE.match(text)
            body = text
            if match:
                yaml.load(match.group(1), Loader=yaml.CSafeLoader)
                body = text[match.end():]
            parser.parse(body)
    return time.perf_counter() - start


def check_in_process(root: Path) -> tuple[float, int]:
    start = time.perf_counter()
    result = run_check(root, as_of=dt.date(2026, 11, 23)).result
    return time.perf_counter() - start, len(result.findings)


def check_cli(root: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "smsdocs", "check", str(root), "--format", "json",
                    "--as-of", "2026-11-23"], check=False, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = generate(Path(tmp) / "big", args.n)
        small = generate(Path(tmp) / "small", args.small)
        floor(big)  # warm the page cache so both sides read from memory
        base = floor(big)
        checked, findings = check_in_process(big)
        cli_small = check_cli(small)
        print(f"N={args.n}: floor {base:.2f} s, smsdocs check {checked:.2f} s "
              f"({findings} findings), ratio {checked / base:.2f} (target <= 1.5)")
        print(f"N={args.small}: smsdocs check (whole CLI process) {cli_small:.2f} s "
              f"(target < 1 s)")


if __name__ == "__main__":
    main()
