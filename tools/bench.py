#!/usr/bin/env python3
"""The book's performance table: build, tests, the one-page check, page weight, training.

``make bench`` runs every part, one after another on the whole machine, and prints one
Markdown report (paste it into the README); the same figures are written as JSON to
``_build/bench.json`` and the commands' output to ``_build/bench-logs/``.

The timed parts whose ratios are goals (book, test, check, scripts, clean) run in rounds, three
by default (``--rounds N``): book, test, check, scripts, clean, then the same parts again in
each further round. Each ratio is taken within its round, so that a slow spell of the machine
slows both of its terms. A goal is judged on the median round (the upper middle one for an even
N: the worse one), and fails if a round's run failed or could not be measured. The table lists
every round's value, so the spread between runs of one commit shows next to the figure that is
judged.

Parts, in the order they run (the goals are those of issue 11 and issue 13):

kernels   the whole build as ``make book`` runs it, but with ``--plain-kernels``: every page's
          kernel a new process that imports TensorFlow itself (what jupyter-cache does),
          instead of a fork of the server that imported it once (tools/kernels.py). No goal:
          the table shows make book and its execution step against this run.
book      ``make book``: clean and forced (it wipes its execution cache itself), timed as a
          subprocess. Right after it, its steps from ``_build/logs/timings.json`` (execute,
          sites, and the PDF/bundle step, ``pdf`` or ``downloads``, when the build has one).
          Goal: the PDF/bundle step <= 0.25 x (execute + sites).
test      ``make test`` right after ``make book``, nothing changed in between: it must reuse
          that build, and the results of the examples Sybil checked in its kernels.
          Goal: <= 1.3 x make book.
check     ``make check PAGE=ko/sgd``, the one-page loop, if the Makefile has a ``check``
          target (else "not measured"). Goal: <= 0.15 x the make test it replaces: make test
          after a change to a page, which builds everything again (the build is reused only
          when no input changed), as ``make clean`` then ``make test`` does (part clean).
          The records of the examples are set aside while it runs, as an edit to the page
          makes them out of date: the page's examples run under pytest.
          The table also gives it against make test with the build reused.
scripts   the pages make book executes (every book/**/*.md whose front matter names a
          kernel, read with jupytext as the build reads them), converted to .py files in a
          temporary directory and run with the venv's python one after another, each from
          its page's directory, with MPLBACKEND=Agg and TensorFlow's logging quiet.
          Goal: make book <= 0.6 x this time.
clean     ``make clean`` then ``make test``: what CI does after setting up the venv (the
          build included). Goal: make test <= 1.8 x make book. ``make clean`` removes
          _build, so this runs after the parts above; the logs are kept in a temporary
          directory until the end.
pages     the weight of every built page of every language (``_build/html/<lang>/**/*.html``
          outside ``_static/``, plus the root ``index.html``): the HTML plus every local file
          it loads (script src; link href with rel stylesheet, preload or icon; img src), and
          what the style sheets it loads reference (url(...) and @import; of an @font-face
          rule only the font a browser fetches: the first source in a format Chromium reads),
          plus MathJax's fonts when a page loads MathJax. Each file counts once per page.
          Goals: the heaviest page <= 1.0 MB (MB = 1,000,000 bytes); no page loads a math
          script (MathJax or KaTeX): math is MathML, written at build.
training  200 full-batch gradient-descent updates of the page's model, from the same initial
          weights, four ways in one process, each timed best of 3: Keras ``fit(epochs=200)``,
          the fast Keras path (one epoch of 200 steps, ``steps_per_execution=200``), a
          ``tf.function`` loop and NumPy. The data, the model and both Keras paths come from
          examples/tutorial.py. Goals: the fast path >= 20 x faster than fit(epochs=200);
          all four predict the same for [5, 4].

The figures are for reading: a failed build or test is reported in the table, never turned
into a failure of this tool. It exits 0 unless it is misused (bad arguments: one line on
stderr, exit 2).

    python tools/bench.py                      # everything (what make bench runs)
    python tools/bench.py --skip clean         # every part but one (repeatable)
    python tools/bench.py --only pages         # one part: book, test, check, scripts, clean, pages, training
    python tools/bench.py --rounds 1           # the timed parts once each (quicker, noisier)
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from book_ext import book_env, book_examples
from examples import tutorial

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
HTML = ROOT / "_build" / "html"
TIMINGS = BUILD / "logs" / "timings.json"
JSON_OUT = BUILD / "bench.json"
LOGS = BUILD / "bench-logs"  # where the logs end up; main() collects them in a temporary directory first
PROG = "bench.py"

PARTS = ("kernels", "book", "test", "check", "scripts", "clean", "pages", "training")  # the order they run in
# The timed parts whose ratios are goals run once per round, in this order; the others run once.
ROUND_PARTS = ("book", "test", "check", "scripts", "clean")
ROUNDS = 3  # make bench: each goal between timed parts is judged on the median of the rounds' ratios

# Goals (issue 11: the contributor's loop and light pages; issue 13: the PDF step).
BUILD_RATIO_GOAL = 0.6  # make book <= 0.6 x the pages' code run as plain scripts, serially
TEST_AFTER_BOOK_GOAL = 1.3  # make test right after make book <= 1.3 x that make book
CHECK_GOAL = 0.15  # make check PAGE=... <= 0.15 x make test
CLEAN_TEST_GOAL = 1.8  # make clean; make test <= 1.8 x make book
PDF_SHARE_GOAL = 0.25  # the PDF/bundle step <= 0.25 x (execute + sites)
PAGE_LIMIT_BYTES = 1_000_000  # the heaviest page, with what it loads, <= 1.0 MB
FAST_SPEEDUP_GOAL = 20.0  # fast Keras path vs fit(epochs=200)
SAME_PREDICTION_TOL = 1e-4  # the four training methods agree on H(5), H(4) to this

CHECK_PAGE = "ko/sgd"
PDF_STEPS = ("pdf", "downloads")  # the name of the PDF/bundle step in timings.json
REPEATS = 3

TIMEOUT_MAKE_S = 3600
TIMEOUT_SCRIPT_S = 900

MATHJAX_SCRIPT = "_static/mathjax/tex-chtml.js"
MATHJAX_FONTS = "_static/mathjax/output/chtml/fonts"
MATH_SCRIPT = re.compile(r"mathjax|katex", re.IGNORECASE)

OK, NOT_OK, UNKNOWN = "✓", "✗", "—"


def shown(path: Path) -> str:
    """A path as printed: relative to the project when it is inside it."""
    try:
        return Path(path).relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def note(message: str) -> None:
    """Progress, on stderr (the report goes to stdout)."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


# --- running commands -----------------------------------------------------------------------


def venv_python() -> str:
    for candidate in (ROOT / ".venv" / "bin" / "python", ROOT / ".venv" / "Scripts" / "python.exe"):
        if candidate.exists():
            return str(candidate)
    return sys.executable


def _stop(process: subprocess.Popen) -> None:
    """End a command this tool started, with everything it started (its own process group)."""
    if process.poll() is not None:
        return
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGTERM)
        else:
            process.terminate()
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            if hasattr(os, "killpg"):
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
        except ProcessLookupError:
            pass
        process.wait()


def run_timed(cmd: list[str], *, cwd: Path, log: Path, env: dict | None = None,
              timeout: float = TIMEOUT_MAKE_S) -> tuple[float, int | None]:
    """Run cmd with its output appended to log; return (wall seconds, exit status or None on timeout)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"$ (cd {cwd} && {' '.join(cmd)})\n")
        out.flush()
        started = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            status = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _stop(process)
            status = None
        except BaseException:  # Ctrl-C: take the command down with us
            _stop(process)
            raise
        seconds = time.perf_counter() - started
        out.write(f"[exit {status}, {seconds:.1f} s]\n\n")
    return seconds, status


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


ROUND = 1  # the round being measured (main() sets it): its logs are named for it


def round_log(log_name: str) -> str:
    """The log's name in this round: make-book.log in the first, make-book-round2.log in the second."""
    if ROUND == 1:
        return log_name
    stem, dot, suffix = log_name.partition(".")
    return f"{stem}-round{ROUND}{dot}{suffix}"


def run_logged(cmd: list[str], name: str, log_name: str, *, cwd: Path | None = None) -> dict:
    """Run cmd (called ``name`` in messages) with its output in LOGS/log_name (named for the
    round after the first); return seconds, exit status and errors."""
    log_name = round_log(log_name)
    log = LOGS / log_name
    log.unlink(missing_ok=True)
    note(f"{name} (log: {log_name}) ...")
    try:
        seconds, status = run_timed(cmd, cwd=cwd or ROOT, log=log)
    except FileNotFoundError:
        return {"seconds": None, "exit": None, "error": f"{cmd[0]} was not found", "log": log_name}
    result = {"seconds": round(seconds, 2), "exit": status, "log": log_name}
    if status != 0:
        result["error"] = "timed out" if status is None else f"{name} failed (exit {status})"
        note(f"{name} did not succeed; the end of its log:\n{tail(log)}")
    note(f"{name}: {seconds:.1f} s")
    return result


def run_make(args: list[str], log_name: str, *, cwd: Path | None = None) -> dict:
    """Run ``make ARGS`` with its output in LOGS/log_name; return seconds, exit status and errors."""
    return run_logged(["make", *args], f"make {' '.join(args)}", log_name, cwd=cwd)


def make_targets(makefile: Path) -> set[str]:
    """The explicit targets of a Makefile (rules only: no variables, no pattern rules)."""
    try:
        text = makefile.read_text(encoding="utf-8")
    except OSError:
        return set()
    targets = set()
    for match in re.finditer(r"^([A-Za-z0-9_.\-/ ]+?)\s*::?(?!=)", text, re.MULTILINE):
        targets.update(name for name in match.group(1).split() if not name.startswith("."))
    return targets


def read_timings(path: Path = TIMINGS, since: float | None = None) -> dict:
    """The build's seconds per step from timings.json; an error if it is missing or older than `since`."""
    try:
        if since is not None and path.stat().st_mtime < since:
            return {"error": f"{shown(path)} was not written by this build"}
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"error": f"{shown(path)} does not exist"}
    except (OSError, ValueError) as error:
        return {"error": f"cannot read {shown(path)}: {error}"}
    if not isinstance(data, dict):
        return {"error": f"{shown(path)} holds no object of steps"}
    steps = {name: round(float(value), 2) for name, value in data.items()
             if isinstance(value, (int, float)) and not isinstance(value, bool)}
    return {"steps": steps}


def pdf_share(steps: dict) -> dict:
    """The PDF/bundle step against the rest of the build: {"step", "ratio"}, or {"error"}."""
    step = next((name for name in PDF_STEPS if name in steps), None)
    if step is None:
        return {"error": "no PDF step in timings.json"}
    missing = [name for name in ("execute", "sites") if name not in steps]
    if missing:
        return {"error": f"timings.json lacks {', '.join(missing)}"}
    rest = steps["execute"] + steps["sites"]
    return {"step": step, "ratio": round(steps[step] / rest, 3) if rest > 0 else None}


# --- the parts ---------------------------------------------------------------------------------


def measure_book() -> dict:
    """make book, clean and forced, then the seconds per step that it wrote."""
    started = time.time()
    run = run_make(["book"], "make-book.log")
    timings = read_timings(TIMINGS, since=started)
    if "steps" in timings:
        timings.update(pdf_share(timings["steps"]))
    return {"make": run, "timings": timings}


def measure_kernels() -> dict:
    """The build with plain kernels, each importing TensorFlow itself: what the fork server saves."""
    started = time.time()
    run = run_logged([venv_python(), "tools/build.py", "--plain-kernels"], "tools/build.py --plain-kernels",
                     "build-plain-kernels.log")
    return {"make": run, "timings": read_timings(TIMINGS, since=started)}


def measure_test() -> dict:
    """make test right after make book, nothing changed: it should reuse that build."""
    run = run_make(["test"], "make-test-after-book.log")
    try:
        log = (LOGS / run["log"]).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {"make": run}
    # tools/build.py --if-changed says so when it reuses the build.
    return {"make": run, "reused_build": "up to date with every input" in log}


def measure_check(page: str = CHECK_PAGE) -> dict:
    if "check" not in make_targets(ROOT / "Makefile"):
        return {"error": "the Makefile has no check target", "page": page}
    # After an edit to the page, no page has results the build recorded from the inputs as they
    # are now (book_ext/book_examples.py): every example make check guards runs. The records are
    # set aside while it runs, as an edit would make them, and put back after.
    records = ROOT / book_examples.RECORDS
    aside = records.with_name(records.name + ".aside")
    shutil.rmtree(aside, ignore_errors=True)
    if records.exists():
        records.rename(aside)
    try:
        return {"make": run_make(["check", f"PAGE={page}"], "make-check.log"), "page": page}
    finally:
        if aside.exists():
            shutil.rmtree(records, ignore_errors=True)
            aside.rename(records)


def measure_scripts() -> dict:
    pages = notebook_pages(ROOT / "book")
    log = LOGS / round_log("plain-scripts.log")
    log.unlink(missing_ok=True)
    note(f"the code of {len(pages)} pages as plain Python scripts, one after another (log: {log.name}) ...")
    result = run_plain_scripts(pages, ROOT / "book", venv_python(), log)
    result["log"] = log.name
    if result.get("error"):
        note(f"plain scripts: {result['error']}")
    note(f"plain scripts: {result['seconds']:.1f} s")
    return result


def measure_clean() -> dict:
    """make clean, then make test (which builds the book first): what CI does after the venv."""
    clean = run_make(["clean"], "make-clean.log")
    started = time.time()
    test = run_make(["test"], "make-test-from-clean.log")
    return {"clean": clean, "make": test, "timings": read_timings(TIMINGS, since=started)}


# --- the pages' code as plain scripts ------------------------------------------------------------


def notebook_pages(book: Path) -> list[Path]:
    """The pages make book executes: every .md under book/ whose front matter names a kernel.

    Read with jupytext, the reader the build's execution pass uses.
    """
    import jupytext

    found = []
    for path in sorted(book.rglob("*.md"), key=lambda p: p.as_posix()):
        try:
            notebook = jupytext.read(path)
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if notebook.metadata.get("kernelspec"):
            found.append(path)
    return found


def convert_pages(pages: list[Path], book: Path, out_dir: Path) -> list[tuple[Path, Path]]:
    """Write each page as a .py (jupytext, percent format) under out_dir; return (page, script) pairs."""
    import jupytext

    pairs = []
    for page in pages:
        script = out_dir / page.relative_to(book).with_suffix(".py")
        script.parent.mkdir(parents=True, exist_ok=True)
        jupytext.write(jupytext.read(page), script, fmt="py:percent")
        pairs.append((page, script))
    return pairs


def run_plain_scripts(pages: list[Path], book: Path, python: str, log: Path,
                      timeout: float = TIMEOUT_SCRIPT_S) -> dict:
    """Run every page's code as a plain script, one after another; time the whole series."""
    # As the build's kernels run them: TensorFlow's logging quiet (book_env), figures without a screen.
    env = {**book_env.environ(), "MPLBACKEND": "Agg"}
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scripts-") as tmp:
        pairs = convert_pages(pages, book, Path(tmp))
        started = time.perf_counter()
        for page, script in pairs:
            seconds, status = run_timed([python, str(script)], cwd=page.parent, log=log, env=env,
                                        timeout=timeout)
            rows.append({"page": page.relative_to(book.parent).as_posix(),
                         "seconds": round(seconds, 2), "exit": status})
        total = time.perf_counter() - started
    failed = [row["page"] for row in rows if row["exit"] != 0]
    result = {"seconds": round(total, 2), "pages": len(rows), "scripts": rows, "failed": failed}
    if failed:
        result["error"] = f"{len(failed)} script(s) failed: {', '.join(failed)}"
    return result


# --- pages: the weight of each built page ----------------------------------------------------


class _AssetFinder(HTMLParser):
    """Collect the references of the files a page loads, and whether it holds MathML."""

    RELS = {"stylesheet", "preload", "icon"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.has_math = False

    def handle_starttag(self, tag, attrs):
        attrs = {name.lower(): (value or "") for name, value in attrs}
        if tag == "math":
            self.has_math = True
        if tag in ("script", "img") and attrs.get("src"):
            self.refs.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            if self.RELS & set(attrs.get("rel", "").lower().split()):
                self.refs.append(attrs["href"])


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^"')\s][^)\s]*))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
_FONT_SRC = re.compile(r"(?:^|;)\s*src\s*:([^;]*)", re.IGNORECASE)
_FONT_FORMAT = re.compile(r"""format\(\s*["']?([^"')\s]+)""", re.IGNORECASE)
# Font formats Chromium does not read: it skips such a source and fetches the next.
UNREAD_FONT_FORMATS = {"embedded-opentype", "svg"}


def _url(match: re.Match) -> str:
    return next(group for group in match.groups() if group is not None)


def font_face_source(block: str) -> str | None:
    """The one file a browser fetches for an @font-face rule's body, or None.

    The last ``src`` declaration counts (an earlier one is overridden); of its
    sources, the first url(...) whose format(...), if given, Chromium reads.
    local(...) sources name installed fonts: nothing is fetched for them here.
    """
    sources = _FONT_SRC.findall(block)
    if not sources:
        return None
    urls = list(_CSS_URL.finditer(sources[-1]))
    for index, match in enumerate(urls):
        end = urls[index + 1].start() if index + 1 < len(urls) else len(sources[-1])
        declared = _FONT_FORMAT.search(sources[-1], match.end(), end)
        if declared and declared.group(1).lower() in UNREAD_FONT_FORMATS:
            continue
        return _url(match)
    return None


def css_references(text: str) -> list[str]:
    """What a style sheet makes the browser fetch: url(...) and @import "..." references
    (data: URIs included), and of each @font-face rule only the font it fetches."""
    text = _CSS_COMMENT.sub("", text)
    refs = []
    for rule in _FONT_FACE.finditer(text):
        source = font_face_source(rule.group(1))
        if source is not None:
            refs.append(source)
    rest = _FONT_FACE.sub("", text)
    for pattern in (_CSS_URL, _CSS_IMPORT):
        refs += [_url(match) for match in pattern.finditer(rest)]
    return refs


def resolve_local(ref: str, base_dir: Path, root: Path) -> Path | None:
    """The site file a reference points to, or None if it is not a local file reference.

    Query strings and fragments are dropped (``app.js?v=1`` is ``app.js``);
    ``/x`` is relative to the site root, anything else to base_dir. External
    URLs (``https:``, ``//host``) and ``data:`` URIs give None.
    """
    ref = ref.strip()
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        return None
    start = root if path.startswith("/") else base_dir
    return Path(os.path.normpath(start / path.lstrip("/")))


def is_math_script(ref: str) -> bool:
    """Whether a reference a page loads is MathJax or KaTeX (by its path: local or remote)."""
    return bool(MATH_SCRIPT.search(urlsplit(ref.strip()).path))


def page_weight(page: Path, root: Path) -> dict:
    """The bytes a browser fetches for one page from this site, each file counted once."""
    root = Path(os.path.normpath(root))
    files: dict[Path, int] = {}
    missing: list[str] = []

    def rel(path: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return str(path)

    def add(path: Path | None) -> bool:
        """Count a file once; False if it was counted already or is not a file of the site."""
        if path is None or path in files:
            return False
        if not path.is_file() or not (path == root or root in path.parents):
            if rel(path) not in missing:
                missing.append(rel(path))
            return False
        files[path] = path.stat().st_size
        return True

    def add_css(css: Path) -> None:
        text = css.read_text(encoding="utf-8", errors="replace")
        for ref in css_references(text):
            target = resolve_local(ref, css.parent, root)
            if add(target) and target.suffix.lower() == ".css":
                add_css(target)

    page = Path(os.path.normpath(page))
    add(page)
    finder = _AssetFinder()
    finder.feed(page.read_text(encoding="utf-8", errors="replace"))
    finder.close()
    loads_mathjax = False
    for ref in finder.refs:
        target = resolve_local(ref, page.parent, root)
        if target is not None and target == root / MATHJAX_SCRIPT:
            loads_mathjax = True
        if add(target) and target.suffix.lower() == ".css":
            add_css(target)
    if loads_mathjax:
        fonts = root / MATHJAX_FONTS
        for font in sorted(fonts.rglob("*.woff")) if fonts.is_dir() else []:
            add(Path(os.path.normpath(font)))
    largest = sorted(((size, rel(path)) for path, size in files.items() if path != page), reverse=True)
    return {
        "page": rel(page),
        "bytes": sum(files.values()),
        "html_bytes": files.get(page, 0),
        "files": len(files),
        "largest": [{"file": name, "bytes": size} for size, name in largest[:5]],
        "missing": missing,
        "math_scripts": [ref for ref in finder.refs if is_math_script(ref)],
        "has_math": finder.has_math,
    }


def built_pages(root: Path) -> list[Path]:
    """Every .html of every language's site and the root page, except the theme's fragments in _static/."""
    return sorted((p for p in root.rglob("*.html") if "_static" not in p.relative_to(root).parts),
                  key=lambda p: p.as_posix())


# The widths a page is loaded at in Chromium: a desktop and a phone (the layout decides which
# icons, and so which fonts, a page needs).
VIEWPORTS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})


def _recorders(fetched: set[str], remote: set[str]):
    """Playwright handlers: let file: and data: requests through, block and note the others; note what finished."""

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file:", "data:")):
            request_route.continue_()
        else:
            remote.add(url)
            request_route.abort()

    def record(request):
        fetched.add(request.url)

    return route, record


def browser_weights(root: Path, pages: list[Path], viewports=VIEWPORTS, chromium=None) -> dict[str, dict]:
    """What Chromium fetches for each page, offline: page -> bytes, files, and any remote requests.

    Each page is opened from file:// at every viewport width, scrolled to the end (lazy images)
    and left until the network is idle; every file of the site it fetched counts once. Requests
    to other sites are blocked and listed. Needs Debian's Chromium (as tests/test_browser.py),
    launched here unless ``chromium`` is a Playwright browser that is open already (the tests').
    """
    root = Path(os.path.normpath(root))
    if chromium is not None:
        return _browser_weights(chromium, root, pages, viewports)
    from playwright.sync_api import sync_playwright

    from tools.build import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            return _browser_weights(browser, root, pages, viewports)
        finally:
            browser.close()


def _browser_weights(browser, root: Path, pages: list[Path], viewports) -> dict[str, dict]:
    weights = {}
    for page in pages:
        fetched: set[str] = set()
        remote: set[str] = set()
        route, record = _recorders(fetched, remote)
        for viewport in viewports:
            context = browser.new_context(viewport=viewport)
            try:
                tab = context.new_page()
                tab.route("**/*", route)
                tab.on("requestfinished", record)
                tab.goto(page.as_uri(), wait_until="load")
                tab.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
                tab.wait_for_load_state("networkidle")
            finally:
                context.close()
        files = {}
        for url in fetched:
            parts = urlsplit(url)
            if parts.scheme != "file":
                continue
            path = Path(os.path.normpath(unquote(parts.path)))
            if path.is_file() and (path == page or root in path.parents):
                files[path] = path.stat().st_size
        weights[page.relative_to(root).as_posix()] = {
            "bytes": sum(files.values()), "files": len(files), "remote": sorted(remote)}
    return weights


def measure_pages(root: Path = HTML, browser: bool = True, chromium=None) -> dict:
    """The weight of every built page: what its HTML and CSS name (static), and what Chromium
    fetches when it opens the page (``browser``; ``chromium``: a Playwright browser open already,
    else one is launched). The goal is judged on Chromium's figure when there is one: a style
    sheet names fonts that a page may never use."""
    if not (root / "index.html").is_file():
        return {"root": str(root), "pages": [], "limit_bytes": PAGE_LIMIT_BYTES,
                "error": f"no built book in {root}; run make book"}
    pages = built_pages(root)
    weights = [page_weight(page, root) for page in pages]
    result = {"root": str(root), "limit_bytes": PAGE_LIMIT_BYTES,
              "math_script_pages": sorted(w["page"] for w in weights if w["math_scripts"]),
              "math_pages": sum(1 for w in weights if w["has_math"])}
    if browser:
        note(f"pages: opening {len(pages)} pages in Chromium ...")
        try:
            loaded = browser_weights(root, pages, chromium=chromium)
        except Exception as error:  # noqa: BLE001 -- fall back to the static figure, and say so
            result["browser_error"] = f"{type(error).__name__}: {error}"
            note(f"pages: Chromium could not measure: {result['browser_error']}")
        else:
            for weight in weights:
                weight["loaded"] = loaded[weight["page"]]
    weights.sort(key=lambda w: (-judged_bytes(w), w["page"]))
    result.update(pages=weights, max_bytes=max((judged_bytes(w) for w in weights), default=None))
    return result


def judged_bytes(weight: dict) -> int:
    """The figure a page's goal is judged on: what Chromium fetched, else what the page names."""
    return weight["loaded"]["bytes"] if "loaded" in weight else weight["bytes"]


# --- training: four ways to make the same updates ---------------------------------------------


def measure_training(repeats: int = REPEATS, epochs: int = tutorial.EPOCHS) -> dict:
    """Time fit(epochs), the fast Keras path, a tf.function loop and NumPy, best of `repeats`.

    Every run starts from the same initial W and b (those of the page: tutorial.SEED) and
    makes `epochs` full-batch SGD updates with tutorial.LEARNING_RATE. What is timed:
    compile + fit (Keras: tutorial.fit_epochs and tutorial.fit_fast, the code the example
    script runs), tracing + the loop (tf.function), the loop (NumPy); building the model
    and setting its weights is not.
    """
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
            seconds = time.perf_counter() - started
            return seconds, model.predict(new_x, verbose=0).ravel()
        return run

    def tf_function_loop():
        W = tf.Variable(W0[0, 0])
        b = tf.Variable(b0[0])
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
        seconds = time.perf_counter() - started
        return seconds, W.numpy() * new_x + b.numpy()

    def numpy_descent():
        W, b = np.float32(W0[0, 0]), np.float32(b0[0])
        step, two = np.float32(rate), np.float32(2)
        started = time.perf_counter()
        for _ in range(epochs):
            error = W * x + b - y
            grad_W, grad_b = two * np.mean(error * x), two * np.mean(error)
            W, b = W - step * grad_W, b - step * grad_b
        seconds = time.perf_counter() - started
        return seconds, W * new_x + b

    methods = [
        ("fit", f"Keras `fit(epochs={epochs})`", keras(tutorial.fit_epochs)),
        ("fast", f"Keras, 1 epoch, `steps_per_execution={epochs}`", keras(tutorial.fit_fast)),
        ("tf_function", "`tf.function` loop", tf_function_loop),
        ("numpy", "NumPy gradient descent", numpy_descent),
    ]
    rows = []
    for key, label, run in methods:
        note(f"training: {label}, best of {repeats} ...")
        times, prediction = [], None
        for _ in range(repeats):
            seconds, prediction = run()
            times.append(seconds)
        rows.append({"method": key, "label": label, "times_s": [round(t, 5) for t in times],
                     "best_s": min(times), "predictions": [float(v) for v in prediction]})
    return training_summary(rows, {"epochs": epochs, "repeats": repeats, "learning_rate": rate,
                                   "W0": float(W0[0, 0]), "b0": float(b0[0]),
                                   "tensorflow": tf.__version__, "keras": tf.keras.__version__})


def training_summary(rows: list[dict], extra: dict | None = None) -> dict:
    """Add the speed-ups relative to fit() and the largest disagreement between predictions."""
    base = next(row["best_s"] for row in rows if row["method"] == "fit")
    for row in rows:
        row["speedup"] = base / row["best_s"] if row["best_s"] > 0 else None
    columns = list(zip(*(row["predictions"] for row in rows)))
    diff = max(max(col) - min(col) for col in columns)
    fast = next(row for row in rows if row["method"] == "fast")
    return {"epochs": tutorial.EPOCHS, "repeats": REPEATS, "learning_rate": tutorial.LEARNING_RATE,
            "inputs": tutorial.X_NEW, "methods": rows, "max_abs_diff": diff, "fast_speedup": fast["speedup"],
            "goal_speedup": FAST_SPEEDUP_GOAL, "tolerance": SAME_PREDICTION_TOL, **(extra or {})}


# --- the machine -----------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as info:
            for line in info:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Hardware", "Processor", "cpu model") and value.strip():
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def package_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def git_revision() -> str | None:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if head.returncode != 0:
        return None
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def machine() -> dict:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "python": platform.python_version(),
        "tensorflow": package_version("tensorflow"),
        "keras": package_version("keras"),
        "platform": platform.platform(),
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "commit": git_revision(),
    }


# --- the report ------------------------------------------------------------------------------


def seconds_text(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.01:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds * 1000:.2f} ms"


def mb_text(size: int | None) -> str:
    return "—" if size is None else f"{size / 1e6:.2f} MB"


def mark(met: bool | None) -> str:
    return UNKNOWN if met is None else (OK if met else NOT_OK)


def run_of(results: dict, part: str) -> dict | None:
    """The timed command of a part (its make run; the scripts' series): None if the part did not run."""
    found = results.get(part)
    if found is None:
        return None
    if part == "scripts":
        return found
    return found.get("make", {"error": found.get("error", "no result")})


def run_text(run: dict | None) -> str:
    if run is None:
        return "not measured"
    if run.get("seconds") is None:
        return f"not measured ({run.get('error', 'no result')})"
    return seconds_text(run["seconds"]) + (f" ({run['error']})" if run.get("error") else "")


def ratio_row(measure: str, goal: float, top: dict | None, bottom: dict | None, bottom_name: str) -> dict:
    """One goal 'top ÷ bottom ≤ goal'. A run that failed never meets it; one not measured leaves it open.

    A measured row also carries its ratio as "value" (and "shown"), for the median of the rounds."""
    row = {"measure": measure, "result": run_text(top), "goal": f"≤ {goal:g}×", "met": None}
    if top is None or top.get("seconds") is None:
        return row
    if bottom is None or not bottom.get("seconds"):
        row["result"] += f"; {bottom_name} not measured"
        return row
    ratio = top["seconds"] / bottom["seconds"]
    failed = bool(top.get("error") or bottom.get("error"))
    row.update(result=f"{ratio:.2f}× ({row['result']})", met=not failed and ratio <= goal,
               value=ratio, shown=f"{ratio:.2f}×", failed=failed)
    return row


def time_row(measure: str, run: dict | None) -> dict:
    """A row without a goal: how long a timed part took (its "value", for the median of the rounds)."""
    row = {"measure": measure, "result": run_text(run), "goal": "", "met": None}
    if run is not None and run.get("seconds") is not None:
        row.update(value=run["seconds"], shown=seconds_text(run["seconds"]))
    return row


def merge_rounds(rounds: list[list[dict]]) -> list[dict]:
    """One row per measure from the rows of every round (matched by their "key", else their
    label). A row measured in some round shows the round whose value is the median (the upper of
    the two middle ones for an even count: the worse one for a goal "≤"), names it, and lists
    every round's value in order. A goal is met when that median meets it and every round was
    measured and none failed. Rows never measured (the parts that run once, or a part that failed
    in every round) are the first round's."""
    def key(row: dict) -> str:
        return row.get("key", row["measure"])

    by_key = [{key(row): row for row in rows} for rows in rounds]
    order = list(dict.fromkeys(key(row) for rows in rounds for row in rows))
    merged = []
    for name in order:
        rows = [found.get(name) for found in by_key]
        measured = [(number, row) for number, row in enumerate(rows, 1) if row and row.get("value") is not None]
        if not measured:
            merged.append(dict(next(row for row in rows if row)))
            continue
        middle = statistics.median_high(row["value"] for _, row in measured)
        number, row = next((number, row) for number, row in measured if row["value"] == middle)
        row = dict(row)
        if "shown" in row:
            row["result"] += (f" · median of {len(rows)} rounds (round {number}): "
                              + ", ".join(r["shown"] if r and "shown" in r else "not measured" for r in rows))
        else:
            row["result"] += f" (round {number}, the median)"
        notes = [f"round {n}: {r['warning']}" for n, r in enumerate(rows, 1) if r and r.get("warning") and n != number]
        if notes:
            row["result"] += " · " + "; ".join(notes)
        if row["goal"] and (len(measured) < len(rows) or any(r.get("failed") for _, r in measured)):
            row["met"] = False
        merged.append(row)
    return merged


def summary_rows(results: dict) -> list[dict]:
    """The goals, one row each: measure, result, goal, met (True, False or None if not measured).

    Rows without a goal (goal "") give the times the ratios are made of. With several rounds
    (results["rounds"]), each ratio is taken within a round and the row shows the median round.
    """
    rounds = results.get("rounds") or [{}]
    rows = merge_rounds([round_rows({**results, **parts}) for parts in rounds]) if len(rounds) > 1 \
        else round_rows({**results, **rounds[0]})
    return [{key: row[key] for key in ("measure", "result", "goal", "met")} for row in rows]


def round_rows(results: dict) -> list[dict]:
    """The rows of one round (summary_rows), each measured row with its "value"."""
    book, test = run_of(results, "book"), run_of(results, "test")
    check, scripts, clean = run_of(results, "check"), run_of(results, "scripts"), run_of(results, "clean")
    rows = [time_row("`make book` (clean, forced)", book)]

    timings = (results.get("book") or {}).get("timings")
    pdf_row = {"measure": "PDF and bundle step ÷ (execute + sites)", "result": "not measured",
               "goal": f"≤ {PDF_SHARE_GOAL:g}×", "met": None}
    if timings is not None and timings.get("steps"):
        steps = timings["steps"]
        rows.append({"measure": "its steps (`_build/logs/timings.json`)",
                     "result": " · ".join(f"{name} {seconds_text(value)}" for name, value in steps.items()),
                     "goal": "", "met": None, "value": (book or {}).get("seconds")})
        if timings.get("ratio") is not None:
            failed = bool(book and book.get("error"))
            pdf_row.update(result=f"{timings['ratio']:.2f}× ({timings['step']} "
                                  f"{seconds_text(steps[timings['step']])})",
                           met=not failed and timings["ratio"] <= PDF_SHARE_GOAL,
                           value=timings["ratio"], shown=f"{timings['ratio']:.2f}×", failed=failed)
        elif timings.get("error"):
            pdf_row["result"] = f"not measured ({timings['error']})"
    elif timings is not None and timings.get("error"):
        pdf_row["result"] = f"not measured ({timings['error']})"
    rows.append(pdf_row)

    pages = (results.get("scripts") or {}).get("pages")
    rows.append(time_row(f"the same {pages or ''} pages as plain Python scripts, one after another"
                         .replace("same  ", "same "), scripts) | {"key": "scripts"})
    rows.append(ratio_row("`make book` ÷ plain scripts", BUILD_RATIO_GOAL, book, scripts, "plain scripts"))
    plain = run_of(results, "kernels")
    if plain is not None:
        rows.append(ratio_row("`make book` ÷ the same build with plain kernels (`--plain-kernels`)", 1.0, book,
                              plain, "the build with plain kernels") | {"goal": "", "met": None})
        steps = [((results.get(part) or {}).get("timings") or {}).get("steps", {}).get("execute")
                 for part in ("book", "kernels")]
        if all(steps):
            ratio = steps[0] / steps[1]
            rows.append({"measure": "its execution step: forked kernels ÷ plain kernels",
                         "result": f"{ratio:.2f}× ({seconds_text(steps[0])} vs {seconds_text(steps[1])})",
                         "goal": "", "met": None, "value": ratio, "shown": f"{ratio:.2f}×"})

    test_row = ratio_row("`make test` right after `make book` ÷ that `make book`", TEST_AFTER_BOOK_GOAL,
                         test, book, "`make book`")
    reused = (results.get("test") or {}).get("reused_build")
    if reused is not None and test_row["met"] is not None:
        test_row["result"] += "; the build was reused" if reused else "; the book was built again"
        if not reused:
            test_row["warning"] = "the book was built again"
    rows.append(test_row)
    page = (results.get("check") or {}).get("page", CHECK_PAGE)
    check_row = ratio_row(f"`make check PAGE={page}` ÷ the `make test` it replaces (after a change: "
                          "everything is built again, as after `make clean`)", CHECK_GOAL, check, clean,
                          "`make clean` then `make test`")
    if check_row["met"] is not None and test and test.get("seconds"):
        check_row["result"] += f"; {check['seconds'] / test['seconds']:.2f}× of `make test` with the build reused"
    rows.append(check_row)
    rows.append(ratio_row("`make clean` then `make test` ÷ `make book`", CLEAN_TEST_GOAL, clean, book,
                          "`make book`"))

    training = results.get("training")
    epochs = (training or {}).get("epochs", tutorial.EPOCHS)
    speed_row = {"measure": f"fast Keras path vs `fit(epochs={epochs})`", "result": "not measured",
                 "goal": f"≥ {FAST_SPEEDUP_GOAL:g}× faster", "met": None}
    inputs = ", ".join(f"{v:g}" for v in (training or {}).get("inputs", tutorial.X_NEW))
    same_row = {"measure": f"same predictions for [{inputs}], max abs difference", "result": "not measured",
                "goal": f"≤ {SAME_PREDICTION_TOL:g}", "met": None}
    if training is not None and training.get("error"):
        speed_row["result"] = same_row["result"] = f"not measured ({training['error']})"
    elif training is not None:
        speedup = training.get("fast_speedup")
        if speedup is not None:
            speed_row.update(result=f"{speedup:.1f}× faster", met=speedup >= FAST_SPEEDUP_GOAL)
        diff = training.get("max_abs_diff")
        if diff is not None:
            same_row.update(result=f"{diff:.1e}" if diff else "0", met=diff <= SAME_PREDICTION_TOL)
    rows += [speed_row, same_row]

    built = results.get("pages")
    page_row = {"measure": "heaviest built page (HTML + what it loads)", "result": "not measured",
                "goal": f"≤ {PAGE_LIMIT_BYTES / 1e6:g} MB", "met": None}
    math_row = {"measure": "pages that load a math script (MathJax, KaTeX)", "result": "not measured",
                "goal": "0", "met": None}
    if built is not None and built.get("error"):
        page_row["result"] = math_row["result"] = f"not measured ({built['error']})"
    elif built is not None and built.get("pages"):
        weights = built["pages"]
        heaviest = max(weights, key=judged_bytes)
        over = sum(1 for w in weights if judged_bytes(w) > PAGE_LIMIT_BYTES)
        how = "loaded by Chromium" if "loaded" in heaviest else "named by its HTML and CSS"
        page_row.update(result=f"{mb_text(judged_bytes(heaviest))} {how} (`{heaviest['page']}`); "
                               f"{over} of {len(weights)} pages over", met=over == 0)
        if built.get("browser_error"):
            page_row["result"] += f"; Chromium could not measure ({built['browser_error']})"
        loading = [w["page"] for w in weights if w.get("math_scripts")]
        with_math = sum(1 for w in weights if w.get("has_math"))
        math_row.update(result=f"{len(loading)} of {len(weights)} pages ({with_math} pages hold MathML)",
                        met=not loading)
    rows += [page_row, math_row]
    return rows


def table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    align = align or ["---"] * len(header)
    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def format_markdown(results: dict, top: int = 5) -> str:
    """The report as Markdown: the machine, the goals table, then the details of each part."""
    m = results.get("machine", {})
    cores = f"{m.get('cores', '?')} cores"
    if m.get("usable_cores") not in (None, m.get("cores")):
        cores += f" ({m['usable_cores']} usable)"
    lines = [
        "## Performance",
        "",
        f"Machine: {m.get('cpu', 'unknown CPU')}, {cores} · Python {m.get('python', '?')} · "
        f"TensorFlow {m.get('tensorflow', '?')} · Keras {m.get('keras', '?')} · "
        f"{str(m.get('date', '?')).replace('T', ' ')}"
        + (f" · commit {m['commit']}" if m.get("commit") else ""),
        "",
    ]
    lines += table(["Measure", "Result", "Goal", "Met"],
                   [[r["measure"], r["result"], r["goal"], mark(r["met"]) if r["goal"] else ""]
                    for r in summary_rows(results)],
                   ["---", "---", "---", ":---:"])
    rounds = len(results.get("rounds") or [])
    if rounds > 1:
        lines += ["", f"The timed parts ran in {rounds} rounds, one after another: "
                      f"{', '.join(part for part in ROUND_PARTS if part in results.get('parts', ROUND_PARTS))}. "
                      "Each ratio is taken within a round (the build with plain kernels ran once, before the "
                      "rounds); a row shows the round with the median value, names it, and lists every "
                      "round's, in order. A goal is met when the median meets it and every round was "
                      "measured and none failed. The table of plain scripts below is from the first round; "
                      "training and page weight were measured once, after the rounds."]

    training = results.get("training")
    if training and training.get("methods"):
        epochs = training.get("epochs", tutorial.EPOCHS)
        inputs = ", ".join(f"{v:g}" for v in training.get("inputs", tutorial.X_NEW))
        repeats = training.get("repeats", REPEATS)
        lines += ["", f"### Training: {epochs} full-batch gradient-descent updates, same initial weights "
                      f"(best of {repeats})", ""]
        lines += table(
            ["Method", f"Best of {repeats}", f"vs `fit(epochs={epochs})`", f"Predictions for [{inputs}]"],
            [[row["label"], seconds_text(row["best_s"]),
              "—" if row.get("speedup") is None else f"{row['speedup']:.1f}×",
              ", ".join(f"{v:.6f}" for v in row["predictions"])] for row in training["methods"]],
            ["---", "---:", "---:", "---:"])

    pages = results.get("pages")
    if pages and pages.get("pages"):
        weights = pages["pages"]
        lines += ["", f"### Page weight: the {min(top, len(weights))} heaviest of {len(weights)} pages "
                      "(MB = 1,000,000 bytes)", ""]
        lines += ["Loaded: what Chromium fetched opening the page offline at desktop and phone widths. "
                  "Named: the HTML plus every file it and its style sheets name (every font of an "
                  "@font-face rule, used or not), an upper bound.", ""]
        lines += table(
            ["Page", "HTML", "Loaded", "Named", "Files named", "Largest files named",
             f"≤ {PAGE_LIMIT_BYTES / 1e6:g} MB"],
            [[f"`{w['page']}`", mb_text(w["html_bytes"]), mb_text(w["loaded"]["bytes"]) if "loaded" in w else "—",
              mb_text(w["bytes"]), str(w["files"]),
              ", ".join(f"{Path(f['file']).name} {mb_text(f['bytes'])}" for f in w["largest"][:3]),
              mark(judged_bytes(w) <= PAGE_LIMIT_BYTES)] for w in weights[:top]],
            ["---", "---:", "---:", "---:", "---:", "---", ":---:"])
        remote = sorted({url for w in weights for url in w.get("loaded", {}).get("remote", [])})
        if remote:
            lines += ["", f"Requests to other sites (blocked): {', '.join(remote[:10])}"
                          + (" …" if len(remote) > 10 else "")]
        loading = [w for w in weights if w.get("math_scripts")]
        if loading:
            lines += ["", "Pages that load a math script: "
                      + ", ".join(f"`{w['page']}` ({', '.join(w['math_scripts'])})" for w in loading[:10])
                      + (" …" if len(loading) > 10 else "")]
        missing = sorted({name for w in weights for name in w.get("missing", [])})
        if missing:
            lines += ["", f"Referenced but not in the site (not counted): {', '.join(missing[:10])}"
                          + (" …" if len(missing) > 10 else "")]

    scripts = (results.get("scripts") or {}).get("scripts") or []
    if scripts:
        lines += ["", "### The pages' code as plain scripts (serial, venv python)", ""]
        lines += table(["Page", "Time", "Exit"],
                       [[f"`{s['page']}`", seconds_text(s["seconds"]),
                         "timeout" if s["exit"] is None else str(s["exit"])] for s in scripts],
                       ["---", "---:", "---:"])

    skipped = [part for part in PARTS if part not in results]
    if skipped:
        lines += ["", f"Not run this time: {', '.join(skipped)}."]
    return "\n".join(lines) + "\n"


# --- the command line ------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = tutorial.OneLineParser(
        prog=PROG, allow_abbrev=False,
        description="Measure the book's build, tests, one-page check, page weight and training; print a "
                    f"Markdown table and write it as JSON to {shown(JSON_OUT)}.",
        epilog="Without options every part runs, in this order: " + ", ".join(PARTS) + " (make bench). "
               "The figures are for reading: a failed build or test shows in the table; the exit status "
               "is 0 unless the options are wrong (2).")
    parser.add_argument("--only", choices=PARTS, metavar="PART", help="run this part only: " + ", ".join(PARTS))
    parser.add_argument("--skip", choices=PARTS, metavar="PART", action="append", default=[],
                        help="leave this part out (repeatable)")
    parser.add_argument("--rounds", type=rounds_count, default=ROUNDS, metavar="N",
                        help=f"run the timed parts ({', '.join(ROUND_PARTS)}) N times, in rounds, and judge "
                             "their goals on the median round (the worse middle one for an even N) "
                             f"(default {ROUNDS})")
    return parser


def rounds_count(text: str) -> int:
    """--rounds: a whole number from 1 to 9 (argparse reports anything else in one line)."""
    if not text.isdigit() or not 1 <= int(text) <= 9:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of rounds from 1 to 9")
    return int(text)


def parts_to_run(args: argparse.Namespace) -> list[str]:
    if args.only and args.skip:
        raise ValueError("--only and --skip do not go together: name the one part with --only")
    if args.only:
        return [args.only]
    parts = [part for part in PARTS if part not in args.skip]
    if not parts:
        raise ValueError("--skip leaves no part to run")
    return parts


def keep_logs(collected: Path, final: Path) -> None:
    """Move this run's logs to `final` (replacing an older run's), if the run wrote any."""
    logs = sorted(p for p in collected.iterdir() if p.is_file()) if collected.is_dir() else []
    if not logs:
        return
    shutil.rmtree(final, ignore_errors=True)
    final.mkdir(parents=True, exist_ok=True)
    for log in logs:
        shutil.copy2(log, final / log.name)
    note(f"logs in {shown(final)}/")


def main(argv: list[str] | None = None) -> int:
    global LOGS, ROUND
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        parts = parts_to_run(args)
    except SystemExit as stop:  # a usage error (already reported in one line) or --help
        return stop.code if isinstance(stop.code, int) else 0
    except ValueError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2

    results: dict = {"machine": machine(), "parts": parts}
    timed = [part for part in parts if part in ROUND_PARTS]
    rounds = args.rounds if timed else 1
    measures = {"kernels": measure_kernels, "book": measure_book, "test": measure_test, "check": measure_check,
                "scripts": measure_scripts,
                "clean": measure_clean, "pages": measure_pages, "training": measure_training}
    final_logs = BUILD / "bench-logs"
    # make clean removes _build: the logs wait in a temporary directory until every part ran.
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as collected:
        LOGS = Path(collected)
        def measure(part: str) -> dict:
            try:
                return measures[part]()
            except Exception as error:  # noqa: BLE001 -- report what could not be measured, go on
                note(f"{part}: could not be measured: {type(error).__name__}: {error}")
                return {"error": f"{type(error).__name__}: {error}"}

        try:
            # The parts before the timed ones, the timed ones in rounds, then the rest, in PARTS's order.
            first = [part for part in parts if PARTS.index(part) < PARTS.index(ROUND_PARTS[0])]
            for part in first:
                results[part] = measure(part)
            if rounds > 1:
                results["rounds"] = []
            for ROUND in range(1, rounds + 1):
                if rounds > 1:
                    note(f"round {ROUND} of {rounds}: {', '.join(timed)}")
                measured = {part: measure(part) for part in timed}
                if rounds > 1:
                    results["rounds"].append(measured)
                if ROUND == 1:
                    results.update(measured)  # the first round's, where a single run keeps them
            ROUND = 1
            for part in parts:
                if part not in first and part not in ROUND_PARTS:
                    results[part] = measure(part)
        finally:
            ROUND = 1
            LOGS = final_logs
            keep_logs(Path(collected), final_logs)

    report = format_markdown(results)
    print(report, end="")
    try:
        BUILD.mkdir(parents=True, exist_ok=True)
        JSON_OUT.write_text(json.dumps({**results, "goals": summary_rows(results)}, indent=2,
                                       ensure_ascii=False) + "\n", encoding="utf-8")
        note(f"wrote {shown(JSON_OUT)}")
    except OSError as error:
        note(f"could not write {JSON_OUT}: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
