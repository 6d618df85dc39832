"""Found by search, shared well: the site's address, a sitemap, Open Graph tags and a card image.

The published address of the sites is ``book_site_url`` when _config.yml sets it, else the GitHub
Pages address of the repository that ``book_notebooks`` finds (``https://<org>.github.io/<repo>/``):
the language sites live under it as ``<lang>/``. With an address, each language's site gets

- ``html_baseurl`` = ``<address><lang>/``, so every page names its canonical URL;
- ``sitemap.xml`` (sphinx-sitemap), every page with its counterparts in the other languages
  (``xhtml:link rel="alternate" hreflang``); ``tools/build/root_page.py`` lists each in ``robots.txt``;
- absolute ``og:url`` and ``og:image``.

Without one (a local build with no GitHub remote) the site has no sitemap, and the build says so
once; the relative tags stay. In both cases sphinxext-opengraph writes each page's Open Graph tags
and its ``<meta name="description">`` from the page's first paragraph, in the page's language; the
site name is the language's title (``book_languages``), and the image is a card drawn here at build,
with that title (``_static/book-card.png`` of each site, 1200 x 630 px).
"""

from __future__ import annotations

import html
import os
import re
import warnings
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging

from .book_i18n import language_entries, site_language
from .book_notebooks import find_repository, git_origin

logger = logging.getLogger(__name__)

CARD = "_static/book-card.png"


LOCAL = ("http://127.0.0.1:", "http://localhost:")


def site_address(configured: str, repository: tuple[str, str] | None) -> str | None:
    """The root address of the published sites, ending in "/", or None when none is known. A
    local address (http://127.0.0.1:<port>/) is for previews and the audit (tools/audit.py)."""
    if configured:
        if not configured.startswith(("https://", *LOCAL)):
            raise ConfigError(f"book_site_url must start with https:// (or {LOCAL[0]}<port>/ for a local "
                              f"preview), got {configured!r}")
        return configured.rstrip("/") + "/"
    if repository is None:
        return None
    org, name = repository
    return f"https://{org.lower()}.github.io/{name}/"


def address_from(site_setting: str, repository_setting: str, folder: str) -> str | None:
    """BOOK_SITE_URL from the environment (`make audit` sets it), else book_site_url, else the
    GitHub Pages address of the repository (book_repository_url, GITHUB_REPOSITORY, git origin)."""
    repository, _ = find_repository(repository_setting, dict(os.environ), git_origin(folder))
    return site_address(os.environ.get("BOOK_SITE_URL") or site_setting, repository)


def address_of(config: Config, srcdir: str) -> str | None:
    return address_from(config.book_site_url, getattr(config, "book_repository_url", ""), srcdir)


def configure(app: Sphinx, config: Config) -> None:
    lang = site_language(config)
    entry = language_entries(config)[lang]
    config.ogp_site_name = entry["title"]
    config.ogp_image = CARD
    config.ogp_image_alt = entry["title"]
    config.ogp_type = "article"
    config.ogp_social_cards = {"enable": False}  # its cards draw Hangul with a font that has none
    config.sitemap_excludes = ["search.html", "genindex.html"]
    address = address_of(config, str(app.srcdir))
    setattr(app, "book_site_address", address)  # noqa: B010 -- read by book_i18n's alternates
    if address is None:
        # sphinx-sitemap warns when it has no address; the line below says why instead.
        config.suppress_warnings = [*config.suppress_warnings, "sitemap.configuration"]
        logger.info("[book_discovery] no sitemap and no absolute links: no book_site_url and no GitHub "
                    "repository to derive one from")
        return
    config.html_baseurl = f"{address}{lang}/"
    config.site_url = address
    config.sitemap_url_scheme = "{lang}{link}"
    config.sitemap_locales = list(config.book_languages)
    config.ogp_site_url = f"{address}{lang}/"


def draw_card(app: Sphinx) -> None:
    """The preview image of the language's site: its title over the lecture's four points."""
    if app.builder.format != "html":
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    entry = language_entries(app.config)[site_language(app.config)]
    fonts = entry.get("fonts", [])
    installed = {font.name for font in font_manager.fontManager.ttflist}
    family = [name for name in fonts if name in installed][:1] + ["DejaVu Sans"]
    fig = plt.figure(figsize=(12, 6.3), dpi=100)
    fig.patch.set_facecolor("#f6f8fa")
    fig.text(0.06, 0.8, entry["title"], fontsize=40, fontweight="bold", family=family, color="#1f2328")
    ax = fig.add_axes((0.1, 0.1, 0.8, 0.55))
    ax.plot([0, 5], [1, -4], color="#0b5cad", linewidth=4)
    ax.scatter([1, 2, 3, 4], [0, -1, -2, -3], s=300, color="#b3261e", zorder=3)
    ax.set_axis_off()
    path = Path(app.outdir) / CARD
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(path, facecolor=fig.get_facecolor())
    plt.close(fig)
    for warning in caught:  # "Glyph ... missing": the language's `fonts` in book_languages
        logger.warning("[book_discovery] the card %s: %s (fonts tried: %s)", CARD, warning.message, family)


DESCRIPTION_CHARS = 160
SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def description_of(doctree: nodes.document, limit: int = DESCRIPTION_CHARS) -> str:
    """What a search result shows of the page: its first paragraphs (an objective list's items
    included, each a sentence of its own), cut after the last sentence that fits in ``limit``
    characters."""
    text = ""
    for paragraph in doctree.findall(nodes.paragraph):
        if paragraph.next_node(nodes.Invisible) is not None or isinstance(paragraph.parent, nodes.admonition):
            continue
        sentence = " ".join(paragraph.astext().split())
        if sentence:
            text = f"{text} {sentence}".strip()
        if len(text) >= limit:
            break
    if len(text) <= limit:
        return text
    ends = [m.start() for m in SENTENCE_END.finditer(text) if m.start() <= limit]
    if ends and ends[-1] >= limit // 2:
        return text[: ends[-1]]
    cut = text.rfind(" ", 0, limit)  # a long sentence: cut between words
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(" ,") + "…"


def add_description(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The page's description for search results and link previews (before sphinxext-opengraph,
    which takes it for og:description and then writes no description of its own)."""
    if doctree is None and pagename != "search":
        return
    # The search page has no text of its own: the site's description stands for it.
    description = description_of(doctree) if doctree is not None else \
        language_entries(app.config)[site_language(app.config)].get("description", "")
    if description:
        context.setdefault("meta", {})
        if context["meta"] is None:
            context["meta"] = {}
        context["meta"]["og:description"] = description
        context["metatags"] = context.get("metatags", "") + \
            f'<meta name="description" content="{html.escape(description)}" />\n'


def setup(app: Sphinx) -> dict:
    app.setup_extension("sphinx_sitemap")
    app.setup_extension("sphinxext.opengraph")
    app.add_config_value("book_site_url", "", "html", [str])
    app.connect("config-inited", configure, priority=600)
    app.connect("builder-inited", draw_card)
    app.connect("html-page-context", add_description, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


def root_address(root: Path, config: dict) -> str | None:
    """The address of the published sites for ``tools/build/root_page.py`` (the root page, robots.txt):
    the same as each site's, read from _config.yml's settings instead of Sphinx's."""
    settings = config.get("sphinx", {}).get("config", {})
    return address_from(settings.get("book_site_url", ""), settings.get("book_repository_url", ""), str(root))
