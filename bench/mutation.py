"""Mutation score of the checks and the front-matter/model code, with cosmic-ray.

Not part of the test suite (slow): run it by hand after `pip install -e '.[mutation]'`.

    python bench/mutation.py                       # every mutant (hours on 2 cores)
    python bench/mutation.py --sample 150          # a seeded random sample of them
    python bench/mutation.py --named-only          # only the mutants named in issue 11

The working tree is never touched: the repository is copied to a temp folder and the
mutants are made there, tested with PYTHONPATH pointing at the copy. Each group of modules
is tested with the tests that cover it (a fast, targeted pytest -x run per mutant). The
report is, per group and overall: killed / run, the raw kill rate, the known-equivalent
mutants (EQUIVALENT: each with the reason no test can kill it, counted and listed apart),
the rate with those left out, and every surviving mutant with its file:line and mutation.
The sample is drawn with a fixed seed (--seed, default 11) from the mutants sorted by
position, so the same tree gives the same sample and the same figure (a changed module
changes the list, and so the sample). Tests written against one sample's survivors raise
that sample's figure by construction: quote a fresh seed's figure as the estimate.
"""

from __future__ import annotations

import argparse
import ast
import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTEST = f"{sys.executable} -m pytest -x -q -p no:cacheprovider --no-header -W ignore"


@dataclass(frozen=True)
class Group:
    """Modules to mutate and the tests that must kill their mutants."""

    name: str
    modules: tuple[str, ...]
    tests: tuple[str, ...]
    exclude: tuple[str, ...] = ()


# Test files may be glob patterns (tests/test_rules.py may be split by rule family into
# tests/test_rules_*.py), and may name one test (file::test); a pattern that matches
# no file stops the bench.
GROUPS = (
    Group("checks", ("plugins/smsdocs/checks",),
          ("tests/test_rules*.py", "tests/test_verdicts.py", "tests/test_corpus.py",
           "tests/test_recognition_edges.py", "tests/test_record_edges.py",
           "tests/test_recognition_styles.py", "tests/test_check_details.py",
           # builds no site (the rest of test_engines.py builds two: too slow per mutant)
           "tests/test_engines.py::test_check_warns_once_when_the_site_would_lack_the_plugin"),
          exclude=("plugins/smsdocs/checks/doccontrol.py",)),
    Group("doccontrol", ("plugins/smsdocs/checks/doccontrol.py",),
          ("tests/test_git_review.py", "tests/test_doccontrol_edges.py")),
    Group("frontmatter-model", ("plugins/smsdocs/core/frontmatter.py",
                                "plugins/smsdocs/core/model.py",
                                "plugins/smsdocs/core/findings.py"),
          ("tests/test_rules*.py", "tests/test_property.py", "tests/test_frontmatter_edges.py",
           "tests/test_record_edges.py")),
)


@dataclass(frozen=True)
class Equivalent:
    """A mutant no test can kill, because the mutated program behaves exactly as the
    original: the module ("" for any), a piece of the original line, the cosmic-ray operator
    (its full name), why, and optionally a piece of the mutated line. These are counted and
    listed apart from the survivors, never dropped."""

    path: str
    code: str
    operator: str
    reason: str
    becomes: str = ""


EQUIVALENT = (
    Equivalent("", "@dataclass(", "core/ReplaceTrueWithFalse",
               "__slots__ only change memory and forbid attributes no code sets",
               becomes="slots=False"),
    Equivalent("plugins/smsdocs/checks/outputs.py", 'str(a.data.get("output") or "") == kind',
               "core/ReplaceOrWithAnd", "a shortcut: an action's declared output is read "
               "among its words too, and each output's own name is one of its output_words "
               "(improvement, change, resources)"),
    Equivalent("plugins/smsdocs/checks/engine.py", 'return ("zensical.toml", 1,',
               "core/NumberReplacer", "the line goes to Context.report, which places a "
               "finding on line max(1, line): line 0 is line 1", becomes='"zensical.toml", 0,'),
    Equivalent("", "ctx.report(", "core/NumberReplacer",
               "Context.report places a finding on line max(1, line): line 0 is line 1",
               becomes=", 0,"),
    Equivalent("plugins/smsdocs/core/frontmatter.py", "state[key] = 2", "core/NumberReplacer",
               "2 only has to differ from 1 (being counted): with another value the memo is "
               "missed and shared nodes are counted again, to the same sizes and verdict "
               "(the cost stays bounded by EXPANSION_BUDGET)"),
    Equivalent("plugins/smsdocs/core/frontmatter.py", "if state.get(key) == 1:",
               "core/NumberReplacer",
               "unreachable (a safety net): a node being counted is never popped again before "
               "it is counted, since a child in that state is caught when pushed; and no "
               "state is 0"),
    Equivalent("plugins/smsdocs/core/model.py", "memo: dict[Any, Any] = field(",
               "core/ReplaceFalseWithTrue",
               "only repr() of a Record would show the memo, and nothing shows that repr",
               becomes="repr=True"),
    Equivalent("plugins/smsdocs/checks/sections.py", "@lru_cache(maxsize=4096)",
               "core/NumberReplacer",
               "the size of a cache of a pure function (normalize) never changes a result"),
    Equivalent("plugins/smsdocs/checks/sections.py", "@lru_cache(maxsize=4096)",
               "core/RemoveDecorator",
               "without its cache normalize returns the same strings, only slower"),
    Equivalent("plugins/smsdocs/checks/sections.py", "Section(level=7,", "core/NumberReplacer",
               "the level of a table row or list item is never compared (_applies reads the "
               "level of headings only); it is only part of cache keys, next to the kind"),
    Equivalent("plugins/smsdocs/checks/sections.py", "if i != title_at]",
               "core/ReplaceComparisonOperator_NotEq_IsNot",
               "column indexes are small ints, which CPython keeps one object each of (up to "
               "256): 'is not' and '!=' agree"),
    Equivalent("plugins/smsdocs/checks/outputs.py", "s.start <= table.line <= s.end",
               "core/ReplaceComparisonOperator_LtE_Lt",
               "a table takes two lines at least (header and delimiter row), so it never "
               "starts on the last line of a section: '<' and '<=' agree at the end"),
    Equivalent("plugins/smsdocs/checks/references.py", "except (OSError, RuntimeError, "
               "ValueError):", "core/ExceptionReplacer",
               "on Python 3.11 and 3.12 a non-strict Path.resolve() raises no OSError (a "
               "symlink loop is a RuntimeError, tested); the OSError is for 3.13 and later",
               becomes="(CosmicRayTestingException, RuntimeError"),
    Equivalent("plugins/smsdocs/checks/doccontrol.py", 'if tag != "equal":',
               "core/ReplaceComparisonOperator_NotEq_IsNot",
               "difflib returns the interned literal 'equal': 'is not' and '!=' agree"),
    Equivalent("plugins/smsdocs/checks/doccontrol.py",
               "if chain[0].commit.committed.date() <= approved_on and not dirty:",
               "core/ReplaceComparisonOperator_LtE_Is",
               "a shortcut only: without it the loop below ends the chain at its first commit "
               "and approval() finds no edit there either"),
    Equivalent("plugins/smsdocs/checks/doccontrol.py", "if approved == now:",
               "core/ReplaceComparisonOperator_Eq_Is",
               "a shortcut only: when the decisions are equal the loops after it report "
               "nothing either"),
    Equivalent("plugins/smsdocs/checks/doccontrol.py", 'rtype.kind == "document"',
               "core/ReplaceComparisonOperator_Eq_LtE",
               "a type's kind is 'document' or 'record' (the sms.json schema's enum) and "
               "'record' <= 'document' is false: '<=' and '==' agree"),
)


@dataclass(frozen=True)
class Named:
    """A deliberate bug from issue 11 that once survived the whole suite."""

    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


NAMED = (
    Named("action.owner is a warning, not an error",
          "plugins/smsdocs/packs/iso20000-1-2018/pack.yaml",
          "  - id: action.owner\n    severity: error",
          "  - id: action.owner\n    severity: warning",
          ("tests/test_rules_actions.py", "tests/test_rules_pack.py")),
    Named("record header card renders owner/chair/date with |safe",
          "plugins/smsdocs/templates/card.html",
          'else d.get(key)|text, key) }}',
          'else d.get(key)|text|safe, key) }}', ("tests/test_escaping.py",)),
    Named("doc.review-due compares with <= instead of <",
          "plugins/smsdocs/checks/crossrecord.py",
          "if due is not None and due < ctx.as_of", "if due is not None and due <= ctx.as_of",
          ("tests/test_rules_crossrecord.py",)),
    Named("pack --verify ignores files that are not in the manifest",
          "plugins/smsdocs/edition/evidence_pack.py",
          "            for name in sorted(set(seen) - set(listed) - {MANIFEST, SIGNATURE}):",
          "            for name in sorted(set()):", ("tests/test_auditor.py",)),
)


def copy_repository(target: Path) -> Path:
    """The sources, tests and example (no venv, no sites) in a scratch folder."""
    ignore = shutil.ignore_patterns(".venv", ".git", "site", "site-auditor", "__pycache__",
                                    ".hypothesis", ".pytest_cache", ".ruff_cache", "*.zip",
                                    "mutants")
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


def expand(copy: Path, tests: tuple[str, ...] | set[str]) -> list[str]:
    """The test files of a group in the copy, glob patterns expanded (sorted, unique)."""
    found: list[str] = []
    for pattern in tests:
        file, _, test = pattern.partition("::")  # a file may name one test of it
        matches = sorted(glob.glob(file, root_dir=copy))
        if not matches:
            raise SystemExit(f"no test file matches {pattern!r}")
        found += [f"{m}::{test}" if test else m for m in matches
                  if (f"{m}::{test}" if test else m) not in found]
    return found


def environment(copy: Path) -> dict[str, str]:
    # the copy's package comes before the editable install of the working tree
    return {**os.environ, "PYTHONPATH": str(copy / "plugins"), "PYTHONDONTWRITEBYTECODE": "1"}


def baseline(copy: Path, tests: set[str]) -> None:
    """The unmutated copy must pass the tests, or no mutant's result means anything."""
    proc = subprocess.run([*PYTEST.split(), *expand(copy, tests)], cwd=copy,
                          env=environment(copy),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"the unmutated tests fail:\n{proc.stdout[-3000:]}")


def run_named(copy: Path) -> list[tuple[str, bool, float]]:
    """Plant each named mutant in the copy, run its tests, restore; (name, killed, seconds)."""
    results = []
    for mutant in NAMED:
        path = copy / mutant.path
        original = path.read_text(encoding="utf-8")
        assert original.count(mutant.old) == 1, f"{mutant.name}: the code moved"
        path.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
        start = time.perf_counter()
        try:
            proc = subprocess.run([*PYTEST.split(), *mutant.tests], cwd=copy,
                                  env=environment(copy), capture_output=True, text=True)
        finally:
            path.write_text(original, encoding="utf-8")
        results.append((mutant.name, proc.returncode != 0, time.perf_counter() - start))
    return results


def _config(copy: Path, group: Group, timeout: float) -> str:
    modules = ", ".join(f'"{m}"' for m in group.modules)
    excluded = ", ".join(f'"{m}"' for m in group.exclude)
    command = f"{PYTEST} {' '.join(expand(copy, group.tests))}"
    return (f"[cosmic-ray]\nmodule-path = [{modules}]\ntimeout = {timeout}\n"
            f"excluded-modules = [{excluded}]\ntest-command = \"{command}\"\n\n"
            "[cosmic-ray.distributor]\nname = \"local\"\n")


def annotation_spans(path: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) positions of every type annotation in a module: with
    ``from __future__ import annotations`` they are never evaluated, so a mutant there is
    equivalent (it cannot be killed) and is left out of the score."""
    spans = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found = node.returns
        elif isinstance(node, ast.arg | ast.AnnAssign):
            found = node.annotation
        else:
            continue
        if found is not None:
            spans.append(((found.lineno, found.col_offset),
                          (found.end_lineno or found.lineno, found.end_col_offset or 0)))
    return spans


def _in_annotation(copy: Path, mutation: object, cache: dict[str, list]) -> bool:
    module = str(mutation.module_path)  # type: ignore[attr-defined]
    if module not in cache:
        cache[module] = annotation_spans(copy / module)
    start = tuple(mutation.start_pos)  # type: ignore[attr-defined]
    return any(a <= start < b for a, b in cache[module])


@dataclass
class Outcome:
    """What a group's run found."""

    killed: int = 0
    run: int = 0
    equivalent: list[str] = field(default_factory=list)  # survived, explained (EQUIVALENT)
    survivors: list[str] = field(default_factory=list)  # survived, unexplained
    wrongly_listed: list[str] = field(default_factory=list)  # in EQUIVALENT, yet killed
    annotations: int = 0  # mutants in type annotations, left out before sampling
    mutants: int = 0  # the others, of which `run` were sampled
    seconds: float = 0.0

    def rate(self, leave_out_equivalent: bool = False) -> float:
        run = self.run - (len(self.equivalent) if leave_out_equivalent else 0)
        return self.killed / run if run else 1.0


def _lines(copy: Path, m: Any, diff: str | None) -> tuple[str, str]:
    """The original line of a mutation and what it became."""
    source = (copy / m.module_path).read_text(encoding="utf-8").split("\n")
    added = [line[1:].strip() for line in (diff or "").split("\n")
             if line.startswith("+") and not line.startswith("+++") and line[1:].strip()]
    return source[m.start_pos[0] - 1].strip(), added[0] if added else "(line removed)"


def _equivalent(m: Any, old: str, new: str) -> Equivalent | None:
    return next((e for e in EQUIVALENT if (not e.path or str(m.module_path) == e.path)
                 and e.code in old and m.operator_name == e.operator
                 and e.becomes in new), None)


def run_group(copy: Path, group: Group, sample: float, seed: int, timeout: float) -> Outcome:
    """Mutate one group with cosmic-ray and sort the sampled mutants out."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    config = copy / f"cosmic-ray-{group.name}.toml"
    session = copy / f"cosmic-ray-{group.name}.sqlite"
    config.write_text(_config(copy, group, timeout), encoding="utf-8")
    cosmic = str(Path(sys.executable).parent / "cosmic-ray")
    env = environment(copy)
    subprocess.run([cosmic, "init", str(config), str(session)], cwd=copy, env=env, check=True)
    cache: dict[str, list] = {}
    found = Outcome()
    with use_db(str(session), WorkDB.Mode.open) as db:
        annotations = [i.job_id for i in db.pending_work_items
                       if all(_in_annotation(copy, m, cache) for m in i.mutations)]
        db.set_multiple_results(annotations, WorkResult(
            output="equivalent: in a type annotation", worker_outcome=WorkerOutcome.SKIPPED))
        # a reproducible sample: job ids are random, the mutations are not
        items = sorted(db.pending_work_items, key=lambda item: [
            (str(m.module_path), tuple(m.start_pos), m.operator_name, m.occurrence)
            for m in item.mutations])
        keep = int(sample) if sample > 1 else max(1, round(len(items) * sample))
        chosen = {i.job_id for i in random.Random(seed).sample(items, min(keep, len(items)))}
        db.set_multiple_results([i.job_id for i in items if i.job_id not in chosen],
                                WorkResult(output="not in the sample",
                                           worker_outcome=WorkerOutcome.SKIPPED))
    found.annotations, found.mutants = len(annotations), len(items)
    start = time.perf_counter()
    subprocess.run([cosmic, "exec", str(config), str(session)], cwd=copy, env=env, check=True)
    found.seconds = time.perf_counter() - start
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            found.run += 1
            for m in item.mutations:
                old, new = _lines(copy, m, result.diff)
                where = f"{m.module_path}:{m.start_pos[0]} {m.operator_name}"
                what = f"{old[:100]}  ->  {new[:100]}"
                known = _equivalent(m, old, new)
                if result.test_outcome != TestOutcome.SURVIVED:
                    found.killed += 1  # killed, or incompetent (the mutant does not import)
                    if known is not None:
                        found.wrongly_listed.append(f"{where}: {what}")
                elif known is not None:
                    found.equivalent.append(f"{where}: {what}\n      ({known.reason})")
                else:
                    found.survivors.append(f"{where}: {what}")
    for listing in (found.equivalent, found.survivors, found.wrongly_listed):
        listing.sort()
    return found


def report(group: Group, found: Outcome) -> None:
    """Print one group's figures, its explained equivalents and its survivors."""
    print(f"\n{group.name}: {found.killed}/{found.run} mutants killed "
          f"({found.rate():.1%} raw; {found.rate(True):.1%} with the "
          f"{len(found.equivalent)} explained equivalent(s) left out) in "
          f"{found.seconds:.0f} s; {found.run} sampled of {found.mutants} mutants "
          f"({found.annotations} more in type annotations never run)")
    print(f"  tests: {' '.join(group.tests)}")
    for line in found.equivalent:
        print(f"  equivalent {line}")
    for line in found.survivors:
        print(f"  SURVIVED {line}")
    for line in found.wrongly_listed:
        print(f"  KILLED, yet listed in EQUIVALENT (fix the list): {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=float, default=1.0,
                        help="share (0-1) or number (>1) of each group's mutants to run")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per mutant")
    parser.add_argument("--group", action="append", choices=[g.name for g in GROUPS],
                        help="only these groups (default: all)")
    parser.add_argument("--named-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="smsdocs-mutation-") as tmp:
        copy = copy_repository(Path(tmp) / "repo")
        groups = [g for g in GROUPS if not args.group or g.name in args.group]
        baseline(copy, {t for m in NAMED for t in m.tests}
                 | ({t for g in groups for t in g.tests} if not args.named_only else set()))
        named = run_named(copy)
        for name, killed, seconds in named:
            print(f"named mutant {'killed  ' if killed else 'SURVIVED'} ({seconds:5.1f} s): "
                  f"{name}", flush=True)
        if args.named_only:
            return 0 if all(k for _, k, _ in named) else 1
        total = Outcome()
        for group in groups:
            found = run_group(copy, group, args.sample, args.seed, args.timeout)
            report(group, found)
            sys.stdout.flush()
            total.killed += found.killed
            total.run += found.run
            total.equivalent += found.equivalent
        if total.run:
            print(f"\noverall (seed {args.seed}): {total.killed}/{total.run} killed "
                  f"({total.rate():.1%} raw; {total.rate(True):.1%} with the "
                  f"{len(total.equivalent)} explained equivalent(s) left out)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
