"""The built sites' search: the Korean site's index holds the stems of the words its pages use only
with a particle or an ending (book_search_ko.py), and each site searches in its own language.

Reads the build in tests.bookinfo.BUILD_HTML, as test_site.py does. The same search in a browser:
test_browser.py.
"""

from __future__ import annotations

import re

import pytest

from book_ext.book_languages import HANGUL as HANGUL_RANGE
from tests.bookinfo import BUILD_HTML, languages, load_ext, search_index, toc_pages

HANGUL_RUN = re.compile(f"[{HANGUL_RANGE}]+")
PROSE = "p, li, dt, dd, th, td, figcaption, h1, h2, h3, h4, h5, h6"


def prose_runs(soup) -> list[str]:
    """The Hangul runs of a page's prose (what the page says, not what the build adds)."""
    article = soup.select_one("article.bd-article") or soup
    runs = []
    for section in article.find_all("section", recursive=False):
        for element in section.select(PROSE):
            if element.find_parent(["pre", "code"]):
                continue
            runs.extend(HANGUL_RUN.findall(element.get_text(" ")))
    return runs


def inflected_only(soup_of, names=None) -> dict[str, set[str]]:
    """Korean stems that a page uses only with a particle or ending: stem -> {ko/page.html}.
    Of the pages ``names`` (default: every page of the book)."""
    korean_stem = load_ext("book_search_ko").korean_stem
    found: dict[str, set[str]] = {}
    for name in toc_pages() if names is None else names:
        rel = f"ko/{name}.html"
        if not (BUILD_HTML / rel).is_file():
            continue  # test_every_language_has_its_own_complete_site reports it
        runs = prose_runs(soup_of(rel))
        bare = set(runs)
        for run in runs:
            stem = korean_stem(run)
            if stem != run and stem not in bare:
                found.setdefault(stem, set()).add(rel)
    return found


@pytest.mark.book
def test_korean_search_index_holds_the_stems_of_inflected_korean_words(soup_of, built):
    index = search_index(built, "ko")
    docnames = index["docnames"]
    found = inflected_only(soup_of)
    assert found, "no Korean page uses a word with a particle: the check has nothing to check"

    def pages_with(term: str) -> set[str]:
        hits = set()
        for mapping in (index["terms"], index["titleterms"]):
            value = mapping.get(term, [])
            for i in [value] if isinstance(value, int) else value:
                hits.add(f"ko/{docnames[i]}.html")
        return hits

    missing = {
        stem: sorted(rels - pages_with(stem)) for stem, rels in found.items() if rels - pages_with(stem)
    }
    assert not missing, f"stems not in the search index for their pages: {missing}"


@pytest.mark.book
def test_each_site_uses_its_own_search_language(built):
    for lang in languages():
        language_data = (built / lang / "_static" / "language_data.js").read_text(encoding="utf-8")
        match = re.search(r"var BOOK_KO_SUFFIXES = (\[.*?\]);", language_data)
        if lang == "ko":
            assert match, "ko/_static/language_data.js has no Korean splitter: is book_search_ko loaded?"
        else:
            assert match is None, f"the Korean splitter serves the {lang} site"
    english = search_index(built, "en")
    assert "predict" in english["terms"] and "predictions" not in english["terms"], "English is not stemmed"


