"""The book's doctest convention (CONTRIBUTING.md): examples a reader learns from, checks a reader
never meets.

- Every page of every language follows it (tools/translations/_reader.py), and the checker finds a
  planted breach of each rule;
- a hidden check (``% invisible-code-block: python``) runs under Sybil and fails on a false claim;
- the built site and the notebooks a reader downloads show no hidden check and no harness doctest.
"""

from __future__ import annotations

import json

import pytest

from book_ext import book_examples
from book_ext.book_notebook_markdown import notebook_markdown
from book_ext.book_page import parse_page
from tests.bookinfo import ROOT, languages, site_pages
from tools.translations._reader import MAX_COLUMNS, columns, page_reader_problems, reader_problems

PAGE = """\
# A page

```{code-cell} ipython3
cost = 0.25
```

The cost is a quarter.

```python
>>> round(cost, 2)
0.25
```

% invisible-code-block: python
%
% assert 0 < cost < 1, cost

Done.
"""


def test_every_page_follows_the_convention():
    problems = reader_problems(ROOT)
    assert not problems, "\n".join(str(p) for p in problems)


def test_a_page_that_follows_it_has_no_problem():
    assert page_reader_problems(parse_page(PAGE, "book/ko/p.md")) == []


@pytest.mark.parametrize(("doctest", "word"), [
    (">>> bool(cost < 1)\nTrue\n", "is a test"),
    (">>> np.allclose(cost, 0.25)\nTrue\n", "is a test"),
    (">>> cost < 1, cost > 0\n(True, True)\n", "answers only"),
    (">>> cost == 0.25\nTrue\n", "answers only"),
])
def test_a_harness_doctest_is_found(doctest, word):
    page = parse_page(PAGE.replace(">>> round(cost, 2)\n0.25\n", doctest), "book/ko/p.md")
    problems = page_reader_problems(page)
    assert len(problems) == 1 and word in problems[0].message and problems[0].line == 10, problems


def test_a_hidden_doctest_and_a_wide_line_are_found():
    wide = "x = " + "1 + " * 20 + "1"
    page = parse_page(PAGE.replace("% assert 0 < cost < 1, cost", "% >>> cost\n% 0.25")
                      .replace("cost = 0.25", f"cost = 0.25\n{wide}"), "book/ko/p.md")
    messages = sorted(p.message for p in page_reader_problems(page))
    assert len(messages) == 2, messages
    assert "hidden check is written as a doctest" in messages[0]
    assert f"{columns(wide)} columns wide" in messages[1]


def test_hangul_counts_twice_in_a_code_line():
    assert columns("비용") == 4 and columns("cost") == 4
    assert columns("# " + "가" * (MAX_COLUMNS // 2)) > MAX_COLUMNS


def test_the_page_model_reads_a_hidden_check_and_the_notebook_drops_it():
    page = parse_page(PAGE, "book/ko/p.md")
    assert [(b.line, b.code_line, b.hidden, b.code) for b in page.checks] == [
        (14, 16, True, "assert 0 < cost < 1, cost\n")]
    assert page.comments == [(14, 16)]
    assert "invisible-code-block" not in notebook_markdown(PAGE) and "assert" not in notebook_markdown(PAGE)
    assert "\n\n\n" not in notebook_markdown(PAGE)


def test_sybil_runs_a_hidden_check_and_fails_on_a_false_claim(tmp_path):
    path = tmp_path / "page.md"
    path.write_text(PAGE.replace("assert 0 < cost < 1", "assert cost > 1"), encoding="utf-8")
    examples = list(book_examples.parse(path).examples())
    assert [kind for _, kind in book_examples.examples(path)] == ["cell", "doctest", "doctest"]
    examples[0].evaluate()
    examples[1].evaluate()
    with pytest.raises(AssertionError, match="0.25"):
        examples[2].evaluate()


@pytest.mark.parametrize("rel", site_pages())
@pytest.mark.book
def test_the_site_shows_no_check_and_no_harness_doctest(soup_of, rel):
    soup = soup_of(rel)
    assert "invisible-code-block" not in soup.get_text(), f"{rel}: a hidden check shows on the page"
    for pre in soup.select("article div.highlight-python pre"):
        text = pre.get_text()
        assert "bool(" not in text, f"{rel}: a visible doctest shows bool(...): {text[:200]!r}"


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
def test_the_downloaded_notebooks_carry_no_check_and_no_myst_markup(built, lang):
    notebooks = sorted((built / lang / "_sources").glob("*.ipynb"))
    assert notebooks, f"{lang}: no notebook was written"
    for path in notebooks:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(cell["source"]) for cell in cells)
        assert "invisible-code-block" not in text, f"{path.name}: the notebook carries a hidden check"
        assert not [line for line in text.splitlines() if line.startswith("% ")], path.name
        # ... nor MyST markup that Jupyter and Colab would show as it is (book_notebook_markdown.py)
        markdown = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
        for markup in (":::", "{ref}", "{doc}", f"`{lang}_", ":class:"):
            assert markup not in markdown, f"{lang}/{path.name}: the notebook shows {markup!r}"
