"""What a reader sees: the book's doctest convention, and code that fits its block.

A page is read by a beginner (CONTRIBUTING.md, "Examples a reader sees, checks a reader doesn't"):

- a visible doctest (```` ```python ```` with ``>>>``) shows a value a learner would print: never
  ``bool(...)``, a closeness test, or an answer made only of ``True`` and ``False``;
- a check that only guards the prose is a hidden block, Sybil's invisible code block in a MyST
  comment (``% invisible-code-block: python``), written as ``assert`` statements;
- no code line a reader sees is wider than its block on the site at 1280 px
  (``tests/test_browser.py`` measures it; ``MAX_COLUMNS`` is the same limit, counted in the file).
"""

from __future__ import annotations

import doctest
import re
import unicodedata
from pathlib import Path

from ._shared import REPO, Page, Problem, languages, page_names, page_rel, read_page

# Columns of a code line (a wide character, such as Hangul, counts twice): what fits a code block,
# collapsed cells included, at 1280 px; tests/test_browser.py measures the blocks themselves.
MAX_COLUMNS = 74
# What a visible doctest must not show: the test-harness idioms a learner would not type.
HARNESS = re.compile(r"\bbool\(|\bnp\.(?:allclose|isclose|array_equal)\(|\bmath\.isclose\(")
ONLY_BOOLEANS = re.compile(r"^[\s()\[\],]*(?:(?:True|False)[\s()\[\],]*)+$")
# Cells whose code the page does not show.
NO_INPUT = {"remove-cell", "remove-input"}


def columns(line: str) -> int:
    """How many monospace columns ``line`` takes: a wide (East Asian) character counts as two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _wide_lines(code: str, first_line: int) -> list[tuple[int, int]]:
    return [(first_line + k, columns(text)) for k, text in enumerate(code.splitlines())
            if columns(text) > MAX_COLUMNS]


def page_reader_problems(page: Page) -> list[Problem]:
    """The doctest convention and the code width of one page."""
    problems: list[Problem] = []

    def add(line: int, message: str, fix: str) -> None:
        problems.append(Problem("reader", page.path, line, message, fix))

    for block in page.blocks:
        if block.hidden:
            if block.is_doctest:
                add(block.line, "a hidden check is written as a doctest; Sybil runs a hidden block as code",
                    "write it as assert statements, e.g. `assert cost < 1e-3, cost`")
            continue
        for line, width in _wide_lines(block.code, block.code_line):
            add(line, f"this code line is {width} columns wide; the site shows {MAX_COLUMNS}",
                "wrap or shorten it")
        if not block.is_doctest:
            continue
        try:
            examples = doctest.DocTestParser().get_examples(block.code)
        except ValueError:
            continue  # parity reports an invalid doctest
        for example in examples:
            at = block.code_line + example.lineno
            if HARNESS.search(example.source):
                add(at, f"the visible doctest `>>> {example.source.strip()}` is a test, not an example",
                    "show the value a reader would print (rounded), and move the comparison to a hidden "
                    "check: % invisible-code-block: python (CONTRIBUTING.md)")
            elif example.want.strip() and ONLY_BOOLEANS.match(example.want):
                add(at, f"the visible doctest `>>> {example.source.strip()}` answers only "
                        f"{example.want.strip()}",
                    "show the values themselves, and move the comparison to a hidden check: "
                    "% invisible-code-block: python (CONTRIBUTING.md)")
    for cell in page.cells:
        tags = cell.options.get("tags") or []
        if NO_INPUT & set(tags if isinstance(tags, list) else [tags]):
            continue
        for line, width in _wide_lines(cell.code, cell.code_line):
            add(line, f"this code line is {width} columns wide; the site shows {MAX_COLUMNS}",
                "wrap or shorten it")
    return problems


def reader_problems(root: Path = REPO, langs: list[str] | None = None,
                    names: list[str] | None = None) -> list[Problem]:
    """The doctest convention and the code width of every page (of ``langs``, named ``names``)."""
    problems: list[Problem] = []
    for lang in langs or languages(root):
        for name in names or page_names(root, lang):
            if (Path(root) / page_rel(lang, name)).is_file():
                problems += page_reader_problems(read_page(root, page_rel(lang, name)))
    return problems
