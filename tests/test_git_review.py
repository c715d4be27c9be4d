"""Pull-request review from real git repositories: --base, document control, history,
change summary and baselines. Every repository is a real one in a temp folder."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from gitrepo import Repo, nc, policy, review, run_cli
from smsdocs.git.history import RepositoryHistory

AS_OF = "2026-11-23"


def findings_of(capsys, root: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(capsys, "check", str(root), "--format", "json", "--as-of", AS_OF,
                           *extra)
    return code, json.loads(out)


def rules_in(data: dict, file: str | None = None) -> set[tuple[str, int]]:
    return {(f["rule"], f["line"]) for f in data["findings"]
            if file is None or f["file"] == file}


@pytest.fixture
def approved(tmp_path: Path) -> Repo:
    """main: an approved policy (1.0, 2026-01-10), an approved review and a nonconformity."""
    repo = Repo(tmp_path / "sms")
    repo.commit("Approve the SM policy 1.0", {
        "docs/policy.md": policy(), "records/mr.md": review(), "records/nc.md": nc()},
        date="2026-01-10", author="Alice Approver")
    repo.git("checkout", "-q", "-b", "feature")
    return repo


# ------------------------------------------------------------------------- document control
def test_edit_of_approved_policy_without_reapproval_is_caught_at_the_line(capsys, approved):
    approved.commit("Reword a commitment", {
        "docs/policy.md": policy(commitment="We improve the SMS every quarter.")},
        date="2026-02-01", author="Bob Editor")
    for extra in ((), ("--base", "main")):
        code, data = findings_of(capsys, approved.root, *extra)
        hits = [f for f in data["findings"] if f["rule"] == "doc.changed-after-approval"]
        assert code == 1
        assert [(h["file"], h["line"], h["severity"]) for h in hits] == [
            ("docs/policy.md", 22, "error")]
        lines = (approved.root / "docs/policy.md").read_text().split("\n")
        assert lines[21] == "- We improve the SMS every quarter."
        assert "Bob Editor" in hits[0]["message"] and "Reword a commitment" in hits[0]["message"]


def test_a_draft_next_to_it_does_not_stop_document_control(capsys, approved):
    draft = policy().replace("id: POL-001", "id: POL-000").replace("status: approved",
                                                                   "status: draft")
    approved.commit("Draft a new policy and reword a commitment", {
        "docs/a-draft.md": draft,
        "docs/policy.md": policy(commitment="We improve the SMS every quarter.")},
        date="2026-02-01")
    _, data = findings_of(capsys, approved.root)
    assert ("doc.changed-after-approval", 22) in rules_in(data, "docs/policy.md")


def test_reapproved_edit_passes(capsys, approved):
    approved.commit("Policy 1.1: reword a commitment", {
        "docs/policy.md": policy(version="1.1", approved_on="2026-02-01",
                                 commitment="We improve the SMS every quarter.")},
        date="2026-02-01")
    _, data = findings_of(capsys, approved.root, "--base", "main")
    assert not any(f["rule"] == "doc.changed-after-approval" for f in data["findings"])
    docs = data["changes"]["documents"]
    assert [(d["change"], d["id"]) for d in docs] == [("changed", "POL-001")]
    assert "version 1.0 → 1.1" in docs[0]["detail"]


def test_edits_up_to_the_approval_date_are_part_of_the_approved_text(capsys, tmp_path):
    repo = Repo(tmp_path / "sms")
    repo.commit("Draft", {"docs/policy.md": policy(approved_on="2026-03-01")}, date="2026-02-01")
    repo.commit("Typo", {"docs/policy.md": policy(approved_on="2026-03-01",
                                                  commitment="We improve continually.")},
                date="2026-03-01")
    _, data = findings_of(capsys, repo.root)
    assert not any(f["rule"] == "doc.changed-after-approval" for f in data["findings"])


def test_uncommitted_and_staged_edits_count(capsys, approved):
    approved.write({"docs/policy.md": policy(commitment="Changed but not committed.")})
    _, data = findings_of(capsys, approved.root)
    hits = [f for f in data["findings"] if f["rule"] == "doc.changed-after-approval"]
    assert [(h["line"], "uncommitted" in h["message"]) for h in hits] == [(22, True)]
    approved.git("add", "-A")
    _, data = findings_of(capsys, approved.root, "--base", "main")
    assert ("doc.changed-after-approval", 22) in rules_in(data, "docs/policy.md")


def test_an_uncommitted_edit_is_dated_by_as_of_not_by_the_clock(capsys, tmp_path):
    """Approved (and committed) on 2026-11-23, then edited without a commit: on the approval
    day that edit is part of the approved text; a day later it is a change without approval.
    The real clock (any day after 2026-11-23) must not decide."""
    repo = Repo(tmp_path / "sms")
    repo.commit("Approve", {"docs/policy.md": policy(approved_on=AS_OF)}, date=AS_OF)
    repo.write({"docs/policy.md": policy(approved_on=AS_OF, commitment="Edited today.")})
    _, data = findings_of(capsys, repo.root)
    assert not any(f["rule"] == "doc.changed-after-approval" for f in data["findings"])
    code, out, _ = run_cli(capsys, "check", str(repo.root), "--format", "json",
                           "--as-of", "2026-11-24")
    hits = [(f["line"], "uncommitted" in f["message"]) for f in json.loads(out)["findings"]
            if f["rule"] == "doc.changed-after-approval"]
    assert code == 1 and hits == [(22, True)]


def test_review_decisions_are_protected_but_status_and_slips_are_not_errors(capsys, approved):
    approved.commit("Close MR-ACT-001, move MR-ACT-001 on", {
        "records/mr.md": review(status1="in-progress", target1="2026-10-31")}, date="2026-04-01")
    code, data = findings_of(capsys, approved.root)
    assert not any(f["rule"] == "record.decision-edited" for f in data["findings"])
    approved.commit("Hand MR-ACT-001 to the CTO", {
        "records/mr.md": review(status1="in-progress", target1="2026-10-31", owner="CTO")},
        date="2026-05-01", author="Carol Changer")
    _, data = findings_of(capsys, approved.root)
    hits = [f for f in data["findings"] if f["rule"] == "record.decision-edited"]
    assert [(h["file"], h["line"], h["severity"]) for h in hits] == [
        ("records/mr.md", 13, "error")]
    assert "owner changed from 'Service Delivery Manager' to 'CTO'" in hits[0]["message"]
    assert "Carol Changer" in hits[0]["message"]


def test_document_control_is_skipped_outside_git(capsys, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/policy.md").write_text(policy(), encoding="utf-8")
    _, data = findings_of(capsys, tmp_path)
    assert not any(f["rule"].startswith("doc.") for f in data["findings"])
    code, _, err = run_cli(capsys, "check", str(tmp_path), "--base", "main", "--as-of", AS_OF)
    assert code == 2 and "git work tree" in err


# ------------------------------------------------------------------------- --base scope
def test_base_leaves_out_untouched_files_but_keeps_what_the_change_broke(capsys, approved):
    # an untouched file with its own problem, present before the change
    approved.git("checkout", "-q", "main")
    approved.commit("Add a procedure without an owner", {"docs/proc.md": """\
        ---
        id: PROC-001
        type: procedure
        title: Change procedure
        status: draft
        version: "0.1"
        ---
        # Change procedure

        Mentions MR-ACT-099, which never existed.
        """}, date="2026-01-11")
    approved.git("checkout", "-q", "feature")
    approved.git("merge", "-q", "main", date="2026-01-12T12:00:00+00:00")
    _, full = findings_of(capsys, approved.root)
    assert ("field.required", 3) in rules_in(full, "docs/proc.md")
    assert ("ref.unknown", 10) in rules_in(full, "docs/proc.md")
    # the change removes MR-ACT-002, which the untouched nonconformity refers to
    approved.commit("Drop MR-ACT-002", {"records/mr.md": review(action2=False)},
                    date="2026-02-01")
    _, data = findings_of(capsys, approved.root, "--base", "main")
    files = {f["file"] for f in data["findings"]}
    assert "docs/proc.md" not in files  # untouched, and not caused by the change
    broken = [f for f in data["findings"] if f["rule"] == "ref.unknown"]
    assert [(f["file"], f["line"]) for f in broken] == [("records/nc.md", 12)]
    assert "MR-ACT-002" in broken[0]["message"]
    assert data["changes"]["findings_not_shown"] >= 2
    assert [(a["change"], a["id"]) for a in data["changes"]["actions"]] == [
        ("removed", "MR-ACT-002")]
    assert data["summary"]["errors"] == len(
        [f for f in data["findings"] if f["severity"] == "error"])


def test_base_counts_committed_staged_unstaged_and_untracked(capsys, approved):
    approved.commit("Committed", {"records/nc.md": nc(more=" (committed)")}, date="2026-02-01")
    approved.write({"docs/new.md": "# A page with no front matter\n"})  # untracked
    approved.write({"records/mr.md": review(status1="done")})  # unstaged
    _, data = findings_of(capsys, approved.root, "--base", "main")
    assert set(data["changes"]["files"]) == {"records/nc.md", "docs/new.md", "records/mr.md"}
    assert [(a["change"], a["id"]) for a in data["changes"]["actions"]] == [
        ("closed", "MR-ACT-001")]


def test_duplicate_id_in_untouched_file_caused_by_the_change_is_kept(capsys, approved):
    approved.commit("A second policy reusing POL-001", {
        "docs/zz-copy.md": policy().replace("Service management policy", "Copy")},
        date="2026-02-01")
    _, data = findings_of(capsys, approved.root, "--base", "main")
    assert ("id.duplicate", 2) in rules_in(data, "docs/zz-copy.md")
    # reported at the second use; the first use (untouched) is not reported twice
    assert not rules_in(data, "docs/policy.md") & {("id.duplicate", 2)}


# ------------------------------------------------------------------------- change summary
def test_slipped_target_date_shows_in_the_summary_with_days(capsys, approved, tmp_path):
    approved.git("checkout", "-q", "main")
    approved.commit("First slip of MR-ACT-001", {"records/mr.md": review(target1="2026-10-15")},
                    date="2026-03-01")
    approved.git("checkout", "-q", "-B", "feature")
    approved.commit("Second slip, close MR-ACT-002 later", {
        "records/mr.md": review(target1="2026-12-14")}, date="2026-04-01")
    summary = tmp_path / "summary.md"
    code, out, _ = run_cli(capsys, "check", str(approved.root), "--as-of", AS_OF,
                           "--base", "main", "--summary", str(summary))
    assert "slipped   MR-ACT-001" in out and "(+60 days; slipped 2× in its history)" in out
    text = summary.read_text(encoding="utf-8")
    assert "| slipped | MR-ACT-001 |" in text and "+60 days (slipped 2× in its history)" in text
    assert "2026-10-15 → 2026-12-14" in text
    assert "9.3" in text and "Clauses affected" in text
    _, data = findings_of(capsys, approved.root, "--base", "main")
    slip = data["changes"]["actions"][0]
    assert (slip["change"], slip["days"], slip["slips"]) == ("slipped", 60, 2)
    assert not any(f["rule"] == "record.decision-edited" for f in data["findings"])


def test_json_has_changes_only_with_base(capsys, approved):
    _, data = findings_of(capsys, approved.root)
    assert set(data) == {"findings", "summary"}
    _, data = findings_of(capsys, approved.root, "--base", "main")
    assert set(data) == {"findings", "summary", "changes"}


def test_retired_and_added_documents(capsys, approved):
    approved.commit("Retire the policy, add a procedure", {
        "docs/policy.md": policy().replace("status: approved", "status: retired"),
        "docs/proc.md": policy().replace("POL-001", "PROC-002").replace("type: policy",
                                                                       "type: procedure")},
        remove=("records/nc.md",), date="2026-02-01")
    _, data = findings_of(capsys, approved.root, "--base", "main")
    changes = {(d["change"], d["id"]) for d in data["changes"]["documents"]}
    assert changes == {("retired", "POL-001"), ("added", "PROC-002"), ("retired", "NC-001")}


# ------------------------------------------------------------------------- history API
def test_history_of_a_file_matches_the_commits(tmp_path):
    repo = Repo(tmp_path / "sms")
    shas = [repo.commit("Draft the policy", {"docs/policy.md": policy(version="0.9")},
                        date="2026-01-05", author="Dana Drafter"),
            repo.commit("Approve 1.0", {"docs/policy.md": policy()}, date="2026-01-10",
                        author="Alice Approver"),
            repo.commit("Unrelated record", {"records/nc.md": nc()}, date="2026-01-11")]
    repo.git("mv", "docs/policy.md", "docs/sm-policy.md")
    shas.append(repo.commit("Rename the policy file", date="2026-01-12"))
    shas.append(repo.commit("Policy 1.1", {"docs/sm-policy.md": policy(
        version="1.1", approved_on="2026-02-01", commitment="Quarterly.")},
        date="2026-02-01T08:30:00+01:00", author="Alice Approver"))
    with RepositoryHistory.open(repo.root, ["docs", "records"]) as history:
        revs = history.revisions("docs/sm-policy.md")
        assert [r.commit for r in revs] == [shas[0], shas[1], shas[3], shas[4]]
        assert [r.subject for r in revs] == ["Draft the policy", "Approve 1.0",
                                             "Rename the policy file", "Policy 1.1"]
        assert [r.author for r in revs] == ["Dana Drafter", "Alice Approver", "Sam Manager",
                                            "Alice Approver"]
        assert [r.version for r in revs] == ["0.9", "1.0", "1.0", "1.1"]
        assert [r.change for r in revs] == ["A", "M", "R", "M"]
        assert revs[0].date == dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)
        assert revs[-1].date == dt.datetime(2026, 2, 1, 8, 30,
                                            tzinfo=dt.timezone(dt.timedelta(hours=1)))
        assert revs[-1].approved_on == dt.date(2026, 2, 1)
        assert [r.path for r in revs][:2] == ["docs/policy.md"] * 2
        assert history.revisions("docs/nothing.md") == []


def test_action_history_shows_status_changes_and_slips(tmp_path):
    repo = Repo(tmp_path / "sms")
    repo.commit("Review held", {"records/mr.md": review(status="draft")}, date="2026-03-02")
    repo.commit("Start MR-ACT-001", {"records/mr.md": review(status1="in-progress")},
                date="2026-04-01")
    repo.commit("Slip MR-ACT-001", {"records/mr.md": review(status1="in-progress",
                                                           target1="2026-10-30")},
                date="2026-05-01", author="Bob Editor")
    repo.commit("Close MR-ACT-001", {"records/mr.md": review(status1="done",
                                                            target1="2026-10-30")},
                date="2026-06-01")
    repo.commit("Drop MR-ACT-002", {"records/mr.md": review(status1="done", target1="2026-10-30",
                                                           action2=False)}, date="2026-06-02")
    with RepositoryHistory.open(repo.root) as history:
        events = history.action_history("MR-ACT-001")
        assert [(e.date.date().isoformat(), e.kind, e.status) for e in events] == [
            ("2026-03-02", "opened", "open"), ("2026-04-01", "status", "in-progress"),
            ("2026-05-01", "target-date", "in-progress"), ("2026-06-01", "status", "done")]
        assert events[1].change == "status open → in-progress"
        assert events[2].days == 30 and events[2].slipped and events[2].author == "Bob Editor"
        assert events[2].target_date == dt.date(2026, 10, 30)
        assert [e.kind for e in history.action_history("MR-ACT-002", "records/mr.md")] == [
            "opened", "removed"]
        assert len(history.slips("MR-ACT-001")) == 1


# ------------------------------------------------------------------------- baseline
def test_baseline_suppresses_existing_findings_and_fails_on_a_new_one(capsys, approved):
    out_file = approved.root / ".smsdocs-baseline.json"
    code, out, _ = run_cli(capsys, "baseline", str(approved.root), "--as-of", AS_OF)
    assert code == 0 and out_file.is_file()
    stored = json.loads(out_file.read_text())
    assert stored["findings"] and all("line" not in e for e in stored["findings"])
    code, out, _ = run_cli(capsys, "check", str(approved.root), "--as-of", AS_OF,
                           "--baseline", str(out_file))
    assert code == 0, out
    suppressed = sum(e["count"] for e in stored["findings"])
    assert re.search(rf"(?<!\d){suppressed} baselined finding\(s\) suppressed", out), out
    # shifting every line of the review down keeps its findings baselined
    text = (approved.root / "records/mr.md").read_text()
    approved.write({"records/mr.md": text.replace("# Management review, first half of 2026\n",
                                                  "# Management review, first half of 2026\n"
                                                  "\nAn added paragraph.\n\n")})
    code, _, _ = run_cli(capsys, "check", str(approved.root), "--as-of", AS_OF,
                         "--baseline", str(out_file))
    assert code == 0
    # a new error fails, and only it is reported
    approved.write({"records/nc.md": nc(more=" and NC-404")})
    code, data = findings_of(capsys, approved.root, "--baseline", str(out_file))
    assert code == 1
    assert [(f["rule"], f["file"]) for f in data["findings"]] == [
        ("ref.unknown", "records/nc.md")]
