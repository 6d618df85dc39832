"""Tests of tools/bench.py's own logic: page weight, build timings, the report, the command line.

Fast and self-contained: no TensorFlow, no build. Page weight is computed on a tiny fake
site in tmp_path, build timings on fake logs; the make targets and the measuring parts are
replaced by stubs that record what they were asked to run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.bookinfo import notebook_page
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


# A valid 1x1 PNG: Chromium fetches an image either way, but a broken one would be noise.
PNG_1x1 = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def size(*paths: Path) -> int:
    return sum(p.stat().st_size for p in paths)


# --- page weight ---------------------------------------------------------------------------


@pytest.fixture
def site(tmp_path):
    """A tiny built site: a root page, a page per language, a theme fragment, scripts, CSS with
    fonts, images, MathJax."""
    root = tmp_path / "html"
    f = {}
    f["index"] = write(root / "index.html", textwrap.dedent("""\
        <!DOCTYPE html><html><head>
        <link rel="stylesheet" href="_static/style.css?v=1" />
        <link rel="preload" as="script" href="_static/app.js?digest=abc" />
        <link rel="shortcut icon" href="favicon.ico" />
        <link rel="next" title="next" href="en/page.html" />
        <link rel="stylesheet" href="https://cdn.example.com/remote.css" />
        <script src="_static/app.js"></script>
        <script defer="defer" src="_static/mathjax/tex-chtml.js"></script>
        <script>var inline = 1;</script>
        <!-- <script src="_static/commented.js"></script> -->
        </head><body class="mathjax_ignore">
        <img src="img/pic%20one.png" alt="" />
        <img src="data:image/png;base64,AAAA" alt="" />
        <img src="img/gone.png" alt="" />
        <a href="_static/big.bin">not loaded</a>
        </body></html>
        """))
    f["page"] = write(root / "en" / "page.html",
                      '<html><head><link rel="stylesheet" href="../_static/base.css">'
                      '</head><body><p><math><mi>x</mi></math></p><img src="/img/pic%20one.png"></body></html>')
    f["ko_page"] = write(root / "ko" / "deep" / "page.html",
                         '<html><head><script src="https://cdn.jsdelivr.net/npm/katex/dist/katex.min.js">'
                         '</script></head><body class="tex2jax_ignore mathjax_ignore"></body></html>')
    f["fragment"] = write(root / "_static" / "fragment.html", "<div>theme macro</div>")
    f["lang_fragment"] = write(root / "en" / "_static" / "webpack-macros.html", "<div>theme macro</div>")
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
    # The @font-face rule names a .woff2 and a .ttf: a browser fetches the first, so only it counts.
    counted = [f[k] for k in ("index", "style", "base", "app", "favicon", "mathjax", "pic",
                              "woff2", "mj_a", "mj_b")]
    assert weight["bytes"] == size(*counted)
    assert weight["files"] == len(counted)
    assert weight["html_bytes"] == size(f["index"])
    assert weight["page"] == "index.html"
    # What it references but the site lacks is listed, not counted.
    assert weight["missing"] == ["img/gone.png"]
    assert weight["largest"][0] == {"file": "_static/mathjax/tex-chtml.js", "bytes": 300}
    assert weight["math_scripts"] == ["_static/mathjax/tex-chtml.js"]
    assert weight["has_math"] is False  # a class name "mathjax_ignore" is not math


def test_page_weight_resolves_relative_to_the_page_and_the_css_and_from_the_root(site):
    root, f = site
    weight = bench.page_weight(f["page"], root)
    # base.css, style.css that it imports, their font (relative to the CSS file) and the
    # root-relative image; no MathJax fonts.
    assert weight["bytes"] == size(f["page"], f["base"], f["style"], f["woff2"], f["pic"])
    assert weight["missing"] == []
    assert weight["math_scripts"] == [] and weight["has_math"] is True


def test_page_without_mathjax_does_not_count_its_fonts(site):
    root, f = site
    f["index"].write_text(f["index"].read_text().replace("tex-chtml.js", "other.js"))
    weight = bench.page_weight(f["index"], root)
    assert "_static/mathjax/other.js" in weight["missing"]
    assert weight["bytes"] == size(*(f[k] for k in ("index", "style", "base", "app", "favicon", "pic",
                                                    "woff2")))


def test_built_pages_are_every_language_and_the_root_page_but_no_theme_fragment(site):
    root, f = site
    assert bench.built_pages(root) == [f["page"], f["index"], f["ko_page"]]


def test_measure_pages_sorts_heaviest_first_and_counts_pages_with_math_scripts(site):
    root, f = site
    result = bench.measure_pages(root, browser=False)
    assert [w["page"] for w in result["pages"]] == ["index.html", "en/page.html", "ko/deep/page.html"]
    assert result["max_bytes"] == result["pages"][0]["bytes"] == bench.page_weight(f["index"], root)["bytes"]
    assert result["limit_bytes"] == 1_000_000
    # A remote KaTeX script counts as a math script too, although it adds no local bytes.
    assert result["math_script_pages"] == ["index.html", "ko/deep/page.html"]
    assert result["math_pages"] == 1


def test_chromium_counts_what_it_fetches_not_every_font_a_style_sheet_names(tmp_path, browser):
    root = tmp_path / "html"
    f = {
        "index": write(root / "index.html", textwrap.dedent("""\
            <!DOCTYPE html><html><head><link rel="stylesheet" href="_static/s.css">
            <script src="https://cdn.example.com/remote.js"></script></head>
            <body><p>text</p><div style="height: 5000px"></div>
            <img src="_images/fig.png" loading="lazy" alt=""></body></html>
            """)),
        "css": write(root / "_static" / "s.css", textwrap.dedent("""\
            @font-face { font-family: Used; src: url(used.woff2) format("woff2"); }
            @font-face { font-family: Unused; src: url(unused.woff2) format("woff2"); }
            body { font-family: Used, sans-serif; }
            """)),
        "used": write(root / "_static" / "used.woff2", b"u" * 1000),
        "unused": write(root / "_static" / "unused.woff2", b"n" * 3000),
        "fig": write(root / "_images" / "fig.png", PNG_1x1),
    }
    # The session's Chromium (tests/conftest.py): a second Playwright in this process would fail.
    result = bench.measure_pages(root, chromium=browser)
    assert "browser_error" not in result, result.get("browser_error")
    (weight,) = result["pages"]
    named = size(f["index"], f["css"], f["used"], f["unused"], f["fig"])
    assert weight["bytes"] == named
    # Chromium fetched the font the page uses and the lazy figure at the end, not the unused font;
    # the remote script was blocked and listed.
    assert weight["loaded"] == {"bytes": named - size(f["unused"]), "files": 4,
                                "remote": ["https://cdn.example.com/remote.js"]}
    assert result["max_bytes"] == named - size(f["unused"])


def test_measure_pages_without_a_build_reports_it(tmp_path):
    result = bench.measure_pages(tmp_path / "nothing", browser=False)
    assert result["pages"] == [] and "make book" in result["error"]


def test_css_references():
    css = """/* url(no.woff) */ @import 'a.css'; x{src:url( "b c.woff2" ) url(d.ttf?x#y)}
             y{background:url(data:image/svg+xml;utf8,abc)}"""
    assert bench.css_references(css) == ["b c.woff2", "d.ttf?x#y", "data:image/svg+xml;utf8,abc", "a.css"]


@pytest.mark.parametrize("rule, fetched", [
    ('src: url("a.woff2") format("woff2"), url(a.ttf) format("truetype")', "a.woff2"),
    # The old IE pattern: the last src declaration wins, and Chromium skips the .eot.
    ("src: url(a.eot); src: url(a.eot?#iefix) format('embedded-opentype'), url(a.woff) format('woff')",
     "a.woff"),
    ('src: local("Font"), url(a.ttf)', "a.ttf"),
    ('font-family: X; src: local("Font")', None),
    ("font-weight: 400", None),
])
def test_font_face_source_is_the_one_font_a_browser_fetches(rule, fetched):
    assert bench.font_face_source(rule) == fetched
    css = "@font-face { " + rule + " } .x { background: url(bg.png) }"
    assert bench.css_references(css) == ([fetched] if fetched else []) + ["bg.png"]


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


@pytest.mark.parametrize("ref, expected", [
    ("_static/mathjax/tex-chtml.js", True),
    ("https://cdn.jsdelivr.net/npm/katex@0.16/dist/katex.min.js", True),
    ("_static/scripts/bootstrap.js?mathjax=1", False),  # only the path counts
    ("_static/book.js", False),
])
def test_is_math_script(ref, expected):
    assert bench.is_math_script(ref) is expected


# --- build timings and make targets --------------------------------------------------------------


def test_read_timings(tmp_path):
    path = write(tmp_path / "timings.json", json.dumps({"execute": 100.004, "sites": 20, "downloads": 29.5,
                                                      "note": "text is not a step", "ok": True}))
    assert bench.read_timings(path) == {"steps": {"execute": 100.0, "sites": 20.0, "downloads": 29.5}}
    assert "does not exist" in bench.read_timings(tmp_path / "none.json")["error"]
    # A file older than the build that should have written it stands for another build.
    assert "not written by this build" in bench.read_timings(path, since=time.time() + 60)["error"]
    write(path, "[1, 2]")
    assert "no object" in bench.read_timings(path)["error"]
    write(path, "{not json")
    assert "cannot read" in bench.read_timings(path)["error"]


@pytest.mark.parametrize("steps, expected", [
    ({"execute": 100.0, "sites": 20.0, "pdf": 30.0}, {"step": "pdf", "ratio": 0.25}),
    ({"execute": 100.0, "sites": 20.0, "downloads": 12.0}, {"step": "downloads", "ratio": 0.1}),
    ({"execute": 100.0, "sites": 20.0}, {"error": "no PDF step in timings.json"}),
    ({"sites": 20.0, "pdf": 5.0}, {"error": "timings.json lacks execute"}),
])
def test_pdf_share(steps, expected):
    assert bench.pdf_share(steps) == expected


def test_make_targets(tmp_path):
    makefile = write(tmp_path / "Makefile", textwrap.dedent("""\
        PAGE ?= ko/sgd
        BIN := .venv/bin
        .PHONY: book test check
        book test: $(STAMP)
        \t$(BIN)/python tools/build.py
        check:: $(STAMP)
        \t@echo check
        $(STAMP): requirements.txt
        # notes: not a target
        """))
    assert bench.make_targets(makefile) == {"book", "test", "check"}
    assert "check" not in bench.make_targets(write(tmp_path / "Other", "book:\n\ttrue\ncheck-all := 1\n"))
    assert bench.make_targets(tmp_path / "missing") == set()


@pytest.fixture
def fake_make(monkeypatch, tmp_path):
    """bench.run_make replaced: records the make arguments; `effects` maps a target to what it does."""
    calls, effects = [], {}

    def run_make(args, log_name, *, cwd=None):
        calls.append(args)
        output = effects.get(args[0], lambda: "")()
        (bench.LOGS / log_name).write_text(output if isinstance(output, str) else "", encoding="utf-8")
        return {"seconds": 10.0 * len(calls), "exit": 0, "log": log_name}

    monkeypatch.setattr(bench, "run_make", run_make)
    monkeypatch.setattr(bench, "LOGS", tmp_path / "logs")
    monkeypatch.setattr(bench, "TIMINGS", tmp_path / "timings.json")
    (tmp_path / "logs").mkdir()
    return calls, effects, tmp_path


def test_measure_book_reads_the_timings_its_build_wrote(fake_make):
    calls, effects, tmp_path = fake_make
    effects["book"] = lambda: write(tmp_path / "timings.json", '{"execute": 90, "sites": 10, "downloads": 20}')
    result = bench.measure_book()
    assert calls == [["book"]]
    assert result["timings"] == {"steps": {"execute": 90.0, "sites": 10.0, "downloads": 20.0},
                                 "step": "downloads", "ratio": 0.2}


def test_measure_book_ignores_timings_of_an_earlier_build(fake_make):
    _calls, _effects, tmp_path = fake_make
    old = write(tmp_path / "timings.json", '{"execute": 90, "sites": 10, "pdf": 1}')
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert "not written by this build" in bench.measure_book()["timings"]["error"]


@pytest.mark.parametrize("output, reused", [
    ("_build/html/ is up to date with every input it was built from: not rebuilt", True),
    ("The book is in _build/html/", False),
])
def test_measure_test_says_whether_the_build_was_reused(fake_make, output, reused):
    calls, effects, _tmp = fake_make
    effects["test"] = lambda: output
    assert bench.measure_test()["reused_build"] is reused
    assert calls == [["test"]]


def test_measure_check_runs_the_page_when_the_makefile_has_the_target(fake_make, monkeypatch):
    calls, _effects, tmp_path = fake_make
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    write(tmp_path / "Makefile", "book:\n\ttrue\n")
    assert bench.measure_check() == {"error": "the Makefile has no check target", "page": "ko/sgd"}
    assert calls == []
    write(tmp_path / "Makefile", "book:\n\ttrue\ncheck:\n\ttrue\n")
    assert bench.measure_check()["make"]["exit"] == 0
    assert calls == [["check", "PAGE=ko/sgd"]]


def test_measure_clean_cleans_then_tests(fake_make):
    calls, _effects, _tmp = fake_make
    result = bench.measure_clean()
    assert calls == [["clean"], ["test"]]
    assert result["make"]["log"] == "make-test-from-clean.log" and result["clean"]["exit"] == 0


# --- the report ----------------------------------------------------------------------------


def fake_results(**changes) -> dict:
    results = {
        "machine": {"cpu": "Test CPU 9000", "cores": 2, "usable_cores": 2, "python": "3.11.7",
                    "tensorflow": "2.21.0", "keras": "3.15.1", "date": "2026-01-02T03:04:05+00:00",
                    "commit": "abc1234"},
        "book": {"make": {"seconds": 100.0, "exit": 0},
                 "timings": {"steps": {"execute": 70.0, "sites": 10.0, "downloads": 16.0},
                             "step": "downloads", "ratio": 0.2}},
        "kernels": {"make": {"seconds": 150.0, "exit": 0},
                    "timings": {"steps": {"execute": 140.0, "sites": 10.0, "downloads": 16.0}}},
        "test": {"make": {"seconds": 120.0, "exit": 0}, "reused_build": True},
        "check": {"make": {"seconds": 12.0, "exit": 0}, "page": "ko/sgd"},
        "scripts": {"seconds": 200.0, "pages": 9, "failed": [],
                    "scripts": [{"page": "book/en/a|b.md", "seconds": 10.0, "exit": 0}]},
        "clean": {"clean": {"seconds": 0.1, "exit": 0}, "make": {"seconds": 190.0, "exit": 0}},
        "training": bench.training_summary([
            {"method": "fit", "label": "Keras `fit(epochs=200)`", "best_s": 10.0, "predictions": [-4.0, -3.0]},
            {"method": "fast", "label": "fast", "best_s": 0.25, "predictions": [-4.0, -3.00001]},
            {"method": "tf_function", "label": "tf.function", "best_s": 0.1, "predictions": [-4.0, -3.0]},
            {"method": "numpy", "label": "NumPy", "best_s": 0.004, "predictions": [-4.0, -3.0]},
        ]),
        "pages": {"pages": [
            {"page": "ko/sgd.html", "bytes": 1_600_000, "html_bytes": 50_000, "files": 40,
             "largest": [{"file": "_static/scripts/fontawesome.js", "bytes": 1_400_000}], "missing": [],
             "math_scripts": ["_static/mathjax/tex-chtml.js"], "has_math": True},
            {"page": "en/sgd.html", "bytes": 900_000, "html_bytes": 50_000, "files": 30, "largest": [],
             "missing": [], "math_scripts": [], "has_math": True},
            {"page": "index.html", "bytes": 63, "html_bytes": 63, "files": 1, "largest": [], "missing": [],
             "math_scripts": [], "has_math": False},
        ], "limit_bytes": 1_000_000, "max_bytes": 1_600_000},
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


def goal_table(markdown: str) -> dict[str, list[str]]:
    """The goals table: measure -> [result, goal, mark]."""
    header, _separator, *rows = tables(markdown)[0]
    assert header == ["Measure", "Result", "Goal", "Met"]
    return {row[0]: row[1:] for row in rows}


def goals(markdown: str) -> dict[str, str]:
    """The goals table's marks: measure -> mark, for the rows that have a goal."""
    return {measure: mark for measure, (_result, goal, mark) in goal_table(markdown).items() if goal}


BOOK_VS_SCRIPTS = "`make book` ÷ plain scripts"
TEST_AFTER_BOOK = "`make test` right after `make book` ÷ that `make book`"
CHECK = ("`make check PAGE=ko/sgd` ÷ the `make test` it replaces (after a change: everything is built again, "
         "as after `make clean`)")
CLEAN_TEST = "`make clean` then `make test` ÷ `make book`"
KERNELS = "`make book` ÷ the same build with plain kernels (`--plain-kernels`)"
PDF = "PDF and bundle step ÷ (execute + sites)"
FAST = "fast Keras path vs `fit(epochs=200)`"
SAME = "same predictions for [5, 4], max abs difference"
HEAVIEST = "heaviest built page (HTML + what it loads)"
MATH = "pages that load a math script (MathJax, KaTeX)"


def test_report_marks_each_goal():
    md = bench.format_markdown(fake_results())
    assert goals(md) == {
        PDF: "✓",              # 16 / (70 + 10) = 0.2 <= 0.25
        BOOK_VS_SCRIPTS: "✓",  # 100 / 200 = 0.5 <= 0.6
        TEST_AFTER_BOOK: "✓",  # 120 / 100 = 1.2 <= 1.3
        CHECK: "✓",            # 12 / 120 = 0.1 <= 0.15
        CLEAN_TEST: "✗",       # 190 / 100 = 1.9 > 1.8
        FAST: "✓",             # 40x >= 20x
        SAME: "✓",
        HEAVIEST: "✗",         # 1.6 MB
        MATH: "✗",             # ko/sgd.html loads MathJax
    }
    rows = goal_table(md)
    assert rows[TEST_AFTER_BOOK][0] == "1.20× (120.00 s); the build was reused"
    assert rows[CHECK][0] == "0.06× (12.00 s); 0.10× of `make test` with the build reused"
    assert rows[KERNELS][0] == "0.67× (100.00 s)"
    assert rows["its execution step: forked kernels ÷ plain kernels"][0] == "0.50× (70.00 s vs 140.00 s)"
    assert rows[PDF][0] == "0.20× (downloads 16.00 s)"
    assert rows["its steps (`_build/logs/timings.json`)"][0] == "execute 70.00 s · sites 10.00 s · downloads 16.00 s"
    assert rows[HEAVIEST][0] == "1.60 MB named by its HTML and CSS (`ko/sgd.html`); 1 of 3 pages over"
    assert rows[MATH][0] == "1 of 3 pages (2 pages hold MathML)"
    assert "40.0× faster" in md and "0.50×" in md
    assert "Pages that load a math script: `ko/sgd.html` (_static/mathjax/tex-chtml.js)" in md


def test_report_names_the_machine():
    first_lines = "\n".join(bench.format_markdown(fake_results()).splitlines()[:4])
    for text in ("Test CPU 9000", "2 cores", "Python 3.11.7", "TensorFlow 2.21.0", "Keras 3.15.1",
                 "2026-01-02 03:04:05"):
        assert text in first_lines


def test_report_tables_are_well_formed():
    md = bench.format_markdown(fake_results())
    found = tables(md)
    assert len(found) == 4  # goals, training, page weight, plain scripts
    for rows in found:
        header, separator = rows[0], rows[1]
        assert all(re.fullmatch(r":?-{3,}:?", cell) for cell in separator), separator
        assert all(len(row) == len(header) for row in rows), rows
    # A | inside a cell is escaped, not a new column.
    assert "a\\|b.md" in md


def with_seconds(part: str, seconds: float, error: str | None = None) -> dict:
    results = fake_results()
    run = {"seconds": seconds, "exit": 0 if error is None else 1}
    if error:
        run["error"] = error
    if part == "scripts":
        results["scripts"].update(run)
    else:
        results[part]["make"] = run
    return results


@pytest.mark.parametrize("results, measure, expected", [
    (with_seconds("book", 120.0), BOOK_VS_SCRIPTS, "✓"),      # 120 / 200 = 0.6
    (with_seconds("book", 121.0), BOOK_VS_SCRIPTS, "✗"),
    # A quick build that failed does not meet the goal; neither do scripts that failed.
    (with_seconds("book", 5.0, "make book failed (exit 2)"), BOOK_VS_SCRIPTS, "✗"),
    (with_seconds("scripts", 900.0, "1 script(s) failed: book/en/a.md"), BOOK_VS_SCRIPTS, "✗"),
    (with_seconds("test", 130.0), TEST_AFTER_BOOK, "✓"),      # 130 / 100 = 1.3
    (with_seconds("test", 131.0), TEST_AFTER_BOOK, "✗"),
    (with_seconds("test", 60.0, "make test failed (exit 1)"), TEST_AFTER_BOOK, "✗"),
    (with_seconds("check", 28.5), CHECK, "✓"),                # 28.5 / 190 = 0.15
    (with_seconds("check", 29.0), CHECK, "✗"),
    (with_seconds("clean", 180.0), CLEAN_TEST, "✓"),          # 180 / 100 = 1.8
    (with_seconds("clean", 180.5), CLEAN_TEST, "✗"),
])
def test_ratio_goal_boundaries(results, measure, expected):
    assert goals(bench.format_markdown(results))[measure] == expected


@pytest.mark.parametrize("ratio, expected", [(0.25, "✓"), (0.26, "✗")])
def test_pdf_goal_boundary(ratio, expected):
    results = fake_results()
    results["book"]["timings"]["ratio"] = ratio
    assert goals(bench.format_markdown(results))[PDF] == expected


@pytest.mark.parametrize("heaviest, expected", [(1_000_000, "✓"), (1_000_001, "✗")])
def test_page_weight_goal_boundary(heaviest, expected):
    results = fake_results()
    results["pages"]["pages"][0].update(bytes=heaviest, math_scripts=[])
    md = bench.format_markdown(results)
    assert goals(md)[HEAVIEST] == expected
    assert goals(md)[MATH] == "✓"
    # The page's own row in the page-weight table agrees.
    page_table = next(t for t in tables(md) if t[0][:2] == ["Page", "HTML"])
    assert page_table[2][0] == "`ko/sgd.html`" and page_table[2][-1] == expected


def test_parts_not_run_are_not_measured_and_not_marked():
    results = fake_results()
    for part in ("book", "test", "check", "training"):
        del results[part]
    md = bench.format_markdown(results)
    marks = goals(md)
    for measure in (PDF, BOOK_VS_SCRIPTS, TEST_AFTER_BOOK, CHECK, CLEAN_TEST, FAST, SAME):
        assert marks[measure] == "—", measure
    rows = goal_table(md)
    assert rows[BOOK_VS_SCRIPTS][0] == "not measured"
    assert rows[CLEAN_TEST][0] == "190.00 s; `make book` not measured"
    assert "Not run this time: book, test, check, training." in md


def test_what_could_not_be_measured_says_why():
    results = fake_results(check={"error": "the Makefile has no check target", "page": "ko/sgd"})
    results["book"]["timings"] = {"steps": {"execute": 70.0, "sites": 10.0}, "error": "no PDF step in timings.json"}
    rows = goal_table(bench.format_markdown(results))
    assert rows[CHECK] == ["not measured (the Makefile has no check target)", "≤ 0.15×", "—"]
    assert rows[PDF] == ["not measured (no PDF step in timings.json)", "≤ 0.25×", "—"]


def test_a_rebuild_after_make_book_is_named():
    results = fake_results()
    results["test"]["reused_build"] = False
    rows = goal_table(bench.format_markdown(results))
    assert rows[TEST_AFTER_BOOK][0].endswith("; the book was built again")


def test_training_summary_speedups_and_disagreement():
    summary = fake_results()["training"]
    speedups = {row["method"]: row["speedup"] for row in summary["methods"]}
    assert speedups == pytest.approx({"fit": 1.0, "fast": 40.0, "tf_function": 100.0, "numpy": 2500.0})
    assert summary["fast_speedup"] == pytest.approx(40.0)
    assert summary["max_abs_diff"] == pytest.approx(1e-5)
    assert (summary["epochs"], summary["inputs"]) == (200, [5, 4])  # the tutorial's, from examples/tutorial.py
    wrong = bench.training_summary([
        {"method": "fit", "label": "fit", "best_s": 1.0, "predictions": [-4.0, -3.0]},
        {"method": "fast", "label": "fast", "best_s": 0.1, "predictions": [-3.9, -3.0]},
    ])
    assert goals(bench.format_markdown(fake_results(training=wrong)))[SAME] == "✗"


# --- the pages and their code as plain scripts ---------------------------------------------------


CODE = """\
import os
open("ran.txt", "w").write(os.environ["MPLBACKEND"] + " " + os.environ["TF_CPP_MIN_LOG_LEVEL"])
{extra}"""


def test_plain_scripts_run_each_page_from_its_directory(tmp_path):
    book = tmp_path / "book"
    good = write(book / "en" / "good.md", notebook_page("A page", CODE.format(extra="")))
    bad = write(book / "ko" / "good.md", notebook_page("A page", CODE.format(extra="raise SystemExit(3)")))
    write(book / "en" / "plain.md", "# no kernelspec: not a notebook page\n")
    # "kernelspec:" in the text but not in the front matter: not a notebook either.
    write(book / "en" / "prose.md", "---\ntitle: x\n---\n\nkernelspec: is a word here\n")
    pages = bench.notebook_pages(book)
    assert pages == [good, bad]
    result = bench.run_plain_scripts(pages, book, sys.executable, tmp_path / "log.txt", timeout=60)
    assert [(s["page"], s["exit"]) for s in result["scripts"]] == [("book/en/good.md", 0),
                                                                   ("book/ko/good.md", 3)]
    assert result["failed"] == ["book/ko/good.md"] and "1 script(s) failed" in result["error"]
    assert result["pages"] == 2
    assert (book / "en" / "ran.txt").read_text() == "Agg 3"
    assert (book / "ko" / "ran.txt").exists()
    assert result["seconds"] >= max(s["seconds"] for s in result["scripts"])


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    ["--bogus"], ["--only"], ["--only", "everything"], ["stray"], ["--only", "build"],
    ["--skip", "nothing"], ["--only", "pages", "--skip", "book"], ["--rounds", "0"], ["--rounds", "two"],
    ["--rounds", "10"],
    [arg for part in bench.PARTS for arg in ("--skip", part)],
])
def test_bad_arguments_exit_2_with_one_line_and_measure_nothing(argv, monkeypatch, tmp_path, capsys):
    def must_not_run():
        raise AssertionError("measured despite bad arguments")

    for name in [f"measure_{part}" for part in bench.PARTS] + ["machine"]:
        monkeypatch.setattr(bench, name, must_not_run)
    monkeypatch.setattr(bench, "JSON_OUT", tmp_path / "bench.json")
    assert bench.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("bench.py: error: ")
    assert not (tmp_path / "bench.json").exists()


def test_bad_arguments_from_the_shell():
    run = subprocess.run([sys.executable, str(BENCH), "--only", "nonsense"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stdout == ""
    # One line, no progress ("bench: ..."): nothing was measured. It names the parts there are.
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("bench.py: error: argument --only")
    assert all(part in run.stderr for part in bench.PARTS)


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
    monkeypatch.setattr(bench, "BUILD", tmp_path / "_build")
    monkeypatch.setattr(bench, "JSON_OUT", tmp_path / "_build" / "bench.json")
    monkeypatch.setattr(bench, "ROOT", tmp_path)
    return ran, stub, monkeypatch, tmp_path


TIMED = ["book", "test", "check", "scripts", "clean"]


@pytest.mark.parametrize("argv, parts, ran_in_order", [
    ([], bench.PARTS, ["kernels", *TIMED * 3, "pages", "training"]),
    (["--rounds", "1"], bench.PARTS, list(bench.PARTS)),
    (["--skip", "clean", "--rounds=2"], ["kernels", "book", "test", "check", "scripts", "pages", "training"],
     ["kernels", *TIMED[:4] * 2, "pages", "training"]),
    (["--skip", "book", "--skip=test", "--rounds", "1"], ["kernels", "check", "scripts", "clean", "pages", "training"],
     ["kernels", "check", "scripts", "clean", "pages", "training"]),
    (["--only", "training"], ["training"], ["training"]),  # no timed part: one run, whatever --rounds says
    (["--only=pages", "--rounds", "3"], ["pages"], ["pages"]),
    (["--only", "check"], ["check"], ["check"] * 3),
])
def test_options_choose_the_parts(stubbed, capsys, argv, parts, ran_in_order):
    ran, _stub, _mp, tmp_path = stubbed
    assert bench.main(argv) == 0
    assert ran == ran_in_order
    parts = list(parts)
    out = capsys.readouterr().out
    assert out.startswith("## Performance")
    saved = json.loads((tmp_path / "_build" / "bench.json").read_text(encoding="utf-8"))
    assert saved["parts"] == parts and set(parts) <= set(saved)
    rounds = ran_in_order.count(next((p for p in ran_in_order if p in TIMED), "none"))
    assert len(saved.get("rounds", [{}])) == max(rounds, 1)
    assert len(saved["goals"]) >= 9
    assert all(set(goal) == {"measure", "result", "goal", "met"} for goal in saved["goals"])


def test_logs_survive_make_clean(stubbed, capsys):
    """make clean removes _build mid-run: the logs of the parts before it are kept all the same."""
    ran, _stub, monkeypatch, tmp_path = stubbed
    build = tmp_path / "_build"
    write(build / "bench-logs" / "old-run.log", "from an earlier run")

    def book():
        (bench.LOGS / "make-book.log").write_text("book output", encoding="utf-8")
        return fake_results()["book"]

    def clean():
        import shutil

        shutil.rmtree(build)  # what make clean does
        (bench.LOGS / "make-test-from-clean.log").write_text("test output", encoding="utf-8")
        return fake_results()["clean"]

    monkeypatch.setattr(bench, "measure_book", book)
    monkeypatch.setattr(bench, "measure_clean", clean)
    assert bench.main(["--skip", "training", "--rounds", "1"]) == 0
    logs = build / "bench-logs"
    assert sorted(p.name for p in logs.iterdir()) == ["make-book.log", "make-test-from-clean.log"]
    assert (logs / "make-book.log").read_text() == "book output"
    assert (build / "bench.json").is_file()


def test_a_part_that_breaks_is_reported_and_the_exit_status_stays_0(stubbed, capsys):
    ran, stub, monkeypatch, _tmp = stubbed
    monkeypatch.setattr(bench, "measure_training", stub("training", RuntimeError("no TensorFlow here")))
    assert bench.main(["--only", "training"]) == 0
    out = capsys.readouterr().out
    assert ran == ["training"]
    assert "not measured (RuntimeError: no TensorFlow here)" in out


def test_the_page_goal_is_judged_on_what_chromium_loaded_when_it_measured():
    results = fake_results()
    results["pages"]["pages"][0].update(loaded={"bytes": 950_000, "files": 20, "remote": []})
    for weight in results["pages"]["pages"][1:]:
        weight["loaded"] = {"bytes": weight["bytes"], "files": weight["files"], "remote": []}
    md = bench.format_markdown(results)
    assert goal_table(md)[HEAVIEST] == ["0.95 MB loaded by Chromium (`ko/sgd.html`); 0 of 3 pages over",
                                        "≤ 1 MB", "✓"]
    page_table = next(t for t in tables(md) if t[0][:3] == ["Page", "HTML", "Loaded"])
    assert page_table[2][:4] == ["`ko/sgd.html`", "0.05 MB", "0.95 MB", "1.60 MB"]


# --- rounds ----------------------------------------------------------------------------------


def in_rounds(part: str, seconds: list[float], error_in: int | None = None) -> dict:
    """fake_results with the timed parts run once per value of `seconds`, `part` taking those times."""
    results = fake_results()
    results["rounds"] = []
    for number, value in enumerate(seconds):
        measured = {name: json.loads(json.dumps(results[name])) for name in TIMED}
        run = {"seconds": value, "exit": 0}
        if number == error_in:
            run.update(exit=1, error=f"make {part} failed (exit 1)")
        if part == "scripts":
            measured["scripts"].update(run)
        else:
            measured[part]["make"] = run
        results["rounds"].append(measured)
    return results


@pytest.mark.parametrize("seconds, expected", [
    ([170.0, 200.0, 175.0], "✓"),  # ratios 1.70, 2.00, 1.75: the median 1.75 meets ≤ 1.8
    ([185.0, 200.0, 170.0], "✗"),  # 1.85, 2.00, 1.70: the median 1.85 does not
    ([180.0, 179.0], "✓"),         # two rounds: the upper middle one, 1.80
    ([179.0, 181.0], "✗"),         # ... the worse of the two, 1.81
])
def test_a_goal_between_timed_parts_is_judged_on_the_median_round(seconds, expected):
    md = bench.format_markdown(in_rounds("clean", seconds))
    result, _goal, met = goal_table(md)[CLEAN_TEST]
    assert met == expected
    median = sorted(seconds)[len(seconds) // 2]
    assert result.startswith(f"{median / 100:.2f}× ({median:.2f} s)"), result
    assert result.endswith(f"median of {len(seconds)} rounds (round {seconds.index(median) + 1}): "
                           + ", ".join(f"{s / 100:.2f}×" for s in seconds)), result
    assert f"ran in {len(seconds)} rounds" in md


def test_a_round_that_failed_fails_the_goal_even_when_the_median_meets_it():
    md = bench.format_markdown(in_rounds("clean", [170.0, 175.0, 90.0], error_in=2))
    assert goals(md)[CLEAN_TEST] == "✗"


@pytest.mark.parametrize("missing", [0, 1])
def test_a_round_that_could_not_be_measured_fails_the_goal_and_the_others_still_show(missing):
    results = in_rounds("clean", [170.0, 175.0, 172.0])
    results["rounds"][missing]["clean"] = {"error": "RuntimeError: make was not found"}
    result, _goal, met = goal_table(bench.format_markdown(results))[CLEAN_TEST]
    assert met == "✗"
    shown = ["1.70×", "1.75×", "1.72×"]
    shown[missing] = "not measured"
    assert result.endswith(": " + ", ".join(shown)), result


def test_a_round_whose_make_test_built_the_book_again_is_named():
    results = in_rounds("test", [100.0, 120.0, 110.0])
    results["rounds"][1]["test"]["reused_build"] = False
    result, _goal, _met = goal_table(bench.format_markdown(results))[TEST_AFTER_BOOK]
    assert "the build was reused" in result and result.endswith("round 2: the book was built again"), result


def test_each_ratio_is_taken_within_its_round():
    """make check against the make test of its own round: a slow round's check is not set against
    a fast round's make test."""
    results = in_rounds("clean", [150.0, 250.0, 200.0])
    for measured, check in zip(results["rounds"], (22.0, 37.0, 30.0), strict=True):
        measured["check"]["make"]["seconds"] = check
    result, _goal, met = goal_table(bench.format_markdown(results))[CHECK]
    assert met == "✓" and result.endswith("0.15×, 0.15×, 0.15×"), result


def test_the_steps_shown_are_those_of_the_median_book():
    results = in_rounds("book", [100.0, 90.0, 110.0])
    for measured, execute in zip(results["rounds"], (70.0, 60.0, 80.0), strict=True):
        measured["book"]["timings"] = {"steps": {"execute": execute, "sites": 10.0, "downloads": 16.0},
                                       "step": "downloads", "ratio": 16.0 / (execute + 10.0)}
    rows = goal_table(bench.format_markdown(results))
    assert rows["its steps (`_build/logs/timings.json`)"][0].startswith("execute 70.00 s")
    assert rows["its steps (`_build/logs/timings.json`)"][0].endswith("(round 1, the median)")
    assert rows[PDF][0].endswith("median of 3 rounds (round 1): 0.20×, 0.23×, 0.18×"), rows[PDF]


def test_one_round_reads_as_before():
    single = bench.format_markdown(fake_results())
    assert "median" not in single and "rounds" not in single


def test_each_round_keeps_its_own_logs(monkeypatch):
    monkeypatch.setattr(bench, "ROUND", 1)
    assert bench.round_log("make-book.log") == "make-book.log"
    monkeypatch.setattr(bench, "ROUND", 3)
    assert bench.round_log("make-book.log") == "make-book-round3.log"
    assert bench.round_log("plain-scripts.log") == "plain-scripts-round3.log"
