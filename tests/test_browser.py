"""The built handbook in a real browser (headless Chromium through Playwright)."""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sites import build_site
from test_plugin import XSS_IMG, XSS_SCRIPT, make_repo

CHROMIUM = Path("/usr/bin/chromium")
REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT = REPO_ROOT / "test-output"

pytestmark = pytest.mark.browser


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing: the browser tests must run in CI")
    pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium); skipped locally only")


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_chromium()
    root = make_repo(tmp_path_factory.mktemp("browser-repo"))
    site = root / "site-out"
    proc = build_site(root, site, strict=True)
    assert proc.returncode == 0, proc.stderr
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def launched_chromium() -> Iterator[object]:
    """Debian's Chromium, headless, with no background traffic (shared by the browser tests)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


def open_action_by_search(page, action_id: str) -> None:  # noqa: ANN001
    """Type an action id into Material's search box and follow the first hit to its page."""
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(action_id, delay=20)
    hit = page.locator(f".md-search-result__item a[href*='actions/{action_id}']").first
    hit.wait_for(timeout=15000)
    hit.click()


@pytest.fixture(scope="module")
def browser(site_url: str) -> Iterator[object]:
    yield from launched_chromium()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs  # type: ignore[attr-defined]
    yield page
    context.close()


def test_click_from_home_to_action_clause_and_back_to_record(page, site_url: str) -> None:  # noqa: ANN001
    page.goto(site_url)
    page.locator("article a", has_text="action register").first.click()
    page.wait_for_url(re.compile(r"/actions/$"))
    assert page.locator("h1").first.inner_text() == "Action register"
    page.locator("article table a", has_text="MR-ACT-003").first.click()
    page.wait_for_url(re.compile(r"/actions/MR-ACT-003/$"))
    assert page.locator("h1").first.inner_text().startswith("MR-ACT-003 — Automate")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "action-page.png"), full_page=True)
    page.locator("a.smsdocs-clause", has_text="9.3").first.click()
    page.wait_for_url(re.compile(r"/clauses/9\.3/$"))
    assert page.locator("h1").first.inner_text() == "9.3 Management review"
    page.locator("article a[href*='records/reviews/mr-2026-01']").first.click()
    page.wait_for_url(re.compile(r"/records/reviews/mr-2026-01/$"))
    card = page.locator("[data-smsdocs-card]")
    assert card.is_visible() and "MR-2026-01" in card.inner_text()
    assert "MR-ACT-003" in page.locator("[data-smsdocs-decisions]").inner_text()
    assert page.dialogs == []


def test_search_finds_an_action_by_id(page, site_url: str) -> None:  # noqa: ANN001
    page.goto(site_url)
    open_action_by_search(page, "MR-ACT-003")
    page.wait_for_url(re.compile(r"/actions/MR-ACT-003/"))
    assert page.locator("h1").first.inner_text().startswith("MR-ACT-003")


def test_register_filter_and_clause_index(page, site_url: str) -> None:  # noqa: ANN001
    page.goto(site_url + "actions/")
    rows = page.locator("[data-smsdocs-register] tbody tr")
    total = rows.count()
    page.locator("input.smsdocs-filter").fill("CA-001")
    visible = [r for r in rows.all() if r.is_visible()]
    assert len(visible) == 1 and total > 1
    page.goto(site_url + "clauses/")
    assert page.locator("text=gap").first.is_visible()
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "clause-index.png"), full_page=False)
    dark = page.context.browser.new_context(color_scheme="dark",
                                            viewport={"width": 1280, "height": 900})
    dark_page = dark.new_page()
    dark_page.goto(site_url + "clauses/")
    scheme = dark_page.locator("body").get_attribute("data-md-color-scheme")
    dark_page.screenshot(path=str(OUTPUT / "clause-index-dark.png"), full_page=False)
    dark.close()
    assert scheme == "slate"


def test_front_matter_script_is_text_not_code(page, site_url: str) -> None:  # noqa: ANN001
    for path in ("actions/MR-ACT-004/", "actions/", "records/reviews/mr-2026-01/",
                 "clauses/9.3/"):
        page.goto(site_url + path)
        page.wait_for_load_state("load")
        assert page.get_by_text(XSS_SCRIPT).first.is_visible(), path
    page.goto(site_url + "actions/MR-ACT-004/")
    assert page.get_by_text(XSS_IMG).first.is_visible()
    assert page.locator("article img[src='x']").count() == 0
    assert page.dialogs == []
