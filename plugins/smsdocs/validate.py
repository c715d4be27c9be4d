"""Validate an SMS repository: load once, run every check, return one list of findings."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .checks import actions, crossrecord, fields, outputs, references, reviews, sections
from .core import coverage as coverage_mod
from .core.config import CONFIG_NAMES, Config, as_of_date
from .core.context import Context
from .core.findings import Finding
from .core.loader import SourceFile, load_repository
from .core.model import ManagementReview, Repository
from .core.rulepack import RulePack


@dataclass
class Result:
    """What a validation run produced: the repository, its source files and the findings."""

    repo: Repository
    sources: list[SourceFile]
    findings: list[Finding]
    pack: RulePack
    as_of: dt.date
    coverage: coverage_mod.Coverage


Check = Callable[[Context, Repository, list[SourceFile]], None]


def validate(root: Path, config: Config, pack: RulePack | None = None,
             as_of: dt.date | None = None,
             extra_checks: Sequence[Check] = ()) -> Result:
    """Run the whole check over one repository.

    The cyclic garbage collector is paused meanwhile: validation builds one large graph
    that lives until the end, which the collector would otherwise rescan again and again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _validate(root, config, pack, as_of, extra_checks)
    finally:
        if enabled:
            gc.enable()


def _validate(root: Path, config: Config, pack: RulePack | None = None,
             as_of: dt.date | None = None, extra_checks: Sequence[Check] = ()) -> Result:
    """Load once, run every check, collect the findings.

    ``extra_checks`` run after the per-page checks with the same context (e.g. the
    document-control checks from git history that ``smsdocs check`` adds).
    """
    pack = pack or config.rule_pack()
    as_of = as_of_date(as_of, config.as_of)
    ctx = Context(pack=pack, as_of=as_of)
    repo, sources = load_repository(root, config.paths, ctx)
    references.check_duplicates(ctx, repo, {})
    families = repo.families()
    for source in sources:
        try:
            _check_source(ctx, repo, source, families)
        except Exception as exc:  # noqa: BLE001 - one broken file never stops the run
            ctx.report("check.crashed", source.path, 1, detail=f"{type(exc).__name__}: {exc}")
    reviews.check(ctx, repo)
    unwritten = {f.file for f in ctx.findings if f.rule == "content.placeholder"}
    coverage = coverage_mod.compute(repo, pack, config.justifications, unwritten)
    listed: dict[str, list[str]] = {}
    for record in repo.records:
        extra = record.data.get("provides")
        for key in extra if isinstance(extra, list) else []:
            listed.setdefault(str(key), []).append(record.path)
    crossrecord.check_coverage(ctx, coverage, _coverage_anchor(repo, config), listed)
    for extra in extra_checks:
        extra(ctx, repo, sources)
    findings = sorted(ctx.findings, key=Finding.sort_key)
    return Result(repo=repo, sources=sources, findings=findings, pack=pack, as_of=as_of,
                  coverage=coverage)


def _coverage_anchor(repo: Repository, config: Config) -> crossrecord.CoverageAnchor | None:
    """Where coverage gaps are reported: the configuration file (smsdocs.yml even when the
    repository has none yet, since that is where a justification would go); nowhere in a
    repository without documents or records."""
    if not repo.records:
        return None
    return crossrecord.CoverageAnchor(config.file or CONFIG_NAMES[0], config.lines)


def _check_source(ctx: Context, repo: Repository, source: SourceFile,
                  families: set[str]) -> None:
    record = source.record
    if record is not None:
        fields.check_record(ctx, record)
        sections.check_record(ctx, record)
        review = record if isinstance(record, ManagementReview) else None
        actions.check_record(ctx, record, review is not None and outputs.has_decisions(ctx, review))
        if review is not None:
            outputs.check_record(ctx, review)
        crossrecord.check_record(ctx, record)
    references.check_prose(ctx, repo, source.path, record, families, source.body)
