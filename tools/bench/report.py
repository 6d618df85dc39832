"""The report in Markdown: the machine, the goals' rows, the times of every round, training, page weight.
(_build/bench.json holds the same rows with every result; docs/performance.md shows the latest report.)"""

from __future__ import annotations

import contextlib
import datetime
import os
import platform
import subprocess
from importlib import metadata

from tools.bench.goals import CHECK_PAGE
from tools.build.paths import REPO

OK, NOT_OK, UNKNOWN = "✓", "✗", "—"
TIMED_ROWS = {"book": "`make book` (clean, forced)", "test": "`make test` right after it",
              "check": f"`make check PAGE={CHECK_PAGE}`", "scripts": "the pages' code as plain scripts",
              "clean": "`make clean` then `make test`"}
TOP_PAGES = 5


def machine() -> dict:
    cpu, commit = platform.processor() or platform.machine(), None
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(["git", "describe", "--always", "--dirty=, with uncommitted changes"], cwd=REPO,
                                capture_output=True, text=True, timeout=10).stdout.strip() or None
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
            "python": platform.python_version(), "tensorflow": metadata.version("tensorflow"),
            "keras": metadata.version("keras"), "commit": commit,
            "date": datetime.datetime.now().astimezone().isoformat(sep=" ", timespec="seconds")}


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"

    return [line(header), line(["---"] * len(header)), *(line(row) for row in rows), ""]


def mark(met: bool | None) -> str:
    return UNKNOWN if met is None else OK if met else NOT_OK


def seconds(run: dict | None) -> str:
    if not run:
        return "not run"
    if run.get("seconds") is None:
        return f"not measured ({run.get('error', 'no result')})"
    return f"{run['seconds']:.1f} s" + (f" ({run['error']})" if run.get("error") else "")


def times(rounds: list[dict]) -> list[list[str]]:
    """A row per timed part, a column per round; the cells of `make book` give its steps too."""
    def cell(run: dict | None) -> str:
        steps = ", ".join(f"{step} {value:.1f} s" for step, value in (run or {}).get("steps", {}).items())
        return seconds(run) + (f" ({steps})" if steps else "")

    return [[label] + [cell(parts.get(part)) for parts in rounds]
            for part, label in TIMED_ROWS.items() if any(part in parts for parts in rounds)]


def markdown(results: dict, rows: list[dict]) -> str:
    m = results["machine"]
    rounds = results.get("rounds") or []
    lines = [f"## The latest run: commit {m['commit']}, {m['date']}", "",
             f"{m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable) · Python {m['python']} · "
             f"TensorFlow {m['tensorflow']} · Keras {m['keras']} · {len(rounds)} round(s)", "", "### Goals", ""]
    lines += table(["Measure", "Result", "Goal", "Met"],
                   [[row["measure"], row["result"], row["goal"], mark(row["met"])] for row in rows])
    lines += [f"A goal between timed parts is judged on the median of {len(rounds)} round(s) (of two middle "
              "values, the worse); it is met when the median meets it and every round measured it, none "
              "from a failed command. Training and page weight are measured once.", ""]
    if rounds:
        lines += ["### Times", ""]
        lines += table(["Command"] + [f"Round {n}" for n in range(1, len(rounds) + 1)], times(rounds))
    training = results.get("training") or {}
    if training.get("methods"):
        inputs = ", ".join(f"{value:g}" for value in training["inputs"])
        lines += [f"### Training: {training['epochs']} updates, same initial weights", ""]
        lines += table(["Method", f"Best of {training['repeats']}", "Speed-up", f"Predictions for [{inputs}]"],
                       [[row["label"], f"{row['best_s']:.3g} s", f"{row['speedup']:.1f}×",
                         ", ".join(f"{value:.6f}" for value in row["predictions"])] for row in training["methods"]])
    pages = results.get("pages") or {}
    if pages.get("pages"):
        weights = pages["pages"]
        lines += [f"### Page weight: the {min(TOP_PAGES, len(weights))} heaviest of {len(weights)} pages", ""]
        lines += table(["Page", "Fetched", "Files", "Math script"],
                       [[f"`{w['page']}`", f"{w['bytes'] / 1e6:.2f} MB", str(w["files"]),
                         ", ".join(w["math_scripts"]) or "none"] for w in weights[:TOP_PAGES]])
        other_sites = sorted({url for w in weights for url in w["other_sites"]})
        lines += [f"{sum(w['mathml'] for w in weights)} of {len(weights)} pages hold MathML. Requests to other "
                  f"sites (blocked): {', '.join(other_sites) or 'none'}.", ""]
    if results.get("left_out"):
        lines += [f"Not run this time: {', '.join(results['left_out'])}.", ""]
    return "\n".join(lines)
