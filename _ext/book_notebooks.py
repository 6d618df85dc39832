"""For learners: every page as a notebook, "Open in Colab", and what executed it.

For each notebook page of a language's site this extension

- writes ``_sources/<name>.ipynb``: the notebook that myst-nb executed for the page (with
  its outputs), or, when myst-nb left none, the page converted by jupytext. Outputs the page
  hides (``remove-output``, ``remove-stderr``, ``remove-stdout``) are dropped, as are MyST
  labels and role markup that a notebook front-end would show as raw text. Naming it in the
  page context (``ipynb_source``) makes sphinx-book-theme's download menu offer it;
- adds "Colab" to the theme's launch menu. Colab opens notebooks from GitHub, so the link
  points at the copy the deploy workflow publishes on the Pages branch:
  ``https://colab.research.google.com/github/<org>/<repo>/blob/<branch>/<lang>/_sources/<name>.ipynb``.
  The repository is ``book_repository_url`` when _config.yml sets it, else the one being
  built: ``GITHUB_REPOSITORY`` in GitHub Actions (a fork links to itself), else ``git remote
  get-url origin``. With none of them the pages get no Colab link, and the build says why;
- gives the footer template ``book-stamp.html`` the TensorFlow and Keras versions that
  executed the page (read with importlib.metadata from the build's environment, which is
  also the kernel's) and the date of the execution, in the site's language (Babel).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import subprocess
from importlib import metadata
from pathlib import Path

import nbformat
from babel.core import UnknownLocaleError
from babel.dates import format_date
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.locale import get_translation
from sphinx.util import logging

from .book_page import plain_markdown

logger = logging.getLogger(__name__)

COLAB = "https://colab.research.google.com/github"

_ = get_translation("book")
DISTRIBUTIONS = {
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tf-nightly"),
    "keras": ("keras", "keras-nightly"),
}

NOTEBOOK_METADATA = {"kernelspec", "language_info", "widgets"}


@functools.cache
def version_of(name: str) -> str:
    for dist in DISTRIBUTIONS[name]:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return "?"


GITHUB_URL = re.compile(r"^(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
                        r"(?P<org>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?$")


def github_repo(url: str) -> tuple[str, str] | None:
    """(org, repo) of a GitHub repository URL (https or ssh), or None if it is not one."""
    match = GITHUB_URL.match(url.strip())
    return (match["org"], match["repo"]) if match else None


def git_origin(srcdir: str) -> str:
    try:
        result = subprocess.run(["git", "remote", "get-url", "origin"], cwd=srcdir, capture_output=True,
                                text=True, check=False, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def find_repository(configured: str, environ: dict, origin: str) -> tuple[tuple[str, str] | None, str]:
    """The repository the Colab links open, and where it came from (or why there is none)."""
    if configured:
        repo = github_repo(configured)
        if repo is None:
            raise ConfigError(f"book_repository_url must be https://github.com/<org>/<repo>, got {configured!r}")
        return repo, "book_repository_url in _config.yml"
    if environ.get("GITHUB_REPOSITORY", "").count("/") == 1:
        org, name = environ["GITHUB_REPOSITORY"].split("/")
        return (org, name), "GITHUB_REPOSITORY"
    if origin:
        repo = github_repo(origin)
        if repo is not None:
            return repo, "git remote origin"
        return None, f"the git remote origin ({origin}) is not on GitHub"
    return None, "no book_repository_url, no GITHUB_REPOSITORY and no git remote origin"


def check_config(app: Sphinx, config: Config) -> None:
    if not config.book_pages_branch:
        raise ConfigError("book_pages_branch must name the branch that holds the published site")
    repo, why = find_repository(config.book_repository_url, dict(os.environ), git_origin(app.srcdir))
    app.env_book_repository = repo  # read by colab_url
    if repo is None:
        logger.info("[book_notebooks] no 'Open in Colab' links: %s", why)
    else:
        logger.info("[book_notebooks] 'Open in Colab' opens notebooks of github.com/%s/%s (from %s)", *repo, why)


def colab_url(app: Sphinx, pagename: str) -> str | None:
    repo = getattr(app, "env_book_repository", None)
    if repo is None:
        return None
    org, name = repo
    return f"{COLAB}/{org}/{name}/blob/{app.config.book_pages_branch}/{app.config.language}/_sources/{pagename}.ipynb"


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
            cell.source = plain_markdown(cell.source)
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
    """Write <outdir>/_sources/<pagename>.ipynb; return the page's execution data from myst-nb, if any."""
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
    target = Path(app.outdir, "_sources", *f"{pagename}.ipynb".split("/"))
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


def long_date(day: dt.date, lang: str) -> str:
    """The date as the site's language writes it (Babel; English for a language Babel lacks)."""
    try:
        return format_date(day, format="long", locale=lang)
    except (UnknownLocaleError, ValueError):
        return format_date(day, format="long", locale="en")


def stamp(lang: str, exec_data: dict | None) -> dict:
    """What the footer template book-stamp.html says: versions, and when the page was executed."""
    executed = bool(exec_data and exec_data.get("succeeded") and exec_data.get("mtime"))
    day = dt.datetime.fromtimestamp(exec_data["mtime"], dt.UTC).date() if executed else build_date()
    if executed:
        sentence = _("The outputs on this page were produced by TensorFlow {tf} and Keras {keras} on {date}.")
    else:
        sentence = _("This page was built with TensorFlow {tf} and Keras {keras} on {date}.")
    tf, keras = version_of("tensorflow"), version_of("keras")
    before, _sep, after = sentence.format(tf=tf, keras=keras, date="\0").partition("\0")
    return {"tensorflow": tf, "keras": keras, "executed": executed, "iso": day.isoformat(),
            "date": long_date(day, lang), "before": before, "after": after}


def add_notebook(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Before the theme builds its menus (priority 501): the notebook, for the download menu."""
    if doctree is None or not app.env.metadata.get(pagename, {}).get("kernelspec"):
        return
    context["book_exec_data"] = write_notebook(app, pagename)
    context["ipynb_source"] = f"{pagename}.ipynb"


def add_colab_and_stamp(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """After the theme built its menus: Colab in the launch menu, and the stamp for the footer."""
    if "ipynb_source" not in context:
        return
    context["book_stamp"] = stamp(app.config.language, context.get("book_exec_data"))
    url = colab_url(app, pagename)
    if url is None:
        return
    colab = {
        "type": "link",
        "text": "Colab",
        "tooltip": _("Open this page as a notebook in Google Colab"),
        "icon": "_static/images/logo_colab.png",
        "url": url,
        "label": "colab-button",
    }
    buttons = context.setdefault("header_buttons", [])
    group = next((b for b in buttons if b.get("label") == "launch-buttons"), None)
    if group is None:
        group = {"type": "group", "tooltip": _("Launch interactive content"), "icon": "fas fa-rocket",
                 "buttons": [], "label": "launch-buttons"}
        buttons.insert(1 if buttons else 0, group)
    group["buttons"].append(colab)


def setup(app: Sphinx) -> dict:
    # Where the book lives on GitHub (empty: found at build), and the branch its site is published on.
    app.add_config_value("book_repository_url", "", "html", [str])
    app.add_config_value("book_pages_branch", "gh-pages", "html", [str])
    app.connect("config-inited", check_config)
    app.connect("html-page-context", add_notebook, priority=400)
    app.connect("html-page-context", add_colab_and_stamp, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2"}
