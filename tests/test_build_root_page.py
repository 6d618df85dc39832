"""The HTML the build writes itself, from its Jinja templates (_templates/build/): the root page
that offers every language, robots.txt, and the PDFs' header and footer. On a tiny scratch book."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tools.build.paths import Paths
from tools.build.root_page import render_root_page, templates, write_root

# Two languages, the second's title with characters that HTML must escape.
CONFIG = """\
title: Linear regression
sphinx:
  config:
    book_languages:
      ko: {name: 한국어, title: 선형 회귀, description: 한 단계씩}
      en: {name: English, title: 'Regression <b>&</b> "friends"', description: step by step}
"""
TRICKY = 'Regression <b>&</b> "friends"'


@pytest.fixture
def paths(scratch_book, monkeypatch) -> Paths:
    # No address from the environment: make audit's BOOK_SITE_URL, CI's GITHUB_REPOSITORY.
    monkeypatch.delenv("BOOK_SITE_URL", raising=False)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    return scratch_book(files={"_config.yml": CONFIG})


def soup(paths: Paths, langs: list[str]) -> BeautifulSoup:
    return BeautifulSoup(render_root_page(paths, langs), "html.parser")


def test_the_root_page_offers_every_language_each_marked_with_its_own(paths):
    page = soup(paths, ["ko", "en"])
    assert page.html["lang"] == "ko", "the page's own language is the first, the source language"
    assert [span["lang"] for span in page.select("h1 span[lang]")] == ["ko", "en"]
    items = page.select("ul.book-languages > li")
    assert [(li["data-lang"], li["lang"]) for li in items] == [("ko", "ko"), ("en", "en")]
    links = [li.a for li in items]
    assert [(a["href"], a["hreflang"], a.get_text()) for a in links] == [
        ("ko/index.html", "ko", "한국어"), ("en/index.html", "en", "English")]
    assert [li.p.get_text() for li in items] == ["선형 회귀", TRICKY]
    assert page.find("meta", attrs={"name": "description"})["content"] == "한 단계씩 / step by step"
    assert page.find("link", rel="icon")["href"] == "ko/_static/favicon.svg"
    assert not page.select('meta[http-equiv="refresh"]'), "the root page must not redirect"
    assert "data-lang" in page.script.string, "the script that marks the preferred language is missing"


def test_a_language_without_a_description_leaves_no_stray_separator(scratch_book, monkeypatch):
    monkeypatch.delenv("BOOK_SITE_URL", raising=False)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    paths = scratch_book(files={"_config.yml": CONFIG.replace(", description: step by step", "")})
    page = soup(paths, ["ko", "en"])
    assert page.find("meta", attrs={"name": "description"})["content"] == "한 단계씩"


def test_values_are_escaped_not_markup(paths):
    page = soup(paths, ["ko", "en"])
    assert page.title.string == f"선형 회귀 · {TRICKY}"
    assert not page.select("body b, title b"), "a title's <b> became an element"
    assert page.find("meta", property="og:title")["content"] == f"선형 회귀 · {TRICKY}"
    assert page.select_one('h1 span[lang="en"]').get_text() == TRICKY


def test_without_an_address_links_are_relative_and_there_is_no_canonical(paths):
    page = soup(paths, ["ko", "en"])
    alternates = {link["hreflang"]: link["href"] for link in page.select('head link[rel="alternate"]')}
    assert alternates == {"ko": "ko/index.html", "en": "en/index.html", "x-default": "index.html"}
    assert page.find("link", rel="canonical") is None and page.find("meta", property="og:url") is None


def test_with_an_address_links_are_absolute_and_robots_names_the_sitemaps_that_exist(paths, monkeypatch):
    monkeypatch.setenv("BOOK_SITE_URL", "https://example.org/book/")
    (paths.site / "ko").mkdir(parents=True)
    (paths.site / "ko" / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    write_root(paths, ["ko", "en"])
    page = BeautifulSoup((paths.site / "index.html").read_text(encoding="utf-8"), "html.parser")
    alternates = {link["hreflang"]: link["href"] for link in page.select('head link[rel="alternate"]')}
    assert alternates == {"ko": "https://example.org/book/ko/index.html", "en": "https://example.org/book/en/index.html",
                          "x-default": "https://example.org/book/index.html"}
    assert page.find("link", rel="canonical")["href"] == "https://example.org/book/index.html"
    assert page.find("meta", property="og:url")["content"] == "https://example.org/book/index.html"
    assert page.find("meta", property="og:image")["content"].startswith("https://example.org/book/ko/")
    robots = (paths.site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert robots == ["User-agent: *", "Allow: /", "Sitemap: https://example.org/book/ko/sitemap.xml"]
    assert (paths.site / ".nojekyll").is_file()


def test_robots_without_an_address_allows_everything_and_names_no_sitemap(paths):
    write_root(paths, ["ko"])
    assert (paths.site / "robots.txt").read_text(encoding="utf-8").splitlines() == ["User-agent: *", "Allow: /"]
    assert [span["lang"] for span in soup(paths, ["ko"]).select("h1 span[lang]")] == ["ko"]


def test_the_pdf_header_has_the_escaped_title_and_the_footer_chromiums_page_numbers():
    margins = templates().get_template("pdf-margins.html").module
    header = BeautifulSoup(str(margins.header(TRICKY)), "html.parser")
    assert header.div.get_text() == TRICKY and not header.select("b")
    assert "Noto Sans CJK KR" in header.div["style"], "the header names no font with Hangul"
    footer = BeautifulSoup(str(margins.footer()), "html.parser")
    assert footer.select("span.pageNumber") and footer.select("span.totalPages")
    assert "Noto Sans CJK KR" in footer.div["style"]
