"""Real git repositories in temp folders for the pull-request and history tests.

Every commit sets GIT_AUTHOR_DATE and GIT_COMMITTER_DATE, so dates are deterministic, and
each repository has its own user config.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

from review_builder import REVIEW_FIELDS, management_review
from smsdocs.cli import main

POLICY = """\
---
id: POL-001
type: policy
title: Service management policy
owner: SMS Manager
status: approved
version: "{version}"
approved_by: Managing Director
approved_on: {approved_on}
clauses: ["5.2"]
---
# Service management policy

## Purpose

This policy states the commitment of top management to the SMS.

## Commitments

- We meet the agreed service levels for every service in scope.
- We review the SMS at least twice a year.
- {commitment}
"""

REVIEW = {**REVIEW_FIELDS, "title": "Management review, first half of 2026",
          "date": "2026-03-02"}

ACTION_1 = """\
  - id: MR-ACT-001
    title: Add a second on-call engineer for the Payroll service
    owner: {owner}
    target_date: {target1}
    status: {status1}
    success_criteria: P1 incidents answered within 15 minutes for two quarters
    clauses: ["8.6.1"]
"""

ACTION_2 = """\
  - id: MR-ACT-002
    title: Renew the hosting contract with service credits
    owner: Supplier Manager
    target_date: 2026-12-15
    status: open
    success_criteria: Signed contract with credits for availability below 99.5%
    clauses: ["8.2.3"]
"""

NC = """\
---
id: NC-001
type: nonconformity
title: Emergency changes without CAB review
date: 2026-02-10
owner: Change Manager
status: closed
clauses: ["10.1"]
---
# Emergency changes without CAB review

Raised at the review; follow-up under MR-ACT-002{more}.
"""


def policy(version: str = "1.0", approved_on: str = "2026-01-10",
           commitment: str = "We improve the SMS continually.") -> str:
    return POLICY.format(version=version, approved_on=approved_on, commitment=commitment)


def review(status: str = "approved", owner: str = "Service Delivery Manager",
           target1: str = "2026-09-30", status1: str = "open", action2: bool = True) -> str:
    actions = ACTION_1.format(owner=owner, target1=target1, status1=status1)
    return management_review(actions + (ACTION_2 if action2 else ""),
                             "The review followed up NC-001.\n", fields=REVIEW, status=status)


def nc(more: str = "") -> str:
    return NC.format(more=more)


class Repo:
    """A git repository in a temp folder with an SMS in docs/ and records/."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Sam Manager")
        self.git("config", "user.email", "sam@example.org")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str, date: str = "2026-01-01T09:00:00+00:00",
            author: str | None = None) -> str:
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        if author:
            env["GIT_AUTHOR_NAME"] = author
            env["GIT_AUTHOR_EMAIL"] = author.split()[0].lower() + "@example.org"
        for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
            env.pop(name, None)
        proc = subprocess.run(["git", "-C", str(self.root), *args], env=env, check=True,
                              capture_output=True, text=True)
        return proc.stdout

    def write(self, files: dict[str, str]) -> None:
        for relative, text in files.items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")

    def commit(self, message: str, files: dict[str, str] | None = None, *,
               date: str = "2026-01-01", author: str | None = None,
               remove: tuple[str, ...] = ()) -> str:
        """Write files, remove others, commit everything at noon UTC on the date; the sha."""
        self.write(files or {})
        for relative in remove:
            self.git("rm", "-q", relative)
        when = date if "T" in date else f"{date}T12:00:00+00:00"
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, date=when, author=author)
        return self.git("rev-parse", "HEAD").strip()


def run_cli(capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    """Run `smsdocs ...` in-process; (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err
