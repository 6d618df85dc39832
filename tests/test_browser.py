"""The built site in a real headless Chromium, offline.

The site is served from a local http.server; every request to anywhere else is blocked
and counted (none is allowed), and the console must stay free of errors. Screenshots go
to <build>/screenshots/ (next to html/), for a person to look at.

Needs Debian's chromium (and fonts-noto-cjk to draw Hangul): `apt-get install chromium
fonts-noto-cjk`. Without it the tests fail; they never skip.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.bookinfo import languages, load_ext, site_pages
from tests.conftest import TIMEOUT_MS, Tab
from tests.test_site_search import inflected_only

pytestmark = [pytest.mark.book, pytest.mark.browser]

PAGE = "linear_regression.html"
PHONE = {"width": 390, "height": 844}


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


def check_article(tab: Tab, lang: str) -> None:
    """The open page of ``lang``: the chrome (check_page), its formulas drawn, Korean set as Korean."""
    check_page(tab, f"{lang}/{PAGE}", lang)
    # The formulas are MathML: Chromium draws them, with a size, no script involved.
    formula = tab.page.locator("div.math > math").first
    box = formula.bounding_box()
    assert box and box["height"] > 10 and box["width"] > 20, f"a formula is not drawn: {box}"
    if lang == "ko":
        style = tab.page.evaluate(
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


def test_pages_offline_without_errors_and_each_switch_leads_to_the_same_page(tab):
    """One walk: the page in each language, each reached by the switch of the one before, and
    back to the first (a switch in every direction, with two languages)."""
    langs = languages()
    tab.open(f"{langs[0]}/{PAGE}", settle=True)
    for lang, other in zip(langs, [*langs[1:], langs[0]]):
        check_article(tab, lang)
        with tab.page.expect_navigation(wait_until="networkidle"):
            tab.page.locator(f'.language-switch a[hreflang="{other}"]').click()
        assert tab.page.url == tab.base + f"{other}/{PAGE}", f"the switch of {lang} did not lead to the same page"
    check_page(tab, f"{langs[0]}/{PAGE}", langs[0])
    tab.assert_clean()


def test_phone_width_has_no_sideways_scrolling(browser, server):
    """The tutorial's page on a phone, in every language. (The explorer's pages are checked at
    390 and 320 px by tests/test_explorer_browser.py.)"""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        phone = Tab(context, server)
        for lang in languages():
            rel = f"{lang}/{PAGE}"
            phone.open(rel, settle=True)
            check_page(phone, rel, lang)
            phone.screenshot(f"{lang}-linear_regression-phone", scale="css")
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
    # The words of the page this file opens (tests/test_site_search.py checks the index of every page).
    found = inflected_only(soup_of, [PAGE.removesuffix(".html")])
    assert found, f"ko/{PAGE} uses no word only with a particle: the search has nothing to show"
    # A word of the book's subject if one qualifies (회귀 is the example), else any.
    preferred = [stem for stem in ("회귀", "모델", "예측", "비용", "하강법", "학습") if stem in found]
    stem = preferred[0] if preferred else min(found)
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


def test_a_request_to_another_site_is_counted_and_fails_at_once(tab):
    """What the offline checks rest on: the request is seen, and Chromium does not send it."""
    url = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"
    with tab.page.expect_event("requestfailed") as failed:
        tab.page.set_content(f'<script src="{url}"></script>')
    assert tab.blocked == [url]
    assert "ERR_NAME_NOT_RESOLVED" in failed.value.failure
    with pytest.raises(AssertionError, match="1 request"):
        tab.assert_clean()


# Every block of code a reader can see (cells, collapsed ones included, and ```python examples);
# not outputs, which may scroll.
CODE_BLOCKS = ("article .cell_input pre, article div.highlight-python pre")
OVERFLOWING = """selector => [...document.querySelectorAll(selector)]
    .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
    .map(pre => pre.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), ''))"""


def test_no_code_line_is_wider_than_its_block_at_desktop_width(tab):
    """At 1280 px no code line runs off its block (tools/translations/_reader.py keeps them short in
    the files; this measures the pages themselves, collapsed cells opened)."""
    wide = []
    for rel in site_pages():
        tab.open(rel)
        tab.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        wide += [f"{rel}: {line.strip()[:90]}" for line in tab.page.evaluate(OVERFLOWING, CODE_BLOCKS)]
    assert not wide, f"{len(wide)} code line(s) wider than their block at 1280 px:\n" + "\n".join(wide)


FOCUS_RING = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  if (e.dataset.tabbed) return ['again', true];
  e.dataset.tabbed = '1';
  const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1 || s.boxShadow !== 'none';
  const name = e === document.body ? 'body' : (e.id || e.className || e.tagName) + ' ';
  return [name === 'body' ? name : name + (e.textContent || '').trim().slice(0, 30), ring];
}"""


@pytest.mark.parametrize("rel", ["index.html", "ko/sgd.html", "en/linear_regression.html"])
def test_every_keyboard_stop_shows_where_the_focus_is(tab, rel):
    """Tab from the top through the page (the first 120 stops): each shows a focus ring, and the
    first is a skip link to the content."""
    tab.open(rel)
    missing, stops = [], []
    for _ in range(120):
        tab.page.keyboard.press("Tab")
        name, ring = tab.page.evaluate(FOCUS_RING)
        if name in ("body", "again"):
            break
        stops.append(name)
        if not ring:
            missing.append(name)
    assert len(stops) >= (2 if rel == "index.html" else 20), f"{rel}: Tab reached only {stops}"
    assert not missing, f"{rel}: no visible focus on {missing}"
    if rel != "index.html":
        assert tab.page.evaluate("document.querySelector('.skip-link a').getAttribute('href')") == "#main-content"
        assert stops[0].endswith(("본문으로 건너뛰기", "Skip to main content")), stops[:3]
