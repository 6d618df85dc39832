"""The command-line examples in examples/ as real processes, as a learner runs them.

What only a process shows: the exit status and the one error line the shell gets for bad
input, bad input rejected without importing TensorFlow, --help, and one whole run of the
tutorial's script from a clone, with no install. tf1_session.py gets no whole run here: its
--help and its bad input run as processes (its command line and its __main__), and its values
are checked in-process like every other value, in tests/test_examples.py. (Each whole run
starts TensorFlow, about 3.5 s of CPU.) A file of its own lets these runs go to another test
worker.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap

import pytest

from tests.test_examples import (
    BAD_INPUTS,
    LINEAR_REGRESSION,
    ROOT,
    TF1_BAD_INPUTS,
    TF1_SESSION,
    TIMEOUT,
    assert_rejected,
)


def command(script, *args):
    return [sys.executable, str(script), *map(str, args)]


def run(cmd, timeout=60):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("script, args, prog", [
    (LINEAR_REGRESSION, ["--epochs", "abc"], "linear_regression.py"),
    (LINEAR_REGRESSION, ["--no-such-option"], "linear_regression.py"),
    (TF1_SESSION, ["--steps", "0"], "tf1_session.py"),
])
def test_bad_input_from_the_shell(script, args, prog):
    result = run(command(script, *args))
    assert_rejected(result.returncode, result.stdout, result.stderr, prog)


def test_bad_input_is_rejected_without_importing_tensorflow():
    """main() returns 2 for bad input, one line each, and never imports TensorFlow to do so."""
    script = textwrap.dedent(f"""
        import contextlib, io, json, sys
        from examples import linear_regression, tf1_session
        codes, lines = [], []
        for main, argvs in ((linear_regression.main, {BAD_INPUTS!r}), (tf1_session.main, {TF1_BAD_INPUTS!r})):
            for argv in argvs:
                with contextlib.redirect_stderr(io.StringIO()) as stderr:
                    codes.append(main(argv))
                lines.append(len(stderr.getvalue().splitlines()))
        imported = "tensorflow" in sys.modules
        print(json.dumps({{"codes": codes, "lines": lines, "tensorflow": imported}}))
    """)
    result = run([sys.executable, "-c", script])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    count = len(BAD_INPUTS) + len(TF1_BAD_INPUTS)
    assert data == {"codes": [2] * count, "lines": [1] * count, "tensorflow": False}


@pytest.mark.parametrize("script, options", [
    (LINEAR_REGRESSION, ["--fast", "--batch-size"]),
    (TF1_SESSION, ["--steps", "--json"]),
])
def test_help_exits_zero(script, options):
    result = run(command(script, "--help"))
    assert result.returncode == 0, result.stderr
    assert all(option in result.stdout for option in options), result.stdout


@pytest.mark.tensorflow
def test_the_tutorials_script_runs_end_to_end():
    """Run as a learner runs it: `python examples/linear_regression.py` from a clone, no install needed."""
    result = run(command(LINEAR_REGRESSION, "--fast"), timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    shown = dict(re.findall(r"^  H\((\S+)\) = (\S+)$", result.stdout, re.MULTILINE))
    assert list(shown) == ["5", "4"], result.stdout
    assert [float(shown["5"]), float(shown["4"])] == pytest.approx([-4.0, -3.0], abs=0.05)
    # Progress is shown: the script ran its whole command line, not only train().
    assert re.search(r"^training:", result.stdout, re.MULTILINE), result.stdout
