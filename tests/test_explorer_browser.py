"""The gradient-descent explorer (_static/gd_explorer.js) in a real headless Chromium.

On the built learning-rate and SGD pages of every language, as readers get them, the explorer's
W, b and cost after N updates must equal NumPy's gradient descent (float64, the formula in
gd_explorer.js) to 1e-6 relative (tests/gd_explorer.py), and the divergence message must appear
exactly above the threshold. Screenshots go to <build>/screenshots/ for a person to look at.
The explorer without a browser: test_explorer.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from book_ext.book_languages import HANGUL
from tests.bookinfo import BUILD_HTML, languages
from tests.conftest import SCREENSHOTS, VIEWPORT, Tab
from tests.gd_explorer import Explorer, check_against_numpy, numpy_descent, numpy_threshold, same

# A screenshot of an element taller than the window is stitched from several, and the theme's
# fixed and sticky bars (the header, the skip link) land in the middle of it: hide them while
# taking one. Readers never see them there (a window-sized screenshot shows the page as it is).
NO_STICKY = ".skip-link, .bd-header, .bd-header-article { visibility: hidden !important; }"


def check_learning_rates(tab: Tab, lang: str) -> None:
    explorer = Explorer(tab)
    data = explorer.data
    threshold = data["threshold"]
    assert same(threshold, numpy_threshold(data)), "the page's threshold is not 2/λ_max of its data"
    # The explorer starts at the page's values.
    out = explorer.root.locator("output.gd-result")
    assert float(out.get_attribute("data-learning-rate")) == data["learning_rate"]
    assert out.get_attribute("data-updates") == str(data["updates"])
    assert same(explorer.result()["threshold"], threshold)
    just_above = float(np.nextafter(threshold, 1.0))
    rates = [0.001, 0.05, 0.98 * threshold, threshold, just_above, 1.02 * threshold, 0.1, 0.13, 0.2]
    settings = [(lr, n, None) for n in (1, 37, data["updates"], 1000) for lr in rates]
    for (lr, _, _), got in zip(settings, check_against_numpy(explorer, settings)):
        above = lr > threshold
        assert got["diverged"] == above and got["warning"] == above, (
            f"lr={lr!r} ({'above' if above else 'not above'} {threshold!r}): the message says {got['message']!r}"
        )
    # Above the threshold, the cost after enough updates is larger than at the start, and below it smaller.
    start_cost = numpy_descent(data, 0.1, 0)[2]
    assert explorer.set(lr=1.02 * threshold, n=1000)["cost"] > start_cost
    assert explorer.set(lr=0.98 * threshold, n=1000)["cost"] < start_cost
    # The message is in the page's language.
    message = explorer.set(lr=0.13)["message"]
    has_hangul = re.search(f"[{HANGUL}]", message) is not None
    assert has_hangul == (lang == "ko"), message
    # The predictions for 5 and 4 are shown with the current line.
    text = explorer.set(lr=0.1, n=data["updates"])["text"]
    w, b, _ = numpy_descent(data, 0.1, data["updates"])
    for at in data["predict_at"]:
        # gd_explorer.js shows 5 significant digits (toPrecision(5)) and a real minus sign.
        assert f"{w * at + b:#.5g}".replace("-", "−") in text, text


def check_keyboard(tab: Tab, walk: bool = True) -> None:
    """The slider moves with the arrow keys; the number field follows; a reader finds the threshold
    (with ``walk``: by walking the slider to it)."""
    explorer = Explorer(tab)
    slider = explorer.root.locator("input[type='range'][id$='-lr']")
    number = explorer.root.locator("input[id$='-lr-number']")
    assert explorer.root.locator(f"label[for='{slider.get_attribute('id')}']").count() == 1
    assert explorer.root.locator(f"label[for='{number.get_attribute('id')}']").count() == 1
    assert explorer.root.locator("output[aria-live], .gd-message[aria-live]").count() == 2
    explorer.set(lr=0.1, n=200)
    slider.focus()
    before = float(number.input_value())
    tab.page.keyboard.press("ArrowRight")
    after = float(number.input_value())
    assert after > before
    if not walk:
        return
    # Walking the slider up from 0.1 crosses the threshold; the message turns into a warning there.
    threshold = explorer.result()["threshold"]
    for _ in range(200):
        if explorer.result()["diverged"]:
            break
        tab.page.keyboard.press("ArrowRight")
    lr = float(number.input_value())
    assert lr > threshold and explorer.result()["warning"]
    assert lr < threshold * 1.02, "the first rate that diverges is far above the threshold"
    mark = explorer.root.locator(".gd-threshold-mark")
    assert mark.is_visible()


TEXT_COLLISIONS = """() => {
  const found = [];
  for (const svg of document.querySelectorAll('.gd-explorer svg')) {
    const texts = [...svg.querySelectorAll('text.gd-axis, text.gd-tick')]
      .map(t => [t.textContent, t.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
    texts.forEach(([a, r], i) => texts.slice(i + 1).forEach(([b, q]) => {
      if (r.left < q.right + 1 && q.left < r.right + 1 && r.top < q.bottom + 1 && q.top < r.bottom + 1)
        found.push(`${a} / ${b}`);
    }));
  }
  const ticks = [...document.querySelectorAll('.gd-explorer .gd-scale-tick')]
    .map(e => [e.textContent, e.getBoundingClientRect()]);
  ticks.slice(1).forEach(([b, q], i) => {
    if (ticks[i][1].right + 4 > q.left) found.push(`slider ${ticks[i][0]} / ${b}`);
  });
  return found;
}"""


def assert_no_text_collides(tab: Tab, name: str) -> None:
    """No axis title over a tick label, no two tick labels touching, in any chart or on the slider's
    scale (4 px apart at least there), at the window's present width."""
    width = tab.page.viewport_size["width"]
    found = tab.page.evaluate(TEXT_COLLISIONS)
    assert not found, f"{name}: at {width} px these labels overlap: {found}"


def check_layout(tab: Tab, name: str, dark: bool = True) -> str | None:
    """No horizontal scrolling at 390 px; screenshots on a desktop and a phone, light and (with
    ``dark``) dark. Returns the explorer's text colour in the dark theme, or None."""
    page = tab.page
    explorer = page.locator(".gd-explorer").first
    page.set_viewport_size(VIEWPORT)
    explorer.scroll_into_view_if_needed()
    assert_no_text_collides(tab, name)
    explorer.screenshot(path=str(SCREENSHOTS / f"explorer-{name}-desktop.png"), style=NO_STICKY)
    page.set_viewport_size({"width": 390, "height": 844})
    explorer.scroll_into_view_if_needed()
    assert_no_text_collides(tab, name)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,"
        " document.querySelector('.gd-explorer').scrollWidth, document.querySelector('.gd-explorer').clientWidth]"
    )
    assert widths[0] <= widths[1], f"{name}: the page scrolls sideways at 390 px: {widths}"
    assert widths[2] <= widths[3], f"{name}: the explorer is wider than its column at 390 px: {widths}"
    explorer.screenshot(path=str(SCREENSHOTS / f"explorer-{name}-phone.png"), style=NO_STICKY)
    # On the narrowest phones (320 px), the threshold label under the slider (long in Korean)
    # wraps and stays inside the explorer.
    page.set_viewport_size({"width": 320, "height": 640})
    assert_no_text_collides(tab, name)
    edges = page.evaluate(
        "() => [document.querySelector('.gd-explorer'), document.querySelector('.gd-explorer .gd-threshold-mark')]"
        ".map(e => e.getBoundingClientRect()).flatMap(r => [r.left, r.right])"
    )
    assert edges[0] <= edges[2] and edges[3] <= edges[1], f"{name}: the threshold label leaves the explorer: {edges}"
    # ... and the slider's tick labels, in order, do not touch.
    ticks = page.evaluate(
        "() => [...document.querySelector('.gd-explorer').querySelectorAll('.gd-scale-tick')]"
        ".map(e => [e.textContent, e.getBoundingClientRect().left, e.getBoundingClientRect().right])"
    )
    for (left_label, _, right_edge), (label, left_edge, _) in zip(ticks, ticks[1:]):
        assert right_edge + 2 <= left_edge, f"{name}: at 320 px the ticks {left_label} and {label} touch: {ticks}"
    if not dark:
        page.set_viewport_size(VIEWPORT)
        return None
    page.set_viewport_size({"width": 390, "height": 844})
    # The dark theme: the text is light on a dark background.
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    colour = page.evaluate("getComputedStyle(document.querySelector('.gd-explorer .gd-result')).color")
    explorer.screenshot(path=str(SCREENSHOTS / f"explorer-{name}-phone-dark.png"), style=NO_STICKY)
    page.evaluate("document.documentElement.dataset.theme = 'light'")
    page.set_viewport_size(VIEWPORT)
    return colour


def luminance(css_colour: str) -> float:
    r, g, b = (float(v) for v in css_colour[css_colour.index("(") + 1 : -1].split(",")[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def check_learning_rate_explorer(tab, lang: str, shot: str) -> None:
    """The learning-rate explorer on an open page: NumPy's numbers, keyboard, layout, dark theme, clean."""
    check_learning_rates(tab, lang)
    # The walk to the threshold, a key press and a read at a time, is the same script in every
    # language (the labels are checked in each): once is enough.
    check_keyboard(tab, walk=lang == languages()[0])
    dark = check_layout(tab, shot)
    assert luminance(dark) > 0.6, f"the explorer's text is {dark} in the dark theme"
    tab.assert_clean()


# ---- the built pages -------------------------------------------------------------------------


def built_page(lang: str, page: str) -> str:
    """The page's path in the built site, which is one site per language: <lang>/<page>.html."""
    rel = f"{lang}/{page}.html"
    if not (BUILD_HTML / rel).is_file():
        pytest.fail(f"{rel} was not built under {BUILD_HTML}")
    return rel


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
@pytest.mark.browser
def test_built_learning_rate_page_explorer_agrees_with_numpy(tab, built, lang):
    rel = built_page(lang, "learning_rate")
    tab.open(rel)
    assert tab.page.locator("script[src*='gd_explorer.js']").count() == 1
    assert tab.page.locator("link[href*='gd_explorer.css']").count() == 1
    assert tab.page.locator(".gd-explorer-fallback").count() == 0, "the explorer did not start"
    check_learning_rate_explorer(tab, lang, f"learning_rate-{lang}")


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
@pytest.mark.browser
def test_built_sgd_page_explorer_agrees_with_numpy_for_every_batch_size(tab, built, lang):
    tab.open(built_page(lang, "sgd"))
    explorer = Explorer(tab)
    data = explorer.data
    m = len(data["x"])
    assert explorer.root.locator("select option").all_inner_texts() == [str(s) for s in data["batch_sizes"]]
    for batch in data["batch_sizes"]:
        check_against_numpy(explorer, [(lr, n, batch) for n in (1, 3, 7, data["updates"])
                                       for lr in (0.01, 0.1, 0.13, 0.19)])
        limit = explorer.set(lr=0.1, batch=batch)["threshold"]
        if batch == m:
            assert same(limit, numpy_threshold(data))
        assert not explorer.set(lr=limit)["diverged"]
        assert explorer.set(lr=float(np.nextafter(limit, 1.0)))["warning"]
        if lang == languages()[0]:  # NumPy on the same data in every language: once is enough
            # The threshold the explorer marks for this batch size is where NumPy's runs start to diverge.
            start_cost = numpy_descent(data, 0.1, 0, batch)[2]
            assert numpy_descent(data, 0.99 * limit, 4000, batch)[2] < start_cost
            assert numpy_descent(data, 1.01 * limit, 4000, batch)[2] > start_cost
    # The dark theme is checked on the learning-rate page's explorer: the same widget and style sheet.
    check_layout(tab, f"sgd-{lang}", dark=False)
    tab.assert_clean()


FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return {id: e.id, tag: e.tagName, ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1
          || s.boxShadow !== 'none'};
}"""


@pytest.mark.book
@pytest.mark.browser
def test_keyboard_alone_reaches_and_drives_the_explorer_with_a_visible_focus(tab):
    """From the top of the page, Tab alone reaches the learning-rate slider; the arrow keys, a typed
    rate and the End key change what the explorer shows; every control shows where the focus is;
    the results are in live regions, so a screen reader announces them."""
    tab.open(built_page(languages()[0], "learning_rate"))
    explorer = Explorer(tab)
    page = tab.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.skip-link') !== null"), "the first Tab is not the skip link"
    reached = []
    for _ in range(80):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        reached.append(now["id"] or now["tag"])
        if now["id"].endswith("-lr"):
            break
    else:
        raise AssertionError(f"80 presses of Tab never reached the learning-rate slider: {reached}")
    assert now["ring"], "the slider shows no focus ring"
    before = explorer.result()
    page.keyboard.press("ArrowRight")
    assert explorer.result()["learning-rate"] != before["learning-rate"]
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["id"].endswith("-lr-number") and page.evaluate(FOCUSED)["ring"]
    page.keyboard.press("Control+A")
    page.keyboard.type("0.05")
    assert explorer.result()["learning-rate"] == "0.05"
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["id"].endswith("-n") and page.evaluate(FOCUSED)["ring"]
    page.keyboard.press("End")
    most = str(explorer.data.get("max_updates", 1000))
    assert explorer.result()["updates"] == most
    message, result = explorer.root.locator(".gd-message[aria-live='polite'], output[aria-live='polite']").all()
    assert "0.05" in message.text_content() and most in result.text_content()
    tab.assert_clean()
