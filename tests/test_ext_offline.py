"""book_ext/book_offline.py on a tiny book with the real theme (tests/roots/test-offline/): a script from
another site is a warning, once; Font Awesome's script and solid icon font are cut to what the pages
use; a figure is stored with a palette."""

from __future__ import annotations

import re
from pathlib import Path

import pydata_sphinx_theme
import pytest
from PIL import Image, ImageDraw

from book_ext.book_offline import FONTAWESOME, ICON_FONT, SUBSET_FONT, THEME_CSS

THEME_STATIC = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"


def draw_figure(path: Path) -> None:
    """A plot as matplotlib draws one: a white ground, a line and a few points, opaque."""
    image = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(20, 280), (380, 20)], fill=(11, 92, 173), width=4)
    for x in range(60, 380, 80):
        draw.ellipse([x - 8, 280 - x * 0.7 - 8, x + 8, 280 - x * 0.7 + 8], fill=(179, 38, 30))
    image.save(path)


@pytest.fixture
def offline_app(app_params, make_app):
    args, kwargs = app_params
    if not (kwargs["srcdir"] / "figure.png").exists():
        draw_figure(kwargs["srcdir"] / "figure.png")
    return make_app(*args, **kwargs)


@pytest.mark.sphinx("html", testroot="offline")
@pytest.mark.test_params(shared_result="offline")
def test_a_script_from_another_site_is_one_warning(offline_app):
    offline_app.build()
    warnings = [line for line in offline_app.warning.getvalue().splitlines() if "WARNING" in line]
    assert len(warnings) == 1, warnings
    assert "index.rst" in warnings[0] and "https://cdn.example.org/remote.js is loaded from another site" in warnings[0]


@pytest.mark.sphinx("html", testroot="offline")
@pytest.mark.test_params(shared_result="offline")
def test_font_awesome_is_cut_to_the_icons_the_pages_use(offline_app):
    offline_app.build()
    out = Path(offline_app.outdir)
    script = (out / FONTAWESOME).read_text(encoding="utf-8")
    assert len(script) < (THEME_STATIC / "scripts" / "fontawesome.js").stat().st_size / 5, len(script)
    assert "fa-download" in (out / "index.html").read_text(encoding="utf-8")

    def has_icon(js: str, name: str) -> bool:  # an icon of the bundle: name:[width,height,...
        return re.search(rf'(?:"{name}"|\b{name}):\[\d', js) is not None

    assert has_icon(script, "download") and not has_icon(script, "dragon")
    assert has_icon((THEME_STATIC / "scripts" / "fontawesome.js").read_text(encoding="utf-8"), "dragon")
    css = (out / THEME_CSS).read_text(encoding="utf-8")
    assert SUBSET_FONT in css and "fa-solid-900.woff2" not in css, "the @font-face was not rewritten"
    subset = out / ICON_FONT.with_name(SUBSET_FONT)
    assert 0 < subset.stat().st_size < (out / ICON_FONT).stat().st_size / 10


@pytest.mark.sphinx("html", testroot="offline")
@pytest.mark.test_params(shared_result="offline")
def test_a_figure_is_stored_with_a_palette(offline_app):
    offline_app.build()
    with Image.open(Path(offline_app.outdir) / "_images" / "figure.png") as figure:
        assert figure.mode == "P"
