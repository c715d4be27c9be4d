"""Mutation score of the checks and the front-matter/model code, with cosmic-ray.

Not part of the test suite (slow): run it by hand after `pip install -e '.[mutation]'`.

    python bench/mutation.py                       # every mutant (hours on 2 cores)
    python bench/mutation.py --sample 150          # a seeded random sample of them
    python bench/mutation.py --named-only          # only the mutants named in issue 11

The working tree is never touched: the repository is copied to a temp folder and the
mutants are made there, tested with PYTHONPATH pointing at the copy. Each group of modules
is tested with the tests that cover it (a fast, targeted pytest -x run per mutant). The
report is the kill rate per group and overall, and every surviving mutant with its line.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = f"{sys.executable} -m pytest -x -q -p no:cacheprovider --no-header -W ignore"


@dataclass(frozen=True)
class Group:
    """Modules to mutate and the tests that must kill their mutants."""

    name: str
    modules: tuple[str, ...]
    tests: tuple[str, ...]
    exclude: tuple[str, ...] = ()


# the rule tests, one file per family of checks (tests/test_rules_<family>.py)
RULES_TESTS = tuple(f"tests/test_rules_{family}.py" for family in (
    "fields", "references", "sections", "actions", "crossrecord", "reviews", "pack"))

GROUPS = (
    Group("checks", ("plugins/smsdocs/checks",),
          (*RULES_TESTS, "tests/test_verdicts.py", "tests/test_corpus.py"),
          exclude=("plugins/smsdocs/checks/doccontrol.py",)),
    Group("doccontrol", ("plugins/smsdocs/checks/doccontrol.py",),
          ("tests/test_git_review.py",)),
    Group("frontmatter-model", ("plugins/smsdocs/core/frontmatter.py",
                                "plugins/smsdocs/core/model.py",
                                "plugins/smsdocs/core/findings.py"),
          (*RULES_TESTS, "tests/test_property.py")),
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


def environment(copy: Path) -> dict[str, str]:
    # the copy's package comes before the editable install of the working tree
    return {**os.environ, "PYTHONPATH": str(copy / "plugins"), "PYTHONDONTWRITEBYTECODE": "1"}


def baseline(copy: Path, tests: set[str]) -> None:
    """The unmutated copy must pass the tests, or no mutant's result means anything."""
    proc = subprocess.run([*PYTEST.split(), *sorted(tests)], cwd=copy, env=environment(copy),
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


def _config(group: Group, timeout: float) -> str:
    modules = ", ".join(f'"{m}"' for m in group.modules)
    excluded = ", ".join(f'"{m}"' for m in group.exclude)
    command = f"{PYTEST} {' '.join(group.tests)}"
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


def run_group(copy: Path, group: Group, sample: float, seed: int, timeout: float
              ) -> tuple[int, int, list[str], float]:
    """Mutate one group with cosmic-ray; (killed, total, survivors, seconds)."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    config = copy / f"cosmic-ray-{group.name}.toml"
    session = copy / f"cosmic-ray-{group.name}.sqlite"
    config.write_text(_config(group, timeout), encoding="utf-8")
    cosmic = str(Path(sys.executable).parent / "cosmic-ray")
    env = environment(copy)
    subprocess.run([cosmic, "init", str(config), str(session)], cwd=copy, env=env, check=True)
    cache: dict[str, list] = {}
    with use_db(str(session), WorkDB.Mode.open) as db:
        equivalent = [i.job_id for i in db.pending_work_items
                      if all(_in_annotation(copy, m, cache) for m in i.mutations)]
        db.set_multiple_results(equivalent, WorkResult(
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
    start = time.perf_counter()
    subprocess.run([cosmic, "exec", str(config), str(session)], cwd=copy, env=env, check=True)
    seconds = time.perf_counter() - start
    killed = total = 0
    survivors: list[str] = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            total += 1
            if result.test_outcome == TestOutcome.SURVIVED:
                for m in item.mutations:
                    line = (copy / m.module_path).read_text(encoding="utf-8").split("\n")[
                        m.start_pos[0] - 1].strip()
                    survivors.append(f"{m.module_path}:{m.start_pos[0]} {m.operator_name}"
                                     f" #{m.occurrence}: {line[:90]}")
            else:  # killed, or incompetent (the mutant does not even import)
                killed += 1
    print(f"{group.name}: {len(equivalent)} mutants in type annotations left out (equivalent),"
          f" {total} of the other {len(items)} run")
    return killed, total, sorted(survivors), seconds


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
                  f"{name}")
        if args.named_only:
            return 0 if all(k for _, k, _ in named) else 1
        all_killed = all_total = 0
        for group in groups:
            killed, total, survivors, seconds = run_group(copy, group, args.sample,
                                                          args.seed, args.timeout)
            all_killed, all_total = all_killed + killed, all_total + total
            rate = killed / total if total else 1.0
            print(f"\n{group.name}: {killed}/{total} mutants killed ({rate:.1%}) in "
                  f"{seconds:.0f} s by {' '.join(group.tests)}")
            for line in survivors:
                print(f"  survived {line}")
        if all_total:
            print(f"\noverall: {all_killed}/{all_total} killed ({all_killed / all_total:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
