"""The build's execution pass (tools/build/execute.py) and its fork server (kernels.py), on a tiny scratch book.

The server imports a light module here instead of TensorFlow, so that the tests stay fast: what
they check (a fresh process and namespace per page, the preloaded module already there, failures
reported per page, no kernel left behind) does not depend on which module it is.

One page has doctests: the build checks them with Sybil in the page's kernel, after the cells
above them, and records every example's result; pytest then reports the record instead of
running the page again, until the inputs change (book_ext/book_examples.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pdb
import signal
import sys
import threading
import time
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from jupyter_cache import get_cache
from jupyter_client.channels import HBChannel
from sybil.example import SybilFailure

from book_ext import book_examples
from tests.bookinfo import in_cache
from tests.scratch_books import notebook_page
from tools.build import kernels
from tools.build.execute import execute
from tools.build.paths import Paths

# A module nothing else in a kernel imports: if a page finds it loaded, the server preloaded it.
PRELOADED = "colorsys"
# The server imports pyplot before any kernel starts (TensorFlow does): figures must still show.
PRELOAD = (PRELOADED, "matplotlib.pyplot")

CODE = """\
import json, os, signal, sys
print(json.dumps({{"page": "{title}", "pid": os.getpid(), "preloaded": "{module}" in sys.modules,
                  "leftover": "marker" in globals(), "cwd": os.getcwd(),
                  "sigpipe_ignored": signal.getsignal(signal.SIGPIPE) == signal.SIG_IGN}}))
marker = 1
{extra}"""


def page(title: str, extra: str = "") -> str:
    return notebook_page(title, CODE.format(title=title, module=PRELOADED, extra=extra))


# A page whose doctests the build checks in its kernel: one before any cell; two between the cells
# that set x to 41 and to 0 (they see 41 only if they run in between; the second fails on purpose);
# one after.
CHECKED_TITLE = "# checked\n"
CHECKED_HEAD = "\n```python\n>>> 1 + 1\n2\n```\n"
CHECKED_TAIL = """
```{code-cell} ipython3
x = 41
```

```python
>>> x + 1
42
>>> x
40
```

```{code-cell} ipython3
x = 0
x + 1
```

```python
>>> x
0
```
"""
DIGEST = "the scratch book's inputs"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not alive: it waits for its parent to read its status
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return True


def leftovers() -> tuple[set[int], set[int]]:
    """What ended kernels leave behind: children of this process whose exit status nobody read
    (zombies, by process id), and kernel clients' heartbeat threads still running (by thread id)."""
    zombies = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:  # "pid (name) state ppid ..."
            state, ppid = stat.read_text(encoding="ascii").rsplit(") ", 1)[1].split()[:2]
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
        if state == "Z" and int(ppid) == os.getpid():
            zombies.add(int(stat.parent.name))
    heartbeats = {thread.ident for thread in threading.enumerate()
                  if isinstance(thread, HBChannel) and thread.is_alive()}
    return zombies, heartbeats


def assert_nothing_left(before: tuple[set[int], set[int]], what: str) -> None:
    """Nothing was added to ``before`` (other tests in this process may have left their own)."""
    zombies, heartbeats = leftovers()
    assert not zombies - before[0], f"{what}: kernel launchers ended and nobody read their status"
    assert not heartbeats - before[1], f"{what}: a kernel client was left open"


@pytest.fixture
def book(scratch_book, monkeypatch) -> Paths:
    """Five pages: one draws a figure, one has doctests (CHECKED_HEAD, CHECKED_TAIL), one fails."""
    plot = "import matplotlib.pyplot as plt\nplt.plot([1, 2], [2, 1])\nplt.show()"
    checked = page("checked").replace(CHECKED_TITLE, CHECKED_TITLE + CHECKED_HEAD) + CHECKED_TAIL
    pages = {"index": page("index"), "one": page("one", plot), "two": page("two"), "checked": checked,
             "broken": page("broken", "raise ValueError('boom')")}
    monkeypatch.delenv("MPLBACKEND", raising=False)  # as under `make book` (conftest.py sets Agg for Sybil)
    return scratch_book({"ko": pages})


@pytest.mark.kernel
def test_each_page_gets_a_fresh_kernel_forked_with_the_preloaded_modules(book, capsys):
    before = leftovers()
    failed = execute(book, ["ko"], digest=DIGEST, preload=PRELOAD)
    assert failed == ["book/ko/broken.md"]  # the build stops on it (cli.py), before the sites
    # Each page's kernel was shut down and its client closed: an open client can hang this
    # process at exit, when the garbage collector closes the client's sockets.
    assert_nothing_left(before, "the execution pass")
    summary = capsys.readouterr().out
    assert "succeeded: 4, failed: book/ko/broken.md" in summary
    assert "\n  book/ko/broken.md: ValueError: boom\n" in summary, summary  # the error's own line
    cache = get_cache(str(book.cache))
    seen = {}
    for record in cache.list_cache_records():
        nb = cache.get_cache_bundle(record.pk).nb
        outputs = [cell for cell in nb.cells if cell.cell_type == "code"][0].outputs
        seen[record.uri] = json.loads(outputs[0]["text"])
        figures = [out for out in outputs if "image/png" in out.get("data", {})]
        assert len(figures) == (1 if record.uri.endswith("one.md") else 0), f"{record.uri}: {outputs}"
    # What myst-nb looks up when it builds the site: each page, as it is, matches its cached outputs.
    for record in cache.list_project_records():
        if not record.uri.endswith("broken.md"):
            assert in_cache(cache, record.uri), f"{record.uri}: myst-nb would execute it again"
    pages = sorted(run["page"] for run in seen.values())
    assert pages == ["checked", "index", "one", "two"], "the broken one is not cached"
    runs = list(seen.values())
    assert len({run["pid"] for run in runs}) == 4, "two pages shared a kernel process"
    assert all(run["preloaded"] for run in runs), "the kernel did not start from the server's imports"
    assert not any(run["leftover"] for run in runs), "a page saw another page's variables"
    assert all(run["cwd"] == str(book.root / "book" / "ko") for run in runs), "kernels run in the page's folder"
    assert all(run["sigpipe_ignored"] for run in runs), "a kernel must handle SIGPIPE as a new Python process does"
    times = json.loads((book.logs / "execute-times.json").read_text(encoding="utf-8"))
    assert set(times) == {f"book/ko/{name}.md" for name in ("index", "one", "two", "checked", "broken")}
    log = (book.logs / "execute.log").read_text(encoding="utf-8")
    assert "book/ko/broken.md: failed" in log and "boom" in log
    check_recorded_examples(book.root, cache)


def outcomes(document) -> list[str | None]:
    """Evaluate every example of a Sybil document in order, as pytest would: None or the failure."""
    found = []
    for example in document:
        try:
            example.evaluate()
            found.append(None)
        except SybilFailure as failure:
            found.append(failure.result)
    return found


def check_recorded_examples(root, cache) -> None:
    """The build checked the doctests in the kernel, recorded every example, and pytest reports the record."""
    page = root / "book" / "ko" / "checked.md"
    found = book_examples.examples(page)
    cell, doctest = book_examples.CELL, book_examples.DOCTEST
    assert [kind for _, kind in found] == [doctest, cell, cell, doctest, doctest, cell, doctest]
    record = json.loads(book_examples.record_path(root, page).read_text(encoding="utf-8"))
    assert record["inputs"] == DIGEST
    results = [record["results"][str(line)] for line, _ in found]
    failure = "Expected:\n    40\nGot:\n    41"
    assert results[:4] == [None] * 4 and failure in results[4] and results[5:] == [None] * 2, results
    assert not book_examples.record_path(root, root / "book" / "ko" / "broken.md").exists()
    # The cached notebook is the page's own: no checking cell, its cells numbered 1 and 2.
    nb = next(cache.get_cache_bundle(r.pk).nb for r in cache.list_cache_records() if r.uri.endswith("checked.md"))
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == [1, 2, 3], [c.source for c in code]
    assert code[2].outputs[0]["execution_count"] == 3 and code[2].outputs[0]["data"]["text/plain"] == "1"
    # Under pytest, with the inputs unchanged: the record's results, and the page does not run again.
    document = book_examples.sybil(root, lambda: DIGEST).parse(page)
    assert outcomes(document) == results
    assert "x" not in document.namespace, "a page with a valid record ran again"
    # With other inputs, the page runs under pytest, and the doctest fails the same way.
    document = book_examples.sybil(root, lambda: "changed inputs").parse(page)
    again = outcomes(document)
    assert again[:4] == [None] * 4 and failure in again[4] and again[5:] == [None] * 2, again
    assert document.namespace["x"] == 0


def start_kernels(server: kernels.ForkServer, count: int) -> tuple[list, list[int]]:
    """Start kernels from the server; return their managers and the process id each kernel reports."""
    managers, pids = [], []
    for _ in range(count):
        manager = server.kernel_manager()
        manager.start_kernel()
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        printed: list[str] = []
        client.execute_interactive("import os; print(os.getpid())", timeout=60,
                                   output_hook=lambda msg, out=printed: out.append(msg["content"].get("text", "")))
        client.stop_channels()
        managers.append(manager)
        pids.append(int("".join(printed)))
    return managers, pids


def in_a_thread(job):
    """job() in a thread of its own. jupyter_client's blocking calls leave an asyncio loop in the
    thread that makes them: here, not in the thread that later tests (Playwright) use, and closed
    when the job ends rather than left to the garbage collector (a ResourceWarning)."""

    def run():
        try:
            return job()
        finally:
            with contextlib.suppress(RuntimeError):  # no loop was left
                asyncio.get_event_loop().close()

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(run).result()


@pytest.mark.kernel
def test_a_killed_launcher_takes_its_kernel_along_and_the_server_leaves_none(tmp_path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)
    before = leftovers()
    with (tmp_path / "log").open("w") as log, kernels.ForkServer(log, PRELOAD) as server:
        managers, pids = in_a_thread(lambda: start_kernels(server, 2))
        assert server.process.pid not in pids and len(set(pids)) == 2
        # The first: its launcher is killed the hard way, as jupyter_client does when a kernel hangs.
        os.kill(managers[0].provisioner.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while alive(pids[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(pids[0]), "the kernel outlived its launcher"
        assert alive(pids[1])
    # The second is still running when the build ends: the server stops it.
    deadline = time.monotonic() + 10
    while alive(pids[1]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(pids[1]), "a kernel outlived the fork server"
    assert server.process.poll() is not None
    assert server.process.stdout.closed, "the server's pipe is left for the garbage collector"
    assert not server.socket_dir.exists()
    # What jupyter_client does with kernels that ended: read their launchers' status, free the rest.
    in_a_thread(lambda: [manager.shutdown_kernel(now=True) for manager in managers])
    assert_nothing_left(before, "the kernels the test started")


def test_the_command_without_a_role_is_one_line_and_exit_2(capsys):
    assert kernels.main([]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_a_check_that_breaks_inside_doctest_keeps_the_pages_output(tmp_path, monkeypatch, capsys):
    """doctest swaps sys.stdout while it runs an example. If it fails before it can swap it back (as
    it does when it was imported before ipykernel replaced pdb.Pdb), the page's later output must
    not vanish: the check reports the failure, and printing works again."""
    page = tmp_path / "p.md"
    page.write_text("# p\n\n```python\n>>> 1 + 1\n2\n```\n", encoding="utf-8")
    [(line, kind)] = book_examples.examples(page)

    class Replaced:  # what ipykernel's InterruptiblePdb is to a doctest imported before it
        def __init__(self, *args, **kwargs):
            raise AttributeError("'_OutputRedirectingPdb' object has no attribute 'set_theme_name'")

    monkeypatch.setattr(pdb, "Pdb", Replaced)
    monkeypatch.setattr("IPython.get_ipython", lambda: types.SimpleNamespace(user_ns={}))
    stdout = sys.stdout
    book_examples.check_in_kernel(str(page), [line])
    assert sys.stdout is stdout, "doctest's stand-in for sys.stdout stayed in place"
    printed = capsys.readouterr().out
    results = book_examples.results_of([{"output_type": "stream", "name": "stdout", "text": printed}])
    assert kind == book_examples.DOCTEST and "set_theme_name" in results[line], printed
