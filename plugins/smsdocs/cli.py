"""The smsdocs command line: the gate of record for pull requests."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .core import config as config_mod
from .errors import ConfigError, EvidencePackError, UsageError
from .reports import output
from .reports.text import plain, render_text
from .version import __version__

if TYPE_CHECKING:
    from .run import Run

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
    check.add_argument("--base", metavar="REF",
                       help="pull-request mode: report findings in files changed since the "
                            "merge-base with REF (and those the change caused elsewhere), and "
                            "summarise what the change does to the SMS")
    check.add_argument("--summary", type=Path, metavar="FILE",
                       help="append a Markdown report to FILE (e.g. \"$GITHUB_STEP_SUMMARY\")")
    check.add_argument("--baseline", type=Path, metavar="FILE",
                       help="fail only on findings that are not in this baseline file "
                            "(written by 'smsdocs baseline')")
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
    base = commands.add_parser("baseline", help="record the current findings in a baseline file")
    base.add_argument("root", nargs="?", default=".", help="repository root (default: .)")
    base.add_argument("--out", type=Path, metavar="FILE",
                      help="baseline file to write (default: ROOT/.smsdocs-baseline.json)")
    base.add_argument("--as-of", type=_date, help="date for overdue and review checks")
    base.add_argument("--profile", choices=("2018", "2011"), help="edition wording to check")
    base.add_argument("--config", type=Path, help="configuration file")
    review = commands.add_parser("review", help="management review tools")
    review_cmds = review.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    prepare = review_cmds.add_parser("prepare", help="the input pack for the next review")
    prepare.add_argument("root", nargs="?", default=".")
    prepare.add_argument("--format", choices=("markdown", "json"), default="markdown")
    prepare.add_argument("--as-of", type=_date, help="date of the coming review (default: today)")
    export = commands.add_parser("export", help="export a record for another tool")
    export.add_argument("kind", choices=("review",))
    export.add_argument("id", help="the review's id")
    export.add_argument("--root", default=".")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    imp = commands.add_parser("import", help="import a record from another tool")
    imp.add_argument("kind", choices=("review",))
    imp.add_argument("file", type=Path, help="a management-review.json")
    imp.add_argument("--root", default=".")
    imp.add_argument("--out", type=Path, help="file to write (default: next to other reviews)")
    init = commands.add_parser("init", help="create a new SMS repository from templates")
    init.add_argument("dir", nargs="?", default=".", help="folder to create (default: .)")
    init.add_argument("--org", required=True, help="the organisation's name")
    init.add_argument("--services", default="", help="services in scope, comma-separated")
    init.add_argument("--profile", choices=("2018", "2011"), default="2018")
    init.add_argument("--force", action="store_true",
                      help="add the missing files to a non-empty folder (never overwrites)")
    explain = commands.add_parser(
        "explain", help="why each required section of a file is (not) recognised")
    explain.add_argument("file", type=Path, help="a document or record")
    explain.add_argument("--rule", metavar="ID", help="only this section rule")
    explain.add_argument("--format", choices=("text", "json"), default="text")
    explain.add_argument("--root", type=Path,
                         help="repository root (default: the nearest folder above FILE with "
                              "smsdocs.yml, mkdocs.yml or .git)")
    explain.add_argument("--profile", choices=("2018", "2011"))
    explain.add_argument("--config", type=Path)
    init.add_argument("--requirement", metavar="SPEC",
                      help="the requirements.txt line CI installs smsdocs with (default: "
                           "where this smsdocs was installed from, e.g. smsdocs==VERSION)")
    init.add_argument("--no-git", action="store_true",
                      help="do not run git init nor make the first commit")
    rules = commands.add_parser("rules", help="list every rule of the pack")
    rules.add_argument("root", nargs="?", default=".")
    rules.add_argument("--profile", choices=("2018", "2011"))
    rules.add_argument("--config", type=Path)
    evidence = commands.add_parser(
        "pack", help="the auditor evidence pack: site, sms.json, coverage and a manifest")
    evidence.add_argument("root", nargs="?", default=".", help="repository root (default: .)")
    evidence.add_argument("--out", type=Path, metavar="FILE",
                          help="zip to write (default: ROOT/evidence-pack.zip)")
    evidence.add_argument("--verify", type=Path, metavar="FILE",
                          help="check a pack against its manifest (exit 1 when it differs)")
    evidence.add_argument("--sign", metavar="KEY",
                          help="sign the manifest with this SSH private key (ssh-keygen -Y sign)")
    evidence.add_argument("--key", metavar="PUBKEY",
                          help="with --verify: require a valid signature by this SSH public key")
    evidence.add_argument("--source", metavar="REPO",
                          help="with --verify: require the manifest's commit and tree in REPO")
    evidence.add_argument("--mkdocs-config", default="mkdocs.auditor.yml", metavar="FILE",
                          help="MkDocs config of the auditor site, relative to ROOT "
                               "(default: mkdocs.auditor.yml)")
    evidence.add_argument("--engine", choices=("properdocs", "mkdocs"),
                          help="site generator of the build (default: ProperDocs when "
                               "installed, else MkDocs)")
    render = commands.add_parser(
        "render", help="the handbook as plain Markdown for an engine without plugins")
    render.add_argument("root", nargs="?", default=".", help="repository root (default: .)")
    render.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="folder to write (new, empty, or made by an earlier render)")
    render.add_argument("--edition", choices=("internal", "auditor"),
                        help="edition (default: the plugin's audience in the config)")
    render.add_argument("--config", type=Path, metavar="FILE",
                        help="engine config, relative to ROOT (default: mkdocs.yml, or "
                             "mkdocs.auditor.yml for --edition auditor)")
    render.add_argument("--as-of", type=_date, help="date for overdue and review states")
    site = commands.add_parser(
        "verify-site", help="check a built site against the repository: exit 1 on any leak")
    site.add_argument("dir", type=Path, help="the built site (e.g. site-auditor)")
    site.add_argument("--edition", choices=("auditor",), default="auditor")
    site.add_argument("--root", default=".", help="repository root (default: .)")
    site.add_argument("--mkdocs-config", default="mkdocs.auditor.yml", metavar="FILE",
                      help="MkDocs config the site was built from, relative to ROOT (for "
                           "internal_fields and docs_dir; default: mkdocs.auditor.yml)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 prints escaped
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "baseline":
            return _baseline(args)
        if args.command == "coverage":
            return _coverage(args)
        if args.command == "new":
            return _new(args)
        if args.command == "init":
            return _init(args)
        if args.command == "explain":
            return _explain(args)
        if args.command in ("review", "export", "import"):
            return _review_tools(args)
        if args.command == "render":
            from .edition.plain_markdown import run as run_render

            return run_render(args)
        if args.command == "verify-site":
            return _verify_site(args)
        if args.command == "pack":
            from .edition.evidence_pack import run as run_pack

            return run_pack(args)
        return _rules(args)
    except ConfigError as exc:
        print(f"smsdocs: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:  # not a folder, a file exists, unreadable input
        print(f"smsdocs: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except EvidencePackError as exc:  # the pack's build failed or showed a leak
        print(f"smsdocs: {exc}", file=sys.stderr)
        return EXIT_FINDINGS
    except BrokenPipeError:  # e.g. piped into head
        return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    from .explain import explain, render_text

    path = args.file
    if not path.is_file():
        raise UsageError(f"not a file: {path}")
    root = (args.root or _repository_of(path)).resolve()
    config = config_mod.load(root, args.config)
    result = explain(root, path, config.rule_pack(args.profile), args.rule, config.as_of)
    if args.format == "json":
        print(json.dumps(result.as_json(), indent=2))
    else:
        print(render_text(result))
    return EXIT_USAGE if result.problems and not result.rules else EXIT_OK


def _repository_of(path: Path) -> Path:
    """The nearest folder above a file that holds smsdocs.yml, mkdocs.yml or .git."""
    for folder in path.resolve().parents:
        if any((folder / marker).exists() for marker in (*config_mod.CONFIG_NAMES,
                                                          "mkdocs.yml", ".git", "records")):
            return folder
    return path.resolve().parent


def _folder(given: str | Path) -> Path:
    """A folder the user named, resolved; UsageError when it is not a folder."""
    folder = Path(given).resolve()
    if not folder.is_dir():
        raise UsageError(f"not a folder: {given}")
    return folder


def _root(args: argparse.Namespace) -> Path:
    return _folder(args.root)


def _gate(args: argparse.Namespace) -> Run:
    """Run the full check, with the document-control checks when ROOT is in git."""
    from .run import run_check

    return run_check(_root(args), args.config, args.profile, args.as_of, gate=True)


def _verify_site(args: argparse.Namespace) -> int:
    """`smsdocs verify-site DIR --edition auditor`: every leak, exit 1; none, exit 0."""
    from .edition.verify_site import verify

    root = _folder(args.root)
    _folder(args.dir)
    leaks = verify(args.dir, root, config_mod.load(root), args.mkdocs_config)
    for leak in leaks:
        print(f"{plain(str(args.dir))}/{plain(leak)}"
              if not leak.startswith("the site") else plain(leak))
    if leaks:
        print(f"smsdocs: {len(leaks)} leak(s): the site shows what the {args.edition} edition "
              "must not", file=sys.stderr)
        return EXIT_FINDINGS
    print(f"{args.dir}: ok, nothing internal found in the {args.edition} edition")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from .git import changes
    from .reports import baseline as baseline_mod
    from .reports.report import Report
    from .reports.summary import render_markdown

    run = _gate(args)
    root, config, result, history = run.root, run.config, run.result, run.history
    findings, summary, changed = result.findings, None, None
    if args.base:
        if history is None:
            from .git.history import GitRepo

            why = GitRepo.problem(root)
            raise UsageError(f"--base needs {root} to be inside a git work tree"
                            + (f" ({why})" if why else ""))
        changed = changes.changed_files(history.repo, args.base, config.paths, config.file)
        known = changes.base_ids(result.repo, changed, history)
        findings, hidden = changes.in_scope(findings, result.repo, changed, known)
        summary = changes.summarize(result.repo, changed, history, result.pack)
        summary.out_of_scope = hidden
    suppressed = 0
    if args.baseline:
        findings, suppressed = baseline_mod.apply(findings, baseline_mod.load(args.baseline))
    repo = history.repo if history is not None else None
    report = Report.of(result, findings, changes=summary,
                       files=None if changed is None else set(result.repo.files) & changed.paths,
                       uri_prefix=repo.prefix if repo else "",
                       source_root=repo.top if repo else root)
    note = (f"{suppressed} baselined finding(s) suppressed ({args.baseline})"
            if args.baseline else "")
    if args.format == "text":
        print(render_text(report, sys.stdout.isatty() and "NO_COLOR" not in os.environ))
        if note:
            print(note)
    else:
        print(output.render(report, args.format))
        if note:
            print(f"smsdocs: {note}", file=sys.stderr)
    if args.summary:
        with args.summary.open("a", encoding="utf-8") as handle:
            handle.write(render_markdown(report) + (f"\n{note}.\n" if note else ""))
    return EXIT_FINDINGS if report.totals.errors else EXIT_OK


def _baseline(args: argparse.Namespace) -> int:
    from .reports import baseline as baseline_mod

    run = _gate(args)
    out = args.out or run.root / baseline_mod.DEFAULT_FILE
    baseline_mod.write(out, run.result.findings)
    print(f"smsdocs: wrote {len(run.result.findings)} finding(s) to {out}")
    return EXIT_OK


def _coverage(args: argparse.Namespace) -> int:
    from .reports.coverage_report import render
    from .reports.report import Report
    from .run import run_check

    result = run_check(_root(args), args.config, args.profile).result
    print(render(Report.of(result), args.format))
    return EXIT_FINDINGS if args.strict and result.coverage.gaps() else EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from .authoring import scaffold
    from .core import writer
    from .run import run_check

    root = _folder(args.root)
    config = config_mod.load(root)
    pack = config.rule_pack()
    date = args.date or dt.date.today()
    if args.type == "action":
        repo = run_check(root, config=config, pack=pack).result.repo
        action_id, entry = scaffold.action_snippet(repo, pack, args.record, args.title, date)
        print(f"# next free action id: {action_id}; add under 'actions:' of "
              f"{args.record or 'the record that raises it'}:\n{entry}")
        return EXIT_OK
    out = args.out if args.out is None or args.out.is_absolute() else Path.cwd() / args.out
    # Concurrent runs take turns (lock on the root), and each reads the repository after
    # the previous one wrote: no two runs hand out the same id. Without --out the file is
    # named by its id, so a name taken by someone who did not lock moves to the next id.
    with writer.locked(root):
        repo = run_check(root, config=config, pack=pack).result.repo
        taken: set[str] = set()
        for _attempt in range(50):
            made = scaffold.build(repo, pack, args.type, args.title, date, root, out, taken)
            try:
                scaffold.write_new(made.path, made.text)
                break
            except writer.WriteError:
                if out is not None or made.path.is_symlink():
                    raise
                taken.add(made.id)
        else:  # pragma: no cover - fifty names taken by files that hold other ids
            raise UsageError(f"no free file name for a new {args.type} in {made.path.parent}")
    shown = made.path.relative_to(root) if made.path.is_relative_to(root) else made.path
    print(f"created {shown} ({made.id}); fill every [describe: …] prompt, then run smsdocs check")
    return EXIT_OK


def _review_tools(args: argparse.Namespace) -> int:
    import json

    from .core import writer
    from .core.model import ManagementReview
    from .review import inputpack, interchange
    from .run import run_check

    root = _folder(args.root)
    config = config_mod.load(root)
    pack = config.rule_pack()
    if args.command == "review":
        result = run_check(root, as_of=args.as_of, config=config, pack=pack).result
        pack_ = inputpack.compile_pack(result.repo, result.as_of)
        render = inputpack.render_json if args.format == "json" else inputpack.render_markdown
        print(render(pack_))
        return EXIT_OK
    if args.command == "export":
        record = run_check(root, config=config, pack=pack).result.repo.by_id.get(args.id)
        if not isinstance(record, ManagementReview):
            raise UsageError(f"no management review with id {args.id}")
        text = json.dumps(interchange.export_review(record, pack), indent=2, ensure_ascii=False)
        if args.out:
            writer.create(args.out, text + "\n")
        else:
            print(text)
        return EXIT_OK
    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot import {args.file}: {exc}") from exc
    with writer.locked(root):  # the id is allocated and its file written in one turn
        repo = run_check(root, config=config, pack=pack).result.repo
        try:
            record_id, text = interchange.import_review(data, repo, pack)
        except interchange.InterchangeError as exc:
            raise UsageError(f"cannot import {args.file}: {exc}") from exc
        target = args.out or (root / "records" / "management-reviews" /
                              f"{record_id.lower()}.md")
        writer.create(target, text)
    ignored = interchange.ignored_fields(data)
    if ignored:
        print(f"smsdocs: ignored field(s) smsdocs does not know: {', '.join(ignored)}",
              file=sys.stderr)
    print(f"created {target} ({record_id})")
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from .authoring import init as init_mod
    from .authoring import install_source
    from .core.rulepack import load as load_pack

    target = Path(args.dir).resolve()
    services = [s.strip() for s in args.services.split(",") if s.strip()]
    if args.requirement:
        source = install_source.Requirement(args.requirement, "as --requirement says")
    else:
        found = install_source.detect()
        source = install_source.Requirement(install_source.with_properdocs(found.spec),
                                            found.origin, found.note)
    plan = init_mod.plan_files(load_pack(profile=args.profile), args.org, services,
                               args.profile, source.spec)
    written = init_mod.write(target, plan, args.force)
    prompts = init_mod.record_baseline(target, args.profile)
    git = "no git repository (--no-git)" if args.no_git else init_mod.start_git(target)
    shown = os.path.relpath(target) if target.is_relative_to(Path.cwd()) else str(target)
    baseline = (f"{init_mod.BASELINE_FILE} records its {prompts} template prompt(s)"
                if prompts is not None else f"{init_mod.BASELINE_FILE} kept as it was")
    where = f"; {source.note}" if source.note else ""
    print(f"created {len(written)} file(s) in {shown}: {git}.\n"
          f"requirements.txt installs {source.spec}, {source.origin}{where}.\n"
          f"{baseline}, so CI fails only on what a change adds.\n"
          f"next: cd {shlex.quote(shown)} && smsdocs check --baseline {init_mod.BASELINE_FILE}"
          f" && mkdocs serve\n"
          "then write a template on a branch, commit, push, and open a pull request; "
          "run smsdocs baseline after each finished template.")
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
