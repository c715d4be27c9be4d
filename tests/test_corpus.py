"""Verdict corpora: small SMS repositories written by other organisations, each with the
verdict an auditor would give (expect.json), judged the way ../shared/corpus/run.py judges.

`tests/data/verdicts/` ships with the repository (three organisations whose styles are not
in the shared corpus); the shared corpus is judged too when it sits beside the checkout.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, check_tree
from smsdocs.core.findings import Finding, Severity

AS_OF = dt.date(2025, 8, 1)
CORPORA = [REPO_ROOT / "tests" / "data" / "verdicts", REPO_ROOT.parent / "shared" / "corpus"]
CASES = [case for corpus in CORPORA if corpus.is_dir()
         for case in sorted(corpus.iterdir()) if (case / "expect.json").is_file()]


def _matches(finding: Finding, expected: dict[str, Any]) -> bool:
    rules = expected["rule"] if isinstance(expected["rule"], list) else [expected["rule"]]
    if finding.rule not in rules:
        return False
    if "file" in expected and finding.file != expected["file"]:
        return False
    if "line" in expected:
        low, high = expected["line"]
        return low <= finding.line <= high
    return True


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{c.parent.name}/{c.name}")
                                  for c in CASES])
def test_verdict_as_an_auditor_would_give_it(case: Path) -> None:
    expect = json.loads((case / "expect.json").read_text(encoding="utf-8"))
    findings = check_tree(case, as_of=AS_OF)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    shown = [f"{f.rule}@{f.file}:{f.line}" for f in findings]
    assert (1 if errors else 0) == expect["exit"], shown
    assert len(errors) <= expect.get("max_errors", len(errors)), shown
    for wanted in expect["must"]:
        assert any(_matches(f, wanted) for f in findings), (wanted, shown)
    for unwanted in expect["must_not"]:
        assert not [f for f in findings if _matches(f, unwanted)], (unwanted, shown)


def test_the_shipped_corpus_is_there() -> None:
    assert len([c for c in CASES if c.parent == CORPORA[0]]) >= 14
