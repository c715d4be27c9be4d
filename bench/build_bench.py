"""`mkdocs build` with smsdocs against a plain mkdocs-material build of the same pages.

(a) the synthetic repository (N records, each raising one action) built with the smsdocs
    plugin: validation, records mounted, action/clause pages and registers generated;
(b) a plain mkdocs-material build, without smsdocs, of a docs folder holding the same pages
    written out as plain Markdown: the records (with a field table standing in for the header
    card), one page per action, one per clause, and the registers as Markdown tables.
Both use the same theme, search plugin and a nav of the same few register pages.

Targets (MkDocs plugin issue): (a)/(b) <= 1.3 at N=1,000; time(N=2,000) <= 2.2 x time(N=1,000).
Usage: python bench/build_bench.py [--n 1000] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from smsdocs.core import config as config_mod  # noqa: E402
from smsdocs.handbook.graph import (  # noqa: E402
    ACTION_REGISTER,
    CLAUSE_INDEX,
    DOCUMENT_REGISTER,
    FINDINGS_PAGE,
    RECORD_REGISTER,
    build,
)
from smsdocs.run import run_check  # noqa: E402
from synth import generate  # noqa: E402

AS_OF = dt.date(2026, 11, 23)
THEME = "theme:\n  name: material\n  font: false\n"
SEARCH = "  - search:\n      separator: '[\\s,:!=\\[\\]()\"/]+|\\.(?!\\d)'\n"
REGISTERS = [ACTION_REGISTER, CLAUSE_INDEX, DOCUMENT_REGISTER, RECORD_REGISTER, FINDINGS_PAGE]


def with_plugin(root: Path) -> Path:
    (root / "mkdocs.yml").write_text(
        f"site_name: Bench\n{THEME}plugins:\n{SEARCH}  - smsdocs:\n      as_of: {AS_OF}\n",
        encoding="utf-8")
    return root


def cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def link(src: str, here: str, label: str) -> str:
    depth = here.count("/")
    return f"[{cell(label)}]({'../' * depth}{src})"


def plain_twin(source: Path, root: Path) -> Path:
    """The pages (a) renders, as a plain docs folder (no smsdocs at build time)."""
    result = run_check(source, as_of=AS_OF).result
    graph = build(result, lambda p: p if p.startswith("records/") else
                  (p[5:] if p.startswith("docs/") else None))
    docs = root / "docs"
    shutil.copytree(source / "docs", docs)
    pages: dict[str, str] = {}
    for record in graph.records:
        src = graph.record_src[record.id]
        text = (source / record.path).read_text(encoding="utf-8")
        head, _, body = text.partition("\n---\n")
        card = "| Field | Value |\n| --- | --- |\n" + "".join(
            f"| {k} | {cell(record.data.get(k, ''))} |\n"
            for k in ("id", "type", "owner", "status", "date", "chair", "clauses"))
        card += "\n| Action | Title | Owner | Target | Status |\n| --- | --- | --- | --- | --- |\n"
        card += "".join(f"| {link(graph.action_src[a.id], src, a.id)} | {cell(a.title)} | "
                        f"{cell(a.owner)} | {a.target_date} | {a.status} |\n"
                        for a in record.actions if a.id in graph.action_src)
        title, _, rest = body.partition("\n")
        pages[src] = f"{head}\n---\n{title}\n\n{card}\n{rest}"
    for action in graph.actions:
        src = graph.action_src[action.id]
        rows = "".join(f"| {k} | {cell(v)} |\n" for k, v in action.data.items())
        mentions = "".join(f"- {link(graph.page_src(p) or p, src, p)}\n"
                           for p in graph.mentions.get(action.id, []))
        pages[src] = (f"# {action.id} — {action.title}\n\n| Field | Value |\n| --- | --- |\n"
                      f"{rows}| Raised by | "
                      f"{link(graph.record_src[action.record.id], src, action.record.id)} |\n"
                      f"\n## Mentioned in\n\n{mentions or 'None.'}\n")
    action_rows = "".join(
        f"| {link(graph.action_src[a.id], 'actions/x', a.id)} | {cell(a.title)} | "
        f"{cell(a.owner)} | {a.target_date} | {a.status} | {a.overdue_days(AS_OF) or ''} |\n"
        for a in graph.actions)
    for node in graph.clauses.values():
        served = "".join(f"- {link(graph.record_src[r.id], node.src, r.id)} {cell(r.title)}\n"
                         for r in node.documents + node.records)
        acts = "".join(f"| {link(graph.action_src[a.id], node.src, a.id)} | {cell(a.title)} | "
                       f"{a.status} |\n" for a in node.actions)
        pages[node.src] = (f"# {node.label}\n\n{node.asks}\n\n## Served by\n\n{served}\n"
                           f"## Actions\n\n| Id | Title | Status |\n| --- | --- | --- |\n{acts}")
    pages[ACTION_REGISTER] = ("# Action register\n\n| Id | Title | Owner | Target | Status | "
                              "Overdue |\n| --- | --- | --- | --- | --- | --- |\n" + action_rows)
    pages[CLAUSE_INDEX] = "# Clause coverage\n\n| Clause | Records |\n| --- | --- |\n" + "".join(
        f"| {link(n.src, 'clauses/x', n.number)} | {len(n.records)} |\n"
        for n in graph.clauses.values())
    record_rows = "".join(f"| {link(graph.record_src[r.id], 'registers/x', r.id)} | "
                          f"{cell(r.title)} | {r.type} | {r.date} |\n" for r in graph.records)
    pages[RECORD_REGISTER] = ("# Record register\n\n| Id | Title | Type | Date |\n"
                              "| --- | --- | --- | --- |\n" + record_rows)
    pages[DOCUMENT_REGISTER] = "# Document register\n\nNone.\n"
    pages[FINDINGS_PAGE] = "# Findings\n\n" + "".join(
        f"- {f.file}:{f.line} `{f.rule}` {cell(f.message)}\n" for f in result.findings)
    for src, text in pages.items():
        path = docs / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    nav = "nav:\n  - index.md\n" + "".join(f"  - {src}\n" for src in REGISTERS)
    (root / "mkdocs.yml").write_text(
        f"site_name: Bench\n{THEME}plugins:\n{SEARCH}{nav}"
        "validation:\n  nav:\n    omitted_files: ignore\n", encoding="utf-8")
    return root


def mkdocs_build(root: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(root / "site")],
                   cwd=root, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def core_check(root: Path) -> float:
    config = config_mod.load(root)
    start = time.perf_counter()
    run_check(root, as_of=AS_OF, config=config)
    return time.perf_counter() - start


def pages_of(site: Path) -> int:
    return sum(1 for _ in site.rglob("index.html"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="records (default 1000)")
    parser.add_argument("--quick", action="store_true", help="N=100")
    args = parser.parse_args()
    n = 100 if args.quick else args.n
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        a1 = with_plugin(generate(base / "a1", n))
        a2 = with_plugin(generate(base / "a2", 2 * n))
        b1 = plain_twin(a1, base / "b1")
        mkdocs_build(with_plugin(generate(base / "warm", 20)))  # warm imports and caches
        time_b1 = mkdocs_build(b1)
        time_a1 = mkdocs_build(a1)
        time_a2 = mkdocs_build(a2)
        core1, core2 = core_check(a1), core_check(a2)
        pages_a, pages_b = pages_of(a1 / "site"), pages_of(b1 / "site")
        print(f"N={n}: (a) mkdocs build with smsdocs {time_a1:.2f} s ({pages_a} pages); "
              f"(b) plain mkdocs-material {time_b1:.2f} s ({pages_b} pages)")
        print(f"(a)/(b) at N={n}: {time_a1 / time_b1:.2f} (target <= 1.3)")
        print(f"N={2 * n}: (a) {time_a2:.2f} s; time(N={2 * n})/time(N={n}): "
              f"{time_a2 / time_a1:.2f} (target <= 2.2)")
        print(f"of which the core validation (smsdocs check, in process): {core1:.2f} s at "
              f"N={n}, {core2:.2f} s at N={2 * n}; without it (a)/(b) "
              f"{(time_a1 - core1) / time_b1:.2f}, "
              f"scaling {(time_a2 - core2) / (time_a1 - core1):.2f}")


if __name__ == "__main__":
    main()
