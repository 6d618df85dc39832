"""The book to take away: each language's PDF and offline bundle, as the build made them.

- The PDF (``_build/pdf/<book>-<lang>.pdf``) opens; its first-level bookmarks are the
  chapters of the language's site, in order; it holds the predictions that this build printed
  on the linear-regression page; Korean is text, not pictures; every font is embedded; code
  keeps its indentation when its text is extracted; its pages are numbered; its links work
  inside it.
- The bundle (``_build/bundle/<book>-<lang>.zip``), unzipped and opened from ``file://`` in
  Chromium with every other request blocked: pages load with no console error, figures and
  math are drawn, search finds a Korean stem (Korean bundle) or an English word (English
  bundle), and every page's notebook is in it.
- The site offers both, on every page's download menu and on the landing page.

Needs the built book (`make book`) and Debian's chromium; never skips.
"""

from __future__ import annotations

import re
import zipfile
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlparse
from urllib.request import url2pathname

import pytest
from bs4 import BeautifulSoup, SoupStrainer
from pypdf import PdfReader

from book_ext import book_languages
from tests.bookinfo import BUILD_HTML, languages, load_ext, offers_notebook, toc_pages
from tests.conftest import TIMEOUT_MS, VIEWPORT, Tab

pytestmark = pytest.mark.book

BUILD = BUILD_HTML.parent
HANGUL = re.compile(f"[{book_languages.HANGUL}]")
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")
# What the search of each bundle must find, and a page it must find it on.
SEARCHES = {"ko": ("회귀", "linear_regression.html"), "en": ("predictions", "linear_regression.html")}


def downloads():
    return load_ext("book_downloads")


def pdf_path(lang: str) -> Path:
    return BUILD / "pdf" / downloads().file_name(lang, "pdf")


def bundle_path(lang: str) -> Path:
    return BUILD / "bundle" / downloads().file_name(lang, "zip")


@cache
def reader(lang: str) -> PdfReader:
    path = pdf_path(lang)
    assert path.is_file(), f"{path} was not built (make book builds it)"
    return PdfReader(path)


@cache
def page_text(lang: str, index: int) -> str:
    """The text of one page (0-based). Text extraction costs about 0.15 s a page: the tests read
    the pages they need, not the whole book."""
    return reader(lang).pages[index].extract_text() or ""


@cache
def chapter_pages(lang: str, name: str) -> range:
    """The pages (0-based) of one chapter, from its first-level bookmark to the next one."""
    pdf = reader(lang)
    top = [item for item in pdf.outline if not isinstance(item, list)]
    starts = [pdf.get_destination_page_number(item) for item in top]
    title = squeeze(chapter_title(lang, name))
    found = [i for i, item in enumerate(top) if squeeze(item.title) == title]
    assert found, f"no bookmark for the chapter {title!r} in {pdf_path(lang).name}"
    i = found[0]
    return range(starts[i], starts[i + 1] if i + 1 < len(starts) else len(pdf.pages))


def chapter_text(lang: str, name: str) -> str:
    return "\n".join(page_text(lang, index) for index in chapter_pages(lang, name))


def chapter_page_with(lang: str, name: str, words: list[str]) -> int | None:
    """The last page of a chapter whose text has every one of ``words`` (read from the end, where
    the results are: most pages are never read), or None."""
    return next((index for index in reversed(chapter_pages(lang, name))
                 if all(word in page_text(lang, index) for word in words)), None)


@cache
def site_soup(lang: str, name: str) -> BeautifulSoup:
    """A built page, parsed once (callers do not change it)."""
    path = BUILD_HTML / lang / f"{name}.html"
    assert path.is_file(), f"{path} was not built"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@cache
def chapter_title(lang: str, name: str) -> str:
    """A page's title as its site shows it (the first heading, without the permalink sign)."""
    path = BUILD_HTML / lang / f"{name}.html"
    assert path.is_file(), f"{path} was not built"
    text = path.read_text(encoding="utf-8")
    article = text.find("<article")
    # The <h1>s of the article only: a tenth of the time of the whole page.
    h1 = BeautifulSoup(text[article:], "html.parser", parse_only=SoupStrainer("h1")).h1 if article >= 0 else None
    assert h1 is not None, f"{lang}/{name}.html has no title"
    for link in h1.select("a.headerlink"):
        link.decompose()
    return " ".join(h1.get_text().split())


def squeeze(text: str) -> str:
    return "".join(text.split())


def printed_predictions(lang: str) -> list[str]:
    """The numbers that this build printed as the predictions on the linear-regression page."""
    outputs = [o.get_text() for o in site_soup(lang, "linear_regression").select(".cell_output")]
    printed = next((t for t in outputs if t.strip().startswith("[[")), None)
    assert printed is not None, f"{lang}/linear_regression.html shows no printed predictions"
    numbers = NUMBER.findall(printed)
    assert len(numbers) == 2 and abs(float(numbers[0]) + 4) < 0.05 and abs(float(numbers[1]) + 3) < 0.05, printed
    return numbers


# --- the PDF ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", languages())
def test_pdf_opens_with_a_title_page_and_a_bookmark_per_chapter(lang):
    pdf = reader(lang)
    titles = [chapter_title(lang, name) for name in toc_pages()]
    assert len(pdf.pages) > 2 * len(titles), f"{pdf_path(lang)} has only {len(pdf.pages)} pages"
    top = [item for item in pdf.outline if not isinstance(item, list)]
    bookmarks = [item.title for item in top]
    # Compared without spaces: Chromium's bookmarks drop a no-break space (9&nbsp;seconds).
    assert [squeeze(b) for b in bookmarks] == [squeeze(t) for t in titles], (
        f"first-level bookmarks {bookmarks}, chapters of the {lang} site {titles}"
    )
    pages = [pdf.get_destination_page_number(item) for item in top]
    assert pages == sorted(pages) and pages[0] >= 1, f"bookmarks out of order or on the title page: {pages}"
    entry = load_ext("book_languages").entries(load_ext("book_languages").read_config(BUILD.parent))[lang]
    # Without spaces: text extraction puts one where the font changes (TensorFlow로).
    first = squeeze(page_text(lang, 0))
    assert squeeze(entry["title"]) in first and squeeze(entry["author"]) in first, (
        f"the title page reads {page_text(lang, 0)[:200]!r}"
    )


@pytest.mark.parametrize("lang", languages())
def test_pdf_holds_the_predictions_this_build_printed(lang):
    numbers = printed_predictions(lang)
    if chapter_page_with(lang, "linear_regression", numbers) is None:  # not on one page: the chapter
        text = chapter_text(lang, "linear_regression")
        for number in numbers:
            assert number in text, f"{number} (printed on {lang}/linear_regression.html) is not in the PDF's text"


@pytest.mark.parametrize("lang", languages())
def test_pdf_pages_are_numbered_and_its_links_lead_inside_it(lang):
    pdf = reader(lang)
    total = len(pdf.pages)
    for number in (1, total // 2, total):
        assert re.search(rf"\b{number}\s*/\s*{total}\b", page_text(lang, number - 1)), f"page {number} is not numbered"
    internal = 0
    for page in pdf.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            inside = "/Dest" in annotation or (action is not None and action.get("/S") == "/GoTo")
            if annotation.get("/Subtype") == "/Link" and inside:
                internal += 1
    # At least the contents page: one link per chapter.
    assert internal >= len(toc_pages()), f"only {internal} links lead inside the PDF"


def test_korean_pdf_has_hangul_as_text():
    assert "ko" in languages()
    # Page by page from the chapter's start, until there are enough (the title is on the first).
    text, syllables = "", 0
    for index in chapter_pages("ko", "linear_regression"):
        text += page_text("ko", index) + "\n"
        syllables += len(HANGUL.findall(page_text("ko", index)))
        if syllables > 2000:
            break
    assert syllables > 2000, f"the linear-regression chapter's text has only {syllables} Hangul syllables"
    assert squeeze(chapter_title("ko", "linear_regression")) in squeeze(text)


def fonts_of(pdf: PdfReader):
    """Every font resource of every page (and of the forms they draw): (name, font dictionary)."""
    seen = set()

    def from_resources(resources):
        if not resources:
            return
        resources = resources.get_object()
        fonts = resources.get("/Font")
        if fonts:
            for ref in fonts.get_object().values():
                font = ref.get_object()
                if id(font) not in seen:
                    seen.add(id(font))
                    yield font
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                yield from from_resources(xobject.get("/Resources"))

    for page in pdf.pages:
        yield from from_resources(page.get("/Resources"))


def embedded(font) -> bool:
    kind = font.get("/Subtype")
    if kind == "/Type3":  # its glyphs are drawn by the PDF itself
        return True
    if kind == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor else {}
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.mark.parametrize("lang", languages())
def test_pdf_embeds_every_font(lang):
    fonts = list(fonts_of(reader(lang)))
    assert fonts, "the PDF uses no font: is its text an image?"
    missing = sorted({str(f.get("/BaseFont", f.get("/Subtype"))) for f in fonts if not embedded(f)})
    assert not missing, f"fonts not embedded in {pdf_path(lang).name}: {missing}"


def indented_code_line(lang: str) -> str:
    """An indented line of code (no Hangul) from the linear-regression page as its site shows it."""
    for pre in site_soup(lang, "linear_regression").select("div.cell_input div.highlight pre"):
        for line in pre.get_text().splitlines():
            if re.match(r"^ {4,}\S", line) and not HANGUL.search(line) and len(line.strip()) > 10:
                return line.rstrip()
    raise AssertionError(f"{lang}/linear_regression.html has no indented line of code")


@pytest.mark.parametrize("lang", languages())
def test_pdf_code_keeps_its_indentation(lang):
    line = indented_code_line(lang)
    indent = len(line) - len(line.lstrip())
    words = " ".join(line.split())
    found = []  # the chapter's lines that read like it, page by page until one keeps its indentation
    for index in chapter_pages(lang, "linear_regression"):
        found += [pdf_line for pdf_line in page_text(lang, index).splitlines() if " ".join(pdf_line.split()) == words]
        if any(len(f) - len(f.lstrip(" ")) == indent for f in found):
            break
    assert found, f"{line!r} is not a line of the PDF's text"
    assert any(len(f) - len(f.lstrip(" ")) == indent for f in found), (
        f"the line {words!r} lost its indentation of {indent} spaces in the PDF: {found}"
    )


# --- the site offers them ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", languages())
def test_site_publishes_and_links_the_pdf_and_the_bundle(lang):
    files = {downloads().file_name(lang, kind) for kind in ("pdf", "zip")}
    for name in files:
        published = BUILD_HTML / lang / downloads().FOLDER / name
        assert published.is_file(), f"{published} is not in the site: the deploy would not publish it"
    for page, place in (("index", "article .book-downloads"), ("index", ".dropdown-download-buttons"),
                        ("sgd", ".dropdown-download-buttons")):
        soup = site_soup(lang, page)
        block = soup.select_one(place)
        assert block is not None, f"{lang}/{page}.html has no {place}"
        hrefs = {a["href"] for a in block.select("a[href]")}
        for name in files:
            assert f"{downloads().FOLDER}/{name}" in hrefs, f"{lang}/{page}.html: {place} does not link {name}"


# --- the offline bundle --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium(browser):
    """The session's Chromium: a second Playwright in the same process fails while the first runs."""
    return browser


class FileTab(Tab):
    """A page of the unzipped bundle, in a context of its own: any request that is not for a file
    is counted (Chromium fails those for other sites: tests/conftest.py's OFFLINE_ARGS), and so is
    a file the page asks for that the bundle lacks."""

    def __init__(self, chromium):
        context = chromium.new_context(viewport=VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        super().__init__(context, "file:")
        self.page.on("requestfailed", self._failed)

    def _failed(self, request) -> None:
        """A file the page asked for that is not in the bundle. (A request that the next
        navigation cancels, such as the favicon's, fails too, for a file that is there.)"""
        if request.url.startswith("file:"):
            path = Path(url2pathname(urlparse(request.url).path))
            if not path.exists():
                self.errors.append(f"missing: {request.url} ({request.failure})")

    def open(self, path: Path, query: str = "") -> None:
        self.page.goto(path.as_uri() + query, wait_until="load")


@pytest.fixture
def unzipped(tmp_path):
    def unzip(lang: str) -> Path:
        path = bundle_path(lang)
        assert path.is_file(), f"{path} was not built (make book builds it)"
        with zipfile.ZipFile(path) as archive:
            tops = {name.split("/", 1)[0] for name in archive.namelist()}
            assert len(tops) == 1, f"the bundle should unzip into one folder, not {sorted(tops)}"
            archive.extractall(tmp_path)
        return tmp_path / tops.pop()

    return unzip


@pytest.mark.parametrize("lang", languages())
@pytest.mark.browser
def test_bundle_works_from_the_file_system(chromium, unzipped, lang):
    site = unzipped(lang)
    for name in toc_pages():
        assert (site / f"{name}.html").is_file(), f"the bundle has no {name}.html"
        if offers_notebook(lang, name):
            assert (site / "_sources" / f"{name}.ipynb").is_file(), f"the bundle has no {name}.ipynb"
    assert (site / downloads().FOLDER / downloads().file_name(lang, "pdf")).is_file(), "the bundle has no PDF"
    # file:// has no site root: a path from the root would lead out of the bundle.
    rooted = re.compile(r"""(?:href|src)=["']/(?!/)""")
    for page in site.rglob("*.html"):
        assert not rooted.search(page.read_text(encoding="utf-8")), f"{page.relative_to(site)} uses a root path"
    # The bundle holds one language: its switch shows that one and leads to no other site.
    for name in toc_pages():
        navs = BeautifulSoup((site / f"{name}.html").read_text(encoding="utf-8"), "html.parser",
                             parse_only=SoupStrainer("nav"))  # the page's <nav>s only: a third of the time
        switch = navs.select_one("nav.language-switch")
        assert switch is not None, f"{name}.html of the bundle has no language switch"
        assert switch.select_one(f'[aria-current="page"][lang="{lang}"]') is not None, str(switch)
        assert not switch.select("a[href]"), f"{name}.html of the bundle links to another site: {switch}"

    tab = FileTab(chromium)
    try:
        for name in ("index", "linear_regression"):
            tab.open(site / f"{name}.html")
            assert tab.page.evaluate("document.documentElement.lang") == lang
        # Figures drawn; math drawn by the browser from the MathML written at build (book_ext/book_mathml.py),
        # with no math script: none loaded, none run, nothing it would have typeset.
        images = tab.page.evaluate("Array.from(document.querySelectorAll('article img')).map(i => i.naturalWidth)")
        assert images and all(images), f"figures not loaded from the bundle: {images}"
        scripts = tab.page.evaluate("Array.from(document.scripts).map(s => s.src).filter(src => src)")
        assert not [s for s in scripts if re.search(r"mathjax|katex", s, re.IGNORECASE)], scripts
        assert tab.page.evaluate("typeof window.MathJax") == "undefined", "MathJax runs on the bundle's page"
        assert tab.page.locator("mjx-container").count() == 0, "MathJax typeset the bundle's page"
        box = tab.page.locator("div.math > math, span.math > math").first.bounding_box()
        assert box and box["width"] > 10 and box["height"] > 5, f"no formula is drawn as MathML: {box}"
        # Search: the index is loaded by a script tag, which works from file://.
        query, expected = SEARCHES[lang]
        tab.open(site / "search.html", f"?q={quote(query)}")
        tab.page.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && s.innerText.trim().length > 0; }"
        )
        hits = tab.page.eval_on_selector_all("#search-results ul.search li a", "links => links.map(a => a.href)")
        assert hits, f"searching {query!r} in the {lang} bundle found nothing"
        assert all(h.startswith(site.as_uri()) for h in hits), f"results outside the bundle: {hits}"
        assert any(h.split("?")[0].split("#")[0].endswith("/" + expected) for h in hits), (
            f"searching {query!r} did not find {expected}: {hits}"
        )
        tab.assert_clean()
    finally:
        tab.context.close()
