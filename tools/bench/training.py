"""Four ways to make the page's 200 full-batch gradient-descent updates from its initial W and b, each
timed best of three in this process: Keras ``fit(epochs=200)`` and the fast Keras path (one epoch of 200
steps, ``steps_per_execution=200``), both from examples/tutorial.py; a ``tf.function`` loop; NumPy.
"""

from __future__ import annotations

import time

from examples import tutorial

REPEATS = 3


def measure(repeats: int = REPEATS, epochs: int = tutorial.EPOCHS) -> dict:
    tutorial.quiet_tensorflow()
    import numpy as np
    import tensorflow as tf

    rate = tutorial.LEARNING_RATE
    x, y = tutorial.training_data()
    new_x = np.array(tutorial.X_NEW, dtype=np.float32)
    tf.keras.utils.set_random_seed(tutorial.SEED)
    W0, b0 = tutorial.build_model().layers[0].get_weights()

    def keras(fit):
        def run():
            model = tutorial.build_model()
            model.layers[0].set_weights([W0, b0])
            started = time.perf_counter()
            fit(model, x, y, epochs=epochs, learning_rate=rate)
            return time.perf_counter() - started, model.predict(new_x, verbose=0).ravel()
        return run

    def tf_function_loop():
        W, b = tf.Variable(W0[0, 0]), tf.Variable(b0[0])
        started = time.perf_counter()
        xs, ys = tf.constant(x), tf.constant(y)

        @tf.function
        def train():
            for _ in tf.range(epochs):
                with tf.GradientTape() as tape:
                    loss = tf.reduce_mean(tf.square(W * xs + b - ys))
                grad_W, grad_b = tape.gradient(loss, [W, b])
                W.assign_sub(rate * grad_W)
                b.assign_sub(rate * grad_b)

        train()
        return time.perf_counter() - started, W.numpy() * new_x + b.numpy()

    def numpy_loop():
        W, b, step, two = np.float32(W0[0, 0]), np.float32(b0[0]), np.float32(rate), np.float32(2)
        started = time.perf_counter()
        for _ in range(epochs):
            error = W * x + b - y
            W, b = W - step * two * np.mean(error * x), b - step * two * np.mean(error)
        return time.perf_counter() - started, W * new_x + b

    ways = {"fit": (f"Keras `fit(epochs={epochs})`", keras(tutorial.fit_epochs)),
            "fast": (f"Keras, 1 epoch, `steps_per_execution={epochs}`", keras(tutorial.fit_fast)),
            "tf_function": ("`tf.function` loop", tf_function_loop),
            "numpy": ("NumPy gradient descent", numpy_loop)}
    rows = []
    for key, (label, run) in ways.items():
        print(f"bench: training: {label}, best of {repeats}", flush=True)
        runs = [run() for _ in range(repeats)]
        rows.append({"method": key, "label": label, "best_s": min(seconds for seconds, _ in runs),
                     "predictions": [float(value) for value in runs[-1][1]]})
    return summary(rows) | {"epochs": epochs, "repeats": repeats, "tensorflow": tf.__version__}


def summary(rows: list[dict]) -> dict:
    """The speed-up of each way over fit(), and the largest difference between their predictions."""
    base = next(row["best_s"] for row in rows if row["method"] == "fit")
    for row in rows:
        row["speedup"] = base / row["best_s"]
    spread = max(max(column) - min(column) for column in zip(*(row["predictions"] for row in rows)))
    fast = next(row for row in rows if row["method"] == "fast")
    return {"methods": rows, "inputs": tutorial.X_NEW, "fast_speedup": fast["speedup"], "same_predictions": spread}
