"""Every kind of handbook page in real Chromium at a desktop and a phone width: nothing wider
than the screen, ids on one line, every table's columns on screen or in a scroll box, no
network request; a review printed to PDF reads as one paged document.

The example, its auditor edition and a fresh `smsdocs init` repository are built once per
session (conftest.built_sites) and served from one local server; one browser for the module.
Screenshots go to test-output/layout/.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import OUTPUT, _need_chromium, _QuietHandler, launched_chromium

pytestmark = pytest.mark.browser
SHOTS = OUTPUT / "layout"
WIDTHS = (1366, 390)
# (site, kind): the page is found in the site's sms.json (records, actions) or is fixed.
FIXED = {"home": "", "document-register": "registers/documents/",
         "record-register": "registers/records/", "action-register": "actions/",
         "clause-coverage": "clauses/", "clause": "clauses/9.3/", "kpis": "registers/kpis/",
         "input-pack": "registers/input-pack/", "rules": "registers/rules/",
         "evidence-index": "registers/evidence/", "progress": "registers/progress/",
         "findings": "registers/findings/"}
FROM_JSON = ("action", "review", "nonconformity", "document")
PAGES = [(site, kind) for site in ("example", "init") for kind in [*FIXED, *FROM_JSON]]
PAGES += [("auditor", kind) for kind in ("home", "review", "evidence-index", "clause-coverage")]

# Measures one page as laid out: overflow of the page, ids that wrap, table columns that
# are neither on screen nor inside a scroll box.
MEASURE = r"""() => {
  // action and record ids, clause numbers, rule ids
  const ID = /^([A-Z][A-Z0-9]*(-[A-Z0-9]+)+|\d+(\.\d+)+|[a-z][a-z0-9-]*(\.[a-z0-9-]+)+)$/;
  const visible = el => el.getClientRects().length > 0 && !el.closest("details:not([open])");
  const lines = el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = [...range.getClientRects()].filter(r => r.width > 0).map(r => r.top);
    return tops.length ? Math.round((Math.max(...tops) - Math.min(...tops)) / 4) : 0;
  };
  const wrapped = [];
  const ids = "article td, article a.smsdocs-id, article td > code";
  for (const el of document.querySelectorAll(ids)) {
    if (!visible(el)) continue;
    const text = el.innerText.trim();  // a <br> makes two lines: not an id cell
    if ((el.tagName === "A" || ID.test(text)) && lines(el) > 0) wrapped.push(text);
  }
  const clipped = [];
  for (const table of document.querySelectorAll("article table")) {
    if (!visible(table)) continue;
    const cells = table.tHead ? table.tHead.rows[0].cells : (table.rows[0] || {cells: []}).cells;
    for (const cell of cells) {
      const r = cell.getBoundingClientRect();
      let scrolled = false, bad = false;
      for (let el = cell.parentElement; el && el !== document.body; el = el.parentElement) {
        const style = getComputedStyle(el);
        if (style.overflowX === "visible") continue;
        const box = el.getBoundingClientRect();
        if (r.right > box.right + 1 || r.left < box.left - 1) {
          if (style.overflowX === "auto" || style.overflowX === "scroll") scrolled = true;
          else bad = true;
        }
      }
      const out = !scrolled && r.right > window.innerWidth + 1;
      if (bad || out) clipped.push(cell.textContent.trim());
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          wrapped, clipped, tables: document.querySelectorAll("article table").length};
}"""


@pytest.fixture(scope="module")
def served(built_sites: dict[str, tuple[Path, Path]]) -> Iterator[dict[str, str]]:
    """One local server for the built sites: {site name: base URL}."""
    _need_chromium()
    base = next(iter(built_sites.values()))[1].parent
    handler = functools.partial(_QuietHandler, directory=str(base))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        yield {name: f"{root}{site.name}/" for name, (_, site) in built_sites.items()}
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(served: dict[str, str]) -> Iterator[object]:
    yield from launched_chromium()


def _page_path(site: Path, kind: str, directory_urls: bool) -> str:
    if kind in FIXED:
        path = FIXED[kind]
    else:
        data = json.loads((site / "sms.json").read_text(encoding="utf-8"))
        if kind == "action":
            path = data["actions"][0]["url"]
        else:
            wanted = {"review": "management-review", "nonconformity": "nonconformity"}
            path = next(r["url"] for r in data["records"]
                        if r["type"] == wanted.get(kind) or
                        (kind == "document" and r["type"] == "service-management-policy"))
    if not directory_urls and not path.endswith(".html"):
        index = path in ("", "actions/", "clauses/")  # the site's index pages
        path = path + "index.html" if index else path.rstrip("/") + ".html"
    return path


def _open(browser, url: str, width: int, scheme: str = "light"):  # noqa: ANN001, ANN202
    """A new page at the given width whose requests outside the local server are refused
    and recorded."""
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=scheme)
    outside: list[str] = []

    def route(r) -> None:  # noqa: ANN001
        if r.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    return context, page, outside


@pytest.mark.parametrize(("site", "kind"), PAGES, ids=[f"{s}-{k}" for s, k in PAGES])
def test_page_fits_at_desktop_and_phone_width(browser, served, built_sites, site: str,  # noqa: ANN001
                                              kind: str) -> None:
    path = _page_path(built_sites[site][1], kind, directory_urls=site != "auditor")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        context, page, outside = _open(browser, served[site] + path, width)
        try:
            assert page.locator("article h1").count() >= 1, path
            found = page.evaluate(MEASURE)
            page.screenshot(path=str(SHOTS / f"{site}-{kind}-{width}.png"), full_page=False)
        finally:
            context.close()
        where = f"{site} {path} at {width}px"
        assert found["scrollWidth"] <= found["innerWidth"], (where, found)
        assert found["wrapped"] == [], (where, "ids over more than one line", found["wrapped"])
        assert found["clipped"] == [], (where, "columns out of view", found["clipped"])
        assert outside == [], (where, "network requests", outside)


def test_dark_mode_review_and_matrix(browser, served) -> None:  # noqa: ANN001
    for kind, path in (("review", "records/management-reviews/MR-2026-02/"),
                       ("clause-coverage", "clauses/")):
        context, page, outside = _open(browser, served["example"] + path, 1366, "dark")
        try:
            assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
            found = page.evaluate(MEASURE)
            page.screenshot(path=str(SHOTS / f"example-{kind}-dark.png"), full_page=False)
        finally:
            context.close()
        assert found["scrollWidth"] <= found["innerWidth"] and not found["wrapped"], found
        assert outside == []


def test_review_prints_as_one_paged_document(browser, served) -> None:  # noqa: ANN001
    import pypdf

    url = served["example"] + "records/management-reviews/MR-2026-02/"
    context, page, _ = _open(browser, url, 1366)
    try:
        decisions = page.locator("[data-smsdocs-decisions] tbody tr").count()
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 680, "height": 960})  # A4 less its margins, at 96 dpi
        fit = page.evaluate("""() => {
          const t = document.querySelector('[data-smsdocs-decisions] table');
          const box = document.querySelector('article').getBoundingClientRect();
          const r = t.getBoundingClientRect();
          return {right: r.right, box: box.right, scroll: t.scrollWidth, client: t.clientWidth};
        }""")
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
    finally:
        context.close()
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "example-review.pdf").write_bytes(pdf)
    assert fit["right"] <= fit["box"] + 1 and fit["scroll"] <= fit["client"] + 1, fit
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = [p.extract_text() for p in reader.pages]
    assert 2 <= len(pages) <= 8, len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text, (number, text[:200])
        assert "MR-2026-02 · 2026-07-21" in text, number  # running header on every page
    whole = "\n".join(pages)
    assert "Attendees (10)" in whole and "Decisions and actions" in whole
    assert "Robert Ellis" in whole and "2026-01-01 to 2026-06-30" in whole  # attendees, period
    ids = set(re.findall(r"MR-ACT-0\d\d", whole))
    assert decisions and len(ids) >= decisions
    assert "Status today" in whole  # the last column of the decisions is on the paper
    assert "Management review, January 2026" not in whole  # one review per printout
