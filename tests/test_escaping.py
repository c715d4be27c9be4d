"""Escaping where values enter: a payload in every front-matter field of documents and
records, built into both editions (handbook and auditor) with the real `mkdocs build`.

Each payload tries to open a live element, ``"'><img class=xss-FIELD ...>``; a page is
safe when no element with an ``xss-`` class exists in its parsed HTML (an attribute
break-out or an unescaped text value both create one), and the test proves each payload
reached the site by finding its ``xss-FIELD`` text there.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import pytest
from conftest import copy_example
from sites import build_site

REPO_ROOT = Path(__file__).resolve().parent.parent


def payload(field: str) -> str:
    return f"\"'><img class=xss-{field} src=x onerror=alert(1)>"


def quoted(field: str) -> str:
    """The payload as a YAML single-quoted scalar."""
    return "'" + payload(field).replace("'", "''") + "'"


def _set(text: str, key: str, value: str) -> str:
    """Replace the front-matter line `key: ...` (the first one) with `key: value`."""
    new, count = re.subn(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M)
    assert count == 1, key
    return new


def _inject(root: Path) -> None:
    """Put a payload in every front-matter field of a document and of records."""
    policy = root / "docs/sms/policy.md"
    text = policy.read_text(encoding="utf-8")
    for key in ("title", "owner", "approved_by"):
        text = _set(text, key, quoted(f"doc-{key}"))
    text = _set(text, "clauses", f'["5.2", {quoted("doc-clauses")}]')
    text = text.replace("\n---\n", f"\ntags: [{quoted('doc-tags')}]\n---\n", 1)
    policy.write_text(text, encoding="utf-8")

    review = root / "records/management-reviews/MR-2026-02.md"
    text = review.read_text(encoding="utf-8")
    for key in ("title", "chair", "owner", "period", "approved_by"):
        text = _set(text, key, quoted(f"rec-{key}"))
    text = re.sub(r"^attendees:\n(  - .*\n)+", f"attendees: [{quoted('rec-attendees')}]\n",
                  text, count=1, flags=re.M)
    text = _set(text, "clauses", f'["9.3", {quoted("rec-clauses")}]')
    text = text.replace("kpis:\n", f"kpis:\n  {quoted('rec-kpi-label')}: "
                        f"{{value: 1, target: 2, unit: {quoted('rec-kpi-unit')}}}\n", 1)
    text = text.replace("\n---\n", f"\ntags: [{quoted('rec-tags')}]\n---\n", 1)
    review.write_text(text, encoding="utf-8")

    report = root / "records/service-reports/SR-2026-10.md"
    text = report.read_text(encoding="utf-8")
    text = _set(text, "period", quoted("report-period"))
    text = text.replace("kpis:\n", f"kpis:\n  {quoted('report-kpi-label')}: "
                        "{value: 1, target: 2}\n", 1)
    report.write_text(text, encoding="utf-8")

    # a record whose type is the payload (record.type-unknown, still shown in the handbook)
    nc = (root / "records/nonconformities/NC-002.md").read_text(encoding="utf-8")
    nc = re.sub(r"\b(NC|CA)-00(\d)\b", r"\1-90\2", nc)
    nc = _set(nc, "type", quoted("rec-type"))
    (root / "records/nonconformities/NC-902.md").write_text(nc, encoding="utf-8")


FIELDS = ["doc-title", "doc-owner", "doc-approved_by", "doc-clauses", "doc-tags",
          "rec-title", "rec-chair", "rec-owner", "rec-period", "rec-approved_by",
          "rec-attendees", "rec-clauses", "rec-kpi-label", "rec-kpi-unit", "rec-tags",
          "report-period", "report-kpi-label", "rec-type"]
# Fields no page shows today (only sms.json carries them): still scanned on every page.
NOT_ON_PAGES = {"rec-attendees", "rec-period", "report-period", "report-kpi-label"}


class _Live(html.parser.HTMLParser):
    """Collects the xss- classes of the elements a page really has."""

    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "class" and value:
                self.found.update(c[4:] for c in value.split() if c.startswith("xss-"))


def _scan(site: Path) -> tuple[dict[str, list[str]], set[str]]:
    """(field -> pages where its payload is a live element, fields whose text is on a page
    or, for the fields no page shows, in sms.json)."""
    live: dict[str, list[str]] = {}
    shown: set[str] = set()
    for path in sorted(site.rglob("*.html")):
        text = path.read_text(encoding="utf-8", errors="replace")
        parser = _Live()
        parser.feed(text)
        for field in parser.found:
            live.setdefault(field, []).append(path.relative_to(site).as_posix())
        shown.update(f for f in FIELDS if f"xss-{f} " in text)
    data = (site / "sms.json").read_text(encoding="utf-8")
    shown.update(f for f in NOT_ON_PAGES if f"xss-{f} " in data)
    return live, shown


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, set]]:
    """Both editions of the bundled example with the payloads, scanned once."""
    root = copy_example(tmp_path_factory.mktemp("xss") / "sms", prepare=_inject)
    out = {}
    for edition, config in (("handbook", "mkdocs.yml"), ("auditor", "mkdocs.auditor.yml")):
        site = root.parent / edition
        # not --strict: the payload clause and type are (rightly) reported as errors
        proc = build_site(root, site, config, in_process=True, check=True)
        assert "[ref.clause-unknown]" in proc.stderr and "[record.type-unknown]" in proc.stderr
        out[edition] = _scan(site)
    return out



@pytest.mark.parametrize("edition", ["handbook", "auditor"])
@pytest.mark.parametrize("field", FIELDS)
def test_no_front_matter_value_becomes_markup(field: str, edition: str,
                                              sites: dict[str, tuple[dict, set]]) -> None:
    live, _ = sites[edition]
    assert live.get(field, []) == []


@pytest.mark.parametrize("edition", ["handbook", "auditor"])
def test_every_payload_reaches_the_site(edition: str,
                                        sites: dict[str, tuple[dict, set]]) -> None:
    live, shown = sites[edition]
    assert set(FIELDS) - shown - set(live) == set()
