"""Sybil collects the code of every page in every language of the book.

Each page is a MyST text notebook. Its ``{code-cell} ipython3`` cells and its
```python doctest blocks (``>>>``) run in document order in one namespace per
page, so a doctest in the prose checks the numbers the cells above it computed.
"""

import os

# Quiet TensorFlow's C++ logging before any page imports it (the one definition: _ext/book_env.py).
import book_ext.book_env  # noqa: F401

# Figures are drawn without a screen.
os.environ.setdefault("MPLBACKEND", "Agg")

from sybil import Sybil  # noqa: E402

from tests.bookinfo import sybil_parsers  # noqa: E402

pytest_collect_file = Sybil(
    parsers=sybil_parsers(),
    patterns=["book/**/*.md"],
    excludes=["**/README.md"],
).pytest()
