"""Parity: a translated page mirrors its source page.

The same code cells, each the same program up to comments and strings (Python syntax trees
compared with every string blanked); the same doctests, with the same expected values; the
same cell options (tags, figure options); the same figures; the same heading structure.
``_toc.yml`` names only pages that exist, and every source page exists in every language.
"""

from __future__ import annotations

import ast
import difflib
import doctest
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from ._shared import (
    REPO,
    Cell,
    Page,
    Problem,
    PyBlock,
    languages,
    missing_problem,
    page_names,
    page_rel,
    read_page,
    toc_files,
)

# Option values that a translation may word differently (figure text, labels).
TRANSLATABLE_OPTIONS = {"alt", "caption", "title", "name", "label"}
# Calls that make a figure in a code cell.
FIGURE_CALL = re.compile(r"\b(?:plt\.show|\.savefig|display|plt\.imshow)\s*\(")


# --- comparing programs -----------------------------------------------------------------

MAGIC = re.compile(r"^([ \t]*)([%!].*)$", re.MULTILINE)


class _BlankStrings(ast.NodeTransformer):
    """Every string constant becomes ''; f-strings keep only their {expressions}."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, (str, bytes)):
            return ast.copy_location(ast.Constant(value=type(node.value)()), node)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        # The literal parts are text; the replacement fields are code. A translation may
        # reorder the fields (word order differs between languages), so compare them sorted.
        fields = [self.visit(v) for v in node.values if isinstance(v, ast.FormattedValue)]
        fields.sort(key=lambda f: ast.dump(f))
        return ast.copy_location(ast.JoinedStr(values=fields), node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node.value = self.visit(node.value)  # the format spec (":.4f") is code: left as it is
        return node


def normalized(code: str) -> ast.AST:
    """The syntax tree of ``code`` with strings blanked; IPython magics kept as names.

    Raises SyntaxError when the code does not parse.
    """
    code = MAGIC.sub(
        lambda m: m.group(1) + "_magic_" + hashlib.sha1(m.group(2).encode()).hexdigest()[:12], code
    )
    return _BlankStrings().visit(ast.parse(code))


def _first_difference(a, b) -> tuple[int | None, int | None, str] | None:
    """Where two normalized trees first differ: (line in a, line in b, what), or None."""

    def where(node) -> int | None:
        return getattr(node, "lineno", None)

    def walk(x, y):
        if type(x) is not type(y):
            return where(x), where(y), f"{_describe(x)} where the source has {_describe(y)}"
        if isinstance(x, ast.AST):
            for name in x._fields:
                found = walk(getattr(x, name, None), getattr(y, name, None))
                if found:
                    la, lb, what = found
                    return la or where(x), lb or where(y), what
            return None
        if isinstance(x, list):
            for u, v in zip(x, y):
                found = walk(u, v)
                if found:
                    return found
            if len(x) != len(y):
                extra = x[len(y)] if len(x) > len(y) else y[len(x)]
                if len(x) > len(y):
                    return where(extra), None, f"an extra {_describe(extra)}"
                return None, where(extra), f"a missing {_describe(extra)}"
            return None
        if x != y:
            return None, None, f"{x!r} where the source has {y!r}"
        return None

    return walk(a, b)


def _describe(node) -> str:
    if isinstance(node, (ast.expr, ast.stmt)):
        text = " ".join(ast.unparse(node).split())
        return f"`{text[:57]}...`" if len(text) > 60 else f"`{text}`"
    if isinstance(node, ast.AST):
        return type(node).__name__
    return repr(node)


def code_difference(translated: str, source: str) -> tuple[int | None, int | None, str] | None:
    """None when both are the same program up to comments and strings.

    Otherwise (line in translated, line in source, what differs), lines counted from 1.
    """
    try:
        b = normalized(source)
    except SyntaxError:
        b = None
    try:
        a = normalized(translated)
    except SyntaxError as error:
        if b is None and _strip_comments(translated) == _strip_comments(source):
            return None
        return error.lineno, None, f"does not parse ({error.msg})"
    if b is None:
        return None, None, "the source does not parse, this one does"
    return _first_difference(a, b)


def _strip_comments(code: str) -> list[str]:
    return [l.split("#", 1)[0].rstrip() for l in code.splitlines() if l.split("#", 1)[0].strip()]


def _line(code: str, n: int | None) -> str:
    lines = code.splitlines()
    if n and 1 <= n <= len(lines):
        return lines[n - 1].strip()
    return ""


@lru_cache(maxsize=4096)  # a page's cells are compared with every language's, and checked again
def _key(code: str) -> str:
    try:
        return ast.dump(normalized(code))
    except SyntaxError:
        return "\n".join(_strip_comments(code))


def _align(a_keys: list, b_keys: list):
    """Pair up two sequences: ("pair", i, j), ("extra", i, None) in a, ("lost", None, j) from b."""
    matcher = difflib.SequenceMatcher(a=a_keys, b=b_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1):
                yield "pair", i1 + k, j1 + k
        else:
            for i in range(i1, i2):
                yield "extra", i, None
            for j in range(j1, j2):
                yield "lost", None, j


# --- parity -----------------------------------------------------------------------------


def _option_differences(a, b, path: str = "") -> list[str]:
    """Option differences other than text a translation may reword."""
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in list(a) + [k for k in b if k not in a]:
            sub = f"{path}.{key}" if path else str(key)
            if key not in b:
                found.append(f"option {sub} is not in the source")
            elif key not in a:
                found.append(f"option {sub} of the source is missing")
            elif key in TRANSLATABLE_OPTIONS and isinstance(a[key], str) and isinstance(b[key], str):
                continue
            else:
                found.extend(_option_differences(a[key], b[key], sub))
        return found
    if a != b:
        return [f"option {path} is {a!r}, the source has {b!r}"]
    return []


def compare_pages(tr: Page, src: Page) -> list[Problem]:
    """Parity problems of a translated page against its source page."""
    problems: list[Problem] = []

    def add(line, message):
        problems.append(Problem("parity", tr.path, line, message))

    # code cells
    for kind, i, j in _align([_key(c.code) for c in tr.cells], [_key(c.code) for c in src.cells]):
        if kind == "extra":
            c = tr.cells[i]
            add(c.line, f"code cell {c.ordinal} (line {c.line}) is not in {src.path}: "
                        f"`{_line(c.code, 1)}`")
            continue
        if kind == "lost":
            c = src.cells[j]
            add(None, f"code cell {c.ordinal} of {src.path} (line {c.line}) is missing here: "
                      f"`{_line(c.code, 1)}`")
            continue
        c, s = tr.cells[i], src.cells[j]
        label = f"code cell {c.ordinal} (line {c.line})"
        if c.language != s.language:
            add(c.line, f"{label} is {c.language!r}, the source cell is {s.language!r}")
        diff = code_difference(c.code, s.code)
        if diff:
            la, lb, what = diff
            at = c.code_line + la - 1 if la else c.line
            mine = f"line {at} `{_line(c.code, la)}`" if la else "the code"
            theirs = (f"{src.path} line {s.code_line + lb - 1} `{_line(s.code, lb)}`" if lb
                      else f"{src.path} code cell {s.ordinal} (line {s.line})")
            add(at, f"{label}: {mine} differs from {theirs}: {what}")
        for what in _option_differences(c.options, s.options):
            add(c.line, f"{label}: {what} (source: {src.path} line {s.line})")

    # doctests and other ```python blocks
    for kind, i, j in _align([_block_key(b) for b in tr.blocks], [_block_key(b) for b in src.blocks]):
        if kind == "extra":
            b = tr.blocks[i]
            add(b.line, f"```python block {b.ordinal} (line {b.line}) is not in {src.path}: "
                        f"`{_line(b.code, 1)}`")
        elif kind == "lost":
            b = src.blocks[j]
            add(None, f"```python block {b.ordinal} of {src.path} (line {b.line}) is missing here: "
                      f"`{_line(b.code, 1)}`")
        else:
            problems.extend(_compare_blocks(tr, tr.blocks[i], src, src.blocks[j]))

    # figures
    figures_tr = [c.ordinal for c in tr.cells if _makes_figure(c)]
    figures_src = [c.ordinal for c in src.cells if _makes_figure(c)]
    if len(figures_tr) != len(figures_src):
        add(None, f"{len(figures_tr)} figure cells (cells {figures_tr}), {src.path} has "
                  f"{len(figures_src)} (cells {figures_src})")
    if [t for _, t in tr.images] != [t for _, t in src.images]:
        add(tr.images[0][0] if tr.images else None,
            f"images {[t for _, t in tr.images]}, {src.path} has {[t for _, t in src.images]}")

    # headings
    levels_tr = [h[0] for h in tr.headings]
    levels_src = [h[0] for h in src.headings]
    if levels_tr != levels_src:
        k = next((k for k, (x, y) in enumerate(zip(levels_tr, levels_src)) if x != y),
                 min(len(levels_tr), len(levels_src)))
        mine = (f"heading {k + 1} is level {tr.headings[k][0]} ({'#' * tr.headings[k][0]} "
                f"{tr.headings[k][2]})" if k < len(tr.headings) else f"there is no heading {k + 1}")
        theirs = (f"level {src.headings[k][0]} ({'#' * src.headings[k][0]} {src.headings[k][2]}, "
                  f"line {src.headings[k][1]})" if k < len(src.headings) else "no such heading")
        add(tr.headings[k][1] if k < len(tr.headings) else None,
            f"headings differ: {len(levels_tr)} headings here, {len(levels_src)} in {src.path}; "
            f"{mine}, the source has {theirs}")
    return problems


def _makes_figure(cell: Cell) -> bool:
    mystnb = cell.options.get("mystnb")
    if not isinstance(mystnb, dict):
        mystnb = {}
    return bool(mystnb.get("image") or mystnb.get("figure") or FIGURE_CALL.search(cell.code))


def _examples(block: PyBlock) -> list[doctest.Example]:
    return doctest.DocTestParser().get_examples(block.code)


def _block_key(block: PyBlock):
    if not block.is_doctest:
        return ("code", _key(block.code))
    try:
        return ("doctest", tuple((_key(e.source), " ".join(e.want.split())) for e in _examples(block)))
    except ValueError as error:
        return ("doctest", str(error))


def _compare_blocks(tr: Page, b: PyBlock, src: Page, s: PyBlock) -> list[Problem]:
    label = f"```python block {b.ordinal} (line {b.line})"
    if b.is_doctest != s.is_doctest:
        kind = "a doctest" if s.is_doctest else "plain code"
        return [Problem("parity", tr.path, b.line, f"{label}: the source block (line {s.line}) is {kind}")]
    if not b.is_doctest:
        diff = code_difference(b.code, s.code)
        if not diff:
            return []
        la, lb, what = diff
        at = b.code_line + la - 1 if la else b.line
        mine = f"line {at} `{_line(b.code, la)}`" if la else "the code"
        theirs = f"{src.path} line {s.code_line + lb - 1}" if lb else f"{src.path} line {s.line}"
        return [Problem("parity", tr.path, at, f"{label}: {mine} differs from {theirs}: {what}")]
    try:
        ours, sources = _examples(b), _examples(s)
    except ValueError as error:
        return [Problem("parity", tr.path, b.line, f"{label}: not a valid doctest ({error})")]
    problems = []
    if len(ours) != len(sources):
        problems.append(Problem("parity", tr.path, b.line,
                                f"{label}: {len(ours)} doctest examples, {src.path} line {s.line} has {len(sources)}"))
    for k, (e, f) in enumerate(zip(ours, sources), start=1):
        at = b.code_line + e.lineno
        diff = code_difference(e.source, f.source)
        if diff:
            problems.append(Problem("parity", tr.path, at,
                                    f"{label}, example {k}: `>>> {e.source.strip()}` differs from "
                                    f"{src.path} line {s.code_line + f.lineno} `>>> {f.source.strip()}`: {diff[2]}"))
        if " ".join(e.want.split()) != " ".join(f.want.split()):
            problems.append(Problem("parity", tr.path, at,
                                    f"{label}, example {k}: expects {e.want.strip()!r}, "
                                    f"{src.path} line {s.code_line + f.lineno} expects {f.want.strip()!r}"))
    return problems


def page_parity(root: Path, name: str, lang: str) -> list[Problem]:
    """Parity problems of one translated page (none when it or its source is missing)."""
    source = languages(root)[0]
    tr_rel, src_rel = page_rel(lang, name), page_rel(source, name)
    if not (Path(root) / tr_rel).is_file() or not (Path(root) / src_rel).is_file():
        return []
    return compare_pages(read_page(root, tr_rel), read_page(root, src_rel))


def parity_problems(root: Path = REPO, langs: list[str] | None = None) -> list[Problem]:
    """Missing and orphan pages, per-page parity, and pages _toc.yml names that do not exist."""
    root = Path(root)
    all_langs = languages(root)
    source = all_langs[0]
    sources = page_names(root, source)
    problems: list[Problem] = [
        Problem("toc", "_toc.yml", None, f"lists {name}, but {page_rel(source, name)} does not exist",
                fix=f"add {page_rel(source, name)} or remove {name} from _toc.yml")
        for name in toc_files(root) if name not in sources
    ]
    for lang in langs or all_langs[1:]:
        names = page_names(root, lang)
        for name in sources:
            if name not in names:
                problems.append(missing_problem(source, lang, name))
            else:
                problems.extend(page_parity(root, name, lang))
        for name in names:
            if name not in sources:
                problems.append(Problem(
                    "parity", page_rel(lang, name), None,
                    f"has no source page {page_rel(source, name)}",
                    fix=f"delete it, or add {page_rel(source, name)} first",
                ))
    return problems
