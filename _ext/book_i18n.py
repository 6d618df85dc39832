"""What Jupyter Book 1 lacks for a book in several languages.

Pages live in ``book/<lang>/<name>.md``; the languages are listed once, in
``_config.yml`` (``sphinx.config.book_languages``), source language first.
For each page this extension

- sets ``<html lang>`` to the page's own language;
- puts a language switch at the top of the page that links to the same page
  in every other language.
"""

from __future__ import annotations

import html
import posixpath

from sphinx.application import Sphinx

SWITCH_LABEL = {"ko": "언어 선택", "en": "Language"}


def page_language(app: Sphinx, pagename: str) -> str | None:
    """The language of a page, from its path book/<lang>/..., or None."""
    parts = pagename.split("/")
    if len(parts) >= 3 and parts[0] == "book" and parts[1] in app.config.book_languages:
        return parts[1]
    return None


def counterparts(app: Sphinx, pagename: str) -> list[tuple[str, str, str]]:
    """(language, language name, page name) of the same page in every other language."""
    lang = page_language(app, pagename)
    if lang is None:
        return []
    rest = pagename.split("/", 2)[2]
    found = []
    for other, name in app.config.book_languages.items():
        target = f"book/{other}/{rest}"
        if other != lang and target in app.env.all_docs:
            found.append((other, name, target))
    return found


def switch_html(app: Sphinx, pagename: str) -> str:
    lang = page_language(app, pagename)
    links = []
    for other, name, target in counterparts(app, pagename):
        href = posixpath.relpath(target, posixpath.dirname(pagename)) + app.builder.out_suffix
        links.append(
            f'<a class="language-switch-link" href="{html.escape(href)}" hreflang="{other}" '
            f'lang="{other}">{html.escape(name)}</a>'
        )
    if not links:
        return ""
    label = SWITCH_LABEL.get(lang, "Language")
    return (
        f'<nav class="language-switch" aria-label="{html.escape(label)}">'
        + " · ".join(links)
        + "</nav>\n"
    )


def on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    lang = page_language(app, pagename)
    if lang is not None:
        context["language"] = lang
        context["lang_attr"] = lang
    if "body" in context:
        context["body"] = switch_html(app, pagename) + context["body"]


def setup(app: Sphinx) -> dict:
    app.add_config_value("book_languages", {"ko": "한국어", "en": "English"}, "env", [dict])
    app.connect("html-page-context", on_html_page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
