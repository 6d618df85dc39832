"""Zero axe-core violations (WCAG 2.2 A and AA) on the root page and every Korean page, in the light and the
dark theme, at desktop and phone width (tests/axe.py says how; English has its own file so both run side by
side); the checks themselves can fail; every formula has a plain notation for screen readers."""

from __future__ import annotations

import pytest

from tests.axe import audited_pages, code_contrast, contrast, violations


@pytest.mark.book
@pytest.mark.browser
def test_every_korean_page_has_no_accessibility_violation(browser, server):
    pages = audited_pages("ko")
    found = violations(browser, server, pages)
    assert not found, f"{len(found)} violation(s) on {len(pages)} pages:\n" + "\n".join(found)


@pytest.mark.browser
def test_a_planted_violation_is_reported_with_its_page_theme_width_rule_and_element(browser):
    page = ("<!DOCTYPE html><html lang=en><title>t</title><main><img src=x.png id=planted>"
            "<div class=highlight><pre>x = <span class=mi>1</span></pre></div></main></html>")
    found = violations(browser, "data:text/html,", [page], book_theme=False)
    for where in ("(light, desktop)", "(light, phone)", "(dark, desktop)", "(dark, phone)"):
        assert any("image-alt [critical] #planted" in line and where in line for line in found), (where, found)


@pytest.mark.browser
def test_a_code_token_too_faint_for_its_background_is_reported(browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content("<div class=highlight><pre style='background: #fff'>ok = <span class=c1 style='color: #aaa'>"
                         "# faint</span> <span class=mi style='color: #888; font-size: 30px'>1</span></pre></div>")
        found = code_contrast(page, "planted")
    finally:
        context.close()
    # #888 on white (3.54:1) is enough for large text only: the 30 px token passes, the small one would not.
    assert len(found) == 1 and "span.c1: 2.32:1" in found[0] and "needs 4.5:1" in found[0], found


def test_contrast_is_wcag_relative_luminance():
    assert contrast([0, 0, 0], [255, 255, 255]) == pytest.approx(21)
    assert contrast([118, 118, 118], [255, 255, 255]) == pytest.approx(4.54, abs=0.01)  # the lightest AA grey


@pytest.mark.book
def test_every_formula_carries_its_plain_notation_for_screen_readers(soup_of):
    """Each <math> has an alttext, its TeX source (book_ext/book_mathml.py): what a reader that cannot
    render MathML shows, and what a screen reader can read out."""
    from tests.bookinfo import site_pages

    formulas = 0
    for rel in site_pages():
        for math in soup_of(rel).find_all("math"):
            formulas += 1
            assert math.get("alttext", "").strip(), f"{rel}: a formula without alttext: {str(math)[:120]}"
    assert formulas > 100, formulas
