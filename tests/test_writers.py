"""Careful writers: every command that writes a user's file does it atomically, with the
user's umask, never over an existing file (unless it regenerates its own output), never
through a symlink, and allocates ids safely when several runs race."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import write_files

DATA = Path(__file__).parent / "data"


def smsdocs(*args: str, umask: int = 0o022, cwd: Path | None = None
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smsdocs", *args], capture_output=True,
                          text=True, cwd=cwd, check=False, preexec_fn=lambda: os.umask(umask))


def modes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): stat.S_IMODE(p.stat().st_mode)
            for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_init_new_and_import_write_with_the_users_umask(tmp_path: Path, umask: int,
                                                        mode: int) -> None:
    repo = tmp_path / "sms"
    made = smsdocs("init", str(repo), "--org", "Acme", "--no-git", umask=umask)
    assert made.returncode == 0, made.stderr
    assert smsdocs("new", "nonconformity", "--root", str(repo), umask=umask).returncode == 0
    imported = smsdocs("import", "review", str(DATA / "management-review.json"),
                       "--root", str(repo), umask=umask)
    assert imported.returncode == 0, imported.stderr
    exported = smsdocs("export", "review", "MR-2025-01", "--root", str(repo),
                       "--out", str(repo / "mr.json"), umask=umask)
    assert exported.returncode == 0, exported.stderr
    assert smsdocs("baseline", str(repo), umask=umask).returncode == 0
    found = modes(repo)
    assert "records/nonconformities/nc-2026-01.md" in found or any(
        k.startswith("records/nonconformities/nc-") for k in found)
    assert any(k.startswith("records/management-reviews/mr-2025") for k in found)
    assert {"mr.json", ".smsdocs-baseline.json", "docs/sms/plan.md"} <= set(found)
    assert set(found.values()) == {mode}, {k: oct(v) for k, v in found.items() if v != mode}
    assert not [p for p in repo.rglob(".smsdocs-*.tmp")], "a temporary file was left behind"


def test_every_writer_refuses_to_write_through_a_symlink(tmp_path: Path) -> None:
    repo = tmp_path / "sms"
    assert smsdocs("init", str(repo), "--org", "Acme", "--no-git").returncode == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    link = repo / "link.out"
    link.symlink_to(victim)
    dangling = repo / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere.md")
    runs = {
        "baseline": smsdocs("baseline", str(repo), "--out", str(link)),
        "new": smsdocs("new", "policy", "--root", str(repo), "--out", str(link)),
        "new (dangling link)": smsdocs("new", "policy", "--root", str(repo), "--out",
                                       str(dangling)),
        "import": smsdocs("import", "review", str(DATA / "management-review.json"),
                          "--root", str(repo), "--out", str(dangling)),
        "pack": smsdocs("pack", str(repo), "--out", str(link)),
    }
    imported = smsdocs("import", "review", str(DATA / "management-review.json"),
                       "--root", str(repo))
    assert imported.returncode == 0
    runs["export"] = smsdocs("export", "review", "MR-2025-01", "--root", str(repo),
                             "--out", str(link))
    for name, run in runs.items():
        assert run.returncode == 2, (name, run.stdout, run.stderr)
        assert "symbolic link" in run.stderr and "Traceback" not in run.stderr, name
    assert victim.read_text() == "keep me\n"
    assert not (tmp_path / "nowhere.md").exists()
    # init into a folder where a template's path is a link: refused, target untouched.
    (repo / "docs" / "sms" / "scope.md").unlink()
    (repo / "docs" / "sms" / "scope.md").symlink_to(victim)
    forced = smsdocs("init", str(repo), "--org", "Acme", "--no-git", "--force")
    assert forced.returncode == 2 and "symbolic link" in forced.stderr
    assert victim.read_text() == "keep me\n"


def test_baseline_re_recording_replaces_its_file_and_export_never_overwrites(
        tmp_path: Path) -> None:
    repo = tmp_path / "sms"
    assert smsdocs("init", str(repo), "--org", "Acme", "--no-git").returncode == 0
    baseline = repo / ".smsdocs-baseline.json"
    assert smsdocs("baseline", str(repo)).returncode == 0
    first = json.loads(baseline.read_text())
    (repo / "docs" / "sms" / "scope.md").unlink()
    again = smsdocs("baseline", str(repo))
    assert again.returncode == 0, again.stderr
    assert json.loads(baseline.read_text()) != first  # re-recorded in place
    imported = smsdocs("import", "review", str(DATA / "management-review.json"),
                       "--root", str(repo))
    assert imported.returncode == 0
    out = repo / "mr.json"
    out.write_text("mine\n")
    refused = smsdocs("export", "review", "MR-2025-01", "--root", str(repo), "--out", str(out))
    assert refused.returncode == 2 and "never overwrites" in refused.stderr
    assert out.read_text() == "mine\n"


def test_import_takes_only_known_fields_and_escapes_text(tmp_path: Path) -> None:
    data = json.loads((DATA / "management-review.json").read_text())
    data["review_metadata"].update({"id": "MR-FORGED", "status": "approved", "type": "policy",
                                    "clauses": ["4.1"], "audience": "public"})
    data["inputs"]["audit_results"]["summary"] = (
        "Two findings <script>alert(1)</script>\n## Injected heading\n"
        "<!-- smsdocs:input forged -->")
    data["inputs"]["audit_results"]["key_findings"].append("<img src=x onerror=alert(2)>")
    data["decisions"][0]["decision"] = "Hire *now* [click](javascript:alert(3))"
    data["decisions"][0]["internal_notes"] = "dropped: not a field smsdocs knows"
    data["decisions"][0]["closed_on"] = "2025-02-01"
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data))
    repo = write_files(tmp_path / "sms", {"smsdocs.yml": "paths: [docs, records]\n"})
    result = smsdocs("import", "review", str(source), "--root", str(repo))
    assert result.returncode == 0, result.stderr
    assert "review_metadata.id" in result.stderr and "review_metadata.status" in result.stderr
    text = next((repo / "records" / "management-reviews").glob("*.md")).read_text()
    front = text.split("---\n")[1]
    assert re.search(r"^id: MR-2025-01$", front, re.M)
    assert "MR-FORGED" not in text and "status: approved" not in front
    assert "type: management-review" in front and "audience" not in front
    decision = yaml.safe_load(front)["actions"][0]
    assert "internal_notes" not in decision and decision["closed_on"] == "2025-02-01"
    body = text.split("---\n", 2)[2]
    unescaped_tags = [m for m in re.findall(r"(?<!\\)<[^\n]*", body)
                      if not m.startswith("<!-- smsdocs:input ")]
    assert unescaped_tags == [] and "\n## Injected" not in body
    assert "[click](" not in body and "*now*" not in body
    assert body.count("<!-- smsdocs:input") == len(data["inputs"])
    # ...and the text reads back exactly (newlines become spaces).
    back = smsdocs("export", "review", "MR-2025-01", "--root", str(repo))
    assert back.returncode == 0, back.stderr
    audit = json.loads(back.stdout)["inputs"]["audit_results"]
    assert audit["summary"] == ("Two findings <script>alert(1)</script> ## Injected heading "
                                "<!-- smsdocs:input forged -->")
    assert audit["key_findings"][-1] == "<img src=x onerror=alert(2)>"
    assert json.loads(back.stdout)["decisions"][0]["decision"] == data["decisions"][0][
        "decision"]


@pytest.mark.parametrize("with_out", [True, False])
def test_concurrent_new_runs_get_distinct_ids(tmp_path: Path, with_out: bool) -> None:
    repo = write_files(tmp_path / "sms", {"smsdocs.yml": "paths: [docs, records]\n"})
    runs = []
    for n in range(4):
        out = ["--out", str(repo / "records" / f"nc-{n}.md")] if with_out else []
        runs.append(subprocess.Popen(
            [sys.executable, "-m", "smsdocs", "new", "nonconformity", "--root", str(repo),
             "--date", "2026-03-01", *out], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True))
    results = [(run.wait(), *run.communicate()) for run in runs]
    assert all(code == 0 for code, _, err in results), results
    ids = sorted(re.search(r"\((NC-[0-9-]+)\)", out).group(1) for _, out, _ in results)
    assert ids == ["NC-2026-01", "NC-2026-02", "NC-2026-03", "NC-2026-04"]
    written = sorted(re.search(r"^id: (\S+)$", p.read_text(), re.M).group(1)
                     for p in repo.rglob("*.md"))
    assert written == ids


@pytest.mark.parametrize(("paths", "line"), [("[docs, /etc]", 1), ("\n  - docs\n  - ../x", 3)])
def test_paths_outside_the_root_are_a_configuration_error_with_its_line(
        tmp_path: Path, paths: str, line: int) -> None:
    outside = tmp_path / "x"
    outside.mkdir()
    (outside / "secret.md").write_text("---\nid: POL-666\ntype: policy\n---\n# Not ours\n")
    repo = write_files(tmp_path / "sms", {"smsdocs.yml": f"paths: {paths}\n",
                                          "docs/index.md": "# Handbook\n"})
    result = smsdocs("check", str(repo))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"smsdocs.yml:{line}: 'paths' entry" in result.stderr
    assert "outside the repository" in result.stderr and "POL-666" not in result.stdout
