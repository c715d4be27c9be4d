"""The auditor edition in headless Chromium with the network cut off: opened from file://
and from a local server, it renders with its styles, search finds an action, and it asks no
other host for anything."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sites import build_site
from test_browser import (
    _need_chromium,
    _QuietHandler,
    launched_chromium,
    open_action_by_search,
)
from test_plugin import MKDOCS_YML, NC, make_repo

pytestmark = pytest.mark.browser

# The test handbook's config with its plugins as a mapping (so INHERIT merges them), and an
# explicit nav that names the findings page (which the auditor edition drops from it).
HANDBOOK_YML = MKDOCS_YML.replace("""plugins:
  - search:
      separator""", """plugins:
  search:
    separator""").replace("  - tags\n  - smsdocs:\n      as_of: 2026-11-23\n",
                          "  tags: {}\n  smsdocs:\n    as_of: 2026-11-23\n")
AUDITOR_YML = """INHERIT: mkdocs.yml
use_directory_urls: false
plugins:
  offline: {}
  smsdocs:
    audience: auditor
"""
INTERNAL_NC = NC.replace("NC-001", "NC-009").replace("CA-001", "CA-009").replace(
    "status: closed\n", "status: closed\naudience: internal\n", 1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _need_chromium()
    root = make_repo(tmp_path_factory.mktemp("auditor-browser"), xss=False,
                     mkdocs_yml=HANDBOOK_YML,
                     extra={"mkdocs.auditor.yml": AUDITOR_YML,
                            "records/ncs/nc-009.md": INTERNAL_NC})
    out = root / "site-auditor"
    build_site(root, out, "mkdocs.auditor.yml", engine_name="mkdocs", strict=True, check=True)
    assert not (out / "records/ncs/nc-009.html").exists()
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser(site: Path) -> Iterator[object]:
    yield from launched_chromium()


def _offline_page(browser: object, local: str = ""):  # noqa: ANN202
    """A page whose every request to another host is aborted and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    attempts: list[str] = []
    allowed = urlsplit(local).netloc if local else None

    def allow(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("file", "data", "blob", "about") or (
            allowed is not None and parts.scheme == "http" and parts.netloc == allowed)

    def route(r) -> None:  # noqa: ANN001
        if allow(r.request.url):
            r.continue_()
        else:
            attempts.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda req: None if allow(req.url) else attempts.append(req.url))
    return context, page, attempts


def _check_site(page, start: str) -> None:  # noqa: ANN001
    page.goto(start)
    page.wait_for_load_state("load")
    background = page.evaluate(
        "getComputedStyle(document.querySelector('header.md-header')).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent", ""), background
    assert page.evaluate("getComputedStyle(document.querySelector('header.md-header'))"
                         ".position") == "sticky"
    assert "Auditor edition" in page.locator(".smsdocs-provenance").first.inner_text()
    open_action_by_search(page, "MR-ACT-003")
    page.wait_for_url(re.compile(r"actions/MR-ACT-003\.html"))
    assert page.locator("h1").first.inner_text().startswith("MR-ACT-003")


def test_from_file_with_no_network(browser, site: Path) -> None:  # noqa: ANN001
    context, page, attempts = _offline_page(browser)
    try:
        _check_site(page, (site / "index.html").as_uri())
    finally:
        context.close()
    assert attempts == []


def test_served_with_no_network(browser, server: str) -> None:  # noqa: ANN001
    context, page, attempts = _offline_page(browser, server)
    try:
        _check_site(page, server + "index.html")
        page.goto(server + "registers/evidence.html")
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('header.md-header'))"
                             ".display") == "none"
        border = page.evaluate("getComputedStyle(document.querySelector("
                               "'table[data-smsdocs-table=evidence] td')).borderTopStyle")
        assert border == "solid"
    finally:
        context.close()
    assert attempts == []
