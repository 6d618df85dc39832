"""book_ext/book_i18n.py on a tiny book in two languages (tests/roots/test-i18n/), its catalog compiled as
the build compiles it: the chrome speaks the site's language, and the language switch and the hreflang
links lead to the same page in the other language, where it exists."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.bookinfo import ROOT
from tools.build.catalogs import compile_catalogs
from tools.build.paths import Paths

LANGUAGES = {"ko": {"name": "한국어", "title": "작은 책", "author": "지은이"},
             "en": {"name": "English", "title": "A small book"}}
SETTINGS = {"extensions": ["book_ext.book_i18n"], "book_languages": LANGUAGES,
            # the testroot's layout, which includes the book's own _templates/language-switch.html
            "templates_path": ["../../_templates", str(ROOT / "_templates")],
            "locale_dirs": ["../../_build/locale"]}


@pytest.fixture
def catalogs(app_params) -> None:
    """The testroot's locale/ compiled into its _build/locale/, before Sphinx starts (it reads them then)."""
    compile_catalogs(Paths.of(app_params.kwargs["srcdir"]))


@pytest.fixture
def site(catalogs, book_app):
    book_app.build()
    assert not book_app.warning.getvalue(), book_app.warning.getvalue()
    return book_app


def page(app, name: str) -> BeautifulSoup:
    return BeautifulSoup((app.outdir / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def switch(soup: BeautifulSoup) -> list[tuple[str, str, str]]:
    """(lang, name, href or "" for the current page) of each language the switch offers."""
    return [(item["lang"], item.get_text(), item.get("href", "")) for item in soup.select("nav.language-switch [lang]")]


def alternates(soup: BeautifulSoup) -> dict[str, str]:
    return {link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"][hreflang]')}


@pytest.mark.sphinx("html", testroot="i18n", confoverrides={**SETTINGS, "language": "ko"})
@pytest.mark.test_params(shared_result="i18n-ko")
def test_the_switch_and_the_alternates_lead_to_the_same_page_in_the_other_language(site):
    index = page(site, "index")
    assert index.select_one("nav.language-switch")["aria-label"] == "이 페이지를 다른 언어로 읽기"
    assert switch(index) == [("ko", "한국어", ""), ("en", "English", "../en/index.html")]
    assert alternates(index) == {"ko": "index.html", "en": "../en/index.html", "x-default": "../index.html"}
    # a page that the English site lacks: no switch, no English alternate
    only_ko = page(site, "only_ko")
    assert only_ko.select_one("nav.language-switch") is None
    assert alternates(only_ko) == {"ko": "only_ko.html", "x-default": "../index.html"}


@pytest.mark.sphinx("html", testroot="i18n", confoverrides={**SETTINGS, "language": "ko"})
@pytest.mark.test_params(shared_result="i18n-ko")
def test_the_chrome_and_the_settings_without_a_catalog_speak_the_sites_language(site):
    index = page(site, "index")
    assert index.title.get_text().endswith("작은 책"), index.title
    assert (site.config.project, site.config.author) == ("작은 책", "지은이")
    assert site.config.nb_code_prompt_show == "코드 셀 보기"
    # myst-nb's execution table (its headers, in English, have no catalog); any other table is left alone
    headers = {name: [th.get_text() for th in index.select(f"table.{name} thead th")]
               for name in ("exec-table", "other-table")}
    assert headers == {"exec-table": ["문서", "수정", "방법", "실행 시간(초)", "상태"],
                       "other-table": ["Document", "Status"]}


@pytest.mark.sphinx("html", testroot="i18n", confoverrides={**SETTINGS, "language": "en"})
def test_the_other_language_links_back_and_keeps_its_own_title(site):
    index = page(site, "index")
    assert switch(index) == [("ko", "한국어", "../ko/index.html"), ("en", "English", "")]
    assert index.select_one("nav.language-switch")["aria-label"] == "Read this page in another language"
    assert site.config.project == "A small book"
