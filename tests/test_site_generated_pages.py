"""The pages the build writes itself, read as HTML: the execution report, the glossary (from
glossary.yml) and the translation status, in every language's site.

Reads the build in tests.bookinfo.BUILD_HTML, as test_site.py does.
"""

from __future__ import annotations

from importlib import metadata

import pytest

from tests.bookinfo import HANGUL, ROOT, is_notebook, languages, load_ext, resolve, toc_pages


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_execution_report_lists_every_notebook_and_the_environment(soup_of, lang):
    soup = soup_of(f"{lang}/execution_report.html")
    table = soup.select_one("table")
    assert table is not None, f"{lang}/execution_report.html has no execution table"
    rows = table.get_text(" ")
    for name in toc_pages():
        if is_notebook(lang, name):
            assert name in rows, f"{lang}/execution_report.html does not list {name}"
    assert "False" not in [td.get_text(strip=True) for td in table.select("td")], "a page failed to execute"
    # myst-nb writes the headers in English; book_i18n.py translates them with the site's catalog.
    headers = " ".join(th.get_text(" ", strip=True) for th in table.select("thead th"))
    assert bool(HANGUL.search(headers)) == (lang == "ko"), headers
    outputs = " ".join(o.get_text(" ") for o in soup.select(".cell_output"))
    for package in ("tensorflow", "keras", "numpy"):
        assert f"{package} {metadata.version(package)}" in outputs, outputs
    index = soup_of(f"{lang}/index.html")
    assert any(resolve(f"{lang}/index.html", a["href"]) == f"{lang}/execution_report.html"
               for a in index.select("article a[href]")), f"{lang}/index.html does not link to the report"


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_glossary_page_shows_every_term_and_links_its_chapter(soup_of, lang):
    """The glossary page's table is made from glossary.yml at build (book_ext/book_glossary.py)."""
    from tools.translations import load_glossary

    entries = load_glossary(ROOT)
    soup = soup_of(f"{lang}/glossary.html")
    table = soup.select_one("table.glossary-table")
    assert table is not None, f"{lang}/glossary.html has no glossary table"
    rows = {tr.select("td")[0].get_text(strip=True): tr for tr in table.select("tbody tr")}
    assert len(rows) == len(entries), (len(rows), len(entries))
    headers = " ".join(th.get_text(" ", strip=True) for th in table.select("thead th"))
    assert bool(HANGUL.search(headers.replace("한국어", ""))) == (lang == "ko"), headers
    for entry in entries:
        if entry.get("introduced") and entry.get(lang):
            link = rows[entry[lang]].select_one("a[href]")
            assert link is not None and resolve(f"{lang}/glossary.html", link["href"]) == \
                f"{lang}/{entry['introduced']}.html", (entry[lang], link)
        if entry.get(lang):  # "Other names": also_<lang> only, never an avoid_<lang> misspelling
            others = rows[entry[lang]].select("td")[-1].get_text(strip=True)
            assert others == ", ".join(entry.get(f"also_{lang}", [])), (entry[lang], others)
    assert not soup.select(".cell"), "the glossary page shows code"


def test_glossary_rows_list_also_names_not_avoided_variants():
    """The "Other names" column shows also_<lang>; avoid_<lang> variants are misspellings."""
    rows = load_ext("book_glossary").glossary_rows([
        {"ko": "텐서플로", "en": "TensorFlow", "avoid_en": ["Tensorflow"]},
        {"ko": "트레이싱", "en": "tracing", "also_ko": ["추적"], "avoid_ko": ["트래이싱"],
         "introduced": "three_steps"},
    ], ["ko", "en"])
    assert rows == [(["텐서플로", "TensorFlow"], "", []),
                    (["트레이싱", "tracing"], "three_steps", ["추적"])]


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_translation_status_page_in_every_language(soup_of, built, lang):
    soup = soup_of(f"{lang}/translation_status.html")
    table = soup.select_one("table.translation-status")
    assert table is not None
    for link in table.select("a[href]:not([href=\"#\"])"):
        assert (built / resolve(f"{lang}/translation_status.html", link["href"])).is_file(), link

