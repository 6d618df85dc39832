"""Step 4: the root of the published book, next to the language sites: index.html, robots.txt, .nojekyll.

The build's own HTML is in Jinja templates, ``_templates/build/`` (``templates()``), escaped as it
is rendered: the root page here, the PDFs' header and footer in downloads.py.
"""

from __future__ import annotations

import functools

from book_ext import book_discovery, book_languages
from tools.build.paths import REPO, Paths

TEMPLATES = REPO / "_templates" / "build"


@functools.cache
def templates():
    """The Jinja environment of the build's templates: every value escaped (autoescape)."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                              undefined=jinja2.StrictUndefined)


def render_root_page(paths: Paths, langs: list[str]) -> str:
    """The root index.html, offering ``langs`` (the first is the page's own language)."""
    config = book_languages.read_config(paths.root)
    return _render(config, langs, book_discovery.root_address(paths.root, config))


def _render(config: dict, langs: list[str], address: str | None) -> str:
    entries = book_languages.entries(config)
    offered = [{"code": lang, "name": entries[lang]["name"], "title": entries[lang]["title"]} for lang in langs]
    return templates().get_template("root.html").render(
        languages=offered,
        title=" · ".join(entries[lang]["title"] for lang in langs),
        description=" / ".join(entries[lang]["description"] for lang in langs if entries[lang].get("description")),
        address=address,
        base=address or "",  # links absolute where the sites' address is known, as search engines want them
        card=book_discovery.CARD,
    )


def write_root(paths: Paths, langs: list[str]) -> None:
    """index.html, robots.txt and .nojekyll in _build/html."""
    site = paths.site
    site.mkdir(parents=True, exist_ok=True)
    config = book_languages.read_config(paths.root)
    address = book_discovery.root_address(paths.root, config)
    (site / "index.html").write_text(_render(config, langs, address), encoding="utf-8")
    # Every page may be crawled; each language's sitemap (book_discovery.py) is named where it exists.
    sitemaps = [f"Sitemap: {address}{lang}/sitemap.xml" for lang in langs
                if address and (site / lang / "sitemap.xml").is_file()]
    (site / "robots.txt").write_text("\n".join(["User-agent: *", "Allow: /", *sitemaps]) + "\n", encoding="utf-8")
    # GitHub Pages would hide the _static folders from Jekyll otherwise.
    (site / ".nojekyll").write_text("", encoding="utf-8")
