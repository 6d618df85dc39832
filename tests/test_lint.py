"""The project's Python (tools, tests, examples, extensions) passes ruff with the repository's settings;
`make lint` runs ruff, then mypy over the tools and the extensions; and the order in which `make test`
starts the test files (conftest.py) names only files that exist."""

import subprocess
import sys
import tomllib

import conftest
from tests.bookinfo import ROOT
from tests.test_layers import make_commands


def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_longest_first_order_names_existing_test_files_once():
    paths = conftest.LONGEST_FIRST
    assert len(set(paths)) == len(paths), paths
    missing = [p for p in paths if not (ROOT / p).is_file() or not p.startswith("tests/test_")]
    assert not missing, f"conftest.LONGEST_FIRST names no test file: {missing}"


def test_make_lint_runs_ruff_over_everything_then_mypy_over_the_tools_and_the_extensions():
    tools = [words[words.index("-m") + 1:] for words in make_commands("lint") if "-m" in words]
    assert tools == [["ruff", "check", "."], ["mypy"]], tools
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert sorted(mypy["files"]) == ["book_ext", "tools"], mypy
