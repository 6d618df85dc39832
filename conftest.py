"""Sybil collects the code of every page in every language of the book.

Each page is a MyST text notebook. Its ``{code-cell} ipython3`` cells and its
```python doctest blocks (``>>>``) run in document order in one namespace per
page, so a doctest in the prose checks the numbers the cells above it computed.

A page that the build executed from the inputs as they are now reports the results that
Sybil found in the build's kernel instead of running a second time (book_ext/book_examples.py);
any other page runs here. The report header says how many of each.
"""

import functools
import os

import pytest

# Quiet TensorFlow's C++ logging before any page imports it (the one definition: book_ext/book_env.py).
import book_ext.book_env  # noqa: F401

# Figures are drawn without a screen.
os.environ.setdefault("MPLBACKEND", "Agg")

from book_ext import book_examples  # noqa: E402
from tools.build.inputs import inputs_digest as digest_of  # noqa: E402
from tools.build.paths import REPO, Paths  # noqa: E402

ROOT = REPO
# The inputs as they are now, in the build's own terms (tools/build/inputs.py, make test's --if-changed).
inputs_digest = functools.cache(functools.partial(digest_of, Paths.of(ROOT)))

pytest_collect_file = book_examples.sybil(ROOT, inputs_digest).pytest()

# Sphinx's own test fixtures (app, make_app, the `sphinx` marker): each extension of book_ext/ is
# built on a tiny project of tests/roots/ (tests/conftest.py: rootdir).
pytest_plugins = ["sphinx.testing.fixtures"]


def pytest_report_header(config):
    pages = [p for p in sorted((ROOT / "book").rglob("*.md")) if book_examples.examples(p)]
    recorded = [p for p in pages if book_examples.valid_record(ROOT, p, inputs_digest()) is not None]
    return (f"book examples: {len(recorded)} of the {len(pages)} pages with examples report what Sybil found "
            f"in the build's kernels ({book_examples.RECORDS}/, same inputs); {len(pages) - len(recorded)} run here")


# The test files that take longest, longest first (alone, with --durations; 2 cores). `make test`
# spreads whole files over its workers in the order collected (--no-loadscope-reorder), so these
# start first and the short ones fill in at the end: no worker is left alone with a long file while
# the others are idle. A stale list changes only the order, never a result.
LONGEST_FIRST = (
    "tests/test_browser.py",
    "tests/test_downloads.py",
    "tests/test_explorer_browser.py",
    "tests/test_translations.py",
    "tests/test_examples.py",
    "tests/test_example_scripts.py",
    "tests/test_site.py",
    "tests/test_site_notebooks.py",
    "tests/test_site_offline.py",
    "tests/test_kernels.py",
    "tests/test_bench.py",
    "tests/test_built_pages.py",
    "tests/test_missing_glyph.py",
)


def pytest_collection_modifyitems(session, config, items):
    # The examples of the pages run the pages' code, TensorFlow's training included (pyproject.toml's
    # markers; `make unit` leaves them out).
    for item in items:
        if item.path.is_relative_to(ROOT / "book"):
            item.add_marker(pytest.mark.tensorflow)
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))  # stable: in-file order kept
