"""Facts about the book that tests and tools share: where pages are, which languages exist, and
how the built site's pages are named, linked and indexed."""

from __future__ import annotations

import functools
import importlib
import json
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import urlparse

from book_ext.book_languages import HANGUL as HANGUL_RANGE
from tools import translations

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
# Tests of the built site read _build/html unless BOOK_HTML points elsewhere.
BUILD_HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))


def config() -> dict:
    return translations.config(ROOT)


def languages() -> list[str]:
    """The book's languages, source language first, as listed in _config.yml."""
    return translations.languages(ROOT)


def source_language() -> str:
    return languages()[0]


def pages(lang: str) -> list[Path]:
    """Every page of one language, as paths relative to book/<lang>/."""
    base = BOOK / lang
    return sorted(p.relative_to(base) for p in base.rglob("*.md"))


def toc_pages() -> list[str]:
    """The pages every language's site is built from, in reading order (_toc.yml)."""
    return translations.toc_files(ROOT)


def site_pages() -> list[str]:
    """Every built page of every language's site, as paths under the built site: <lang>/<name>.html."""
    return [f"{lang}/{name}.html" for lang in languages() for name in toc_pages()]


def is_notebook(lang: str, name: str) -> bool:
    """Whether book/<lang>/<name>.md is a text notebook (its front matter names a kernel)."""
    from book_ext.book_translations import is_notebook as page_is_notebook

    return page_is_notebook(BOOK / lang / f"{name}.md")


def offers_notebook(lang: str, name: str) -> bool:
    """Whether the site offers the page as a notebook: a notebook page that runs outside the book
    (not in ``book_notebook_exclude`` of _config.yml; book_ext/book_notebooks.py)."""
    excluded = config()["sphinx"]["config"].get("book_notebook_exclude", [])
    return is_notebook(lang, name) and name not in excluded


def in_cache(cache, uri: str) -> bool:
    """Whether page ``uri``, as it is now, matches outputs in a jupyter-cache ``cache``: the lookup
    myst-nb makes when it builds a site (here the page is read as the execution pass reads it)."""
    try:
        cache.match_cache_notebook(cache.get_project_notebook(uri).nb)
    except KeyError:
        return False
    return True


# --- the built site -----------------------------------------------------------------------------

HANGUL = re.compile(f"[{HANGUL_RANGE}]")


def load_ext(name: str):
    """A module of book_ext/ (the book's Sphinx extensions): the package book_ext, installed by make venv."""
    return importlib.import_module(f"book_ext.{name}")


def lang_of(rel: str) -> str:
    return rel.split("/")[0]


def name_of(rel: str) -> str:
    return rel.split("/", 1)[1].removesuffix(".html")


def resolve(rel: str, href: str) -> str:
    """The site path that ``href``, written in page ``rel``, points at (no query or fragment)."""
    path = urlparse(href).path
    return posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))


@functools.cache
def search_index(built: Path, lang: str) -> dict:
    text = (built / lang / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])
