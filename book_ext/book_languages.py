"""The book's languages, read from ``_config.yml``: one place for the build, the extensions and the tools.

``sphinx.config.book_languages`` maps each language code to its entry, source language first::

    book_languages:
      ko: {name: 한국어, title: TensorFlow로 배우는 선형 회귀, author: tf-linreg-book 기여자}
      en: {name: English, title: Linear regression with TensorFlow, author: The tf-linreg-book contributors}

An entry may also be the language's name alone (``ja: 日本語``); its title and author are then
the top-level ``title`` and ``author`` of ``_config.yml``. Adding a language is
``book/<lang>/`` plus one such line. Nothing here imports Sphinx.
"""

from __future__ import annotations

from pathlib import Path

from book_ext.book_page import load_yaml

# Hangul syllables, the one range the book's checks and its Korean search need.
HANGUL = "\uac00-\ud7a3"


def read_config(root: Path) -> dict:
    return load_yaml((Path(root) / "_config.yml").read_text(encoding="utf-8")) or {}


def entries(config: dict) -> dict[str, dict]:
    """Every language's entry with name, title and author filled in, source language first."""
    found = {}
    for lang, entry in config["sphinx"]["config"]["book_languages"].items():
        entry = dict(entry) if isinstance(entry, dict) else {"name": entry}
        entry.setdefault("name", lang)
        entry.setdefault("title", config.get("title", ""))
        entry.setdefault("author", config.get("author", ""))
        found[lang] = entry
    return found


def languages(root: Path) -> list[str]:
    """The book's language codes, source language first."""
    return list(entries(read_config(root)))


def language_name(entry: dict | str, lang: str = "") -> str:
    """A language's name in that language, from its entry (a mapping or the name itself)."""
    if isinstance(entry, dict):
        return str(entry.get("name", lang))
    return str(entry)
