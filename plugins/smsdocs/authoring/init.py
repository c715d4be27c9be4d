"""`smsdocs init`: a new SMS repository with every required document as a guided template.

Each template is generated from the pack: the front matter its type needs and one heading
per required section, with a prompt that says what an auditor expects there and which clause
asks for it. `smsdocs check` keeps flagging the prompts (content.placeholder) until they
are written; `smsdocs coverage` shows each item as "template, not yet written".
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ..core.rulepack import RulePack
from ..errors import UsageError
from ..git.history import run_git
from ..version import __version__
from .install_source import with_properdocs
from .scaffold import PROMPT, next_id, sections_for, write_new, yaml_text

# Document templates, in the order a new SMS is usually written: (type, file, title).
DOCUMENTS = [
    ("scope", "docs/sms/scope.md", "Scope of the service management system"),
    ("service-management-policy", "docs/sms/policy.md", "Service management policy"),
    ("objectives", "docs/sms/objectives.md", "Service management objectives"),
    ("risk-register", "docs/sms/risks.md", "Risks and opportunities"),
    ("plan", "docs/sms/plan.md", "Service management plan"),
    ("records-register", "docs/sms/records.md", "Register of records"),
    ("service-catalogue", "docs/services/catalogue.md", "Service catalogue"),
    ("service-requirements", "docs/services/requirements.md", "Service requirements"),
    ("sla", "docs/services/sla.md", "Service level agreement"),
    ("supplier-contract", "docs/services/supplier-contracts.md", "External supplier contracts"),
    ("internal-agreement", "docs/services/internal-agreements.md",
     "Agreements with internal suppliers"),
    ("configuration-information", "docs/processes/configuration.md",
     "Configuration management information"),
    ("capacity-plan", "docs/processes/capacity-plan.md", "Capacity plan"),
    ("change-management-policy", "docs/processes/change-policy.md", "Change management policy"),
    ("availability-requirements", "docs/processes/availability.md",
     "Service availability requirements"),
    ("service-continuity-plan", "docs/processes/continuity-plan.md", "Service continuity plan"),
    ("information-security-policy", "docs/processes/information-security-policy.md",
     "Information security policy"),
    ("procedure", "docs/processes/major-incident-procedure.md", "Major incident procedure"),
    ("audit-programme", "docs/improvement/audit-programme.md", "Internal audit programme"),
    ("improvement-register", "docs/improvement/improvement-register.md", "Improvement register"),
]
EXTRA_PROVIDES = {
    "docs/processes/major-incident-procedure.md": ["major-incident-procedure"],
    "docs/sms/plan.md": ["other-party-scope-list"],
    "docs/services/catalogue.md": ["customer-and-user-register"],
    "docs/services/requirements.md": ["service-design"],
}
RECORD_FOLDERS = {
    "records/management-reviews": "Management review records (9.3). Create one with "
                                  "`smsdocs new management-review`.",
    "records/audits": "Internal audit reports (9.2). Create one with "
                      "`smsdocs new internal-audit`.",
    "records/nonconformities": "Nonconformities and their corrective actions (10.1). Create "
                               "one with `smsdocs new nonconformity`.",
    "records/service-reports": "Service reports (9.4), one per reporting period.",
}


BASELINE_FILE = ".smsdocs-baseline.json"


class InitError(UsageError):
    """The target cannot be initialised (not empty, not a folder)."""


@dataclass
class Plan:
    """The files `init` will write, in order."""

    files: dict[str, str] = field(default_factory=dict)


def _front(doc_id: str, record_type: str, title: str, clauses: list[str],
           extra: list[str]) -> list[str]:
    quoted = ", ".join(f'"{c}"' for c in clauses)
    return ["---", f"id: {doc_id}", f"type: {record_type}", f"title: {yaml_text(title)}",
            'owner: "[insert owner]"', "status: draft", 'version: "0.1"',
            f"clauses: [{quoted}]", *extra, "---", ""]


def _services_block(services: list[str]) -> list[str]:
    return [f"- {s}" for s in services] + [""] if services else []


def plan_files(pack: RulePack, org: str, services: list[str], profile: str,
               requirement: str | None = None) -> Plan:
    """Compose every file of a new repository (nothing written yet); `requirement` is the
    requirements.txt line that installs smsdocs in CI (default: this version, pinned)."""
    plan = Plan()
    ids: set[str] = set()
    record_keys = [str(r["key"]) for c in pack.clauses.values() for r in c.requires
                   if r.get("kind") == "record" and not r.get("rollup")]
    for record_type, path, title in DOCUMENTS:
        rtype = pack.types.get(record_type)
        if rtype is None:
            continue
        doc_id = next_id(ids, rtype.id_prefix or record_type.upper()[:4], dt.date.today().year,
                         yearly=False)
        ids.add(doc_id)
        extra: list[str] = []
        provides = EXTRA_PROVIDES.get(path, [])
        if record_type == "records-register":
            provides = record_keys
        if provides:
            extra.append("provides:")
            extra += [f"  - {key}" for key in provides]
        full_title = f"{org} {title[0].lower()}{title[1:]}"
        lines = _front(doc_id, record_type, full_title, rtype.clauses, extra)
        lines += [f"# {full_title}", ""]
        sections = sections_for(pack, record_type) or [
            ("Purpose and scope", PROMPT.format(text="What the procedure is for and when it "
                                                     "applies")),
            ("Steps", PROMPT.format(text="The steps, who performs each, and the records kept"))]
        for heading, prompt in sections:
            lines += [f"## {heading}", "", prompt, ""]
            if services and any(w in heading.lower() for w in ("service", "scope", "catalogue")):
                lines += _services_block(services)
        plan.files[path] = "\n".join(lines)
    plan.files["docs/index.md"] = _index(org, services)
    for folder, text in RECORD_FOLDERS.items():
        plan.files[f"{folder}/README.md"] = f"# {folder.split('/')[-1].replace('-', ' ').title()}" \
                                            f"\n\n{text}\n"
    plan.files["smsdocs.yml"] = (f"# smsdocs configuration for {org}\npack: iso20000-1:2018\n"
                                 f'profile: "{profile}"\npaths: [docs, records]\n')
    plan.files["mkdocs.yml"] = _mkdocs_yml(org)
    plan.files["mkdocs.auditor.yml"] = _mkdocs_auditor_yml(org)
    # ProperDocs builds the handbook; `mkdocs build` reads the same mkdocs.yml (engine.py)
    plan.files["requirements.txt"] = (
        "# smsdocs, from where it was installed when this repository was created (smsdocs\n"
        "# init); the CI workflow installs it from here. Change the line to upgrade.\n"
        f"{requirement or with_properdocs(f'smsdocs=={__version__}')}\n")
    plan.files[".pre-commit-config.yaml"] = _precommit()
    plan.files[".gitignore"] = "site/\nsite-auditor/\n.venv/\n*.zip\n"
    plan.files[".github/workflows/smsdocs.yml"] = _workflow()
    return plan


def _index(org: str, services: list[str]) -> str:
    listed = "".join(f"- {s}\n" for s in services) or "- [insert the services in scope]\n"
    return (f"# {org} service management system\n\n"
            "This handbook holds the documents and records of our service management system "
            "(ISO/IEC 20000-1:2018). Every document started as a template: each "
            "`[describe: …]` prompt says what an auditor expects there. Run `smsdocs check` "
            "to see what is still unwritten, and `smsdocs coverage` for the documented "
            f"information the standard requires.\n\n## Services in scope\n\n{listed}")


def _mkdocs_yml(org: str) -> str:
    # Plugins as a mapping, so that mkdocs.auditor.yml (INHERIT) merges into them.
    return (f"site_name: {yaml_text(org + ' service management handbook')}\n"
            "theme:\n  name: material\n  font: false  # no web fonts: works offline\n"
            "  features:\n    - navigation.tabs\n    - navigation.sections\n"
            "    - search.highlight\n"
            "  palette:\n    - scheme: default\n      toggle: {icon: material/weather-night, "
            "name: Dark mode}\n    - scheme: slate\n      toggle: {icon: "
            "material/weather-sunny, name: Light mode}\n"
            "plugins:\n  search: {}\n  smsdocs:\n    internal_fields: [internal_notes]\n"
            f"    baseline: {BASELINE_FILE}  # as smsdocs check --baseline\n")


def _mkdocs_auditor_yml(org: str) -> str:
    return ("# The auditor edition: mkdocs.yml without anything marked internal, offline.\n"
            "#   properdocs build -f mkdocs.auditor.yml  (or mkdocs build -f ...)\n"
            "#   smsdocs pack --out evidence.zip\n"
            "INHERIT: mkdocs.yml\n"
            f"site_name: {yaml_text(org + ' SMS evidence (auditor edition)')}\n"
            "site_dir: site-auditor\nuse_directory_urls: false\n"
            "plugins:\n  offline: {}\n  smsdocs:\n    audience: auditor\n")


def _precommit() -> str:
    return ("repos:\n  - repo: local\n    hooks:\n      - id: smsdocs-check\n"
            "        name: smsdocs check\n"
            f"        entry: smsdocs check --baseline {BASELINE_FILE}\n"
            "        language: system\n        pass_filenames: false\n"
            "        files: ^(docs|records)/.*\\.md$|^smsdocs\\.ya?ml$\n")


# Actions on the maintained Node 24 runtime (majors checked November 2026).
CHECKOUT, SETUP_PYTHON = "actions/checkout@v6", "actions/setup-python@v7"


def _workflow() -> str:
    return f"""# smsdocs in GitHub Actions (written by smsdocs init).
# A pull request fails only on findings it adds: the template prompts are recorded in
# {BASELINE_FILE}; re-record it with `smsdocs baseline` as templates get written.
name: smsdocs

on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read

jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: {CHECKOUT}
        with:
          fetch-depth: 0  # the whole history: --base and document control read it
      - uses: {SETUP_PYTHON}
        with:
          python-version: "3.12"
      - name: Install smsdocs
        run: pip install -r requirements.txt
      - name: smsdocs check (what this pull request changes)
        if: github.event_name == 'pull_request'
        run: >-
          smsdocs check --base "origin/$GITHUB_BASE_REF" --baseline {BASELINE_FILE}
          --format github --summary "$GITHUB_STEP_SUMMARY"
      - name: smsdocs check
        if: github.event_name != 'pull_request'
        run: smsdocs check --baseline {BASELINE_FILE} --format github
      - name: Build the handbook
        run: properdocs build --strict
"""


def write(target: Path, plan: Plan, force: bool) -> list[str]:
    """Write the plan under target; refuse a non-empty target unless forced; never
    overwrite a file (with --force, existing files are kept and skipped)."""
    if target.exists() and not target.is_dir():
        raise InitError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise InitError(f"{target} is not empty; use --force to add the missing files "
                        f"(existing files are never overwritten)")
    written: list[str] = []
    for relative, text in plan.files.items():
        path = target / relative
        if path.exists() and not path.is_symlink():
            continue  # --force: an existing file is kept as it is
        write_new(path, text if text.endswith("\n") else text + "\n")
        written.append(relative)
    return written


def record_baseline(target: Path, profile: str) -> int | None:
    """Record the new repository's findings (the template prompts) in its baseline file, so
    that CI fails only on what a change adds; None when a baseline file exists already."""
    from ..reports import baseline
    from ..run import run_check

    path = target / BASELINE_FILE
    if path.exists() or path.is_symlink():
        return None
    findings = run_check(target, profile=profile).result.findings
    write_new(path, baseline.dumps(findings))
    return len(findings)


def start_git(target: Path) -> str:
    """`git init` and a first commit of everything init wrote; what happened, in a phrase."""
    if shutil.which("git") is None:
        return "git is not installed: run git init and commit the files yourself"

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        proc = run_git(target, *args)
        return subprocess.CompletedProcess(proc.args, proc.returncode,
                                           proc.stdout.decode("utf-8", "replace"),
                                           proc.stderr.decode("utf-8", "replace"))

    inside = git("rev-parse", "--show-toplevel")
    if inside.returncode == 0:
        return f"already in the git repository {inside.stdout.strip()}: commit the new files"
    if git("init", "-q", "--initial-branch=main").returncode != 0:
        made = git("init", "-q")  # git before 2.28
        if made.returncode != 0:
            return f"git init failed: {made.stderr.strip()}"
        git("symbolic-ref", "HEAD", "refs/heads/main")
    git("add", "-A")
    commit = git("commit", "-q", "-m", "Start the service management system (smsdocs init)")
    if commit.returncode != 0:
        reason = (commit.stderr.strip().splitlines() or ["git commit failed"])[-1]
        return (f"a git repository, but no commit ({reason}): set git's user.name and "
                "user.email, then git commit")
    return "a git repository with its first commit (branch main)"

