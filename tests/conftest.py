"""Shared fixtures for the tests of the built site.

The browser fixtures live here, not in a test module: a fixture imported into several test
modules is defined once per module, and a second session-wide Playwright in the same process
fails ("Sync API inside the asyncio loop") while the first runs.
"""

from __future__ import annotations

import functools
import itertools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests import scratch_books
from tests.bookinfo import BUILD_HTML
from tools.build import BuildError, chromium

TIMEOUT_MS = 10_000
VIEWPORT = {"width": 1280, "height": 900}
SCREENSHOTS = BUILD_HTML.parent / "screenshots"  # next to html/, for a person to look at
# Chromium resolves no host name but the local server's address: a request to another site fails
# at once, offline or not. The tests see such requests as they are made (the "request" event) and
# count them. They do not intercept requests: Playwright's page.route() sends every request
# through Python and turns Chromium's HTTP cache off, which made each page load cost half again.
OFFLINE_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """The tiny projects that the extensions' tests build (``@pytest.mark.sphinx(testroot="<name>")``
    copies tests/roots/test-<name>/ into pytest's temporary folder, as Sphinx's own tests do)."""
    return Path(__file__).parent / "roots"


@pytest.fixture
def scratch_book(tmp_path):
    """Makes scratch books in pytest's temporary folder: ``scratch_book(pages, copied=, only=, files=)``
    returns the new book's ``Paths`` (tests/scratch_books.py says what each argument gives)."""
    made = itertools.count(1)

    def make(*args, **kwargs):
        return scratch_books.make(tmp_path / f"scratch-book-{next(made)}", *args, **kwargs)

    return make


@pytest.fixture
def book_app(app_params, make_app):
    """Sphinx's ``app`` for a testroot laid out as the book: one site per language, its source
    pages/<language>/ (the ``language`` of the marker's confoverrides), next to the other languages'
    pages, glossary.yml and locale/, as the build has book/<language>/; the output goes to
    _build/<language>/."""
    args, kwargs = app_params
    root, language = kwargs["srcdir"], kwargs.get("confoverrides", {}).get("language", "ko")
    return make_app(*args, **{**kwargs, "srcdir": root / "pages" / language, "builddir": root / "_build" / language})


# The layers (pyproject.toml's markers, the Makefile's `unit`): a test says what it needs. One that
# asks for the built book (the fixture ``built``, which ``soup_of``, ``server`` and the tabs ask for)
# or for Chromium (``browser``) without the marker fails before the fixture runs, and so does one
# that imports TensorFlow without its marker: `make unit` would run it, with no build, no browser,
# or the seconds that TensorFlow costs.
FIXTURE_MARKERS = {"built": "book", "browser": "browser"}
HAD_TENSORFLOW = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item.stash[HAD_TENSORFLOW] = "tensorflow" in sys.modules  # before the fixtures, which may import it
    for fixture, marker in FIXTURE_MARKERS.items():
        if fixture in getattr(item, "fixturenames", ()) and item.get_closest_marker(marker) is None:
            pytest.fail(f"{item.nodeid} uses the fixture {fixture!r} but is not marked {marker!r}: "
                        f"add @pytest.mark.{marker} (or a pytestmark) so that `make unit` leaves it out", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    imported = not item.stash.get(HAD_TENSORFLOW, True) and "tensorflow" in sys.modules
    if imported and item.get_closest_marker("tensorflow") is None:
        pytest.fail(f"{item.nodeid} imported TensorFlow but is not marked 'tensorflow': add "
                    "@pytest.mark.tensorflow (or a pytestmark) so that `make unit` leaves it out", pytrace=False)
    return result


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
    """The Chromium that the build prints with (tools/build/chromium.py); none is a failure, never a skip."""
    try:
        executable = chromium.executable()
    except BuildError as error:
        pytest.fail(f"the browser tests need Chromium and a Korean font: {error}", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(executable), args=chromium.ARGS + OFFLINE_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def browser_context(browser):
    """One context for the session, so that pages share the HTTP cache."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


class Tab:
    """A page whose requests to other sites are counted (Chromium fails them: OFFLINE_ARGS), and
    whose errors are kept."""

    def __init__(self, context, base: str):
        self.base = base
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = context
        self.page = context.new_page()
        self.page.on("request", self._request)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        self.page.on("response", self._response)

    def _request(self, request):
        if not request.url.startswith(self.base):
            self.blocked.append(request.url)

    def _response(self, response):
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console.error: {message.text} ({message.location.get('url', '')})")

    def open(self, rel: str, settle: bool = False) -> None:
        """Open ``rel`` and wait for its load event; with ``settle``, also until no request has
        been made for half a second (what the offline checks need: a late request is seen too)."""
        self.page.goto(self.base + rel, wait_until="networkidle" if settle else "load")

    def assert_clean(self) -> None:
        assert not self.blocked, f"{len(self.blocked)} request(s) to other sites: {self.blocked}"
        assert not self.errors, "errors in the console:\n" + "\n".join(self.errors)

    def screenshot(self, name: str, full_page: bool = False, scale: str = "device") -> Path:
        """A PNG for a person to look at; with ``scale="css"``, one pixel per CSS pixel (a phone's
        is a quarter of the size, and as legible)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page, scale=scale)
        return path


@pytest.fixture(scope="session")
def session_tab(browser_context, server):
    opened = Tab(browser_context, server)
    yield opened
    opened.page.close()


@pytest.fixture
def tab(session_tab):
    """The session's tab, as a new one: nothing counted yet, the usual window size. One tab for
    every test: a new tab costs Chromium about half a page load again."""
    session_tab.page.goto("about:blank")
    session_tab.page.set_viewport_size(VIEWPORT)
    session_tab.blocked.clear()
    session_tab.errors.clear()
    return session_tab
