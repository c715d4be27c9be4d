"""Per-record checks at their edges: a nonconformity named in its finding, and the actions
after one that is not a mapping still checked.

These close surviving mutants of ``checks/crossrecord.py`` and ``checks/fields.py``
(bench/mutation.py); each case states the complete findings."""

from __future__ import annotations

from pathlib import Path

from conftest import check_tree, write_files

NC = (Path(__file__).parent / "fixtures" / "rules" / "valid_nc.md").read_text(encoding="utf-8")
NC_PATH = "records/nc/nc-001.md"


def findings(tmp_path: Path, text: str) -> list[tuple[str, int, str, str]]:
    """(rule, line, severity, message) of every finding but coverage.gap."""
    write_files(tmp_path, {NC_PATH: text})
    return [(f.rule, f.line, f.severity.value, f.message) for f in check_tree(tmp_path)
            if f.rule != "coverage.gap"]


def test_the_valid_nonconformity_has_no_finding(tmp_path: Path) -> None:
    assert findings(tmp_path, NC) == []


def test_a_nonconformity_without_actions_is_named_by_its_id(tmp_path: Path) -> None:
    text = NC[:NC.index("actions:")] + NC[NC.index("---\n# "):]
    assert findings(tmp_path, text) == [
        ("nc.action", 3, "error", "nonconformity NC-001 has no corrective action")]


def test_actions_after_one_that_is_not_a_mapping_are_still_checked(tmp_path: Path) -> None:
    text = NC.replace("actions:\n", "actions:\n  - just a sentence\n").replace(
        "status: done", "status: finished")
    lines = text.split("\n")
    assert lines[9] == "  - just a sentence" and lines[14] == "    status: finished"
    assert findings(tmp_path, text) == [
        ("field.type", 10, "error", "'actions[1]' must be a mapping with id, title, …"),
        ("action.overdue", 14, "warning", "action CA-001 is overdue: target 2026-09-30 passed "
         "54 day(s) before 2026-11-23, status 'finished'"),
        ("field.value", 15, "error", "'CA-001.status' is 'finished', which is not one of: "
         "open, in-progress, done, cancelled")]
