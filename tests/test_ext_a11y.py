"""book_ext/book_a11y.py on a tiny notebook page (tests/roots/test-a11y/): a hidden cell's toggle is
named by the text it shows, with no English label in front of it."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup


@pytest.mark.sphinx("html", testroot="a11y")
def test_a_hidden_cells_toggle_is_named_by_its_own_text(app):
    app.build()
    assert not app.warning.getvalue(), app.warning.getvalue()
    soup = BeautifulSoup((app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    (details,) = soup.select("details.hide")
    assert details["class"] == ["admonition", "hide", "above-input"]
    summary = details.find("summary")
    assert not summary.has_attr("aria-label"), summary
    # the prompts of the settings, as text (escaped on the way in, read back unchanged)
    assert [p.get_text() for p in summary.select("p.admonition-title")] == ["코드 셀 보기", "<source> 숨기기"]
    assert "print" in details.get_text()
