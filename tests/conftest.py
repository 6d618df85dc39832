"""Shared fixtures for the tests of the built site.

The browser fixtures live here, not in a test module: a fixture imported into several test
modules is defined once per module, and a second session-wide Playwright in the same process
fails ("Sync API inside the asyncio loop") while the first runs.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.bookinfo import BUILD_HTML
from tools.build import CHROMIUM, CHROMIUM_ARGS

TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def built() -> Path:
    """The built site. Its absence is a failure, never a skip: `make test` builds it first."""
    index = BUILD_HTML / "index.html"
    if not index.exists():
        pytest.fail(f"{BUILD_HTML} has no built book; run `make book` (or `make test`, which builds it)")
    return BUILD_HTML


@pytest.fixture(scope="session")
def soup_of(built):
    cache = {}

    def load(rel: str) -> BeautifulSoup:
        if rel not in cache:
            path = built / rel
            assert path.exists(), f"{rel} was not built"
            cache[rel] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        return cache[rel]

    return load


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass


@pytest.fixture(scope="session")
def server(built):
    """http://127.0.0.1:<free port>/ serving the built site, for the whole session."""
    handler = functools.partial(QuietHandler, directory=str(built))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's Chromium and a Korean font. "
            "Install the Debian packages: apt-get install --no-install-recommends chromium fonts-noto-cjk"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def browser_context(browser):
    """One context for the session, so that pages share the HTTP cache."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()
