"""The gradient-descent explorer (_static/gd_explorer.js) without a browser: it stays small and
fetches nothing; the pages' explorer cells, run on stand-in values, are the same program with the
same strings in every language; the built pages load it only where it is.

The explorer in a real headless Chromium, against NumPy: test_explorer_browser.py.
"""

from __future__ import annotations

import ast
import json

import numpy as np
import pytest

from tests.bookinfo import ROOT, languages
from tools import translations

STATIC = ROOT / "_static"
ASSETS = ("gd_explorer.js", "gd_explorer.css")
SIZE_LIMIT = 30_000
EXPLORER_PAGES = ("learning_rate", "sgd")


# ---- the page's explorer cell, run on stand-in values ---------------------------------------


def explorer_cell(lang: str, page: str) -> str:
    cells = translations.read_page(ROOT, f"book/{lang}/{page}.md").cells
    found = [c for c in cells if c.code.lstrip().startswith("# The explorer:")]
    assert len(found) == 1, f"book/{lang}/{page}.md: {len(found)} explorer cells, expected 1"
    assert "remove-input" in found[0].options.get("tags", []), "the explorer cell must be tagged remove-input"
    return found[0].code


def stand_ins() -> dict:
    """The variables the explorer cells read, with the book's data and plausible initial values."""
    x_train = np.array([1, 2, 3, 4], dtype=np.float32)
    y_train = np.array([0, -1, -2, -3], dtype=np.float32)
    m = len(x_train)
    H = 2 / m * np.array([[np.sum(x_train**2), np.sum(x_train)], [np.sum(x_train), m]])
    return {
        "np": np,
        "x_train": x_train,
        "y_train": y_train,
        "W_init": np.float32(-0.83147216),
        "b_init": np.float32(0.0),
        "W0": np.float32(-0.83147216),
        "b0": np.float32(0.0),
        "threshold": 2 / np.linalg.eigvalsh(H).max(),
        "rates": [0.001, 0.1, 0.13],
        "runs": {4: None, 2: None, 1: None} | {rate: np.zeros(200) for rate in (0.001, 0.1, 0.13)},
        "updates": 200,
    }


def run_cell(code: str, namespace: dict) -> str:
    """The HTML the cell outputs: the value of its last expression."""
    tree = ast.parse(code)
    last = tree.body.pop()
    assert isinstance(last, ast.Expr), "the explorer cell must end with the HTML(...) expression"
    exec(compile(tree, "<explorer cell>", "exec"), namespace)
    return eval(compile(ast.Expression(last.value), "<explorer cell>", "eval"), namespace).data


# ---- tests -----------------------------------------------------------------------------------


def test_the_explorer_stays_small():
    size = sum((STATIC / asset).stat().st_size for asset in ASSETS)
    assert size < SIZE_LIMIT, f"gd_explorer.js + .css are {size} bytes, over {SIZE_LIMIT}"
    source = (STATIC / "gd_explorer.js").read_text(encoding="utf-8")
    for request in ("fetch(", "XMLHttpRequest", "import(", "http://", "https://"):
        assert request not in source.replace("http://www.w3.org/2000/svg", ""), f"gd_explorer.js uses {request}"


@pytest.mark.parametrize("page", EXPLORER_PAGES)
@pytest.mark.parametrize("lang", languages())
def test_explorer_cells_are_the_same_program_in_every_language(lang, page):
    source = explorer_cell(languages()[0], page)
    assert translations.code_difference(explorer_cell(lang, page), source) is None

    def strings(code: str) -> set[str]:
        html = run_cell(code, stand_ins())
        return set(json.loads(html.split('json">')[1].split("</script>")[0])["text"])

    assert strings(explorer_cell(lang, page)) == strings(source), "the UI strings differ between languages"


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_built_pages_load_the_explorer_only_where_it_is(built, lang):
    names = sorted(p.stem for p in (built / lang).glob("*.html"))
    assert set(EXPLORER_PAGES) <= set(names), f"{lang}/: {names}"
    for name in names:
        rel = f"{lang}/{name}.html"
        html = (built / rel).read_text(encoding="utf-8")
        has = 'class="gd-explorer"' in html
        assert has == (name in EXPLORER_PAGES), f"{rel}: explorer {'present' if has else 'missing'}"
        assert ("gd_explorer.js" in html) == has, f"{rel}: gd_explorer.js {'missing' if has else 'loaded'}"
        assert ("gd_explorer.css" in html) == has, f"{rel}: gd_explorer.css {'missing' if has else 'loaded'}"
        if has:
            # Without JavaScript the page still shows its static figures.
            assert "<img" in html, f"{rel}: no static figure"

