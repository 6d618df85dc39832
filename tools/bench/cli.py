"""python -m tools.bench: which parts run, the rounds, and where the report and the logs go."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from tools.bench import goals, pages, report, timed, training
from tools.cli import OneLineParser

PARTS = (*timed.PARTS, "pages", "training")  # in the order they run
ROUNDS = 3
PATHS = timed.PATHS
REPORT, RESULTS, LOGS = (PATHS.build / name for name in ("bench.md", "bench.json", "bench-logs"))


def parser() -> OneLineParser:
    parser = OneLineParser(
        prog="python -m tools.bench", allow_abbrev=False,
        description=f"Measure the book's performance goals; write the report to {PATHS.shown(REPORT)} and "
                    f"{PATHS.shown(RESULTS)}, the commands' output to {PATHS.shown(LOGS)}/.",
        epilog="The figures are for reading: a failed build is a failed goal in the report; the exit status is 0 "
               "unless the options are wrong (2).")
    parser.add_argument("--only", choices=PARTS, action="append", metavar="PART",
                        help=f"run this part only (repeatable): {', '.join(PARTS)}; without it, every part")
    parser.add_argument("--rounds", type=int, choices=range(1, 10), default=ROUNDS, metavar="N",
                        help=f"run the timed parts ({', '.join(timed.PARTS)}) N times, 1 to 9, and judge their "
                             f"goals on the median round (default {ROUNDS})")
    return parser


def measured(part: str, measure, *args) -> dict:
    """What a part measured; what it could not measure, with the reason, instead of an exception."""
    try:
        return measure(*args)
    except Exception as error:  # noqa: BLE001 -- a part that breaks is a row "not measured"; the bench goes on
        print(f"bench: {part}: not measured: {type(error).__name__}: {error}", flush=True)
        return {"seconds": None, "error": f"{type(error).__name__}: {error}"}


def run(parts: list[str], rounds: int, logs: Path) -> dict:
    """Every chosen part: the timed ones round after round, then page weight and training, once."""
    results: dict = {"machine": report.machine(), "parts": parts,
                     "left_out": [part for part in PARTS if part not in parts], "rounds": []}
    chosen = [part for part in timed.PARTS if part in parts]
    for number in range(1, rounds + 1) if chosen else ():
        runner = timed.Runner(logs, number)
        results["rounds"].append({part: measured(part, timed.PARTS[part], runner) for part in chosen})
    if "pages" in parts:
        print("bench: page weight, every built page in Chromium", flush=True)
        results["pages"] = measured("pages", pages.measure, PATHS.site)
    if "training" in parts:
        results["training"] = measured("training", training.measure)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)  # a usage error: one line, exit status 2
    parts = [part for part in PARTS if part in (args.only or PARTS)]
    # make clean removes _build: the logs wait in a temporary folder until every part has run.
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as collected:
        try:
            results = run(parts, args.rounds, Path(collected))
        finally:
            shutil.rmtree(LOGS, ignore_errors=True)
            shutil.copytree(collected, LOGS)
    rows = goals.judged(results)
    REPORT.write_text(report.markdown(results, rows), encoding="utf-8")
    RESULTS.write_text(json.dumps(results | {"goals": rows}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for row in rows:
        print(f"bench: {report.mark(row['met'])} {row['measure']}: {row['result']} (goal {row['goal']})")
    print(f"bench: the report is in {PATHS.shown(REPORT)} (and {PATHS.shown(RESULTS)}), the logs in "
          f"{PATHS.shown(LOGS)}/")
    return 0
