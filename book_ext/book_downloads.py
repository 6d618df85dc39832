"""The book to take away: a PDF and an offline bundle per language, offered by the site.

tools/build/downloads.py makes both after each language's site is built, and copies them into the
site's ``_downloads/`` (published with the site):

- ``<book>-<lang>.pdf``: the language's book as one HTML page (Sphinx's ``singlehtml``
  builder, from the environment of the site's build), printed by Chromium;
- ``<book>-<lang>.zip``: the language's site, every page's ``.ipynb`` included, to read
  from the file system.

This extension

- in the site (``html`` builder): adds both files to the theme's download menu on every page
  (through theme_buttons.py, the one module that knows the theme's structure), and
  provides the directive ``{book-downloads}``, the two links for the landing page; on the
  search page, turns off the result summaries when the site is read from ``file://``, where
  Sphinx's search cannot fetch them;
- in the book for the PDF (``singlehtml`` builder, :class:`PrintBuilder`): makes each
  chapter a top-level section (an ``<h1>``, a first-level PDF bookmark), adds the print
  stylesheet ``_static/book-print.css`` (no sidebars, header, buttons or explorer; code that
  wraps; a page break before each chapter), a title page and a linked contents page;
  ``{book-downloads}`` draws nothing there.

Link texts come from the ``book`` message catalog (locale/<lang>/LC_MESSAGES/book.po).
"""

from __future__ import annotations

import html

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.locale import get_translation
from sphinx.util.docutils import SphinxDirective

from . import theme_buttons
from .book_notebooks import build_date, long_date, version_of

_ = get_translation("book")

# The file names: <BOOK_NAME>-<lang>.pdf and .zip.
BOOK_NAME = "tf-linreg-book"
# Where, inside a language's site, the build puts them (the links are relative to it).
FOLDER = "_downloads"
PRINT_BUILDER = "singlehtml"
PRINT_CSS = "book-print.css"


def base_name(lang: str) -> str:
    """The name of a language's downloads without extension; also the bundle's top folder."""
    return f"{BOOK_NAME}-{lang}"


def file_name(lang: str, kind: str) -> str:
    """The PDF (kind "pdf") or the bundle (kind "zip") of a language."""
    return f"{base_name(lang)}.{kind}"


def href(pagename: str, lang: str, kind: str) -> str:
    """From page ``pagename``, the relative link to a download of its site."""
    return "../" * pagename.count("/") + f"{FOLDER}/{file_name(lang, kind)}"


def entries(lang: str) -> list[dict]:
    """What the site offers: kind, menu text, tooltip, landing-page text and icon."""
    return [
        {"kind": "pdf", "text": _("Book (.pdf)"), "tooltip": _("Download the whole book as a PDF"),
         "icon": "fas fa-book", "label": "download-book-pdf-button"},
        {"kind": "zip", "text": _("Offline site (.zip)"),
         "tooltip": _("Download the whole site with every notebook, to read offline"),
         "icon": "fas fa-file-zipper", "label": "download-book-zip-button"},
    ]


def add_download_buttons(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """After the theme made its download menu: the PDF and the bundle in it (theme_buttons.py)."""
    if app.builder.name == PRINT_BUILDER:
        return
    lang = app.config.language
    for entry in entries(lang):
        added = theme_buttons.add_download(context, url=href(pagename, lang, entry["kind"]), text=entry["text"],
                                           tooltip=entry["tooltip"], icon=entry["icon"], label=entry["label"])
        if not added:
            return


class book_downloads(nodes.General, nodes.Element):
    """The directive's text and the links to the PDF and the bundle; nothing of it in the PDF."""


def visit_book_downloads(self, node: book_downloads) -> None:
    if self.builder.name == PRINT_BUILDER:
        raise nodes.SkipNode
    self.body.append('<div class="book-downloads">\n')


def depart_book_downloads(self, node: book_downloads) -> None:
    lang = self.builder.config.language
    docname = getattr(self.builder, "current_docname", "") or ""
    items = "".join(
        f'<li><a class="reference internal" href="{html.escape(href(docname, lang, e["kind"]))}">'
        f'<span class="{e["icon"]}" aria-hidden="true"></span> {html.escape(e["tooltip"])}'
        f' (<code>{html.escape(file_name(lang, e["kind"]))}</code>)</a></li>'
        for e in entries(lang)
    )
    self.body.append(f'<ul class="book-downloads-links">{items}</ul>\n</div>\n')


def skip(self, node: nodes.Node) -> None:
    raise nodes.SkipNode


class BookDownloads(SphinxDirective):
    """``{book-downloads}``: its Markdown body, then links to the language's PDF and offline bundle.

    Shown on the site only: the PDF is the book itself, and the bundle holds the site.
    """

    has_content = True

    def run(self) -> list[nodes.Node]:
        node = book_downloads()
        node += self.parse_content_to_nodes()
        return [node]


def chapters(env, docname: str) -> list[str]:
    """The pages that ``docname``'s toctrees include, in reading order, depth first."""
    found = []
    for child in env.toctree_includes.get(docname, []):
        found.append(child)
        found.extend(chapters(env, child))
    return found


def front_matter(app: Sphinx) -> str:
    """The first pages of the PDF: the title page, then the contents (linked; the PDF's bookmarks have pages)."""
    config, env = app.config, app.env
    line = _("Built on {date} with TensorFlow {tf} and Keras {keras}; every output in it was executed by that build.")
    built = line.format(date=long_date(build_date(), config.language), tf=version_of("tensorflow"),
                        keras=version_of("keras"))
    items = "".join(
        f'<li><a class="reference internal" href="#document-{html.escape(name)}">'
        f"{html.escape(env.titles[name].astext())}</a></li>"
        for name in [config.root_doc, *chapters(env, config.root_doc)] if name in env.titles
    )
    return (
        '<section class="book-title-page">\n'
        f'<p class="book-title">{html.escape(config.project)}</p>\n'
        f'<p class="book-author">{html.escape(config.author)}</p>\n'
        f'<p class="book-built">{html.escape(built)}</p>\n'
        "</section>\n"
        '<nav class="book-contents">\n'
        f'<p class="book-contents-title">{html.escape(_("Contents"))}</p>\n'
        f"<ol>{items}</ol>\n"
        "</nav>\n"
        # singlehtml marks every chapter but the first (the landing page) this way.
        f'<span id="document-{html.escape(config.root_doc)}"></span>\n'
    )


def add_front_matter(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if app.builder.name == PRINT_BUILDER and pagename == app.config.root_doc and "body" in context:
        context["body"] = front_matter(app) + context["body"]


class PrintBuilder(SingleFileHTMLBuilder):
    """Sphinx's singlehtml builder, with each chapter a top-level section of the book.

    singlehtml puts the pages that the landing page's toctree includes inside the landing
    page's section, so that every chapter title would be an ``<h2>`` under "Getting started",
    and Chromium's PDF bookmarks would nest the whole book under it. Here each chapter is moved
    next to the landing page: its title is an ``<h1>``, a first-level bookmark.
    """

    name = PRINT_BUILDER

    def assemble_doctree(self) -> nodes.document:
        tree = super().assemble_doctree()
        top = [node for node in tree.findall(addnodes.start_of_file)
               if not any(isinstance(a, addnodes.start_of_file) for a in ancestors(node))]
        for node in top:
            node.parent.remove(node)
            tree.append(node)
        return tree


def ancestors(node: nodes.Node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


# From the file system (the offline bundle), Sphinx's search cannot fetch the pages it found to
# show a summary of each (browsers refuse fetch() on file:// URLs): it lists their titles.
SEARCH_FROM_FILES = ('if (location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") '
                     "{ DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false; }")


def search_from_files(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if pagename == "search" and app.builder.name != PRINT_BUILDER:
        app.add_js_file(None, body=SEARCH_FROM_FILES, priority=300)


def add_print_stylesheet(app: Sphinx) -> None:
    if app.builder.name == PRINT_BUILDER:
        app.add_css_file(PRINT_CSS, priority=900)


def setup(app: Sphinx) -> dict:
    app.add_node(book_downloads, html=(visit_book_downloads, depart_book_downloads), latex=(skip, None),
                 text=(skip, None), man=(skip, None), texinfo=(skip, None))
    app.add_directive("book-downloads", BookDownloads)
    app.add_builder(PrintBuilder, override=True)
    app.connect("builder-inited", add_print_stylesheet)
    app.connect("html-page-context", add_download_buttons, priority=theme_buttons.AFTER_THEME)
    app.connect("html-page-context", add_front_matter, priority=700)
    app.connect("html-page-context", search_from_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
