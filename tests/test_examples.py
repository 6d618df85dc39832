"""Tests of the command-line examples in examples/.

The values are checked in-process: the tests import the example modules and call
main(argv), as the shell would, reading what it prints. The trainings that several
tests read run once per module (fixture `runs`). What only a real process shows (the
exit status and stderr from the shell, --help, bad input rejected without importing
TensorFlow, a real run of the tutorial's script) is in tests/test_example_scripts.py.

The page's training is not run again here: the build ran it (Keras's fit, 200 epochs) and
printed its predictions on the built linear-regression page. The CLI's --fast run, the same
updates in one call, must give those predictions. Its default path (fit, epoch by epoch) runs
for 20 epochs, with and without --fast, and both must agree.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
from pathlib import Path

import pytest

from examples import linear_regression, tf1_session, tutorial
from tests.bookinfo import languages

ROOT = Path(__file__).resolve().parent.parent
LINEAR_REGRESSION = ROOT / "examples" / "linear_regression.py"
TF1_SESSION = ROOT / "examples" / "tf1_session.py"

TIMEOUT = 600  # seconds for one training subprocess; generous for a busy machine
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# A progress line of linear_regression.py: the header, or one epoch's loss.
PROGRESS = re.compile(r"^(training:|epoch\s+\d+/\d+\s+loss)", re.MULTILINE)
# A number as NumPy prints it in the page's [[...]] output.
NUMBER = re.compile(r"-?\d+\.(\d+)(?:e[-+]?\d+)?")


def call(main, argv):
    """Run main(argv) in this process; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(map(str, argv)))
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def plot_path(tmp_path_factory):
    return tmp_path_factory.mktemp("plot") / "loss.png"


@pytest.fixture(scope="module")
def runs(plot_path):
    """Each training run the tests read, once, in this process: name -> (status, stdout, stderr)."""
    calls = {
        "fast_json": (linear_regression.main, ["--fast", "--json"]),
        "fit20_json": (linear_regression.main, ["--epochs", 20, "--json"]),
        "fast20_json": (linear_regression.main, ["--fast", "--epochs", 20, "--json"]),
        "fast_quiet": (linear_regression.main, ["--fast", "--quiet"]),
        "plot_human": (linear_regression.main, ["--epochs", 20, "--plot", plot_path]),
        "tf1_json": (tf1_session.main, ["--json"]),
        "tf1_human": (tf1_session.main, []),
    }
    return {name: call(main, argv) for name, (main, argv) in calls.items()}


def succeeded(result):
    """Check that a run ended well (status 0, nothing on stderr) and return its stdout."""
    status, stdout, stderr = result
    assert status == 0, stderr
    assert stderr == "", stderr
    return stdout


def human_output(runs, name, json_name):
    """The stdout of the good run ``name``, checking that it names each prediction of the --json run
    ``json_name`` (the same training) for the inputs 5 and 4, to 6 decimals."""
    stdout = succeeded(runs[name])
    for x, y in zip([5, 4], json_output(runs[json_name])["predictions"]):
        assert f"H({x}) = {y:.6f}" in stdout, stdout
    return stdout


def json_output(result):
    """The one JSON object a --json run prints, checking that stdout holds nothing else."""
    stdout = succeeded(result)
    assert len(stdout.strip().splitlines()) == 1, stdout
    data = json.loads(stdout)
    assert isinstance(data, dict)
    return data


# --- the shared data ------------------------------------------------------------------------


def test_the_examples_use_the_tutorials_data():
    assert (tutorial.X_TRAIN, tutorial.Y_TRAIN, tutorial.X_NEW) == ([1, 2, 3, 4], [0, -1, -2, -3], [5, 4])
    assert (tutorial.EPOCHS, tutorial.LEARNING_RATE, tutorial.SEED) == (200, 0.1, 0)
    assert tf1_session.X_TRAIN is tutorial.X_TRAIN and tf1_session.Y_TRAIN is tutorial.Y_TRAIN
    args = linear_regression.build_parser().parse_args([])
    options, inputs = linear_regression.options_from_args(args)
    assert inputs == tutorial.X_NEW
    assert (options["epochs"], options["learning_rate"], options["seed"]) == (200, 0.1, 0)


# --- linear_regression.py: good runs ------------------------------------------


@pytest.mark.tensorflow
def test_a_run_with_the_default_settings_learns_the_line(runs):
    """--fast with every other setting left as it is: the tutorial's settings."""
    data = json_output(runs["fast_json"])
    assert data["inputs"] == [5.0, 4.0]
    assert data["predictions"] == pytest.approx([-4.0, -3.0], abs=0.05)
    assert data["W"] == pytest.approx(-1.0, abs=0.05)
    assert data["b"] == pytest.approx(1.0, abs=0.05)
    assert 0 <= data["final_loss"] < 1e-3
    expected_settings = {"epochs": 200, "learning_rate": 0.1, "batch_size": None,
                         "seed": 0, "fast": True, "diverged": False}
    assert {key: data[key] for key in expected_settings} == expected_settings
    assert re.fullmatch(r"2\.\d+\.\d+.*", data["tensorflow"])
    assert re.fullmatch(r"3\.\d+\.\d+.*", data["keras"])


@pytest.mark.tensorflow
def test_predictions_follow_w_and_b(runs):
    data = json_output(runs["fast_json"])
    for x, y in zip(data["inputs"], data["predictions"]):
        assert y == pytest.approx(data["W"] * x + data["b"], abs=1e-5)


@pytest.mark.tensorflow
def test_fast_gives_the_predictions_of_fit(runs):
    fit, fast = json_output(runs["fit20_json"]), json_output(runs["fast20_json"])
    assert (fit["fast"], fast["fast"], fit["epochs"], fast["epochs"]) == (False, True, 20, 20)
    for key in ("predictions", "W", "b"):
        assert fast[key] == pytest.approx(fit[key], abs=1e-5, rel=0), key


def printed_predictions(soup, rel):
    """The [[...]] output of the built page: each value and the number of decimals printed."""
    outputs = [o.get_text() for o in soup.select(".cell_output")]
    printed = next((t for t in outputs if t.strip().startswith("[[")), None)
    assert printed is not None, f"{rel}: the printed predictions are missing"
    return [(float(m.group(0)), len(m.group(1))) for m in NUMBER.finditer(printed)]


@pytest.mark.parametrize("lang", languages())
@pytest.mark.book
@pytest.mark.tensorflow
def test_the_cli_predicts_what_the_built_page_printed(runs, soup_of, lang):
    """The CLI, with the tutorial's settings, gives the page's predictions: to every digit the page shows,
    or to 1e-5 when it shows more (--fast and fit may round float32 differently)."""
    rel = f"{lang}/linear_regression.html"
    page = printed_predictions(soup_of(rel), rel)
    cli = json_output(runs["fast_json"])["predictions"]
    assert len(page) == len(cli) == 2, page
    for (shown, decimals), value in zip(page, cli):
        assert decimals >= 5, f"{rel} prints too few digits to compare: {page}"
        # Equal when rounded to the page's digits (one unit of the last digit for ties), or to 1e-5.
        assert value == pytest.approx(shown, abs=max(10.0**-decimals, 1e-5), rel=0), (rel, page, cli)


@pytest.mark.tensorflow
def test_human_output_shows_the_predictions(runs):
    stdout = human_output(runs, "fast_quiet", "fast_json")
    assert re.search(r"^W = -0\.99\d+\s+b = 0\.99\d+$", stdout, re.MULTILINE), stdout
    assert re.search(r"^final loss .*: \d\.\d+e-\d+$", stdout, re.MULTILINE), stdout


@pytest.mark.tensorflow
def test_human_output_predictions_follow_w_and_b(runs):
    stdout = succeeded(runs["plot_human"])
    W, b = map(float, re.search(r"^W = (\S+)\s+b = (\S+)$", stdout, re.MULTILINE).groups())
    shown = re.findall(r"^  H\((\S+)\) = (\S+)$", stdout, re.MULTILINE)
    assert [x for x, _ in shown] == ["5", "4"], stdout
    for x, y in shown:
        assert float(y) == pytest.approx(W * float(x) + b, abs=1e-5)


@pytest.mark.tensorflow
def test_progress_lists_epochs(runs):
    stdout = succeeded(runs["plot_human"])
    assert stdout.startswith("training: 20 epochs"), stdout
    epochs = re.findall(r"^epoch\s+(\d+)/20\s+loss", stdout, re.MULTILINE)
    assert epochs[0] == "1" and epochs[-1] == "20", stdout


@pytest.mark.tensorflow
def test_quiet_shows_no_progress(runs):
    stdout = succeeded(runs["fast_quiet"])
    assert not PROGRESS.search(stdout), stdout
    assert "predictions:" in stdout
    # A run without --quiet does show progress, so the check above can fail.
    assert PROGRESS.search(succeeded(runs["plot_human"]))


@pytest.mark.tensorflow
def test_plot_writes_a_png(runs, plot_path):
    stdout = succeeded(runs["plot_human"])
    assert f"loss curve saved to {plot_path}" in stdout
    png = plot_path.read_bytes()
    assert png[:8] == PNG_SIGNATURE
    assert len(png) > 5_000
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert width >= 300 and height >= 200


def test_train_rejects_settings_it_cannot_use():
    with pytest.raises(ValueError, match="fast=True makes full-batch updates only"):
        linear_regression.train(fast=True, batch_size=2)
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        linear_regression.train(epochs=0)


# --- linear_regression.py: bad input --------------------------------------------


def assert_rejected(status, stdout, stderr, prog):
    """Exit status 2, exactly one non-empty line on stderr, no traceback, no output."""
    assert status == 2, (stdout, stderr)
    assert "Traceback" not in stdout + stderr
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].strip(), stderr
    assert lines[0].startswith(f"{prog}: error: "), lines[0]
    assert stdout == ""


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

TF1_BAD_INPUTS = [
    ["--steps", "-1"],
    ["--steps", "0"],
    ["--steps", "abc"],
    ["--steps", "10000000000"],
    ["--steps"],
    ["--no-such-option"],
]


@pytest.mark.parametrize("args", BAD_INPUTS, ids=" ".join)
def test_bad_input_is_rejected_in_one_line(args, capsys):
    status = linear_regression.main(args)
    out, err = capsys.readouterr()
    assert_rejected(status, out, err, "linear_regression.py")


@pytest.mark.parametrize("where", ["missing-directory", "directory", "under-a-file",
                                   "not-png", "with-fast"])
def test_bad_plot_path_is_rejected_before_training(where, tmp_path, capsys):
    (tmp_path / "a-file").write_text("not a directory")
    args = {
        "missing-directory": ["--plot", tmp_path / "missing" / "loss.png"],
        "directory": ["--plot", tmp_path],
        "under-a-file": ["--plot", tmp_path / "a-file" / "loss.png"],
        "not-png": ["--plot", tmp_path / "loss.txt"],
        "with-fast": ["--fast", "--plot", tmp_path / "loss.png"],
    }[where]
    status = linear_regression.main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert_rejected(status, out, err, "linear_regression.py")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_plot_in_a_read_only_place_is_rejected(capsys):
    # Nobody, not even root, can create a file at the top of /proc.
    status = linear_regression.main(["--plot", "/proc/loss.png"])
    out, err = capsys.readouterr()
    assert_rejected(status, out, err, "linear_regression.py")
    assert "/proc" in err


@pytest.mark.parametrize("args", TF1_BAD_INPUTS, ids=" ".join)
def test_tf1_session_bad_input_is_rejected_in_one_line(args, capsys):
    status = tf1_session.main(args)
    out, err = capsys.readouterr()
    assert_rejected(status, out, err, "tf1_session.py")


# --- tf1_session.py -------------------------------------------------------------


@pytest.mark.tensorflow
def test_tf1_session_learns_the_line(runs):
    data = json_output(runs["tf1_json"])
    assert data["predictions"] == pytest.approx([-4.0, -3.0], abs=0.05)
    assert data["W"] == pytest.approx(-1.0, abs=0.05)
    assert data["b"] == pytest.approx(1.0, abs=0.05)
    assert data["steps"] == 200
    # It starts from somewhere else, so the line was learned, not given.
    assert abs(data["initial_W"] + 1) > 0.5


@pytest.mark.tensorflow
def test_tf1_session_human_output(runs):
    stdout = human_output(runs, "tf1_human", "tf1_json")
    assert re.search(r"^step 200\s+cost", stdout, re.MULTILINE), stdout


@pytest.mark.tensorflow
def test_no_nan_in_json(runs):
    for name in ("fast_json", "fit20_json", "tf1_json"):
        data = json_output(runs[name])
        values = data["predictions"] + [data["W"], data["b"]]
        assert all(isinstance(v, float) and math.isfinite(v) for v in values), name
