"""The built site's notebooks: the download menu and the buttons under the title (Colab, the
notebook, the source), the pages that offer none, the footer stamp of the TensorFlow and Keras that
executed a page, and the first page's install commands for following along.

Reads the build in tests.bookinfo.BUILD_HTML, as test_site.py does.
"""

from __future__ import annotations

import os
import re
from importlib import metadata

import nbformat
import pytest

from book_ext.book_page import read_page
from tests.bookinfo import (
    BOOK,
    HANGUL,
    ROOT,
    config,
    lang_of,
    languages,
    load_ext,
    name_of,
    offers_notebook,
    resolve,
    site_pages,
)


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
