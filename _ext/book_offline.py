"""Keep every page free of requests to other sites: no Thebe, no CDN assets.

Jupyter Book 1 always loads the ``sphinx_thebe`` extension, whatever ``launch_buttons.thebe``
says, and sphinx-thebe adds to every page, unconditionally:

- an inline script ``const THEBE_JS_URL = "https://unpkg.com/thebe@.../index.js"; ...``
  (twice under Jupyter Book 1, which makes Chromium log "Identifier 'THEBE_JS_URL' has
  already been declared"), ``sphinx-thebe.js`` and ``sphinx-thebe.css``;
- a ``<script type="text/x-thebe-config">`` block pointing at mybinder.org, appended to
  every doctree.

sphinx-thebe has no setting that turns this off, and the extension list of Jupyter Book 1
cannot drop it from ``_config.yml``. So once every extension is loaded, this extension
disconnects sphinx-thebe's event handlers and removes its stylesheet. The ``thebe-button``
directive stays registered (a page that used it would still build), but nothing of Thebe
reaches the pages. The book offers "Open in Colab" and a notebook download instead
(book_notebooks.py).

It also cuts Font Awesome down to the icons the site uses. The theme loads
``_static/scripts/fontawesome.js``, the whole icon set (about 1.5 MB), on every page, to draw a
dozen icons. At build-finished the file is rewritten with only the icons named (``fa-<name>``)
in the built HTML or in the site's other scripts, which keeps each page light.

It also warns (an error under ``-W``) when any extension or setting adds a script or a
stylesheet that lives on another site, so that a new CDN asset fails the build instead of
the offline tests.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

THEBE_MODULE = "sphinx_thebe"
THEBE_ASSETS = {"sphinx-thebe.css", "sphinx-thebe.js"}


def drop_thebe(app: Sphinx, config: Config) -> None:
    dropped = 0
    for listeners in app.events.listeners.values():
        for listener in list(listeners):
            if getattr(listener.handler, "__module__", "") == THEBE_MODULE:
                app.disconnect(listener.id)
                dropped += 1
    app.registry.css_files = [(f, a) for f, a in app.registry.css_files if f not in THEBE_ASSETS]
    app.registry.js_files = [(f, a) for f, a in app.registry.js_files if f not in THEBE_ASSETS]
    if dropped:
        logger.verbose("[book_offline] removed %d sphinx-thebe event handlers", dropped)


_reported: set[str] = set()


def is_remote(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "//"))


def warn_about_remote_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    for key in ("script_files", "css_files"):
        for asset in context.get(key, []):
            uri = str(getattr(asset, "filename", asset) or "")
            if is_remote(uri) and uri not in _reported:
                _reported.add(uri)
                logger.warning(
                    "[book_offline] %s loads %s from another site; the book must work offline", pagename, uri
                )


FONTAWESOME = Path("_static") / "scripts" / "fontawesome.js"
# One icon in Font Awesome's bundle: "name":[width,height,[aliases],"unicode",path or [paths]]
# (minified: a name that is a plain identifier has no quotes).
ICON = re.compile(
    r'(?:"(?P<quoted>[a-z0-9-]+)"|\b(?P<bare>[a-z][a-z0-9]*)):\[\d+,\d+,\[(?P<aliases>[^\]]*)\],'
    r'"[0-9a-f]*",(?:"[^"]*"|\[(?:"[^"]*",?)*\])\],?'
)
ICON_NAME = re.compile(r"\bfa-([a-z0-9-]+)")


def used_icon_names(outdir: Path) -> set[str]:
    """Every fa-<name> in the built pages and in the site's scripts other than Font Awesome."""
    names: set[str] = set()
    for path in outdir.rglob("*"):
        if path.suffix in {".html", ".js"} and path.is_file() and path.name != FONTAWESOME.name:
            names.update(ICON_NAME.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return names


def subset_fontawesome(js: str, keep: set[str]) -> str:
    """Font Awesome's bundle with only the icons whose name or alias is in keep."""

    def one(match: re.Match) -> str:
        aliases = set(re.findall(r'"([a-z0-9-]+)"', match["aliases"]))
        name = match["quoted"] or match["bare"]
        return match[0] if ({name} | aliases) & keep else ""

    return ICON.sub(one, js)


def shrink_fontawesome(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    path = outdir / FONTAWESOME
    if not path.exists():
        return
    original = path.read_text(encoding="utf-8")
    smaller = subset_fontawesome(original, used_icon_names(outdir))
    path.write_text(smaller, encoding="utf-8")
    logger.info("[book_offline] fontawesome.js: %d -> %d bytes", len(original), len(smaller))


def setup(app: Sphinx) -> dict:
    # config-inited is emitted after every extension's setup(), whatever their order.
    app.connect("config-inited", drop_thebe)
    app.connect("html-page-context", warn_about_remote_assets)
    app.connect("build-finished", shrink_fontawesome)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
