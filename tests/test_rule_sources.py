"""The rules page writes every rule's source as readable references, not the pack's
shorthand (the pack's `source:` strings stay as they are)."""

from __future__ import annotations

import re

from conftest import REPO_ROOT
from smsdocs.core import config as config_mod
from smsdocs.handbook.sources import references

SHORTHAND = re.compile(r"\b(MR-VAL|PLAN-VAL|XPERT|RESEARCH|MKDOCS|ORGCN)\b|^20000-[12]\b")


def test_every_source_of_the_pack_reads_without_shorthand() -> None:
    pack = config_mod.load(REPO_ROOT).rule_pack()
    sources = {r.source for r in pack.rules.values() if r.source}
    assert len(sources) > 40
    for source in sources:
        refs = references(source)
        assert refs, source
        for ref in refs:
            assert not SHORTHAND.search(ref), (source, ref)


def test_known_shapes() -> None:
    assert references("20000-1:2018 9.3 a) (status of actions); MR-VAL input \"audit results\""
                      "; RESEARCH MR-05, MR-15") == [
        "ISO/IEC 20000-1:2018, clause 9.3 a) (status of actions)",
        "Management review validator specification: input \"audit results\"",
        "smsdocs rule research, management review rules MR-05, MR-15"]
    assert references("20000-2 6.3.2 h) (measure; audit); PLAN-VAL \"PDCA approach\"") == [
        "ISO/IEC 20000-2:2019 guidance, 6.3.2 h) (measure; audit)",
        "Service management plan validator specification: \"PDCA approach\""]
    assert references("10.1 (react) (ORGCN)") == ["ISO/IEC 20000-1:2018, clause 10.1 (react)"]
    assert references("") == []
