"""What Jupyter Book 1 lacks for a book in several languages.

Pages live in ``book/<lang>/<name>.md``; the languages are listed once, in
``_config.yml`` (``sphinx.config.book_languages``), source language first.
For each page this extension

- sets ``<html lang>`` to the page's own language;
- puts a language switch at the top of the page that links to the same page
  in every other language (the page's own language is shown, not linked);
- next to the switch, places what other extensions hand over in the context key
  ``book_page_tools`` (book_notebooks.py: "Open in Colab", the notebook download and
  the execution stamp).

The landing page (``book/index``, which belongs to no language) gets a switch that
offers the first page of every language.

The look of the switch is in ``_static/book.css`` (``.book-page-header``).
"""

from __future__ import annotations

import html
import posixpath

from sphinx.application import Sphinx

SWITCH_LABEL = {"ko": "언어 선택", "en": "Language"}

# A globe, drawn inline so that no icon font or request is needed.
GLOBE = (
    '<svg class="language-switch-icon" aria-hidden="true" focusable="false" viewBox="0 0 16 16" '
    'width="16" height="16"><circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor"/>'
    '<ellipse cx="8" cy="8" rx="2.8" ry="6.5" fill="none" stroke="currentColor"/>'
    '<path d="M1.5 8h13M2.6 4.6h10.8M2.6 11.4h10.8" fill="none" stroke="currentColor"/></svg>'
)


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


def landing_targets(app: Sphinx) -> list[tuple[str, str, str]]:
    """(language, language name, first page) of every language, for the landing page."""
    found = []
    for lang, name in app.config.book_languages.items():
        target = f"book/{lang}/index"
        if target in app.env.all_docs:
            found.append((lang, name, target))
    return found


def _link(app: Sphinx, pagename: str, lang: str, name: str, target: str) -> str:
    href = posixpath.relpath(target, posixpath.dirname(pagename)) + app.builder.out_suffix
    return (
        f'<a class="language-switch-link" href="{html.escape(href)}" hreflang="{lang}" '
        f'lang="{lang}">{html.escape(name)}</a>'
    )


def switch_html(app: Sphinx, pagename: str) -> str:
    lang = page_language(app, pagename)
    if lang is None:
        if pagename != app.config.root_doc:
            return ""
        # The landing page belongs to every language: its label is in all of them.
        label = " · ".join(
            dict.fromkeys(SWITCH_LABEL.get(code, "Language") for code in app.config.book_languages)
        )
        targets, current = landing_targets(app), ""
    else:
        targets, label = counterparts(app, pagename), SWITCH_LABEL.get(lang, "Language")
        current = (
            f'<span class="language-switch-current" lang="{lang}" aria-current="page">'
            f"{html.escape(app.config.book_languages[lang])}</span>"
        )
    links = [_link(app, pagename, *target) for target in targets]
    if not links:
        return ""
    return (
        f'<nav class="language-switch" aria-label="{html.escape(label)}">{GLOBE}'
        + current
        + "".join(links)
        + "</nav>"
    )


def on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    lang = page_language(app, pagename)
    if lang is not None:
        context["language"] = lang
        context["lang_attr"] = lang
    if "body" in context:
        header = switch_html(app, pagename) + context.get("book_page_tools", "")
        if header:
            context["body"] = f'<div class="book-page-header">{header}</div>\n' + context["body"]


def setup(app: Sphinx) -> dict:
    app.add_config_value("book_languages", {"ko": "한국어", "en": "English"}, "env", [dict])
    app.connect("html-page-context", on_html_page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
