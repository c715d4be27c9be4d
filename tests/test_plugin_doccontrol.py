"""The handbook judges what the gate judges: the plugin and `smsdocs render` run the
document-control checks from git history too (real repository, real builds)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from gitrepo import Repo, nc, policy, review
from sites import build_site

MKDOCS_YML = "site_name: SMS\ntheme:\n  name: material\nplugins:\n  - smsdocs\n"
FINDING = "docs/policy.md:22: [doc.changed-after-approval] error"


def _edited(tmp_path: Path) -> Repo:
    """An approved policy reworded in a later commit, without re-approval."""
    repo = Repo(tmp_path / "sms")
    repo.commit("Approve the SM policy 1.0", {
        "mkdocs.yml": MKDOCS_YML, "docs/index.md": "# SMS\n", "docs/policy.md": policy(),
        "records/mr.md": review(), "records/nc.md": nc()},
        date="2026-01-10", author="Alice Approver")
    repo.commit("Reword a commitment", {
        "docs/policy.md": policy(commitment="We improve the SMS every quarter.")},
        date="2026-02-01", author="Bob Editor")
    return repo


def test_the_plugin_logs_document_control_findings_and_strict_fails(tmp_path: Path) -> None:
    repo = _edited(tmp_path)
    built = build_site(repo.root, tmp_path / "site")
    assert built.returncode == 0 and FINDING in built.stderr, built.stderr[-3000:]
    strict = build_site(repo.root, tmp_path / "strict", strict=True)
    assert strict.returncode == 1 and FINDING in strict.stderr, strict.stderr[-3000:]


def test_render_reports_document_control_findings_on_its_findings_page(tmp_path: Path) -> None:
    repo = _edited(tmp_path)
    out = tmp_path / "plain"
    done = subprocess.run([sys.executable, "-m", "smsdocs", "render", str(repo.root), "--out",
                           str(out), "--as-of", "2026-11-23"], capture_output=True, text=True,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    findings = (out / "docs/registers/findings.md").read_text(encoding="utf-8")
    assert re.search(r"<tr><td>22</td>.*<code>doc\.changed-after-approval</code>", findings)
