"""`smsdocs pack`: one reproducible zip with the auditor site, sms.json, the coverage report
and a manifest of SHA-256 digests and the source commit; `--verify` checks a pack.

Reproducible: entries are sorted and stamped with SOURCE_DATE_EPOCH (or the source commit's
date), with fixed permissions, so two packs of the same commit are byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..core import writer
from ..errors import EvidencePackError, UsageError

MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"  # ssh-keygen -Y sign over manifest.json (optional)
NAMESPACE = "smsdocs-pack"
SITE_DIR = "site/"
ZIP_EPOCH_MIN = 315532800  # 1980-01-01, the earliest time a zip entry can hold


@dataclass(frozen=True, slots=True)
class EvidencePack:
    """A written evidence pack: where, the commit its sources are at, how many files its
    manifest lists."""

    path: Path
    source_commit: str
    files: int


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
    from ..handbook.provenance import UNKNOWN, commit_time
    from ..handbook.provenance import source_commit as commit_of

    commit = commit_of(root, _source_paths(root))
    return commit, (commit_time(root) if commit != UNKNOWN else None)


def _source_paths(root: Path) -> list[str]:
    from ..core import config as config_mod

    try:
        return list(config_mod.load(root).paths)
    except Exception:  # noqa: BLE001 - a broken config fails the build, not the commit
        return ["docs", "records"]


def source_tree(root: Path, commit: str) -> str:
    """The git tree hash of the source commit (the whole repository at that commit), or
    ``unknown`` for uncommitted changes and outside git."""
    if not re.fullmatch(r"[0-9a-f]{40,64}", commit):
        return "unknown"
    from ..git.history import run_git

    try:
        proc = run_git(root, "rev-parse", "--verify", "-q", f"{commit}^{{tree}}")
    except OSError:
        return "unknown"
    return proc.stdout.decode().strip() if proc.returncode == 0 else "unknown"


def epoch(root: Path) -> int:
    """SOURCE_DATE_EPOCH if set, else the source commit's time, else 1980-01-01."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return max(ZIP_EPOCH_MIN, int(os.environ["SOURCE_DATE_EPOCH"]))
    _, committed = source_commit(root)
    return max(ZIP_EPOCH_MIN, committed or ZIP_EPOCH_MIN)


def build_site(root: Path, out: Path, config_file: str, when: int,
               engine_name: str | None = None) -> None:
    """Build the auditor site with the installed engine, ProperDocs preferred, or the one
    named (engine.py; strict: errors stop the pack)."""
    from .. import engine

    name = engine.choose(engine_name)
    env = engine.environment({**os.environ, "SOURCE_DATE_EPOCH": str(when)})
    result = subprocess.run(engine.build_command(name, str(root / config_file), str(out)),
                            capture_output=True, text=True, cwd=root, env=env, check=False)
    if result.returncode != 0:
        raise EvidencePackError(f"{name} build -f {config_file} failed:\n{result.stderr[-4000:]}")


def refuse_leaks(root: Path, site: Path, config_file: str) -> None:
    """Run verify-site on the built site; a site that shows anything internal is not packed."""
    from ..core import config as config_mod
    from .verify_site import verify as verify_site

    leaks = verify_site(site, root, config_mod.load(root), config_file)
    if leaks:
        shown = "\n".join(f"  {leak}" for leak in leaks[:40])
        more = f"\n  … and {len(leaks) - 40} more" if len(leaks) > 40 else ""
        raise EvidencePackError(f"verify-site found {len(leaks)} leak(s) in the auditor site; "
                        f"not packed:\n{shown}{more}")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make(root: Path, out: Path, coverage_json: str, coverage_md: str,
         config_file: str = "mkdocs.auditor.yml",
         engine_name: str | None = None) -> EvidencePack:
    """Build the auditor site and write the pack to ``out``."""
    if not (root / config_file).is_file():
        raise EvidencePackError(f"{config_file} not found in {root}")
    when = epoch(root)
    commit, _ = source_commit(root)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_site(root, site, config_file, when, engine_name)
        refuse_leaks(root, site, config_file)
        entries: dict[str, bytes] = {}
        for path in sorted(site.rglob("*")):
            if path.is_file():
                entries[SITE_DIR + path.relative_to(site).as_posix()] = path.read_bytes()
    if f"{SITE_DIR}sms.json" in entries:
        entries["sms.json"] = entries[f"{SITE_DIR}sms.json"]
    entries["coverage.json"] = coverage_json.encode()
    entries["coverage.md"] = coverage_md.encode()
    digests = {name: _sha256(data) for name, data in sorted(entries.items())}
    manifest = {"source_commit": commit, "source_tree": source_tree(root, commit),
                "source_date_epoch": when, "generator": "smsdocs", "files": digests}
    entries[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    _write_zip(out, entries, when)
    return EvidencePack(out, commit, len(digests))


def _write_zip(out: Path, entries: dict[str, bytes], when: int) -> None:
    """The pack is regenerated on every run: an existing regular file at out is replaced
    atomically (see `writer.replace`); a symlink is refused."""
    import io
    import time

    stamp = time.gmtime(when)[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            archive.writestr(info, entries[name], compresslevel=9)
    writer.replace(out, buffer.getvalue())


MAX_ENTRY_BYTES = 256 * 1024 * 1024  # no file of an auditor site comes near this
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
_CHUNK = 1 << 20


def unsafe_name(name: str) -> str | None:
    """Why an entry name is unsafe to extract, or None."""
    if not name or "\x00" in name:
        return "an empty name or a NUL byte"
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "an absolute path or a drive letter"
    parts = name.replace("\\", "/").split("/")
    if ".." in parts:
        return "a '..' component"
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and (info.external_attr >> 16) & 0o170000 == 0o120000


def _digest(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """SHA-256 of an entry, read in chunks (constant memory whatever it expands to)."""
    sha = hashlib.sha256()
    read = 0
    with archive.open(info) as handle:
        while chunk := handle.read(_CHUNK):
            read += len(chunk)
            if read > MAX_ENTRY_BYTES:
                raise EvidencePackError(f"{info.filename}: larger than {MAX_ENTRY_BYTES:,} bytes")
            sha.update(chunk)
    return sha.hexdigest()


def _manifest(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict[str, object]:
    """The manifest as a mapping with a 'files' mapping of name -> hex digest."""
    if info.file_size > MAX_MANIFEST_BYTES:
        raise EvidencePackError(f"{MANIFEST} is larger than {MAX_MANIFEST_BYTES:,} bytes")
    with archive.open(info) as handle:
        raw = handle.read(MAX_MANIFEST_BYTES + 1)
    if len(raw) > MAX_MANIFEST_BYTES:
        raise EvidencePackError(f"{MANIFEST} is larger than {MAX_MANIFEST_BYTES:,} bytes")
    try:
        manifest = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise EvidencePackError(f"{MANIFEST} is not valid JSON ({str(exc)[:200]})") from None
    if not isinstance(manifest, dict):
        raise EvidencePackError(f"{MANIFEST} is a JSON {type(manifest).__name__}, not an object")
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise EvidencePackError(f"{MANIFEST}: 'files' must map each file name to its SHA-256")
    return manifest


def verify(pack: Path, key_file: Path | None = None,
           source: Path | None = None) -> Verification:
    """Check a pack: safe, unique entry names, every entry listed in the manifest and every
    listed file present with its SHA-256 (read in chunks, each entry at most
    MAX_ENTRY_BYTES). With a public key, the manifest must carry a valid signature by it;
    with a source repository, the manifest's commit must be there with the same tree."""
    problems: list[str] = []
    listed: dict[str, str] = {}
    manifest: dict[str, object] = {}
    try:
        with zipfile.ZipFile(pack) as archive:
            infos = archive.infolist()
            seen: dict[str, zipfile.ZipInfo] = {}
            for info in infos:
                name = info.filename
                why = unsafe_name(name)
                if why:
                    problems.append(f"{name!r}: unsafe entry name ({why})")
                if _is_symlink(info):
                    problems.append(f"{name}: a symlink entry")
                if name in seen:
                    problems.append(f"{name}: appears more than once in the zip")
                seen[name] = info
            if MANIFEST not in seen:
                return Verification(False, [*problems, f"{MANIFEST} is missing"], 0, "unknown")
            manifest = _manifest(archive, seen[MANIFEST])
            listed = manifest["files"]  # type: ignore[assignment]
            for name, digest in sorted(listed.items()):
                entry = seen.get(name)
                if entry is None:
                    problems.append(f"{name}: listed in the manifest but missing")
                elif unsafe_name(name) or _is_symlink(entry):
                    continue  # already reported
                elif entry.file_size > MAX_ENTRY_BYTES:
                    problems.append(f"{name}: larger than {MAX_ENTRY_BYTES:,} bytes")
                elif _digest(archive, entry) != digest:
                    problems.append(f"{name}: content does not match its SHA-256")
            for name in sorted(set(seen) - set(listed) - {MANIFEST, SIGNATURE}):
                problems.append(f"{name}: not listed in the manifest")
            for key in ("source_commit", "source_tree"):
                if not isinstance(manifest.get(key), str):
                    problems.append(f"{MANIFEST}: '{key}' is missing (not bound to a source)")
            if key_file is not None:
                problems += _check_signature(archive, seen, key_file)
            if source is not None:
                problems += _check_source(manifest, source)
    except EvidencePackError as exc:
        return Verification(False, [*problems, str(exc)], len(listed), "unknown")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError) as exc:
        return Verification(False, [*problems, f"cannot read the pack: {exc}"], 0, "unknown")
    return Verification(not problems, problems, len(listed), str(manifest.get("source_commit")))


def sign(pack: Path, key_file: Path) -> None:
    """Add a detached SSH signature of the manifest to the pack (ssh-keygen -Y sign)."""
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(pack) as archive:
            data = archive.read(MANIFEST)
        target = Path(tmp) / MANIFEST
        target.write_bytes(data)
        proc = subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-f", str(key_file), "-n",
                               NAMESPACE, str(target)], capture_output=True, text=True,
                              check=False, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise EvidencePackError(f"ssh-keygen -Y sign failed: {proc.stderr.strip()[-500:]}")
        signature = Path(str(target) + ".sig").read_bytes()
    with zipfile.ZipFile(pack, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(SIGNATURE, date_time=archive.getinfo(MANIFEST).date_time)
        info.external_attr = 0o644 << 16
        info.create_system = 3
        archive.writestr(info, signature)


def _check_signature(archive: zipfile.ZipFile, seen: dict[str, zipfile.ZipInfo],
                     key_file: Path) -> list[str]:
    """Problems with the manifest's signature under the given SSH public key."""
    if SIGNATURE not in seen:
        return [f"{SIGNATURE} is missing: the pack is not signed"]
    try:
        key = key_file.read_text(encoding="utf-8").split()
    except (OSError, UnicodeDecodeError) as exc:
        return [f"cannot read the public key {key_file}: {exc}"]
    if len(key) < 2:
        return [f"{key_file} is not an SSH public key"]
    with tempfile.TemporaryDirectory() as tmp:
        allowed = Path(tmp) / "allowed_signers"
        allowed.write_text(f"{NAMESPACE} {key[0]} {key[1]}\n", encoding="utf-8")
        signature = Path(tmp) / SIGNATURE
        signature.write_bytes(archive.read(seen[SIGNATURE])[:65536])
        proc = subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(allowed), "-I",
                               NAMESPACE, "-n", NAMESPACE, "-s", str(signature)],
                              input=archive.read(seen[MANIFEST]), capture_output=True,
                              check=False)
    if proc.returncode != 0:
        return [f"{SIGNATURE}: not a valid signature of {MANIFEST} by {key_file}"]
    return []


def _check_source(manifest: dict[str, object], source: Path) -> list[str]:
    """Problems binding the manifest to a repository: its commit, with the same tree."""
    commit, tree = str(manifest.get("source_commit")), str(manifest.get("source_tree"))
    actual = source_tree(source, commit)
    if actual == "unknown":
        return [f"source commit {commit} is not a commit of {source}"]
    if actual != tree:
        return [f"source tree {tree} is not the tree of commit {commit} ({actual})"]
    return []


def auditor_coverage(root: Path) -> tuple[str, str]:
    """The coverage report (JSON, Markdown) as the auditor edition sees it: providers marked
    ``audience: internal`` are left out and only counted (``withheld_providers``)."""
    from ..handbook import audience
    from ..reports.coverage_report import render
    from ..reports.report import Report
    from ..run import run_check

    run = run_check(root)
    config, full = run.config, run.result
    shown = audience.filter_result(full, audience.exclusion(full), config.justifications)
    report = Report.of(shown)
    report.withheld = audience.withheld(full.coverage, shown.coverage)
    report.edition = "auditor"
    return render(report, "json") + "\n", render(report, "markdown") + "\n"


def run(args: argparse.Namespace) -> int:
    """`smsdocs pack [ROOT] [--out FILE]` and `smsdocs pack --verify FILE` (exit 0 ok,
    1 mismatch or failed build, 2 usage)."""
    if getattr(args, "verify", None):
        key = getattr(args, "key", None)
        source = getattr(args, "source", None)
        result = verify(Path(args.verify), Path(key) if key else None,
                        Path(source) if source else None)
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
        raise UsageError(f"not a folder: {args.root}")
    out = Path(args.out).absolute() if args.out else root / "evidence-pack.zip"
    writer.check_replaceable(out)
    coverage_json, coverage_md = auditor_coverage(root)
    pack = make(root, out, coverage_json, coverage_md, args.mkdocs_config,
                getattr(args, "engine", None))
    if getattr(args, "sign", None):
        sign(out, Path(args.sign))
    print(f"wrote {pack.path}: {pack.files} file(s), source commit {pack.source_commit}")
    return 0
