"""book_ext/book_notebooks.py on a tiny Korean book (tests/roots/test-notebooks/): a notebook page gets its
notebook, opened by the learner's setup cell and without MyST markup, and the row of buttons under its
title; a page in book_notebook_exclude gets neither; a repository that is not on GitHub is a config error."""

from __future__ import annotations

import nbformat
import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ConfigError

from tests.bookinfo import ROOT

SETTINGS = {"extensions": ["myst_nb", "book_ext.book_i18n", "book_ext.book_notebooks"], "language": "ko",
            "book_languages": {"ko": {"name": "한국어", "fonts": ["Noto Sans CJK KR"],
                                      "font_package": "koreanize-matplotlib"}, "en": "English"},
            "source_suffix": {".md": "myst-nb"},  # as in tests/roots/test-a11y/conf.py
            "nb_execution_mode": "off", "templates_path": [str(ROOT / "_templates")],
            "book_repository_url": "https://github.com/org/book", "book_notebook_exclude": ["status"]}


@pytest.mark.sphinx("html", testroot="notebooks", confoverrides=SETTINGS)
@pytest.mark.test_params(shared_result="notebooks")
def test_a_notebook_page_offers_its_notebook_opened_by_the_setup_cell(book_app):
    book_app.build()
    assert not book_app.warning.getvalue(), book_app.warning.getvalue()
    nb = nbformat.read(book_app.outdir / "_sources" / "index.ipynb", as_version=4)
    nbformat.validate(nb)
    setup, *cells = nb.cells
    assert setup.metadata["tags"] == ["book-setup"] and "TESTED = {'tensorflow': " in setup.source
    assert "koreanize-matplotlib" in setup.source, "a page with figures installs the language's font package"
    markdown = "\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
    assert "(ko_start)=" not in markdown and "{ref}" not in markdown
    assert "이 페이지는 “시작”에서 시작합니다." in markdown
    assert [cell.source for cell in cells if cell.cell_type == "code"] == ["import matplotlib\n\nx = 1"]


@pytest.mark.sphinx("html", testroot="notebooks", confoverrides=SETTINGS)
@pytest.mark.test_params(shared_result="notebooks")
def test_the_buttons_under_the_title_run_download_and_show_the_page(book_app):
    book_app.build()
    page = BeautifulSoup((book_app.outdir / "index.html").read_text(encoding="utf-8"), "html.parser")
    buttons = page.select_one("h1 + .book-notebook-buttons")
    assert [a["href"] for a in buttons.select("a")] == [
        "https://colab.research.google.com/github/org/book/blob/gh-pages/ko/_sources/index.ipynb",
        "_sources/index.ipynb",
        "https://github.com/org/book/blob/main/pages/ko/index.md",  # the page in the repository
    ]
    excluded = (book_app.outdir / "status.html").read_text(encoding="utf-8")
    assert "book-notebook-buttons" not in excluded
    assert not (book_app.outdir / "_sources" / "status.ipynb").exists()


@pytest.mark.sphinx("html", testroot="notebooks", srcdir="notebooks-gitlab",
                    confoverrides={**SETTINGS, "book_repository_url": "https://gitlab.com/org/book"})
def test_a_repository_that_is_not_on_github_is_a_config_error(app_params, make_app):
    args, kwargs = app_params
    with pytest.raises(ConfigError, match="book_repository_url must be https://github.com/<org>/<repo>"):
        make_app(*args, **{**kwargs, "srcdir": kwargs["srcdir"] / "pages" / "ko"})
