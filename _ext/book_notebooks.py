"""For learners: every page as a notebook, an "Open in Colab" link, and what executed it.

For each page ``book/<lang>/<name>.md`` this extension

- writes ``<name>.ipynb`` next to ``<name>.html`` in the HTML output: the notebook that
  myst-nb executed for the page (with its outputs), or, when myst-nb left none, the page
  converted by jupytext. Outputs the page hides (``remove-output``, ``remove-stderr``,
  ``remove-stdout``) are dropped, as are MyST labels and role markup that a notebook
  front-end would show as raw text;
- links to that notebook ("Download .ipynb") and to the same notebook in Google Colab.
  Colab opens notebooks from GitHub, so the link points at the copy that the deploy
  workflow publishes on the Pages branch of the repository:
  ``https://colab.research.google.com/github/<org>/<repo>/blob/<branch>/book/<lang>/<name>.ipynb``
  with ``book_repository_url`` and ``book_pages_branch`` from ``_config.yml``;
- stamps the page with the TensorFlow and Keras versions that executed it (read with
  importlib.metadata from the build's environment, which is also the kernel's) and the
  date of the execution, in the page's language.

The links and the stamp are handed to book_i18n.py (context key ``book_page_tools``),
which places them next to the language switch at the top of the article.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import os
import re
from importlib import metadata
from pathlib import Path
from urllib.parse import urlparse

import nbformat
from book_i18n import page_language
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging

logger = logging.getLogger(__name__)

COLAB = "https://colab.research.google.com/github"

MONTHS = "January February March April May June July August September October November December".split()

TEXT = {
    "ko": {
        "tools": "노트북",
        "colab": "Colab에서 열기",
        "colab_title": "이 페이지의 노트북을 Google Colab에서 엽니다",
        "ipynb": "노트북 내려받기 (.ipynb)",
        "ipynb_title": "이 페이지를 주피터 노트북 파일로 내려받습니다",
        "executed": "이 페이지의 출력은 TensorFlow {tf}, Keras {keras} 환경에서 {date}에 실행한 결과입니다.",
        "built": "이 페이지는 TensorFlow {tf}, Keras {keras} 환경에서 {date}에 빌드했습니다. "
        "이번 빌드에서는 코드를 실행하지 않았습니다.",
        "date": lambda d: f"{d.year}년 {d.month}월 {d.day}일",
    },
    "en": {
        "tools": "Notebook",
        "colab": "Open in Colab",
        "colab_title": "Open this page as a notebook in Google Colab",
        "ipynb": "Download .ipynb",
        "ipynb_title": "Download this page as a Jupyter notebook",
        "executed": "The outputs on this page were produced by TensorFlow {tf} and Keras {keras} on {date}.",
        "built": "This page was built with TensorFlow {tf} and Keras {keras} on {date}; "
        "its code was not executed in this build.",
        "date": lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
    },
}

DISTRIBUTIONS = {
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tf-nightly"),
    "keras": ("keras", "keras-nightly"),
}

NOTEBOOK_METADATA = {"kernelspec", "language_info", "widgets"}

_label_line = re.compile(r"^\([\w.:-]+\)=[ \t]*\n", re.MULTILINE)
_titled_role = re.compile(r"\{[\w:-]+\}`([^`<]+?)\s*<[^`>]+>`")
_plain_role = re.compile(r"\{(?:doc|ref|numref|term|eq)\}(`[^`]+`)")


def text(lang: str) -> dict:
    return TEXT.get(lang, TEXT["en"])


@functools.cache
def version_of(name: str) -> str:
    for dist in DISTRIBUTIONS[name]:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return "?"


def github_repo(url: str) -> tuple[str, str] | None:
    """(org, repo) of a https://github.com/<org>/<repo> URL, or None if the URL is empty."""
    if not url:
        return None
    parsed = urlparse(url)
    parts = [p for p in parsed.path.split("/") if p]
    if parsed.netloc != "github.com" or len(parts) != 2:
        raise ConfigError(f"book_repository_url must look like https://github.com/<org>/<repo>, got {url!r}")
    org, repo = parts
    return org, repo.removesuffix(".git")


def check_config(app: Sphinx, config: Config) -> None:
    github_repo(config.book_repository_url)
    if not config.book_pages_branch:
        raise ConfigError("book_pages_branch must name the branch that holds the published site")


def colab_url(app: Sphinx, pagename: str) -> str | None:
    repo = github_repo(app.config.book_repository_url)
    if repo is None:
        return None
    org, name = repo
    return f"{COLAB}/{org}/{name}/blob/{app.config.book_pages_branch}/{pagename}.ipynb"


def executed_notebook(app: Sphinx, pagename: str) -> Path | None:
    nb_config = getattr(app.env, "mystnb_config", None)
    folder = getattr(nb_config, "output_folder", None) or Path(app.outdir).parent / "jupyter_execute"
    path = Path(folder, *f"{pagename}.ipynb".split("/"))
    return path if path.is_file() else None


def merge_cached_outputs(nb: nbformat.NotebookNode, cache_path: str | None) -> nbformat.NotebookNode:
    """The outputs of ``nb`` from jupyter-cache.

    With ``execute_notebooks: cache``, myst-nb 1.4 renders the page from the cached,
    executed notebook but writes the notebook it read (without outputs) to
    jupyter_execute/; the same merge that myst-nb does gives the executed notebook back.
    """
    if not cache_path or not Path(cache_path).is_dir():
        return nb
    from jupyter_cache import get_cache

    try:
        _, merged = get_cache(cache_path).merge_match_into_notebook(nb)
    except KeyError:  # not in the cache: the build executed it, and the file has its outputs
        return nb
    return merged


def clean_notebook(nb: nbformat.NotebookNode, drop_all_stderr: bool) -> nbformat.NotebookNode:
    """Drop what the page hides, and the MyST markup a notebook front-end cannot render."""
    # Only what a notebook front-end uses; jupytext pairing, myst-nb's source map and the
    # page's front matter (translation records, ...) mean nothing outside the book.
    for key in list(nb.metadata):
        if key not in NOTEBOOK_METADATA:
            del nb.metadata[key]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            source = _label_line.sub("", cell.source)
            source = _titled_role.sub(r"\1", source)
            cell.source = _plain_role.sub(r"\1", source)
        if cell.cell_type != "code":
            continue
        tags = set(cell.metadata.get("tags", []))
        if "remove-output" in tags:
            cell.outputs = []
            continue
        hidden = set()
        if drop_all_stderr or "remove-stderr" in tags:
            hidden.add("stderr")
        if "remove-stdout" in tags:
            hidden.add("stdout")
        cell.outputs = [
            out for out in cell.outputs if not (out.output_type == "stream" and out.get("name") in hidden)
        ]
    nb.cells = [cell for cell in nb.cells if cell.cell_type != "markdown" or cell.source.strip()]
    return nb


def write_notebook(app: Sphinx, pagename: str) -> dict | None:
    """Write <outdir>/<pagename>.ipynb; return the page's execution data from myst-nb, if any."""
    nb_config = getattr(app.env, "mystnb_config", None)
    executed = executed_notebook(app, pagename)
    if executed is not None:
        nb = nbformat.read(executed, as_version=4)
        if getattr(nb_config, "execution_mode", None) == "cache":
            nb = merge_cached_outputs(nb, nb_config.execution_cache_path)
    else:
        import jupytext

        nb = jupytext.read(app.env.doc2path(pagename))
    drop_all_stderr = getattr(nb_config, "output_stderr", "show") in ("remove", "remove-warn")
    nb = clean_notebook(nb, drop_all_stderr)
    nbformat.validate(nb)
    target = Path(app.outdir, *f"{pagename}.ipynb".split("/"))
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)

    from myst_nb.sphinx_ import NbMetadataCollector

    try:
        return NbMetadataCollector.get_exec_data(app.env, pagename)
    except KeyError:
        return None


def build_date() -> dt.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch else dt.datetime.now(dt.UTC)
    return when.date()


def stamp_html(lang: str, exec_data: dict | None) -> str:
    words = text(lang)
    executed = bool(exec_data and exec_data.get("succeeded") and exec_data.get("mtime"))
    if executed:
        day = dt.datetime.fromtimestamp(exec_data["mtime"], dt.UTC).date()
    else:
        day = build_date()
    tf, keras = version_of("tensorflow"), version_of("keras")
    date_html = f'<time datetime="{day.isoformat()}">{html.escape(words["date"](day))}</time>'
    sentence = words["executed" if executed else "built"].format(
        tf=html.escape(tf), keras=html.escape(keras), date="{date}"
    )
    return (
        f'<p class="book-build-stamp" data-tensorflow="{html.escape(tf)}" data-keras="{html.escape(keras)}" '
        f'data-executed="{str(executed).lower()}">' + sentence.replace("{date}", date_html) + "</p>"
    )


def tools_html(app: Sphinx, pagename: str, lang: str, exec_data: dict | None) -> str:
    words = text(lang)
    name = pagename.rsplit("/", 1)[-1]
    links = []
    colab = colab_url(app, pagename)
    if colab:
        links.append(
            f'<a class="book-colab-link" href="{html.escape(colab)}" target="_blank" rel="noopener" '
            f'title="{html.escape(words["colab_title"])}">{html.escape(words["colab"])}</a>'
        )
    links.append(
        f'<a class="book-ipynb-link" href="{html.escape(name)}.ipynb" download '
        f'type="application/x-ipynb+json" title="{html.escape(words["ipynb_title"])}">'
        f"{html.escape(words['ipynb'])}</a>"
    )
    return (
        f'<nav class="book-notebook-links" aria-label="{html.escape(words["tools"])}">'
        + "".join(links)
        + "</nav>"
        + stamp_html(lang, exec_data)
    )


def on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    lang = page_language(app, pagename)
    if lang is None or doctree is None:
        return
    exec_data = write_notebook(app, pagename)
    context["book_page_tools"] = tools_html(app, pagename, lang, exec_data)


def setup(app: Sphinx) -> dict:
    app.setup_extension("book_i18n")
    # Where the book lives on GitHub, and the branch its built site is published on.
    app.add_config_value("book_repository_url", "", "html", [str])
    app.add_config_value("book_pages_branch", "gh-pages", "html", [str])
    app.connect("config-inited", check_config)
    # Before book_i18n (priority 500), which places context["book_page_tools"].
    app.connect("html-page-context", on_html_page_context, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
