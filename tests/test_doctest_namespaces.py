"""The build checks a page's doctests in the page's Jupyter kernel and records the results; `make test`
reports those instead of running the page again (book_ext/book_examples.py). That is only sound if a
doctest sees the same names there as in a plain Sybil run under pytest. IPython's kernel adds its own
(In, Out, __, _1, display, get_ipython, ...): a doctest that used one would pass in the build and fail under
pytest. Here one page runs both ways, with a doctest that tells the two namespaces apart."""

from __future__ import annotations

import pytest
from sybil.document import Document

from book_ext import book_examples

pytestmark = pytest.mark.kernel

PAGE = '''---
kernelspec:
  name: python3
  display_name: Python 3
---
# A page

```{code-cell} ipython3
x = 41
x + 1
```

```python
>>> def visible(name):
...     try:
...         eval(name)
...     except NameError:
...         return False
...     return True
>>> [name for name in ("In", "Out", "__", "_i", "_1", "get_ipython", "display", "x") if visible(name)]
['x']
>>> y = x + 1
```

```{code-cell} ipython3
print(y, "In" in globals())
```

```python
>>> y
42
```
'''


def fresh_results(page) -> dict[int, str | None]:
    """Every example of the page run by Sybil in one plain namespace, as pytest runs a page."""
    from sybil.example import SybilFailure

    document = Document.parse(str(page), *book_examples.parsers())
    results: dict[int, str | None] = {}
    for example in document.examples():
        try:
            example.evaluate()
            results[example.line] = None
        except SybilFailure as failure:
            results[example.line] = failure.result
    return results


def kernel_results(page) -> tuple[dict[int, str | None], list[str]]:
    """The page's cells run in a real IPython kernel, each doctest checked after the cells above it, as the
    build does (book_examples.plan and checking_cell); the doctests' results and the cells' printed lines."""
    from jupyter_client.manager import start_new_kernel

    found = book_examples.examples(page)
    cells = [example.parsed for example in Document.parse(str(page), book_examples.parsers()[0]).examples()]
    after = book_examples.plan(found, len(cells))
    assert after is not None
    results: dict[int, str | None] = {}
    printed: list[str] = []
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        def run(code: str) -> str:
            out: list[str] = []

            def keep(msg: dict) -> None:
                if msg["msg_type"] == "stream":
                    out.append(msg["content"]["text"])

            reply = client.execute_interactive(code, timeout=60, output_hook=keep)
            assert reply["content"]["status"] == "ok", reply["content"]
            return "".join(out)

        for ran in range(len(cells) + 1):
            if ran in after:
                output = run(book_examples.checking_cell(page, after[ran]))
                results.update(book_examples.results_of([{"output_type": "stream", "name": "stdout", "text": output}]))
            if ran < len(cells):
                printed.append(run(str(cells[ran])).strip())
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return results, printed


def test_a_doctest_sees_the_same_names_in_the_build_kernel_as_under_pytest(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    doctests = [line for line, kind in book_examples.examples(page) if kind == book_examples.DOCTEST]
    fresh = fresh_results(page)
    recorded, printed = kernel_results(page)
    # The kernel does have IPython's names: the cells see them; the checked doctests do not.
    assert printed[-1] == "42 True", printed
    assert {line: fresh[line] for line in doctests} == {line: None for line in doctests}, fresh
    assert recorded == {line: None for line in doctests}, recorded
