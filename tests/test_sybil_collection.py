"""Every page of every language is collected by Sybil, with all of its examples.

A page whose examples silently stop being collected (a cell written as
``{code-cell} python3``, a page moved out of book/, _build collected twice)
fails here, naming the page.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter

import pytest

from tests.bookinfo import BOOK, ROOT, languages, pages

CODE_CELL = re.compile(r"^```\{code-cell\} ipython3\s*$", re.MULTILINE)
ANY_CODE_CELL = re.compile(r"^```\{code-cell\}(.*)$", re.MULTILINE)
PY_FENCE = re.compile(r"^```python\s*$", re.MULTILINE)


def expected_examples(text: str) -> int:
    """Examples a reader sees: each code cell, and each ```python block (one per >>> statement)."""
    count = len(CODE_CELL.findall(text))
    for block in re.findall(r"^```python\s*\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        count += sum(1 for line in block.splitlines() if line.startswith(">>> "))
    return count


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
    path = BOOK / lang / page
    text = path.read_text(encoding="utf-8")
    name = f"book/{lang}/{page.as_posix()}"
    for info in ANY_CODE_CELL.findall(text):
        assert info.strip() == "ipython3", f"{name}: code cell with language {info.strip()!r} would not run"
    expected = expected_examples(text)
    assert collected[name] == expected, (
        f"{name}: pytest collects {collected[name]} examples, the page has {expected}"
    )


def test_build_output_is_never_collected(collected):
    assert not [f for f in collected if not f.startswith("book/")], collected
