"""The one path from a repository to its findings: configuration, rule pack, validation and,
for the gate, the engine check and the document-control checks when the repository is in git.
Every entry point (CLI, plugin, render, evidence pack, init, benches) runs a check through it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .checks import doccontrol, engine
from .core import config as config_mod
from .core.config import Config
from .core.rulepack import RulePack
from .git.history import RepositoryHistory
from .validate import Check, Result, validate


@dataclass
class Run:
    """One check of one repository: where, with which configuration, what it found."""

    root: Path
    config: Config
    result: Result
    history: RepositoryHistory | None


def run_check(root: Path, config_file: Path | None = None, profile: str | None = None,
              as_of: dt.date | None = None, *, gate: bool = False,
              config: Config | None = None, pack: RulePack | None = None) -> Run:
    """Check ``root``: load its configuration (unless given), build the rule pack (unless
    given; ``profile`` overrides the configured one), validate as of ``as_of`` (else the
    configured date, else today).

    ``gate=True`` is `smsdocs check`: the engine check runs too, and the document-control
    checks read the git history when ``root`` is in a git work tree.
    """
    config = config if config is not None else config_mod.load(root, config_file)
    pack = pack if pack is not None else config.rule_pack(profile)
    history = None
    extra: list[Check] = []
    if gate:
        history = RepositoryHistory.open(root, config.paths)
        extra = [engine.check] + ([doccontrol.checker(history)] if history is not None else [])
    return Run(root, config, validate(root, config, pack, as_of, extra_checks=extra), history)
