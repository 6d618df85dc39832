"""Zero axe-core violations (WCAG 2.2 A and AA) on every English page, in the light and the dark theme, at
desktop and phone width (tests/axe.py says how; the Korean pages and the root page have their own file)."""

from __future__ import annotations

import pytest

from tests.axe import audited_pages, violations

pytestmark = [pytest.mark.book, pytest.mark.browser]


def test_every_english_page_has_no_accessibility_violation(browser, server):
    pages = audited_pages("en")
    found = violations(browser, server, pages)
    assert not found, f"{len(found)} violation(s) on {len(pages)} pages:\n" + "\n".join(found)
