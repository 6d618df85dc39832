"""The published site, read as HTML: languages, notebooks, the stamp, alt text, offline, search.

Reads the build in tests.bookinfo.BUILD_HTML (``_build/html`` unless BOOK_HTML says otherwise).
The same site in a real browser: test_browser.py.
"""

from __future__ import annotations

import importlib.util
import json
import posixpath
import re
from functools import cache
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

from tests.bookinfo import BOOK, BUILD_HTML, ROOT, config, languages, pages

HANGUL = re.compile(r"[\uac00-\ud7a3]")
HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]+")
REMOTE = re.compile(r"(?:https?:)?//", re.IGNORECASE)
REMOTE_IN_TEXT = re.compile(r"https?://", re.IGNORECASE)
PROSE = "p, li, dt, dd, th, td, figcaption, h1, h2, h3, h4, h5, h6"


def page_ids() -> list[str]:
    return [f"book/{lang}/{p.with_suffix('.html').as_posix()}" for lang in languages() for p in pages(lang)]


def lang_of(rel: str) -> str:
    return rel.split("/")[1]


def resolve(rel: str, href: str) -> str:
    """The site path that ``href``, written in page ``rel``, points at (no query or fragment)."""
    path = urlparse(href).path
    return posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))


def book_config() -> dict:
    return config()["sphinx"]["config"]


def load_ext(name: str):
    """A module of _ext/ (the book's Sphinx extensions), without touching sys.path."""
    spec = importlib.util.spec_from_file_location(f"_book_ext_{name}", ROOT / "_ext" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def search_index(built: Path) -> dict:
    text = (built / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def prose_runs(soup) -> list[str]:
    """The Hangul runs of a page's prose (what the page says, not the header the build adds)."""
    article = soup.select_one("article.bd-article") or soup
    runs = []
    for section in article.find_all("section", recursive=False):
        for element in section.select(PROSE):
            if element.find_parent(["pre", "code"]):
                continue
            runs.extend(HANGUL_RUN.findall(element.get_text(" ")))
    return runs


def inflected_only(soup_of) -> dict[str, set[str]]:
    """Korean stems that a page uses only with a particle or ending: stem -> {page}."""
    korean_stem = load_ext("book_search_ko").korean_stem
    found: dict[str, set[str]] = {}
    source = languages()[0] if "ko" not in languages() else "ko"
    for p in pages(source):
        rel = f"book/{source}/{p.with_suffix('.html').as_posix()}"
        if not (BUILD_HTML / rel).is_file():
            continue  # test_every_page_is_built_in_every_language reports it
        runs = prose_runs(soup_of(rel))
        bare = set(runs)
        for run in runs:
            stem = korean_stem(run)
            if stem != run and stem not in bare:
                found.setdefault(stem, set()).add(rel)
    return found


# --- every page in every language, in its own language --------------------------------


def test_every_page_is_built_in_every_language(built):
    names = {lang: {p.as_posix() for p in pages(lang)} for lang in languages()}
    source = languages()[0]
    for lang in languages():
        assert names[lang] == names[source], f"book/{lang}/ does not mirror book/{source}/"
    missing = [rel for rel in page_ids() if not (built / rel).is_file()]
    assert not missing, f"pages not built: {missing}"


@pytest.mark.parametrize("rel", page_ids())
def test_html_lang_is_the_page_language(soup_of, rel):
    assert soup_of(rel).html.get("lang") == lang_of(rel)


@pytest.mark.parametrize("rel", page_ids())
def test_language_switch_links_to_the_same_page_in_every_other_language(soup_of, built, rel):
    lang = lang_of(rel)
    rest = rel.split("/", 2)[2]
    switch = soup_of(rel).select_one("article .book-page-header nav.language-switch")
    assert switch is not None, f"{rel}: no language switch at the top of the article"
    current = switch.select_one(".language-switch-current")
    assert current is not None and current.get("lang") == lang, (
        f"{rel}: the switch does not show the page's language"
    )
    for other in languages():
        if other == lang:
            continue
        links = switch.select(f'a.language-switch-link[hreflang="{other}"]')
        assert len(links) == 1, f"{rel}: expected one link to {other}, found {len(links)}"
        target = resolve(rel, links[0]["href"])
        assert target == f"book/{other}/{rest}", (
            f"{rel}: the {other} link goes to {target}, not the same page"
        )
        assert (built / target).is_file(), f"{rel}: the {other} link goes to a missing page {target}"
        assert links[0].get("lang") == other, f"{rel}: the link to {other} is not marked lang={other}"


def test_landing_page_offers_every_language(soup_of, built):
    # The site root redirects to the landing page.
    root = (built / "index.html").read_text(encoding="utf-8")
    assert "book/index.html" in root, "index.html does not lead to the landing page book/index.html"
    soup = soup_of("book/index.html")
    switch = soup.select_one(".book-page-header nav.language-switch")
    assert switch is not None, "the landing page has no language switch"
    for lang in languages():
        hrefs = [resolve("book/index.html", a["href"]) for a in switch.select(f'a[hreflang="{lang}"]')]
        assert hrefs == [f"book/{lang}/index.html"], f"landing page: link to {lang}: {hrefs}"
        assert (built / hrefs[0]).is_file()
        # The landing page's own text links to every language too.
        body_links = {resolve("book/index.html", a["href"]) for a in soup.select("section a[href]")}
        assert f"book/{lang}/index.html" in body_links, f"the landing page's text does not link to {lang}"


# --- notebooks, Colab, the stamp ----------------------------------------------------------


@pytest.mark.parametrize("rel", page_ids())
def test_colab_and_notebook_links_and_the_notebook_is_valid(soup_of, built, rel):
    soup = soup_of(rel)
    cfg = book_config()
    org_repo = urlparse(cfg["book_repository_url"]).path.strip("/").removesuffix(".git")
    notebook_rel = rel.removesuffix(".html") + ".ipynb"

    colab = soup.select(".book-page-header a.book-colab-link")
    assert len(colab) == 1, f"{rel}: no 'Open in Colab' link"
    expected = (
        f"https://colab.research.google.com/github/{org_repo}/blob/{cfg['book_pages_branch']}/{notebook_rel}"
    )
    assert colab[0]["href"] == expected

    download = soup.select(".book-page-header a.book-ipynb-link")
    assert len(download) == 1, f"{rel}: no notebook download link"
    assert resolve(rel, download[0]["href"]) == notebook_rel
    assert download[0].has_attr("download")

    path = built / notebook_rel
    assert path.is_file(), f"{notebook_rel} was not written"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"

    source = (BOOK / rel.removeprefix("book/")).with_suffix(".md").read_text(encoding="utf-8")
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code_cells) == source.count("```{code-cell}"), f"{notebook_rel}: not every code cell is in it"
    for cell in code_cells:
        tags = cell.metadata.get("tags", [])
        assert not any(o.get("name") == "stderr" for o in cell.outputs if "remove-stderr" in tags), (
            f"{notebook_rel}: output the page hides (remove-stderr) is in the notebook"
        )
    stamp = soup.select_one(".book-build-stamp")
    if stamp is not None and stamp.get("data-executed") == "true" and code_cells:
        assert any(cell.outputs for cell in code_cells), (
            f"{notebook_rel}: the executed page's outputs are missing"
        )


@pytest.mark.parametrize("rel", page_ids())
def test_stamp_says_which_tensorflow_and_keras_executed_the_page_and_when(soup_of, rel):
    stamp = soup_of(rel).select_one(".book-page-header .book-build-stamp")
    assert stamp is not None, f"{rel}: no execution stamp"
    assert stamp["data-tensorflow"] == metadata.version("tensorflow")
    assert stamp["data-keras"] == metadata.version("keras")
    source = (BOOK / rel.removeprefix("book/")).with_suffix(".md").read_text(encoding="utf-8")
    if "```{code-cell}" in source:
        assert stamp["data-executed"] == "true", f"{rel}: the build did not execute this page"
    text = stamp.get_text(" ")
    assert metadata.version("tensorflow") in text and metadata.version("keras") in text
    when = stamp.select_one("time[datetime]")
    assert when is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", when["datetime"]), stamp
    year, month, day = (int(x) for x in when["datetime"].split("-"))
    if lang_of(rel) == "ko":
        assert HANGUL.search(text) and f"{year}년 {month}월 {day}일" in text, text
    else:
        assert not HANGUL.search(text) and str(year) in text, text


# --- accessibility --------------------------------------------------------------------------


@pytest.mark.parametrize("rel", page_ids())
def test_every_image_has_alt_text_in_the_page_language(soup_of, rel):
    for img in soup_of(rel).find_all("img"):
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
def test_nothing_the_page_loads_comes_from_another_site(soup_of, rel):
    soup = soup_of(rel)
    remote = []
    for tag, attributes in LOADED.items():
        for element in soup.find_all(tag):
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


@pytest.mark.parametrize("rel", page_ids())
def test_page_declares_its_icon(soup_of, built, rel):
    # Without one, browsers ask for /favicon.ico, a 404 (an error in the console).
    icons = soup_of(rel).select('link[rel~="icon"]')
    assert icons, f"{rel}: no <link rel=icon>"
    assert (built / resolve(rel, icons[0]["href"])).is_file(), icons[0]


def test_stylesheets_load_nothing_from_another_site(built):
    remote = re.compile(
        r"url\(\s*['\"]?(?:https?:)?//|@import\s+(?:url\()?\s*['\"]?(?:https?:)?//", re.IGNORECASE
    )
    offenders = [
        css.relative_to(built).as_posix()
        for css in built.joinpath("_static").rglob("*.css")
        if remote.search(css.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not offenders, f"stylesheets that fetch from other sites: {offenders}"


def test_mathjax_is_served_from_the_site(soup_of, built):
    soup = soup_of("book/ko/linear_regression.html")
    sources = [s["src"] for s in soup.find_all("script", src=True) if "mathjax" in s["src"].lower()]
    assert sources, "the page does not load MathJax"
    for src in sources:
        assert (built / resolve("book/ko/linear_regression.html", src)).is_file(), src


@pytest.mark.parametrize("rel", html_files() or ["index.html"])
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


def test_search_index_holds_the_stems_of_inflected_korean_words(soup_of, built):
    index = search_index(built)
    docnames = index["docnames"]
    found = inflected_only(soup_of)
    assert found, "no Korean page uses a word with a particle: the check has nothing to check"

    def pages_with(term: str) -> set[str]:
        hits = set()
        for mapping in (index["terms"], index["titleterms"]):
            value = mapping.get(term, [])
            for i in [value] if isinstance(value, int) else value:
                hits.add(docnames[i] + ".html")
        return hits

    missing = {
        stem: sorted(rels - pages_with(stem)) for stem, rels in found.items() if rels - pages_with(stem)
    }
    assert not missing, f"stems not in the search index for their pages: {missing}"
    if "회귀" in found:  # the example of the issue: a page that only says 회귀를
        assert found["회귀"] <= pages_with("회귀")


def test_search_index_still_stems_english(soup_of, built):
    index = search_index(built)
    docnames = index["docnames"]
    for word, stem in (("predictions", "predict"), ("learning", "learn")):
        value = index["terms"].get(stem, [])
        hits = {docnames[i] for i in ([value] if isinstance(value, int) else value)}
        assert any(d.startswith("book/en/") for d in hits), (
            f"{word!r} -> {stem!r} finds no English page: {hits}"
        )


def test_python_and_javascript_use_the_same_particles(built):
    module = load_ext("book_search_ko")
    language_data = (built / "_static" / "language_data.js").read_text(encoding="utf-8")
    match = re.search(r"var BOOK_KO_SUFFIXES = (\[.*?\]);", language_data)
    assert match, "_static/language_data.js has no Korean splitter: is book_search_ko loaded?"
    assert json.loads(match.group(1)) == module.SUFFIXES


def test_fontawesome_holds_only_the_icons_the_site_uses(built):
    """The theme's 1.5 MB icon bundle is cut to the icons the pages name (book_offline.py)."""
    import re

    js = (built / "_static" / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    assert len(js) < 200_000, f"fontawesome.js is {len(js)} bytes: the icon subset was not applied"
    used = set()
    for page in built.rglob("*.html"):
        used.update(re.findall(r"\bfa-([a-z0-9-]+)", page.read_text(encoding="utf-8", errors="ignore")))
    for icon in {"magnifying-glass", "bars", "sun", "moon"} & used:
        defined = re.search(rf'(?:"{icon}"|\b{icon}):\[\d', js)
        assert defined, f"icon {icon} is used by the pages but missing from fontawesome.js"
