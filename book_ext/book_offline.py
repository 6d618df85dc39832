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
  (``fa-<name>``) in the built HTML or in the site's other scripts. The theme's stylesheet
  also draws a few icons itself (admonition titles, ...) with the solid icon font
  (``fa-solid-900.woff2``, 0.16 MB, loaded by every page): that font is subset with fontTools
  to the glyphs the stylesheets and the named icons use, and the stylesheet points at it;
- it stores the figures of the pages (``_images/*.png``, drawn by matplotlib at build) with a
  256-colour palette, about a third of their size, which a plot on a white ground does not
  show.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

def is_remote(uri: str) -> bool:
    return uri.startswith(("http://", "https://", "//"))


def warn_about_remote_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """One warning per asset from another site, located at the first page that loads it."""
    for key in ("script_files", "css_files"):
        for asset in context.get(key, []):
            uri = str(getattr(asset, "filename", asset) or "")
            if is_remote(uri):
                logger.warning("[book_offline] %s is loaded from another site; the book must work offline", uri,
                               location=(pagename, None), once=True)


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


THEME_CSS = Path("_static") / "styles" / "pydata-sphinx-theme.css"
ICON_FONT = Path("_static") / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.ttf"
SUBSET_FONT = "fa-solid-900.subset.woff"
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
# .fa-bars:before,.fa-navicon:before{content:"\f0c9"}
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]+)"\}')
SOLID_FACE = re.compile(
    r'(font-family:Font Awesome\\ 6 Free;font-style:normal;font-weight:900;src:)'
    r'url\([^)]*fa-solid-900\.woff2\) format\("woff2"\),url\([^)]*fa-solid-900\.ttf\) format\("truetype"\)'
)


def icon_glyphs(outdir: Path, css: str) -> set[int]:
    """Code points of the icon font that the site can draw: literal icons in its stylesheets,
    and the glyphs of the fa-<name> classes its pages name."""
    needed: set[int] = set()
    for sheet in outdir.glob("_static/**/*.css"):
        needed.update(ord(ch) for ch in PRIVATE_USE.findall(sheet.read_text(encoding="utf-8", errors="ignore")))
    used = used_icon_names(outdir)
    for selectors, code in ICON_RULE.findall(css):
        if used & set(re.findall(r"\.fa-([a-z0-9-]+):before", selectors)):
            needed.add(int(code, 16))
    return needed


def subset_icon_font(outdir: Path) -> tuple[int, int] | None:
    """Subset the solid icon font to the glyphs the site uses; point the theme's @font-face at it."""
    css_path, ttf = outdir / THEME_CSS, outdir / ICON_FONT
    if not css_path.exists() or not ttf.exists():
        return None
    css = css_path.read_text(encoding="utf-8")
    if not SOLID_FACE.search(css):
        logger.warning("[book_offline] the theme's @font-face for the solid icons changed; update SOLID_FACE")
        return None
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"  # zlib: woff2 would need brotli
    font = subset.load_font(str(ttf), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(icon_glyphs(outdir, css)))
    subsetter.subset(font)
    target = ttf.with_name(SUBSET_FONT)
    subset.save_font(font, str(target), options)
    css_path.write_text(
        SOLID_FACE.sub(rf'\1url(../vendor/fontawesome/webfonts/{SUBSET_FONT}) format("woff")', css), encoding="utf-8"
    )
    return ttf.with_suffix(".woff2").stat().st_size, target.stat().st_size


def palette_figures(outdir: Path) -> tuple[int, int]:
    """Re-encode every figure with a 256-colour palette when that makes it smaller."""
    from PIL import Image

    before = after = 0
    for path in sorted((outdir / "_images").glob("*.png")):
        with Image.open(path) as image:
            opaque = image.mode != "RGBA" or image.getchannel("A").getextrema() == (255, 255)
            if not opaque:
                continue  # a palette would lose the transparency
            small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                                  dither=Image.Dither.NONE)
        size = path.stat().st_size
        buffer = io.BytesIO()
        small.save(buffer, "PNG", optimize=True)
        before += size
        if buffer.tell() < size:
            path.write_bytes(buffer.getvalue())
            after += buffer.tell()
        else:
            after += size
    return before, after


def lighten(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    sizes = subset_icon_font(outdir)
    if sizes:
        logger.info("[book_offline] icon font: %d -> %d bytes", *sizes)
    logger.info("[book_offline] figures: %d -> %d bytes", *palette_figures(outdir))


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", warn_about_remote_assets)
    app.connect("build-finished", shrink_fontawesome)
    app.connect("build-finished", lighten)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
