"""book_ext/book_downloads.py and the theme adapter it adds its links through (book_ext/theme_buttons.py),
on a tiny book of three pages with the real sphinx-book-theme (tests/roots/test-downloads/): the site
offers the PDF and the bundle in the theme's download menu and on the landing page; the PDF's book
(singlehtml) has a title page, a contents page and a top-level section per chapter."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from book_ext import theme_buttons
from book_ext.book_downloads import PRINT_CSS, SEARCH_FROM_FILES


def soup(app, page: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / page).read_text(encoding="utf-8"), "html.parser")


def download_menu(app, page: str) -> list[tuple[str, str]]:
    """(the entry's btn- class, its link or script) for each entry of the page's download menu."""
    menu = soup(app, page).select_one(".dropdown-download-buttons .dropdown-menu")
    if menu is None:
        pytest.fail(f"{theme_buttons.UPDATE}: {page} has no download menu")
    entries = [entry.select_one("a, button") for entry in menu.select("li")]
    return [(" ".join(c for c in e["class"] if c not in ("btn", "btn-sm", "dropdown-item")),
             e.get("href") or e.get("onclick")) for e in entries]


@pytest.mark.sphinx("html", testroot="downloads")
@pytest.mark.test_params(shared_result="downloads")
def test_the_themes_download_menu_offers_the_book_and_the_bundle(app):
    """The theme adapter's test: it fails when sphinx-book-theme draws its download menu otherwise."""
    app.build()
    assert not app.warning.getvalue(), app.warning.getvalue()
    assert download_menu(app, "index.html") == [
        ("btn-download-source-button", "_sources/index.rst"),
        ("btn-download-pdf-button", "window.print()"),
        ("btn-download-book-pdf-button", "_downloads/tf-linreg-book-ko.pdf"),
        ("btn-download-book-zip-button", "_downloads/tf-linreg-book-ko.zip"),
    ], theme_buttons.UPDATE
    # a page in a folder, whose notebook the menu offers (theme_buttons.offer_notebook)
    assert download_menu(app, "part/chapter2.html") == [
        ("btn-download-notebook-button", "../_sources/part/chapter2.ipynb"),
        ("btn-download-source-button", "../_sources/part/chapter2.rst"),
        ("btn-download-pdf-button", "window.print()"),
        ("btn-download-book-pdf-button", "../_downloads/tf-linreg-book-ko.pdf"),
        ("btn-download-book-zip-button", "../_downloads/tf-linreg-book-ko.zip"),
    ], theme_buttons.UPDATE


@pytest.mark.sphinx("html", testroot="downloads")
@pytest.mark.test_params(shared_result="downloads")
def test_the_landing_page_shows_the_directives_text_and_links(app):
    app.build()
    (block,) = soup(app, "index.html").select("div.book-downloads")
    assert block.p.get_text(strip=True) == "Take the whole book with you."
    links = [(a["href"], a.code.get_text()) for a in block.select("ul.book-downloads-links a")]
    assert links == [("_downloads/tf-linreg-book-ko.pdf", "tf-linreg-book-ko.pdf"),
                     ("_downloads/tf-linreg-book-ko.zip", "tf-linreg-book-ko.zip")]


@pytest.mark.sphinx("html", testroot="downloads")
@pytest.mark.test_params(shared_result="downloads")
def test_only_the_search_page_turns_summaries_off_when_read_from_files(app):
    app.build()
    scripts = {page: [s.get_text() for s in soup(app, page).select("script:not([src])")]
               for page in ("search.html", "index.html")}
    assert SEARCH_FROM_FILES in scripts["search.html"]
    assert SEARCH_FROM_FILES not in scripts["index.html"]


@pytest.mark.sphinx("singlehtml", testroot="downloads")
def test_the_print_book_opens_with_a_title_and_contents_and_each_chapter_is_a_top_level_section(app):
    app.build()
    assert not app.warning.getvalue(), app.warning.getvalue()
    book = soup(app, "index.html")
    article = book.select_one("article")
    assert [p.get_text() for p in article.select(".book-title-page p")][:2] == ["작은 책", "지은이"]
    assert "TensorFlow" in article.select_one(".book-title-page .book-built").get_text()
    contents = [(a["href"], a.get_text()) for a in article.select("nav.book-contents a")]
    assert contents == [("#document-index", "Start"), ("#document-chapter1", "Chapter one"),
                        ("#document-part/chapter2", "Chapter two")]
    assert [h.get_text().rstrip("#") for h in article.select("h1")] == ["Start", "Chapter one", "Chapter two"]
    assert [h.get_text().rstrip("#") for h in article.select("h2")] == ["A section"]
    assert not article.select(".book-downloads") and "Take the whole book" not in article.get_text()
    assert book.select_one(f'link[href="_static/{PRINT_CSS}"]') is not None
    assert book.select_one(".dropdown-download-buttons a.btn-download-book-pdf-button") is None


def test_a_download_menu_that_is_not_the_one_expected_fails_loudly():
    assert theme_buttons.download_menu({"pathto": None}) is None  # another theme
    assert theme_buttons.download_menu({"header_buttons": [{"label": "fullscreen-button"}]}) is None
    for changed in ({"header_buttons": {"download-buttons": []}},
                    {"header_buttons": [{"label": "download-buttons", "items": []}]}):
        with pytest.raises(theme_buttons.ThemeChanged, match="update book_ext/theme_buttons.py"):
            theme_buttons.add_download(changed, url="u", text="t", tooltip="t", icon="i", label="l")
