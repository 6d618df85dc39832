"""book_ext/book_mathml.py on a tiny page (tests/roots/test-mathml/): math is MathML written at build,
with its TeX as alttext and its equation number; a formula it cannot convert is a warning at its line."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup


@pytest.mark.sphinx("html", testroot="mathml")
def test_math_is_mathml_and_a_formula_that_cannot_be_converted_is_a_warning(app):
    app.build()
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    inline, display = soup.select("span.math math"), soup.select("div.math math")
    assert [m["alttext"] for m in inline] == ["x^2 < y"]
    assert [m["alttext"] for m in display] == ["y = w x + b"] and display[0]["display"] == "block"
    assert soup.select_one("div.math span.eqno").get_text() == "(1)"
    assert inline[0].find("msup") is not None, inline[0]
    assert soup.select_one("code.math-error").get_text().strip() == r"\frac{1}{"
    warnings = app.warning.getvalue().splitlines()
    assert len(warnings) == 1 and "index.rst" in warnings[0], warnings
    assert "[book_mathml] cannot convert" in warnings[0] and r"\\frac{1}{" in warnings[0]
    assert "mathjax" not in page.lower(), "a page loads a math script"
