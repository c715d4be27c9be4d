"""The installed `smsdocs` console script (the venv's bin/smsdocs, as users and CI call it),
driving the commands and flags the other tests reach in-process or through `python -m`:
`review prepare`, `coverage --format json|markdown --strict`, `--config` and
`baseline --out`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, write_files
from rules_support import DOC, PLAN, PLAN_PATH, complete_sms, drop_section
from test_lifecycle import KPI_REVIEWS

SCRIPT = Path(sys.executable).parent / "smsdocs"
DAY = AS_OF.isoformat()


def smsdocs(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    if not SCRIPT.is_file():
        pytest.fail(f"{SCRIPT} is missing: install the package (pip install -e .)")
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, check=False, timeout=120)


def test_the_console_script_is_the_installed_entry_point() -> None:
    first = SCRIPT.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first.startswith("#!") and "python" in first  # a pip-generated launcher
    result = smsdocs("--version")
    assert result.returncode == 0 and result.stdout.strip() == "smsdocs 0.1.0"
    assert smsdocs().returncode == 2  # no command: usage


def test_check_through_the_script(tmp_path: Path) -> None:
    root = write_files(tmp_path, {PLAN_PATH: drop_section(PLAN, "Known limitations")})
    result = smsdocs("check", root, "--format", "json", "--as-of", DAY)
    found = [(f["rule"], f["severity"]) for f in json.loads(result.stdout)["findings"]
             if f["rule"] != "coverage.gap"]
    assert result.returncode == 0 and found == [("plan.limitations", "warning")]


def test_review_prepare_json_and_markdown(tmp_path: Path) -> None:
    root = write_files(tmp_path, KPI_REVIEWS)
    result = smsdocs("review", "prepare", root, "--format", "json", "--as-of", DAY)
    assert result.returncode == 0, result.stderr
    pack = json.loads(result.stdout)
    assert (pack["last_review"], pack["period_start"], pack["period_end"]) == (
        "MR-2026-02", "2026-07-20", DAY)
    assert [n["id"] for n in pack["nonconformities"]] == ["NC-002"]
    assert {a["id"]: a["state"] for a in pack["review_actions"]} == {
        "MR-ACT-001": "done", "MR-ACT-002": "overdue", "MR-ACT-003": "open"}
    markdown = smsdocs("review", "prepare", root, "--as-of", DAY)
    assert markdown.returncode == 0 and markdown.stdout.startswith("#")
    row = next(line for line in markdown.stdout.splitlines() if line.startswith("| MR-ACT-002 |"))
    assert "overdue" in row
    # the as-of date moves the period's end and what is overdue
    early = json.loads(smsdocs("review", "prepare", root, "--format", "json",
                               "--as-of", "2026-08-01").stdout)
    assert early["period_end"] == "2026-08-01"
    assert {a["id"]: a["state"] for a in early["review_actions"]}["MR-ACT-003"] == "open"


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_coverage_strict_fails_on_a_gap_only(fmt: str, tmp_path: Path) -> None:
    complete = write_files(tmp_path / "complete", complete_sms("2018"))
    ok = smsdocs("coverage", complete, "--format", fmt, "--strict")
    assert ok.returncode == 0, ok.stdout[-2000:]
    files = complete_sms("2018")
    del files[DOC["valid_sla.md"].path]
    gappy = write_files(tmp_path / "gappy", files)
    lenient = smsdocs("coverage", gappy, "--format", fmt)
    strict = smsdocs("coverage", gappy, "--format", fmt, "--strict")
    assert (lenient.returncode, strict.returncode) == (0, 1)
    assert lenient.stdout == strict.stdout
    if fmt == "json":
        gaps = [(i["clause"], i["key"]) for i in json.loads(strict.stdout)["items"]
                if i["state"] == "gap"]
        assert gaps == [("8.3.3", "service-level-agreements")]
    else:
        rows = [line for line in strict.stdout.splitlines() if "| GAP |" in line]
        assert rows == ["| 8.3.3 | Agreed SLA for each service or group of services | document "
                        "| GAP | - |"]
        assert strict.stdout.rstrip().endswith(" 1 gap(s).")


def test_config_flag_replaces_root_smsdocs_yml(tmp_path: Path) -> None:
    root = write_files(tmp_path / "sms", {
        PLAN_PATH: drop_section(PLAN, "Known limitations"),
        "smsdocs.yml": "rules:\n  plan.limitations: {severity: error}\n"})
    other = write_files(tmp_path / "ci", {"quiet.yml": "rules:\n  plan.limitations:\n"
                                                       "    enabled: false\n"})
    default = smsdocs("check", root, "--format", "json", "--as-of", DAY)
    assert default.returncode == 1
    assert ("plan.limitations", "error") in {(f["rule"], f["severity"]) for f in
                                             json.loads(default.stdout)["findings"]}
    quiet = smsdocs("check", root, "--format", "json", "--as-of", DAY,
                    "--config", other / "quiet.yml")
    assert quiet.returncode == 0
    assert "plan.limitations" not in {f["rule"] for f in json.loads(quiet.stdout)["findings"]}
    missing = smsdocs("check", root, "--config", other / "nowhere.yml", "--as-of", DAY)
    assert missing.returncode == 2 and "nowhere.yml" in missing.stderr
    listed = smsdocs("rules", root, "--config", other / "quiet.yml")
    line = next(x for x in listed.stdout.splitlines() if x.startswith("plan.limitations "))
    assert line.endswith("(disabled)"), line


def test_baseline_out_writes_where_asked_and_check_reads_it(tmp_path: Path) -> None:
    root = write_files(tmp_path / "sms", {PLAN_PATH: drop_section(PLAN, "Known limitations"),
                                          "smsdocs.yml": "rules:\n  plan.limitations: "
                                                         "{severity: error}\n"})
    out = tmp_path / "elsewhere" / "known.json"
    out.parent.mkdir()
    made = smsdocs("baseline", root, "--out", out, "--as-of", DAY)
    assert made.returncode == 0, made.stderr
    assert out.is_file() and not (root / ".smsdocs-baseline.json").exists()
    stored = json.loads(out.read_text(encoding="utf-8"))
    assert {e["rule"] for e in stored["findings"]} >= {"plan.limitations"}
    assert smsdocs("check", root, "--as-of", DAY).returncode == 1
    passed = smsdocs("check", root, "--as-of", DAY, "--baseline", out)
    assert passed.returncode == 0, passed.stdout
    before = out.read_bytes()
    again = smsdocs("baseline", root, "--out", out, "--as-of", DAY)  # an explicit rewrite
    assert again.returncode == 0 and out.read_bytes() == before
    count = sum(e["count"] for e in stored["findings"])
    assert again.stdout == f"smsdocs: wrote {count} finding(s) to {out}\n"
