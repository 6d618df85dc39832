"""book_ext/book_translations.py on a tiny book in two languages (tests/roots/test-translations/): in the
translation's site, a page whose source changed since it was translated (or that records no source)
says so at its top, the status page lists every page of every language, and a change to a source page
makes its translation be read again."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

SETTINGS = {"extensions": ["myst_parser", "book_ext.book_translations"],
            "source_suffix": {".md": "markdown"},  # as in tests/roots/test-a11y/conf.py
            "book_languages": {"ko": "한국어", "en": "English"}, "language": "en"}


def page(app, name: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def notice(app, name: str):
    """The stale notice of a page, or None; it must come right after the page's title."""
    notices = page(app, name).select(".translation-stale")
    assert len(notices) <= 1, notices
    if notices:
        assert notices[0].find_previous_sibling().name == "h1", f"{name}: the notice is not under the title"
    return notices[0] if notices else None


@pytest.mark.sphinx("html", testroot="translations", confoverrides=SETTINGS)
@pytest.mark.test_params(shared_result="translations")
def test_a_translation_whose_source_changed_or_that_records_none_says_so(book_app):
    book_app.build()
    assert not book_app.warning.getvalue(), book_app.warning.getvalue()
    assert [notice(book_app, name) for name in ("index", "intro", "status")] == [None, None, None]
    stale = notice(book_app, "sgd")
    assert stale.select_one(".admonition-title").get_text() == "This translation may be out of date"
    assert "has changed since this translation was last reviewed" in stale.get_text()
    link = stale.select_one("a.translation-source-link")
    assert (link["href"], link.get_text()) == ("../ko/sgd.html", "Read the source page (한국어)")
    assert "does not record which revision" in notice(book_app, "unrecorded").get_text()


@pytest.mark.sphinx("html", testroot="translations", confoverrides=SETTINGS)
@pytest.mark.test_params(shared_result="translations")
def test_the_status_page_lists_every_page_in_every_language_with_the_fix(book_app):
    book_app.build()
    status = page(book_app, "status")
    rows = [[(cell.get_text(strip=True), cell.p["class"][-1] if cell.p.get("class") else "",
              cell.a["href"] if cell.a else "") for cell in row.select("td")]
            for row in status.select("table.translation-status tbody tr")]
    assert [th.get_text() for th in status.select("table.translation-status thead th")] == [
        "Source: 한국어 (ko)", "English (en)"]
    assert rows == [  # in the order of this site's table of contents, then the pages it lacks
        [("index", "", "../ko/index.html"), ("up to date", "translation-status-current", "index.html")],
        [("intro", "", "../ko/intro.html"), ("up to date", "translation-status-current", "intro.html")],
        [("sgd", "", "../ko/sgd.html"), ("stale", "translation-status-stale", "sgd.html")],
        [("unrecorded", "", "../ko/unrecorded.html"), ("stale", "translation-status-stale", "unrecorded.html")],
        [("status", "", "../ko/status.html"), ("up to date", "translation-status-current", "#")],
        [("only_ko", "", "../ko/only_ko.html"), ("missing", "translation-status-missing", "")],
    ]
    fixes = [item.select("code")[-1].get_text() for item in status.select("ul.translation-problems li")]
    assert fixes == ["make translation-synced PAGE=sgd LANG=en", "make translation-synced PAGE=unrecorded LANG=en",
                     "python -m tools.translations start only_ko --lang en"]


@pytest.mark.sphinx("html", testroot="translations", confoverrides=SETTINGS, srcdir="translations-edited")
def test_an_edited_source_page_makes_its_translation_stale_at_the_next_build(book_app):
    book_app.build()
    assert notice(book_app, "intro") is None
    source = book_app.srcdir.parent / "ko" / "intro.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n새 문장입니다.\n", encoding="utf-8")
    book_app.build()
    assert notice(book_app, "intro") is not None, "en/intro.md was not read again after its source changed"
