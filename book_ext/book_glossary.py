"""The glossary page's table: ``glossary.yml`` shown to readers, in the site's language.

The directive ``{glossary-table}`` puts one row per entry of ``glossary.yml`` (at the root of
the repository), sorted by the term in the site's language: that term, the term in every
other language, the chapter that first teaches the concept (``introduced``; a link that shows
the chapter's title) and the other names readers meet elsewhere (``also_<lang>``). The
``avoid_<lang>`` variants (misspellings such as "Tensorflow") are not shown: they are for the
checks of the prose, not names to learn.
The table is made at build, so it follows the glossary; the page itself holds no code, and its
reader downloads no notebook that reads the repository's files.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import get_translation
from sphinx.util.docutils import SphinxDirective

from book_ext.book_page import load_yaml

_ = get_translation("book")

GLOSSARY = "glossary.yml"


def glossary_rows(entries: list[dict], langs: list[str]) -> list[tuple[list[str], str, list[str]]]:
    """(the terms in ``langs`` order, the page that teaches it or "", the other names in
    ``langs[0]``, its ``also_`` list only) for each entry, sorted by the term in ``langs[0]``."""
    lang = langs[0]
    rows = []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        terms = [entry.get(code, "") if isinstance(entry.get(code), str) else "" for code in langs]
        others = list(entry.get(f"also_{lang}", []))
        rows.append((terms, entry.get("introduced") or "", others))
    return sorted(rows, key=lambda row: row[0][0].casefold())


class GlossaryTableDirective(SphinxDirective):
    """``{glossary-table}``: the glossary as a table, in the site's language."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from .book_i18n import book_dir, language_entries, site_language

        path = book_dir(self.env.app).parent / GLOSSARY
        self.env.note_dependency(str(path))
        names = {code: entry["name"] for code, entry in language_entries(self.config).items()}
        here = site_language(self.config)
        langs = [here] + [code for code in names if code != here]
        header = [names[code] for code in langs] + [str(_("First taught in")), str(_("Other names"))]

        table = nodes.table(classes=["glossary-table", "colwidths-auto"])
        group = nodes.tgroup(cols=len(header))
        table += group
        for _column in header:
            group += nodes.colspec(colwidth=1)
        head_row = nodes.row()
        group += nodes.thead("", head_row)
        for text in header:
            head_row += nodes.entry("", nodes.paragraph(text=text))
        body = nodes.tbody()
        group += body
        for terms, page, others in glossary_rows(load_yaml(path.read_text(encoding="utf-8")), langs):
            row = nodes.row()
            body += row
            for term in terms:
                row += nodes.entry("", nodes.paragraph(text=term))
            chapter = nodes.paragraph()
            if page:  # the link shows the chapter's title (an implicit {doc} reference)
                chapter += addnodes.pending_xref(
                    "", nodes.inline(page, page), refdomain="std", reftype="doc", reftarget="/" + page,
                    refdoc=self.env.docname, refexplicit=False, refwarn=True,
                )
            row += nodes.entry("", chapter)
            row += nodes.entry("", nodes.paragraph(text=", ".join(others)))
        return [table]


def setup(app) -> dict:
    # book_i18n defines book_languages and registers the catalog.
    app.setup_extension(f"{__package__}.book_i18n")
    app.add_directive("glossary-table", GlossaryTableDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
