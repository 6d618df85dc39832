"""The gradient-descent explorer (_static/gd_explorer.js) on a page open in Chromium, and what it
must show: NumPy's gradient descent (float64, the formula in gd_explorer.js), to RTOL relative.

Used by test_explorer_browser.py.
"""

from __future__ import annotations

import json

import numpy as np

from tests.conftest import Tab

RTOL = 1e-6


# ---- NumPy: the reference ----------------------------------------------------------------


def numpy_descent(data: dict, lr: float, n: int, batch: int | None = None) -> tuple[float, float, float]:
    """W, b and the cost on all data after n updates; batches in data order, no shuffle.

    In float64, as NumPy computes it, but on Python floats (the same IEEE doubles): NumPy's
    per-call overhead on four numbers made the thousands of updates a second of the test."""
    x = [float(v) for v in np.array(data["x"], dtype=np.float64)]
    y = [float(v) for v in np.array(data["y"], dtype=np.float64)]
    m = len(x)
    batch = batch or m
    W, b = float(data["w0"]), float(data["b0"])
    start = 0
    for _ in range(n):
        xs, ys = x[start : start + batch], y[start : start + batch]
        start = 0 if start + batch >= m else start + batch
        error = [W * xi + b - yi for xi, yi in zip(xs, ys)]
        W, b = (W - lr * (2 * (sum(e * xi for e, xi in zip(error, xs)) / len(xs))),
                b - lr * (2 * (sum(error) / len(xs))))
    residuals = [W * xi + b - yi for xi, yi in zip(x, y)]
    return W, b, sum(r * r for r in residuals) / m


def numpy_threshold(data: dict) -> float:
    x = np.array(data["x"], dtype=np.float64)
    m = len(x)
    H = 2 / m * np.array([[np.sum(x**2), np.sum(x)], [np.sum(x), m]])
    return float(2 / np.linalg.eigvalsh(H).max())


def same(a: float, b: float) -> bool:
    if np.isnan(a) or np.isnan(b):
        return bool(np.isnan(a) and np.isnan(b))
    if np.isinf(a) or np.isinf(b):
        return a == b
    return bool(np.isclose(a, b, rtol=RTOL, atol=0))


# ---- driving the explorer ----------------------------------------------------------------


# What the explorer shows, read in one round trip.
READ = """root => {
    const out = root.querySelector("output.gd-result"), message = root.querySelector(".gd-message");
    const keys = ["w", "b", "cost", "threshold", "diverged", "learning-rate", "updates"];
    const shown = message.getBoundingClientRect().height > 0 && getComputedStyle(message).visibility !== "hidden";
    return Object.assign(Object.fromEntries(keys.map(k => [k, out.getAttribute("data-" + k)])), {
        warning: message.classList.contains("gd-diverges") && shown,
        message: message.innerText,
        text: out.innerText,
    });
}"""

# Type each setting into the explorer's fields, firing the events a reader's typing fires, and
# read what it shows (READ) after each.
SWEEP = f"""(root, settings) => {{
    const read = {READ};
    const type = (selector, value, event) => {{
        const field = root.querySelector(selector);
        field.value = value;
        field.dispatchEvent(new Event(event, {{bubbles: true}}));
    }};
    return settings.map(([lr, n, batch]) => {{
        if (batch !== null) type("select", batch, "change");
        type("input[id$='-n-number']", n, "input");
        type("input[id$='-lr-number']", lr, "input");
        return read(root);
    }});
}}"""


class Explorer:
    def __init__(self, tab: Tab):
        self.page = tab.page
        self.root = self.page.locator(".gd-explorer").first
        self.root.locator("output.gd-result").wait_for()
        self.data = json.loads(self.root.locator("script[type='application/json']").text_content())

    def set(self, lr: float | None = None, n: int | None = None, batch: int | None = None) -> dict:
        if batch is not None:
            self.root.locator("select").select_option(str(batch))
        if n is not None:
            self.root.locator("input[id$='-n-number']").fill(str(n))
        if lr is not None:
            self.root.locator("input[id$='-lr-number']").fill(repr(lr))
        got = self.result()
        if lr is not None:
            assert float(got["learning-rate"]) == lr, "the learning rate typed was not used"
        if n is not None:
            assert got["updates"] == str(n)
        return got

    def result(self) -> dict:
        return parse(self.root.evaluate(READ))

    def sweep(self, settings: list[tuple[float, int, int | None]]) -> list[dict]:
        """What the explorer shows after each (learning rate, updates, batch size), in one round trip.

        The values are typed into the same fields as set() types them, with the same events.
        """
        typed = [[repr(lr), str(n), None if batch is None else str(batch)] for lr, n, batch in settings]
        return [parse(got) for got in self.root.evaluate(SWEEP, typed)]


def parse(got: dict) -> dict:
    got["threshold"] = float(got["threshold"]) if got["threshold"] else None
    got["diverged"] = got["diverged"] == "true"
    for key in ("w", "b", "cost"):
        got[key] = float(got[key])
    return got


def check_against_numpy(explorer: Explorer, settings: list[tuple[float, int, int | None]]) -> list[dict]:
    """The explorer's W, b and cost for each (learning rate, updates, batch size) are NumPy's."""
    results = explorer.sweep(settings)
    for (lr, n, batch), got in zip(settings, results, strict=True):
        assert float(got["learning-rate"]) == lr and got["updates"] == str(n), f"{lr!r}, {n} typed: {got}"
        want = numpy_descent(explorer.data, lr, n, batch)
        for key, expected in zip(("w", "b", "cost"), want):
            assert same(got[key], expected), (
                f"lr={lr!r}, n={n}, batch={batch}: {key} = {got[key]!r}, NumPy {expected!r}")
    return results

