"""What every check shares: the book's layout, its languages, the problem type, the glossary file.

Nothing here knows how many languages there are: they come from ``_config.yml`` through
``book_ext.book_languages``, the one reader of that list. Pages are read by the page model,
``book_ext.book_page``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from book_ext import book_languages
from book_ext import book_translations as rule  # the staleness rule, shared with the build's notice
from book_ext.book_languages import HANGUL
from book_ext.book_page import Cell, Page, PyBlock, load_yaml, parse_page, read_page

__all__ = [
    "CURRENT", "GLOSSARY", "HANGUL", "MISSING", "ORDER_EXEMPT", "REPO", "STALE", "STATUS_WORD",
    "Cell", "Page", "Problem", "PyBlock", "UsageError", "config", "language_names", "languages",
    "load_glossary", "missing_problem", "page_names", "page_rel", "parse_page", "read_page", "rule",
    "toc_files",
]

REPO = Path(__file__).resolve().parents[2]

CURRENT, STALE, MISSING = rule.CURRENT, rule.STALE, rule.MISSING
STATUS_WORD = {CURRENT: "up to date", STALE: "stale", MISSING: "missing"}

GLOSSARY = "glossary.yml"
# Pages that may use any term: they list or index the others.
ORDER_EXEMPT = ("index", "glossary")


class UsageError(Exception):
    """A mistake on the command line or in a file; printed as one line, no traceback."""


@dataclass(frozen=True)
class Problem:
    check: str  # missing, stale, parity, toc, glossary, reader
    path: str  # the file to fix, relative to the root
    line: int | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text} Fix: {self.fix}" if self.fix else text



# --- the book ---------------------------------------------------------------------------


def config(root: Path) -> dict:
    return book_languages.read_config(root)


def languages(root: Path = REPO) -> list[str]:
    """The book's languages, source first, from _config.yml (tests/bookinfo.py reads them here too)."""
    return book_languages.languages(root)


def language_names(root: Path = REPO) -> dict[str, str]:
    """Each language's name in that language."""
    return {lang: entry["name"] for lang, entry in book_languages.entries(config(root)).items()}


def page_names(root: Path, lang: str) -> list[str]:
    """Pages of one language, as names relative to book/<lang>/ without .md."""
    base = Path(root) / "book" / lang
    if not base.is_dir():
        return []
    return sorted(p.relative_to(base).with_suffix("").as_posix() for p in base.rglob("*.md"))


def page_rel(lang: str, name: str) -> str:
    return f"book/{lang}/{name}.md"


def toc_files(root: Path) -> list[str]:
    """The pages of _toc.yml in reading order, root first, as names under book/<lang>/.

    One list serves every language: each language's site is built from it (tools/build/sites.py).
    """
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    found.append(node[key].removesuffix(".md"))
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key) or []:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    path = Path(root) / "_toc.yml"
    if path.is_file():
        walk(load_yaml(path.read_text(encoding="utf-8")))
    return found



def missing_problem(source: str, lang: str, name: str) -> Problem:
    return Problem(
        "missing", page_rel(lang, name), None,
        f"missing: {page_rel(source, name)} has no {lang} translation.",
        fix=f"python -m tools.translations start {name} --lang {lang} "
            f"(then translate it and run: make translation-synced PAGE={name} LANG={lang})",
    )


def load_glossary(root: Path = REPO) -> list[dict]:
    path = Path(root) / GLOSSARY
    if not path.is_file():
        return []
    data = load_yaml(path.read_text(encoding="utf-8"))
    return data if isinstance(data, list) else []


