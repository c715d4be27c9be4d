"""Pull-request review and page history against the plain gate, measured in one run.

Builds a git repository of N documents and C commits with ``git fast-import`` (policies
and procedures re-approved or edited, management reviews whose actions change status and
slip, nonconformities edited), then times, each as a whole CLI process:

  * plain ``smsdocs check`` (which includes the document-control rules from git history),
  * ``smsdocs check --base HEAD~1``,
  * reading the history of every page (``RepositoryHistory`` + ``revisions()`` for each
    file, in process, as the handbook would).

Target: --base + history <= 2x the plain check.
Usage: python bench/history_bench.py [--docs 1000] [--commits 5000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from smsdocs.git.history import RepositoryHistory
from synth import REVIEW_SECTIONS  # noqa: E402

START = dt.datetime(2023, 1, 2, 9, 0, tzinfo=dt.UTC)
PARAGRAPH = ("The service desk handled {n} requests this period; first-contact resolution "
             "was {p}% against a target of 70%. Trend data is in the KPI workbook.\n")


class Doc:
    """The evolving state of one file."""

    def __init__(self, index: int, kind: str, when: dt.datetime) -> None:
        self.index, self.kind = index, kind
        self.version, self.minor = 1, 0
        self.approved_on = when.date()
        self.edits = 0
        self.status = ["open", "open"]
        self.targets = [when.date() + dt.timedelta(days=90), when.date() + dt.timedelta(days=120)]
        folder = {"policy": "docs/policies", "procedure": "docs/procedures",
                  "review": "records/reviews", "nc": "records/ncs"}[kind]
        self.path = f"{folder}/{index // 100:02d}/{kind}-{index:04d}.md"

    def render(self) -> str:
        if self.kind in ("policy", "procedure"):
            prefix = "POL" if self.kind == "policy" else "PROC"
            body = "".join(f"## Section {s}\n\n" + PARAGRAPH.format(n=1000 + s + self.edits,
                                                                    p=70 + s) + "\n"
                           for s in range(6))
            return (f"---\nid: {prefix}-{self.index:04d}\ntype: {self.kind}\n"
                    f"title: {self.kind.title()} {self.index}\nowner: SMS Manager\n"
                    f"status: approved\nversion: \"{self.version}.{self.minor}\"\n"
                    f"approved_by: Managing Director\napproved_on: {self.approved_on}\n"
                    f"clauses: [\"8.1\"]\n---\n# {self.kind.title()} {self.index}\n\n{body}")
        if self.kind == "review":
            actions = "".join(
                f"  - id: MR-ACT-{self.index:04d}{a}\n    title: Decision {a} of review "
                f"{self.index}\n    owner: Service Delivery Manager\n"
                f"    target_date: {self.targets[a]}\n    status: {self.status[a]}\n"
                f"    success_criteria: SLA at or above 97% for two quarters\n"
                f"    clauses: [\"9.3\"]\n" for a in range(2))
            body = "".join(f"## {t}\n\n" + PARAGRAPH.format(n=1200 + self.edits, p=71) + "\n"
                           for t in REVIEW_SECTIONS)
            return (f"---\nid: MR-{self.index:04d}\ntype: management-review\n"
                    f"title: Management review {self.index}\ndate: {self.approved_on}\n"
                    f"chair: Managing Director\nattendees: [Managing Director, SMS Manager]\n"
                    f"status: approved\napproved_on: {self.approved_on}\nclauses: [\"9.3\"]\n"
                    f"actions:\n{actions}---\n# Management review {self.index}\n\n{body}")
        return (f"---\nid: NC-{self.index:04d}\ntype: nonconformity\ntitle: Nonconformity "
                f"{self.index}\ndate: {self.approved_on}\nowner: Change Manager\n"
                f"status: closed\nclauses: [\"10.1\"]\n---\n# Nonconformity {self.index}\n\n"
                f"## Description\n\nEmergency change {self.edits} without CAB review.\n\n"
                "## Correction\n\nReviewed retrospectively.\n")

    def change(self, rng: random.Random, when: dt.datetime) -> str:
        """Change the document as a commit on `when` would; return the commit subject."""
        self.edits += 1
        if self.kind in ("policy", "procedure"):
            if rng.random() < 0.7:
                self.minor += 1
                self.approved_on = when.date()
                return f"Approve {self.kind} {self.index} {self.version}.{self.minor}"
            return f"Edit {self.kind} {self.index}"
        if self.kind == "review":
            a = rng.randrange(2)
            if self.status[a] == "open" and rng.random() < 0.5:
                self.status[a] = "in-progress"
                return f"Start MR-ACT-{self.index:04d}{a}"
            if rng.random() < 0.5:
                self.targets[a] += dt.timedelta(days=rng.randrange(7, 60))
                return f"Slip MR-ACT-{self.index:04d}{a}"
            self.status[a] = "done"
            return f"Close MR-ACT-{self.index:04d}{a}"
        return f"Update NC {self.index}"


def _data(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def generate(root: Path, docs: int, commits: int, seed: int = 7) -> list[str]:
    """A git repository with `docs` files and `commits` commits, via git fast-import."""
    rng = random.Random(seed)
    kinds = ["policy", "procedure", "review", "nc"]
    state = [Doc(i, kinds[i % 4], START) for i in range(1, docs + 1)]
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    for key, value in (("user.name", "Bench"), ("user.email", "bench@example.org")):
        subprocess.run(["git", "-C", str(root), "config", key, value], check=True)
    stream = bytearray()
    authors = ["Alice Approver <alice@example.org>", "Bob Editor <bob@example.org>",
               "Carol Owner <carol@example.org>"]
    for number in range(commits):
        when = START + dt.timedelta(hours=3 * number)
        stamp = int(when.timestamp())
        if number == 0:
            subject, changed = "Initial SMS", state
        else:
            doc = state[rng.randrange(len(state))]
            subject, changed = doc.change(rng, when), [doc]
        author = authors[number % 3]
        stream += b"commit refs/heads/main\n"
        stream += f"author {author} {stamp} +0000\ncommitter {author} {stamp} +0000\n".encode()
        stream += _data(subject)
        for doc in changed:
            stream += f"M 100644 inline {doc.path}\n".encode() + _data(doc.render())
        stream += b"\n"
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=bytes(stream),
                   check=True)
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True)
    return [d.path for d in state]


def timed_cli(root: Path, *extra: str) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "smsdocs", "check", str(root), "--format",
                           "json", "--as-of", "2026-11-23", *extra], capture_output=True,
                          check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr.decode())
    return elapsed, proc.stdout.count(b'"rule":')


def timed_history(root: Path, pages: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    history = RepositoryHistory.open(root, ["docs", "records"])
    assert history is not None
    count = sum(len(history.revisions(page)) for page in pages)
    history.close()
    return time.perf_counter() - start, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    root = args.keep or Path(tmp) / "sms"
    try:
        start = time.perf_counter()
        pages = generate(root, args.docs, args.commits)
        print(f"generated {args.docs} documents, {args.commits} commits with git fast-import "
              f"in {time.perf_counter() - start:.2f} s")
        timed_cli(root)  # warm caches (files, git objects, Python bytecode)
        plain, findings = min(timed_cli(root) for _ in range(3))
        base, base_findings = min(timed_cli(root, "--base", "HEAD~1") for _ in range(3))
        history, revisions = min(timed_history(root, pages) for _ in range(3))
        plain_copy = Path(tmp) / "no-git"
        for folder in ("docs", "records"):
            shutil.copytree(root / folder, plain_copy / folder)
        no_git, _ = min(timed_cli(plain_copy) for _ in range(3))
        print(f"smsdocs check on a copy outside git (no document control): {no_git:.2f} s")
        print(f"smsdocs check (whole process, with document control): {plain:.2f} s, "
              f"{findings} findings")
        print(f"smsdocs check --base HEAD~1:                           {base:.2f} s, "
              f"{base_findings} findings in scope")
        print(f"history of every page ({len(pages)} pages, {revisions} revisions):    "
              f"{history:.2f} s")
        ratio = (base + history) / plain
        print(f"(--base + history) / plain check = {ratio:.2f} (target <= 2.0); "
              f"--base alone {base / plain:.2f}x")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
