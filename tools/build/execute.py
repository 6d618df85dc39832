"""Step 1, the execution pass: every notebook page of every language, once, into jupyter-cache.

The sites' builds (sites.py) then find each page's outputs in the cache and execute nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import book_ext.book_env  # noqa: F401  (TensorFlow's quiet logging, set here, inherited by the kernels)
from book_ext import book_examples, book_languages, book_page
from book_ext.book_translations import is_notebook
from tools.build import kernels
from tools.build.paths import Paths

# The metadata that marks a cell the build inserted (add_checks, take_checks).
CHECK = "book_examples_check"
# Kernels at a time: two more than the cores. A kernel of these small models spends much of its time
# waiting (for its next cell, for TensorFlow's threads to hand over): with one more than the cores,
# a core still idled for part of the pass, and alternated runs of the pass (make bench) were
# quicker with two more than with one more.
KERNELS = (os.cpu_count() or 1) + 2


def notebooks(paths: Paths, langs: list[str]) -> list[Path]:
    """Every page of every language that is a notebook (MyST text notebooks carry a kernelspec)."""
    from tools.translations import toc_files

    found = []
    names = toc_files(paths.root)
    for lang in langs:
        for name in names:
            path = paths.root / "book" / lang / f"{name}.md"
            if path.is_file() and is_notebook(path):
                found.append(path)
    return found


def execute(paths: Paths, langs: list[str], fork: bool = True, digest: str | None = None,
            preload: tuple[str, ...] = kernels.PRELOAD) -> list[str]:
    """Execute every notebook page into a fresh jupyter-cache, KERNELS kernels at a time.

    Each page runs in a kernel of its own, forked from a server that has imported ``preload``
    once (kernels.py); with ``fork=False`` or where a system cannot fork, in a plain kernel
    (a new process that imports everything itself, as nbclient starts them). Longest pages first,
    by the times of the previous build, else as guessed_seconds guesses, so that the kernels end together.

    Sybil checks each page's doctests in its kernel, right after the cells above them; the results
    of all its examples go to _build/examples/ with ``digest``, the inputs the build is made from
    (book_ext/book_examples.py says how pytest uses them).
    """
    from jupyter_cache import get_cache
    from jupyter_cache.cache.db import NbProjectRecord
    from jupyter_cache.executors.utils import ExecutionResult, create_cache_bundle

    times_file = paths.logs / "execute-times.json"
    try:
        previous = json.loads(times_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    shutil.rmtree(paths.cache, ignore_errors=True)
    shutil.rmtree(paths.root / book_examples.RECORDS, ignore_errors=True)
    paths.logs.mkdir(parents=True, exist_ok=True)
    pages = notebooks(paths, langs)
    timeout = book_languages.read_config(paths.root).get("execute", {}).get("timeout", 300)  # seconds a cell may take
    cache = get_cache(str(paths.cache))
    for page in pages:
        cache.add_nb_to_project(str(page), read_data={"name": "jupytext", "type": "plugin"})

    def expected(page: Path) -> float:  # seconds: the previous build's, else a guess from the code
        key = page.relative_to(paths.root).as_posix()
        return previous[key] if key in previous else guessed_seconds(paths, page)

    pages.sort(key=expected, reverse=True)
    warnings = book_examples.warnings_cell(paths.root)  # pytest's warning filters, applied in every kernel too
    log_path = paths.logs / "execute.log"
    lock = threading.Lock()
    times: dict[str, float] = {}
    failed: dict[str, str] = {}  # page: the last line of its error
    print(f"Executing {len(pages)} pages, {KERNELS} kernels at a time (log: {paths.shown(log_path)})", flush=True)
    with log_path.open("w", encoding="utf-8") as log, contextlib.ExitStack() as stack:
        server = (stack.enter_context(kernels.ForkServer(log, preload))
                  if fork and kernels.available() else None)

        def run(page: Path) -> None:
            key = page.relative_to(paths.root).as_posix()
            with lock:
                project_nb = cache.get_project_notebook(str(page))
            extra = {"km": server.kernel_manager()} if server else {}
            nb = project_nb.nb
            found = book_examples.examples(page)
            after = book_examples.plan(found, sum(cell.cell_type == "code" for cell in nb.cells))
            add_checks(nb, page, after or {}, warnings)
            try:
                result = execute_notebook(nb, str(page.parent), timeout, **extra)
            except Exception as error:  # noqa: BLE001 -- a kernel that died: the page failed
                result = ExecutionResult(nb, str(page.parent), 0.0, error, f"{type(error).__name__}: {error}")
            checked = take_checks(nb)
            if digest and after is not None and not result.err:
                record_examples(paths, page, found, checked, digest)
            with lock:
                times[key] = round(result.time, 2)
                if result.err:
                    failed[key] = last_line(result.exc_string)
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
    # A failed page is not cached, and the build stops before the sites (cli.py): the site build would
    # execute it again, without the checks and warning filters of this pass, and might pass.
    print(f"succeeded: {len(pages) - len(failed)}" + (f", failed: {', '.join(sorted(failed))}" if failed else ""))
    for key in sorted(failed):
        print(f"  {key}: {failed[key]}")
    return sorted(failed)


def last_line(error: str) -> str:
    """The line of an error report that names the error (nbclient's reports end with it, then blank lines
    and ANSI colours)."""
    lines = [line for line in re.sub(r"\x1b\[[0-9;]*m", "", error or "").splitlines() if line.strip()]
    return " ".join(lines[-1].split())[:300] if lines else "(no error message)"


def guessed_seconds(paths: Paths, page: Path) -> float:
    """How long a page not timed yet might run, to order the pages of a first build (a clean
    clone, CI): its code's size, counted ten times over where it uses TensorFlow or Keras. The
    page's file size did worse: prose-heavy pages of NumPy ran first and two of the longest last,
    and a build after `make clean` took longer than one that knew the times."""
    page_rel = page.relative_to(paths.root).as_posix()
    code = "\n".join(cell.code for cell in book_page.read_page(paths.root, page_rel).cells)
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


def add_checks(nb, page: Path, after: dict[int, list[int]], first: str | None = None) -> None:
    """Insert a cell that checks the doctests of ``after`` (book_examples.plan) after their cells, and the cell
    ``first`` (the code that applies pytest's warning filters) before the page's first."""
    from nbformat.v4 import new_code_cell

    cells = [new_code_cell(first, metadata={CHECK: True})] if first else []

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


def record_examples(paths: Paths, page: Path, found: list[tuple[int, str]], checked: dict[int, str | None],
                    digest: str) -> None:
    """Record the result of every example of a page that executed without error: its cells passed.

    ``found`` is book_examples.examples() of the page. Nothing is recorded unless every doctest
    was checked (pytest then runs the page itself).
    """
    if any(kind == book_examples.DOCTEST and line not in checked for line, kind in found):
        return
    results = {line: None if kind == book_examples.CELL else checked[line] for line, kind in found}
    path = book_examples.record_path(paths.root, page)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"inputs": digest, "results": results}, indent=1) + "\n", encoding="utf-8")
