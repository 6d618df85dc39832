"""The book's runnable examples as Sybil finds them, and the results the build records for them.

Sybil runs every page's code: its ``{code-cell} ipython3`` cells and its ```python doctests
(``>>>``), in document order, in one namespace per page, so that a doctest checks the numbers the
cells above it computed.

Each program runs once. The build (tools/build/execute.py) executes every notebook page in a Jupyter
kernel anyway, so it has Sybil check the page's doctests there, in the page's own namespace, each
right after the cells above it (plan() and check_in_kernel()). It records every example's result
in ``_build/examples/<lang>/<page>.json`` with the digest of the inputs it was built from.
When pytest collects a page (conftest.py: sybil()), an example of a page whose record was made
from the inputs as they are now reports the recorded result: a cell passed if the build executed
it, a doctest passed or failed as Sybil found in the kernel. A page without such a record (edited
since, not a notebook, or no build yet) runs under pytest as before, every example in order.
"""

from __future__ import annotations

import json
import re
import sys
import traceback
from collections.abc import Callable, Iterator
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from sybil.document import Document
    from sybil.example import Example

RECORDS = Path("_build") / "examples"  # under the book's root
# The line a kernel prints before its results, so that the build finds them in the cell's output.
MARK = "book-examples: "
CELL = "cell"
DOCTEST = "doctest"


def parsers() -> list:
    """The parsers that find the runnable examples of a page.

    ``{code-cell} ipython3`` cells are run as Python (Sybil's PythonCodeBlockParser only looks
    for the language ``python``); ```python blocks are doctests.
    """
    from sybil.evaluators.python import PythonEvaluator
    from sybil.parsers.myst import CodeBlockParser, PythonCodeBlockParser

    return [
        CodeBlockParser(language="ipython3", evaluator=PythonEvaluator()),
        PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
    ]


def parse(path: Path) -> Document:
    """The Sybil document of a page, every example found by parsers()."""
    from sybil.document import Document

    return Document.parse(str(path), *parsers())


def _classified(path: Path) -> list[tuple[Example, str]]:
    """(Sybil example, CELL or DOCTEST) of every example of a page, in document order."""
    from sybil.document import Document

    cells = {example.line for example in Document.parse(str(path), parsers()[0])}
    return [(example, CELL if example.line in cells else DOCTEST) for example in parse(path)]


def examples(path: Path) -> list[tuple[int, str]]:
    """(line, CELL or DOCTEST) of every example of a page, in document order."""
    return [(example.line, kind) for example, kind in _classified(path)]


def record_path(root: Path, page: Path) -> Path:
    """Where the build records the results of book/<lang>/<page>.md."""
    return root.resolve() / RECORDS / page.resolve().relative_to(root.resolve() / "book").with_suffix(".json")


# --- the notebook runs without the doctests ---------------------------------------------------


def _names(code: str, ctx: type) -> set[str]:
    """The names that ``code`` binds (ctx=ast.Store) or reads (ast.Load); nothing if it is not Python."""
    import ast

    try:
        tree = ast.parse(code)
    except SyntaxError:  # an IPython magic, say: not checked
        return set()
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ctx)}
    if ctx is ast.Store:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def lent_names(path: Path) -> list[str]:
    """Cells that read a name which only a doctest above them defines, one line each.

    Sybil and the build run the doctests and the hidden checks in the page's namespace, but a reader's
    notebook has neither: such a cell works in the tests and fails for the reader.
    """
    import ast

    by_cells: set[str] = set()
    by_doctests: dict[str, int] = {}
    problems = []
    for example, kind in _classified(path):
        if kind == CELL:
            code = example.parsed if isinstance(example.parsed, str) else str(example.parsed)
            binds = _names(code, ast.Store)
            for name in sorted((_names(code, ast.Load) - binds) & by_doctests.keys()):
                problems.append(f"{path}:{example.line}: the cell reads {name!r}, which only the doctest at "
                                f"line {by_doctests[name]} defines; a reader's notebook has no doctests: "
                                "define it in a cell")
            by_cells |= binds
            for name in binds:
                by_doctests.pop(name, None)
        else:  # a doctest, or a hidden check (its code is the example itself)
            source = str(getattr(example.parsed, "source", example.parsed))
            for name in _names(source, ast.Store) - by_cells:
                by_doctests.setdefault(name, example.line)
    return problems


# --- in the build ---------------------------------------------------------------------------


def plan(found: list[tuple[int, str]], code_cells: int) -> dict[int, list[int]] | None:
    """The doctests to check after each code cell: {number of cells run before them: [lines]}.

    ``found`` is examples() of the page. None when the page's cells as Sybil finds them are not
    the notebook's ``code_cells`` code cells (the build then records nothing for the page, and
    pytest runs it).
    """
    if sum(kind == CELL for _, kind in found) != code_cells:
        return None
    after: dict[int, list[int]] = {}
    cells = 0
    for line, kind in found:
        if kind == CELL:
            cells += 1
        else:
            after.setdefault(cells, []).append(line)
    return after


def configured_warning_filters(root: Path) -> list[str]:
    """The warning filters pytest applies to every test (pyproject.toml's ``filterwarnings``), which the build's
    kernels apply too: a warning that fails a page under pytest fails it in the build."""
    import tomllib

    try:
        config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return list(config.get("tool", {}).get("pytest", {}).get("ini_options", {}).get("filterwarnings", []))


def apply_warning_filters(filters: list[str]) -> None:
    """Each filter as pytest reads it: ``action:message:category:module:lineno``, message and module regular
    expressions, category a builtin warning's name or a dotted path."""
    import builtins
    import importlib
    import warnings

    for spec in filters:
        parts = [part.strip() for part in spec.split(":", 4)] + [""] * 4
        action, message, category, module, lineno = parts[:5]
        kind: type[Warning] = Warning
        if category:
            module_name, _, name = category.rpartition(".")
            kind = getattr(importlib.import_module(module_name) if module_name else builtins, name)
        warnings.filterwarnings(cast(Any, action), message, kind, module, int(lineno or 0))


def warnings_cell(root: Path) -> str:
    """The code of the extra cell that applies pytest's warning filters in the kernel before the page runs."""
    filters = configured_warning_filters(root)
    return f"__import__('book_ext.book_examples').book_examples.apply_warning_filters({filters!r})"


def checking_cell(path: Path, lines: list[int]) -> str:
    """The code of the extra cell that checks these doctests in the kernel (removed after the run)."""
    return f"__import__('book_ext.book_examples').book_examples.check_in_kernel({str(path)!r}, {lines!r})"


_documents: dict[str, Document] = {}


def check_in_kernel(path: str, lines: list[int]) -> None:
    """In the page's kernel: evaluate these doctests with Sybil in the kernel's namespace; print the results.

    Prints MARK and a JSON object {line: null when it passed, else Sybil's failure text}.
    Never raises: a failing doctest is a result, not an error of the page.
    """
    results: dict[int, str | None] = {}
    # doctest swaps sys.stdout and sys.displayhook while it runs an example. If it fails on the way
    # (as when doctest was imported before ipykernel replaced pdb.Pdb), the swap stays, and every
    # later output of the page, this cell's results included, would vanish: put them back.
    stdout, displayhook = sys.stdout, sys.displayhook
    try:
        from IPython import get_ipython
        from sybil.example import SybilFailure

        if path not in _documents:
            _documents[path] = parse(Path(path))
        document = _documents[path]
        shell = get_ipython()
        document.namespace = plain_namespace(shell)
        seen = dict(document.namespace)
        for example in document.examples():
            if example.line not in lines:
                continue
            try:
                example.evaluate()
                results[example.line] = None
            except SybilFailure as failure:  # a doctest whose output differs
                results[example.line] = failure.result
            except Exception:  # noqa: BLE001 -- a hidden check's assert, or an error in an example
                results[example.line] = traceback.format_exc()
        hand_back(document.namespace, seen, shell.user_ns)
    except BaseException:  # noqa: BLE001 -- the example being checked, and any not reached, failed
        error = traceback.format_exc()
        results.update({line: error for line in lines if line not in results})
    finally:
        sys.stdout, sys.displayhook = stdout, displayhook
    print(MARK + json.dumps(results), flush=True)


# What IPython adds to a kernel's names and builtins that a page run by Sybil under pytest has not: the
# output history (_, __, ___, _1, _i1, ...) and, in the builtins, display, get_ipython and the like. Python's
# own display hook also leaves the last value shown in builtins._; a plain run has it only by chance of
# what ran before, so a doctest never sees it here (a check stricter than pytest can fail, never pass, wrongly).
_HISTORY = re.compile(r"_{1,3}|_(i+|i\d+|\d+|ih|oh|dh)")
_KERNEL_BUILTINS = {"_", "__IPYTHON__", "display", "execfile", "get_ipython", "runfile"}
_UNBOUND = object()


def plain_namespace(shell) -> dict:
    """The kernel's namespace as a plain run of the page would have it: the names the page's code made, and
    Python's builtins. A doctest checked in the kernel then passes exactly when it passes under pytest."""
    import builtins

    hidden = getattr(shell, "user_ns_hidden", {})
    names = {name: value for name, value in shell.user_ns.items()
             if not _HISTORY.fullmatch(name) and not (name in hidden and hidden[name] is value)}
    names["__builtins__"] = {name: value for name, value in vars(builtins).items() if name not in _KERNEL_BUILTINS}
    return names


def hand_back(namespace: dict, before: dict, user_ns: dict) -> None:
    """What the doctests bound, changed or deleted in ``namespace``, done to the kernel's own names too, so that
    the page's later cells and checks see it, as they do in the one namespace of a plain run."""
    for name, value in namespace.items():
        if name != "__builtins__" and before.get(name, _UNBOUND) is not value:
            user_ns[name] = value
    for name in before.keys() - namespace.keys():
        user_ns.pop(name, None)


def results_of(outputs: list) -> dict[int, str | None]:
    """The results a checking cell printed."""
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stdout")
    found = [line[len(MARK):] for line in text.splitlines() if line.startswith(MARK)]
    return {int(line): result for line, result in json.loads(found[-1]).items()} if found else {}


# --- under pytest ---------------------------------------------------------------------------


def valid_record(root: Path, page: Path, digest: str) -> dict[int, str | None] | None:
    """The recorded results of a page, when the build made them from the inputs as they are now
    (``digest``) and they cover every example the page has now; else None."""
    try:
        record = json.loads(record_path(root, page).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("inputs") != digest:
        return None
    results = {int(line): result for line, result in record.get("results", {}).items()}
    return results if set(results) == {line for line, _ in examples(page)} else None


class Recorded:
    """An evaluator that reports the result the build recorded for an example instead of running it."""

    def __init__(self, results: dict[int, str | None]):
        self.results = results

    def __call__(self, example) -> str | None:
        return self.results[example.line]

    def __repr__(self) -> str:
        return "<result recorded by the build>"


class FromBuild:
    """A Sybil parser: another parser's regions, evaluated by Recorded when the page has a valid record."""

    def __init__(self, parser, record_of: Callable[[Path], dict | None]):
        self.parser = parser
        self.record_of = record_of

    def __call__(self, document) -> Iterator:
        results = self.record_of(Path(document.path))
        for region in self.parser(document):
            if results is not None:
                region.evaluator = Recorded(results)
            yield region


def sybil(root: Path, digest: Callable[[], str]):
    """The Sybil that collects every page of the book; pages with a valid record report it."""
    from sybil import Sybil

    cache: dict[Path, dict | None] = {}

    def record_of(page: Path) -> dict | None:
        if page not in cache:
            cache[page] = valid_record(root, page, digest())
        return cache[page]

    # Every page under <root>/book/ and nothing elsewhere (a pattern alone matches a path from its right
    # end: "book/**/*.md" would also collect a folder named book/ under tests/).
    return Sybil(parsers=[FromBuild(parser, record_of) for parser in parsers()],
                 path=str(root / "book"), patterns=["*.md"], excludes=["README.md"])
