"""The goals the bench judges, and the rule that judges each on the median of its rounds.

A figure is what one round measured for one goal: ``{"value": x}``, with ``"failed": True`` and a
``"note"`` when a command it was taken from failed; or ``{"error": why it was not measured}``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Goal:
    key: str
    measure: str  # the row's words
    limit: float
    unit: str  # written after a value and after the limit
    digits: str = ".2f"  # how a value is written
    at_least: bool = False  # the goal is "≥ limit" (else "≤ limit")

    @property
    def text(self) -> str:
        return f"{'≥' if self.at_least else '≤'} {self.limit:g}{self.unit}"

    def meets(self, value: float) -> bool:
        return value >= self.limit if self.at_least else value <= self.limit


CHECK_PAGE = "ko/sgd"  # the page of the contributor's loop
PDF_STEPS = ("pdf", "downloads")  # the name of the PDF/bundle step in timings.json

# Issue 11 (the contributor's loop and light pages) and issue 13 (the PDF step); docs/performance.md.
PDF_SHARE = Goal("pdf_share", "PDF and bundle step ÷ (execute + sites), steps of `make book`", 0.25, "×")
BUILD_RATIO = Goal("build_ratio", "`make book` ÷ the pages' code as plain scripts, one after another", 0.6, "×")
TEST_AFTER_BOOK = Goal("test_after_book", "`make test` right after `make book` ÷ that `make book`", 1.3, "×")
CHECK = Goal("check", f"`make check PAGE={CHECK_PAGE}` ÷ the `make test` an edit costs (`make clean` then "
                      "`make test`)", 0.15, "×")
CLEAN_TEST = Goal("clean_test", "`make clean` then `make test` ÷ `make book`", 1.8, "×")
FAST_SPEEDUP = Goal("fast_speedup", "speed-up of the fast Keras path over `fit(epochs=200)`", 20, "×", ".1f",
                    at_least=True)
SAME_PREDICTIONS = Goal("same_predictions", "four ways to train: largest difference between their predictions",
                        1e-4, "", ".2g")
HEAVIEST_PAGE = Goal("heaviest_page", "heaviest built page, what Chromium fetched (MB = 1,000,000 bytes)",
                     1.0, " MB")
MATH_SCRIPTS = Goal("math_scripts", "pages that load a math script (MathJax, KaTeX)", 0, " pages", ".0f")

ROUND_GOALS = (PDF_SHARE, BUILD_RATIO, TEST_AFTER_BOOK, CHECK, CLEAN_TEST)  # one figure per round
ONCE_GOALS = (FAST_SPEEDUP, SAME_PREDICTIONS, HEAVIEST_PAGE, MATH_SCRIPTS)  # measured once


def ratio(top: dict | None, bottom: dict | None) -> dict:
    """top's seconds ÷ bottom's; failed when either command failed."""
    top, bottom = top or {}, bottom or {}
    for run in (top, bottom):
        if not run.get("seconds"):
            return {"error": run.get("error", "not run")}
    figure: dict = {"value": top["seconds"] / bottom["seconds"]}
    failure = top.get("error") or bottom.get("error")
    if failure:
        figure.update(failed=True, note=failure)
    return figure


def pdf_share(book: dict | None) -> dict:
    """The PDF/bundle step of one `make book` ÷ its execute and sites steps; failed when that build failed."""
    steps = (book or {}).get("steps") or {}
    step = next((name for name in PDF_STEPS if name in steps), None)
    if book is None or step is None or "execute" not in steps or "sites" not in steps:
        return {"error": (book or {}).get("steps_error", "not run" if book is None else "no PDF step in timings.json")}
    return ratio({"seconds": steps[step], "error": book.get("error")}, {"seconds": steps["execute"] + steps["sites"]})


def round_figures(parts: dict) -> dict[str, dict]:
    """The figure of every round goal from the timed parts of one round."""
    book, test, check, scripts, clean = (parts.get(name) for name in ("book", "test", "check", "scripts", "clean"))
    figures = {PDF_SHARE.key: pdf_share(book), BUILD_RATIO.key: ratio(book, scripts),
               TEST_AFTER_BOOK.key: ratio(test, book), CHECK.key: ratio(check, clean),
               CLEAN_TEST.key: ratio(clean, book)}
    if (test or {}).get("reused_build") is False and "value" in figures[TEST_AFTER_BOOK.key]:
        figures[TEST_AFTER_BOOK.key]["note"] = "the book was built again"
    return figures


def figure_text(goal: Goal, figure: dict) -> str:
    if "value" not in figure:
        return f"not measured ({figure['error']})"
    return f"{figure['value']:{goal.digits}}{goal.unit}" + (f" ({figure['note']})" if figure.get("note") else "")


def judge(goal: Goal, figures: list[dict]) -> dict:
    """One goal's row from its figures, one per round.

    The median is the middle value of the measured rounds; of two middle ones, the worse. The goal
    is met when the median meets it and every round measured it, none from a failed command.
    """
    values = [figure.get("value") for figure in figures]
    measured = sorted((value for value in values if value is not None), reverse=goal.at_least)
    row: dict = {"key": goal.key, "measure": goal.measure, "goal": goal.text, "limit": goal.limit,
                 "values": values, "median": None, "met": None}
    if not measured:
        row["result"] = figure_text(goal, figures[0])
        return row
    row["median"] = median = measured[len(measured) // 2]
    row["met"] = (goal.meets(median) and len(measured) == len(values)
                  and not any(figure.get("failed") for figure in figures))
    number = values.index(median)
    row["result"] = figure_text(goal, figures[number])
    if len(figures) > 1:
        row["result"] += (f", median of {len(figures)} rounds (round {number + 1}); every round: "
                          + ", ".join(figure_text(goal, figure) for figure in figures))
    return row


def judged(results: dict) -> list[dict]:
    """Every goal's row, in the order of the report, from the bench's results."""
    rounds = results.get("rounds") or [{}]
    per_round = [round_figures(parts) for parts in rounds]
    rows = [judge(goal, [figures[goal.key] for figures in per_round]) for goal in ROUND_GOALS]
    for goal in ONCE_GOALS:
        part = results.get("training" if goal in (FAST_SPEEDUP, SAME_PREDICTIONS) else "pages") or {}
        found = part.get(goal.key)
        rows.append(judge(goal, [{"error": part.get("error", "not run")} if found is None else {"value": found}]))
    return rows
