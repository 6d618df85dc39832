"""book_ext/book_explorer.py on a tiny book of two pages (tests/roots/test-explorer/), its _static/ lists
as Jupyter Book 1 sets them: the explorer's script and stylesheet only on the page that shows one."""

from __future__ import annotations

import pytest


@pytest.mark.sphinx("html", testroot="explorer")
def test_the_explorer_loads_only_on_the_page_that_has_one(app):
    app.build()
    assert not app.warning.getvalue(), app.warning.getvalue()
    index, other = ((app.outdir / name).read_text(encoding="utf-8") for name in ("index.html", "other.html"))
    assert '<script defer="defer" src="_static/gd_explorer.js' in index
    assert 'href="_static/gd_explorer.css' in index
    assert "gd_explorer" not in other
    assert "_static/book.js" in other and "_static/book.css" in other
    assert (app.outdir / "_static" / "gd_explorer.js").exists()
