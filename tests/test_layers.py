"""The tests come in layers, by what they need (pyproject.toml's markers): `make unit` runs the tests
that need no built book, no browser, no kernel and no TensorFlow, and tests/conftest.py fails a test
that needs one of them without its marker."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET

from tests.bookinfo import ROOT

PLANTED = '''
import sys
import types

import pytest


@pytest.fixture(autouse=True)
def forget_tensorflow():
    yield
    sys.modules.pop("tensorflow", None)


def test_needs_nothing():
    pass


def test_unmarked_reads_the_book(built):
    pass


def test_unmarked_reads_a_page(soup_of):
    pass


@pytest.mark.book
def test_marked_reads_the_book(built):
    assert (built / "index.html").is_file()


@pytest.mark.book
def test_marked_book_only_drives_the_browser(browser):
    pass


def test_unmarked_imports_tensorflow():
    sys.modules["tensorflow"] = types.ModuleType("tensorflow")


@pytest.mark.tensorflow
def test_marked_imports_tensorflow():
    sys.modules["tensorflow"] = types.ModuleType("tensorflow")
'''


def make_commands(target: str) -> list[list[str]]:
    """The commands that `make <target>` runs, as words (make -n: printed, not run; .venv taken as set up)."""
    make = shutil.which("make")
    assert make, f"make is needed for `make {target}`"
    dry = subprocess.run([make, "-n", "-o", ".venv/.installed-requirements", target], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    assert dry.returncode == 0, dry.stderr
    return [shlex.split(line) for line in dry.stdout.splitlines() if line.strip()]


def test_a_test_that_needs_a_layer_without_its_marker_fails_and_says_which(tmp_path):
    site = tmp_path / "html"
    site.mkdir()
    (site / "index.html").write_text("<html></html>", encoding="utf-8")
    planted = tmp_path / "test_planted.py"
    planted.write_text(PLANTED, encoding="utf-8")
    report = tmp_path / "report.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "tests.conftest",
         "-c", str(ROOT / "pyproject.toml"), f"--junitxml={report}", str(planted)],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, "BOOK_HTML": str(site)},
    )
    assert report.is_file(), result.stdout + result.stderr
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        problem = case.find("error") if case.find("error") is not None else case.find("failure")
        outcomes[case.get("name")] = None if problem is None else f"{problem.get('message')} {problem.text}"
    assert outcomes.keys() == {line.removeprefix("def ").split("(")[0]
                               for line in PLANTED.splitlines() if line.startswith("def test_")}, outcomes
    for name in ("test_needs_nothing", "test_marked_reads_the_book", "test_marked_imports_tensorflow"):
        assert outcomes[name] is None, (name, outcomes[name])
    for name, marker in (("test_unmarked_reads_the_book", "book"), ("test_unmarked_reads_a_page", "book"),
                         ("test_marked_book_only_drives_the_browser", "browser"),
                         ("test_unmarked_imports_tensorflow", "tensorflow")):
        assert outcomes[name] is not None and f"@pytest.mark.{marker}" in outcomes[name], (name, outcomes[name])


def test_make_unit_leaves_out_every_layer_the_page_examples_and_the_downloaded_notebooks():
    (command,) = [words for words in make_commands("unit") if "pytest" in words]
    expression = command[max(i for i, arg in enumerate(command) if arg == "-m") + 1]  # after `-m pytest`
    markers = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    layers = {line.split(":")[0] for line in markers["markers"]} - {"downloaded_notebooks"}
    assert expression.startswith("not (") and set(expression[5:-1].split(" or ")) == layers, expression
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "-m", expression],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr
    files = {line.split("::")[0] for line in collected.stdout.splitlines() if "::" in line}
    assert "tests/test_layers.py" in files, sorted(files)
    assert not [f for f in files if f.startswith("book/")], "make unit runs the pages' examples (TensorFlow)"
    assert "tests/test_notebooks_as_downloaded.py" not in files and "tests/test_browser.py" not in files, files
