"""Property tests: whatever a file holds, the real validator returns findings, never a crash,
and MkDocs' own metadata reader (``mkdocs.utils.meta.get_data``) decides what the front
matter means: when MkDocs reads a mapping, smsdocs reads the same data and reports no
``frontmatter.invalid``; when MkDocs shows the block as page text, smsdocs reports it.

Each example is written as a file into a scratch repository and checked by
``smsdocs.validate.validate`` (the function `smsdocs check` runs), with the pack loaded once.
Control characters, line separators (U+0085, U+2028, U+2029) and YAML anchors and aliases,
self-referencing ones included, are generated like any other input.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import PROFILE_RULES
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data
from smsdocs.core import config as config_mod
from smsdocs.core import frontmatter
from smsdocs.core.findings import Finding
from smsdocs.validate import validate

AS_OF = dt.date(2026, 11, 23)
PACK = config_mod.Config(root=Path(".")).rule_pack()
RULE_IDS = PROFILE_RULES["2018"]  # the hand-written table, not the pack under test
RECORD = "records/r.md"

# Characters PyYAML's reader refuses (YAML 1.1 'printable' is the complement).
YAML_UNACCEPTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd"
                               "\U00010000-\U0010ffff]")
LINE_SEPARATORS = "\x85\u2028\u2029"

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("property")
    (root / "records").mkdir()
    return root


def run(root: Path, content: bytes) -> list[Finding]:
    (root / RECORD).write_bytes(content)
    config = config_mod.load(root)
    findings = validate(root, config, PACK, AS_OF).findings
    assert isinstance(findings, list)
    lines = content.count(b"\n") + 1
    for finding in findings:
        assert finding.rule in RULE_IDS
        assert finding.rule != "check.crashed", finding
        if finding.rule == "coverage.gap":  # the repository's, reported at its config file
            assert (finding.file, finding.line) == ("smsdocs.yml", 1), finding
            continue
        assert finding.file == RECORD
        assert 1 <= finding.line <= lines, finding
        assert finding.message, finding
    return findings


def front_matter_of(text: str) -> str | None:
    match = frontmatter.YAML_RE.match(text)
    return match.group(1) if match else None


def same(a: Any, b: Any, seen: set[tuple[int, int]] | None = None) -> bool:
    """Structural equality that also compares self-referencing data (YAML aliases)."""
    seen = set() if seen is None else seen
    if type(a) is not type(b):
        return False
    if isinstance(a, list | dict):
        if (id(a), id(b)) in seen:
            return True
        seen.add((id(a), id(b)))
        if isinstance(a, list):
            return len(a) == len(b) and all(same(x, y, seen) for x, y in zip(a, b, strict=True))
        return a.keys() == b.keys() and all(same(a[k], b[k], seen) for k in a)
    return bool(a == b or (a != a and b != b))  # NaN reads as NaN


def _cyclic(value: Any, seen: frozenset[int] = frozenset()) -> bool:
    """Whether a YAML value holds itself (an alias inside its own anchor)."""
    if not isinstance(value, list | dict):
        return False
    if id(value) in seen:
        return True
    inner = value.values() if isinstance(value, dict) else value
    return any(_cyclic(v, seen | {id(value)}) for v in inner)


def agrees_with_mkdocs(text: str, findings: list[Finding]) -> None:
    """MkDocs is the oracle: the data it reads is the data smsdocs reads; a block it cannot
    read (and so shows as page text) is one frontmatter.invalid inside the block."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # MkDocs reads universal newlines
    doc, data = get_data(text)
    invalid = [f.line for f in findings if f.rule == "frontmatter.invalid"]
    if front_matter_of(text) is None:
        # no YAML block: MkDocs reads MultiMarkdown metadata, which smsdocs reports when it
        # names a record (id and type) and otherwise leaves alone
        assert len(invalid) == int("id" in data and "type" in data), (data, findings)
        return
    if doc != text and _cyclic(data):
        # MkDocs reads an alias that holds itself as an endless structure; smsdocs refuses
        # to expand it (issue 17: aliases expand under a budget) and says so once
        assert len(invalid) == 1, findings
    elif doc != text:  # MkDocs read a mapping and stripped the block
        assert invalid == []
        assert same(frontmatter.split(text).data, data)
    else:
        assert len(invalid) == 1, findings
        closing = 2 + front_matter_of(text).count("\n")  # type: ignore[union-attr]
        assert 1 <= invalid[0] <= closing


# ---------------------------------------------------------------- arbitrary bytes


@SETTINGS
@given(st.binary(max_size=600), st.sampled_from([b"", b"---\n", b"---\nid: NC-1\n"]))
@example(b"\xff", b"")
@example(b"title: caf\xe9\n---\n", b"---\n")
def test_arbitrary_bytes(repo: Path, data: bytes, prefix: bytes) -> None:
    content = prefix + data
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        findings = run(repo, content)
        bad_line = content.count(b"\n", 0, exc.start) + 1
        assert [(f.rule, f.line) for f in findings] == [("frontmatter.encoding", bad_line)]
        return
    findings = run(repo, content)
    assert "frontmatter.encoding" not in {f.rule for f in findings}
    agrees_with_mkdocs(text, findings)  # MkDocs opens the file as utf-8-sig too


@SETTINGS
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200),
       st.binary(min_size=1, max_size=40), st.integers(min_value=0, max_value=400))
def test_non_utf8_byte_is_reported_at_its_line(repo: Path, text: str, noise: bytes,
                                               where: int) -> None:
    good = ("---\nid: NC-001\ntype: nonconformity\ntitle: " + text.replace("\n", " ")
            + "\n---\n# Body\n\nSome text.\n").encode("utf-8")
    cut = min(where, len(good))
    content = good[:cut] + b"\xff" + noise + good[cut:]  # 0xff is never UTF-8
    first_bad = content.decode("utf-8", errors="replace").find("\ufffd")
    assert first_bad >= 0
    findings = run(repo, content)
    assert len(findings) == 1 and findings[0].rule == "frontmatter.encoding"
    expected = content.decode("utf-8", errors="replace")[:first_bad].count("\n") + 1
    assert findings[0].line == expected


# ---------------------------------------------------------------- YAML-ish front matter


YAMLISH = st.text(alphabet=string.ascii_letters[:8] + string.digits[:4]
                  + " \n\t:-[]{},&*!|>#'\"%@`?.\x07\x7f\x0c" + LINE_SEPARATORS,
                  max_size=160)


@SETTINGS
@given(YAMLISH, st.booleans())
@example("title: [a\n", True)
@example("- a\n- b\n", False)
@example("date: 2025-13-01\n", True)
@example("title: a: b\n", True)
@example("\n", False)
@example("a: &x [1, *x]\n", True)
@example("a: &x\n  b: *x\n", False)
@example("title: bell\x07\n", True)
@example("title: a\u2028b\nowner: c\n", True)
def test_yamlish_front_matter(repo: Path, block: str, as_record: bool) -> None:
    head = "id: NC-001\ntype: nonconformity\n" if as_record else ""
    text = f"---\n{head}{block}\n---\n# Nonconformity\n\nBody text for NC-001.\n"
    agrees_with_mkdocs(text, run(repo, text.encode("utf-8")))


# ---------------------------------------------------------------- dumped nested data


SAFE_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
SCALARS = (st.none() | st.booleans() | st.integers(-10**6, 10**6)
           | st.floats(allow_nan=False, width=32) | SAFE_TEXT
           | st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31))
           | st.sampled_from(["9.3", "8.5.1", "11.2", "NC-001", "NC-777", "MR-ACT-9", "TBD",
                              "2026-02-30", "31/12/2026", "done", "open", "no", "12:30"]))
NESTED = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(SAFE_TEXT, inner, max_size=3), max_leaves=12)
FIELD_NAMES = ["title", "owner", "status", "version", "date", "approved_on", "next_review",
               "audience", "attendees", "chair", "auditor", "clauses", "source_clauses",
               "actions", "approved_by", "raised_by", "provides", "last_reviewed", "standard"]
ACTION_NAMES = ["id", "title", "owner", "target_date", "status", "success_criteria", "clauses",
                "closed_on", "evidence"]
ACTIONS = st.lists(st.fixed_dictionaries({}, optional={k: NESTED for k in ACTION_NAMES})
                   | NESTED, max_size=3)
FIELDS = st.fixed_dictionaries(
    {}, optional={**{k: NESTED for k in FIELD_NAMES}, "actions": ACTIONS})
TYPES = st.sampled_from([*sorted(PACK.types), "unknown-type"]) | NESTED
IDS = st.sampled_from(["NC-001", "MR-2026-01", "PLAN-001", "nc 1"]) | NESTED


@SETTINGS
@given(FIELDS, st.dictionaries(SAFE_TEXT, NESTED, max_size=3), IDS, TYPES,
       st.sampled_from(["", "## Objectives\n\nTBD\n", "## Audit results\n\nSee NC-002.\n",
                        "#Scope\n", "```\n# code\n```\n",
                        "## Status of actions from previous reviews\n\nMR-ACT-9 is done.\n",
                        "## Roles\n\n| Role | Duty |\n| --- | --- |\n| CEO | chairs |\n"]),
       st.lists(st.tuples(st.sampled_from(FIELD_NAMES), st.sampled_from(FIELD_NAMES)),
                max_size=2),
       st.booleans())
def test_dumped_front_matter(repo: Path, fields: dict[str, Any], extra: dict[str, Any],
                             record_id: Any, record_type: Any, body: str,
                             shared: list[tuple[str, str]], loop: bool) -> None:
    data = {**extra, **fields, "id": record_id, "type": record_type}
    for source, target in shared:  # one object under two keys: an anchor and an alias
        if isinstance(data.get(source), list | dict):
            data[target] = data[source]
    if loop:  # a list that holds itself: `loop: &id001 [..., *id001]`
        cycle: list[Any] = ["x"]
        cycle.append(cycle)
        data["loop"] = cycle
    dumped = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    text = f"---\n{dumped}---\n# Record\n\n{body}"
    # not a defect: a text value with a line '---' in it ends MkDocs' block there too
    assume(front_matter_of(text) == dumped)
    findings = run(repo, text.encode("utf-8"))
    doc, mkdocs_data = get_data(text)
    assert doc != text  # MkDocs read it
    if loop:  # endless once expanded: refused under the alias budget, reported once
        assert [f.rule for f in findings].count("frontmatter.invalid") == 1
        return
    assert "frontmatter.invalid" not in {f.rule for f in findings}
    assert same(frontmatter.split(text).data, mkdocs_data)


@SETTINGS
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
@example("title: bell\x07\n")
@example("loop: &a [*a]\ndate: 2025-13-01\n")
@example("title: a\x85b\nowner: no\n")
def test_any_text_in_front_matter(repo: Path, block: str) -> None:
    text = f"---\nid: NC-001\ntype: nonconformity\n{block}\n---\n# Body\n"
    findings = run(repo, text.encode("utf-8"))
    agrees_with_mkdocs(text, findings)
    if front_matter_of(text) is not None and YAML_UNACCEPTABLE.search(block):
        assert "frontmatter.invalid" in {f.rule for f in findings}
