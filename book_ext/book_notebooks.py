"""For learners: every page as a notebook, "Open in Colab", and what executed it.

For each notebook page of a language's site this extension

- writes ``_sources/<name>.ipynb``: the notebook that myst-nb executed for the page (with
  its outputs), or, when myst-nb left none, the page converted by jupytext. Outputs the page
  hides (``remove-output``, ``remove-stderr``, ``remove-stdout``) are dropped, as are MyST
  labels and role markup that a notebook front-end would show as raw text. Naming it in the
  page context (``ipynb_source``) makes sphinx-book-theme's download menu offer it;
- opens the notebook with one cell for learners (``setup_cell``): it prints the learner's
  TensorFlow and Keras beside the versions this build ran, and, in a language whose figures need
  a font that a plain Colab runtime lacks (``font_package`` of the language in
  ``book_languages``: koreanize-matplotlib for Korean), installs that package when none of the
  language's ``fonts`` is installed. The site keeps its own font;
- puts a row of buttons under the title of every page that offers a notebook, in the page's
  language (``_templates/notebook-buttons.html``), as tensorflow.org's tutorials have them:
  "Run in Google Colab", "Download notebook", "View source on GitHub". Colab opens notebooks
  from GitHub, so its link points at the copy the deploy workflow publishes on the Pages branch:
  ``https://colab.research.google.com/github/<org>/<repo>/blob/<branch>/<lang>/_sources/<name>.ipynb``.
  The repository is ``book_repository_url`` when _config.yml sets it, else the one being
  built: ``GITHUB_REPOSITORY`` in GitHub Actions (a fork links to itself), else ``git remote
  get-url origin``. With none of them the pages get no Colab or GitHub button, and the build
  says why. A page that cannot run outside the book (``book_notebook_exclude``: the execution
  report, the translation status) offers no notebook at all;
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
from typing import cast

import nbformat
from babel.core import UnknownLocaleError
from babel.dates import format_date
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.domains.std import StandardDomain
from sphinx.errors import ConfigError
from sphinx.locale import get_translation
from sphinx.util import logging

from . import theme_buttons
from .book_notebook_markdown import notebook_markdown

logger = logging.getLogger(__name__)

COLAB = "https://colab.research.google.com/github"
BUTTONS_TEMPLATE = "notebook-buttons.html"

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


@functools.cache
def git_origin(srcdir: str) -> str:
    """The URL of the git remote ``origin`` of the checkout holding ``srcdir``, or "". Asked once per folder and
    process: the Colab links and the site's address (book_discovery) both need it."""
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
    setattr(app, "env_book_repository", repo)  # noqa: B010 -- read by colab_url and source_url
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


def clean_notebook(nb: nbformat.NotebookNode, drop_all_stderr: bool,
                   title_of=None, labels: dict | None = None) -> nbformat.NotebookNode:
    """Drop what the page hides, and the MyST markup a notebook front-end cannot render
    (``notebook_markdown``: references by ``title_of``, admonitions with ``labels``)."""
    # Only what a notebook front-end uses; jupytext pairing, myst-nb's source map and the
    # page's front matter (translation records, ...) mean nothing outside the book.
    for key in list(nb.metadata):
        if key not in NOTEBOOK_METADATA:
            del nb.metadata[key]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = notebook_markdown(cell.source, title_of, labels)
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


def language_entry(app: Sphinx) -> dict:
    from .book_i18n import language_entries, site_language

    return language_entries(app.config).get(site_language(app.config), {})


SETUP_TEMPLATE = "notebook-setup-cell.py.jinja"


def setup_cell(app: Sphinx, uses_figures: bool) -> nbformat.NotebookNode:
    """The learner's first code cell: their versions beside this build's, and the font package the
    language's figures need where none of its fonts is installed (Colab has none)."""
    tested = {"tensorflow": version_of("tensorflow"), "keras": version_of("keras")}
    entry = language_entry(app)
    package, names = entry.get("font_package"), list(entry.get("fonts") or [])
    font = None
    if uses_figures and package and names:
        font = {"package": repr(package), "module": package.replace("-", "_"), "names": repr(names)}
    text = {
        "tested": _("This notebook was run with TensorFlow {tf} and Keras {keras}.").format(
            tf=tested["tensorflow"], keras=tested["keras"]),
        "missing": repr(_("not installed: pip install {package}")),
        "versions": repr(_("{package} {mine} (this book was run with {tested})")),
        "font": _("Figures need a font for their labels; where none is installed (as in Colab), "
                  "install {package}.").format(package=package),
        "adds": _("adds its font to matplotlib"),
    }
    # Python literals (repr), so that Hangul stays readable in the learner's notebook.
    source = app.builder.templates.render(SETUP_TEMPLATE, {"tested": repr(tested), "font": font, "text": text})
    cell = nbformat.v4.new_code_cell(source.strip() + "\n")
    cell.metadata["tags"] = ["book-setup"]
    return cell


def with_setup_cell(app: Sphinx, nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with setup_cell() first, before the page's title."""
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    nb.cells.insert(0, setup_cell(app, "matplotlib" in code))
    return nb


def title_of(app: Sphinx, quote: str, role: str, target: str) -> str | None:
    """What a reference shows on the site, a label's section title or a document's title, in the
    language's quotation marks (``quote``: "“{title}”"), as running text needs them without a link."""
    target, title = target.strip(), None
    if role in ("ref", "numref"):
        found = cast(StandardDomain, app.env.get_domain("std")).labels.get(target.lower())
        title = found[2] if found and found[2] else None
    elif role == "doc":
        node = app.env.titles.get(target.lstrip("/").removesuffix(".md"))
        title = node.astext() if node is not None else None
    return quote.format(title=title) if title else None


def write_notebook(app: Sphinx, pagename: str) -> dict | None:
    """Write <outdir>/_sources/<pagename>.ipynb; return the page's execution data from myst-nb, if any."""
    nb_config = getattr(app.env, "mystnb_config", None)
    executed = executed_notebook(app, pagename)
    if executed is not None:
        nb = nbformat.read(executed, as_version=4)
        if nb_config is not None and getattr(nb_config, "execution_mode", None) == "cache":
            nb = merge_cached_outputs(nb, nb_config.execution_cache_path)
    else:
        import jupytext

        nb = jupytext.read(app.env.doc2path(pagename))
    drop_all_stderr = getattr(nb_config, "output_stderr", "show") in ("remove", "remove-warn")
    labels = {"note": _("Note"), "warning": _("Warning"), "tip": _("Tip"), "important": _("Important")}
    quoted = functools.partial(title_of, app, _("“{title}”"))
    nb = with_setup_cell(app, clean_notebook(nb, drop_all_stderr, quoted, labels))
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
    day = dt.datetime.fromtimestamp(exec_data["mtime"], dt.UTC).date() if exec_data and executed else build_date()
    if executed:
        sentence = _("The outputs on this page were produced by TensorFlow {tf} and Keras {keras} on {date}.")
    else:
        sentence = _("This page was built with TensorFlow {tf} and Keras {keras} on {date}.")
    tf, keras = version_of("tensorflow"), version_of("keras")
    before, _sep, after = sentence.format(tf=tf, keras=keras, date="\0").partition("\0")
    return {"tensorflow": tf, "keras": keras, "executed": executed, "iso": day.isoformat(),
            "date": long_date(day, lang), "before": before, "after": after}


def add_notebook(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Before the theme builds its menus (priority 501): the notebook, for the download menu, and
    the stamp for the footer."""
    if doctree is None or not offers_notebook(app, pagename):
        return
    context["book_stamp"] = stamp(app.config.language, write_notebook(app, pagename))
    theme_buttons.offer_notebook(context, f"{pagename}.ipynb")


def offers_notebook(app: Sphinx, docname: str) -> bool:
    """A notebook page that runs outside the book (not in ``book_notebook_exclude``)."""
    return bool(app.env.metadata.get(docname, {}).get("kernelspec")) and docname not in app.config.book_notebook_exclude


def source_url(app: Sphinx, docname: str) -> str | None:
    repo = getattr(app, "env_book_repository", None)
    if repo is None:
        return None
    from .book_i18n import book_dir

    org, name = repo
    page = Path(app.env.doc2path(docname)).relative_to(book_dir(app).parent).as_posix()
    return f"https://github.com/{org}/{name}/blob/{app.config.book_source_branch}/{page}"


def buttons(app: Sphinx, docname: str) -> list[dict]:
    """The buttons under the title of ``docname``: Colab and GitHub where the repository is known."""
    up = "../" * docname.count("/")
    found: list[dict[str, object]] = []
    colab = colab_url(app, docname)
    if colab:
        found.append({"text": _("Run in Google Colab"), "url": colab, "image": f"{up}_static/images/logo_colab.png"})
    found.append({"text": _("Download notebook"), "url": f"{up}_sources/{docname}.ipynb", "download": True,
                  "icon": "fa-solid fa-download"})
    source = source_url(app, docname)
    if source:
        found.append({"text": _("View source on GitHub"), "url": source, "icon": "fa-brands fa-github"})
    return found


def insert_buttons(app: Sphinx, doctree, docname: str) -> None:
    """The row of buttons (``_templates/notebook-buttons.html``) right under the page's title."""
    if app.builder.name != "html" or not offers_notebook(app, docname):
        return
    title = next(iter(doctree.findall(nodes.title)), None)
    if title is None:
        return
    html = app.builder.templates.render(BUTTONS_TEMPLATE, {"buttons": buttons(app, docname),
                                                           "label": _("Run this page as a notebook")})
    title.parent.insert(title.parent.index(title) + 1, nodes.raw("", html, format="html"))


def setup(app: Sphinx) -> dict:
    # Where the book lives on GitHub (empty: found at build), and the branch its site is published on.
    app.add_config_value("book_repository_url", "", "html", [str])
    app.add_config_value("book_pages_branch", "gh-pages", "html", [str])
    # The branch whose book/<lang>/<page>.md "View source on GitHub" shows.
    app.add_config_value("book_source_branch", "main", "html", [str])
    # Pages that cannot run outside the book: no notebook, no buttons.
    app.add_config_value("book_notebook_exclude", [], "html", [list])
    app.connect("config-inited", check_config)
    app.connect("doctree-resolved", insert_buttons)
    app.connect("html-page-context", add_notebook, priority=theme_buttons.BEFORE_THEME)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2"}
