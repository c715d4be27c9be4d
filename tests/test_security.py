"""Attacks on the fail-closed promises (issue 17), one test per attack, each payload built
here: the finding, the exit code and, for the auditor edition, that no byte of any canary
reaches any output file (.gz decompressed) of a build by MkDocs with the plugin.

One copy of the bundled example carries every payload, so the sites are built once.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sites import build_site
from test_auditor import REPO_ROOT, _env

CANARY = {  # attack -> the canary its payload carries
    "markdown-suffix": "CANARY-SUFFIX-a1",
    "multimarkdown": "CANARY-MMD-b2",
    "audience-case": "CANARY-CASE-c3",
    "broken-yaml": "CANARY-YAML-d4",
    "symlinked-folder": "CANARY-LINKDIR-e5",
    "attachment-beside": "CANARY-SVG-f6",
    "attachment-unlinked": "CANARY-PDF-g7",
    "comment-script": "CANARY-COMMENT-h8",
    "nested-field": "CANARY-NESTED-i9",
    "outside-symlink": "CANARY-OUTSIDE-j0",
    "audience-unknown": "CANARY-UNKNOWN-k1",
}


PAYLOAD = "<img src=x onerror=alert(1)>"
PAYLOAD_Q = "<script>alert(2)</script>"


def _payloads(root: Path, outside: Path) -> None:
    """Write every payload into a copy of the example."""
    docs = root / "docs"
    c = CANARY
    (docs / "a.markdown").write_text(f"---\naudience: internal\n---\n{c['markdown-suffix']}\n")
    (docs / "mmd.md").write_text(f"audience: internal\ntitle: S\n\n{c['multimarkdown']}\n")
    (docs / "case.md").write_text(f"---\naudience: INTERNAL\n---\n{c['audience-case']}\n")
    (docs / "broken.md").write_text(
        f"---\naudience: internal\ntitle: [unclosed\n---\n{c['broken-yaml']}\n")
    (docs / "unknown.md").write_text(f"---\naudience: secret\n---\n{c['audience-unknown']}\n")
    private = root / "private"
    private.mkdir()
    (private / "inside.md").write_text(f"# Linked\n\n{c['symlinked-folder']}\n")
    (docs / "linked").symlink_to(private, target_is_directory=True)
    folder = docs / "staff"
    folder.mkdir()
    (folder / "plan.md").write_text("---\naudience: internal\n---\n# Staff plan\n")
    (folder / "chart.svg").write_text(f"<svg><text>{c['attachment-beside']}</text></svg>\n")
    (docs / "minutes.pdf").write_text(f"%PDF-1.4 {c['attachment-unlinked']}\n")
    (docs / "public.txt").write_text("a public attachment\n")
    index = docs / "index.md"
    index.write_text(index.read_text() + (
        f"\n<!-- {c['comment-script']} <script src=\"https://intranet.example/x.js\">"
        "</script> -->\n\n[chart](staff/chart.svg) and [notes](public.txt)\n"))
    nc = root / "records/nonconformities/NC-001.md"
    text = nc.read_text()
    text = text.replace("\n  - id: CA-001\n", "\n  - id: CA-001\n    extra:\n"
                        f"      - internal_notes: {c['nested-field']}\n", 1)
    text = text.replace("\nactions:\n", "\nreview_metadata:\n  source: tool\n"
                        f"  internal_notes: {c['nested-field']} top\nactions:\n", 1)
    assert text.count(c["nested-field"]) == 2
    nc.write_text(text)
    secret = outside / "secret.txt"
    secret.write_text(f"{c['outside-symlink']}\n")
    (docs / "environ.md").symlink_to(secret)
    (docs / "environ.txt").symlink_to(secret)
    (docs / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(docs / "pipe.md")
    (docs / "gone.md").symlink_to("nowhere.md")  # inside the repository, but cannot be read
    (root / "records/nonconformities/NC-998.md").write_text(alias_bomb("mapping"))
    (docs / "bomb.md").write_text(alias_bomb("list"))
    (docs / "xss.md").write_text(
        f"---\ntitle: 'T {PAYLOAD}'\ndescription: 'D {PAYLOAD}'\ntags: ['{PAYLOAD}']\n"
        f"subtitle: '{PAYLOAD}'\n---\n# Heading\n\nText.\n")
    text = nc.read_text()
    text = text.replace("\nclauses: [", f"\nclauses: ['{PAYLOAD}', ", 1)
    text = text.replace("\ntitle: ", f"\ntitle: {PAYLOAD_Q} ", 1)
    assert PAYLOAD in text
    nc.write_text(text)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("security")
    root, outside = base / "sms", base / "outside"
    root.mkdir()
    outside.mkdir()
    for name in ("docs", "records"):
        shutil.copytree(REPO_ROOT / name, root / name)
    for name in ("mkdocs.yml", "mkdocs.auditor.yml"):
        shutil.copy2(REPO_ROOT / name, root / name)
    _payloads(root, outside)
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                ["git", "commit", "-q", "-m", "attacks"]):
        subprocess.run(cmd, cwd=root, env=_env(), check=True, capture_output=True)
    return root


def _mkdocs(root: Path, config: str, site: Path, strict: bool) -> subprocess.CompletedProcess:
    """A real mkdocs build in a process limited to 1 GiB (the sources hold alias bombs)."""
    return build_site(root, site, config, engine_name="mkdocs", strict=strict,
                      memory_limit=GIB, timeout=600)


@pytest.fixture(scope="module")
def auditor_build(attacked: Path) -> tuple[Path, subprocess.CompletedProcess]:
    """A non-strict auditor build (a strict one stops at the first finding)."""
    site = attacked.parent / "site-auditor"
    proc = _mkdocs(attacked, "mkdocs.auditor.yml", site, strict=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return site, proc


@pytest.fixture(scope="module")
def handbook_build(attacked: Path) -> Path:
    """The internal handbook of the same sources (non-strict)."""
    site = attacked.parent / "site-handbook"
    proc = _mkdocs(attacked, "mkdocs.yml", site, strict=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return site


@pytest.fixture(scope="module")
def check_json(attacked: Path) -> tuple[int, list[dict]]:
    proc = subprocess.run([sys.executable, "-m", "smsdocs", "check", str(attacked),
                           "--format", "json", "--as-of", "2026-11-23"],
                          capture_output=True, text=True, env=_env(), timeout=300)
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout)["findings"]


def output_bytes(site: Path) -> dict[str, bytes]:
    """Every output file's bytes, .gz decompressed."""
    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            out[path.relative_to(site).as_posix()] = gzip.decompress(data) \
                if path.suffix == ".gz" else data
    return out


def assert_absent(site: Path, canary: str) -> None:
    leaks = [name for name, data in output_bytes(site).items()
             if canary.encode() in data or canary.lower().encode() in data.lower()]
    assert leaks == [], f"{canary} reached {leaks}"


def built_finding(proc: subprocess.CompletedProcess, rule: str, path: str) -> bool:
    return any(f"{path}:" in line and f"[{rule}] error" in line
               for line in proc.stderr.splitlines())


def checked(findings: list[dict], rule: str, path: str) -> bool:
    return any(f["rule"] == rule and f["file"] == path for f in findings)


# ---------------------------------------------------------------- 1. the auditor allowlist


def test_markdown_suffix_is_left_out_and_reported(auditor_build) -> None:
    site, proc = auditor_build
    assert_absent(site, CANARY["markdown-suffix"])
    assert built_finding(proc, "audience.unclassified", "docs/a.markdown")


def test_multimarkdown_metadata_is_left_out_and_reported(auditor_build) -> None:
    site, proc = auditor_build
    assert_absent(site, CANARY["multimarkdown"])
    assert built_finding(proc, "audience.unclassified", "docs/mmd.md")


def test_audience_in_capitals_is_internal(auditor_build) -> None:
    site, proc = auditor_build
    assert_absent(site, CANARY["audience-case"])
    assert not (site / "case.html").exists()
    assert not built_finding(proc, "audience.unclassified", "docs/case.md")  # understood


def test_unknown_audience_is_internal_and_reported(auditor_build) -> None:
    site, proc = auditor_build
    assert_absent(site, CANARY["audience-unknown"])
    assert built_finding(proc, "audience.unclassified", "docs/unknown.md")


def test_broken_yaml_is_left_out_even_without_strict(auditor_build, check_json) -> None:
    site, proc = auditor_build
    assert_absent(site, CANARY["broken-yaml"])
    assert built_finding(proc, "audience.unclassified", "docs/broken.md")
    code, findings = check_json
    assert code == 1 and checked(findings, "frontmatter.invalid", "docs/broken.md")


def test_page_in_a_symlinked_folder_is_left_out(auditor_build) -> None:
    site, proc = auditor_build
    assert_absent(site, CANARY["symlinked-folder"])
    assert built_finding(proc, "audience.unclassified", "docs/linked/inside.md")


def test_attachment_beside_an_internal_document_is_left_out(auditor_build) -> None:
    site, proc = auditor_build
    assert_absent(site, CANARY["attachment-beside"])
    assert built_finding(proc, "audience.unclassified", "docs/staff/chart.svg")


def test_unlinked_attachment_is_left_out_and_linked_one_kept(auditor_build) -> None:
    site, proc = auditor_build
    assert_absent(site, CANARY["attachment-unlinked"])
    assert built_finding(proc, "audience.unclassified", "docs/minutes.pdf")
    assert (site / "public.txt").is_file()


def test_comment_holding_a_script_is_dropped(auditor_build) -> None:
    site, _ = auditor_build
    assert_absent(site, CANARY["comment-script"])
    assert_absent(site, "intranet.example")


def test_internal_field_nested_in_an_action_is_dropped(auditor_build) -> None:
    site, _ = auditor_build
    assert_absent(site, CANARY["nested-field"])


def test_symlink_out_of_the_repository_is_never_followed(handbook_build, auditor_build,
                                                         check_json) -> None:
    site, proc = auditor_build
    assert_absent(site, CANARY["outside-symlink"])
    for path in ("docs/environ.md", "docs/environ.txt", "docs/zero.md"):
        assert built_finding(proc, "path.outside", path), path
    code, findings = check_json
    assert code == 1
    assert checked(findings, "path.outside", "docs/environ.md")
    assert checked(findings, "path.outside", "docs/zero.md")
    assert_absent(handbook_build, CANARY["outside-symlink"])


def test_fifo_is_skipped_with_a_finding(auditor_build, check_json) -> None:
    _, proc = auditor_build
    assert built_finding(proc, "path.special", "docs/pipe.md")
    code, findings = check_json
    assert code == 1 and checked(findings, "path.special", "docs/pipe.md")


def test_unreadable_file_is_reported_as_unreadable(check_json) -> None:
    code, findings = check_json
    assert code == 1 and checked(findings, "file.unreadable", "docs/gone.md")
    assert not checked(findings, "frontmatter.encoding", "docs/gone.md")


def test_strict_auditor_build_fails_on_what_it_left_out(attacked: Path) -> None:
    proc = _mkdocs(attacked, "mkdocs.auditor.yml", attacked.parent / "strict", strict=True)
    assert proc.returncode == 1
    assert "audience.unclassified" in proc.stderr or "path." in proc.stderr


def test_paths_entry_outside_the_root_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    for entry, line in (("/etc", 3), ("../elsewhere", 3), ("docs/../..", 3)):
        (tmp_path / "smsdocs.yml").write_text(f"paths:\n  - docs\n  - {entry}\n")
        proc = smsdocs("check", str(tmp_path))
        assert proc.returncode == 2, entry
        assert f"smsdocs.yml:{line}:" in proc.stderr and "inside the repository" in proc.stderr
        assert "Traceback" not in proc.stderr


# ---------------------------------------------------------------- 3. bounded resources

GIB = 1 << 30


def limited(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """smsdocs in a process limited to 1 GiB of address space."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))

    return subprocess.run([sys.executable, "-m", "smsdocs", *args], cwd=cwd, env=_env(),
                          capture_output=True, text=True, timeout=600, preexec_fn=cap)


def smsdocs(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "smsdocs", *args], cwd=cwd, env=_env(),
                          capture_output=True, text=True, timeout=600)


def alias_bomb(kind: str) -> str:
    """480 bytes of YAML that expand to 9**9 values (list form) or mappings (mapping form)."""
    if kind == "list":
        levels = "".join(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]\n"
                         for i in range(1, 10))
        return f"---\nid: NC-901\ntype: nonconformity\nl0: &l0 x\n{levels}title: *l9\n---\n"
    levels = "".join(f"m{i}: &m{i} {{" + ",".join(f"k{j}: *m{i - 1}" for j in range(9)) + "}\n"
                     for i in range(1, 10))
    return f"---\nid: NC-902\ntype: nonconformity\nm0: &m0 x\n{levels}owner: *m9\n---\n"


@pytest.mark.parametrize("kind", ["list", "mapping"])
def test_alias_bomb_is_reported_within_1_gib(tmp_path: Path, kind: str) -> None:
    (tmp_path / "records").mkdir()
    (tmp_path / "records/bomb.md").write_text(alias_bomb(kind))
    proc = limited("check", str(tmp_path), "--format", "json", "--as-of", "2026-11-23")
    assert proc.returncode == 1, proc.stderr[-2000:]
    findings = json.loads(proc.stdout)["findings"]
    assert any(f["rule"] == "frontmatter.invalid" and "alias expansion too large"
               in f["message"] for f in findings)


def test_alias_bombs_build_within_1_gib(handbook_build, auditor_build, check_json) -> None:
    """Both editions were built under 1 GiB with an alias bomb in a record and a page."""
    _, proc = auditor_build
    assert built_finding(proc, "frontmatter.invalid", "docs/bomb.md")
    assert (handbook_build / "bomb/index.html").is_file()
    code, findings = check_json
    assert any(f["rule"] == "frontmatter.invalid" and f["file"].endswith("NC-998.md")
               for f in findings)


def test_50_mb_body_is_reported_within_1_gib(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    block = "A paragraph of an SMS document, written out at some length.\n\n"
    with (tmp_path / "docs/huge.md").open("w") as out:
        out.write("---\ntitle: Huge\n---\n# Huge\n\n")
        for _ in range(50 * 1024 * 1024 // len(block)):
            out.write(block)
    (tmp_path / "docs/small.md").write_text("---\ntitle: Small\n---\n# Small\n\nSHA-1\n")
    proc = limited("check", str(tmp_path), "--format", "json", "--as-of", "2026-11-23")
    assert proc.returncode == 1, proc.stderr[-2000:]
    findings = json.loads(proc.stdout)["findings"]
    assert [(f["rule"], f["file"]) for f in findings] == [("file.too-large", "docs/huge.md")]


# ---------------------------------------------------------------- 5. pack --verify


def make_pack(path: Path, entries: dict[str, bytes], listed: dict[str, str] | None = None,
              manifest: bytes | None = None, extra: list[tuple[zipfile.ZipInfo, bytes]] = (),
              ) -> Path:
    """A pack of the given entries and a manifest of their SHA-256 (or the given one)."""
    files = {name: hashlib.sha256(data).hexdigest() for name, data in entries.items()}
    files.update(listed or {})
    body = manifest if manifest is not None else json.dumps(
        {"source_commit": "abc", "source_tree": "def", "files": files}).encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for info, data in extra:
            archive.writestr(info, data)
        archive.writestr("manifest.json", body)
    return path


GOOD = {"site/index.html": b"<html>ok</html>", "sms.json": b"{}"}


def verify(path: Path) -> subprocess.CompletedProcess:
    return limited("pack", "--verify", str(path))


def test_a_good_pack_verifies(tmp_path: Path) -> None:
    proc = verify(make_pack(tmp_path / "p.zip", GOOD))
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("name", ["../../evil.sh", "/etc/evil", "C:/evil.bat",
                                  "site/../../evil"])
def test_pack_verify_rejects_unsafe_names(tmp_path: Path, name: str) -> None:
    info = zipfile.ZipInfo("placeholder")
    info.filename = name  # zipfile keeps names as written
    pack = make_pack(tmp_path / "p.zip", GOOD, listed={name: hashlib.sha256(b"x").hexdigest()},
                     extra=[(info, b"x")])
    proc = verify(pack)
    assert proc.returncode == 1 and "unsafe entry name" in proc.stderr


def test_pack_verify_rejects_symlink_entries(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("site/link")
    info.create_system = 3
    info.external_attr = (0o120777) << 16
    pack = make_pack(tmp_path / "p.zip", GOOD,
                     listed={"site/link": hashlib.sha256(b"/etc/passwd").hexdigest()},
                     extra=[(info, b"/etc/passwd")])
    proc = verify(pack)
    assert proc.returncode == 1 and "symlink entry" in proc.stderr


def test_pack_verify_rejects_duplicate_entries(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("site/index.html")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pack = make_pack(tmp_path / "p.zip", GOOD, extra=[(info, b"<script>evil</script>")])
    proc = verify(pack)
    assert proc.returncode == 1 and "more than once" in proc.stderr


def test_pack_verify_rejects_unlisted_and_missing_entries(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p.zip", GOOD, listed={"site/gone.html": "0" * 64},
                     extra=[(zipfile.ZipInfo("site/extra.html"), b"extra")])
    proc = verify(pack)
    assert proc.returncode == 1
    assert "site/gone.html: listed in the manifest but missing" in proc.stderr
    assert "site/extra.html: not listed in the manifest" in proc.stderr


@pytest.mark.parametrize("manifest,message", [
    (b"[]", "not an object"), (b"null", "not an object"),
    (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    (b'{"files": [1, 2]}', "'files' must map"), (b"\xff\xfe", "not valid JSON")])
def test_pack_verify_explains_malformed_manifests(tmp_path: Path, manifest: bytes,
                                                  message: str) -> None:
    proc = verify(make_pack(tmp_path / "p.zip", GOOD, manifest=manifest))
    assert proc.returncode == 1 and message in proc.stderr
    assert "Traceback" not in proc.stderr


def zip_bomb(path: Path, size: int = GIB + (1 << 26)) -> Path:
    """A few MB of zip holding one entry of `size` zero bytes, listed in the manifest."""
    chunk = bytes(1 << 24)
    sha = hashlib.sha256()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("site/bomb.bin", "w", force_zip64=True) as out:
            for _ in range(size // len(chunk)):
                out.write(chunk)
                sha.update(chunk)
        z.writestr("manifest.json", json.dumps(
            {"source_commit": "abc", "source_tree": "def",
             "files": {"site/bomb.bin": sha.hexdigest()}}))
    return path


def test_zip_bomb_is_rejected_within_1_gib(tmp_path: Path) -> None:
    pack = zip_bomb(tmp_path / "bomb.zip")
    assert pack.stat().st_size < 16 * 1024 * 1024
    proc = verify(pack)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "larger than" in proc.stderr and "Traceback" not in proc.stderr


# ---------------------------------------------------------------- 6. escaping


@pytest.mark.parametrize("edition", ["handbook", "auditor"])
def test_front_matter_markup_is_never_live(edition: str, request: pytest.FixtureRequest) -> None:
    """Title, description, tags, clauses and any other field: text, never markup, in every
    page, search index and sitemap (sms.json is data and keeps the value as written)."""
    site = request.getfixturevalue("handbook_build") if edition == "handbook" \
        else request.getfixturevalue("auditor_build")[0]
    live = [name for name, data in output_bytes(site).items() if name != "sms.json"
            and (PAYLOAD.encode() in data or PAYLOAD_Q.encode() in data)]
    assert live == []
    shown = (site / ("xss.html" if edition == "auditor" else "xss/index.html")).read_text()
    assert "T &lt;img src=x onerror=alert(1)&gt;" in shown


# ---------------------------------------------------------------- 2. verify the output


def test_verify_site_passes_the_plugin_built_auditor_site(attacked, auditor_build) -> None:
    site, _ = auditor_build
    proc = smsdocs("verify-site", str(site), "--edition", "auditor", "--root", str(attacked))
    assert proc.returncode == 0, proc.stdout[-3000:]


def _without_plugin(root: Path) -> str:
    """An auditor config that lost the smsdocs plugin line (what another engine builds)."""
    text = (root / "mkdocs.yml").read_text()
    start = text.index("  smsdocs:\n")
    end = text.index("\nmarkdown_extensions:")
    # MkDocs alone would read /dev/zero, the FIFO, the dangling link and expand the alias
    # bomb: left out here
    unreadable = "exclude_docs: |\n  zero.md\n  pipe.md\n  gone.md\n  bomb.md\n"
    (root / "mkdocs.noplugin.yml").write_text(text[:start] + text[end:] + unreadable)
    return "mkdocs.noplugin.yml"


def test_a_build_without_the_plugin_fails_verify_site(attacked: Path) -> None:
    config = _without_plugin(attacked)
    site = attacked.parent / "site-noplugin"
    proc = _mkdocs(attacked, config, site, strict=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert CANARY["audience-case"].encode() in b"".join(output_bytes(site).values())
    proc = smsdocs("verify-site", str(site), "--root", str(attacked))
    assert proc.returncode == 1
    out = proc.stdout
    assert "not built with the smsdocs plugin" in out
    for source in ("docs/case.md", "docs/a.markdown", "docs/mmd.md", "docs/unknown.md"):
        assert f"body text of {source}" in out or f"the page of {source}" in out, source
    assert "an HTML comment" in out


def test_pack_refuses_a_leaking_site(attacked: Path, tmp_path: Path) -> None:
    config = _without_plugin(attacked)
    out = tmp_path / "pack.zip"
    proc = smsdocs("pack", str(attacked), "--out", str(out), "--mkdocs-config", config)
    assert proc.returncode == 1 and "leak(s)" in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize("template", [".github/workflows/smsdocs.yml", ".gitlab-ci.yml"])
def test_ci_templates_verify_the_auditor_site_after_building_it(template: str) -> None:
    text = (REPO_ROOT / template).read_text()
    build = text.index("docs build --strict -f mkdocs.auditor.yml --site-dir site-auditor")
    assert text.index("smsdocs verify-site site-auditor --edition auditor") > build


# ---------------------------------------------------------------- 4. history free text cannot break


@pytest.fixture
def example_git(tmp_path: Path) -> Path:
    """The bundled example, committed (approvals dated 2026-11-20 at the latest)."""
    root = tmp_path / "sms"
    root.mkdir()
    for name in ("docs", "records"):
        shutil.copytree(REPO_ROOT / name, root / name)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "example")
    return root


def git(root: Path, *args: str, **env: str) -> None:
    extra = {"GIT_AUTHOR_DATE": "2026-11-25T10:00:00+00:00",
             "GIT_COMMITTER_DATE": "2026-11-25T10:00:00+00:00", **env} \
        if args[0] == "commit" and args[-1] != "example" else env
    subprocess.run(["git", *args], cwd=root, env=_env(**extra), check=True,
                   capture_output=True)


def check(root: Path, *args: str) -> subprocess.CompletedProcess:
    proc = smsdocs("check", str(root), "--as-of", "2026-11-26", *args)
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return proc


def _edit_policy(root: Path) -> None:
    policy = root / "docs/sms/policy.md"
    policy.write_text(policy.read_text() + "\nA change nobody approved.\n")


@pytest.mark.parametrize("subject", ["typo\x1e", "typo\x1f", "\x1e\x1f\x1e"])
def test_record_separator_in_a_subject_does_not_hide_the_commit(example_git: Path,
                                                               subject: str) -> None:
    _edit_policy(example_git)
    git(example_git, "commit", "-q", "-am", subject)
    proc = check(example_git, "--base", "HEAD~1", "--format", "json")
    assert proc.returncode == 1
    found = [f for f in json.loads(proc.stdout)["findings"]
             if f["rule"] == "doc.changed-after-approval"]
    assert found and found[0]["file"] == "docs/sms/policy.md"


def test_unit_separator_in_an_author_name_never_breaks_the_check(example_git: Path) -> None:
    _edit_policy(example_git)
    git(example_git, "commit", "-q", "-am", "edit", GIT_AUTHOR_NAME="Mallory\x1fX\x1e")
    (example_git / "docs/later.md").write_text("# Later\n")
    git(example_git, "add", "-A")
    git(example_git, "commit", "-q", "-m", "later")
    for args in ((), ("--base", "HEAD~2")):
        proc = check(example_git, *args)
        assert proc.returncode == 1, args
    proc = check(example_git, "--format", "json")
    found = [f for f in json.loads(proc.stdout)["findings"]
             if f["rule"] == "doc.changed-after-approval"]
    assert found and "Mallory" in found[0]["message"]


def test_control_characters_never_reach_the_terminal(example_git: Path) -> None:
    _edit_policy(example_git)
    git(example_git, "commit", "-q", "-am", "edit \x1b]0;pwned\x07\x1b[2J done")
    proc = check(example_git)
    assert proc.returncode == 1 and "doc.changed-after-approval" in proc.stdout
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout
    assert "edit ]0;pwned[2J done" in proc.stdout


def test_non_utf8_file_name_is_in_scope_for_base_as_for_the_full_check(
        example_git: Path) -> None:
    name = os.fsdecode(b"docs/caf\xe9.md")
    Path(example_git, name).write_text("---\nid: [broken\n---\n# x\n")
    git(example_git, "add", "-A")
    git(example_git, "commit", "-q", "-m", "latin-1 name")
    full = check(example_git, "--format", "json")
    base = check(example_git, "--format", "json", "--base", "HEAD~1")
    assert full.returncode == base.returncode == 1
    rules = {f["rule"] for f in json.loads(full.stdout)["findings"] if "caf" in f["file"]}
    assert rules and rules == {f["rule"] for f in json.loads(base.stdout)["findings"]
                               if "caf" in f["file"]}


def test_github_format_escapes_what_reaches_workflow_commands(example_git: Path) -> None:
    (example_git / "docs/injected.md").write_text(
        '---\nid: POL-990\ntype: policy\ntitle: "Evil\\n::error file=x.md::pwned%0A"\n'
        "status: draft\n---\n# Evil\n")
    git(example_git, "add", "-A")
    git(example_git, "commit", "-q", "-m", "evil\n\n::warning::also pwned")
    proc = check(example_git, "--format", "github", "--base", "HEAD~1")
    commands = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert commands, proc.stdout
    for line in commands:
        assert "pwned" not in line.split("::", 2)[1], line  # never a command's name or file
        assert line.startswith(("::error file=", "::warning file=", "::notice file=",
                                "::group::", "::endgroup::")), line
    assert "Evil%0A::error file=x.md::pwned%250A" in proc.stdout  # shown, as text


def test_unreadable_commit_is_reported_once_and_the_run_goes_on(example_git: Path) -> None:
    """Commits git prints but Python cannot read (a time zone of +99:99), written raw."""
    def run(*args: str, data: bytes | None = None) -> str:
        return subprocess.run(["git", *args], cwd=example_git, env=_env(), input=data,
                              capture_output=True, check=True).stdout.decode().strip()

    for n in (1, 2):
        (example_git / f"docs/note-{n}.md").write_text(f"# Note {n}\n")
        run("add", "-A")
        tree, parent = run("write-tree"), run("rev-parse", "HEAD")
        body = (f"tree {tree}\nparent {parent}\nauthor M <m@x> 1700000000 +9999\n"
                f"committer M <m@x> 1700000000 +0000\n\nnote {n}\n").encode()
        commit = run("hash-object", "-t", "commit", "-w", "--literally", "--stdin", data=body)
        run("update-ref", "HEAD", commit)
    proc = check(example_git, "--format", "json")
    found = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "history.unreadable"]
    assert len(found) == 1 and found[0]["message"].startswith("2 commit(s)")
    assert proc.returncode == 0


# ---------------------------------------------------------------- property: no traceback, ever


def _yaml_with_aliases() -> st.SearchStrategy[str]:
    """Front matter built from anchors and aliases (nested, repeated, self-referencing)."""
    scalar = st.sampled_from(["x", "'a: b'", "2026-13-01", "yes", "~", "[", "*a0", "&a9 y",
                              "<b>", "!!binary aGk=", "!!python/name:os.system", "1e400"])
    def level(i: int) -> st.SearchStrategy[str]:
        alias = st.sampled_from([f"*a{j}" for j in range(max(i, 1))])
        return st.one_of(
            st.lists(st.one_of(alias, scalar), min_size=1, max_size=9).map(
                lambda items: "[" + ", ".join(items) + "]"),
            st.lists(st.tuples(st.sampled_from("kmnp"), st.one_of(alias, scalar)),
                     min_size=1, max_size=9).map(
                lambda pairs: "{" + ", ".join(f"{k}{n}: {v}" for n, (k, v)
                                              in enumerate(pairs)) + "}"))
    keys = st.sampled_from(["title", "id", "type", "audience", "owner", "clauses",
                            "actions", "internal_notes", "tags", "status", "x"])
    return st.lists(st.tuples(keys, st.integers(0, 12)), min_size=1, max_size=12).flatmap(
        lambda spec: st.tuples(*[level(i) for i in range(len(spec))]).map(
            lambda values: "".join(f"{key}: &a{i} {value}\n" for i, ((key, _), value)
                                   in enumerate(zip(spec, values, strict=True)))))


MARKDOWN = st.lists(st.sampled_from([
    "# Heading\n", "## Section\n", "text NC-001 and CA-9\n", "<!-- c -->\n", "```\n",
    "| a | b |\n|---|---|\n", "- [x](../x.md)\n", "> quote\n", "\n", "<script>x</script>\n",
    "audience: internal\n", "---\n", "\x00\x1b\x85\u2028", "[ref]: <>\n", "*" * 50]),
    max_size=30).map("".join)


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(block=_yaml_with_aliases(), body=MARKDOWN, noise=st.binary(max_size=64),
       raw=st.booleans())
def test_hostile_yaml_and_markdown_never_raise(tmp_path_factory: pytest.TempPathFactory,
                                               block: str, body: str, noise: bytes,
                                               raw: bool) -> None:
    """The loader, the check, the auditor classification and every output format."""
    from smsdocs.core import config as config_mod
    from smsdocs.handbook import audience
    from smsdocs.reports import output
    from smsdocs.reports.report import Report
    from smsdocs.validate import validate

    root = tmp_path_factory.mktemp("hyp")
    (root / "records").mkdir()
    content = noise if raw else f"---\n{block}---\n{body}".encode("utf-8", "surrogatepass")
    (root / "records/r.md").write_bytes(content)
    config = config_mod.load(root)
    result = validate(root, config, config.rule_pack())
    assert all(f.rule != "check.crashed" for f in result.findings), result.findings
    excluded = audience.exclusion(result, ["internal_notes"])
    audience.filter_result(result, excluded)
    report = Report.of(result)
    for fmt in output.FORMATS:
        assert len(output.render(report, fmt)) < 1_000_000


# ---------------------------------------------------------------- 5. a pack bound to its source


def _rewrite(pack: Path, out: Path, name: str, data: bytes) -> Path:
    """A consistent rewrite: one file changed and its SHA-256 updated in the manifest."""
    with zipfile.ZipFile(pack) as src:
        entries = {i.filename: src.read(i) for i in src.infolist()}
    manifest = json.loads(entries["manifest.json"])
    entries[name] = data
    manifest["files"][name] = hashlib.sha256(data).hexdigest()
    entries["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(out, "w") as dst:
        for entry, content in entries.items():
            dst.writestr(entry, content)
    return out


def test_signed_pack_is_bound_to_its_commit_and_tree(example_git: Path, tmp_path: Path) -> None:
    shutil.copy2(REPO_ROOT / "mkdocs.yml", example_git / "mkdocs.yml")
    shutil.copy2(REPO_ROOT / "mkdocs.auditor.yml", example_git / "mkdocs.auditor.yml")
    git(example_git, "add", "-A")
    git(example_git, "commit", "-q", "-m", "site config")
    key = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "sms", "-f",
                    str(key)], check=True, capture_output=True)
    pack = tmp_path / "pack.zip"
    made = smsdocs("pack", str(example_git), "--out", str(pack), "--sign", str(key))
    assert made.returncode == 0, made.stderr[-3000:]
    manifest = json.loads(zipfile.ZipFile(pack).read("manifest.json"))
    head = subprocess.run(["git", "rev-parse", "HEAD", "HEAD^{tree}"], cwd=example_git,
                          capture_output=True, text=True, check=True).stdout.split()
    assert [manifest["source_commit"], manifest["source_tree"]] == head
    pub = f"{key}.pub"
    ok = verify_args(pack, "--key", pub, "--source", str(example_git))
    assert ok.returncode == 0, ok.stderr
    forged = _rewrite(pack, tmp_path / "forged.zip", "site/index.html", b"<p>all fine</p>")
    assert verify_args(forged).returncode == 0  # consistent: only a signature tells
    bad = verify_args(forged, "--key", pub)
    assert bad.returncode == 1 and "not a valid signature" in bad.stderr
    other = tmp_path / "other"
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    bad = verify_args(pack, "--source", str(other))
    assert bad.returncode == 1 and "is not a commit of" in bad.stderr
    unsigned = tmp_path / "unsigned.zip"
    with zipfile.ZipFile(pack) as src, zipfile.ZipFile(unsigned, "w") as dst:
        for info in src.infolist():
            if info.filename != "manifest.json.sig":
                dst.writestr(info, src.read(info))
    bad = verify_args(unsigned, "--key", pub)
    assert bad.returncode == 1 and "not signed" in bad.stderr


def verify_args(pack: Path, *args: str) -> subprocess.CompletedProcess:
    return smsdocs("pack", "--verify", str(pack), *args)
