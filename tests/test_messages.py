"""Messages that lead to the fix: hints grouped, prompts whole, headings as written,
documents and records counted apart, list-shaped rules that say so."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import check_tree
from smsdocs.authoring.scaffold import sections_for
from smsdocs.core import wording
from smsdocs.core.rulepack import load


def smsdocs(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smsdocs", *args], capture_output=True,
                          text=True, check=False, env={"NO_COLOR": "1", "PATH": "/usr/bin"})


@pytest.fixture(scope="module")
def skeleton(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("init") / "sms"
    made = smsdocs("init", str(target), "--org", "Acme", "--no-git")
    assert made.returncode == 0, made.stderr
    return target


def test_identical_hints_are_printed_once_per_rule_with_their_count(skeleton: Path) -> None:
    out = smsdocs("check", str(skeleton), "--as-of", "2026-11-23").stdout
    placeholders = len(re.findall(r"content\.placeholder$", out, re.M))
    assert placeholders > 10
    hint = "Replace the placeholder with what was actually decided"
    assert out.count(hint) == 1
    assert re.search(rf"^  content\.placeholder \({placeholders} findings\): {hint}", out, re.M)
    # A hint only one finding carries stays under that finding.
    (skeleton / "docs" / "extra.md").write_text("---\nid: POL-900\ntype: policy\n---\n# X\n")
    try:
        single = smsdocs("check", str(skeleton), "--as-of", "2026-11-23").stdout
    finally:
        (skeleton / "docs" / "extra.md").unlink()
    block = single.split("docs/extra.md\n", 1)[1].split("\n\n", 1)[0]
    assert "hint: " in block


def test_the_summary_counts_documents_and_records_apart(skeleton: Path) -> None:
    out = smsdocs("check", str(skeleton), "--as-of", "2026-11-23").stdout.strip()
    assert out.endswith(": 20 document(s), 0 record(s), 0 action(s)"), out[-200:]
    data = smsdocs("check", str(skeleton), "--format", "json", "--as-of", "2026-11-23")
    import json

    summary = json.loads(data.stdout)["summary"]
    assert (summary["documents"], summary["records"]) == (20, 0)


def test_prompts_are_quoted_whole(skeleton: Path) -> None:
    findings = [f for f in check_tree(skeleton) if f.rule == "content.placeholder"
                and f.message.startswith("section ")]  # front-matter prompts are fields
    quoted = [re.search(r"unwritten prompt (['\"])(?P<prompt>.*)\1\)$", f.message)
              for f in findings]
    assert quoted and all(quoted), [f.message for f in findings][:3]
    assert all(q.group("prompt").endswith(")]") for q in quoted if q), "cut before the clause"
    long = "[describe: " + ", ".join(f"phrase number {n}" for n in range(30)) + "]"
    cut = wording.prompt(long)
    assert len(cut) <= wording.PROMPT_LIMIT and cut.endswith(" …]")
    assert re.search(r"phrase number \d+ …\]$", cut), cut


def test_headings_keep_the_acronyms_their_rules_spell(skeleton: Path) -> None:
    text = (skeleton / "docs/processes/configuration.md").read_text()
    assert "## CI types" in text and "Ci types" not in text
    pack = load()
    for record_type in pack.types:
        for heading, _prompt in sections_for(pack, record_type):
            assert heading[0].isupper() or not heading[0].isalpha(), heading
        for rule in pack.rules_for(record_type, "section"):
            if rule.section is None:
                continue
            own = set(re.findall(r"\b[A-Z][A-Z0-9]+\b", f"{rule.description} {rule.hint}"))
            for word in wording.heading(rule).split():
                assert not (word.upper() in own and word != word.upper()), (rule.id, word)


def test_rules_that_count_items_say_a_list_or_table_is_expected(skeleton: Path) -> None:
    pack = load()
    counting = [r for r in pack.rules.values() if wording.counts_items(r)]
    assert counting
    for rule in counting:
        assert re.search(r"\b(a list|lists|table)\b", wording.hint(rule), re.I), rule.id
    config = skeleton / "docs/processes/configuration.md"
    before = config.read_text()
    config.write_text(re.sub(r"## CI types\n\n\[describe: [^\]]*\]",
                             "## CI types\n\nWe keep servers and applications.", before))
    try:
        findings = [f for f in check_tree(skeleton) if f.file.endswith("configuration.md")
                    and f.rule != "content.placeholder"]
    finally:
        config.write_text(before)
    assert findings, "a prose section where items are counted is reported"
    assert all("list" in f.hint and "table" in f.hint for f in findings), findings
