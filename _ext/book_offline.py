"""Keep every page free of requests to other sites, and light.

The extension list in ``_config.yml`` leaves out what Jupyter Book 1 loads by default and
what would fetch from other sites (sphinx-thebe, sphinx-comments). This extension guards
the rest:

- it warns (an error under ``-W``) when any extension or setting adds a script or a
  stylesheet that lives on another site, so that a new CDN asset fails the build instead of
  the offline tests;
- it cuts Font Awesome down to the icons the site uses. The theme loads
  ``_static/scripts/fontawesome.js``, the whole icon set (about 1.5 MB), on every page, to
  draw a dozen icons. At build-finished the file is rewritten with only the icons named
  (``fa-<name>``) in the built HTML or in the site's other scripts.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

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
    app.connect("html-page-context", warn_about_remote_assets)
    app.connect("build-finished", shrink_fontawesome)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
