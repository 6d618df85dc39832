"""Sitemaps, canonical links, Open Graph tags and descriptions (book_ext/book_discovery.py), on a tiny
two-page Korean site built with Sphinx's own test application, with and without a known address;
and on the built book: every page has a description in its language, and robots.txt exists."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from docutils.core import publish_doctree
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp

from book_ext.book_discovery import description_of, site_address
from tests.bookinfo import languages, site_pages

LANGUAGES = {"ko": {"name": "한국어", "title": "작은 책", "fonts": ["Noto Sans CJK KR"]},
             "en": {"name": "English", "title": "A small book"}}
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


def small_site(tmp_path: Path, **settings) -> SphinxTestApp:
    src = tmp_path / "book" / "ko"
    src.mkdir(parents=True)
    (src / "conf.py").write_text("", encoding="utf-8")
    (src / "index.rst").write_text("첫 페이지\n=========\n\n이 책은 선형 회귀를 배웁니다. 두 번째 문장입니다.\n\n"
                                   ".. toctree::\n\n   sgd\n", encoding="utf-8")
    (src / "sgd.rst").write_text("경사 하강법\n===========\n\n이 장을 마치면 다음을 할 수 있습니다.\n\n"
                                 "- 갱신 규칙을 씁니다.\n- 학습률을 고릅니다.\n", encoding="utf-8")
    overrides = {"extensions": ["book_ext.book_i18n", "book_ext.book_discovery"], "language": "ko",
                 "book_languages": LANGUAGES, **settings}
    app = SphinxTestApp("html", srcdir=src, builddir=tmp_path / "out", confoverrides=overrides)
    app.build()
    return app


def test_with_an_address_each_page_is_in_the_sitemap_with_its_other_languages(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    app = small_site(tmp_path, book_site_url="https://org.github.io/book")
    try:
        out = Path(app.outdir)
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
    finally:
        app.cleanup()


def test_without_an_address_there_is_no_sitemap_and_no_sitemap_warning(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    app = small_site(tmp_path)  # tmp_path is no git repository: no origin
    try:
        assert not (Path(app.outdir) / "sitemap.xml").exists()
        assert "sitemap" not in app.warning.getvalue(), app.warning.getvalue()
        assert "no sitemap" in app.status.getvalue()
        page = (Path(app.outdir) / "sgd.html").read_text(encoding="utf-8")
        assert 'content="이 장을 마치면 다음을 할 수 있습니다. 갱신 규칙을 씁니다. 학습률을 고릅니다."' in page
    finally:
        app.cleanup()


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
def test_every_built_page_has_a_description_in_its_language(soup_of, rel):
    soup = soup_of(rel)
    description = soup.find("meta", attrs={"name": "description"})
    assert description and len(description["content"]) > 30, rel
    hangul = re.search("[가-힣]", description["content"])
    lang = rel.split("/")[0]
    assert bool(hangul) == (lang == "ko") or rel.endswith("glossary.html"), (rel, description["content"])
    assert soup.find("meta", attrs={"property": "og:description"})["content"] == description["content"]


def test_the_root_page_is_marked_part_by_part_and_robots_allows_everything(soup_of, built):
    soup = soup_of("index.html")
    assert [span["lang"] for span in soup.select("h1 span[lang]")] == languages()
    assert soup.find("meta", attrs={"name": "description"})["content"]
    robots = (built / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert robots[:2] == ["User-agent: *", "Allow: /"]
    sitemaps = [line.split(" ", 1)[1] for line in robots if line.startswith("Sitemap: ")]
    assert len(sitemaps) == sum((built / lang / "sitemap.xml").is_file() for lang in languages())
