"""engine.plugin-missing: the site configuration would build the handbook without the smsdocs
plugin (a ``zensical.toml`` beside ``mkdocs.yml``, or a ``mkdocs.yml`` whose plugins leave
smsdocs out). One finding per run at most; no configuration, no finding."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..core import engine_config
from ..core.context import Context
from ..core.loader import SourceFile
from ..core.model import Repository

RULE = "engine.plugin-missing"
CONFIGS = ("mkdocs.yml", "properdocs.yml")
_PLUGINS_KEY = re.compile(r"^plugins\s*:", re.MULTILINE)


def check(ctx: Context, repo: Repository, sources: list[SourceFile]) -> None:
    """Report once when the repository's site would be built without the plugin."""
    found = problem(Path(repo.root))
    if found is not None:
        file, line, why = found
        ctx.report(RULE, file, line, why=why)


def problem(root: Path) -> tuple[str, int, str] | None:
    """(file, line, why) of the first reason the site would lack the plugin, or None."""
    if (root / "zensical.toml").is_file():
        return ("zensical.toml", 1,
                "zensical.toml: Zensical reads this site's configuration but runs no MkDocs "
                "plugin")
    for name in CONFIGS:
        path = root / name
        if not path.is_file():
            continue
        try:
            config = engine_config.load(path)
        except (OSError, yaml.YAMLError, ValueError):
            return None  # the engine reports a broken configuration itself
        if engine_config.PLUGIN in engine_config.plugins(config):
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
        match = _PLUGINS_KEY.search(text)
        line = text.count("\n", 0, match.start()) + 1 if match else 1
        return (name, line, f"{name} does not list 'smsdocs' under 'plugins:'")
    return None
