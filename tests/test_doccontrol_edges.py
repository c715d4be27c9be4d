"""Document control at its edges, from real git repositories: decisions removed, added and
emptied after the approval of a review, each edit blamed on the commit that made it, the
line where an edited document first differs, and a crash in one record's check.

These close surviving mutants of ``checks/doccontrol.py`` (bench/mutation.py): every test
names the exact findings, lines and culprits, so a changed comparison or loop exit fails."""

from __future__ import annotations

import subprocess

import pytest
from gitrepo import ACTION_2, Repo, policy, review
from smsdocs.checks import doccontrol
from test_git_review import findings_of

ACTION_1 = """\
  - id: MR-ACT-001
    title: Add a second on-call engineer for the Payroll service
    owner: Service Delivery Manager
    target_date: 2026-09-30
    status: open
    success_criteria: P1 incidents answered within 15 minutes for two quarters
    clauses: ["8.6.1"]
"""
REVIEW = "records/mr.md"


def decisions(data: dict) -> list[tuple[int, str, str]]:
    """(line, detail from the message, culprit's author) of each record.decision-edited."""
    found = []
    for f in data["findings"]:
        if f["rule"] == "record.decision-edited":
            assert f["file"] == REVIEW and f["severity"] == "error"
            author = next((a for a in ("Alice", "Bob", "Carol") if a in f["message"]), "")
            found.append((f["line"], f["message"], author))
    return found


@pytest.fixture
def approved_review(tmp_path) -> Repo:  # type: ignore[no-untyped-def]
    """An approved review with two decisions (MR-ACT-001 from line 11, MR-ACT-002 from 18),
    committed on its approval."""
    repo = Repo(tmp_path / "sms")
    repo.commit("Approve the review", {REVIEW: review()}, date="2026-03-02", author="Alice A")
    assert review().split("\n")[10] == ACTION_1.split("\n")[0]
    assert review().split("\n")[17] == ACTION_2.split("\n")[0]
    return repo


def test_a_removed_decision_does_not_hide_an_edit_of_the_next_one(capsys, approved_review):
    """After reporting a removed decision, the decisions after it are still compared."""
    text = review().replace(ACTION_1, "").replace("owner: Supplier Manager", "owner: CFO")
    approved_review.commit("Drop MR-ACT-001, hand MR-ACT-002 to the CFO", {REVIEW: text},
                           date="2026-04-01", author="Bob B")
    _, data = findings_of(capsys, approved_review.root)
    found = decisions(data)
    assert [(line, author) for line, _, author in found] == [(10, "Bob"), (13, "Bob")]
    assert text.split("\n")[9] == "actions:" and text.split("\n")[12] == "    owner: CFO"
    assert "the decision was removed" in found[0][1] and "MR-ACT-001" in found[0][1]
    assert "owner changed from 'Supplier Manager' to 'CFO'" in found[1][1]
    assert "MR-ACT-002" in found[1][1]


def test_an_added_decision_is_reported_at_its_id_with_the_commit_that_added_it(
        capsys, tmp_path):
    repo = Repo(tmp_path / "sms")
    repo.commit("Approve the review", {REVIEW: review(action2=False)}, date="2026-03-02",
                author="Alice A")
    repo.commit("Fix a typo elsewhere", {"records/notes.md": "# Notes\n"}, date="2026-03-10")
    repo.commit("Add MR-ACT-002", {REVIEW: review()}, date="2026-04-01", author="Carol C")
    _, data = findings_of(capsys, repo.root)
    found = decisions(data)
    assert [(line, author) for line, _, author in found] == [(18, "Carol")]
    assert "the decision was added" in found[0][1] and "MR-ACT-002" in found[0][1]
    assert "Add MR-ACT-002" in found[0][1]


def test_each_edited_field_names_the_commit_that_changed_it(capsys, approved_review):
    """Two later commits edit two fields of one decision: each finding blames its own."""
    retitled = review().replace("title: Add a second on-call engineer",
                                "title: Add a third on-call engineer")
    approved_review.commit("Retitle MR-ACT-001", {REVIEW: retitled}, date="2026-04-01",
                           author="Bob B")
    approved_review.commit("Hand MR-ACT-001 over", {
        REVIEW: retitled.replace("owner: Service Delivery Manager", "owner: CTO")},
        date="2026-05-01", author="Carol C")
    _, data = findings_of(capsys, approved_review.root)
    found = decisions(data)
    assert [(line, author) for line, _, author in found] == [(12, "Bob"), (13, "Carol")]
    assert "title changed from 'Add a second" in found[0][1]
    assert "owner changed from 'Service Delivery Manager' to 'CTO'" in found[1][1]


def test_a_decision_field_taken_out_is_reported_at_the_decision_id(capsys, approved_review):
    """A field no longer written has no line of its own: the decision's id line stands."""
    text = review().replace(
        "    success_criteria: P1 incidents answered within 15 minutes for two quarters\n", "")
    approved_review.commit("Drop a success criterion", {REVIEW: text}, date="2026-04-01",
                           author="Bob B")
    _, data = findings_of(capsys, approved_review.root)
    found = decisions(data)
    assert [(line, author) for line, _, author in found] == [(11, "Bob")]
    assert ("success criteria changed from 'P1 incidents answered within 15 minutes for two "
            "quarters' to ''") in found[0][1]


def test_a_review_is_not_checked_as_a_document(capsys, approved_review):
    """A review's status and action statuses may change; only its decisions are controlled
    (a review read as a document would report doc.changed-after-approval here)."""
    approved_review.commit("Progress", {REVIEW: review(status1="in-progress")},
                           date="2026-04-01")
    _, data = findings_of(capsys, approved_review.root)
    assert [f["rule"] for f in data["findings"]
            if f["rule"] in ("doc.changed-after-approval", "record.decision-edited")] == []


@pytest.mark.parametrize(("old", "new", "line"), [
    ("a\nb\nc", "a\nb\nc", 1),  # no difference at all
    ("a\nb\nc", "x\nb\nc", 1),  # the first line replaced
    ("a\nb\nc", "a\nB\nc", 2),
    ("a\nb\nc", "a\nc", 2),  # a line deleted: where the text after it now stands
    ("a\nb\nc", "a\nb", 2),  # the last line deleted: never past the end of the new text
    ("a\nb\nc", "a\nb\nc\nd", 4),  # a line appended
    ("a\nb", "a\nx\ny\nb", 2),  # lines inserted
])
def test_first_changed_line(old: str, new: str, line: int) -> None:
    assert doccontrol.first_changed_line(old, new) == line


def test_an_edit_after_the_approval_commit_is_reported_at_its_first_changed_line(
        capsys, tmp_path):
    """The line comes from comparing the approved text with the current one: a deleted
    commitment is reported where the text after it now stands."""
    repo = Repo(tmp_path / "sms")
    repo.commit("Approve", {"docs/policy.md": policy()}, date="2026-01-10")
    lines = policy().split("\n")
    shorter = "\n".join(lines[:20] + lines[21:])  # "We review the SMS ..." deleted
    repo.commit("Drop a commitment", {"docs/policy.md": shorter}, date="2026-02-01")
    _, data = findings_of(capsys, repo.root)
    assert [(f["file"], f["line"]) for f in data["findings"]
            if f["rule"] == "doc.changed-after-approval"] == [("docs/policy.md", 21)]


def test_a_crash_in_one_record_is_reported_at_its_first_line_and_the_others_still_run(
        capsys, approved_review, monkeypatch):
    """Trouble with one record's history (here a planted exception) is a check.crashed
    finding at line 1 of that file; document control goes on for the other records."""
    real = doccontrol._check_document

    def explode(ctx, history, record, *rest):  # type: ignore[no-untyped-def]
        if record.path == "docs/policy.md":
            raise RuntimeError("boom")
        real(ctx, history, record, *rest)

    monkeypatch.setattr(doccontrol, "_check_document", explode)
    approved_review.commit("Add the policy", {"docs/policy.md": policy()}, date="2026-01-10")
    approved_review.commit("Hand MR-ACT-001 over", {
        REVIEW: review(owner="CTO"), "docs/policy.md": policy(commitment="Changed.")},
        date="2026-05-01", author="Carol C")
    _, data = findings_of(capsys, approved_review.root)
    crashed = [(f["file"], f["line"], f["severity"]) for f in data["findings"]
               if f["rule"] == "check.crashed"]
    assert crashed == [("docs/policy.md", 1, "error")]
    assert "document control: RuntimeError: boom" in next(
        f["message"] for f in data["findings"] if f["rule"] == "check.crashed")
    assert [(line, author) for line, _, author in decisions(data)] == [(13, "Carol")]


def test_a_field_taken_out_of_a_decision_written_id_second_is_reported_at_its_id(
        capsys, tmp_path):
    """The id line, not the first line of the decision's entry, when they differ."""
    first = ("  - id: MR-ACT-001\n    title: Add a second on-call engineer for the Payroll "
             "service\n")
    swapped = review().replace(first, "  - title: Add a second on-call engineer for the "
                                      "Payroll service\n    id: MR-ACT-001\n")
    repo = Repo(tmp_path / "sms")
    repo.commit("Approve the review", {REVIEW: swapped}, date="2026-03-02", author="Alice A")
    repo.commit("Drop a success criterion", {REVIEW: swapped.replace(
        "    success_criteria: P1 incidents answered within 15 minutes for two quarters\n",
        "")}, date="2026-04-01", author="Bob B")
    _, data = findings_of(capsys, repo.root)
    assert swapped.split("\n")[11] == "    id: MR-ACT-001"
    assert [(line, author) for line, _, author in decisions(data)] == [(12, "Bob")]


def test_a_new_approved_document_not_yet_committed_is_its_own_approval(capsys, approved_review):
    """No commit holds the file yet (untracked, then staged): nothing to compare with."""
    approved_review.write({"docs/policy.md": policy()})
    _, data = findings_of(capsys, approved_review.root)
    assert [f["rule"] for f in data["findings"] if f["rule"] in (
        "doc.changed-after-approval", "record.decision-edited", "check.crashed")] == []
    approved_review.git("add", "-A")
    _, data = findings_of(capsys, approved_review.root)
    assert [f["rule"] for f in data["findings"] if f["rule"] in (
        "doc.changed-after-approval", "record.decision-edited", "check.crashed")] == []


def test_only_approved_documents_are_controlled(capsys, tmp_path):
    """A document with no status (or any status but 'approved') edited after its
    approved_on date is not under document control."""
    repo = Repo(tmp_path / "sms")
    unset = policy().replace("status: approved\n", "")
    repo.commit("Draft", {"docs/policy.md": unset}, date="2026-01-10")
    repo.commit("Edit", {"docs/policy.md": unset.replace("continually", "every year")},
                date="2026-02-01")
    _, data = findings_of(capsys, repo.root)
    assert [f["rule"] for f in data["findings"]
            if f["rule"] in ("doc.changed-after-approval", "check.crashed")] == []
    repo.commit("Approve", {"docs/policy.md": policy(approved_on="2026-02-01",
                                                     commitment="We improve every year.")},
                date="2026-02-01")
    repo.commit("Edit", {"docs/policy.md": policy(approved_on="2026-02-01",
                                                  commitment="We improve.")},
                date="2026-03-01")
    _, data = findings_of(capsys, repo.root)
    assert [(f["rule"], f["line"]) for f in data["findings"]
            if f["rule"] in ("doc.changed-after-approval", "check.crashed")] == [
        ("doc.changed-after-approval", 22)]


def test_a_new_version_in_a_commit_is_a_new_approval(capsys, tmp_path):
    """The approval is the commit that set the current version and approved_on: raising the
    version (even with approved_on kept) makes that commit the approved text."""
    repo = Repo(tmp_path / "sms")
    repo.commit("Approve 1.0", {"docs/policy.md": policy()}, date="2026-01-10")
    repo.commit("1.1", {"docs/policy.md": policy(version="1.1", commitment="We improve.")},
                date="2026-02-01")
    _, data = findings_of(capsys, repo.root)
    assert [f["rule"] for f in data["findings"]
            if f["rule"] in ("doc.changed-after-approval", "check.crashed")] == []


def test_unreadable_history_is_one_warning_at_the_repository(capsys, approved_review):
    """A commit git prints but Python cannot read (a time zone of +99:99), written raw."""
    root = approved_review.root

    def git(*args: str, data: bytes | None = None) -> str:
        return subprocess.run(["git", "-C", str(root), *args], input=data, check=True,
                              capture_output=True).stdout.decode().strip()

    (root / "docs").mkdir()
    (root / "docs/note.md").write_text("# Note\n", encoding="utf-8")
    git("add", "-A")
    tree, parent = git("write-tree"), git("rev-parse", "HEAD")
    body = (f"tree {tree}\nparent {parent}\nauthor M <m@x> 1700000000 +9999\n"
            f"committer M <m@x> 1700000000 +0000\n\nnote\n").encode()
    git("update-ref", "HEAD", git("hash-object", "-t", "commit", "-w", "--literally",
                                  "--stdin", data=body))
    _, data = findings_of(capsys, root)
    assert [(f["rule"], f["file"], f["line"], f["severity"]) for f in data["findings"]
            if f["rule"] == "history.unreadable"] == [("history.unreadable", ".", 1, "warning")]


def test_a_draft_edited_after_its_approval_date_is_not_controlled(capsys, tmp_path):
    repo = Repo(tmp_path / "sms")
    draft = policy().replace("status: approved", "status: draft")
    repo.commit("Draft", {"docs/policy.md": draft}, date="2026-01-10")
    repo.commit("Edit", {"docs/policy.md": draft.replace("continually", "every year")},
                date="2026-02-01")
    _, data = findings_of(capsys, repo.root)
    assert [f["rule"] for f in data["findings"]
            if f["rule"] in ("doc.changed-after-approval", "check.crashed")] == []


def test_a_version_set_back_in_a_commit_is_a_new_approval(capsys, tmp_path):
    """1.1 then back to 1.0 (approved_on kept): the commit that set 1.0 again holds the
    approved text, whatever the order of the version numbers."""
    repo = Repo(tmp_path / "sms")
    repo.commit("Approve 1.1", {"docs/policy.md": policy(version="1.1")}, date="2026-01-10")
    repo.commit("Back to 1.0", {"docs/policy.md": policy(commitment="We improve.")},
                date="2026-02-01")
    _, data = findings_of(capsys, repo.root)
    assert [f["rule"] for f in data["findings"]
            if f["rule"] in ("doc.changed-after-approval", "check.crashed")] == []


def test_an_uncommitted_edit_before_a_future_approval_date_is_part_of_it(capsys, tmp_path):
    """approved_on after the as-of date: an uncommitted edit made 'today' (as of) is still
    before the approval, so part of the approved text."""
    repo = Repo(tmp_path / "sms")
    repo.commit("Approve ahead", {"docs/policy.md": policy(approved_on="2026-12-01")},
                date="2026-11-20")
    repo.write({"docs/policy.md": policy(approved_on="2026-12-01", commitment="Edited.")})
    _, data = findings_of(capsys, repo.root)
    assert [f["rule"] for f in data["findings"]
            if f["rule"] in ("doc.changed-after-approval", "check.crashed")] == []
