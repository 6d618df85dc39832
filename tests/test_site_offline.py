"""The built site works offline and ships light: nothing a page loads comes from another site,
formulas are MathML written at build, no Thebe or comments, and the icons, icon font and figures are
cut to what the pages use (book_offline.py).

Reads the build in tests.bookinfo.BUILD_HTML, as test_site.py does.
"""

from __future__ import annotations

import re

import pytest

from tests.bookinfo import BOOK, BUILD_HTML, languages, resolve, site_pages

REMOTE = re.compile(r"(?:https?:)?//", re.IGNORECASE)
REMOTE_IN_TEXT = re.compile(r"https?://", re.IGNORECASE)

LOADED = {
    "script": ["src"],
    "link": ["href"],
    "img": ["src", "srcset"],
    "source": ["src", "srcset"],
    "iframe": ["src"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "embed": ["src"],
    "object": ["data"],
}


def html_files() -> list[str]:
    return sorted(
        p.relative_to(BUILD_HTML).as_posix() for p in BUILD_HTML.rglob("*.html") if "_static" not in p.parts
    )


@pytest.mark.parametrize("rel", html_files() or ["index.html"])
@pytest.mark.book
def test_nothing_the_page_loads_comes_from_another_site(soup_of, rel):
    soup = soup_of(rel)
    remote = []
    for tag, attributes in LOADED.items():
        for element in soup.find_all(tag):
            if tag == "link" and element.get("rel") == ["alternate"]:
                continue  # hreflang alternates are not loaded
            for attribute in attributes:
                value = element.get(attribute) or ""
                if REMOTE.match(value.strip()):
                    remote.append(f"<{tag} {attribute}={value!r}>")
    for script in soup.find_all("script", src=False):
        if REMOTE_IN_TEXT.search(script.get_text()):
            remote.append(f"inline <script>: {script.get_text()[:120]!r}")
    for style in soup.find_all("style"):
        if re.search(r"url\(\s*['\"]?(https?:)?//|@import\s+['\"]?(https?:)?//", style.get_text()):
            remote.append(f"<style>: {style.get_text()[:120]!r}")
    assert not remote, f"{rel} loads from other sites:\n" + "\n".join(remote)


@pytest.mark.parametrize("rel", site_pages())
@pytest.mark.book
def test_page_declares_its_icon(soup_of, built, rel):
    # Without one, browsers ask for /favicon.ico, a 404 (an error in the console).
    icons = soup_of(rel).select('link[rel~="icon"]')
    assert icons, f"{rel}: no <link rel=icon>"
    assert (built / resolve(rel, icons[0]["href"])).is_file(), icons[0]


@pytest.mark.book
def test_stylesheets_load_nothing_from_another_site(built):
    remote = re.compile(
        r"url\(\s*['\"]?(?:https?:)?//|@import\s+(?:url\()?\s*['\"]?(?:https?:)?//", re.IGNORECASE
    )
    offenders = [
        css.relative_to(built).as_posix()
        for css in built.rglob("_static/**/*.css")
        if remote.search(css.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not offenders, f"stylesheets that fetch from other sites: {offenders}"


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_math_is_mathml_written_at_build_and_no_page_loads_a_math_script(soup_of, built, lang):
    """book_mathml.py converts every formula; no MathJax or KaTeX script is loaded or shipped."""
    soup = soup_of(f"{lang}/from_scratch.html")
    assert soup.select("div.math > math[display=block]"), "no display formula as MathML"
    assert soup.select("span.math > math[display=inline]"), "no inline formula as MathML"
    assert not soup.select("code.math-error"), "a formula was not converted"
    source = (BOOK / lang / "from_scratch.md").read_text(encoding="utf-8")
    assert len(soup.select("math")) >= source.count("$$") // 2, "fewer formulas on the page than in the source"
    for rel in site_pages():
        scripts = [s["src"] for s in soup_of(rel).find_all("script", src=True)]
        assert not [s for s in scripts if re.search(r"mathjax|katex", s, re.IGNORECASE)], f"{rel}: {scripts}"
    assert not list(built.glob("*/_static/mathjax")), "MathJax is still shipped with the site"


@pytest.mark.parametrize("rel", html_files() or ["index.html"])
@pytest.mark.book
def test_no_thebe_and_no_comments(soup_of, rel):
    """No Thebe (its scripts, its config block, its buttons), Binder, Hypothesis or utterances."""
    soup = soup_of(rel)
    code = [s.get("src", "") + s.get_text() for s in soup.find_all("script")]
    code += [link.get("href", "") for link in soup.find_all("link")]
    code += [" ".join(e.get("class", [])) for e in soup.find_all(class_=True)]
    for needle in ("thebe", "binder", "hypothes.is", "utteranc.es"):
        offenders = [c[:100] for c in code if needle in c.lower()]
        assert not offenders, f"{rel} still has {needle}: {offenders}"


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_fontawesome_holds_only_the_icons_the_site_uses(built, lang):
    """The theme's 1.5 MB icon bundle is cut to the icons the pages name (book_offline.py)."""
    js = (built / lang / "_static" / "scripts" / "fontawesome.js").read_text(encoding="utf-8")
    assert len(js) < 200_000, f"fontawesome.js is {len(js)} bytes: the icon subset was not applied"
    used = set()
    for page in (built / lang).rglob("*.html"):
        used.update(re.findall(r"\bfa-([a-z0-9-]+)", page.read_text(encoding="utf-8", errors="ignore")))
    for icon in {"magnifying-glass", "bars", "sun", "moon", "download"} & used:
        assert re.search(rf'(?:"{icon}"|\b{icon}):\[\d', js), f"icon {icon} is used but missing from fontawesome.js"


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_icon_font_is_cut_to_the_glyphs_the_stylesheets_draw(built, lang):
    """book_offline.py subsets the solid icon font; admonition icons and the used icons stay in it."""
    from fontTools.ttLib import TTFont

    static = built / lang / "_static"
    css = (static / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert "fa-solid-900.subset.woff" in css and "fa-solid-900.woff2" not in css, "the @font-face was not rewritten"
    subset = static / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.subset.woff"
    assert subset.stat().st_size < 20_000, subset.stat().st_size
    cmap = set(TTFont(subset).getBestCmap())
    solid = set(TTFont(subset.with_name("fa-solid-900.ttf")).getBestCmap())
    # Icons the stylesheet draws itself with the solid font (admonition titles, ...), written as
    # private-use characters (the brand icons, GitHub and GitLab, are in the brands font).
    drawn = {ord(ch) for ch in re.findall("[\ue000-\uf8ff]", css)} & solid
    assert drawn and drawn <= cmap, f"glyphs the stylesheet draws but the font lacks: {sorted(drawn - cmap)}"


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_figures_are_stored_with_a_palette(built, lang):
    from PIL import Image

    figures = sorted((built / lang / "_images").glob("*.png"))
    assert figures, f"the {lang} site has no figures"
    modes = {Image.open(path).mode for path in figures}
    assert modes == {"P"}, f"figures not re-encoded with a palette: {modes}"


