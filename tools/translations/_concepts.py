"""Concept order: every concept is taught before a page uses it, in the reading order of _toc.yml.

glossary.yml gives the concepts a reader must learn an ``introduced: <page>`` key: the
page that teaches it. In each language, no page before that one in the reading order
may use the term in its prose (code, inline code and math are not prose), and that
page must use it. The index and the glossary list every chapter's terms: they are
exempt (``ORDER_EXEMPT``). A term matches as the glossary check matches it (Korean with a
particle attached: 학습률을; English with an ending: costs, diverged, diverging), and so does
a one-word name in parentheses of the English term, on every language's pages (SGD for
"stochastic gradient descent (SGD)"). A longer term that only continues the word is not a use:
텐서플로 is no use of 텐서, 학습률 none of 학습 (배치 크기 is a use of 배치).
tests/test_concept_order.py runs it over the book; ``make check`` over one page.
"""

from __future__ import annotations

import re
from pathlib import Path

from ._glossary import name_patterns, term_pattern, variant_pattern, with_role_text
from ._shared import ORDER_EXEMPT, REPO, languages, load_glossary, page_rel, read_page, toc_files

# Chapters a reader may skip (the index says so), each with the later chapters that build on it
# (they say so at their top and link to it). No other chapter may use what an optional one teaches.
OPTIONAL: dict[str, tuple[str, ...]] = {"noisy_data": ("multiple_inputs",)}


def reading_order(root: Path) -> list[str]:
    """Page names under book/<lang>/ in the order a reader meets them (root first).

    ``toc_files`` gives names relative to book/<lang>/; an older _toc.yml with one part
    per language gives book/<lang>/<name>, which is reduced to the same names.
    """
    order: list[str] = []
    for name in toc_files(root):
        parts = name.split("/")
        if parts[0] == "book" and len(parts) > 2:
            name = "/".join(parts[2:])
        if name not in order:
            order.append(name)
    return order


def page_prose(root: Path, rel: str) -> list[tuple[int, str]]:
    """A page's prose lines, with the visible text of roles ({ref}`학습률 <...>`) kept."""
    raw = (root / rel).read_text(encoding="utf-8").splitlines()
    return [(line, with_role_text(raw[line - 1], text)) for line, text in read_page(root, rel).prose]


def concept_pattern(entry: dict, lang: str) -> re.Pattern:
    """The term of ``lang`` in its forms, and the one-word names in parentheses of the English
    term ("(SGD)", "(dtype)"), which pages of every language write as they are."""
    pattern = term_pattern(entry[lang])
    english = entry.get("en")
    if lang == "en" or not isinstance(english, str) or not name_patterns(english):
        return pattern
    return re.compile("|".join(f"(?:{a})" for a in [pattern.pattern] + name_patterns(english)))


def longer_words(term: str, terms: list[str]) -> re.Pattern | None:
    """The other terms that continue ``term``'s last word (텐서플로 for 텐서, 학습률 for 학습)."""
    longer = [other for other in terms
              if other != term and other.startswith(term) and re.match(r"\w", other[len(term)])]
    return re.compile("|".join(variant_pattern(other).pattern for other in longer)) if longer else None


def uses_of(pattern: re.Pattern, prose: list[tuple[int, str]],
            longer: re.Pattern | None) -> list[tuple[int, re.Match]]:
    """(line, match) of each use of a term in a page's prose lines; the longer words that continue
    it are blanked out first (same columns)."""
    if longer is not None:
        prose = [(line, longer.sub(lambda m: " " * len(m.group(0)), text)) for line, text in prose]
    return [(line, m) for line, text in prose for m in pattern.finditer(text)]


def concept_order_problems(root: Path = REPO, langs: list[str] | None = None) -> list[str]:
    """One line per use of a term before the page that introduces it, and per introducing page
    that never uses its term."""
    root = Path(root)
    order = reading_order(root)
    entries = [e for e in load_glossary(root) if isinstance(e, dict) and e.get("introduced")]
    problems: list[str] = []
    for lang in langs or languages(root):
        taught = [p for p in order if p not in ORDER_EXEMPT and (root / page_rel(lang, p)).is_file()]
        prose = {p: page_prose(root, page_rel(lang, p)) for p in taught}
        terms = [e[lang] for e in load_glossary(root) if isinstance(e, dict) and isinstance(e.get(lang), str)]
        for entry in entries:
            page, term = entry["introduced"], entry.get(lang)
            if not isinstance(term, str):
                continue
            if page not in taught:
                problems.append(f"glossary.yml: {term!r} is introduced in {page!r}, which is not a page of "
                                f"book/{lang}/ in the reading order of _toc.yml ({', '.join(taught)})")
                continue
            pattern, longer = concept_pattern(entry, lang), longer_words(term, terms)
            others = taught[: taught.index(page)]
            if page in OPTIONAL:  # a skipped chapter teaches nothing that the rest of the book needs
                others = [p for p in taught if p != page and p not in OPTIONAL[page]]
            for earlier in others:
                uses = uses_of(pattern, prose[earlier], longer)
                if uses:
                    line, m = uses[0]
                    more = f" (and {len(uses) - 1} more use(s) on the page)" if len(uses) > 1 else ""
                    problems.append(
                        f"{page_rel(lang, earlier)}:{line}: column {m.start() + 1}: uses {m.group(0)!r} "
                        f"{'which the optional' if page in OPTIONAL else 'before'} {page_rel(lang, page)} "
                        f"teaches {term!r}{more}. Fix: rephrase without it, "
                        f"or teach it here and set `introduced: {earlier}` for {term!r} in glossary.yml"
                    )
            if not uses_of(pattern, prose[page], longer):
                problems.append(f"{page_rel(lang, page)}: never uses {term!r}, which glossary.yml says it "
                                f"introduces. Fix: teach it there, or correct `introduced` in glossary.yml")
    return problems
