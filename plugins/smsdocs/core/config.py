"""An organisation's smsdocs.yml: which pack and profile, where the records are, rule tweaks."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from . import frontmatter
from .rulepack import DEFAULT_PACK, RulePack
from .rulepack import load as load_pack

CONFIG_NAMES = ("smsdocs.yml", "smsdocs.yaml")
KNOWN_KEYS = {"pack", "profile", "paths", "as_of", "rules", "types", "coverage", "lexicon",
              "top_management", "add_top_management"}


def as_of_date(given: object = None, configured: dt.date | None = None,
               environ: Mapping[str, str] | None = None) -> dt.date:
    """The date a run judges as of: the one given (--as-of, the plugin's option), else
    smsdocs.yml's ``as_of``, else SOURCE_DATE_EPOCH (a reproducible build's date), else today.

    Raises ConfigError for a given value or a SOURCE_DATE_EPOCH that is not a date.
    """
    if isinstance(given, dt.datetime):
        return given.date()
    if isinstance(given, dt.date):
        return given
    if isinstance(given, str) and given.strip():
        try:
            return dt.date.fromisoformat(given.strip())
        except ValueError:
            raise ConfigError(f"as_of: not a date YYYY-MM-DD: {given.strip()!r}") from None
    if configured is not None:
        return configured
    epoch = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH must be seconds since 1970: {epoch!r}"
                              ) from None
    return dt.date.today()


@dataclass
class Config:
    """Settings of one SMS repository (all optional; defaults need no file)."""

    root: Path
    pack: str = DEFAULT_PACK
    profile: str | None = None
    paths: list[str] = field(default_factory=lambda: ["docs", "records"])
    as_of: dt.date | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    justifications: dict[str, str] = field(default_factory=dict)
    file: str = ""
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    def rule_pack(self, profile: str | None = None) -> RulePack:
        """Load the configured pack with the organisation's overrides applied."""
        return load_pack(self.pack, profile or self.profile, self.overrides, self.file,
                         self.lines)


def load(root: Path, config_file: Path | None = None) -> Config:
    """Read smsdocs.yml from the root (or the given file); raise ConfigError with its line."""
    path = config_file
    if path is None:
        path = next((root / n for n in CONFIG_NAMES if (root / n).is_file()), None)
    config = Config(root=root)
    if path is None:
        return config
    shown = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration: {exc}", shown) from exc
    parsed = frontmatter.parse_yaml(text)
    if parsed.error:
        raise ConfigError(parsed.error, shown, parsed.error_line)
    data = parsed.data
    config.file, config.lines = shown, parsed.lines
    for key in data:
        if key not in KNOWN_KEYS:
            raise ConfigError(f"unknown key '{key}' (known: {', '.join(sorted(KNOWN_KEYS))})",
                            shown, parsed.lines.get((key,), 0))
    config.pack = str(data.get("pack", DEFAULT_PACK))
    config.profile = str(data["profile"]) if data.get("profile") is not None else None
    paths = data.get("paths", config.paths)
    if not (isinstance(paths, list) and all(isinstance(p, str) for p in paths)):
        raise ConfigError("'paths' must be a list of folders", shown,
                          parsed.lines.get(("paths",), 0))
    root_real = root.resolve()
    for index, entry in enumerate(paths):
        inside = not Path(entry).is_absolute() and (root / entry).resolve().is_relative_to(
            root_real) and ".." not in Path(entry).parts
        if not inside:
            raise ConfigError(f"'paths' entry {entry!r} is outside the repository: list folders "
                            "inside the repository, relative to its root",
                            shown, parsed.lines.get(("paths", index),
                                                    parsed.lines.get(("paths",), 0)))
    config.paths = paths
    if data.get("as_of") is not None:
        value = data["as_of"]
        if not isinstance(value, dt.date):
            raise ConfigError("'as_of' must be a date YYYY-MM-DD", shown,
                            parsed.lines.get(("as_of",), 0))
        config.as_of = value
    config.overrides = {k: data[k] for k in ("rules", "types", "lexicon", "top_management",
                                             "add_top_management") if k in data}
    coverage = data.get("coverage") or {}
    justifications = coverage.get("justifications", {}) if isinstance(coverage, dict) else None
    if not isinstance(justifications, dict):
        raise ConfigError("'coverage: justifications:' must map item keys to text", shown,
                        parsed.lines.get(("coverage",), 0))
    config.justifications = {str(k): str(v) for k, v in justifications.items()}
    return config
