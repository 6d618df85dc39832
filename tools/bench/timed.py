"""The timed parts, run in every round, each command timed whole with its output in a log of its own:
make book (and its steps from timings.json), make test right after it (which must reuse that build),
make check PAGE=ko/sgd (as after an edit to the page), the pages make book executes as plain Python
scripts one after another, make clean then make test (what CI does after setting up the venv).
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from book_ext import book_env
from tools.bench.goals import CHECK_PAGE
from tools.build.paths import REPO, Paths

PATHS = Paths.of(REPO)


@dataclass
class Runner:
    """Runs the commands of one round; each command's output goes to ``<logs>/<name>-round<N>.log``."""

    logs: Path
    round: int = 1

    def run(self, cmd: list[str], name: str, *, cwd: Path = REPO, env: dict | None = None) -> dict:
        """seconds, exit status and log of cmd; "error" when it failed or could not start."""
        log = self.logs / f"{name}-round{self.round}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        print(f"bench: round {self.round}: {shlex.join(cmd)}", flush=True)
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"$ (cd {cwd} && {shlex.join(cmd)})\n")
            out.flush()
            started = time.perf_counter()
            try:  # no timeout: Ctrl-C stops the command with the bench (one process group)
                status = subprocess.run(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL).returncode
            except OSError as error:
                return {"seconds": None, "exit": None, "log": log.name, "error": f"{cmd[0]}: {error.strerror}"}
            seconds = time.perf_counter() - started
            out.write(f"[exit {status}, {seconds:.1f} s]\n\n")
        result = {"seconds": round(seconds, 2), "exit": status, "log": log.name}
        if status != 0:
            result["error"] = f"{name} failed (exit {status})"
            print(f"bench: {result['error']}: see {log.name}", flush=True)
        return result

    def make(self, *args: str, name: str) -> dict:
        return self.run(["make", *args], name)


def read_steps(path: Path, since: float) -> dict:
    """{"steps": seconds per step} from the timings.json a build wrote after `since`, or {"steps_error"}."""
    try:
        if path.stat().st_mtime >= since:
            return {"steps": {step: round(float(s), 2) for step, s in json.loads(path.read_text("utf-8")).items()}}
    except (OSError, ValueError, TypeError, AttributeError) as error:
        return {"steps_error": f"cannot read {PATHS.shown(path)}: {error}"}
    return {"steps_error": f"{PATHS.shown(path)} was not written by this build"}


def book(runner: Runner) -> dict:
    started = time.time()
    return runner.make("book", name="make-book") | read_steps(PATHS.timings, started)


def test(runner: Runner) -> dict:
    """make test; "reused_build": whether it reused the build (a build writes timings.json)."""
    started = time.time()
    result = runner.make("test", name="make-test-after-book")
    result["reused_build"] = "steps_error" in read_steps(PATHS.timings, started)
    return result


def check(runner: Runner, page: str = CHECK_PAGE) -> dict:
    from book_ext import book_examples

    # After an edit to the page no record of the build stands for it (book_ext/book_examples.py):
    # every example make check guards runs. The records are set aside meanwhile, and put back.
    records = PATHS.root / book_examples.RECORDS
    aside = records.with_name(records.name + ".aside")
    shutil.rmtree(aside, ignore_errors=True)
    if records.exists():
        records.rename(aside)
    try:
        return runner.make("check", f"PAGE={page}", name="make-check")
    finally:
        if aside.exists():
            shutil.rmtree(records, ignore_errors=True)
            aside.rename(records)


def scripts(runner: Runner, pages: list[Path] | None = None) -> dict:
    """The pages' code as plain scripts, one after another, each from its page's folder, as the build's
    kernels run it: TensorFlow's logging quiet, figures without a screen."""
    import jupytext

    from book_ext import book_languages
    from tools.build.execute import notebooks

    pages = notebooks(PATHS, book_languages.languages(PATHS.root)) if pages is None else pages
    env = book_env.environ() | {"MPLBACKEND": "Agg"}
    with tempfile.TemporaryDirectory(prefix="bench-scripts-") as folder:
        converted = []
        for page in pages:
            script = Path(folder) / f"{page.parent.name}-{page.stem}.py"
            jupytext.write(jupytext.read(page), script, fmt="py:percent")
            converted.append((page, script))
        rows = [{"page": f"{page.parent.name}/{page.name}"}
                | runner.run([sys.executable, str(script)], "plain-scripts", cwd=page.parent, env=env)
                for page, script in converted]
    failed = [row["page"] for row in rows if row.get("error")]
    result: dict = {"seconds": round(sum(row["seconds"] or 0 for row in rows), 2), "pages": rows}
    if failed:
        result["error"] = f"{len(failed)} of {len(rows)} scripts failed: {', '.join(failed)}"
    return result


def clean(runner: Runner) -> dict:
    cleaned = runner.make("clean", name="make-clean")
    result = runner.make("test", name="make-test-from-clean")
    if cleaned.get("error"):
        result.setdefault("error", cleaned["error"])
    return result


PARTS = {"book": book, "test": test, "check": check, "scripts": scripts, "clean": clean}  # in the order they run
