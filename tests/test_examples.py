"""Tests of the command-line examples in examples/.

Every program runs as a subprocess, the way a learner runs it. The runs that
train (and so import TensorFlow, a few seconds each) start together, once per
module, in the fixture `runs`; the tests only read their results. Bad input is
rejected before TensorFlow is imported, so those runs are quick.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINEAR_REGRESSION = ROOT / "examples" / "linear_regression.py"
TF1_SESSION = ROOT / "examples" / "tf1_session.py"
PAGE = ROOT / "book" / "en" / "linear_regression.md"

TIMEOUT = 600  # seconds for one training run; generous for a busy machine
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# A progress line of linear_regression.py: the header, or one epoch's loss.
PROGRESS = re.compile(r"^(training:|epoch\s+\d+/\d+\s+loss)", re.MULTILINE)

# Run the page's code cells in order, up to the one that defines y_predict,
# and print y_predict as JSON on the last line.
BOOK_SCRIPT = textwrap.dedent("""
    import json, os, sys
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ["MPLBACKEND"] = "Agg"
    import jupytext

    page = sys.argv[1]
    namespace = {"__name__": "__main__"}
    for cell in jupytext.read(page).cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, page, "exec"), namespace)
            if "y_predict" in namespace:
                break
    else:
        sys.exit("no code cell of the page defines y_predict")
    print(json.dumps(namespace["y_predict"].ravel().tolist()))
""")


def command(script, *args):
    return [sys.executable, str(script), *map(str, args)]


def run(cmd, timeout=60):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def plot_path(tmp_path_factory):
    return tmp_path_factory.mktemp("plot") / "loss.png"


@pytest.fixture(scope="module")
def runs(plot_path):
    """Start every training run at once, wait for all, return name -> CompletedProcess."""
    commands = {
        "default_json": command(LINEAR_REGRESSION, "--json"),
        "fast_json": command(LINEAR_REGRESSION, "--fast", "--json"),
        "fast_quiet": command(LINEAR_REGRESSION, "--fast", "--quiet"),
        "plot_human": command(LINEAR_REGRESSION, "--epochs", 20, "--plot", plot_path),
        "book": [sys.executable, "-c", BOOK_SCRIPT, str(PAGE)],
        "tf1_json": command(TF1_SESSION, "--json"),
        "tf1_human": command(TF1_SESSION),
    }
    started = {
        name: subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        for name, cmd in commands.items()
    }
    results = {}
    try:
        for name, process in started.items():
            stdout, stderr = process.communicate(timeout=TIMEOUT)
            results[name] = subprocess.CompletedProcess(
                commands[name], process.returncode, stdout, stderr)
    finally:
        for process in started.values():
            if process.poll() is None:
                process.kill()
                process.communicate()
    return results


def succeeded(result):
    """Check that a run ended well and return its stdout."""
    assert result.returncode == 0, f"{result.args} failed:\n{result.stderr}"
    assert "Traceback" not in result.stdout + result.stderr
    return result.stdout


def assert_prints_predictions(stdout, predictions):
    """The human output names each prediction for the inputs 5 and 4, to 6 decimals."""
    for x, y in zip([5, 4], predictions):
        assert f"H({x}) = {y:.6f}" in stdout, stdout


def json_output(result):
    """The one JSON object a --json run prints, checking that stdout holds nothing else."""
    stdout = succeeded(result)
    assert len(stdout.strip().splitlines()) == 1, stdout
    data = json.loads(stdout)
    assert isinstance(data, dict)
    return data


# --- linear_regression.py: good runs ------------------------------------------


def test_default_run_learns_the_line(runs):
    data = json_output(runs["default_json"])
    assert data["inputs"] == [5.0, 4.0]
    assert data["predictions"] == pytest.approx([-4.0, -3.0], abs=0.05)
    assert data["W"] == pytest.approx(-1.0, abs=0.05)
    assert data["b"] == pytest.approx(1.0, abs=0.05)
    assert 0 <= data["final_loss"] < 1e-3
    expected_settings = {"epochs": 200, "learning_rate": 0.1, "batch_size": None,
                         "seed": 0, "fast": False, "diverged": False}
    assert {key: data[key] for key in expected_settings} == expected_settings
    assert re.fullmatch(r"2\.\d+\.\d+.*", data["tensorflow"])
    assert re.fullmatch(r"3\.\d+\.\d+.*", data["keras"])


def test_predictions_follow_w_and_b(runs):
    data = json_output(runs["default_json"])
    for x, y in zip(data["inputs"], data["predictions"]):
        assert y == pytest.approx(data["W"] * x + data["b"], abs=1e-5)


def test_fast_gives_the_default_predictions(runs):
    default = json_output(runs["default_json"])
    fast = json_output(runs["fast_json"])
    assert fast["fast"] is True
    assert fast["predictions"] == pytest.approx(default["predictions"], abs=1e-5, rel=0)
    assert fast["W"] == pytest.approx(default["W"], abs=1e-5, rel=0)
    assert fast["b"] == pytest.approx(default["b"], abs=1e-5, rel=0)


def test_default_predictions_equal_the_book_page(runs):
    stdout = succeeded(runs["book"])
    page_predictions = json.loads(stdout.strip().splitlines()[-1])
    cli_predictions = json_output(runs["default_json"])["predictions"]
    assert len(page_predictions) == len(cli_predictions) == 2
    assert cli_predictions == pytest.approx(page_predictions, abs=1e-6, rel=0)


def test_human_output_shows_the_predictions(runs):
    stdout = succeeded(runs["fast_quiet"])
    predictions = json_output(runs["fast_json"])["predictions"]
    assert_prints_predictions(stdout, predictions)
    assert re.search(r"^W = -0\.99\d+\s+b = 0\.99\d+$", stdout, re.MULTILINE), stdout
    assert re.search(r"^final loss .*: \d\.\d+e-\d+$", stdout, re.MULTILINE), stdout


def test_human_output_predictions_follow_w_and_b(runs):
    stdout = succeeded(runs["plot_human"])
    W, b = map(float, re.search(r"^W = (\S+)\s+b = (\S+)$", stdout, re.MULTILINE).groups())
    shown = re.findall(r"^  H\((\S+)\) = (\S+)$", stdout, re.MULTILINE)
    assert [x for x, _ in shown] == ["5", "4"], stdout
    for x, y in shown:
        assert float(y) == pytest.approx(W * float(x) + b, abs=1e-5)


def test_progress_lists_epochs(runs):
    stdout = succeeded(runs["plot_human"])
    assert stdout.startswith("training: 20 epochs"), stdout
    epochs = re.findall(r"^epoch\s+(\d+)/20\s+loss", stdout, re.MULTILINE)
    assert epochs[0] == "1" and epochs[-1] == "20", stdout


def test_quiet_shows_no_progress(runs):
    stdout = succeeded(runs["fast_quiet"])
    assert not PROGRESS.search(stdout), stdout
    assert "predictions:" in stdout
    # A run without --quiet does show progress, so the check above can fail.
    assert PROGRESS.search(succeeded(runs["plot_human"]))


def test_plot_writes_a_png(runs, plot_path):
    stdout = succeeded(runs["plot_human"])
    assert f"loss curve saved to {plot_path}" in stdout
    png = plot_path.read_bytes()
    assert png[:8] == PNG_SIGNATURE
    assert len(png) > 5_000
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert width >= 300 and height >= 200


# --- linear_regression.py: bad input --------------------------------------------


def assert_rejected(result, prog):
    """Exit status 2, exactly one non-empty line on stderr, no traceback, no output."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), result.stderr
    assert lines[0].startswith(f"{prog}: error: "), lines[0]
    assert result.stdout == ""


BAD_INPUTS = [
    ["--epochs", "-1"],
    ["--epochs", "0"],
    ["--epochs", "abc"],
    ["--epochs", "2.5"],
    ["--epochs", "10000000000"],
    ["--epochs"],
    ["--learning-rate", "abc"],
    ["--learning-rate", "-1"],
    ["--learning-rate", "0"],
    ["--learning-rate", "nan"],
    ["--learning-rate", "inf"],
    ["--batch-size", "0"],
    ["--batch-size", "abc"],
    ["--seed", "-1"],
    ["--predict"],
    ["--predict", "abc"],
    ["--predict", "5", "nan"],
    ["--fast", "--batch-size", "2"],
    ["--no-such-option"],
    ["extra-argument"],
]


@pytest.mark.parametrize("args", BAD_INPUTS, ids=" ".join)
def test_bad_input_is_rejected_in_one_line(args):
    assert_rejected(run(command(LINEAR_REGRESSION, *args)), "linear_regression.py")


@pytest.mark.parametrize("where", ["missing-directory", "directory", "under-a-file",
                                   "not-png", "with-fast"])
def test_bad_plot_path_is_rejected_before_training(where, tmp_path):
    (tmp_path / "a-file").write_text("not a directory")
    args = {
        "missing-directory": ["--plot", tmp_path / "missing" / "loss.png"],
        "directory": ["--plot", tmp_path],
        "under-a-file": ["--plot", tmp_path / "a-file" / "loss.png"],
        "not-png": ["--plot", tmp_path / "loss.txt"],
        "with-fast": ["--fast", "--plot", tmp_path / "loss.png"],
    }[where]
    result = run(command(LINEAR_REGRESSION, *args), timeout=20)
    assert_rejected(result, "linear_regression.py")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_plot_in_a_read_only_place_is_rejected():
    # Nobody, not even root, can create a file at the top of /proc.
    result = run(command(LINEAR_REGRESSION, "--plot", "/proc/loss.png"), timeout=20)
    assert_rejected(result, "linear_regression.py")
    assert "/proc" in result.stderr


def test_bad_input_is_rejected_without_importing_tensorflow():
    """main() returns 2 for bad input and never imports TensorFlow to do so."""
    script = textwrap.dedent(f"""
        import contextlib, importlib.util, io, json, sys
        spec = importlib.util.spec_from_file_location("cli", {str(LINEAR_REGRESSION)!r})
        cli = importlib.util.module_from_spec(spec)
        sys.modules["cli"] = cli  # dataclasses look their module up here
        spec.loader.exec_module(cli)
        codes, lines = [], []
        for argv in {BAD_INPUTS!r}:
            with contextlib.redirect_stderr(io.StringIO()) as stderr:
                codes.append(cli.main(argv))
            lines.append(len(stderr.getvalue().splitlines()))
        imported = "tensorflow" in sys.modules
        print(json.dumps({{"codes": codes, "lines": lines, "tensorflow": imported}}))
    """)
    result = run([sys.executable, "-c", script])
    data = json.loads(succeeded(result))
    count = len(BAD_INPUTS)
    assert data == {"codes": [2] * count, "lines": [1] * count, "tensorflow": False}


def test_help_exits_zero():
    result = run(command(LINEAR_REGRESSION, "--help"))
    assert result.returncode == 0
    assert "--fast" in result.stdout and "--batch-size" in result.stdout


# --- tf1_session.py -------------------------------------------------------------


def test_tf1_session_learns_the_line(runs):
    data = json_output(runs["tf1_json"])
    assert data["predictions"] == pytest.approx([-4.0, -3.0], abs=0.05)
    assert data["W"] == pytest.approx(-1.0, abs=0.05)
    assert data["b"] == pytest.approx(1.0, abs=0.05)
    assert data["steps"] == 200
    # It starts from somewhere else, so the line was learned, not given.
    assert abs(data["initial_W"] + 1) > 0.5


def test_tf1_session_human_output(runs):
    stdout = succeeded(runs["tf1_human"])
    predictions = json_output(runs["tf1_json"])["predictions"]
    assert_prints_predictions(stdout, predictions)
    assert re.search(r"^step 200\s+cost", stdout, re.MULTILINE), stdout


TF1_BAD_INPUTS = [
    ["--steps", "-1"],
    ["--steps", "0"],
    ["--steps", "abc"],
    ["--steps", "10000000000"],
    ["--steps"],
    ["--no-such-option"],
]


@pytest.mark.parametrize("args", TF1_BAD_INPUTS, ids=" ".join)
def test_tf1_session_bad_input_is_rejected_in_one_line(args):
    assert_rejected(run(command(TF1_SESSION, *args)), "tf1_session.py")


def test_no_nan_in_json(runs):
    for name in ("default_json", "fast_json", "tf1_json"):
        data = json_output(runs[name])
        values = data["predictions"] + [data["W"], data["b"]]
        assert all(isinstance(v, float) and math.isfinite(v) for v in values), name
