"""The real console entry point, run as a subprocess: exit codes, formats, configuration errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import PROFILE_RULES, SEVERITY, write_files
from smsdocs.core import rulepack

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
GITHUB_LINE = re.compile(r"^::(error|warning) file=([^,]+),line=(\d+),title=([^:]+)::(.+)$")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# A complete SMS (2018): every valid fixture but the 2011 review, and the objectives document
# (the plan provides the objectives; see test_objectives_fixture_is_clean in test_rules_pack.py).
COMPLETE = {f"records/{p.name}": p.read_text(encoding="utf-8")
            for p in sorted(FIXTURES.glob("valid_*.md"))
            if p.name not in ("valid_review_2011.md", "valid_objectives.md")}
NC_PATH = "records/valid_nc.md"
PLAN_PATH = "records/valid_plan.md"
SLA_PATH = "records/valid_sla.md"
NC, PLAN, SLA = COMPLETE[NC_PATH], COMPLETE[PLAN_PATH], COMPLETE[SLA_PATH]
ACTIONS = sum(len(yaml.safe_load(t.split("---\n")[1]).get("actions") or [])
              for t in COMPLETE.values())


def kinds(files: dict[str, str]) -> tuple[int, int]:
    """(documents, records) among the files, as the pack's types classify them."""
    from smsdocs.core.rulepack import load

    types = load().types
    found = [types[yaml.safe_load(t.split("---\n")[1])["type"]].kind for t in files.values()]
    return found.count("document"), found.count("record")


def line_of(text: str, needle: str) -> int:
    (line,) = [n for n, t in enumerate(text.split("\n"), 1) if needle in t]
    return line


# Three defects: 'owner: no' (field.type error, line 6 of the NC), a plan without its known
# limitations (plan.limitations warning at its H1) and an SLA past its review date
# (doc.review-due warning).
BROKEN = {
    **COMPLETE,
    NC_PATH: NC.replace("owner: Change Manager\nstatus", "owner: no\nstatus"),
    PLAN_PATH: PLAN.replace(
        "## Known limitations\n\nNone are known at approval; the management review revisits "
        "this section each year.\n\n", ""),
    SLA_PATH: SLA.replace("next_review: 2027-03-01", "next_review: 2026-10-01"),
}
EXPECTED_BROKEN = [
    ("error", "field.type", NC_PATH, 6),
    ("warning", "plan.limitations", PLAN_PATH, line_of(PLAN, "# Service management plan")),
    ("warning", "doc.review-due", SLA_PATH, line_of(SLA, "next_review:")),
]


def smsdocs(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    result = subprocess.run([sys.executable, "-m", "smsdocs", *map(str, args)],
                            capture_output=True, text=True, cwd=cwd, env=env, timeout=60)
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout
    return result


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write_files(tmp_path, COMPLETE)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    return write_files(tmp_path, BROKEN)


def test_clean_repository_exits_0(clean: Path) -> None:
    result = smsdocs("check", clean, "--as-of", "2026-11-23")
    assert result.returncode == 0, result.stdout
    n = len(COMPLETE)
    documents, records = kinds(COMPLETE)
    assert documents and records and documents + records == n
    assert result.stdout.strip().splitlines()[-1] == (
        f"ok: 0 error(s), 0 warning(s) in {n} file(s): {documents} document(s), "
        f"{records} record(s), {ACTIONS} action(s)")


def test_errors_exit_1(broken: Path) -> None:
    result = smsdocs("check", broken, "--as-of", "2026-11-23")
    assert result.returncode == 1
    assert "FAIL: 1 error(s), 2 warning(s)" in result.stdout


def test_warnings_alone_exit_0(tmp_path: Path) -> None:
    root = write_files(tmp_path, {**COMPLETE, PLAN_PATH: BROKEN[PLAN_PATH]})
    result = smsdocs("check", root, "--as-of", "2026-11-23")
    assert result.returncode == 0
    assert "ok: 0 error(s), 1 warning(s)" in result.stdout


def test_default_root_is_the_current_folder(clean: Path) -> None:
    assert smsdocs("check", "--as-of", "2026-11-23", cwd=clean).returncode == 0


@pytest.mark.parametrize("value", ["2026-13-01", "yesterday", "23/11/2026"])
def test_bad_as_of_is_a_usage_error(clean: Path, value: str) -> None:
    result = smsdocs("check", clean, "--as-of", value)
    assert result.returncode == 2
    assert "--as-of" in result.stderr and "not a date" in result.stderr


def test_missing_root_is_a_usage_error(tmp_path: Path) -> None:
    result = smsdocs("check", tmp_path / "nowhere")
    assert result.returncode == 2
    assert "not a folder" in result.stderr


def test_as_of_changes_overdue(tmp_path: Path) -> None:
    root = write_files(tmp_path, {NC_PATH: NC.replace("status: done", "status: open")})
    before = json.loads(smsdocs("check", root, "--format", "json",
                                "--as-of", "2026-09-30").stdout)
    after = json.loads(smsdocs("check", root, "--format", "json",
                               "--as-of", "2026-10-01").stdout)
    overdue = [[f for f in run["findings"] if f["rule"] == "action.overdue"]
               for run in (before, after)]
    assert overdue[0] == [] and len(overdue[1]) == 1


@pytest.mark.parametrize("config,line,words", [
    ("rules:\n  plan.limitations:\n    enabled: false\n  plan.nonsense:\n    enabled: false\n",
     4, "unknown rule id 'plan.nonsense'"),
    ("rules:\n  plan.limitations:\n    severity: fatal\n", 3,
     "severity must be 'error' or 'warning'"),
    ("profile: '2018'\nrules:\n  plan.scope: [x\n", 3, "YAML error"),
    ("rules:\n  plan.scope:\n    add_aliases: coverage\n", 3, "must be a list of text"),
    ("paths: [docs]\nrulez: {}\n", 2, "unknown key 'rulez'"),
    ("rules:\n  plan.limitations:\n    enabled: nope\n", 3, "enabled must be true or false"),
    ("rules:\n  org.new:\n    check: section\n    severity: error\n    message: m\n", 2,
     "needs 'clause'"),
])
def test_broken_config_exits_2_naming_file_and_line(clean: Path, config: str, line: int,
                                                    words: str) -> None:
    (clean / "smsdocs.yml").write_text(config, encoding="utf-8")
    result = smsdocs("check", clean, "--as-of", "2026-11-23")
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"smsdocs.yml:{line}: " in result.stderr, result.stderr
    assert words in result.stderr


def test_broken_config_also_stops_rules_command(clean: Path) -> None:
    (clean / "smsdocs.yml").write_text("rules:\n  no.such.rule: {enabled: false}\n")
    result = smsdocs("rules", clean)
    assert result.returncode == 2
    assert "smsdocs.yml:2: unknown rule id 'no.such.rule'" in result.stderr


def test_json_has_exactly_the_documented_shape(broken: Path, tmp_path: Path) -> None:
    result = smsdocs("check", broken, "--format", "json", "--as-of", "2026-11-23",
                     cwd=tmp_path.parent)
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert set(data) == {"findings", "summary"}
    assert set(data["summary"]) == {"files", "documents", "records", "actions", "errors",
                                    "warnings"}
    n = len(BROKEN)
    documents, records = kinds(BROKEN)
    assert data["summary"] == {"files": n, "documents": documents, "records": records,
                               "actions": ACTIONS, "errors": 1, "warnings": 2}
    for finding in data["findings"]:
        assert set(finding) == {"severity", "rule", "file", "line", "message", "hint"}
        assert finding["severity"] in ("error", "warning")
        assert isinstance(finding["line"], int) and finding["line"] >= 1
        assert not Path(finding["file"]).is_absolute() and "\\" not in finding["file"]
        assert (broken / finding["file"]).is_file()
    got = [(f["severity"], f["rule"], f["file"], f["line"]) for f in data["findings"]]
    assert got == EXPECTED_BROKEN
    lines = BROKEN[NC_PATH].split("\n")
    assert lines[data["findings"][0]["line"] - 1] == "owner: no"  # 1-based file line


def test_json_with_relative_root(broken: Path) -> None:
    data = json.loads(smsdocs("check", ".", "--format", "json", "--as-of", "2026-11-23",
                              cwd=broken).stdout)
    assert [(f["file"], f["line"]) for f in data["findings"]] == [
        (file, line) for _, _, file, line in EXPECTED_BROKEN]


def test_json_clean_repository(clean: Path) -> None:
    result = smsdocs("check", clean, "--format", "json", "--as-of", "2026-11-23")
    assert result.returncode == 0
    assert json.loads(result.stdout)["findings"] == []


def test_github_annotations(broken: Path) -> None:
    result = smsdocs("check", broken, "--format", "github", "--as-of", "2026-11-23")
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    annotations = [GITHUB_LINE.match(line) for line in lines[:-1]]
    assert all(annotations), lines
    got = [(m.group(1), m.group(4), m.group(2), int(m.group(3)))  # type: ignore[union-attr]
           for m in annotations]
    assert got == EXPECTED_BROKEN
    assert annotations[0].group(5).startswith(  # type: ignore[union-attr]
        "'owner' is read by YAML 1.1 as the boolean false")
    assert "(hint: Put the value in quotes" in annotations[0].group(5)  # type: ignore[union-attr]
    assert lines[-1] == "smsdocs: 1 error(s), 2 warning(s)"


def test_github_escapes_newlines_and_percent(tmp_path: Path) -> None:
    text = NC.replace("status: closed", "status: 100%\n  done")  # folded into '100% done'
    root = write_files(tmp_path, {NC_PATH: text})
    result = smsdocs("check", root, "--format", "github", "--as-of", "2026-11-23")
    (annotation,) = [line for line in result.stdout.splitlines() if "title=field.value" in line]
    assert annotation.startswith(f"::error file={NC_PATH},line=7,title=field.value::")
    assert "100%25 done" in annotation


def test_text_output_is_plain_when_piped(broken: Path) -> None:
    result = smsdocs("check", broken, "--as-of", "2026-11-23")
    assert not ANSI.search(result.stdout) and not ANSI.search(result.stderr)
    lines = result.stdout.splitlines()
    assert lines[0] == NC_PATH
    assert any(line.startswith("     6  error   'owner'") for line in lines)
    assert any(line.strip().endswith("field.type") for line in lines)
    assert lines[-1].startswith("FAIL: 1 error(s), 2 warning(s)")


def test_profile_option(tmp_path: Path) -> None:
    files = {k: v for k, v in COMPLETE.items() if "valid_review" not in k}
    root = write_files(tmp_path, {**files, "records/mr.md": fixture("valid_review_2011.md")})
    assert smsdocs("check", root, "--profile", "2011", "--as-of", "2026-11-23").returncode == 0
    result = smsdocs("check", root, "--format", "json", "--as-of", "2026-11-23")
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert result.returncode == 1 and "review.input.context-changes" in rules
    assert smsdocs("check", root, "--profile", "1999", "--as-of", "2026-11-23").returncode == 2


def test_rules_command_lists_every_rule(clean: Path) -> None:
    result = smsdocs("rules", clean, "--profile", "2011")
    assert result.returncode == 0
    pack = rulepack.load(profile="2011")
    assert result.stdout.startswith(f"{pack.name} v{pack.version}, profile 2011: "
                                    f"{len(PROFILE_RULES['2011'])} rules")
    listed = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()[1:]}
    assert listed == {rule: SEVERITY[rule] for rule in PROFILE_RULES["2011"]}
    assert "review.input.new-services" in result.stdout
    assert "review.input.context-changes" not in result.stdout


def test_encoding_error_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "latin1.md").write_bytes(
        b"---\nid: NC-002\ntype: nonconformity\ntitle: Caf\xe9\n---\n")
    result = smsdocs("check", tmp_path, "--format", "json", "--as-of", "2026-11-23")
    assert result.returncode == 1
    (finding,) = json.loads(result.stdout)["findings"]  # the file is not read: no record
    assert (finding["rule"], finding["file"], finding["line"]) == (
        "frontmatter.encoding", "records/latin1.md", 4)


def test_control_character_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    root = write_files(tmp_path, {NC_PATH: NC.replace("title: Emergency", "title: \x07Emergency")})
    result = smsdocs("check", root, "--format", "json", "--as-of", "2026-11-23")
    assert result.returncode == 1
    assert json.loads(result.stdout)["findings"][0]["rule"] == "frontmatter.invalid"
