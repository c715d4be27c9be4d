"""The handbook core (no MkDocs): id links, URLs, escaping, and a pack without clauses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import write_files
from smsdocs.core import config as config_mod
from smsdocs.handbook import Handbook, autolink, relative_url
from smsdocs.validate import validate
from test_plugin import ACTIONS, NC, POLICY, XSS_ACTION, XSS_IMG, XSS_SCRIPT, review


def handbook(root: Path, clauses: bool = True) -> Handbook:
    write_files(root, {"docs/policy.md": POLICY, "records/ncs/nc-001.md": NC,
                       "records/mr.md": review(ACTIONS + XSS_ACTION)})
    config = config_mod.load(root)
    pack = config.rule_pack()
    if not clauses:
        pack.clauses = {}
    result = validate(root, config, pack, dt.date(2026, 11, 23))
    hb = Handbook(result, lambda p: p[5:] if p.startswith("docs/") else p)
    hb.set_urls({page.src: page.src[:-3] + "/" for page in hb.pages} | {
        "policy.md": "policy/", "records/ncs/nc-001.md": "records/ncs/nc-001/",
        "records/mr.md": "records/mr/"})
    return hb


def test_relative_url() -> None:
    assert relative_url("actions/MR-ACT-001/", "actions/") == "MR-ACT-001/"
    assert relative_url("clauses/9.3/", "actions/MR-ACT-001/") == "../../clauses/9.3/"
    assert relative_url("./", "records/ncs/nc-001/") == "../../../"
    assert relative_url("sms.json", "./") == "sms.json"
    assert relative_url("a/b.html", "a/c.html") == "b.html"


def test_autolink_skips_code_links_attributes_and_unknown_ids() -> None:
    html = ('<p title="MR-ACT-001">MR-ACT-001 and NC-404</p><pre><code>MR-ACT-001</code></pre>'
            '<p><a href="x">MR-ACT-001</a> <code>MR-ACT-001</code> (MR-ACT-001)</p>')
    out = autolink(html, lambda i: "../a/" if i == "MR-ACT-001" else None)
    assert out.count('<a class="smsdocs-id" href="../a/">MR-ACT-001</a>') == 2
    assert 'title="MR-ACT-001"' in out and "<code>MR-ACT-001</code></pre>" in out
    assert "NC-404" in out and '">NC-404' not in out


def test_pages_escape_front_matter_everywhere(tmp_path: Path) -> None:
    hb = handbook(tmp_path)
    rendered = [hb.render_page(p.src) or "" for p in hb.pages] + [hb.card("records/mr.md")]
    for html in rendered:
        assert XSS_SCRIPT not in html and XSS_IMG not in html
    action = hb.render_page("actions/MR-ACT-004.md") or ""
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in action
    assert str(hb.title("actions/MR-ACT-004.md")).startswith("MR-ACT-004 — &lt;script&gt;")


def test_graph_links_both_ways_and_mentions(tmp_path: Path) -> None:
    hb = handbook(tmp_path)
    g = hb.graph
    assert g.action_src["MR-ACT-003"] == "actions/MR-ACT-003.md"
    assert [r.id for r in g.clauses["9.3"].records] == ["MR-2026-01"]
    assert {a.id for a in g.clauses["9.3"].actions} == {"MR-ACT-003", "MR-ACT-004"}
    assert "docs/policy.md" in g.mentions["MR-ACT-003"]
    assert "records/ncs/nc-001.md" in g.mentions["MR-2026-01"]  # evidence and prose
    assert g.clauses["5.2"].documents[0].id == "POL-001"
    card = hb.card("records/mr.md")
    assert "MR-ACT-002" not in card  # the header stays compact: actions follow the text
    footer = hb.extensions.record_footer("records/mr.md")
    assert 'href="../../actions/MR-ACT-002/"' in footer and "overdue 54 d" in footer


def test_without_clause_catalogue_pages_come_from_clauses_in_use(tmp_path: Path) -> None:
    hb = handbook(tmp_path, clauses=False)
    numbers = list(hb.graph.clauses)
    assert "9.3" in numbers and "10.1" in numbers and "8.5.1" in numbers
    assert "4.1" not in numbers  # nothing refers to it and there is no catalogue
    page = hb.render_page("clauses/9.3.md") or ""
    assert "Clause 9.3" in page and "not in the rule pack" in page
    assert hb.render_page("clauses/index.md")


def test_edit_links_of_mounted_records_point_beside_docs(tmp_path: Path) -> None:
    from smsdocs.handbook.layout import Layout

    (tmp_path / "docs").mkdir()
    (tmp_path / "records").mkdir()
    layout = Layout(tmp_path, tmp_path / "docs", tmp_path / "records")
    base = "https://git.example.com/sms/edit/main/"
    assert layout.edit_url(base + "docs/records/mr.md", "records/mr.md") == \
        base + "records/mr.md"
    assert layout.edit_url(base + "docs/sms/plan.md", "sms/plan.md") == base + "docs/sms/plan.md"
    # an edit_uri of another shape: no link rather than a wrong one
    assert layout.edit_url("https://x/edit/records/mr.md", "records/mr.md") is None
