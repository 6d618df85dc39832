"""Linear regression with Keras: the program of the book's page, as a command.

The page book/en/linear_regression.md fits the line H(x) = Wx + b to four
points with one Dense layer and plain gradient descent. This script runs the
same code and lets you change its settings from the command line:

    python examples/linear_regression.py
    python examples/linear_regression.py --epochs 5
    python examples/linear_regression.py --learning-rate 0.05 --plot loss.png
    python examples/linear_regression.py --fast --json

Run it with --help to see every option.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

# The page's data, its settings and its model are written once, in tutorial.py
# next to this file; the book's tools and tests use the same module.
if __package__:  # imported as examples.linear_regression (the tests)
    from . import tutorial
else:  # run as a script: Python puts this file's folder on the import path
    import tutorial

# Quiet TensorFlow's C++ logging. This must happen before tensorflow is imported,
# which this script does only inside train(), after the command line is checked.
tutorial.quiet_tensorflow()

PROG = "linear_regression.py"
SAMPLES = len(tutorial.X_TRAIN)


@dataclass
class TrainingResult:
    """What train() returns.

    model       the trained tf.keras.Sequential model
    W, b        the learned weight and bias of its Dense layer
    losses      the loss of every epoch, as fit() recorded it in history
                (each value is the cost *before* that epoch's update);
                None with fast=True, which makes all updates in one call
    final_loss  the cost (MSE) of the trained W and b on the training data
    fit_seconds how long model.fit() took
    """

    model: object
    W: float
    b: float
    losses: list[float] | None
    final_loss: float
    fit_seconds: float

    def predict(self, inputs):
        """Predict H(x) for a list of inputs; returns a list of floats."""
        x = np.array(inputs, dtype=np.float32)
        return self.model.predict(x, verbose=0).ravel().tolist()


def check_settings(epochs, learning_rate, batch_size, seed, fast):
    """Return a one-line message if train() cannot use these settings, else None."""
    if isinstance(epochs, bool) or not isinstance(epochs, numbers.Integral) or epochs < 1:
        return f"epochs must be a positive integer, got {epochs!r}"
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        return f"learning_rate must be a positive finite number, got {learning_rate!r}"
    if batch_size is not None and (
            not isinstance(batch_size, numbers.Integral) or batch_size < 1):
        return f"batch_size must be None or a positive integer, got {batch_size!r}"
    if not isinstance(seed, numbers.Integral) or not 0 <= seed < 2**32:
        return f"seed must be an integer from 0 to {2**32 - 1}, got {seed!r}"
    if fast and batch_size is not None and batch_size < SAMPLES:
        return f"fast=True makes full-batch updates only, got batch_size={batch_size}"
    return None


def train(epochs=tutorial.EPOCHS, learning_rate=tutorial.LEARNING_RATE, batch_size=None,
          seed=tutorial.SEED, fast=False, on_epoch_end=None):
    """Train the page's model and return a TrainingResult.

    The code follows the page: fix the seeds, make the data, build
    Sequential([Input, Dense(1)]), compile with MSE and SGD, fit
    (tutorial.build_model and tutorial.fit_epochs).

    batch_size=None is Keras's default (32), so the 4 samples form one batch
    and every epoch is one gradient-descent update, as on the page.

    fast=True makes the same full-batch updates with fewer Python round trips
    (tutorial.fit_fast): the data set holds the full batch `epochs` times, and
    Keras runs all the updates as one epoch of `epochs` steps inside a single
    compiled call. The results are the same; there is no per-epoch loss to report.

    on_epoch_end, if given, is called as on_epoch_end(epoch, loss) after every
    epoch (epoch counts from 1). It is not called with fast=True.
    """
    problem = check_settings(epochs, learning_rate, batch_size, seed, fast)
    if problem:
        raise ValueError(problem)

    # Imported here, not at the top, so that bad input is rejected fast.
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    x_train, y_train = tutorial.training_data()
    model = tutorial.build_model()

    started = time.perf_counter()
    if fast:
        tutorial.fit_fast(model, x_train, y_train, epochs=epochs, learning_rate=learning_rate)
        losses = None
    else:
        callbacks = []
        if on_epoch_end is not None:
            callbacks.append(tf.keras.callbacks.LambdaCallback(
                on_epoch_end=lambda epoch, logs: on_epoch_end(epoch + 1, logs["loss"]),
            ))
        history = tutorial.fit_epochs(model, x_train, y_train, epochs=epochs,
                                      learning_rate=learning_rate, batch_size=batch_size,
                                      callbacks=callbacks)
        losses = [float(loss) for loss in history.history["loss"]]
    fit_seconds = time.perf_counter() - started

    W, b = model.layers[0].get_weights()
    W, b = float(W[0, 0]), float(b[0])
    final_loss = float(np.mean((W * x_train.astype(np.float64) + b - y_train) ** 2))
    return TrainingResult(model=model, W=W, b=b, losses=losses, final_loss=final_loss,
                          fit_seconds=fit_seconds)


def save_loss_plot(losses, path):
    """Draw the loss of every epoch and save it as a PNG file."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 3.5))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.plot(range(1, len(losses) + 1), losses)
    if all(math.isfinite(loss) and loss > 0 for loss in losses):
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (MSE)")
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format="png")


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------

MAX_EPOCHS = 1_000_000
MAX_SEED = 2**32 - 1


class UsageError(Exception):
    """Bad command-line input; the message is one line."""


def build_parser():
    parser = tutorial.OneLineParser(
        prog=PROG,
        description=f"Fit H(x) = Wx + b to x = {tutorial.X_TRAIN}, y = {tutorial.Y_TRAIN} "
                    "with Keras, as on the book's linear regression page, and "
                    "predict new inputs.",
        epilog="--fast makes the same full-batch gradient-descent updates as the "
               "default path, all in one compiled call, and gives the same "
               "predictions. It works with full batches only: --fast with a "
               f"--batch-size smaller than {SAMPLES} (the number of samples) is refused. "
               "It records no per-epoch loss, so --fast with --plot is refused "
               "too. --json implies --quiet. The final loss is the MSE of the "
               f"trained W and b on the {SAMPLES} training samples. Bad input is "
               "reported in one line on stderr, with exit status 2.",
    )
    parser.add_argument("--epochs", default=str(tutorial.EPOCHS), metavar="N",
                        help="number of passes over the data (default: %(default)s)")
    parser.add_argument("--learning-rate", default=str(tutorial.LEARNING_RATE), metavar="LR",
                        help="SGD learning rate (default: %(default)s); above about 0.12 "
                             "training diverges on this data")
    parser.add_argument("--batch-size", default=None, metavar="B",
                        help="samples per update (default: Keras's default, "
                             f"which puts all {SAMPLES} samples in one batch)")
    parser.add_argument("--seed", default=str(tutorial.SEED), metavar="S",
                        help="random seed for the initial W and b (default: %(default)s)")
    parser.add_argument("--predict", nargs="+", default=[str(x) for x in tutorial.X_NEW],
                        metavar="X", help="inputs to predict after training (default: "
                                          f"{' '.join(str(x) for x in tutorial.X_NEW)})")
    parser.add_argument("--fast", action="store_true",
                        help="run all full-batch updates in one compiled call "
                             "(same predictions, much quicker)")
    parser.add_argument("--plot", metavar="FILE",
                        help="save the loss of every epoch as a PNG image to FILE")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object with the results and nothing "
                             "else on stdout")
    parser.add_argument("--quiet", action="store_true",
                        help="do not show training progress")
    return parser


def _shown(text):
    """How a bad value is quoted in an error message: as typed, unless it is blank."""
    return text if text.strip() else repr(text)


def _to_int(option, text, low, high, kind):
    """Read an integer from low to high; `kind` names that range in the error message."""
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < low or (high is not None and value > high):
        raise UsageError(f"{option} must be {kind}, got {_shown(text)}")
    return value


def _to_float(option, text, kind="a finite number", positive=False):
    """Read a finite number (a positive one if `positive`)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (positive and value <= 0):
        raise UsageError(f"{option} must be {kind}, got {_shown(text)}")
    return value


def check_writable(path):
    """Raise UsageError unless a PNG file can be written at path. Leaves nothing behind."""
    if os.path.isdir(path):
        raise UsageError(f"--plot {path} is a directory; give a file name ending in .png")
    if not path.lower().endswith(".png"):
        raise UsageError("--plot writes a PNG image; give a file name ending in .png, "
                         f"got {_shown(path)}")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise UsageError(f"--plot cannot write {path}: directory {parent} does not exist")
    try:
        if os.path.exists(path):
            with open(path, "ab"):  # opening to append changes nothing
                pass
        else:
            with tempfile.TemporaryFile(dir=parent):  # a nameless file, gone when closed
                pass
    except OSError as error:
        where = path if os.path.exists(path) else f"a new file in {parent}"
        reason = error.strerror or error
        raise UsageError(f"--plot cannot write {where}: {reason}") from None


def options_from_args(args):
    """Turn the parsed strings into train()'s settings and the inputs to predict.

    Raises UsageError on bad input, before anything slow happens.
    """
    options = {
        "epochs": _to_int("--epochs", args.epochs, 1, MAX_EPOCHS,
                          f"a positive integer (at most {MAX_EPOCHS})"),
        "learning_rate": _to_float("--learning-rate", args.learning_rate,
                                   "a positive finite number", positive=True),
        "batch_size": None,
        "seed": _to_int("--seed", args.seed, 0, MAX_SEED,
                        f"an integer from 0 to {MAX_SEED}"),
        "fast": args.fast,
    }
    if args.batch_size is not None:
        batch_size = _to_int("--batch-size", args.batch_size, 1, None, "a positive integer")
        if args.fast and batch_size < SAMPLES:
            raise UsageError(
                f"--fast makes full-batch updates only, but --batch-size {batch_size} "
                f"splits the {SAMPLES} samples into mini-batches; drop --fast "
                f"or use --batch-size {SAMPLES} or more"
            )
        options["batch_size"] = batch_size
    inputs = [_to_float("--predict", text) for text in args.predict]
    if args.plot is not None:
        if args.fast:
            raise UsageError("--plot draws the loss of every epoch, which --fast does "
                             "not record; drop --fast to plot")
        check_writable(args.plot)
    return options, inputs


def _finite_or_none(value):
    return value if math.isfinite(value) else None


def main(argv=None) -> int:
    """Run the command line; return the exit status (2 for bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        options, inputs = options_from_args(args)
    except UsageError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except SystemExit as stop:  # --help, or a usage error already reported
        return stop.code if isinstance(stop.code, int) else 0

    show_progress = not (args.quiet or args.json)
    epochs = options["epochs"]

    def report(epoch, loss):
        every = max(1, epochs // 10)
        if epoch == 1 or epoch % every == 0 or epoch == epochs:
            width = len(str(epochs))
            print(f"epoch {epoch:>{width}}/{epochs}  loss {loss:.4e}", flush=True)

    if show_progress:
        if options["fast"]:
            print(f"training: {epochs} full-batch updates in one call (--fast; "
                  "no per-epoch progress) ...", flush=True)
        else:
            batch = options["batch_size"] or f"all {SAMPLES} samples"
            rate = options["learning_rate"]
            print(f"training: {epochs} epochs, learning rate {rate:g}, batch size {batch}",
                  flush=True)

    result = train(**options, on_epoch_end=report if show_progress else None)
    predictions = result.predict(inputs)

    if args.plot is not None:
        try:
            save_loss_plot(result.losses, args.plot)
        except OSError as error:
            print(f"{PROG}: error: cannot write {args.plot}: {error.strerror or error}",
                  file=sys.stderr)
            return 1

    diverged = not all(math.isfinite(v) for v in [result.W, result.b, result.final_loss])
    if diverged:
        print(f"{PROG}: warning: training diverged (the loss is not finite); "
              "try a smaller --learning-rate", file=sys.stderr)

    if args.json:
        import tensorflow as tf

        print(json.dumps({
            "inputs": inputs,
            "predictions": [_finite_or_none(p) for p in predictions],
            "W": _finite_or_none(result.W),
            "b": _finite_or_none(result.b),
            "final_loss": _finite_or_none(result.final_loss),
            "diverged": diverged,
            "epochs": epochs,
            "learning_rate": options["learning_rate"],
            "batch_size": options["batch_size"],
            "seed": options["seed"],
            "fast": options["fast"],
            "fit_seconds": result.fit_seconds,
            "plot": args.plot,
            "tensorflow": tf.__version__,
            "keras": tf.keras.__version__,
        }))
        return 0

    if show_progress:
        print(f"training took {result.fit_seconds:.2f} s")
    print("predictions:")
    for x, y in zip(inputs, predictions):
        print(f"  H({x:g}) = {y:.6f}")
    print(f"W = {result.W:.6f}  b = {result.b:.6f}")
    print(f"final loss (MSE on the training data): {result.final_loss:.3e}")
    if args.plot is not None:
        print(f"loss curve saved to {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
