"""book_ext/book_glossary.py on a tiny book in two languages (tests/roots/test-glossary/): the glossary page's
table is glossary.yml, in the site's language: sorted by its terms, with a link to the chapter that
teaches each concept and the other names readers meet, never the variants to avoid."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

SETTINGS = {"extensions": ["book_ext.book_glossary"], "book_languages": {"ko": "한국어", "en": "English"}}


def glossary_table(app) -> list[list[str]]:
    page = BeautifulSoup((app.outdir / "glossary.html").read_text(encoding="utf-8"), "html.parser")
    (table,) = page.select("table.glossary-table")
    return [[cell.get_text(" ", strip=True) for cell in row.select("th, td")] for row in table.select("tr")]


@pytest.mark.sphinx("html", testroot="glossary", confoverrides={**SETTINGS, "language": "ko"})
def test_the_korean_site_sorts_by_the_korean_term_and_links_the_chapter(book_app):
    book_app.build()
    assert not book_app.warning.getvalue(), book_app.warning.getvalue()
    assert glossary_table(book_app) == [
        ["한국어", "English", "First taught in", "Other names"],
        ["경사 하강법", "gradient descent", "경사 하강법과 SGD", ""],
        ["텐서플로", "TensorFlow", "", ""],
        ["학습률", "learning rate", "경사 하강법과 SGD", "스텝 크기"],
    ]
    page = BeautifulSoup((book_app.outdir / "glossary.html").read_text(encoding="utf-8"), "html.parser")
    assert {a["href"] for a in page.select("table.glossary-table td a")} == {"sgd.html"}


@pytest.mark.sphinx("html", testroot="glossary", confoverrides={**SETTINGS, "language": "en"})
def test_the_english_site_puts_english_first_and_sorts_by_it(book_app):
    book_app.build()
    assert [row[:3] for row in glossary_table(book_app)] == [
        ["English", "한국어", "First taught in"],
        ["gradient descent", "경사 하강법", "Gradient descent and SGD"],
        ["learning rate", "학습률", "Gradient descent and SGD"],
        ["TensorFlow", "텐서플로", ""],
    ]
