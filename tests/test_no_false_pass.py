"""`make test` reports the results that the build recorded for a page's examples instead of running them
again, while the build's inputs are unchanged (book_ext/book_examples.py, tools/build/inputs.py). That must
never turn a failure into a pass: what changes a page's result under pytest changes the digest, and the
build's kernels fail a page where pytest would, warnings included. (The namespaces the doctests see are
tested in tests/test_doctest_namespaces.py.)"""

from __future__ import annotations

import json
import warnings

import nbformat
import pytest

from book_ext import book_examples
from tools.build import execute, inputs
from tools.build.paths import Paths

PAGE = "# 페이지\n\n```python\n>>> 1 + 1\n2\n```\n"
PYPROJECT = '[tool.pytest.ini_options]\nfilterwarnings = ["error:Glyph:UserWarning"]\n'


@pytest.fixture
def recorded(scratch_book) -> Paths:
    """A scratch book whose one page has a record made from the inputs as they are."""
    paths = scratch_book({"ko": {"p": PAGE}}, files={"pyproject.toml": PYPROJECT, "conftest.py": ""})
    page = paths.root / "book" / "ko" / "p.md"
    record = book_examples.record_path(paths.root, page)
    record.parent.mkdir(parents=True)
    results = {line: None for line, _ in book_examples.examples(page)}
    record.write_text(json.dumps({"inputs": inputs.inputs_digest(paths), "results": results}), encoding="utf-8")
    assert book_examples.valid_record(paths.root, page, inputs.inputs_digest(paths)) == results
    return paths


@pytest.mark.parametrize("planted", [
    ("pyproject.toml", PYPROJECT.replace('"]', '", "error::DeprecationWarning"]')),  # a warning filter
    ("pyproject.toml", PYPROJECT + 'addopts = "-p no:randomly"\n'),  # pytest's options
    ("conftest.py", "import os\n"),  # the conftest.py that collects the pages
])
def test_a_change_to_what_pytest_runs_a_page_with_invalidates_the_recorded_results(recorded, planted):
    name, text = planted
    (recorded.root / name).write_text(text, encoding="utf-8")
    page = recorded.root / "book" / "ko" / "p.md"
    assert book_examples.valid_record(recorded.root, page, inputs.inputs_digest(recorded)) is None


def test_pytests_warning_filters_are_read_and_applied_as_pytest_reads_them(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\nfilterwarnings = ["error:Glyph:UserWarning", '
        '"ignore:old:DeprecationWarning", "error::matplotlib.MatplotlibDeprecationWarning"]\n', encoding="utf-8")
    filters = book_examples.configured_warning_filters(tmp_path)
    assert len(filters) == 3
    from matplotlib import MatplotlibDeprecationWarning

    with warnings.catch_warnings():
        book_examples.apply_warning_filters(filters)
        with pytest.raises(UserWarning, match="Glyph 50504"):
            warnings.warn("Glyph 50504 missing from font(s)", UserWarning, stacklevel=1)
        with pytest.raises(MatplotlibDeprecationWarning):
            warnings.warn("gone", MatplotlibDeprecationWarning, stacklevel=1)
        with warnings.catch_warnings(record=True) as shown:
            warnings.warn("old API", DeprecationWarning, stacklevel=1)  # ignored
            warnings.warn("another thing", UserWarning, stacklevel=1)  # only Glyph is an error
        assert [str(w.message) for w in shown] == ["another thing"]
    assert book_examples.configured_warning_filters(tmp_path / "nowhere") == []


@pytest.mark.kernel
@pytest.mark.parametrize("filtered", [True, False])
def test_a_warning_that_fails_a_page_under_pytest_fails_it_in_the_build(tmp_path, filtered):
    """The build runs each page with the check cells it adds (the first applies pytest's warning
    filters); a cell that warns fails there exactly when pytest's filters make the warning an error."""
    filters = '["error:planted:UserWarning"]' if filtered else "[]"
    (tmp_path / "pyproject.toml").write_text(f"[tool.pytest.ini_options]\nfilterwarnings = {filters}\n",
                                             encoding="utf-8")
    page = tmp_path / "p.md"
    page.write_text("# p\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import warnings\nwarnings.warn('planted', UserWarning)\nprint('after')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    execute.add_checks(nb, page, {}, book_examples.warnings_cell(tmp_path))
    result = execute.execute_notebook(nb, str(tmp_path), timeout=60)
    execute.take_checks(nb)
    assert len(nb.cells) == 1, "the build's own cell is taken out again"
    if filtered:
        assert result.err is not None and "planted" in result.exc_string
    else:
        assert result.err is None, result.exc_string
