"""book_ext/book_search_ko.py on a tiny Korean page (tests/roots/test-search_ko/): the index holds each
Korean word with its stem and its bigrams, and English words stemmed as Sphinx's English search
stems them; the search page's script stems a query the same way (book_ext/english_stemmer_js.py)."""

from __future__ import annotations

import json

import pytest
from sphinx.errors import ExtensionError
from sphinx.search.en import SearchEnglish

from book_ext import english_stemmer_js


def search_index(outdir) -> dict:
    text = (outdir / "searchindex.js").read_text(encoding="utf-8")  # Search.setIndex({...})
    return json.loads(text[text.index("(") + 1: text.rindex(")")])


@pytest.mark.sphinx("html", testroot="search_ko")
@pytest.mark.test_params(shared_result="search_ko")
def test_the_index_holds_korean_stems_and_bigrams_and_english_stems(app):
    app.build()
    assert not app.warning.getvalue(), app.warning.getvalue()
    index = search_index(app.outdir)
    terms = set(index["terms"]) | set(index["titleterms"])
    # 회귀를 -> 회귀 (its particle off); 예측값으로 -> 예측값; 배웁니다 -> its bigrams
    assert {"회귀를", "회귀", "예측값으로", "예측값", "배웁니다", "배웁", "웁니", "니다"} <= terms, sorted(terms)
    assert "predict" in terms and "predictions" not in terms, sorted(terms)


@pytest.mark.sphinx("html", testroot="search_ko")
@pytest.mark.test_params(shared_result="search_ko")
def test_the_search_page_gets_the_korean_splitter_and_the_wrapped_english_stemmer(app):
    app.build()
    language_data = (app.outdir / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "var BOOK_KO_SUFFIXES = [" in language_data and "var splitQuery = function" in language_data
    assert english_stemmer_js.english_stemmer() in language_data


@pytest.mark.browser
@pytest.mark.sphinx("html", testroot="search_ko")
@pytest.mark.test_params(shared_result="search_ko")
def test_the_search_page_splits_and_stems_a_query_as_the_index_was_made(app, browser):
    app.build()
    page = browser.new_page()
    try:
        page.add_script_tag(content=(app.outdir / "_static" / "language_data.js").read_text(encoding="utf-8"))
        stems = page.evaluate("() => ['predictions', 'targets', '회귀'].map((w) => new Stemmer().stemWord(w))")
        query = page.evaluate("() => splitQuery('회귀를 배웁니다, predictions')")
    finally:
        page.close()
    assert stems == ["predict", "target", "회귀"], f"{stems}: update book_ext/english_stemmer_js.py"
    assert query == ["회귀", "배웁니다", "predictions"]


def test_sphinx_gives_its_english_stemmer_as_the_adapter_expects():
    """Fails when Sphinx changes how its English search gives its stemmer: update book_ext/english_stemmer_js.py."""
    code = english_stemmer_js.english_stemmer()
    assert "var Stemmer = function" in code and "this.stemWord = function" in code, code[:400]
    wrapped = english_stemmer_js.stemmer_keeping("[가-힣]")
    assert wrapped.count(code) == 1 and "/[가-힣]/.test(word)" in wrapped


def test_a_sphinx_that_ships_its_english_stemmer_as_a_file_fails_loudly(monkeypatch):
    monkeypatch.setattr(SearchEnglish, "js_stemmer_rawcode", "english-stemmer.js")
    with pytest.raises(ExtensionError, match="update book_ext/english_stemmer_js.py"):
        english_stemmer_js.stemmer_keeping("[가-힣]")
