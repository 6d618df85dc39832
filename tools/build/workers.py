"""The steps done once per language (sites, downloads), two languages at a time, in worker processes.

A step is a function ``step(paths, lang)`` that returns its result: a small dataclass with the
language, ``ok``, and ``lines(paths)``, the summary the build prints. It runs in a new process
(``spawn``: nothing of the coordinator's state, threads or kernels is copied into it), which
writes everything, Sphinx's output and what kernels print on file descriptors 1 and 2, into
``_build/logs/<log name>-<lang>.log``. The coordinator reads nothing but the results.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.build.paths import Paths

# Languages built at a time: each language's Sphinx build keeps one core busy.
WORKERS = 2


@dataclass(frozen=True)
class Lost:
    """The result of a step that returned none: its process died, or the step raised an error."""

    lang: str
    reason: str  # one line
    log: Path
    ok: bool = False

    def lines(self, paths: Paths) -> list[str]:
        return [f"{self.lang}: FAILED, {self.reason} (log: {paths.shown(self.log)})"]


def log_of(paths: Paths, name: str, lang: str) -> Path:
    """The log of one language's worker: everything its process writes."""
    return paths.logs / f"{name}-{lang}.log"


def run(step: Callable[[Paths, str], Any], paths: Paths, langs: list[str], log_name: str) -> list:
    """``step(paths, lang)`` for every language, WORKERS at a time: its result, or a ``Lost``, in ``langs``' order.

    ``step`` must be a module's function (the worker process imports it by name).
    """
    paths.logs.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("spawn")

    def one(lang: str):
        log = log_of(paths, log_name, lang)
        # A pool of one process for each language: a worker that dies breaks its own pool, not
        # the other language's, which goes on and reports its own result.
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            try:
                return pool.submit(logged, step, paths, lang, log).result()
            except BrokenProcessPool:
                return Lost(lang, "its process ended without a result", log)
            except Exception as error:  # noqa: BLE001 -- the step's error, already in its log with its traceback
                return Lost(lang, " ".join(f"{type(error).__name__}: {error}".split()), log)

    with ThreadPoolExecutor(max_workers=WORKERS) as threads:
        return list(threads.map(one, langs))


def report(paths: Paths, results: list) -> list[str]:
    """Print every result's summary lines; the languages whose step failed."""
    for result in results:
        print("\n".join(result.lines(paths)), flush=True)
    return [result.lang for result in results if not result.ok]


def logged(step: Callable[[Paths, str], Any], paths: Paths, lang: str, log: Path):
    """In the worker: ``step(paths, lang)``, with file descriptors 1 and 2 written into ``log``."""
    sys.stdout.flush()
    sys.stderr.flush()
    with log.open("w", encoding="utf-8") as out:
        saved = [os.dup(1), os.dup(2)]
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
        try:
            return step(paths, lang)
        except BaseException:
            traceback.print_exc()
            raise
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            for fd, copy in zip((1, 2), saved):
                os.dup2(copy, fd)
                os.close(copy)
