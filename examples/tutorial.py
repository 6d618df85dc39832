"""The tutorial's data, settings and Keras model, written once (and the examples' parser).

The book's linear regression page fits the line H(x) = Wx + b to four points
with one Dense layer and plain gradient descent. The command-line examples
(linear_regression.py, tf1_session.py), tools/bench/ and the tests take the
data, the settings and the training code from here, so they cannot drift apart.
(The pages spell the same code out cell by cell, in each language, for the reader.)

TensorFlow is imported inside the functions, not at the top: a script can check
its command line first and reject bad input without waiting for that import.
"""

from __future__ import annotations

import argparse
import os

# The page's data: y = -x + 1.
X_TRAIN = [1, 2, 3, 4]
Y_TRAIN = [0, -1, -2, -3]
X_NEW = [5, 4]  # the inputs the page predicts after training

EPOCHS = 200  # with all 4 samples in one batch, one epoch is one update
LEARNING_RATE = 0.1
SEED = 0  # tf.keras.utils.set_random_seed(SEED) gives the page's initial W and b


def quiet_tensorflow():
    """Quiet TensorFlow's C++ start-up logging. Call it before TensorFlow is imported."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def training_data():
    """x_train and y_train as float32 NumPy arrays, as on the page."""
    import numpy as np

    return np.array(X_TRAIN, dtype=np.float32), np.array(Y_TRAIN, dtype=np.float32)


def build_model():
    """The page's model: one input value per sample, one Dense unit, H(x) = Wx + b."""
    import tensorflow as tf

    return tf.keras.Sequential([
        tf.keras.Input(shape=(1,)),      # one input value per sample (x)
        tf.keras.layers.Dense(units=1),  # one output value: H(x) = Wx + b
    ])


def fit_epochs(model, x, y, epochs=EPOCHS, learning_rate=LEARNING_RATE, batch_size=None,
               callbacks=()):
    """Train as the page does: MSE and SGD, then fit() for `epochs` epochs. Returns fit()'s History.

    batch_size=None is Keras's default (32), so the 4 samples form one batch
    and every epoch is one gradient-descent update.
    """
    import tensorflow as tf

    model.compile(loss="mse", optimizer=tf.keras.optimizers.SGD(learning_rate=learning_rate))
    return model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0,
                     callbacks=list(callbacks))


def fit_fast(model, x, y, epochs=EPOCHS, learning_rate=LEARNING_RATE):
    """Make the same `epochs` full-batch updates as fit_epochs(), in one compiled call.

    The data set holds the full batch `epochs` times, and Keras runs all the
    updates as one epoch of `epochs` steps (steps_per_execution=epochs). fit()
    returns to Python once instead of once per epoch; the updates and so the
    results are the same, but no per-epoch loss is recorded.
    """
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensors((x, y)).repeat(epochs)
    model.compile(loss="mse", optimizer=tf.keras.optimizers.SGD(learning_rate=learning_rate),
                  steps_per_execution=epochs)
    model.fit(dataset, epochs=1, verbose=0, shuffle=False)


class OneLineParser(argparse.ArgumentParser):
    """The examples' command lines: a usage error is reported in one line, with exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {' '.join(message.split())}\n")
