"""Sitemaps, canonical links, Open Graph tags and descriptions (book_ext/book_discovery.py), on a tiny
two-page Korean site (tests/roots/test-discovery/), with and without a known address; and on the
built book: every page has a description in its language, and robots.txt exists."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from docutils.core import publish_doctree
from sphinx.errors import ConfigError

from book_ext.book_discovery import description_of, site_address
from tests.bookinfo import languages, site_pages

LANGUAGES = {"ko": {"name": "한국어", "title": "작은 책", "fonts": ["Noto Sans CJK KR"]},
             "en": {"name": "English", "title": "A small book"}}
SETTINGS = {"extensions": ["book_ext.book_i18n", "book_ext.book_discovery"], "language": "ko",
            "book_languages": LANGUAGES}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML_LINK = "{http://www.w3.org/1999/xhtml}link"


@pytest.fixture(autouse=True)
def spawned_sitemap_queue(monkeypatch):
    """sphinx-sitemap starts a multiprocessing manager for its queue of links. Forked from this
    process, it would inherit the pipes of the session's Playwright driver (the browser tests) and
    keep them open, so that Playwright never sees its driver exit: start it fresh instead."""
    import multiprocessing

    import sphinx_sitemap

    monkeypatch.setattr(sphinx_sitemap, "Manager", multiprocessing.get_context("spawn").Manager)


@pytest.fixture(autouse=True)
def no_address_from_the_environment(monkeypatch):
    """The address comes from the settings alone (`make audit` sets BOOK_SITE_URL, GitHub Actions
    GITHUB_REPOSITORY); the testroot's copy is in no git repository, so it has no origin either."""
    monkeypatch.delenv("BOOK_SITE_URL", raising=False)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)


@pytest.mark.sphinx("html", testroot="discovery", srcdir="discovery-with-address",
                    confoverrides={**SETTINGS, "book_site_url": "https://org.github.io/book"})
def test_with_an_address_each_page_is_in_the_sitemap_with_its_other_languages(book_app):
    book_app.build()
    out = Path(book_app.outdir)
    urls = ET.parse(out / "sitemap.xml").getroot().findall(f"{SITEMAP}url")
    locs = {u.find(f"{SITEMAP}loc").text: u for u in urls}
    assert set(locs) == {"https://org.github.io/book/ko/index.html", "https://org.github.io/book/ko/sgd.html"}
    alternates = {link.get("hreflang"): link.get("href")
                  for link in locs["https://org.github.io/book/ko/sgd.html"].findall(XHTML_LINK)}
    assert alternates == {"ko": "https://org.github.io/book/ko/sgd.html",
                          "en": "https://org.github.io/book/en/sgd.html"}
    page = (out / "sgd.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://org.github.io/book/ko/sgd.html"' in page
    assert '<meta property="og:url" content="https://org.github.io/book/ko/sgd.html"' in page
    assert '<meta property="og:image" content="https://org.github.io/book/ko/_static/book-card.png"' in page
    assert '<meta property="og:site_name" content="작은 책"' in page
    assert (out / "_static" / "book-card.png").stat().st_size > 1000


@pytest.mark.sphinx("html", testroot="discovery", confoverrides=SETTINGS)
def test_without_an_address_there_is_no_sitemap_and_no_sitemap_warning(book_app):
    book_app.build()
    out = Path(book_app.outdir)
    assert not (out / "sitemap.xml").exists()
    assert "sitemap" not in book_app.warning.getvalue(), book_app.warning.getvalue()
    assert "no sitemap" in book_app.status.getvalue()
    page = (out / "sgd.html").read_text(encoding="utf-8")
    assert 'content="이 장을 마치면 다음을 할 수 있습니다. 갱신 규칙을 씁니다. 학습률을 고릅니다."' in page


def test_the_address_comes_from_the_setting_or_the_repository():
    assert site_address("https://example.org/linreg", None) == "https://example.org/linreg/"
    assert site_address("", ("Org", "book")) == "https://org.github.io/book/"
    assert site_address("", None) is None
    with pytest.raises(ConfigError, match="https://"):
        site_address("example.org", None)


def test_a_description_ends_after_the_last_sentence_that_fits():
    doctree = publish_doctree("Title\n=====\n\n" + " ".join(f"Sentence number {i} is here." for i in range(20)))
    text = description_of(doctree, limit=80)
    assert text.endswith("is here.") and len(text) <= 80, text
    assert description_of(publish_doctree("Title\n=====\n\n" + "word " * 100), limit=50).endswith("…")


@pytest.mark.parametrize("rel", site_pages())
@pytest.mark.book
def test_every_built_page_has_a_description_in_its_language(soup_of, rel):
    soup = soup_of(rel)
    description = soup.find("meta", attrs={"name": "description"})
    assert description and len(description["content"]) > 30, rel
    hangul = re.search("[가-힣]", description["content"])
    lang = rel.split("/")[0]
    assert bool(hangul) == (lang == "ko") or rel.endswith("glossary.html"), (rel, description["content"])
    assert soup.find("meta", attrs={"property": "og:description"})["content"] == description["content"]


@pytest.mark.book
def test_the_root_page_is_marked_part_by_part_and_robots_allows_everything(soup_of, built):
    soup = soup_of("index.html")
    assert [span["lang"] for span in soup.select("h1 span[lang]")] == languages()
    assert soup.find("meta", attrs={"name": "description"})["content"]
    robots = (built / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert robots[:2] == ["User-agent: *", "Allow: /"]
    sitemaps = [line.split(" ", 1)[1] for line in robots if line.startswith("Sitemap: ")]
    assert len(sitemaps) == sum((built / lang / "sitemap.xml").is_file() for lang in languages())
