"""Zero axe-core violations (WCAG 2.2 A and AA) on every page in the light theme, at desktop and
phone width (tests/axe.py says how; the other theme has its own file so both run side by side)."""

from __future__ import annotations

from tests.axe import audited_pages, violations


def test_every_page_in_the_light_theme_has_no_accessibility_violation(browser, server):
    pages = audited_pages()
    found = violations(browser, server, "light", pages)
    assert not found, f"{len(found)} violation(s) on {len(pages)} pages:\n" + "\n".join(found)


def test_a_planted_violation_is_reported_with_its_page_rule_and_element(browser):
    page = "<!DOCTYPE html><html lang=en><title>t</title><main><img src=x.png id=planted></main></html>"
    found = violations(browser, "data:text/html,", "light", [page], book_theme=False)
    assert any("image-alt [critical] #planted" in line and "(light, desktop)" in line for line in found), found


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
