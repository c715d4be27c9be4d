"""The package layout is the design: layers import only downwards, no module circle, and
MkDocs is imported by ``mkdocs_plugin/`` alone (the CLI runs with MkDocs blocked)."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "plugins" / "smsdocs"
ROOT = PACKAGE.parent.parent
ENGINES = ("mkdocs", "properdocs", "material")

# Lowest first; a module may import its own layer or a lower one. Top-level modules are
# named by themselves, packages by their folder.
LAYERS = [
    {"smsdocs.version", "smsdocs.errors"},
    {"smsdocs.core"},
    {"smsdocs.git"},
    {"smsdocs.checks"},
    {"smsdocs.validate", "smsdocs.run", "smsdocs.explain", "smsdocs.engine", "smsdocs.reports"},
    {"smsdocs.review", "smsdocs.authoring"},
    {"smsdocs.handbook"},
    {"smsdocs.edition"},
    {"smsdocs.mkdocs_plugin", "smsdocs.cli", "smsdocs.__main__"},
    {"smsdocs"},  # the public face (__init__.py) names what lies below, loaded on first use
]
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def unit(module: str) -> str:
    """The layer unit of a module: its package below smsdocs, or the top-level module."""
    parts = module.split(".")
    return ".".join(parts[:2])


def _runtime_nodes(tree: ast.AST):
    """Every node outside ``if TYPE_CHECKING:`` blocks (annotations only, not run)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imports(module: str, path: Path, known: set[str]) -> set[str]:
    """The smsdocs modules and the top-level foreign names ``module`` imports when run."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = {f"{target}.{a.name}" for a in node.names} & known
            found.update(submodules)
            if len(submodules) < len(node.names):  # names defined in ``target`` itself
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports(name, path, known) for name, path in mods.items()}


def test_every_unit_has_a_layer():
    assert {unit(m) for m in modules()} <= set(RANK)


def test_layers_import_only_downwards():
    upward = [f"{m} imports {t}" for m, targets in graph().items() for t in targets
              if t.split(".")[0] == "smsdocs" and RANK[unit(t)] > RANK[unit(m)]]
    assert upward == []


def test_core_imports_nothing_of_checks_handbook_or_mkdocs():
    bad = [f"{m} imports {t}" for m, targets in graph().items() if unit(m) == "smsdocs.core"
           for t in targets if t.split(".")[0] in ENGINES
           or unit(t) in ("smsdocs.checks", "smsdocs.handbook", "smsdocs.mkdocs_plugin")]
    assert bad == []


def test_no_import_circle():
    """No module reaches itself through imports that run (lazy ones included). Imports
    under ``if TYPE_CHECKING:`` only annotate and are left out: handbook/render, pages and
    export still name each other there."""
    edges = {m: {t for t in ts if t in g} for g in [graph()] for m, ts in g.items()}
    done: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        for nxt in sorted(edges[node]):
            if nxt in trail:
                circles.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in done:
                visit(nxt, trail + [nxt])
        done.add(node)

    for start in sorted(edges):
        if start not in done:
            visit(start, [start])
    assert circles == []


def test_only_mkdocs_plugin_imports_mkdocs():
    bad = [f"{m} imports {t}" for m, targets in graph().items()
           if unit(m) != "smsdocs.mkdocs_plugin"
           for t in targets if t.split(".")[0] in ENGINES]
    assert bad == []


BLOCKED = textwrap.dedent("""
    import importlib, pkgutil, sys

    class Blocked:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {engines!r}:
                raise ImportError(f"blocked: {{name}}")
            return None

    sys.meta_path.insert(0, Blocked())
    import smsdocs
    for info in pkgutil.walk_packages(smsdocs.__path__, "smsdocs."):
        if not info.name.startswith(("smsdocs.mkdocs_plugin", "smsdocs.__main__")):
            importlib.import_module(info.name)
    from smsdocs.cli import main
    codes = [main(["check", {root!r}, "--as-of", "2026-11-23", "--format", "json"]),
             main(["coverage", {root!r}, "--format", "json"]),
             main(["rules", {root!r}]),
             main(["review", "prepare", {root!r}, "--as-of", "2026-11-23"]),
             main(["explain", {root!r} + "/records/management-reviews/MR-2026-02.md"])]
    assert not any(m.split(".")[0] in {engines!r} for m in sys.modules), "an engine was loaded"
    print("exit", max(codes))
""")


@pytest.mark.slow
def test_cli_path_runs_with_mkdocs_blocked():
    script = BLOCKED.format(engines=set(ENGINES), root=str(ROOT))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.rstrip().endswith("exit 0"), run.stdout[-500:]


def test_the_public_face_names_what_it_promises_and_loads_it_on_first_use():
    script = textwrap.dedent("""
        import sys, smsdocs
        assert "smsdocs.run" not in sys.modules, "import smsdocs loaded the checks"
        names = {name: getattr(smsdocs, name) for name in smsdocs.__all__}
        from smsdocs.run import run_check
        from smsdocs.core.findings import Finding
        assert names["check"] is run_check and names["Finding"] is Finding
        try:
            smsdocs.no_such_name
        except AttributeError:
            print("ok")
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120)
    assert run.stdout.strip() == "ok", run.stderr[-2000:]
