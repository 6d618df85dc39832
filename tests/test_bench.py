"""Tests of the bench (tools/bench/): its goals and the median rule, its timed parts with `make` replaced,
the report's structure, its command line. Page weight (Chromium) and training (TensorFlow) are marked."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from tests.bookinfo import ROOT
from tests.scratch_books import notebook_page
from tools.bench import cli, goals, pages, report, timed, training


def a_round(book=100.0, test=120.0, check=12.0, scripts=200.0, clean=190.0, downloads=16.0) -> dict:
    """One round's timed parts, every command a success: every ratio goal met but make clean; make test."""
    return {"book": {"seconds": book, "exit": 0, "steps": {"execute": 70.0, "sites": 10.0, "downloads": downloads}},
            "test": {"seconds": test, "exit": 0, "reused_build": True}, "check": {"seconds": check, "exit": 0},
            "scripts": {"seconds": scripts}, "clean": {"seconds": clean, "exit": 0}}


def fake_results(rounds: list[dict] | None = None) -> dict:
    ways = [("fit", 10.0), ("fast", 0.25), ("tf_function", 0.1), ("numpy", 0.004)]
    trained = training.summary([{"method": key, "label": key, "best_s": best, "predictions": [-4.0, -3.0]}
                                for key, best in ways]) | {"epochs": 200, "repeats": 3}
    weights = [{"page": "ko/sgd.html", "bytes": 950_000, "files": 20, "mathml": True, "math_scripts": [],
                "other_sites": []}]
    machine = {"cpu": "Test CPU", "cores": 2, "usable_cores": 2, "python": "3.11.7", "tensorflow": "2.21.0",
               "keras": "3.15.1", "date": "2026-01-02 03:04:05+00:00", "commit": "abc1234"}
    return {"machine": machine, "parts": list(cli.PARTS), "left_out": [], "rounds": rounds or [a_round()],
            "training": trained, "pages": {"pages": weights, "heaviest_page": 0.95, "math_scripts": 0}}


def met(results: dict) -> dict[str, bool | None]:
    return {row["key"]: row["met"] for row in goals.judged(results)}


def fake_run(part: str, **changes) -> dict:
    """One round, one of its parts changed: a_round()[part] updated with `changes`."""
    parts = a_round()
    parts[part].update(changes)
    return parts


# --- the goals and the median rule --------------------------------------------------------------


@pytest.mark.parametrize("goal, meets, misses", [
    (goals.BUILD_RATIO, {"book": 120.0}, {"book": 121.0}),       # make book ÷ plain scripts (200 s) ≤ 0.6
    (goals.TEST_AFTER_BOOK, {"test": 130.0}, {"test": 131.0}),   # make test ÷ make book (100 s) ≤ 1.3
    (goals.CHECK, {"check": 28.5}, {"check": 29.0}),             # make check ÷ make clean; make test (190 s)
    (goals.CLEAN_TEST, {"clean": 180.0}, {"clean": 180.5}),      # make clean; make test ÷ make book ≤ 1.8
    (goals.PDF_SHARE, {"downloads": 20.0}, {"downloads": 21.0}),  # downloads ÷ (execute 70 + sites 10) ≤ 0.25
])
def test_each_round_goal_is_its_ratio_and_its_limit(goal, meets, misses):
    assert met(fake_results([a_round(**meets)]))[goal.key] is True
    assert met(fake_results([a_round(**misses)]))[goal.key] is False


@pytest.mark.parametrize("goal, meets, misses", [
    (goals.FAST_SPEEDUP, 20.0, 19.9), (goals.SAME_PREDICTIONS, 1e-4, 1.1e-4),
    (goals.HEAVIEST_PAGE, 1_000_000 / 1e6, 1_000_001 / 1e6), (goals.MATH_SCRIPTS, 0, 1),
])
def test_each_goal_measured_once_holds_at_its_limit(goal, meets, misses):
    assert goals.judge(goal, [{"value": meets}])["met"] is True
    assert goals.judge(goal, [{"value": misses}])["met"] is False


@pytest.mark.parametrize("values, median, expected", [
    ([1.70, 2.00, 1.75], 1.75, True),
    ([1.85, 2.00, 1.70], 1.85, False),
    ([1.80, 1.79], 1.80, True),  # of two middle values, the worse
    ([1.79, 1.81], 1.81, False),
])
def test_a_goal_is_judged_on_the_median_round(values, median, expected):
    row = goals.judge(goals.CLEAN_TEST, [{"value": value} for value in values])
    assert (row["median"], row["met"], row["values"]) == (median, expected, values)
    assert f"round {values.index(median) + 1}" in row["result"]
    assert goals.judge(goals.FAST_SPEEDUP, [{"value": 30.0}, {"value": 21.0}])["median"] == 21.0  # "≥": the lower


def test_a_failed_round_or_one_not_measured_fails_the_goal_whatever_the_median():
    failed = [{"value": 1.7}, {"value": 1.0, "failed": True, "note": "make test failed (exit 1)"}, {"value": 1.75}]
    assert goals.judge(goals.CLEAN_TEST, failed)["met"] is False
    missing = goals.judge(goals.CLEAN_TEST, [{"value": 1.7}, {"error": "make: not found"}, {"value": 1.72}])
    assert missing["met"] is False and "not measured (make: not found)" in missing["result"]
    assert missing["values"] == [1.7, None, 1.72]


def test_a_failed_command_fails_the_goals_it_is_part_of_and_a_rebuild_is_named():
    judged = met(fake_results([fake_run("book", seconds=50.0, error="make-book failed (exit 2)")]))
    assert not any(judged[goal.key] for goal in (goals.PDF_SHARE, goals.BUILD_RATIO, goals.CLEAN_TEST))
    row = goals.judged(fake_results([fake_run("test", reused_build=False)]))[2]
    assert (row["key"], row["met"]) == (goals.TEST_AFTER_BOOK.key, True) and "built again" in row["result"]


def test_parts_not_run_and_a_missing_book_leave_their_goals_not_measured(tmp_path):
    results = fake_results()
    results.update(rounds=[], training=None, pages=pages.measure(tmp_path))
    assert "run make book" in results["pages"]["error"]
    rows = goals.judged(results)
    assert [row["met"] for row in rows] == [None] * len(goals.ROUND_GOALS + goals.ONCE_GOALS)
    assert all(row["result"].startswith("not measured") for row in rows)


def test_each_ratio_is_taken_within_its_round():
    rounds = [a_round(check=check, clean=clean) for check, clean in ((22.5, 150.0), (37.5, 250.0), (30.0, 200.0))]
    row = goals.judge(goals.CHECK, [goals.round_figures(parts)[goals.CHECK.key] for parts in rounds])
    assert row["values"] == pytest.approx([0.15] * 3) and row["met"] is True


def test_training_summary():
    assert [row["speedup"] for row in fake_results()["training"]["methods"]] == pytest.approx([1, 40, 100, 2500])
    rows = [{"method": "fit", "best_s": 1.0, "predictions": [-4.0, -3.0]},
            {"method": "fast", "best_s": 0.1, "predictions": [-3.9, -3.0]}]
    summary = training.summary(rows)
    assert (summary["fast_speedup"], summary["same_predictions"]) == pytest.approx((10.0, 0.1))


# --- the report -----------------------------------------------------------------------------------


def tables(markdown: str) -> list[list[list[str]]]:
    """Every Markdown table of a report: its rows (the separator row left out), each a list of cells."""
    blocks = re.findall(r"(?m)(?:^\|.*\n)+", markdown)
    return [[[cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in block.splitlines()
             if not re.fullmatch(r"[| -]+", line)] for block in blocks]


def test_the_report_has_a_row_per_goal_with_its_limit_and_a_mark_and_a_column_per_round():
    results = fake_results([a_round(), a_round(book=90.0), a_round(book=110.0)])
    found = tables(report.markdown(results, goals.judged(results)))
    header, *goal_rows = found[0]
    assert header == ["Measure", "Result", "Goal", "Met"]
    assert [cells[0] for cells in goal_rows] == [goal.measure for goal in goals.ROUND_GOALS + goals.ONCE_GOALS]
    for cells, goal in zip(goal_rows, goals.ROUND_GOALS + goals.ONCE_GOALS, strict=True):
        assert f"{goal.limit:g}" in cells[2] and cells[3] in (report.OK, report.NOT_OK)
    assert [cells[3] for cells in goal_rows].count(report.NOT_OK) == 1  # make clean; make test, 1.9×
    for table in found:  # well formed: every row as wide as its header; a "|" in a cell escaped
        assert {len(cells) for cells in table} == {len(table[0])}
    assert "a \\| b" in "\n".join(report.table(["x"], [["a | b"]]))
    assert found[1][0] == ["Command", "Round 1", "Round 2", "Round 3"]
    assert [cells[0] for cells in found[1][1:6]] == list(report.TIMED_ROWS.values())


# --- the timed parts, with make replaced ----------------------------------------------------------


class FakeRunner:
    """A Runner whose make() records each command; `effects` maps a target to what it does instead."""

    def __init__(self, effects=None):
        self.calls, self.effects = [], effects or {}

    def make(self, *args, name):
        self.calls.append(list(args))
        self.effects.get(args[0], lambda: None)()
        return {"seconds": 10.0, "exit": 0, "log": name}


@pytest.fixture
def book(scratch_book, monkeypatch):
    monkeypatch.setattr(timed, "PATHS", scratch_book())
    timed.PATHS.logs.mkdir(parents=True)
    return timed.PATHS


def test_book_reads_the_steps_its_build_wrote_and_test_sees_whether_it_built_again(book):
    write = lambda: book.timings.write_text('{"execute": 90, "sites": 10, "downloads": 20.004}')  # noqa: E731
    assert timed.book(FakeRunner({"book": write}))["steps"] == {"execute": 90, "sites": 10, "downloads": 20}
    os.utime(book.timings, (time.time() - 60, time.time() - 60))
    assert "not written by this build" in timed.book(FakeRunner())["steps_error"]
    assert timed.test(FakeRunner())["reused_build"] is True
    assert timed.test(FakeRunner({"test": write}))["reused_build"] is False


def test_check_runs_the_page_with_the_records_set_aside_then_clean_runs_make_clean_then_make_test(book):
    record = book.root / "_build" / "examples" / "page.json"
    record.parent.mkdir(parents=True)
    record.write_text("{}")
    seen: list[bool] = []
    runner = FakeRunner({"check": lambda: seen.append(record.exists())})
    assert timed.check(runner)["exit"] == 0 and seen == [False] and record.exists()
    timed.clean(runner)
    assert runner.calls == [["check", f"PAGE={goals.CHECK_PAGE}"], ["clean"], ["test"]]


def test_commands_are_timed_and_a_failure_is_an_error_not_an_exception(tmp_path):
    runner = timed.Runner(tmp_path, round=2)
    assert runner.run([sys.executable, "-c", "print('hi')"], "ok")["exit"] == 0
    assert "hi" in (tmp_path / "ok-round2.log").read_text()
    assert runner.run([sys.executable, "-c", "raise SystemExit(3)"], "bad")["error"] == "bad failed (exit 3)"
    missing = runner.run(["no-such-command-here"], "missing")
    assert missing["seconds"] is None and "no-such-command-here" in missing["error"]


def test_plain_scripts_run_each_page_from_its_folder(scratch_book):
    code = 'import os\nopen("ran.txt", "w").write(os.environ["MPLBACKEND"])\n{}'
    paths = scratch_book({lang: {"good": notebook_page("A page", code.format(extra))}
                          for lang, extra in (("ko", "raise SystemExit(3)"), ("en", ""))})
    good, bad = (paths.root / "book" / lang / "good.md" for lang in ("en", "ko"))
    result = timed.scripts(timed.Runner(paths.logs), [good, bad])
    assert [row["exit"] for row in result["pages"]] == [0, 3]
    assert "ko/good.md" in result["error"] and (good.parent / "ran.txt").read_text() == "Agg"
    assert result["seconds"] == pytest.approx(sum(row["seconds"] for row in result["pages"]), abs=0.02)


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture
def bench(tmp_path, monkeypatch):
    """cli.main with every part replaced by a stub that records when it ran; its files in tmp_path."""
    ran, build = [], tmp_path / "_build"
    for part in timed.PARTS:
        monkeypatch.setitem(timed.PARTS, part, lambda runner, part=part: ran.append((part, runner.round))
                            or a_round()[part])
    monkeypatch.setattr(pages, "measure", lambda root: ran.append("pages") or fake_results()["pages"])
    monkeypatch.setattr(training, "measure", lambda: ran.append("training") or fake_results()["training"])
    monkeypatch.setattr(report, "machine", lambda: fake_results()["machine"])
    for name in ("REPORT", "RESULTS", "LOGS"):
        monkeypatch.setattr(cli, name, build / getattr(cli, name).name)
    return ran, build


def test_the_timed_parts_run_in_rounds_then_the_others_once(bench):
    ran, build = bench
    assert cli.main(["--rounds", "2"]) == 0
    assert ran == [(part, n) for n in (1, 2) for part in timed.PARTS] + ["pages", "training"]
    saved = json.loads((build / "bench.json").read_text(encoding="utf-8"))
    assert len(saved["rounds"]) == 2 and saved["left_out"] == []
    goal_rows = tables((build / "bench.md").read_text(encoding="utf-8"))[0][1:]
    assert [[row["measure"], report.mark(row["met"])] for row in saved["goals"]] == [
        [cells[0], cells[3]] for cells in goal_rows]


def test_logs_survive_make_clean_and_a_part_that_breaks_is_not_measured(bench, monkeypatch, capsys):
    ran, build = bench
    (build / "bench-logs").mkdir(parents=True)
    (build / "bench-logs" / "old.log").write_text("an earlier run")

    def clean(runner):
        shutil.rmtree(build)  # what make clean does
        (runner.logs / "make-clean-round1.log").write_text("cleaned")
        raise RuntimeError("make clean removed _build")

    monkeypatch.setitem(timed.PARTS, "clean", clean)
    assert cli.main(["--only", "clean", "--only", "pages", "--rounds", "1"]) == 0
    assert [path.name for path in (build / "bench-logs").iterdir()] == ["make-clean-round1.log"]
    saved = json.loads((build / "bench.json").read_text(encoding="utf-8"))
    assert saved["rounds"][0]["clean"]["error"] == "RuntimeError: make clean removed _build"
    assert "training" in saved["left_out"] and "bench.md" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--bogus"], ["--only", "everything"], ["--rounds", "0"], ["--rounds", "ten"]])
def test_bad_arguments_are_one_line_and_exit_2(argv):
    done = subprocess.run([sys.executable, "-m", "tools.bench", *argv], cwd=ROOT, capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr.count("\n")) == (2, "", 1)
    assert done.stderr.startswith("python -m tools.bench: error: ")


# --- page weight and training, for real -----------------------------------------------------------


@pytest.mark.browser
def test_page_weight_is_what_chromium_fetched(tmp_path, browser):
    files = {"index.html": '<!DOCTYPE html><html><head><link rel="stylesheet" href="_static/s.css">'
                           '<script src="_static/mathjax/tex-chtml.js"></script>'
                           '<script src="https://cdn.example.com/remote.js"></script></head><body><p>text</p>'
                           '<div style="height: 5000px"></div><img src="_images/f.svg" loading="lazy" alt="">'
                           "<math><mi>x</mi></math></body></html>",
             "_static/s.css": "@font-face { font-family: Used; src: url(used.woff2) format('woff2'); }\n"
                              "@font-face { font-family: Unused; src: url(unused.woff2) format('woff2'); }\n"
                              "body { font-family: Used, sans-serif; }\n",
             "_static/used.woff2": "u" * 1000, "_static/unused.woff2": "n" * 3000, "_static/mathjax/tex-chtml.js": "",
             "_images/f.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>',
             "_static/fragment.html": "<div>a theme fragment, not a page</div>"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    measured = pages.measure(tmp_path, browser)
    (weight,) = measured["pages"]
    fetched = ("index.html", "_static/s.css", "_static/used.woff2", "_static/mathjax/tex-chtml.js", "_images/f.svg")
    assert (weight["bytes"], weight["files"]) == (sum((tmp_path / name).stat().st_size for name in fetched), 5)
    assert weight["other_sites"] == ["https://cdn.example.com/remote.js"] and weight["mathml"] is True
    assert measured["math_scripts"] == 1 and measured["heaviest_page"] == weight["bytes"] / 1e6


@pytest.mark.tensorflow
def test_four_ways_to_train_predict_the_same():
    trained = training.measure(repeats=1, epochs=5)
    assert [row["method"] for row in trained["methods"]] == ["fit", "fast", "tf_function", "numpy"]
    assert trained["same_predictions"] <= goals.SAME_PREDICTIONS.limit and trained["fast_speedup"] > 0
