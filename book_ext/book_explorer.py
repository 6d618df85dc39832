"""Load the gradient-descent explorer's script and stylesheet on the pages that show one.

A page shows an explorer when one of its code cells outputs ``<div class="gd-explorer">``
(the learning-rate and SGD pages). ``_static/gd_explorer.js`` and ``_static/gd_explorer.css``
are added to those pages only: ``app.add_js_file`` called during ``html-page-context`` adds
the file to the page being written, and Sphinx forgets it for the next page. Every other page
stays as light as before. ``_static/`` is copied by Sphinx already (``html_static_path``).

Jupyter Book 1 adds every ``*.js`` and ``*.css`` file under ``_static/`` to ``html_js_files`` and
``html_css_files``, that is, to every page. At ``config-inited`` this extension takes the
explorer's two files out of those lists again.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.config import Config

MARKER = 'class="gd-explorer"'
SCRIPT = "gd_explorer.js"
STYLESHEET = "gd_explorer.css"


def has_explorer(body: str) -> bool:
    return MARKER in body


def _name(entry) -> str:
    """An entry of html_js_files / html_css_files: a file name, or (name, attributes)."""
    return entry if isinstance(entry, str) else entry[0]


def keep_off_other_pages(app: Sphinx, config: Config) -> None:
    config.html_js_files = [e for e in config.html_js_files if _name(e) != SCRIPT]
    config.html_css_files = [e for e in config.html_css_files if _name(e) != STYLESHEET]


def add_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if has_explorer(context.get("body") or ""):
        app.add_js_file(SCRIPT, loading_method="defer")
        app.add_css_file(STYLESHEET)


def setup(app: Sphinx) -> dict:
    # Before Sphinx turns the lists into (name, attributes) pairs (priority 800).
    app.connect("config-inited", keep_off_other_pages, priority=400)
    app.connect("html-page-context", add_assets)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
