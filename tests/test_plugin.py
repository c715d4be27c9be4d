"""The MkDocs plugin, end to end: real `mkdocs build --strict` of small repositories."""

from __future__ import annotations

import html.parser
import json
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
from review_builder import REVIEW_FIELDS, management_review
from sites import build_site

REPO_ROOT = Path(__file__).resolve().parent.parent
SCHEMA = REPO_ROOT / "plugins" / "smsdocs" / "schema" / "sms.schema.json"
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"

MKDOCS_YML = """\
site_name: Example Hosting Ltd — SMS handbook
theme:
  name: material
  font: false
  features: [navigation.tabs, navigation.sections]
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle: {icon: material/weather-night, name: Dark mode}
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle: {icon: material/weather-sunny, name: Light mode}
plugins:
  - search:
      separator: '[\\s\\-,:!=\\[\\]()"/]+|\\.(?!\\d)|&[lg]t;'
  - tags
  - smsdocs:
      as_of: 2026-11-23
nav:
  - Home: index.md
  - Policy: policy.md
  - Registers:
      - actions/index.md
      - clauses/index.md
      - registers/documents.md
      - registers/records.md
      - registers/findings.md
      - registers/tags.md
"""

REVIEW_SECTIONS = {
    "Status of actions from previous reviews":
        "This is the first management review; there are no previous actions to follow up.",
    "Changes in external and internal issues": "A new data centre contract was signed.",
    "Nonconformities and corrective actions": "NC-001 was raised; see CA-001.",
    "Monitoring and measurement results": "First-contact resolution rose to 71%.",
    "Audit results": "The internal audit found two minor issues.",
    "Opportunities for improvement": "Automate the change calendar.",
    "Customer feedback": "Satisfaction survey score 4.3 of 5.",
    "Policies": "The service management policy was followed.",
    "Objectives": "Four of five objectives were met.",
    "Service performance": "SLA achievement was 98.2% across services.",
    "Performance of other parties": "The network supplier met its targets.",
    "Resources": "One more service desk analyst is needed.",
    "Risks and opportunities": "The risk register was reviewed; two risks rose.",
    "Decisions": "Improvement: automate the change calendar (MR-ACT-003). Changes to the "
                 "SMS: review the supplier contract (MR-ACT-002). Resources: budget for one "
                 "more analyst approved (MR-ACT-001).",
    "Conclusion": "The SMS and the services remain suitable, adequate and effective.",
}


def review(actions: str, title: str = "Management review 2026 Q1") -> str:
    body = "".join(f"## {k}\n\n{v}\n\n" for k, v in REVIEW_SECTIONS.items())
    fields = {**{k: v for k, v in REVIEW_FIELDS.items() if k != "status"}, "status": "approved"}
    return management_review(actions, body, heading="Management review 2026 Q1",
                             fields=fields, title=title)


ACTIONS = """\
- id: MR-ACT-001
  title: Hire a service desk analyst
  owner: SMS Manager
  target_date: 2026-06-30
  status: done
  closed_on: 2026-06-01
  clauses: ["7.1"]
  evidence: ["NC-001", "https://example.com/hr/req-17"]
- id: MR-ACT-002
  title: Review the supplier contract
  owner: Service Delivery Manager
  target_date: 2026-09-30
  status: open
  clauses: ["8.2.3"]
- id: MR-ACT-003
  title: Automate the change calendar
  owner: Change Manager
  target_date: 2027-03-31
  status: in-progress
  success_criteria: Calendar generated from the change tool every night
  clauses: ["8.5.1", "9.3"]
"""

XSS_ACTION = f"""\
- id: MR-ACT-004
  title: '{XSS_SCRIPT}'
  owner: '{XSS_IMG}'
  target_date: 2027-01-31
  status: open
  success_criteria: '{XSS_SCRIPT} and {XSS_IMG}'
  clauses: ["9.3"]
"""

NC = """\
---
id: NC-001
type: nonconformity
title: Emergency changes without CAB review
date: 2026-02-01
owner: Change Manager
status: closed
clauses: ["10.1"]
actions:
  - id: CA-001
    title: Name the change authority in the on-call rota
    owner: Change Manager
    target_date: 2026-04-30
    status: done
    closed_on: 2026-04-02
    clauses: ["10.1", "8.5.1"]
    evidence: ["MR-2026-01"]
---
# Emergency changes without CAB review

## Description

Two emergency changes were implemented without CAB review. Raised in MR-2026-01.

## Cause analysis

The on-call rota did not name a change authority.

## Correction

The changes were reviewed retrospectively.

## Corrective action

CA-001 names the change authority in the rota.
"""

POLICY = """\
---
id: POL-001
type: policy
title: Service management policy
owner: Managing Director
status: approved
version: "1.2"
approved_by: Managing Director
approved_on: 2026-01-15
next_review: 2027-01-15
clauses: ["5.2"]
---
# Service management policy

We follow up decisions such as MR-ACT-003 and corrective actions such as CA-001.
In code, `MR-ACT-002` stays as it is, and so does [a link to MR-ACT-001](index.md).

```text
MR-ACT-002 in a fence
```
"""

INDEX = """\
# Example Hosting Ltd

This handbook holds the service management system. Start with the
[action register](actions/index.md) or the [clause coverage](clauses/index.md).
"""


def make_repo(root: Path, *, xss: bool = True, extra: dict[str, str] | None = None,
              mkdocs_yml: str = MKDOCS_YML) -> Path:
    """Write a small SMS repository with mkdocs.yml into root."""
    files = {"mkdocs.yml": mkdocs_yml, "docs/index.md": INDEX, "docs/policy.md": POLICY,
             "records/reviews/mr-2026-01.md": review(ACTIONS + (XSS_ACTION if xss else "")),
             "records/ncs/nc-001.md": NC, **(extra or {})}
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def broken_links(site: Path) -> list[str]:
    """Every internal href/src of every HTML file of the site that names no file of it."""
    broken = []
    for page in site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("#", "mailto:", "data:")):
                continue
            base = site if parts.path.startswith("/") else page.parent  # 404.html is absolute
            target = (base / unquote(parts.path).lstrip("/")).resolve()
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
    return broken


def article(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text[text.index("<article"): text.index("</article>")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    root = make_repo(tmp_path_factory.mktemp("repo"))
    site = root / "site-out"
    proc = build_site(root, site, strict=True)
    assert proc.returncode == 0, proc.stderr
    return root, site, proc.stderr


GENERATED = ["actions/index.html", "actions/MR-ACT-003/index.html", "actions/CA-001/index.html",
             "clauses/index.html", "clauses/9.3/index.html", "clauses/10.1/index.html",
             "registers/documents/index.html", "registers/records/index.html",
             "registers/findings/index.html", "registers/tags/index.html",
             "records/reviews/mr-2026-01/index.html", "records/ncs/nc-001/index.html",
             "sms.json", "assets/smsdocs/smsdocs.css", "assets/smsdocs/smsdocs.js"]


def test_strict_build_passes_with_generated_pages(built: tuple[Path, Path, str]) -> None:
    root, site, log = built
    for relative in GENERATED:
        assert (site / relative).is_file(), relative
    assert not (root / "docs" / "actions").exists()  # nothing is written into docs/
    assert "[action.overdue]" in log and "records/reviews/mr-2026-01.md:22" in log
    assert "not included in the \"nav\"" not in log


def test_every_internal_link_resolves(built: tuple[Path, Path, str]) -> None:
    _, site, _ = built
    assert broken_links(site) == []


def test_pages_link_to_each_other(built: tuple[Path, Path, str]) -> None:
    _, site, _ = built
    action = article(site / "actions/MR-ACT-003/index.html")
    assert "<h1" in action and "MR-ACT-003 — Automate the change calendar" in action
    assert 'href="../../records/reviews/mr-2026-01/"' in action  # raised by
    assert 'href="../../clauses/8.5.1/"' in action and 'href="../../clauses/9.3/"' in action
    assert 'href="../../policy/"' in action  # backlink: the policy mentions it
    overdue = article(site / "actions/MR-ACT-002/index.html")
    assert "overdue 54 d" in overdue
    evidence = article(site / "actions/MR-ACT-001/index.html")
    assert 'href="../../records/ncs/nc-001/"' in evidence
    assert 'href="https://example.com/hr/req-17"' in evidence
    clause = article(site / "clauses/9.3/index.html")
    assert "9.3 Management review" in clause
    assert 'href="../../records/reviews/mr-2026-01/"' in clause
    assert 'href="../../actions/MR-ACT-004/"' in clause
    register = article(site / "actions/index.html")
    first_rows = register[register.index("<tbody>"):]
    assert first_rows.index("MR-ACT-002") < first_rows.index("MR-ACT-001")  # overdue first
    matrix = article(site / "clauses/index.html")
    assert "gap" in matrix and "covered" in matrix
    documents = article(site / "registers/documents/index.html")
    assert "POL-001" in documents and "2027-01-15" in documents
    findings = article(site / "registers/findings/index.html")
    assert "action.overdue" in findings and 'href="../../records/reviews/mr-2026-01/"' in findings


def test_ids_in_prose_link_but_not_in_code_or_links(built: tuple[Path, Path, str]) -> None:
    _, site, _ = built
    policy = article(site / "policy/index.html")
    assert '<a class="smsdocs-id" href="../actions/MR-ACT-003/">MR-ACT-003</a>' in policy
    assert "<code>MR-ACT-002</code>" in policy
    assert "MR-ACT-002 in a fence" in policy
    assert '<a href="../">a link to MR-ACT-001</a>' in policy
    assert 'href="../clauses/5.2/"' in policy  # header card clause link
    assert "1.2" in policy and "2027-01-15" in policy  # version, next review


def test_front_matter_values_are_escaped(built: tuple[Path, Path, str]) -> None:
    _, site, _ = built
    pages = ["actions/MR-ACT-004/index.html", "actions/index.html",
             "records/reviews/mr-2026-01/index.html", "clauses/9.3/index.html"]
    for relative in pages:
        text = (site / relative).read_text(encoding="utf-8")
        assert XSS_SCRIPT not in text and XSS_IMG not in text, relative
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, relative
    for relative in pages[:3]:
        text = (site / relative).read_text(encoding="utf-8")
        assert "&lt;img src=x onerror=alert(1)&gt;" in text, relative


def test_sms_json_validates_and_links_both_ways(built: tuple[Path, Path, str]) -> None:
    _, site, _ = built
    data = json.loads((site / "sms.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    records = {r["id"]: r for r in data["records"]}
    actions = {a["id"]: a for a in data["actions"]}
    clauses = {c["id"]: c for c in data["clauses"]}
    assert data["generator"].startswith("smsdocs ")
    for action in actions.values():
        assert action["id"] in records[action["record"]]["actions"]
        for number in action["clauses"]:
            assert action["id"] in clauses[number]["actions"]
    for record in records.values():
        for number in record["clauses"]:
            assert record["id"] in clauses[number]["records"] + clauses[number]["documents"]
        for identifier in record["actions"]:
            assert actions[identifier]["record"] == record["id"]
    assert {m["path"] for m in actions["MR-ACT-003"]["mentioned_in"]} == {
        "docs/policy.md", "records/reviews/mr-2026-01.md"}
    assert "9.3" in records["MR-2026-01"]["clauses"]
    assert "action.overdue" in {f["rule"] for f in data["findings"]}
    assert all(f["severity"] == "warning" for f in data["findings"])


def test_broken_record_fails_strict_build_naming_rule_file_and_line(tmp_path: Path) -> None:
    broken = NC.replace("    owner: Change Manager\n    target_date", "    target_date")
    broken = broken.replace("CA-001 names", "CA-009 names")
    root = make_repo(tmp_path, xss=False, extra={"records/ncs/nc-001.md": broken})
    proc = build_site(root, tmp_path / "site", strict=True)
    assert proc.returncode != 0
    assert "records/ncs/nc-001.md:10: [action.owner]" in proc.stderr
    assert "[ref.unknown]" in proc.stderr and "CA-009" in proc.stderr
    assert "strict mode" in proc.stdout + proc.stderr


def test_defaults_need_no_configuration_and_fail_on_warning(tmp_path: Path) -> None:
    plain = "site_name: Plain\ntheme:\n  name: material\n  font: false\n" \
            "plugins: [search, smsdocs]\n"
    root = make_repo(tmp_path / "plain", xss=False, mkdocs_yml=plain)
    proc = build_site(root, tmp_path / "site", strict=True)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "site" / "actions" / "MR-ACT-001" / "index.html").is_file()
    assert "not included in the \"nav\"" not in proc.stderr
    assert broken_links(tmp_path / "site") == []
    strict = plain.replace("[search, smsdocs]",
                           "\n  - search\n  - smsdocs:\n      fail_on: warning\n")
    (root / "mkdocs.yml").write_text(strict, encoding="utf-8")
    proc = build_site(root, tmp_path / "site2", strict=True)
    assert proc.returncode != 0 and "[action.overdue]" in proc.stderr


@pytest.mark.slow
def test_example_repository_builds() -> None:
    if not (REPO_ROOT / "docs" / "index.md").is_file():
        pytest.skip("the example SMS (docs/index.md) is not there yet")
    site = Path(os.environ.get("TMPDIR", "/tmp")) / f"smsdocs-example-site-{os.getpid()}"
    proc = build_site(REPO_ROOT, site, strict=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert (site / "actions" / "index.html").is_file() and (site / "sms.json").is_file()
    assert broken_links(site) == []
