"""Linear regression the TensorFlow 1 way: build a graph, then run it in a session.

Older lectures and blog posts write linear regression with placeholders,
variables and a Session. TensorFlow 2 still runs that style through
tf.compat.v1, inside an explicit tf.Graph, without turning off eager execution
for the rest of the program. This script fits H(x) = Wx + b to the same data as
the book's linear regression page and predicts the inputs 5 and 4:

    python examples/tf1_session.py
    python examples/tf1_session.py --steps 50
    python examples/tf1_session.py --json
"""

from __future__ import annotations

import json
import sys

import numpy as np

# The page's data and settings are written once, in tutorial.py next to this file.
if __package__:  # imported as examples.tf1_session (the tests)
    from . import tutorial
else:  # run as a script: Python puts this file's folder on the import path
    import tutorial

# Quiet TensorFlow's C++ logging. This must happen before tensorflow is imported,
# which this script does only inside run(), after the command line is checked.
tutorial.quiet_tensorflow()

PROG = "tf1_session.py"

X_TRAIN = tutorial.X_TRAIN
Y_TRAIN = tutorial.Y_TRAIN
X_NEW = tutorial.X_NEW
LEARNING_RATE = tutorial.LEARNING_RATE
MAX_STEPS = 1_000_000


def run(steps=tutorial.EPOCHS, seed=tutorial.SEED, on_step=None):
    """Build the TF1-style graph, train it for `steps` steps and return the results.

    The initial W and b are drawn from a NumPy generator seeded with `seed`,
    so every run starts from the same values and prints the same numbers.
    on_step, if given, is called as on_step(step, cost, W, b) with the values
    after every step (step counts from 1).
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")

    # Imported here, not at the top, so that bad input is rejected fast.
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    initial_W, initial_b = rng.normal(size=2).astype(np.float32)

    # 1. Build the graph. Nothing is computed yet: these are the steps to run later.
    graph = tf.Graph()
    with graph.as_default():
        X = tf.compat.v1.placeholder(tf.float32, shape=[None], name="X")
        Y = tf.compat.v1.placeholder(tf.float32, shape=[None], name="Y")

        W = tf.Variable([initial_W], name="weight")
        b = tf.Variable([initial_b], name="bias")

        hypothesis = W * X + b
        cost = tf.reduce_mean(tf.square(hypothesis - Y))

        optimizer = tf.compat.v1.train.GradientDescentOptimizer(learning_rate=LEARNING_RATE)
        train_op = optimizer.minimize(cost)

        init = tf.compat.v1.global_variables_initializer()

    # 2. Run the graph in a session: feed the data, update W and b step by step.
    with tf.compat.v1.Session(graph=graph) as sess:
        sess.run(init)
        data = {X: X_TRAIN, Y: Y_TRAIN}
        for step in range(1, steps + 1):
            sess.run(train_op, feed_dict=data)
            if on_step is not None:
                # A separate run, so the values are read after the update, not during it.
                cost_val, W_val, b_val = sess.run([cost, W, b], feed_dict=data)
                on_step(step, float(cost_val), float(W_val[0]), float(b_val[0]))

        W_val, b_val = sess.run([W, b])
        predictions = sess.run(hypothesis, feed_dict={X: X_NEW})
        final_cost = sess.run(cost, feed_dict=data)

    return {
        "inputs": X_NEW,
        "predictions": [float(p) for p in predictions],
        "W": float(W_val[0]),
        "b": float(b_val[0]),
        "final_cost": float(final_cost),
        "initial_W": float(initial_W),
        "initial_b": float(initial_b),
        "steps": steps,
        "learning_rate": LEARNING_RATE,
        "seed": seed,
        "tensorflow": tf.__version__,
    }


def build_parser():
    parser = tutorial.OneLineParser(
        prog=PROG,
        description=f"Fit H(x) = Wx + b to x = {X_TRAIN}, y = {Y_TRAIN} "
                    "with a TF1-style graph and session (tf.compat.v1), then "
                    f"predict the inputs {' and '.join(str(x) for x in X_NEW)}.",
        epilog="Bad input is reported in one line on stderr, with exit status 2.",
    )
    parser.add_argument("--steps", default=str(tutorial.EPOCHS), metavar="N",
                        help="number of gradient-descent steps (default: %(default)s)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object with the results and nothing "
                             "else on stdout")
    return parser


def main(argv=None) -> int:
    """Run the command line; return the exit status (2 for bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, or a usage error already reported
        return stop.code if isinstance(stop.code, int) else 0
    try:
        steps = int(args.steps)
    except ValueError:
        steps = 0
    if not 1 <= steps <= MAX_STEPS:
        shown = args.steps if args.steps.strip() else repr(args.steps)
        print(f"{PROG}: error: --steps must be a positive integer (at most {MAX_STEPS}), "
              f"got {shown}", file=sys.stderr)
        return 2

    def report(step, cost, W, b):
        every = max(1, steps // 10)
        if step == 1 or step % every == 0 or step == steps:
            width = len(str(steps))
            print(f"step {step:>{width}}  cost {cost:.4e}  W {W:+.6f}  b {b:+.6f}")

    result = run(steps=steps, on_step=None if args.json else report)

    if args.json:
        print(json.dumps(result))
        return 0
    print("predictions:")
    for x, y in zip(result["inputs"], result["predictions"]):
        print(f"  H({x}) = {y:.6f}")
    print(f"W = {result['W']:.6f}  b = {result['b']:.6f}")
    print(f"final cost (MSE on the training data): {result['final_cost']:.3e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
