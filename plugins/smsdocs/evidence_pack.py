"""`smsdocs pack`: one reproducible zip with the auditor site, sms.json, the coverage report
and a manifest of SHA-256 digests and the source commit; `--verify` checks a pack.

Reproducible: entries are sorted and stamped with SOURCE_DATE_EPOCH (or the source commit's
date), with fixed permissions, so two packs of the same commit are byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifest.json"
SITE_DIR = "site/"
ZIP_EPOCH_MIN = 315532800  # 1980-01-01, the earliest time a zip entry can hold


class PackError(Exception):
    """The pack cannot be built or does not verify."""


@dataclass(slots=True)
class Verification:
    """The result of checking a pack against its manifest."""

    ok: bool
    problems: list[str]
    files: int
    commit: str


def source_commit(root: Path) -> tuple[str, int | None]:
    """The commit the sources are at (``-dirty`` with uncommitted changes, ``unknown``
    outside git; the same text the site's pages carry) and its commit time."""
    from .handbook.provenance import UNKNOWN, commit_time
    from .handbook.provenance import source_commit as commit_of

    commit = commit_of(root, _source_paths(root))
    return commit, (commit_time(root) if commit != UNKNOWN else None)


def _source_paths(root: Path) -> list[str]:
    from . import config as config_mod

    try:
        return list(config_mod.load(root).paths)
    except Exception:  # noqa: BLE001 - a broken config fails the build, not the commit
        return ["docs", "records"]


def epoch(root: Path) -> int:
    """SOURCE_DATE_EPOCH if set, else the source commit's time, else 1980-01-01."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return max(ZIP_EPOCH_MIN, int(os.environ["SOURCE_DATE_EPOCH"]))
    _, committed = source_commit(root)
    return max(ZIP_EPOCH_MIN, committed or ZIP_EPOCH_MIN)


def build_site(root: Path, out: Path, config_file: str, when: int) -> None:
    """Build the auditor site with the real mkdocs (strict: errors stop the pack)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(when)}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                             "-f", str(root / config_file), "-d", str(out)],
                            capture_output=True, text=True, cwd=root, env=env, check=False)
    if result.returncode != 0:
        raise PackError(f"mkdocs build -f {config_file} failed:\n{result.stderr[-4000:]}")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make(root: Path, out: Path, coverage_json: str, coverage_md: str,
         config_file: str = "mkdocs.auditor.yml") -> dict[str, object]:
    """Build the auditor site and write the pack; returns the manifest."""
    if not (root / config_file).is_file():
        raise PackError(f"{config_file} not found in {root}")
    when = epoch(root)
    commit, _ = source_commit(root)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_site(root, site, config_file, when)
        entries: dict[str, bytes] = {}
        for path in sorted(site.rglob("*")):
            if path.is_file():
                entries[SITE_DIR + path.relative_to(site).as_posix()] = path.read_bytes()
    if f"{SITE_DIR}sms.json" in entries:
        entries["sms.json"] = entries[f"{SITE_DIR}sms.json"]
    entries["coverage.json"] = coverage_json.encode()
    entries["coverage.md"] = coverage_md.encode()
    manifest = {"source_commit": commit, "source_date_epoch": when,
                "generator": "smsdocs", "files": {name: _sha256(data) for name, data
                                                  in sorted(entries.items())}}
    entries[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    _write_zip(out, entries, when)
    return manifest


def _write_zip(out: Path, entries: dict[str, bytes], when: int) -> None:
    import time

    stamp = time.gmtime(when)[:6]
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=out.parent, prefix=".smsdocs-pack-", suffix=".zip")
    os.close(handle)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(entries):
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                archive.writestr(info, entries[name], compresslevel=9)
        os.replace(temp, out)
    except BaseException:
        os.unlink(temp)
        raise


def verify(pack: Path) -> Verification:
    """Check every file of a pack against the SHA-256 digests of its manifest."""
    problems: list[str] = []
    try:
        with zipfile.ZipFile(pack) as archive:
            counts = Counter(archive.namelist())
            names = set(counts)
            for name in sorted(n for n, count in counts.items() if count > 1):
                # zip readers disagree on which copy they extract: never one we did not hash
                problems.append(f"{name}: {counts[name]} entries with this name")
            if MANIFEST not in names:
                return Verification(False, [f"{MANIFEST} is missing"], 0, "unknown")
            manifest = json.loads(archive.read(MANIFEST))
            listed: dict[str, str] = manifest.get("files", {})
            for name, digest in sorted(listed.items()):
                if name not in names:
                    problems.append(f"{name}: listed in the manifest but missing")
                elif _sha256(archive.read(name)) != digest:
                    problems.append(f"{name}: content does not match its SHA-256")
            for name in sorted(names - set(listed) - {MANIFEST}):
                problems.append(f"{name}: not listed in the manifest")
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return Verification(False, [f"cannot read the pack: {exc}"], 0, "unknown")
    return Verification(not problems, problems, len(listed), str(manifest.get("source_commit")))


def auditor_coverage(root: Path) -> tuple[str, str]:
    """The coverage report (JSON, Markdown) as the auditor edition sees it: providers marked
    ``audience: internal`` are left out and only counted (``withheld_providers``)."""
    from . import config as config_mod
    from .coverage_report import render
    from .handbook import audience
    from .validate import validate

    config = config_mod.load(root)
    full = validate(root, config, config.rule_pack())
    shown = audience.filter_result(full, audience.exclusion(full), config.justifications)
    hidden = audience.withheld(full.coverage, shown.coverage)
    data = json.loads(render(shown.coverage, "json"))
    for item in data["items"]:
        item["withheld_providers"] = hidden.get((item["clause"], item["key"]), 0)
    data["edition"] = "auditor"
    text = render(shown.coverage, "markdown")
    if hidden:
        text += ("\n\nItems also or only provided by documents or records not in the auditor "
                 "edition (count only): " + ", ".join(
                     f"{clause} {key} ({n})" for (clause, key), n in sorted(hidden.items())) + ".")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n", text + "\n"


def run(args: object) -> int:
    """`smsdocs pack [ROOT] [--out FILE]` and `smsdocs pack --verify FILE` (exit 0 ok,
    1 mismatch or failed build, 2 usage)."""
    if getattr(args, "verify", None):
        result = verify(Path(args.verify))
        for problem in result.problems:
            print(f"smsdocs: {problem}", file=sys.stderr)
        if result.ok:
            print(f"{args.verify}: ok, {result.files} file(s) match the manifest "
                  f"(source commit {result.commit})")
            return 0
        print(f"{args.verify}: {len(result.problems)} problem(s)", file=sys.stderr)
        return 1
    root = Path(args.root).resolve()
    if not root.is_dir():
        print(f"smsdocs: not a folder: {args.root}", file=sys.stderr)
        return 2
    out = Path(args.out).resolve() if args.out else root / "evidence-pack.zip"
    try:
        coverage_json, coverage_md = auditor_coverage(root)
        manifest = make(root, out, coverage_json, coverage_md, args.mkdocs_config)
    except PackError as exc:
        print(f"smsdocs: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}: {len(manifest['files'])} file(s), source commit "
          f"{manifest['source_commit']}")
    return 0
