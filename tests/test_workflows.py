"""The GitHub Actions workflows do what CI must do, are valid, and pass zizmor's security audit, offline.

- What they do, read from the YAML: every pull request and push to main runs .ci/run (lint, then the
  book and every test), which needs nothing but read access; only main's push publishes, the site
  that run built (_build/html), on gh-pages, from the one job that may write; the weekly jobs run
  .ci/run with the newest TensorFlow and `make audit`;
- check-jsonschema validates every workflow against the GitHub workflow schema that it
  ships (``--builtin-schema vendor.github-workflows``: no download);
- ``zizmor --offline`` audits them (unpinned actions, credentials left in the checkout,
  excessive permissions, template injection, ...).

Both tools come from .venv (requirements.txt) and run as subprocesses; a failure shows their output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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


def workflow(name: str) -> dict:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(job: dict, uses: str | None = None) -> list[dict]:
    """The job's steps; with ``uses``, those of that action (any version)."""
    return [s for s in job["steps"] if uses is None or s.get("uses", "").split("@")[0] == uses]


def runs(job: dict) -> list[str]:
    """The job's shell commands, one per line of its run steps."""
    return [line.strip() for s in job["steps"] for line in s.get("run", "").splitlines() if line.strip()]


def test_every_pull_request_and_push_to_main_runs_ci_with_read_access_only():
    book = workflow("book.yml")
    assert "pull_request" in book["on"] and book["on"]["push"]["branches"] == ["main"], book["on"]
    assert book["permissions"] == {}, "the workflow's default permissions must be none"
    build = book["jobs"]["build"]
    assert ".ci/run" in runs(build), runs(build)
    assert build["permissions"] == {"contents": "read"}, build["permissions"]
    assert "if" not in build, "every event builds and tests"
    for checkout in steps(build, "actions/checkout"):
        assert checkout["with"]["persist-credentials"] is False


def test_only_mains_push_publishes_the_site_that_its_build_made_on_gh_pages():
    book = workflow("book.yml")
    build, deploy = book["jobs"]["build"], book["jobs"]["deploy"]
    on_main = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    (upload,) = [s for s in steps(build, "actions/upload-artifact") if s["with"]["path"] == "_build/html"]
    assert upload["if"] == on_main and upload["with"]["if-no-files-found"] == "error", upload
    assert deploy["needs"] in ("build", ["build"]) and deploy["if"] == on_main, deploy
    (download,) = steps(deploy, "actions/download-artifact")
    assert download["with"]["name"] == upload["with"]["name"], "deploy must publish what the build uploaded"
    pushes = [line for line in runs(deploy) if "push" in line and "gh-pages" in line]
    assert pushes and "touch .nojekyll" in runs(deploy), runs(deploy)
    writers = [(f, name) for f in WORKFLOWS for name, job in workflow(f.name)["jobs"].items()
               if "write" in job.get("permissions", {}).values()]
    assert writers == [(ROOT / ".github" / "workflows" / "book.yml", "deploy")], writers


def test_ci_lints_before_it_builds_and_runs_the_downloaded_notebooks_after_the_tests():
    commands = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
                if line.strip().startswith("make ")]
    assert commands.count("make lint") == 1 and "make test" in commands, commands
    assert commands.index("make lint") < commands.index("make test") < commands.index("make test-notebooks")


def test_the_weekly_jobs_run_ci_with_the_newest_tensorflow_and_the_audit():
    latest, audit = workflow("latest-tensorflow.yml"), workflow("audit.yml")
    for data in (latest, audit):
        assert data["on"]["schedule"] and "workflow_dispatch" in data["on"], data["on"]
        assert data["permissions"] == {}
    (job,) = latest["jobs"].values()
    (run,) = [s for s in job["steps"] if s.get("run", "").strip() == ".ci/run"]
    assert run["env"]["BOOK_LATEST_TF"] == "1", run
    (job,) = audit["jobs"].values()
    assert "make audit" in runs(job), runs(job)


def test_workflows_match_the_github_workflow_schema():
    result = run(
        tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)
    )
    assert result.returncode == 0, f"check-jsonschema:\n{result.stdout}\n{result.stderr}"


def test_zizmor_finds_nothing():
    result = run(tool("zizmor"), "--offline", "--no-progress", *map(str, WORKFLOWS))
    assert result.returncode == 0, f"zizmor --offline:\n{result.stdout}\n{result.stderr}"
