"""The project's Python (tools, tests, examples, extensions) passes ruff with the repository's settings."""

import subprocess
import sys

from tests.bookinfo import ROOT


def test_ruff_finds_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
