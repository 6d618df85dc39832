"""axe-core (the copy bundled with axe-playwright-python) over the built site: WCAG 2.0 to 2.2, levels A
and AA, in one theme, at desktop and phone width. tests/test_accessibility_light.py and
tests/test_accessibility_dark.py run it, one theme each, so that pytest-xdist runs the two side by
side (each test file stays on one worker).

Every page of every language's site, its search page and the root page. The theme is chosen the way a
reader's system chooses it (Chromium's prefers-color-scheme; the site's default mode is "auto"), and
the test checks that the page took it. A violation is reported with the page, the width, the rule, its
impact and the element, one line each.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from tests.bookinfo import languages, site_pages

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Experimental in this axe-core; the label of a button must contain its visible text (WCAG 2.5.3).
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "rules": {"label-content-name-mismatch": {"enabled": True}},
           "resultTypes": ["violations"]}


def audited_pages() -> list[str]:
    """The root page, then each language's pages and search page."""
    return ["index.html", *site_pages(), *(f"{lang}/search.html" for lang in languages())]


def violations(browser, base: str, theme: str, pages: list[str], book_theme: bool = True) -> list[str]:
    """One line per element that breaks a rule, on any of ``pages`` at either width. With
    ``book_theme``, each page but the root page must have taken ``theme``."""
    axe = Axe()
    found: list[str] = []
    for width, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, color_scheme=theme)
        try:
            page = context.new_page()
            for rel in pages:
                page.goto(base + rel, wait_until="load")
                if book_theme and rel != "index.html":  # the theme's own attribute; the root page uses the media query
                    shown = page.evaluate("document.documentElement.dataset.theme")
                    assert shown == theme, f"{rel}: drawn in the {shown} theme, not {theme}"
                for rule in axe.run(page, options=OPTIONS).response["violations"]:
                    for node in rule["nodes"]:
                        found.append(f"{rel} ({theme}, {width}): {rule['id']} [{rule['impact']}] "
                                     f"{' '.join(map(str, node['target']))}: {rule['help']}")
        finally:
            context.close()
    return found
