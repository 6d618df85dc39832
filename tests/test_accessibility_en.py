"""Zero axe-core violations (WCAG 2.2 A and AA) on every page in the dark theme, at desktop and
phone width (tests/axe.py says how; the other theme has its own file so both run side by side)."""

from __future__ import annotations

from tests.axe import audited_pages, violations


def test_every_page_in_the_dark_theme_has_no_accessibility_violation(browser, server):
    pages = audited_pages()
    found = violations(browser, server, "dark", pages)
    assert not found, f"{len(found)} violation(s) on {len(pages)} pages:\n" + "\n".join(found)
