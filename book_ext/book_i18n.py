"""One site per language: the chrome in the site's language, and a switch to the same page in the others.

The book is built once per language (tools/build/sites.py): the site of ``book/<lang>/`` has
Sphinx's ``language`` set to ``<lang>``, so Sphinx, the theme and the extensions speak it
wherever their catalogs do. This extension

- registers the book's own message catalogs (``locale/<lang>/LC_MESSAGES/``, compiled by
  tools/build/catalogs.py into a ``locale_dirs`` folder): ``book`` for the book's extensions and the
  settings whose text has no catalog (the search placeholder, myst-nb's code toggle), and
  ``booktheme`` ahead of sphinx-book-theme's own (whose Korean "By" reads "으로");
  pydata-sphinx-theme's strings, which it ships in no Korean, come from the ``sphinx``
  catalog in the same folder, which Sphinx reads itself;
- translates the column headers of myst-nb's execution table (``{nb-exec-table}``), which
  myst-nb writes in English with no catalog, through the ``book`` catalog;
- gives the template ``language-switch.html`` (in the theme's ``article_header_end`` slot)
  the same page in every language: ``book_language_links``; a page that a language lacks
  is not offered;
- adds ``<link rel="alternate" hreflang>`` for every language and ``x-default`` (the root
  page, which offers every language) to the page's ``metatags``.

The languages are listed once, in ``_config.yml`` (``sphinx.config.book_languages``, read
by book_languages.py); their pages mirror each other by name.
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import get_translation
from sphinx.transforms.post_transforms import SphinxPostTransform

CATALOG = "book"
_ = get_translation(CATALOG)

# Strings of other packages that the book supplies through its own catalog ("book"),
# set as those packages' settings once the language is known.
THEME_SEARCH_PLACEHOLDER = "Search this book..."
# The themes whose option ``search_bar_text`` it is (another theme warns of an unknown option).
SEARCH_BAR_THEMES = ("sphinx_book_theme", "pydata_sphinx_theme")
CODE_PROMPT_SHOW = "Show code cell {type}"
CODE_PROMPT_HIDE = "Hide code cell {type}"
# The column headers of myst-nb's execution table (myst_nb/ext/execution_tables.py), in order.
EXEC_TABLE_HEADERS = ("Document", "Modified", "Method", "Run Time (s)", "Status")


def language_entries(config: Config) -> dict[str, dict]:
    from .book_languages import entries

    return entries({"sphinx": {"config": {"book_languages": config.book_languages}},
                    "title": config.project, "author": config.author})


def site_language(config: Config) -> str:
    return config.language or next(iter(config.book_languages))


def book_dir(app: Sphinx) -> Path:
    """book/: the folder that holds one folder of pages per language (the parent of srcdir)."""
    return Path(app.srcdir).parent


def has_page(app: Sphinx, lang: str, pagename: str) -> bool:
    """Whether book/<lang>/ has the page (in any source format the build reads)."""
    folder = book_dir(app) / lang
    return any((folder / f"{pagename}{suffix}").is_file() for suffix in app.config.source_suffix)


def site_href(pagename: str, lang: str, target: str) -> str:
    """From page ``pagename`` of one site, the href of page ``target`` of the ``lang`` site."""
    return "../" * (pagename.count("/") + 1) + f"{lang}/{target}.html"


def language_links(app: Sphinx, pagename: str) -> list[dict]:
    """The same page in every language: lang, name, href, and whether it is this page."""
    here = site_language(app.config)
    links = []
    for lang, entry in language_entries(app.config).items():
        if lang == here:
            links.append({"lang": lang, "name": entry["name"], "href": "", "current": True})
        elif has_page(app, lang, pagename):
            links.append({"lang": lang, "name": entry["name"], "href": site_href(pagename, lang, pagename),
                          "current": False})
    return links


def alternates(app: Sphinx, pagename: str, links: list[dict]) -> str:
    """<link rel=alternate hreflang> for every language of the page, and x-default: absolute when
    the sites' address is known (book_discovery.py), as search engines want them; else relative."""
    address = getattr(app, "book_site_address", None)
    if address:
        hrefs = [(link["lang"], f"{address}{link['lang']}/{pagename}.html") for link in links]
        root = f"{address}index.html"
    else:
        own = pagename.rsplit("/", 1)[-1] + ".html"
        hrefs = [(link["lang"], link["href"] or own) for link in links]
        root = "../" * (pagename.count("/") + 1) + "index.html"
    tags = [f'<link rel="alternate" hreflang="{lang}" href="{href}" />' for lang, href in hrefs]
    tags.append(f'<link rel="alternate" hreflang="x-default" href="{root}" />')
    return "\n".join(tags) + "\n"


def set_translated_settings(app: Sphinx, config: Config) -> None:
    """Settings whose text the packages do not translate, from the book's catalog."""
    if config.html_theme in SEARCH_BAR_THEMES:
        config.html_theme_options = {**config.html_theme_options, "search_bar_text": _(THEME_SEARCH_PLACEHOLDER)}
    config.nb_code_prompt_show = _(CODE_PROMPT_SHOW)
    config.nb_code_prompt_hide = _(CODE_PROMPT_HIDE)
    entry = language_entries(config).get(site_language(config))
    if entry is not None:
        config.project = config.html_title = entry["title"]
        config.author = entry["author"]


def on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    links = language_links(app, pagename)
    context["book_language_links"] = links if len(links) > 1 else []
    context["book_language_label"] = _("Read this page in another language")
    context["metatags"] = context.get("metatags", "") + alternates(app, pagename, links)


class ExecTableHeaders(SphinxPostTransform):
    """The headers of myst-nb's execution table in the site's language."""

    default_priority = 15  # after myst-nb builds the table (8)

    def run(self, **kwargs) -> None:
        for head in self.document.findall(nodes.thead):
            cells = list(head.findall(nodes.paragraph))
            if tuple(cell.astext() for cell in cells) != EXEC_TABLE_HEADERS:
                continue
            for cell in cells:
                cell[:] = [nodes.Text(str(_(cell.astext())))]


def setup(app: Sphinx) -> dict:
    app.add_config_value("book_languages", {"ko": "한국어", "en": "English"}, "env", [dict])
    # Before any other extension adds its catalog: the first catalog of a domain wins.
    for folder in app.config.locale_dirs:
        path = os.path.join(app.srcdir, folder)
        app.add_message_catalog(CATALOG, path)
        app.add_message_catalog("booktheme", path)
    app.connect("config-inited", set_translated_settings)
    app.connect("html-page-context", on_html_page_context)
    app.add_post_transform(ExecTableHeaders)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "2"}
