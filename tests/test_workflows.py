"""The GitHub Actions workflows are valid and pass zizmor's security audit, offline.

- check-jsonschema validates every workflow against the GitHub workflow schema that it
  ships (``--builtin-schema vendor.github-workflows``: no download);
- ``zizmor --offline`` audits them (unpinned actions, credentials left in the checkout,
  excessive permissions, template injection, ...).

Both come from .venv (requirements.txt) and run as subprocesses; a failure shows their output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bookinfo import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
# .venv/bin (make venv), else the environment that runs pytest.
BINS = [ROOT / ".venv" / "bin", Path(sys.executable).parent]


def tool(name: str) -> str:
    for directory in BINS:
        if (directory / name).exists():
            return str(directory / name)
    pytest.fail(f"{name} is not in {BINS[0]}: install requirements.txt into .venv (make venv)")


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)


def test_there_are_workflows():
    names = {p.name for p in WORKFLOWS}
    assert {"book.yml", "latest-tensorflow.yml"} <= names, names


def test_workflows_match_the_github_workflow_schema():
    result = run(
        tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)
    )
    assert result.returncode == 0, f"check-jsonschema:\n{result.stdout}\n{result.stderr}"


def test_zizmor_finds_nothing():
    result = run(tool("zizmor"), "--offline", "--no-progress", *map(str, WORKFLOWS))
    assert result.returncode == 0, f"zizmor --offline:\n{result.stdout}\n{result.stderr}"
