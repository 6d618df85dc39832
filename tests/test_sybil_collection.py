"""Every page of every language is collected by Sybil, with all of its examples.

A page whose examples silently stop being collected (a cell written as
``{code-cell} python3``, a page moved out of book/, _build collected twice)
fails here, naming the page.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from book_ext import book_examples
from book_ext.book_page import Page, read_page
from tests.bookinfo import ROOT, languages, pages


def expected_examples(page: Page) -> int:
    """Each code cell, each ```python block (one per >>> statement) and each hidden check."""
    cells = sum(1 for cell in page.cells if cell.language == "ipython3")
    checks = len(page.checks)
    return cells + checks + sum(block.prompts for block in page.blocks if block.directive is None)


@pytest.fixture(scope="module")
def collected() -> Counter:
    """Items pytest really collects from book/, counted per file."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "book"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    counts: Counter = Counter()
    for line in result.stdout.splitlines():
        if "::" in line:
            counts[line.split("::", 1)[0]] += 1
    return counts


def all_pages():
    return [(lang, page) for lang in languages() for page in pages(lang)]


@pytest.mark.parametrize(("lang", "page"), all_pages(), ids=lambda v: str(v))
def test_page_examples_are_all_collected(collected, lang, page):
    name = f"book/{lang}/{page.as_posix()}"
    model = read_page(ROOT, name)
    for cell in model.cells:
        assert cell.language == "ipython3", f"{name}: code cell with language {cell.language!r} would not run"
    expected = expected_examples(model)
    assert collected[name] == expected, (
        f"{name}: pytest collects {collected[name]} examples, the page has {expected}"
    )


def test_build_output_is_never_collected(collected):
    assert not [f for f in collected if not f.startswith("book/")], collected


@pytest.mark.parametrize(("lang", "page"), all_pages(), ids=lambda v: str(v))
def test_cells_need_nothing_that_only_a_doctest_defines(lang, page):
    """The build and Sybil run the doctests between the cells; a reader's notebook has only the cells."""
    problems = book_examples.lent_names(ROOT / "book" / lang / page)
    assert not problems, "\n".join(problems)


def lent_names_after_a_cell(tmp_path, rest: str) -> list[str]:
    """What book_examples.lent_names finds in a page of a title and a cell that defines ``a`` (lines 1
    to 5), then ``rest`` (from line 6 on)."""
    page = tmp_path / "page.md"
    page.write_text("# A page\n\n```{code-cell} ipython3\na = 1\n```\n" + rest, encoding="utf-8")
    return book_examples.lent_names(page)


def test_a_cell_that_needs_a_doctest_is_found(tmp_path):
    problems = lent_names_after_a_cell(tmp_path, """
```python
>>> b = a + 1
>>> import math as m
```

```{code-cell} ipython3
print(b, m.pi)
```

```{code-cell} ipython3
b = 5
print(b)
```
""")
    # Line 12 reads b and m, which only the doctests at lines 8 and 9 define; the last cell defines b itself.
    assert [(p.split(":")[1], p.split("'")[1]) for p in problems] == [("12", "b"), ("12", "m")], problems
    assert "doctest at line 8" in problems[0] and "doctest at line 9" in problems[1], problems


def test_a_cell_that_needs_a_hidden_check_is_found(tmp_path):
    problems = lent_names_after_a_cell(tmp_path, """
% invisible-code-block: python
%
% assert a == 1
% c = a + 1

```{code-cell} ipython3
print(c)
```
""")
    assert len(problems) == 1 and ":12:" in problems[0] and "'c'" in problems[0] and "line 7" in problems[0], problems


def test_only_the_pages_under_the_books_own_folder_are_collected(tmp_path):
    """A folder named book/ elsewhere (a tiny test project, say) holds no page of the book."""
    sybil = book_examples.sybil(tmp_path, lambda: "digest")
    assert sybil.should_parse(tmp_path / "book" / "ko" / "sgd.md")
    assert sybil.should_parse(tmp_path / "book" / "en" / "sgd.md")
    assert not sybil.should_parse(tmp_path / "book" / "README.md")
    assert not sybil.should_parse(tmp_path / "tests" / "roots" / "test-x" / "book" / "ko" / "sgd.md")
    assert not sybil.should_parse(tmp_path / "README.md")
