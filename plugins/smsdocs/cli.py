"""The smsdocs command line: the gate of record for pull requests."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__, output
from . import config as config_mod
from .rulepack import PackError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smsdocs", description="Validate and publish an ISO/IEC 20000-1 SMS kept as Markdown.")
    parser.add_argument("--version", action="version", version=f"smsdocs {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser("check", help="validate every document and record")
    check.add_argument("root", nargs="?", default=".", help="repository root (default: .)")
    check.add_argument("--format", choices=output.FORMATS, default="text")
    check.add_argument("--as-of", type=_date, help="date for overdue and review checks")
    check.add_argument("--profile", choices=("2018", "2011"), help="edition wording to check")
    check.add_argument("--config", type=Path, help="configuration file (default: ROOT/smsdocs.yml)")
    cover = commands.add_parser(
        "coverage", help="required documented information and what provides it")
    cover.add_argument("root", nargs="?", default=".")
    cover.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    cover.add_argument("--profile", choices=("2018", "2011"))
    cover.add_argument("--config", type=Path)
    cover.add_argument("--strict", action="store_true", help="exit 1 when there is a gap")
    new = commands.add_parser("new", help="scaffold a new document or record from the pack")
    new.add_argument("type", help="management-review, action, nonconformity, internal-audit, "
                                  "policy, procedure (or any type of the pack)")
    new.add_argument("--title")
    new.add_argument("--root", default=".", help="repository root (default: .)")
    new.add_argument("--date", type=_date, help="record date (default: today)")
    new.add_argument("--out", type=Path, help="file to write (default: next to its peers)")
    new.add_argument("--in", dest="record", help="for 'action': the record that raises it")
    rules = commands.add_parser("rules", help="list every rule of the pack")
    rules.add_argument("root", nargs="?", default=".")
    rules.add_argument("--profile", choices=("2018", "2011"))
    rules.add_argument("--config", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "coverage":
            return _coverage(args)
        if args.command == "new":
            return _new(args)
        return _rules(args)
    except PackError as exc:
        print(f"smsdocs: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. piped into head
        return EXIT_OK


def _root(args: argparse.Namespace) -> Path:
    root = Path(args.root).resolve()
    if not root.is_dir():
        raise PackError(f"not a folder: {args.root}")
    return root


def _check(args: argparse.Namespace) -> int:
    from .validate import validate

    root = _root(args)
    config = config_mod.load(root, args.config)
    pack = config.rule_pack(args.profile)
    result = validate(root, config, pack, args.as_of)
    totals = output.summary(result.findings, len(result.repo.files), len(result.repo.records),
                            sum(len(r.actions) for r in result.repo.records))
    if args.format == "text":
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        print(output.render_text(result.findings, totals, colour))
    else:
        print(output.RENDERERS[args.format](result.findings, totals))
    return EXIT_FINDINGS if totals["errors"] else EXIT_OK


def _coverage(args: argparse.Namespace) -> int:
    from .coverage_report import render
    from .validate import validate

    root = _root(args)
    config = config_mod.load(root, args.config)
    result = validate(root, config, config.rule_pack(args.profile))
    print(render(result.coverage, args.format))
    return EXIT_FINDINGS if args.strict and result.coverage.gaps() else EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from . import scaffold
    from .validate import validate

    root = Path(args.root).resolve()
    if not root.is_dir():
        raise PackError(f"not a folder: {args.root}")
    config = config_mod.load(root)
    pack = config.rule_pack()
    repo = validate(root, config, pack).repo
    date = args.date or dt.date.today()
    try:
        if args.type == "action":
            action_id, entry = scaffold.action_snippet(repo, pack, args.record, args.title, date)
            print(f"# next free action id: {action_id}; add under 'actions:' of "
                  f"{args.record or 'the record that raises it'}:\n{entry}")
            return EXIT_OK
        out = args.out if args.out is None or args.out.is_absolute() else Path.cwd() / args.out
        made = scaffold.build(repo, pack, args.type, args.title, date, root, out)
        scaffold.write_new(made.path, made.text)
    except scaffold.ScaffoldError as exc:
        print(f"smsdocs: {exc}", file=sys.stderr)
        return EXIT_USAGE
    shown = made.path.relative_to(root) if made.path.is_relative_to(root) else made.path
    print(f"created {shown} ({made.id}); fill every [describe: …] prompt, then run smsdocs check")
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    root = _root(args)
    pack = config_mod.load(root, args.config).rule_pack(args.profile)
    print(f"{pack.name} v{pack.version}, profile {pack.profile}: {len(pack.rules)} rules")
    for rule in sorted(pack.rules.values(), key=lambda r: r.id):
        state = " (disabled)" if rule.id in pack.disabled else ""
        print(f"{rule.id:<40} {rule.severity:<8} {rule.clause:<7} {rule.description}{state}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
