"""Tests of tools/bench.py's own logic: page weight, the report, the command line.

Fast and self-contained: no TensorFlow, no build. The page weight is computed on
a tiny fake site in tmp_path; the measuring parts are replaced by stubs.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tools import bench

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "tools" / "bench.py"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def size(*paths: Path) -> int:
    return sum(p.stat().st_size for p in paths)


# --- page weight ---------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path):
    """A tiny built site: two pages, a theme fragment, scripts, CSS with fonts, images, MathJax."""
    root = tmp_path / "html"
    f = {}
    f["index"] = write(root / "index.html", textwrap.dedent("""\
        <!DOCTYPE html><html><head>
        <link rel="stylesheet" href="_static/style.css?v=1" />
        <link rel="preload" as="script" href="_static/app.js?digest=abc" />
        <link rel="shortcut icon" href="favicon.ico" />
        <link rel="next" title="next" href="sub/page.html" />
        <link rel="stylesheet" href="https://cdn.example.com/remote.css" />
        <script src="_static/app.js"></script>
        <script defer="defer" src="_static/mathjax/tex-chtml.js"></script>
        <script>var inline = 1;</script>
        <!-- <script src="_static/commented.js"></script> -->
        </head><body>
        <img src="img/pic%20one.png" alt="" />
        <img src="data:image/png;base64,AAAA" alt="" />
        <img src="img/gone.png" alt="" />
        <a href="_static/big.bin">not loaded</a>
        </body></html>
        """))
    f["page"] = write(root / "sub" / "page.html",
                      '<html><head><link rel="stylesheet" href="../_static/base.css">'
                      '</head><body><img src="/img/pic%20one.png"></body></html>')
    f["fragment"] = write(root / "_static" / "fragment.html", "<div>theme macro</div>")
    f["style"] = write(root / "_static" / "style.css", textwrap.dedent("""\
        @import "base.css";
        /* url(fonts/commented.woff) is a comment */
        .a { background: url(data:image/png;base64,AAAA); }
        @font-face { src: url("fonts/f.woff2?#iefix") format("woff2"), url('fonts/f.ttf') format("truetype"); }
        """))
    f["base"] = write(root / "_static" / "base.css",
                      '@import url("style.css");\n'  # a cycle: style.css imports base.css
                      ".b { background: url(../img/pic%20one.png) }\n"
                      "@font-face { src: url(fonts/f.woff2) }\n")
    f["woff2"] = write(root / "_static" / "fonts" / "f.woff2", b"w" * 100)
    f["ttf"] = write(root / "_static" / "fonts" / "f.ttf", b"t" * 200)
    f["commented"] = write(root / "_static" / "fonts" / "commented.woff", b"c" * 5000)
    f["app"] = write(root / "_static" / "app.js", b"a" * 70)
    f["commented_js"] = write(root / "_static" / "commented.js", b"x" * 7000)
    f["big"] = write(root / "_static" / "big.bin", b"b" * 9000)
    f["favicon"] = write(root / "favicon.ico", b"i" * 10)
    f["pic"] = write(root / "img" / "pic one.png", b"p" * 50)
    f["mathjax"] = write(root / "_static" / "mathjax" / "tex-chtml.js", b"m" * 300)
    fonts = root / "_static" / "mathjax" / "output" / "chtml" / "fonts"
    f["mj_a"] = write(fonts / "woff-v2" / "MathJax_A.woff", b"1" * 40)
    f["mj_b"] = write(fonts / "woff-v2" / "MathJax_B.woff", b"2" * 60)
    f["mj_other"] = write(fonts / "woff-v2" / "README.txt", b"3" * 800)
    return root, f


def test_page_weight_counts_the_html_and_every_local_file_it_loads_once(site):
    root, f = site
    weight = bench.page_weight(f["index"], root)
    counted = [f[k] for k in ("index", "style", "base", "app", "favicon", "mathjax", "pic",
                              "woff2", "ttf", "mj_a", "mj_b")]
    assert weight["bytes"] == size(*counted)
    assert weight["files"] == len(counted)
    assert weight["html_bytes"] == size(f["index"])
    assert weight["page"] == "index.html"
    # What it references but the site lacks is listed, not counted.
    assert weight["missing"] == ["img/gone.png"]
    assert weight["largest"][0] == {"file": "_static/mathjax/tex-chtml.js", "bytes": 300}


def test_page_weight_resolves_relative_to_the_page_and_the_css_and_from_the_root(site):
    root, f = site
    weight = bench.page_weight(f["page"], root)
    # base.css, style.css that it imports, their fonts (relative to the CSS file) and the
    # root-relative image; no MathJax fonts.
    assert weight["bytes"] == size(f["page"], f["base"], f["style"], f["woff2"], f["ttf"], f["pic"])
    assert weight["missing"] == []


def test_page_without_mathjax_does_not_count_its_fonts(site):
    root, f = site
    f["index"].write_text(f["index"].read_text().replace("tex-chtml.js", "other.js"))
    weight = bench.page_weight(f["index"], root)
    assert "_static/mathjax/other.js" in weight["missing"]
    listed = bench.page_weight(f["index"], root)["bytes"]
    assert listed == size(*(f[k] for k in ("index", "style", "base", "app", "favicon", "pic",
                                           "woff2", "ttf")))


def test_measure_pages_skips_theme_fragments_and_sorts_heaviest_first(site):
    root, f = site
    result = bench.measure_pages(root)
    assert [w["page"] for w in result["pages"]] == ["index.html", "sub/page.html"]
    assert result["max_bytes"] == result["pages"][0]["bytes"]
    assert result["limit_bytes"] == 1_500_000


def test_measure_pages_without_a_build_reports_it(tmp_path):
    result = bench.measure_pages(tmp_path / "nothing")
    assert result["pages"] == [] and "make book" in result["error"]


def test_css_references():
    css = """/* url(no.woff) */ @import 'a.css'; x{src:url( "b c.woff2" ) url(d.ttf?x#y)}
             y{background:url(data:image/svg+xml;utf8,abc)}"""
    assert bench.css_references(css) == ["b c.woff2", "d.ttf?x#y", "data:image/svg+xml;utf8,abc", "a.css"]


@pytest.mark.parametrize("ref, expected", [
    ("a.js?v=1", "base/a.js"),
    ("../x/b.css#frag", "x/b.css"),
    ("/img/p%20q.png", "img/p q.png"),
    ("https://cdn.example.com/a.js", None),
    ("//cdn.example.com/a.js", None),
    ("data:image/png;base64,AAAA", None),
    ("#only-a-fragment", None),
])
def test_resolve_local(tmp_path, ref, expected):
    got = bench.resolve_local(ref, tmp_path / "base", tmp_path)
    assert got == (None if expected is None else tmp_path / expected)


# --- the report ----------------------------------------------------------------------------


def fake_results(**changes) -> dict:
    results = {
        "machine": {"cpu": "Test CPU 9000", "cores": 2, "usable_cores": 2, "python": "3.11.7",
                    "tensorflow": "2.21.0", "keras": "3.15.1", "date": "2026-01-02T03:04:05+00:00",
                    "commit": "abc1234"},
        "build": {"make_book": {"seconds": 50.0, "exit": 0}, "pages": 9,
                  "plain": {"seconds": 100.0, "failed": [],
                            "scripts": [{"page": "book/en/a|b.md", "seconds": 10.0, "exit": 0}]},
                  "ratio": 0.5},
        "test": {"make_test": {"seconds": 130.0, "exit": 0}},
        "training": bench.training_summary([
            {"method": "fit", "label": "Keras `fit(epochs=200)`", "best_s": 10.0, "predictions": [-4.0, -3.0]},
            {"method": "fast", "label": "fast", "best_s": 0.25, "predictions": [-4.0, -3.00001]},
            {"method": "tf_function", "label": "tf.function", "best_s": 0.1, "predictions": [-4.0, -3.0]},
            {"method": "numpy", "label": "NumPy", "best_s": 0.004, "predictions": [-4.0, -3.0]},
        ]),
        "pages": {"pages": [
            {"page": "book/en/sgd.html", "bytes": 1_600_000, "html_bytes": 50_000, "files": 40,
             "largest": [{"file": "_static/scripts/fontawesome.js", "bytes": 1_400_000}], "missing": []},
            {"page": "index.html", "bytes": 63, "html_bytes": 63, "files": 1, "largest": [], "missing": []},
        ], "limit_bytes": 1_500_000, "max_bytes": 1_600_000},
    }
    results.update(changes)
    return results


def tables(markdown: str) -> list[list[list[str]]]:
    """Every Markdown table: a list of rows, each a list of cells (separator rows dropped)."""
    found, current = [], None
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if current is None:
                current = []
                found.append(current)
            current.append(cells)
        else:
            current = None
    return found


def goals(markdown: str) -> dict[str, str]:
    """The goals table: measure -> mark."""
    header, _separator, *rows = tables(markdown)[0]
    assert header == ["Measure", "Result", "Goal", "Met"]
    return {row[0]: row[3] for row in rows if row[2]}


def test_report_marks_each_goal():
    md = bench.format_markdown(fake_results())
    marks = goals(md)
    assert marks == {
        "`make book` ÷ plain scripts": "✓",            # 0.5 <= 0.6
        "`make test` (build included)": "✗",           # 130 s > 120 s
        "fast Keras path vs `fit(epochs=200)`": "✓",    # 40x >= 20x
        "same predictions for [5, 4], max abs difference": "✓",
        "heaviest built page (HTML + what it loads)": "✗",  # 1.6 MB
    }
    assert "40.0× faster" in md and "0.50×" in md and "1.60 MB (`book/en/sgd.html`); 1 of 2 pages over" in md


def test_report_names_the_machine():
    first_lines = "\n".join(bench.format_markdown(fake_results()).splitlines()[:4])
    for text in ("Test CPU 9000", "2 cores", "Python 3.11.7", "TensorFlow 2.21.0", "Keras 3.15.1",
                 "2026-01-02 03:04:05"):
        assert text in first_lines


def test_report_tables_are_well_formed():
    for rows in tables(bench.format_markdown(fake_results())):
        header, separator = rows[0], rows[1]
        assert all(re.fullmatch(r":?-{3,}:?", cell) for cell in separator), separator
        assert all(len(row) == len(header) for row in rows), rows
    # A | inside a cell is escaped, not a new column.
    assert "a\\|b.md" in bench.format_markdown(fake_results())


@pytest.mark.parametrize("changes, measure, expected", [
    ({"build": {"make_book": {"seconds": 60.0, "exit": 0}, "plain": {"seconds": 100.0}, "ratio": 0.6}},
     "`make book` ÷ plain scripts", "✓"),
    ({"build": {"make_book": {"seconds": 61.0, "exit": 0}, "plain": {"seconds": 100.0}, "ratio": 0.61}},
     "`make book` ÷ plain scripts", "✗"),
    # A quick build that failed does not meet the goal.
    ({"build": {"make_book": {"seconds": 5.0, "exit": 2, "error": "make book failed (exit 2)"},
                "plain": {"seconds": 100.0}, "ratio": 0.05}}, "`make book` ÷ plain scripts", "✗"),
    ({"test": {"make_test": {"seconds": 120.0, "exit": 0}}}, "`make test` (build included)", "✓"),
    ({"test": {"make_test": {"seconds": 90.0, "exit": 1, "error": "make test failed (exit 1)"}}},
     "`make test` (build included)", "✗"),
    ({"pages": {"pages": [{"page": "a.html", "bytes": 1_500_000, "html_bytes": 1, "files": 1,
                           "largest": [], "missing": []}]}},
     "heaviest built page (HTML + what it loads)", "✗"),
    ({"pages": {"pages": [{"page": "a.html", "bytes": 1_499_999, "html_bytes": 1, "files": 1,
                           "largest": [], "missing": []}]}},
     "heaviest built page (HTML + what it loads)", "✓"),
])
def test_goal_boundaries(changes, measure, expected):
    md = bench.format_markdown(fake_results(**changes))
    assert goals(md)[measure] == expected
    if "pages" in changes:  # the page's own row in the page-weight table agrees
        page_table = next(t for t in tables(md) if t[0][0] == "Page" and t[0][1] == "HTML")
        assert page_table[2][-1] == expected


def test_parts_not_run_are_not_measured_and_not_marked():
    results = fake_results()
    for part in ("build", "test", "training"):
        del results[part]
    md = bench.format_markdown(results)
    marks = goals(md)
    assert marks["`make book` ÷ plain scripts"] == "—"
    assert marks["`make test` (build included)"] == "—"
    assert marks["fast Keras path vs `fit(epochs=200)`"] == "—"
    assert "Not run this time: build, test, training." in md


def test_training_summary_speedups_and_disagreement():
    summary = fake_results()["training"]
    speedups = {row["method"]: row["speedup"] for row in summary["methods"]}
    assert speedups == pytest.approx({"fit": 1.0, "fast": 40.0, "tf_function": 100.0, "numpy": 2500.0})
    assert summary["fast_speedup"] == pytest.approx(40.0)
    assert summary["max_abs_diff"] == pytest.approx(1e-5)
    wrong = bench.training_summary([
        {"method": "fit", "label": "fit", "best_s": 1.0, "predictions": [-4.0, -3.0]},
        {"method": "fast", "label": "fast", "best_s": 0.1, "predictions": [-3.9, -3.0]},
    ])
    assert goals(bench.format_markdown(fake_results(training=wrong)))[
        "same predictions for [5, 4], max abs difference"] == "✗"


# --- the pages and their code as plain scripts ---------------------------------------------------


NOTEBOOK = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A page

```{{code-cell}} ipython3
import os
open("ran.txt", "w").write(os.environ["MPLBACKEND"] + " " + os.environ["TF_CPP_MIN_LOG_LEVEL"])
{extra}
```
"""


def test_plain_scripts_run_each_page_from_its_directory(tmp_path):
    book = tmp_path / "book"
    good = write(book / "en" / "good.md", NOTEBOOK.format(extra=""))
    bad = write(book / "ko" / "good.md", NOTEBOOK.format(extra="raise SystemExit(3)"))
    write(book / "en" / "plain.md", "# no kernelspec: not a notebook page\n")
    pages = bench.notebook_pages(book)
    assert pages == [good, bad]
    result = bench.run_plain_scripts(pages, book, sys.executable, tmp_path / "log.txt", timeout=60)
    assert [(s["page"], s["exit"]) for s in result["scripts"]] == [("book/en/good.md", 0),
                                                                   ("book/ko/good.md", 3)]
    assert result["failed"] == ["book/ko/good.md"] and "1 script(s) failed" in result["error"]
    assert (book / "en" / "ran.txt").read_text() == "Agg 3"
    assert (book / "ko" / "ran.txt").exists()
    assert result["seconds"] >= max(s["seconds"] for s in result["scripts"])


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["--bogus"], ["--only"], ["--only", "everything"], ["stray"],
    ["--only", "build", "--skip-build"], ["--only", "test", "--skip-test"],
])
def test_bad_arguments_exit_2_with_one_line_and_measure_nothing(argv, monkeypatch, tmp_path, capsys):
    def must_not_run():
        raise AssertionError("measured despite bad arguments")

    for name in ("measure_build", "measure_test", "measure_pages", "measure_training", "machine"):
        monkeypatch.setattr(bench, name, must_not_run)
    monkeypatch.setattr(bench, "JSON_OUT", tmp_path / "bench.json")
    assert bench.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("bench.py: error: ")
    assert not (tmp_path / "bench.json").exists()


def test_bad_arguments_from_the_shell():
    started = time.perf_counter()
    run = subprocess.run([sys.executable, str(BENCH), "--only", "nonsense"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1 and "--only" in run.stderr
    assert time.perf_counter() - started < 10


@pytest.fixture
def stubbed(monkeypatch, tmp_path):
    """bench.main with every part replaced by a stub that records it ran."""
    ran = []

    def stub(name, value):
        def measure():
            ran.append(name)
            if isinstance(value, Exception):
                raise value
            return value
        return measure

    results = fake_results()
    for part in bench.PARTS:
        monkeypatch.setattr(bench, f"measure_{part}", stub(part, results[part]))
    monkeypatch.setattr(bench, "machine", lambda: results["machine"])
    monkeypatch.setattr(bench, "BUILD", tmp_path)
    monkeypatch.setattr(bench, "JSON_OUT", tmp_path / "bench.json")
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    return ran, stub, monkeypatch, tmp_path


@pytest.mark.parametrize("argv, parts", [
    ([], ["build", "test", "pages", "training"]),
    (["--skip-build"], ["test", "pages", "training"]),
    (["--skip-build", "--skip-test"], ["pages", "training"]),
    (["--only", "training"], ["training"]),
    (["--only=pages"], ["pages"]),
])
def test_options_choose_the_parts(stubbed, capsys, argv, parts):
    ran, _stub, _mp, tmp_path = stubbed
    assert bench.main(argv) == 0
    assert ran == parts
    out = capsys.readouterr().out
    assert out.startswith("## Performance")
    saved = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert saved["parts"] == parts and set(parts) <= set(saved)
    assert all(set(goal) == {"measure", "result", "goal", "met"} for goal in saved["goals"])


def test_a_part_that_breaks_is_reported_and_the_exit_status_stays_0(stubbed, capsys):
    ran, stub, monkeypatch, _tmp = stubbed
    monkeypatch.setattr(bench, "measure_training", stub("training", RuntimeError("no TensorFlow here")))
    assert bench.main(["--only", "training"]) == 0
    out = capsys.readouterr().out
    assert "not measured (RuntimeError: no TensorFlow here)" in out
