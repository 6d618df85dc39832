#!/usr/bin/env python3
"""Build the book: one execution pass, then one site per language.

    python tools/build.py            everything: execute every page, build every language
    python tools/build.py --language LANG
                                     one language's site from the execution cache as it is

``make book`` runs the first. Steps:

1. **Execute** every page of every language once, two kernels more than there are cores at a
   time, into jupyter-cache (``_build/.jupyter_cache``, wiped first so that every cell runs).
   Each kernel is forked from a server that imported TensorFlow once (tools/kernels.py).
2. **Compile** the book's message catalogs (``locale/<lang>/LC_MESSAGES/*.po``) with Babel
   into ``_build/locale``: the theme's and the extensions' strings that their own catalogs lack.
3. **Build** each language of ``_config.yml`` (``sphinx.config.book_languages``) with
   Jupyter Book's Sphinx builder, the languages side by side: source ``book/<lang>/``, the one
   ``_toc.yml``, ``_config.yml`` plus the settings derived for that language (Sphinx's
   ``language``, title, author, absolute paths to the shared ``_static``, ``_templates``,
   the favicon, the execution cache and the catalogs). Warnings are errors, references are
   checked (``-W -n --keep-going``). Each site is staged in ``_build/lang/<lang>/html`` (myst-nb
   keeps its executed notebooks next to it) and moved to ``_build/html/<lang>``.
4. **Root page**: ``_build/html/index.html`` offers every language (it marks the one the
   browser prefers; it never redirects).
5. **Downloads**, the languages side by side: the book as one HTML page (Sphinx's
   ``singlehtml`` builder, reusing the environment of step 3, so nothing is read or executed
   again) printed by Chromium into ``_build/pdf/<book>-<lang>.pdf``, and the site zipped into
   ``_build/bundle/<book>-<lang>.zip``; both copied into ``_build/html/<lang>/_downloads/``,
   where the site's links (book_downloads.py) point.

Exit status 0 when every step succeeded; otherwise each failure is reported in one line.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import book_ext.book_env  # noqa: F401  (TensorFlow's quiet logging, set here, inherited by the kernels)
from book_ext import book_examples, book_languages, book_page
from book_ext.book_translations import is_notebook
from examples.tutorial import OneLineParser
from tools import kernels

REPO = Path(__file__).resolve().parent.parent


def use_root(root: Path) -> None:
    """Build the book in ``root`` (this repository unless --root says otherwise)."""
    global ROOT, BUILD, CACHE, LOCALE_SRC, LOCALE_OUT, SITE, STAGE, LOGS
    ROOT = Path(root).resolve()
    BUILD = ROOT / "_build"
    CACHE = BUILD / ".jupyter_cache"
    LOCALE_SRC = ROOT / "locale"
    LOCALE_OUT = BUILD / "locale"
    SITE = BUILD / "html"
    STAGE = BUILD / "lang"
    LOGS = BUILD / "logs"


use_root(REPO)

# The metadata that marks a cell the build inserted to check doctests (add_checks, take_checks).
CHECK = "book_examples_check"


# What the execution pass's fork server imports once for every kernel (tools/kernels.py).
PRELOAD = kernels.PRELOAD
# Kernels at a time: two more than the cores. A kernel of these small models spends much of its time
# waiting (for its next cell, for TensorFlow's threads to hand over), and with one more than the
# cores a core still idled 10-17 % of the pass; with two more, 4 %. On 2 cores, alternated runs of
# the pass: 4 kernels took 0.95x the time of 3 (six runs against five, every pair in favour of 4).
KERNELS = (os.cpu_count() or 1) + 2


class BuildError(Exception):
    """A step failed; its message is one line for the person who ran the build."""


def toc_pages() -> list[str]:
    from tools.translations import toc_files

    return toc_files(ROOT)


def notebooks(langs: list[str]) -> list[Path]:
    """Every page of every language that is a notebook (MyST text notebooks carry a kernelspec)."""
    found = []
    for lang in langs:
        for name in toc_pages():
            path = ROOT / "book" / lang / f"{name}.md"
            if path.is_file() and is_notebook(path):
                found.append(path)
    return found


def execute(langs: list[str], fork: bool = True, digest: str | None = None) -> None:
    """Execute every notebook page into a fresh jupyter-cache, KERNELS kernels at a time.

    Each page runs in a kernel of its own, forked from a server that has imported TensorFlow
    once (tools/kernels.py); with ``fork=False`` or where a system cannot fork, in a plain kernel
    (a new process that imports everything itself, as nbclient starts them). Longest pages first,
    by the times of the previous build, else as guessed_seconds guesses, so that the kernels end together.

    Sybil checks each page's doctests in its kernel, right after the cells above them; the results
    of all its examples go to _build/examples/ with ``digest``, the inputs the build is made from
    (book_ext/book_examples.py says how pytest uses them).
    """
    from jupyter_cache import get_cache
    from jupyter_cache.cache.db import NbProjectRecord
    from jupyter_cache.executors.utils import ExecutionResult, create_cache_bundle

    times_file = LOGS / "execute-times.json"
    try:
        previous = json.loads(times_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    shutil.rmtree(CACHE, ignore_errors=True)
    shutil.rmtree(ROOT / book_examples.RECORDS, ignore_errors=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    pages = notebooks(langs)
    timeout = book_languages.read_config(ROOT).get("execute", {}).get("timeout", 300)  # seconds a cell may take
    cache = get_cache(str(CACHE))
    for page in pages:
        cache.add_nb_to_project(str(page), read_data={"name": "jupytext", "type": "plugin"})

    def expected(page: Path) -> float:  # seconds: the previous build's, else a guess from the code
        key = page.relative_to(ROOT).as_posix()
        return previous[key] if key in previous else guessed_seconds(page)

    pages.sort(key=expected, reverse=True)
    log_path = LOGS / "execute.log"
    lock = threading.Lock()
    times: dict[str, float] = {}
    failed: list[str] = []
    print(f"Executing {len(pages)} pages, {KERNELS} kernels at a time (log: {log_path.relative_to(ROOT)})",
          flush=True)
    with log_path.open("w", encoding="utf-8") as log, contextlib.ExitStack() as stack:
        server = (stack.enter_context(kernels.ForkServer(log, PRELOAD))
                  if fork and kernels.available() else None)

        def run(page: Path) -> None:
            key = page.relative_to(ROOT).as_posix()
            with lock:
                project_nb = cache.get_project_notebook(str(page))
            extra = {"km": server.kernel_manager()} if server else {}
            nb = project_nb.nb
            found = book_examples.examples(page)
            after = book_examples.plan(found, sum(cell.cell_type == "code" for cell in nb.cells))
            add_checks(nb, page, after or {})
            try:
                result = execute_notebook(nb, str(page.parent), timeout, **extra)
            except Exception as error:  # noqa: BLE001 -- a kernel that died: the page failed
                result = ExecutionResult(nb, str(page.parent), 0.0, error, f"{type(error).__name__}: {error}")
            checked = take_checks(nb)
            if digest and after is not None and not result.err:
                record_examples(page, found, checked, digest)
            with lock:
                times[key] = round(result.time, 2)
                if result.err:
                    failed.append(key)
                    NbProjectRecord.set_traceback(project_nb.uri, result.exc_string, cache.db)
                    log.write(f"{key}: failed\n{result.exc_string}\n")
                else:
                    bundle = create_cache_bundle(project_nb, None, None, result.time, None)
                    cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
                    log.write(f"{key}: {result.time:.2f} s\n")
                log.flush()

        with ThreadPoolExecutor(max_workers=KERNELS) as pool:
            for future in [pool.submit(run, page) for page in pages]:
                future.result()
    times_file.write_text(json.dumps(dict(sorted(times.items())), indent=1) + "\n", encoding="utf-8")
    # A failed page is not cached: its build executes it again and stops on the error
    # (raise_on_error), naming the page.
    print(f"succeeded: {len(pages) - len(failed)}" + (f", failed: {', '.join(failed)}" if failed else ""))


def guessed_seconds(page: Path) -> float:
    """How long a page not timed yet might run, to order the pages of a first build (a clean
    clone, CI): its code's size, counted ten times over where it uses TensorFlow or Keras. The
    page's file size did worse: prose-heavy pages of NumPy ran first and two of the longest last,
    and a build after `make clean` took 2 to 9 s longer than one that knew the times."""
    code = "\n".join(cell.code for cell in book_page.read_page(ROOT, page.relative_to(ROOT).as_posix()).cells)
    return len(code) / 1000 * (3.0 if re.search(r"\b(tensorflow|keras)\b", code) else 0.3)


def execute_notebook(nb, cwd: str, timeout: int, km=None):
    """Run every cell of ``nb`` in place, in a kernel from ``km``, then end that kernel.

    What jupyter-cache's ``single_nb_execution`` does (``timeout`` seconds per cell, or the page's
    own ``execution`` metadata; a cell's error ends the page), plus the last step: nbclient leaves a
    kernel it did not start itself running, with its client's channels open. Each page's kernel
    then lived until the end of the pass, and a process that ran the pass (a test) could hang at
    exit, closing those channels' sockets. The kernel is killed, not asked to shut down: every
    output of the last cell is in by then.
    """
    from jupyter_cache.executors.utils import ExecutionResult
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    # No timing metadata in the cells: jupyter-cache's key hashes the cells' metadata, and myst-nb
    # would not find the page in the cache (it would execute the page again, in the site's build).
    limits = nb.metadata.get("execution", {})
    client = NotebookClient(nb, km=km, timeout=limits.get("timeout", timeout),
                            allow_errors=limits.get("allow_errors", False), record_timing=False,
                            shutdown_kernel="immediate", resources={"metadata": {"path": cwd}})
    start = time.perf_counter()
    try:
        client.execute(cleanup_kc=True)
    except (CellExecutionError, CellTimeoutError) as error:
        return ExecutionResult(nb, cwd, time.perf_counter() - start, error, traceback.format_exc())
    return ExecutionResult(nb, cwd, time.perf_counter() - start)


def add_checks(nb, page: Path, after: dict[int, list[int]]) -> None:
    """Insert a cell that checks the doctests of ``after`` (book_examples.plan) after their cells."""
    from nbformat.v4 import new_code_cell

    cells = []

    def check(ran: int) -> None:
        if ran in after:
            cells.append(new_code_cell(book_examples.checking_cell(page, after[ran]), metadata={CHECK: True}))

    ran = 0
    check(ran)
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type == "code":
            ran += 1
            check(ran)
    nb.cells = cells


def take_checks(nb) -> dict[int, str | None]:
    """Remove the cells add_checks inserted; number the page's cells 1, 2, ... again; return the results."""
    results: dict[int, str | None] = {}
    kept = []
    for cell in nb.cells:
        if cell.get("metadata", {}).get(CHECK):
            results.update(book_examples.results_of(cell.get("outputs", [])))
        else:
            kept.append(cell)
    nb.cells = kept
    count = 0
    for cell in kept:
        if cell.cell_type == "code" and cell.get("execution_count") is not None:
            count += 1
            cell.execution_count = count
            for output in cell.get("outputs", []):
                if output.get("output_type") == "execute_result":
                    output["execution_count"] = count
    return results


def record_examples(page: Path, found: list[tuple[int, str]], checked: dict[int, str | None], digest: str) -> None:
    """Record the result of every example of a page that executed without error: its cells passed.

    ``found`` is book_examples.examples() of the page. Nothing is recorded unless every doctest
    was checked (pytest then runs the page itself).
    """
    if any(kind == book_examples.DOCTEST and line not in checked for line, kind in found):
        return
    results = {line: None if kind == book_examples.CELL else checked[line] for line, kind in found}
    path = book_examples.record_path(ROOT, page)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"inputs": digest, "results": results}, indent=1) + "\n", encoding="utf-8")


def compile_catalogs() -> None:
    """locale/<lang>/LC_MESSAGES/<domain>.po -> _build/locale/<lang>/LC_MESSAGES/<domain>.mo (Babel)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    shutil.rmtree(LOCALE_OUT, ignore_errors=True)
    for po in sorted(LOCALE_SRC.glob("*/LC_MESSAGES/*.po")):
        target = LOCALE_OUT / po.relative_to(LOCALE_SRC).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parts[-3])
        with target.open("wb") as f:
            write_mo(f, catalog)


def overrides(lang: str) -> dict:
    """The Sphinx settings that differ per language, or that need absolute paths.

    The title and author of the language come from book_languages itself: book_i18n sets them
    once Sphinx knows the language, in this build as in any other.
    """
    return {
        "language": lang,
        "external_toc_path": str(ROOT / "_toc.yml"),
        "html_static_path": [str(ROOT / "_static")],
        "templates_path": [str(ROOT / "_templates")],
        "html_favicon": str(ROOT / "_static" / "favicon.svg"),
        "locale_dirs": [str(LOCALE_OUT)],
        "nb_execution_cache_path": str(CACHE),
        "nitpicky": True,
        "latex_individualpages": False,
    }


def run_sphinx(lang: str, builder: str, out: Path, warnings: Path) -> int:
    """One Sphinx build of one language, with the settings derived for it; its warnings go to a file.

    Sphinx writes its warnings to sys.stderr; kernels that a build starts write to the process's
    own stderr (file descriptor 2). Keeping the warnings apart gives the summary only them.
    """
    from jupyter_book.sphinx import build_sphinx

    warnings.parent.mkdir(parents=True, exist_ok=True)
    stderr = sys.stderr
    sys.stderr = warnings.open("w", encoding="utf-8")
    try:
        result = build_sphinx(
            str(ROOT / "book" / lang),
            str(out),
            noconfig=True,
            path_config=str(ROOT / "_config.yml"),
            confoverrides=overrides(lang),
            doctreedir=str(STAGE / lang / ".doctrees"),
            builder=builder,
            warningiserror=True,
            keep_going=True,
        )
    finally:
        sys.stderr.close()
        sys.stderr = stderr
    return 0 if result == 0 else 1


def build_language(lang: str) -> int:
    """Build one language's site into its staging folder (runs in its own process)."""
    shutil.rmtree(STAGE / lang, ignore_errors=True)
    return run_sphinx(lang, "html", STAGE / lang / "html", LOGS / f"warnings-{lang}.log")


def build_languages(langs: list[str]) -> None:
    """Every language's site, side by side, then moved into _build/html/<lang>."""
    LOGS.mkdir(parents=True, exist_ok=True)

    def one(lang: str) -> tuple[str, int, float]:
        start = time.perf_counter()
        with (LOGS / f"build-{lang}.log").open("w", encoding="utf-8") as out:
            code = subprocess.run(
                [sys.executable, __file__, "--root", str(ROOT), "--language", lang],
                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, check=False,
            ).returncode
        return lang, code, time.perf_counter() - start

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(one, langs))
    failed = []
    for lang, code, seconds in results:
        log = LOGS / f"build-{lang}.log"
        warnings = (LOGS / f"warnings-{lang}.log").read_text(encoding="utf-8").splitlines()
        print(f"{lang}: {'built' if code == 0 else 'FAILED'} in {seconds:.1f} s (log: {log.relative_to(ROOT)})")
        for line in warnings:
            print(f"  {line}")
        if code != 0:
            failed.append(lang)
    if failed:
        raise BuildError(f"the {', '.join(failed)} build failed; the lines above (and the logs) say why")
    SITE.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        target = SITE / lang
        shutil.rmtree(target, ignore_errors=True)
        os.replace(STAGE / lang / "html", target)


# ---- Step 5: the PDF and the offline bundle of each language ----------------------------

CHROMIUM = Path("/usr/bin/chromium")
# Headless Chromium as root, and nothing fetched in the background (the browser tests use these too).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PRINT_TIMEOUT_MS = 120_000
# Page numbers at the foot of every page; the book's title at the top. Chromium draws these
# outside the page's CSS, so they name a font that has Hangul.
PDF_FONTS = "'DejaVu Sans', 'Noto Sans CJK KR', sans-serif"
PDF_HEADER = ('<div style="font-family: {fonts}; font-size: 7.5pt; color: #777; width: 100%; '
              'margin: 0 16mm; text-align: right;">{title}</div>')
PDF_FOOTER = ('<div style="font-family: {fonts}; font-size: 8pt; color: #555; width: 100%; text-align: center;">'
              '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
# Compressing these gains nothing.
STORED = {".png", ".jpg", ".jpeg", ".gif", ".woff", ".woff2", ".pdf", ".zip"}


def build_print_book(lang: str) -> Path:
    """One language's book as one HTML page (singlehtml), from the environment of its site's build.

    The doctrees of step 3 (``_build/lang/<lang>/.doctrees``) hold every page read and
    executed; with the same settings Sphinx reads nothing again and only writes.
    """
    out = STAGE / lang / "print"
    shutil.rmtree(out, ignore_errors=True)
    result = run_sphinx(lang, "singlehtml", out, LOGS / f"warnings-print-{lang}.log")
    if result != 0:
        raise BuildError(f"the {lang} book for the PDF (singlehtml) failed; see {LOGS.relative_to(ROOT)}/"
                         f"warnings-print-{lang}.log")
    return out / "index.html"


def print_pdf(page: Path, pdf: Path, title: str) -> int:
    """Print ``page`` with Chromium into ``pdf`` (offline: any request that is not a file fails); its page count."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise BuildError(f"{CHROMIUM} not found: the PDF is printed by Debian's Chromium "
                         "(apt-get install chromium fonts-noto-cjk)")
    remote: list[str] = []
    errors: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith(("file:", "data:")):
            request_route.continue_()
        else:
            remote.append(request_route.request.url)
            request_route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            tab = browser.new_page()
            tab.set_default_timeout(PRINT_TIMEOUT_MS)
            tab.route("**/*", route)
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.emulate_media(media="print", color_scheme="light")
            tab.goto(page.as_uri(), wait_until="load")
            # Cells that the site folds (hide-input, hide-cell) are printed open; math typeset
            # (MathJax, when the site uses it), fonts and figures loaded.
            tab.evaluate("""async () => {
                document.querySelectorAll("details").forEach(d => { d.open = true; });
                if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
                await document.fonts.ready;
                await Promise.all(Array.from(document.images).map(img => img.complete ? null :
                    new Promise(done => { img.onload = img.onerror = done; })));
            }""")
            broken = tab.evaluate("Array.from(document.images).filter(i => !i.naturalWidth).map(i => i.src)")
            tab.pdf(
                path=str(pdf),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template=PDF_HEADER.format(fonts=PDF_FONTS, title=html.escape(title)),
                footer_template=PDF_FOOTER.format(fonts=PDF_FONTS),
                margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
                outline=True,
                tagged=True,
            )
        finally:
            browser.close()
    if remote:
        raise BuildError(f"the PDF's page asked for {len(remote)} file(s) from other sites: {remote[:3]}")
    if errors or broken:
        raise BuildError(f"printing {page}: script errors {errors[:3]}, missing images {broken[:3]}")
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


# A link of the language switch (_templates/language-switch.html) to another language's site.
OTHER_LANGUAGE_LINK = re.compile(r'\s*<a class="language-switch-link"[^>]*>[^<]*</a>')


def zip_site(site: Path, bundle: Path, top: str, leave_out: set[str]) -> int:
    """The language's site in ``bundle`` under the folder ``top``, except ``leave_out``; its file count."""
    import zipfile

    count = 0
    tmp = bundle.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(site.rglob("*")):
            rel = path.relative_to(site).as_posix()
            if path.is_dir() or rel in leave_out:
                continue
            kind = zipfile.ZIP_STORED if path.suffix.lower() in STORED else zipfile.ZIP_DEFLATED
            if path.suffix == ".html":
                # A bundle holds one language: its switch offers no other (that site is not in the zip).
                text = OTHER_LANGUAGE_LINK.sub("", path.read_text(encoding="utf-8"))
                archive.writestr(f"{top}/{rel}", text, compress_type=kind)
            else:
                archive.write(path, f"{top}/{rel}", compress_type=kind)
            count += 1
    os.replace(tmp, bundle)
    return count


def build_downloads_language(lang: str) -> int:
    """One language's PDF and bundle, copied into its site (runs in its own process)."""
    from book_ext import book_downloads as downloads

    entry = book_languages.entries(book_languages.read_config(ROOT))[lang]
    pdf_name, zip_name = downloads.file_name(lang, "pdf"), downloads.file_name(lang, "zip")
    site = SITE / lang
    published = site / downloads.FOLDER
    for folder in (BUILD / "pdf", BUILD / "bundle", published):
        folder.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        page = build_print_book(lang)
        built = time.perf_counter()
        pdf = BUILD / "pdf" / pdf_name
        pages = print_pdf(page, pdf, entry["title"])
        printed = time.perf_counter()
        shutil.copy2(pdf, published / pdf_name)
        # The bundle holds the site with its PDF, but not itself.
        files = zip_site(site, BUILD / "bundle" / zip_name, downloads.base_name(lang),
                         {f"{downloads.FOLDER}/{zip_name}"})
        shutil.copy2(BUILD / "bundle" / zip_name, published / zip_name)
        zipped = time.perf_counter()
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{lang}: {pdf_name} ({pages} pages; one-page build {built - start:.1f} s, printing "
          f"{printed - built:.1f} s), {zip_name} ({files} files, {zipped - printed:.1f} s)")
    return 0


def build_downloads(langs: list[str]) -> None:
    """Every language's PDF and offline bundle, side by side (after the sites are in place)."""
    start = time.perf_counter()

    def one(lang: str) -> tuple[str, int, str]:
        result = subprocess.run(
            [sys.executable, __file__, "--root", str(ROOT), "--downloads", lang],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )
        (LOGS / f"downloads-{lang}.log").write_text(result.stdout + result.stderr, encoding="utf-8")
        return lang, result.returncode, (result.stdout + result.stderr).strip()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(one, langs))
    failed = []
    for lang, code, output in results:
        summary = [line for line in output.splitlines() if line.startswith((f"{lang}: ", "error: "))]
        log = f"{LOGS.relative_to(ROOT)}/downloads-{lang}.log"
        print("\n".join(summary) if summary else f"{lang}: downloads FAILED (log: {log})")
        if code != 0:
            failed.append(lang)
    if failed:
        raise BuildError(f"the PDF or bundle of {', '.join(failed)} failed; the lines above (and the logs) say why")
    print(f"PDFs and offline bundles in {time.perf_counter() - start:.1f} s: "
          f"{(BUILD / 'pdf').relative_to(ROOT)}/, {(BUILD / 'bundle').relative_to(ROOT)}/")


ROOT_PAGE = """<!DOCTYPE html>
<html lang="{source}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
{meta}
<link rel="icon" href="{source}/_static/favicon.svg" type="image/svg+xml">
{alternates}
<style>
  body {{ font-family: system-ui, -apple-system, "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic",
         sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1.25rem; line-height: 1.6;
         color: #222; background: #fff; word-break: keep-all; }}
  @media (prefers-color-scheme: dark) {{ body {{ color: #ddd; background: #14181e; }} a {{ color: #8ab4f8; }} }}
  ul {{ list-style: none; padding: 0; }}
  li {{ margin: 1rem 0; padding: 1rem 1.25rem; border: 1px solid #8884; border-radius: .5rem; }}
  li.preferred {{ border-color: currentColor; border-width: 2px; }}
  a {{ font-size: 1.25rem; font-weight: 600; }}
  p {{ margin: .25rem 0 0; }}
</style>
</head>
<body>
<main>
<h1>{heading}</h1>
<ul class="book-languages">
{items}
</ul>
</main>
<script>
/* Mark the language the browser prefers; the visitor still chooses. */
(function () {{
  var offered = Array.prototype.slice.call(document.querySelectorAll("li[data-lang]"));
  var wanted = (navigator.languages || [navigator.language || ""]).map(function (l) {{
    return String(l).toLowerCase().split("-")[0];
  }});
  for (var i = 0; i < wanted.length; i++) {{
    for (var j = 0; j < offered.length; j++) {{
      if (offered[j].getAttribute("data-lang") === wanted[i]) {{
        offered[j].classList.add("preferred");
        offered[j].parentNode.insertBefore(offered[j], offered[0]);
        return;
      }}
    }}
  }}
}})();
</script>
</body>
</html>
"""


# What a build is made from: a change to any of these makes the built site out of date.
INPUTS = ("book", "book_ext", "_static", "_templates", "locale", "tools/build.py", "tools/kernels.py", "_config.yml",
          "_toc.yml", "glossary.yml", "requirements.txt")
STAMP = "build-inputs.sha256"


def inputs_digest() -> str:
    """SHA-256 over the path and content of every input file (line endings as they are)."""
    import hashlib

    digest = hashlib.sha256()
    # The sites' address changes every page's links (book_discovery.py).
    digest.update(("BOOK_SITE_URL=" + os.environ.get("BOOK_SITE_URL", "") + "\0").encode())
    for name in INPUTS:
        path = ROOT / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path] if path.is_file() else []
        for file in files:
            digest.update(file.relative_to(ROOT).as_posix().encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def up_to_date(langs: list[str]) -> bool:
    """Whether _build/html was built, completely, from the inputs as they are now."""
    stamp = BUILD / STAMP
    complete = (SITE / "index.html").is_file() and all((SITE / lang / "index.html").is_file() for lang in langs)
    return complete and stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == inputs_digest()


def write_root_page(langs: list[str]) -> None:
    from book_ext import book_discovery

    config = book_languages.read_config(ROOT)
    entries = book_languages.entries(config)
    esc = html.escape
    items = "\n".join(
        f'<li data-lang="{esc(lang)}" lang="{esc(lang)}"><a href="{esc(lang)}/index.html" hreflang="{esc(lang)}">'
        f'{esc(entries[lang]["name"])}</a><p>{esc(entries[lang]["title"])}</p></li>'
        for lang in langs
    )
    address = book_discovery.root_address(ROOT, config)
    base = address or ""  # absolute where the sites' address is known, as search engines want them
    alternates = "\n".join(
        f'<link rel="alternate" hreflang="{esc(lang)}" href="{esc(base)}{esc(lang)}/index.html">' for lang in langs
    ) + f'\n<link rel="alternate" hreflang="x-default" href="{esc(base)}index.html">'
    title = " · ".join(entries[lang]["title"] for lang in langs)
    # The page is in every language: each title and description is marked with its own.
    heading = " · ".join(f'<span lang="{esc(lang)}">{esc(entries[lang]["title"])}</span>' for lang in langs)
    description = " / ".join(entries[lang].get("description", "") for lang in langs)
    meta = [f'<meta name="description" content="{esc(description)}">',
            '<meta property="og:type" content="website">',
            f'<meta property="og:title" content="{esc(title)}">',
            f'<meta property="og:description" content="{esc(description)}">']
    if address:
        meta += [f'<link rel="canonical" href="{esc(address)}index.html">',
                 f'<meta property="og:url" content="{esc(address)}index.html">',
                 f'<meta property="og:image" content="{esc(address)}{esc(langs[0])}/{book_discovery.CARD}">']
    page = ROOT_PAGE.format(source=esc(langs[0]), title=esc(title), heading=heading, items=items,
                            alternates=alternates, meta="\n".join(meta))
    (SITE / "index.html").write_text(page, encoding="utf-8")
    # Every page may be crawled; each language's sitemap (book_discovery.py) is named where it exists.
    sitemaps = [f"Sitemap: {address}{lang}/sitemap.xml" for lang in langs
                if address and (SITE / lang / "sitemap.xml").is_file()]
    (SITE / "robots.txt").write_text("\n".join(["User-agent: *", "Allow: /", *sitemaps]) + "\n", encoding="utf-8")
    # GitHub Pages would hide the _static folders from Jekyll otherwise.
    (SITE / ".nojekyll").write_text("", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="build.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the book to build (default: this repository)")
    parser.add_argument("--language", help="build one language's site from the cache as it is (internal)")
    parser.add_argument("--downloads", metavar="LANG",
                        help="one language's PDF and offline bundle, after its site is built (internal)")
    parser.add_argument("--if-changed", action="store_true",
                        help="do nothing when _build/html was built from the inputs as they are now "
                             "(make test after make book); otherwise build as usual")
    parser.add_argument("--keep-cache", action="store_true",
                        help="skip the execution pass and build from the cache as it is (pages missing from "
                             "it are executed by their build); for work on the site, never for a release")
    parser.add_argument("--plain-kernels", action="store_true",
                        help="start every page's kernel as a new process that imports everything itself, "
                             "instead of forking it from a server that imported TensorFlow once (make bench "
                             "compares the two)")
    parser.add_argument("--sites-only", action="store_true",
                        help="leave out the PDFs and offline bundles (tests of the sites; never for a release)")
    parser.add_argument("--only", metavar="LANG", action="append",
                        help="build this language's site, not every language's (repeatable); the root page "
                             "still offers every language. For work on one translation, never for a release")
    args = parser.parse_args(argv)
    if not (args.root / "_config.yml").is_file():
        print(f"error: {args.root} holds no _config.yml: not a book", file=sys.stderr)
        return 2
    use_root(args.root)
    langs = book_languages.languages(ROOT)
    try:
        for lang in [args.language, args.downloads, *(args.only or [])]:
            if lang is not None and lang not in langs:
                raise BuildError(f"unknown language {lang!r}; _config.yml lists {', '.join(langs)}")
        if args.language:
            return build_language(args.language)
        if args.downloads:
            return build_downloads_language(args.downloads)
        built = [lang for lang in langs if lang in args.only] if args.only else langs
        if args.if_changed and up_to_date(langs):
            print(f"{SITE.relative_to(ROOT)}/ is up to date with every input it was built from: not rebuilt "
                  "(make book rebuilds it)")
            return 0
        digest = inputs_digest()
        (BUILD / STAMP).unlink(missing_ok=True)
        for stale in [SITE] if built == langs else [SITE / lang for lang in built]:
            shutil.rmtree(stale, ignore_errors=True)
        timings = {}
        started = time.perf_counter()
        if not args.keep_cache:
            execute(built, fork=not args.plain_kernels, digest=digest)
        timings["execute"] = time.perf_counter() - started
        started = time.perf_counter()
        compile_catalogs()
        build_languages(built)
        write_root_page(langs)
        timings["sites"] = time.perf_counter() - started
        if not args.sites_only:
            started = time.perf_counter()
            build_downloads(built)
            timings["downloads"] = time.perf_counter() - started
        # Seconds per step, for make bench (tools/bench.py).
        LOGS.mkdir(parents=True, exist_ok=True)
        (LOGS / "timings.json").write_text(json.dumps(timings, indent=1) + "\n", encoding="utf-8")
        # Only a complete build, every cell of every language run, stands for its inputs.
        if not (args.keep_cache or args.sites_only or built != langs):
            (BUILD / STAMP).write_text(digest + "\n", encoding="utf-8")
        print(f"The book is in {SITE.relative_to(ROOT)}/: {', '.join(f'{lang}/' for lang in built)} and index.html")
        return 0
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"error: {' '.join(map(str, error.cmd[:3]))} failed with exit status {error.returncode}",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
