"""The published site, read as HTML: one site per language, its chrome, notebooks, the stamp, offline, search.

Reads the build in tests.bookinfo.BUILD_HTML (``_build/html`` unless BOOK_HTML says otherwise):
``<lang>/<page>.html`` for every language of _config.yml, and a root ``index.html``.
The same site in a real browser: test_browser.py.
"""

from __future__ import annotations

import importlib
import json
import os
import posixpath
import re
from functools import cache
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

from book_ext.book_languages import HANGUL as HANGUL_RANGE
from book_ext.book_page import read_page
from tests.bookinfo import (
    BOOK,
    BUILD_HTML,
    ROOT,
    config,
    is_notebook,
    languages,
    offers_notebook,
    site_pages,
    toc_pages,
)

HANGUL = re.compile(f"[{HANGUL_RANGE}]")
HANGUL_RUN = re.compile(f"[{HANGUL_RANGE}]+")
REMOTE = re.compile(r"(?:https?:)?//", re.IGNORECASE)
REMOTE_IN_TEXT = re.compile(r"https?://", re.IGNORECASE)
PROSE = "p, li, dt, dd, th, td, figcaption, h1, h2, h3, h4, h5, h6"


def lang_of(rel: str) -> str:
    return rel.split("/")[0]


def name_of(rel: str) -> str:
    return rel.split("/", 1)[1].removesuffix(".html")


def resolve(rel: str, href: str) -> str:
    """The site path that ``href``, written in page ``rel``, points at (no query or fragment)."""
    path = urlparse(href).path
    return posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))


def load_ext(name: str):
    """A module of book_ext/ (the book's Sphinx extensions): the package book_ext, installed by make venv."""
    return importlib.import_module(f"book_ext.{name}")


@cache
def search_index(built: Path, lang: str) -> dict:
    text = (built / lang / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


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


# --- one site per language ------------------------------------------------------------------


@pytest.mark.book
def test_every_language_has_its_own_complete_site(built):
    names = {lang: {p.relative_to(BOOK / lang).as_posix() for p in (BOOK / lang).rglob("*.md")}
             for lang in languages()}
    source = languages()[0]
    for lang in languages():
        assert names[lang] == names[source], f"book/{lang}/ does not mirror book/{source}/"
        for own in ("index.html", "search.html", "searchindex.js", "_static/book.css"):
            assert (built / lang / own).is_file(), f"{lang}/{own} was not built"
    missing = [rel for rel in site_pages() if not (built / rel).is_file()]
    assert not missing, f"pages not built: {missing}"


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_each_site_lists_only_its_own_pages_and_searches_only_them(soup_of, built, lang):
    soup = soup_of(f"{lang}/index.html")
    nav = soup.select_one("nav.bd-docs-nav")
    assert nav is not None, f"{lang}/index.html has no sidebar navigation"
    targets = {resolve(f"{lang}/index.html", a["href"]) for a in nav.select("a[href]") if a["href"] != "#"}
    assert targets == {f"{lang}/{name}.html" for name in toc_pages() if name != "index"}, targets
    docnames = search_index(built, lang)["docnames"]
    assert sorted(docnames) == sorted(toc_pages()), docnames


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_figure_numbers_start_at_one_in_every_site(soup_of, lang):
    numbers = []
    for name in toc_pages():
        numbers += [c.get_text(" ", strip=True) for c in soup_of(f"{lang}/{name}.html").select(".caption-number")]
    assert numbers, f"the {lang} site has no numbered figure"
    first = re.search(r"\d+", numbers[0])
    assert first and first.group() == "1", f"the {lang} site's first figure is {numbers[0]!r}"
    if lang == "ko":
        assert all("그림" in n for n in numbers), numbers
    else:
        assert not any(HANGUL.search(n) for n in numbers), numbers


@pytest.mark.book
def test_root_page_offers_every_language(soup_of, built):
    soup = soup_of("index.html")
    for lang in languages():
        links = soup.select(f'ul.book-languages a[hreflang="{lang}"]')
        assert len(links) == 1, f"the root page offers {lang} {len(links)} times"
        assert resolve("index.html", links[0]["href"]) == f"{lang}/index.html"
        assert (built / lang / "index.html").is_file()
    assert not soup.select('meta[http-equiv="refresh"]'), "the root page must not redirect"


@pytest.mark.parametrize("rel", site_pages())
@pytest.mark.book
def test_html_lang_is_the_site_language(soup_of, rel):
    assert soup_of(rel).html.get("lang") == lang_of(rel)


@pytest.mark.parametrize("rel", site_pages())
@pytest.mark.book
def test_hreflang_alternates_are_complete_and_exist(soup_of, built, rel):
    soup = soup_of(rel)
    links = soup.select('head link[rel="alternate"][hreflang]')
    canonical = soup.select_one('head link[rel="canonical"]')
    # Absolute where the sites' address is known (book_discovery.py): then under the address that
    # the page's canonical link names.
    address = canonical["href"][: -len(rel)] if canonical else None

    def site_path(href: str) -> str:
        if href.startswith(("http://", "https://")):
            assert address and href.startswith(address), f"{rel}: {href} is not under {address}"
            return href[len(address):]
        return resolve(rel, href)

    found = {link["hreflang"]: site_path(link["href"]) for link in links}
    assert set(found) == set(languages()) | {"x-default"}, f"{rel}: hreflang {sorted(found)}"
    for lang in languages():
        assert found[lang] == f"{lang}/{name_of(rel)}.html", f"{rel}: hreflang {lang} -> {found[lang]}"
    assert found["x-default"] == "index.html"
    for target in found.values():
        assert (built / target).is_file(), f"{rel}: hreflang target {target} does not exist"


@pytest.mark.parametrize("rel", site_pages())
@pytest.mark.book
def test_language_switch_in_the_article_header_leads_to_the_same_page(soup_of, built, rel):
    lang = lang_of(rel)
    switch = soup_of(rel).select_one(".bd-header-article .header-article-items__end nav.language-switch")
    assert switch is not None, f"{rel}: no language switch in the theme's article header"
    current = switch.select_one(".language-switch-current")
    assert current is not None and current.get("lang") == lang and current.get("aria-current") == "page"
    for other in languages():
        if other == lang:
            continue
        links = switch.select(f'a.language-switch-link[hreflang="{other}"]')
        assert len(links) == 1, f"{rel}: expected one link to {other}, found {len(links)}"
        target = resolve(rel, links[0]["href"])
        assert target == f"{other}/{name_of(rel)}.html", f"{rel}: the {other} link goes to {target}"
        assert (built / target).is_file(), f"{rel}: the {other} link goes to a missing page {target}"
        assert links[0].get("lang") == other


# --- the chrome speaks the site's language ------------------------------------------------

# Everything on a page that is not the page's own content: header, sidebars, article header and
# its menus, previous/next, footer, and the labels that Sphinx and the extensions put into content.
CHROME = (
    "#pst-header, .bd-sidebar-primary, .bd-header-article, .bd-sidebar-secondary .page-toc > :not(nav), "
    ".prev-next-area, footer, .bd-footer-content, .admonition-title, .caption-number, "
    ".toggle-hidden button, details.hide > summary, .search-button__default-text, .skip-link, "
    "#pst-back-to-top, .searchbox, .search-button-field"
)
ATTRIBUTES = ("title", "aria-label", "placeholder", "data-bs-original-title")
# The theme's and the extensions' English strings, as whole phrases.
ENGLISH_UI = [
    "Search", "Contents", "previous", "next", "Download this page", "Download notebook file",
    "Download source file", "Print to PDF", "Fullscreen mode", "Skip to main content", "Back to top",
    "Color mode", "Light", "Dark", "System Settings", "On this page", "Site navigation", "Section Navigation",
    "By", "Copyright", "Show code cell", "Hide code cell", "Click to show", "Click to hide", "Note",
    "Warning", "Tip", "Fig.", "Figure", "Table", "Launch", "Open in Colab", "Toggle navigation",
    "Read this page in another language", "This translation may be out of date", "Read the source page",
    "The outputs on this page", "Solution", "Hint",
]


def chrome_texts(soup) -> list[str]:
    """The text and the labelling attributes of the chrome, without what is marked as another language."""
    texts = []
    for element in soup.select(CHROME):
        if element.find_parent(attrs={"lang": True}) not in (None, soup.html) or element.get("lang"):
            continue
        clone = __import__("copy").copy(element)
        for other in clone.select("[lang], pre, code, .language-switch-link, .language-switch-current"):
            other.decompose()
        texts.append(clone.get_text(" ", strip=True))
        for node in [clone, *clone.find_all(True)]:
            texts += [str(node.get(attribute)) for attribute in ATTRIBUTES if node.get(attribute)]
    return [t for t in texts if t]


def page_title_words(soup) -> set[str]:
    """Headings of the page itself, which also appear in the chrome (sidebar, page toc)."""
    return {h.get_text(" ", strip=True).removesuffix("#").strip() for h in soup.select("article h1, article h2")}


@pytest.mark.parametrize("rel", [r for r in site_pages() if not r.startswith("ko/")])
@pytest.mark.book
def test_no_hangul_in_the_chrome_of_other_sites(soup_of, rel):
    offenders = [t for t in chrome_texts(soup_of(rel)) if HANGUL.search(t)]
    assert not offenders, f"{rel}: Hangul in the chrome: {offenders[:5]}"


@pytest.mark.parametrize("rel", [r for r in site_pages() if r.startswith("ko/")])
@pytest.mark.book
def test_no_english_ui_strings_in_the_korean_chrome(soup_of, rel):
    soup = soup_of(rel)
    texts = chrome_texts(soup)
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, ENGLISH_UI)) + r")(?![\w])")
    found = sorted({m.group() for t in texts for m in pattern.finditer(t)})
    assert not found, f"{rel}: English UI strings in the Korean chrome: {found}"


# --- notebooks, Colab, the stamp ----------------------------------------------------------


def colab_repository() -> tuple[str, str] | None:
    """The repository the build links to: the same rule, the same environment (make test builds first)."""
    notebooks = load_ext("book_notebooks")
    configured = config()["sphinx"]["config"].get("book_repository_url", "")
    repo, _why = notebooks.find_repository(configured, dict(os.environ), notebooks.git_origin(str(ROOT)))
    return repo


NOTEBOOK_PAGES = [rel for rel in site_pages() if offers_notebook(lang_of(rel), name_of(rel))]


@pytest.mark.parametrize("rel", NOTEBOOK_PAGES)
@pytest.mark.book
def test_the_download_menu_offers_the_executed_notebook(soup_of, built, rel):
    soup = soup_of(rel)
    links = soup.select(".dropdown-download-buttons a.btn-download-notebook-button")
    assert len(links) == 1, f"{rel}: the theme's download menu does not offer the notebook"
    notebook_rel = resolve(rel, links[0]["href"])
    assert notebook_rel == f"{lang_of(rel)}/_sources/{name_of(rel)}.ipynb"
    nb = nbformat.read(built / notebook_rel, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    source = read_page(ROOT, f"book/{lang_of(rel)}/{name_of(rel)}.md")
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    # First of all the learner's setup cell (book_notebooks.setup_cell), then every cell of the page.
    assert "book-setup" in nb.cells[0].metadata.get("tags", []), f"{notebook_rel}: no setup cell first"
    code_cells = code_cells[1:]
    assert len(code_cells) == len(source.cells), f"{notebook_rel}: not every code cell is in it"
    assert any(cell.outputs for cell in code_cells), f"{notebook_rel}: the executed outputs are missing"
    for cell in code_cells:
        if "remove-stderr" in cell.metadata.get("tags", []):
            assert not any(o.get("name") == "stderr" for o in cell.outputs), f"{notebook_rel}: hidden stderr kept"


@pytest.mark.parametrize("rel", NOTEBOOK_PAGES)
@pytest.mark.book
def test_colab_links_only_to_the_repository_being_built(soup_of, rel):
    soup = soup_of(rel)
    colab = [a["href"] for a in soup.select("a[href]") if "colab.research.google.com" in a["href"]]
    repo = colab_repository()
    if repo is None:
        assert colab == [], f"{rel}: a Colab link although no repository is known: {colab}"
        return
    branch = config()["sphinx"]["config"]["book_pages_branch"]
    expected = (f"https://colab.research.google.com/github/{repo[0]}/{repo[1]}/blob/{branch}/"
                f"{lang_of(rel)}/_sources/{name_of(rel)}.ipynb")
    assert colab == [expected], f"{rel}: Colab links {colab}, expected {expected}"


BUTTON_TEXT = {  # the book catalog's words, per language (locale/<lang>/LC_MESSAGES/book.po)
    "ko": ("Colab에서 실행", "노트북 다운로드", "GitHub에서 소스 보기"),
    "en": ("Run in Google Colab", "Download notebook", "View source on GitHub"),
}


@pytest.mark.parametrize("rel", NOTEBOOK_PAGES)
@pytest.mark.book
def test_buttons_under_the_title_run_download_and_show_the_page(soup_of, built, rel):
    """tensorflow.org's row of buttons, in the page's language, right under the title; Colab and
    GitHub only where the repository is known (else absent, not broken)."""
    soup = soup_of(rel)
    title = soup.select_one("article h1")
    row = title.find_next_sibling()
    assert row is not None and "book-notebook-buttons" in row.get("class", []), f"{rel}: no buttons under the title"
    links = {a.get_text(" ", strip=True): a["href"] for a in row.select("a.book-notebook-button")}
    colab, download, source = BUTTON_TEXT.get(lang_of(rel), BUTTON_TEXT["en"])
    assert resolve(rel, links[download]) == f"{lang_of(rel)}/_sources/{name_of(rel)}.ipynb", links
    assert (built / resolve(rel, links[download])).is_file()
    repo = colab_repository()
    assert (colab in links) == (source in links) == (repo is not None), links
    if repo is not None:
        assert links[source] == (f"https://github.com/{repo[0]}/{repo[1]}/blob/"
                                 f"{config()['sphinx']['config'].get('book_source_branch', 'main')}/"
                                 f"book/{lang_of(rel)}/{name_of(rel)}.md")


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_pages_that_cannot_run_outside_the_book_offer_no_notebook(soup_of, built, lang):
    for name in config()["sphinx"]["config"]["book_notebook_exclude"]:
        soup = soup_of(f"{lang}/{name}.html")
        assert not soup.select(".book-notebook-buttons"), f"{lang}/{name}: buttons on a page with no notebook"
        assert not soup.select("a.btn-download-notebook-button"), f"{lang}/{name}: the menu offers a notebook"
        assert not (built / lang / "_sources" / f"{name}.ipynb").exists()


def test_the_buttons_of_a_known_repository_lead_to_colab_and_github(tmp_path):
    """What a site built on GitHub Actions shows (this machine knows no repository)."""
    from types import SimpleNamespace

    notebooks = load_ext("book_notebooks")
    srcdir = tmp_path / "book" / "ko"
    app = SimpleNamespace(
        env_book_repository=("org", "book"), srcdir=str(srcdir),
        config=SimpleNamespace(book_pages_branch="gh-pages", book_source_branch="main", language="ko"),
        env=SimpleNamespace(doc2path=lambda docname: str(srcdir / f"{docname}.md")),
    )
    found = {b["url"] for b in notebooks.buttons(app, "sgd")}
    assert found == {"https://colab.research.google.com/github/org/book/blob/gh-pages/ko/_sources/sgd.ipynb",
                     "_sources/sgd.ipynb", "https://github.com/org/book/blob/main/book/ko/sgd.md"}
    app.env_book_repository = None
    assert [b["url"] for b in notebooks.buttons(app, "sgd")] == ["_sources/sgd.ipynb"]


@pytest.mark.book
def test_no_page_names_a_placeholder_repository(built):
    offenders = [p.relative_to(built).as_posix() for p in built.rglob("*.html")
                 if "your-org" in p.read_text(encoding="utf-8")]
    assert not offenders, offenders


@pytest.mark.parametrize("rel", NOTEBOOK_PAGES)
@pytest.mark.book
def test_footer_stamp_says_which_tensorflow_and_keras_executed_the_page_and_when(soup_of, rel):
    from babel.dates import format_date

    stamp = soup_of(rel).select_one("footer .book-build-stamp, .bd-footer-content .book-build-stamp")
    assert stamp is not None, f"{rel}: no execution stamp in the footer"
    assert stamp["data-tensorflow"] == metadata.version("tensorflow")
    assert stamp["data-keras"] == metadata.version("keras")
    assert stamp["data-executed"] == "true", f"{rel}: the build did not execute this page"
    text = stamp.get_text(" ")
    assert metadata.version("tensorflow") in text and metadata.version("keras") in text
    when = stamp.select_one("time[datetime]")
    year, month, day = (int(x) for x in when["datetime"].split("-"))
    import datetime as dt

    assert when.get_text() == format_date(dt.date(year, month, day), format="long", locale=lang_of(rel))
    assert bool(HANGUL.search(text)) == (lang_of(rel) == "ko"), text


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


# --- accessibility --------------------------------------------------------------------------


@pytest.mark.parametrize("rel", site_pages())
@pytest.mark.book
def test_every_image_has_alt_text_in_the_page_language(soup_of, rel):
    for img in soup_of(rel).select("article img"):
        alt = (img.get("alt") or "").strip()
        assert alt, f"{rel}: image {img.get('src')} has no alt text"
        assert not re.search(r"\.(png|jpe?g|svg|gif|webp)$", alt, re.IGNORECASE), (
            f"{rel}: the alt text of {img.get('src')} is a file name: {alt!r}"
        )
        if lang_of(rel) == "ko":
            assert HANGUL.search(alt), f"{rel}: alt text is not Korean: {alt!r}"
        else:
            assert not HANGUL.search(alt) and re.search(r"[A-Za-z]{3}", alt), f"{rel}: alt text: {alt!r}"


# --- offline ----------------------------------------------------------------------------------

LOADED = {
    "script": ["src"],
    "link": ["href"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "iframe": ["src"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
}


def html_files() -> list[str]:
    return sorted(
        p.relative_to(BUILD_HTML).as_posix() for p in BUILD_HTML.rglob("*.html") if "_static" not in p.parts
    )


@pytest.mark.parametrize("rel", html_files() or ["index.html"])
@pytest.mark.book
def test_nothing_the_page_loads_comes_from_another_site(soup_of, rel):
    soup = soup_of(rel)
    remote = []
    for tag, attributes in LOADED.items():
        for element in soup.find_all(tag):
            if tag == "link" and element.get("rel") == ["alternate"]:
                continue  # hreflang alternates are not loaded
            for attribute in attributes:
                value = element.get(attribute) or ""
                if REMOTE.match(value.strip()):
                    remote.append(f"<{tag} {attribute}={value!r}>")
    for script in soup.find_all("script", src=False):
        if REMOTE_IN_TEXT.search(script.get_text()):
            remote.append(f"inline <script>: {script.get_text()[:120]!r}")
    for style in soup.find_all("style"):
        if re.search(r"url\(\s*['\"]?(https?:)?//|@import\s+['\"]?(https?:)?//", style.get_text()):
            remote.append(f"<style>: {style.get_text()[:120]!r}")
    assert not remote, f"{rel} loads from other sites:\n" + "\n".join(remote)


@pytest.mark.parametrize("rel", site_pages())
@pytest.mark.book
def test_page_declares_its_icon(soup_of, built, rel):
    # Without one, browsers ask for /favicon.ico, a 404 (an error in the console).
    icons = soup_of(rel).select('link[rel~="icon"]')
    assert icons, f"{rel}: no <link rel=icon>"
    assert (built / resolve(rel, icons[0]["href"])).is_file(), icons[0]


@pytest.mark.book
def test_stylesheets_load_nothing_from_another_site(built):
    remote = re.compile(
        r"url\(\s*['\"]?(?:https?:)?//|@import\s+(?:url\()?\s*['\"]?(?:https?:)?//", re.IGNORECASE
    )
    offenders = [
        css.relative_to(built).as_posix()
        for css in built.rglob("_static/**/*.css")
        if remote.search(css.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not offenders, f"stylesheets that fetch from other sites: {offenders}"


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_math_is_mathml_written_at_build_and_no_page_loads_a_math_script(soup_of, built, lang):
    """book_mathml.py converts every formula; no MathJax or KaTeX script is loaded or shipped."""
    soup = soup_of(f"{lang}/from_scratch.html")
    assert soup.select("div.math > math[display=block]"), "no display formula as MathML"
    assert soup.select("span.math > math[display=inline]"), "no inline formula as MathML"
    assert not soup.select("code.math-error"), "a formula was not converted"
    source = (BOOK / lang / "from_scratch.md").read_text(encoding="utf-8")
    assert len(soup.select("math")) >= source.count("$$") // 2, "fewer formulas on the page than in the source"
    for rel in site_pages():
        scripts = [s["src"] for s in soup_of(rel).find_all("script", src=True)]
        assert not [s for s in scripts if re.search(r"mathjax|katex", s, re.IGNORECASE)], f"{rel}: {scripts}"
    assert not list(built.glob("*/_static/mathjax")), "MathJax is still shipped with the site"


@pytest.mark.parametrize("rel", html_files() or ["index.html"])
@pytest.mark.book
def test_no_thebe_and_no_comments(soup_of, rel):
    """No Thebe (its scripts, its config block, its buttons), Binder, Hypothesis or utterances."""
    soup = soup_of(rel)
    code = [s.get("src", "") + s.get_text() for s in soup.find_all("script")]
    code += [link.get("href", "") for link in soup.find_all("link")]
    code += [" ".join(e.get("class", [])) for e in soup.find_all(class_=True)]
    for needle in ("thebe", "binder", "hypothes.is", "utteranc.es"):
        offenders = [c[:100] for c in code if needle in c.lower()]
        assert not offenders, f"{rel} still has {needle}: {offenders}"


# --- search -----------------------------------------------------------------------------------


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


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_fontawesome_holds_only_the_icons_the_site_uses(built, lang):
    """The theme's 1.5 MB icon bundle is cut to the icons the pages name (book_offline.py)."""
    js = (built / lang / "_static" / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    assert len(js) < 200_000, f"fontawesome.js is {len(js)} bytes: the icon subset was not applied"
    used = set()
    for page in (built / lang).rglob("*.html"):
        used.update(re.findall(r"\bfa-([a-z0-9-]+)", page.read_text(encoding="utf-8", errors="ignore")))
    for icon in {"magnifying-glass", "bars", "sun", "moon", "download"} & used:
        assert re.search(rf'(?:"{icon}"|\b{icon}):\[\d', js), f"icon {icon} is used but missing from fontawesome.js"


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_icon_font_is_cut_to_the_glyphs_the_stylesheets_draw(built, lang):
    """book_offline.py subsets the solid icon font; admonition icons and the used icons stay in it."""
    from fontTools.ttLib import TTFont

    static = built / lang / "_static"
    css = (static / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert "fa-solid-900.subset.woff" in css and "fa-solid-900.woff2" not in css, "the @font-face was not rewritten"
    subset = static / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.subset.woff"
    assert subset.stat().st_size < 20_000, subset.stat().st_size
    cmap = set(TTFont(subset).getBestCmap())
    solid = set(TTFont(subset.with_name("fa-solid-900.ttf")).getBestCmap())
    # Icons the stylesheet draws itself with the solid font (admonition titles, ...), written as
    # private-use characters (the brand icons, GitHub and GitLab, are in the brands font).
    drawn = {ord(ch) for ch in re.findall("[\ue000-\uf8ff]", css)} & solid
    assert drawn and drawn <= cmap, f"glyphs the stylesheet draws but the font lacks: {sorted(drawn - cmap)}"


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_figures_are_stored_with_a_palette(built, lang):
    from PIL import Image

    figures = sorted((built / lang / "_images").glob("*.png"))
    assert figures, f"the {lang} site has no figures"
    modes = {Image.open(path).mode for path in figures}
    assert modes == {"P"}, f"figures not re-encoded with a palette: {modes}"


@pytest.mark.parametrize("lang", languages())
def test_the_first_page_says_how_to_follow_along_with_the_tested_tensorflow(lang):
    """The install commands for a learner's computer pin the TensorFlow, Keras and scikit-learn (the
    data of multiple_inputs) that the build pins (requirements.txt), on every system the page names."""
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    page = (BOOK / lang / "index.md").read_text(encoding="utf-8")
    for package in ("tensorflow", "keras", "scikit-learn"):
        pinned = re.search(rf"^{package}==(\S+)", requirements, re.M)
        commands = re.findall(rf"pip install .*?\b({package}==\S+)", page)
        assert len(commands) >= 2, f"book/{lang}/index.md gives no install command with {package} per system"
        assert set(commands) == {f"{package}=={pinned[1]}"}, commands
    assert "Scripts\\activate" in page and "bin/activate" in page, "Windows and macOS/Linux both"
