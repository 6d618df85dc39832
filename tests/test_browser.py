"""The built site in a real headless Chromium, offline.

The site is served from a local http.server; every request to anywhere else is blocked
and counted (none is allowed), and the console must stay free of errors. Screenshots go
to <build>/screenshots/ (next to html/), for a person to look at.

Needs Debian's chromium (and fonts-noto-cjk to draw Hangul): `apt-get install chromium
fonts-noto-cjk`. Without it the tests fail; they never skip.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from tests.bookinfo import BUILD_HTML, languages
from tests.conftest import TIMEOUT_MS
from tests.test_site import inflected_only, load_ext

SCREENSHOTS = BUILD_HTML.parent / "screenshots"
PAGE = "linear_regression.html"
PHONE = {"width": 390, "height": 844}


class Tab:
    """A page whose requests to other sites are blocked and counted, and whose errors are kept."""

    def __init__(self, context, base: str):
        self.base = base
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context = context
        self.page = context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        self.page.on("response", self._response)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

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

    def screenshot(self, name: str, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def tab(browser_context, server):
    opened = Tab(browser_context, server)
    yield opened
    opened.page.close()


def fonts_drawing(tab: Tab, selector: str) -> list[str]:
    """The font families Chromium actually used to draw the text of the first match of selector."""
    cdp = tab.context.new_cdp_session(tab.page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"{selector} not found"
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return [f["familyName"] for f in fonts if f["glyphCount"]]


def check_page(tab: Tab, rel: str, lang: str) -> None:
    page = tab.page
    assert page.evaluate("document.documentElement.lang") == lang
    switch = page.locator(".bd-header-article .language-switch")
    assert switch.is_visible(), f"{rel}: the language switch is not visible"
    box, title = switch.bounding_box(), page.locator("article h1").first.bounding_box()
    assert box["y"] < title["y"], f"{rel}: the switch is not above the title"
    for other in languages():
        if other != lang:
            assert switch.locator(f'a[hreflang="{other}"]').is_visible()
    assert page.locator(".dropdown-download-buttons").is_visible(), f"{rel}: no download menu"
    assert page.locator("footer .book-build-stamp, .bd-footer-content .book-build-stamp").count() == 1
    # Code stays monospace.
    code_font = page.evaluate("getComputedStyle(document.querySelector('div.highlight pre')).fontFamily")
    assert "monospace" in code_font, code_font
    # Nothing wider than the screen: no horizontal scrolling.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{rel}: the page scrolls sideways by {overflow}px"


def other_language(lang: str) -> str:
    return next(other for other in languages() if other != lang)


@pytest.mark.parametrize("lang", languages())
def test_page_offline_without_errors_and_the_switch_leads_to_the_same_page(tab, lang):
    rel = f"{lang}/{PAGE}"
    tab.open(rel, settle=True)
    check_page(tab, rel, lang)
    # The formulas are MathML: Chromium draws them, with a size, no script involved.
    formula = tab.page.locator("div.math > math").first
    box = formula.bounding_box()
    assert box and box["height"] > 10 and box["width"] > 20, f"a formula is not drawn: {box}"
    if lang == "ko":
        page = tab.page
        style = page.evaluate(
            "(() => { const s = getComputedStyle(document.querySelector('article section p'));"
            " return [s.wordBreak, parseFloat(s.lineHeight) / parseFloat(s.fontSize)]; })()"
        )
        assert style[0] == "keep-all", style
        assert style[1] >= 1.7, style
        hangul_fonts = fonts_drawing(tab, "article h1")
        assert any(("CJK" in f or "KR" in f or "Gothic" in f) for f in hangul_fonts), (
            f"the Korean title is drawn with {hangul_fonts}: is fonts-noto-cjk installed?"
        )
    tab.screenshot(f"{lang}-linear_regression")
    other = other_language(lang)
    with tab.page.expect_navigation(wait_until="networkidle"):
        tab.page.locator(f'.language-switch a[hreflang="{other}"]').click()
    assert tab.page.url == tab.base + f"{other}/{PAGE}", "the switch did not lead to the same page"
    check_page(tab, f"{other}/{PAGE}", other)
    tab.assert_clean()


@pytest.mark.parametrize("lang", languages())
def test_phone_width_has_no_sideways_scrolling(browser, server, lang):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        phone = Tab(context, server)
        for name in ("linear_regression", "learning_rate"):
            rel = f"{lang}/{name}.html"
            phone.open(rel, settle=True)
            check_page(phone, rel, lang)
            phone.screenshot(f"{lang}-{name}-phone")
        phone.assert_clean()
    finally:
        context.close()


def test_root_page_offers_every_language(tab):
    tab.open("index.html")
    for lang in languages():
        assert tab.page.locator(f'ul.book-languages a[hreflang="{lang}"]').is_visible()
    assert tab.page.url == tab.base + "index.html", "the root page redirected"
    tab.screenshot("root")
    with tab.page.expect_navigation(wait_until="networkidle"):
        tab.page.locator(f'ul.book-languages a[hreflang="{languages()[-1]}"]').click()
    assert tab.page.url == tab.base + f"{languages()[-1]}/index.html"
    tab.assert_clean()


def search(tab: Tab, lang: str, query: str) -> list[str]:
    """Search one language's site; the pages found, as site paths."""
    tab.open(f"{lang}/search.html?q={quote(query)}")
    tab.page.wait_for_function(
        "() => { const s = document.querySelector('#search-results .search-summary');"
        " return s && s.innerText.trim().length > 0; }"
    )
    hrefs = tab.page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.href)")
    return [h.removeprefix(tab.base).split("?")[0].split("#")[0] for h in hrefs]


def test_korean_search_finds_a_page_that_has_the_word_only_with_particles(tab, soup_of):
    found = inflected_only(soup_of)
    assert found, "no Korean page uses a word with a particle: the search has nothing to show"
    # A word of the book's subject if one qualifies (회귀 is the example), else any.
    preferred = [stem for stem in ("회귀", "모델", "예측", "비용", "하강법", "학습") if stem in found]
    stem = preferred[0] if preferred else min(found, key=lambda s: (-len(found[s]), s))
    hits = search(tab, "ko", stem)
    assert found[stem] <= set(hits), f"searching {stem!r} found {hits}, not {sorted(found[stem])}"
    assert hits and all(h.startswith("ko/") for h in hits), f"results outside the Korean site: {hits}"
    tab.screenshot("search-ko")
    # The query side strips the same particles as the index (JavaScript vs Python).
    korean_stem = load_ext("book_search_ko").korean_stem
    words = ["회귀를", "하강법으로는", "모델이", "텐서플로", "평가", "값을", "데이터에서"]
    js = tab.page.evaluate("words => words.map(w => splitQuery(w)[0])", words)
    assert js == [korean_stem(w) for w in words]
    tab.assert_clean()


def test_english_search_stems_and_stays_in_the_english_site(tab):
    hits = search(tab, "en", "predictions")
    assert f"en/{PAGE}" in hits, f"searching 'predictions' found {hits}"
    assert all(h.startswith("en/") for h in hits), f"results outside the English site: {hits}"
    assert tab.page.evaluate("typeof BOOK_KO_SUFFIXES") == "undefined", "the Korean splitter serves en"
    tab.screenshot("search-en")
    tab.assert_clean()
