#!/usr/bin/env python3
"""Translations that cannot silently drift: parity, staleness and the glossary.

The first language of ``sphinx.config.book_languages`` in ``_config.yml`` is
the source (Korean); every other language mirrors ``book/<source>/`` page for
page. Nothing here knows how many languages there are.

Checks, each a function of the book's root directory that returns a list of
``Problem`` (tests/test_translations.py runs them; so does ``check`` below):

- ``parity_problems``: every source page exists in every language; the same
  code cells, each the same program up to comments and strings (Python syntax
  trees compared with every string blanked); the same doctests, with the same
  expected values; the same cell options (tags, figure options); the same
  figures; the same heading structure. ``_toc.yml`` lists each page once, for
  every language, and names only pages that exist.
- ``staleness_problems``: every translated page records the revision of its
  source page it translates (``translation.source_sha256`` in its front
  matter), and that revision is the current one.
- ``glossary_problems``: no off-glossary variant of a term (``glossary.yml``)
  in the prose of any page.

Command line (``--root DIR`` checks another copy of the book)::

    python tools/translations.py check               # status table, then every problem; exit 1 if any
    python tools/translations.py status              # the status table only; exit 1 on stale or missing
    python tools/translations.py sync PAGE --lang LANG   # record: book/LANG/PAGE.md translates the current source
    python tools/translations.py start PAGE --lang LANG  # begin a translation from a copy of the source page
    python tools/translations.py diff PAGE --lang LANG   # what changed in the source since (needs git)

``make translation-synced PAGE=linear_regression LANG=en`` runs ``sync``.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import doctest
import hashlib
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

# The staleness rule (digest, front matter record, status) is shared with the Sphinx
# extension that shows the notice, so that the build and this tool agree.
sys.path.insert(0, str(REPO / "_ext"))
try:
    import book_languages  # noqa: E402
    import book_translations as rule  # noqa: E402
finally:
    sys.path.pop(0)

CURRENT, STALE, MISSING = rule.CURRENT, rule.STALE, rule.MISSING
STATUS_WORD = {CURRENT: "up to date", STALE: "stale", MISSING: "missing"}

# Option values that a translation may word differently (figure text, labels).
TRANSLATABLE_OPTIONS = {"alt", "caption", "title", "name", "label"}
# Calls that make a figure in a code cell.
FIGURE_CALL = re.compile(r"\b(?:plt\.show|\.savefig|display|plt\.imshow)\s*\(")


class UsageError(Exception):
    """A mistake on the command line or in a file; printed as one line, no traceback."""


@dataclass(frozen=True)
class Problem:
    check: str  # missing, stale, parity, toc, glossary
    path: str  # the file to fix, relative to the root
    line: int | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text} Fix: {self.fix}" if self.fix else text


# --- the book ---------------------------------------------------------------------------


def config(root: Path) -> dict:
    return book_languages.read_config(root)


def languages(root: Path = REPO) -> list[str]:
    """The book's languages, source first, from _config.yml (tests/bookinfo.py reads them here too)."""
    return book_languages.languages(root)


def language_names(root: Path = REPO) -> dict[str, str]:
    """Each language's name in that language."""
    return {lang: entry["name"] for lang, entry in book_languages.entries(config(root)).items()}


def page_names(root: Path, lang: str) -> list[str]:
    """Pages of one language, as names relative to book/<lang>/ without .md."""
    base = Path(root) / "book" / lang
    if not base.is_dir():
        return []
    return sorted(p.relative_to(base).with_suffix("").as_posix() for p in base.rglob("*.md"))


def page_rel(lang: str, name: str) -> str:
    return f"book/{lang}/{name}.md"


def toc_files(root: Path) -> list[str]:
    """The pages of _toc.yml in reading order, root first, as names under book/<lang>/.

    One list serves every language: each language's site is built from it (tools/build.py).
    """
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    found.append(node[key].removesuffix(".md"))
            for key in ("parts", "chapters", "sections"):
                for child in node.get(key) or []:
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    path = Path(root) / "_toc.yml"
    if path.is_file():
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


# --- reading a page ---------------------------------------------------------------------


@dataclass
class Cell:
    """A ``{code-cell}``: its options and its code."""

    ordinal: int
    line: int  # the opening fence
    code_line: int  # the first line of code
    language: str
    options: dict
    code: str


@dataclass
class PyBlock:
    """A ```python block: doctest examples (>>>) or plain code; Sybil runs both."""

    ordinal: int
    line: int
    code_line: int
    code: str

    @property
    def is_doctest(self) -> bool:
        return self.code.lstrip().startswith(">>>")


@dataclass
class Page:
    path: str
    cells: list[Cell] = field(default_factory=list)
    blocks: list[PyBlock] = field(default_factory=list)
    headings: list[tuple[int, int, str]] = field(default_factory=list)  # (level, line, text)
    images: list[tuple[int, str]] = field(default_factory=list)  # (line, target)
    prose: list[tuple[int, str]] = field(default_factory=list)  # (line, text; non-prose blanked)


FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:.-]+)\}[ \t]*(?P<arg>.*)$")
# Directives whose body is not Markdown: skipped as a whole.
OPAQUE = {"code-cell", "code-block", "code", "sourcecode", "literalinclude", "math", "raw",
          "eval-rst", "mermaid", "graphviz", "glue", "glue:figure", "csv-table"}
PYTHON_LANGS = {"python", "py", "python3"}
HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
OPTION_LINE = re.compile(r"^[ \t]*:(?P<key>[\w-]+):(?:[ \t]+(?P<value>.*))?$")
TARGET_LINE = re.compile(r"^[ \t]*\([^)\s]+\)=[ \t]*$")
MD_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
# Inline spans that are not prose: code and roles, math, link targets, HTML tags, URLs.
NOT_PROSE = re.compile(
    r"(?:\{[\w:.-]+\})?(`+)(?:.+?)\1"  # `code`, {role}`text`
    r"|\$\$?[^$\n]+?\$\$?"  # $math$
    r"|\]\([^)\n]*\)"  # ](link target)
    r"|<[^>\n]+>"  # <html> or <autolink>
    r"|https?://\S+"
)


def blank_non_prose(text: str) -> str:
    """The text with code, math, link targets, tags and URLs replaced by spaces (columns kept)."""
    return NOT_PROSE.sub(lambda m: " " * len(m.group(0)), text)


def _closing(fence: str) -> re.Pattern:
    return re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")


def _options(body: list[str]) -> tuple[dict, int, list[tuple[int, str]]]:
    """A directive's options: (options, index of the first content line, prose lines in them).

    MyST allows a YAML block between ``---`` lines, or ``:key: value`` lines.
    Prose lines are the option values a reader sees (alt text, captions), as
    (index in body, line with the key blanked).
    """
    options: dict = {}
    prose: list[tuple[int, str]] = []
    k = 0
    if body and body[0].strip() == "---":
        end = next((j for j in range(1, len(body)) if body[j].strip() == "---"), None)
        if end is not None:
            try:
                loaded = yaml.safe_load("\n".join(body[1:end]))
            except yaml.YAMLError as error:
                loaded = {"<invalid YAML>": str(error).splitlines()[0]}
            options = loaded if isinstance(loaded, dict) else {}
            for j in range(1, end):
                m = re.match(r"^([ \t]*(?:alt|caption|title):[ \t]*)(.*)$", body[j])
                if m:
                    prose.append((j, " " * len(m.group(1)) + m.group(2)))
            k = end + 1
    else:
        while k < len(body) and (m := OPTION_LINE.match(body[k])):
            value = m.group("value") or ""
            try:
                options[m.group("key")] = yaml.safe_load(value) if value else None
            except yaml.YAMLError:
                options[m.group("key")] = value
            k += 1
    while k < len(body) and not body[k].strip():
        k += 1
    return options, k, prose


def parse_page(text: str, path: str = "") -> Page:
    """Read a MyST page: code cells, ```python blocks, headings, images and prose lines."""
    page = Page(path)
    lines = text.splitlines()
    i = 0
    if lines and lines[0].strip() == "---":  # front matter
        i = next((j + 1 for j in range(1, len(lines)) if lines[j].strip() == "---"), len(lines))
    open_fences: list[str] = []  # Markdown containers (colon fences, directives with Markdown bodies)
    in_math = False
    while i < len(lines):
        line, lineno = lines[i], i + 1
        stripped = line.strip()
        i += 1
        if in_math:
            in_math = not stripped.endswith("$$")
            continue
        if open_fences and _closing(open_fences[-1]).match(line):
            open_fences.pop()
            continue
        m = FENCE.match(line)
        if m and not (m.group("fence")[0] == "`" and "`" in m.group("info")):
            fence, info = m.group("fence"), m.group("info").strip()
            d = DIRECTIVE.match(info)
            name = d.group("name") if d else None
            if fence[0] == ":" or (name and name not in OPAQUE):
                open_fences.append(fence)
                arg = d.group("arg") if d else ""
                if name in ("figure", "image") and arg:
                    page.images.append((lineno, arg.strip()))
                elif arg:  # an admonition title is prose
                    page.prose.append((lineno, blank_non_prose(" " * line.index(arg) + arg)))
                # skip the directive's options
                rest = lines[i:]
                end = next((j for j, l in enumerate(rest) if _closing(fence).match(l)), len(rest))
                _, first, _ = _options(rest[:end])
                i += first
                continue
            # an opaque block: code, math
            close = _closing(fence)
            j = i
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            body = lines[i:j]
            i = j + 1
            words = (d.group("arg") if d else info).split()
            language = words[0] if words else ""
            if name == "code-cell":
                options, first, prose = _options(body)
                page.prose.extend((lineno + 1 + k, blank_non_prose(t)) for k, t in prose)
                page.cells.append(Cell(
                    ordinal=len(page.cells) + 1, line=lineno, code_line=lineno + 1 + first,
                    language=language, options=options, code="\n".join(body[first:]).rstrip() + "\n",
                ))
            elif language in PYTHON_LANGS and name in (None, "code-block", "code", "sourcecode"):
                _, first, _ = _options(body) if name else ({}, 0, [])
                page.blocks.append(PyBlock(
                    ordinal=len(page.blocks) + 1, line=lineno, code_line=lineno + 1 + first,
                    code="\n".join(body[first:]).rstrip() + "\n",
                ))
            continue
        if stripped.startswith("$$"):
            in_math = not (len(stripped) > 2 and stripped.endswith("$$"))
            continue
        h = HEADING.match(line)
        if h:
            page.headings.append((len(h.group(1)), lineno, (h.group(2) or "").strip()))
            page.prose.append((lineno, blank_non_prose(line.replace("#", " "))))
            continue
        if TARGET_LINE.match(line) or stripped.startswith("%") or stripped == "+++":
            continue
        for img in MD_IMAGE.finditer(line):
            page.images.append((lineno, img.group(1)))
        if stripped:
            page.prose.append((lineno, blank_non_prose(line)))
    return page


def read_page(root: Path, rel: str) -> Page:
    return parse_page((Path(root) / rel).read_text(encoding="utf-8"), rel)


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
    mystnb = cell.options.get("mystnb") if isinstance(cell.options.get("mystnb"), dict) else {}
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
        mine, theirs = _examples(b), _examples(s)
    except ValueError as error:
        return [Problem("parity", tr.path, b.line, f"{label}: not a valid doctest ({error})")]
    problems = []
    if len(mine) != len(theirs):
        problems.append(Problem("parity", tr.path, b.line,
                                f"{label}: {len(mine)} doctest examples, {src.path} line {s.line} has {len(theirs)}"))
    for k, (e, f) in enumerate(zip(mine, theirs), start=1):
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


def missing_problem(source: str, lang: str, name: str) -> Problem:
    return Problem(
        "missing", page_rel(lang, name), None,
        f"missing: {page_rel(source, name)} has no {lang} translation.",
        fix=f"python tools/translations.py start {name} --lang {lang} "
            f"(then translate it and run: make translation-synced PAGE={name} LANG={lang})",
    )


# --- staleness --------------------------------------------------------------------------


def page_status(root: Path, name: str, lang: str) -> rule.Status:
    root = Path(root)
    source = languages(root)[0]
    return rule.translation_status(
        root / page_rel(source, name), root / page_rel(lang, name), page_rel(source, name)
    )


def status_table(root: Path = REPO) -> list[tuple[str, dict[str, rule.Status]]]:
    """(page, {language: status}) for every source page and every other language."""
    root = Path(root)
    langs = languages(root)
    return [
        (name, {lang: page_status(root, name, lang) for lang in langs[1:]})
        for name in page_names(root, langs[0])
    ]


def staleness_problems(root: Path = REPO, langs: list[str] | None = None) -> list[Problem]:
    """A problem for every translated page that is missing or does not translate the current source."""
    root = Path(root)
    source = languages(root)[0]
    problems = []
    for name, row in status_table(root):
        for lang, status in row.items():
            if langs and lang not in langs:
                continue
            if status.state == MISSING:
                problems.append(missing_problem(source, lang, name))
            elif status.state == STALE:
                if status.recorded:
                    how = (f"bring it up to date with {page_rel(source, name)} (python tools/translations.py "
                           f"diff {name} --lang {lang} shows what changed)")
                else:
                    how = f"check that it translates {page_rel(source, name)} as it is now"
                problems.append(Problem(
                    "stale", page_rel(lang, name), None, f"stale: {status.reason}.",
                    fix=f"{how}, then run: make translation-synced PAGE={name} LANG={lang}",
                ))
    return problems


def format_table(root: Path = REPO) -> str:
    langs = languages(root)
    rows = [["page", f"{langs[0]} (source)", *langs[1:]]]
    for name, row in status_table(root):
        rows.append([name, "source", *[STATUS_WORD[row[lang].state] for lang in langs[1:]]])
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


# --- sync, start, diff ------------------------------------------------------------------


def _page_name(root: Path, page: str, lang: str) -> str:
    """``linear_regression``, ``linear_regression.md`` or ``book/en/linear_regression.md`` → the name."""
    name = page.replace("\\", "/").removesuffix(".md")
    for prefix_lang in languages(root):
        name = name.removeprefix(f"book/{prefix_lang}/")
    return name


def _check_lang(root: Path, lang: str) -> None:
    langs = languages(root)
    if lang not in langs:
        raise UsageError(f"unknown language {lang!r}; the book's languages are {', '.join(langs)} (_config.yml)")
    if lang == langs[0]:
        raise UsageError(f"{lang!r} is the source language; its pages translate nothing")


def with_record(text: str, source_rel: str, digest: str) -> str:
    """The page text with its front matter's ``translation:`` record set; the rest unchanged."""
    newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
    block = (f"translation:{newline}  source: {source_rel}{newline}"
             f"  source_sha256: '{digest}'{newline}")
    parts = rule.split_front_matter(text)
    if parts is None:
        return f"---{newline}{block}---{newline}" + text
    opening, yaml_text, rest = parts
    lines = yaml_text.splitlines(keepends=True)
    start = next((k for k, l in enumerate(lines) if re.match(r"^translation\s*:", l)), None)
    if start is None:
        lines.append(block)
    else:
        end = start + 1
        while end < len(lines) and (lines[end][:1] in (" ", "\t") or not lines[end].strip()):
            end += 1
        lines[start:end] = [block]
    return opening + "".join(lines) + rest


def sync(root: Path, page: str, lang: str, force: bool = False) -> str:
    """Record that book/<lang>/<page>.md translates the current source page; returns a message."""
    root = Path(root)
    _check_lang(root, lang)
    name = _page_name(root, page, lang)
    source = languages(root)[0]
    src, tr = root / page_rel(source, name), root / page_rel(lang, name)
    if not src.is_file():
        raise UsageError(f"{page_rel(source, name)} does not exist; pages are {', '.join(page_names(root, source))}")
    if not tr.is_file():
        raise UsageError(f"{page_rel(lang, name)} does not exist; start it with: "
                         f"python tools/translations.py start {name} --lang {lang}")
    problems = page_parity(root, name, lang)
    if problems and not force:
        raise UsageError(
            f"not synced: {page_rel(lang, name)} does not mirror {page_rel(source, name)} yet:\n"
            + "\n".join(f"  {p}" for p in problems)
        )
    digest = rule.source_digest(src)[: rule.DIGEST_WRITE]
    old = tr.read_bytes().decode("utf-8")
    new = with_record(old, page_rel(source, name), digest)
    if rule.front_matter(new).get("translation") != {"source": page_rel(source, name), "source_sha256": digest}:
        raise UsageError(f"{page_rel(lang, name)}: could not write the translation record into its front matter")
    if new != old:
        tr.write_bytes(new.encode("utf-8"))
    return f"{page_rel(lang, name)}: translates {page_rel(source, name)} at {digest}"


LABEL_DEF = re.compile(r"^(\s*\()([^)\s]+)(\)=\s*)$", re.MULTILINE)
REF_ROLE = re.compile(r"(\{(?:ref|numref)\}`)([^`]*)(`)")


def start(root: Path, page: str, lang: str) -> str:
    """Begin a translation: copy the source page, its labels renamed to the new language.

    No translation record is written: the page is reported stale until its translation
    is reviewed and ``sync`` records it.
    """
    root = Path(root)
    _check_lang(root, lang)
    source = languages(root)[0]
    name = _page_name(root, page, lang)
    src, tr = root / page_rel(source, name), root / page_rel(lang, name)
    if not src.is_file():
        raise UsageError(f"{page_rel(source, name)} does not exist")
    if tr.exists():
        raise UsageError(f"{page_rel(lang, name)} already exists; edit it instead")

    def rename(label: str) -> str:
        if label.startswith(f"{source}_"):
            return f"{lang}_" + label[len(source) + 1:]
        return label

    def rename_ref(m: re.Match) -> str:
        inner = m.group(2)
        if "<" in inner and inner.endswith(">"):
            text, target = inner[: inner.rindex("<")], inner[inner.rindex("<") + 1: -1]
            inner = f"{text}<{rename(target)}>"
        else:
            inner = rename(inner)
        return m.group(1) + inner + m.group(3)

    text = src.read_text(encoding="utf-8")
    text = LABEL_DEF.sub(lambda m: m.group(1) + rename(m.group(2)) + m.group(3), text)
    text = REF_ROLE.sub(rename_ref, text)
    tr.parent.mkdir(parents=True, exist_ok=True)
    tr.write_text(text, encoding="utf-8")
    steps = [f"{page_rel(lang, name)}: a copy of {page_rel(source, name)} to translate."]
    if name not in toc_files(root):
        steps.append(f"  Add `- file: {name}` to _toc.yml (one list for every language).")
    steps.append(f"  When it is translated and reviewed: make translation-synced PAGE={name} LANG={lang}")
    return "\n".join(steps)


def diff(root: Path, page: str, lang: str) -> str:
    """The change to the source page since the revision the translation records (from git)."""
    root = Path(root)
    _check_lang(root, lang)
    source = languages(root)[0]
    name = _page_name(root, page, lang)
    src_rel = page_rel(source, name)
    status = page_status(root, name, lang)
    if status.state == CURRENT:
        return f"{page_rel(lang, name)} is up to date with {src_rel}"
    if not status.recorded:
        raise UsageError(f"{page_rel(lang, name)}: {status.reason}; compare it with {src_rel} by hand")

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)

    log = git("log", "--format=%H", "--", src_rel)
    if log.returncode != 0:
        raise UsageError(f"git log failed: {log.stderr.decode(errors='replace').strip()}")
    for commit in log.stdout.decode().split():
        blob = git("show", f"{commit}:{src_rel}")
        if blob.returncode == 0:
            digest = hashlib.sha256(blob.stdout.replace(b"\r\n", b"\n")).hexdigest()
            if digest.startswith(status.recorded):
                out = git("diff", commit, "--", src_rel)
                return f"{src_rel} since {commit[:12]}, the revision {page_rel(lang, name)} translates:\n" + \
                    out.stdout.decode("utf-8", errors="replace")
    raise UsageError(f"no commit of {src_rel} has the recorded revision {status.recorded}; "
                     f"compare the pages by hand")


# --- the glossary -----------------------------------------------------------------------

GLOSSARY = "glossary.yml"
# Pages that may use any term: they list or index the others.
ORDER_EXEMPT = ("index", "glossary")


def load_glossary(root: Path = REPO) -> list[dict]:
    path = Path(root) / GLOSSARY
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, list) else []


def glossary_schema_problems(root: Path = REPO) -> list[Problem]:
    """glossary.yml is a list of entries: one term per language, avoid_/also_<lang> lists, a note, introduced."""
    root = Path(root)
    path = root / GLOSSARY
    if not path.is_file():
        return [Problem("glossary", GLOSSARY, None, "does not exist")]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        return [Problem("glossary", GLOSSARY, None, f"is not valid YAML: {error}")]
    if not isinstance(data, list):
        return [Problem("glossary", GLOSSARY, None, "must be a YAML list of entries")]
    langs = languages(root)
    allowed = set(langs) | {f"{kind}_{l}" for l in langs for kind in ("avoid", "also")} | {"note", "introduced"}
    source_pages = set(page_names(root, langs[0]))
    in_toc = set(toc_files(root))
    problems = []
    seen: dict[tuple[str, str], int] = {}
    for k, entry in enumerate(data, start=1):
        where = f"entry {k}"
        if not isinstance(entry, dict):
            problems.append(Problem("glossary", GLOSSARY, None, f"{where} is not a mapping"))
            continue
        where = f"entry {k} ({entry.get(langs[0])!r})"
        for key in entry:
            if key not in allowed:
                problems.append(Problem("glossary", GLOSSARY, None,
                                        f"{where}: unknown key {key!r}; keys are {', '.join(sorted(allowed))}"))
        if not isinstance(entry.get(langs[0]), str) or not entry[langs[0]].strip():
            problems.append(Problem("glossary", GLOSSARY, None, f"{where}: needs a {langs[0]} term"))
        for lang in langs:
            term = entry.get(lang)
            if term is not None and (not isinstance(term, str) or not term.strip()):
                problems.append(Problem("glossary", GLOSSARY, None, f"{where}: {lang} must be a text"))
            elif isinstance(term, str):
                if (lang, term) in seen:
                    problems.append(Problem("glossary", GLOSSARY, None,
                                            f"{where}: {lang} term {term!r} is also entry {seen[lang, term]}"))
                seen[lang, term] = k
            for kind in ("avoid", "also"):
                listed = entry.get(f"{kind}_{lang}", [])
                if not isinstance(listed, list) or not all(isinstance(v, str) and v.strip() for v in listed):
                    problems.append(Problem("glossary", GLOSSARY, None,
                                            f"{where}: {kind}_{lang} must be a list of texts"))
        if "note" in entry and not isinstance(entry["note"], str):
            problems.append(Problem("glossary", GLOSSARY, None, f"{where}: note must be a text"))
        if "introduced" in entry:
            page = entry["introduced"]
            if not isinstance(page, str) or page not in source_pages:
                problems.append(Problem("glossary", GLOSSARY, None,
                                        f"{where}: introduced must name a page of book/{langs[0]}/ "
                                        f"({', '.join(sorted(source_pages))}), not {page!r}"))
            elif page in ORDER_EXEMPT:
                problems.append(Problem("glossary", GLOSSARY, None,
                                        f"{where}: introduced names {page!r}, which teaches no term"))
            elif in_toc and page not in in_toc:
                problems.append(Problem("glossary", GLOSSARY, None,
                                        f"{where}: introduced names {page!r}, which _toc.yml does not list"))
    # A variant must never match a term the glossary asks for, or the check would flag it.
    for lang in langs:
        preferred = [e[lang] for e in data if isinstance(e, dict) and isinstance(e.get(lang), str)]
        for entry in data:
            if not isinstance(entry, dict):
                continue
            for variant in entry.get(f"avoid_{lang}") or []:
                if not isinstance(variant, str) or not variant.strip():
                    continue
                for term in preferred:
                    if variant_pattern(variant).search(term):
                        problems.append(Problem("glossary", GLOSSARY, None,
                                                f"avoid_{lang} variant {variant!r} matches the term {term!r}"))
    return problems


def variant_pattern(variant: str) -> re.Pattern:
    """A variant as it may appear in prose.

    Exact, except that its first letter may be upper or lower case (a sentence may start with it)
    and a space matches any run of spaces. It must start a word; when it ends in a Latin letter
    or digit it must end one too (Korean words take particles: 레이어를).
    """
    first, rest = variant[0], variant[1:]
    head = f"[{re.escape(first.lower())}{re.escape(first.upper())}]" if first.lower() != first.upper() \
        else re.escape(first)
    body = r"[ \t]+".join(re.escape(part) for part in rest.split(" "))
    tail = r"(?!\w)" if re.match(r"[A-Za-z0-9]", variant[-1]) else ""
    return re.compile(rf"(?<!\w){head}{body}{tail}")


def term_pattern(term: str) -> re.Pattern:
    """A glossary term as prose uses it: as ``variant_pattern``, and an English term may also
    take an ending (cost, costs; diverge, diverges, diverged, diverging; tracing, traces,
    traced). "(MSE)" is dropped."""
    term = re.sub(r"\s*\([^)]*\)", "", term).strip()
    if not re.match(r"[A-Za-z]", term[-1]):
        return variant_pattern(term)
    endings = "s|es|d|ed|ing"
    if term.endswith("ing") and len(term.split(" ")[-1]) > 5:
        term, endings = term[:-3], "ing|ings|e|es|ed|s"
    return re.compile(variant_pattern(term).pattern.removesuffix(r"(?!\w)") + rf"(?:{endings})?(?!\w)")


# A Korean term followed at once by its English term in parentheses: 학습률(learning rate).
HANGUL = "\uac00-\ud7a3"
TERM_PAIR = re.compile(rf"(?<=[{HANGUL}])\((?P<english>[A-Za-z][^()]*)\)")
ROLE_TEXT = re.compile(r"\{[\w:.-]+\}`(?P<text>[^`]*)`")
ACRONYM = re.compile(r"[A-Z][A-Z0-9]+")


def with_role_text(raw: str, prose: str) -> str:
    """A prose line with the visible text of its roles put back ({ref}`학습률 <ko_glossary>` shows
    학습률), right-aligned so that what follows the role still follows it; columns kept."""
    for m in ROLE_TEXT.finditer(raw):
        start, end = m.span()
        if end > len(prose) or prose[start:end].strip():
            continue
        text = m.group("text")
        if text.endswith(">") and "<" in text:
            text = text[: text.rindex("<")].rstrip()
        prose = prose[:start] + text[-(end - start):].rjust(end - start) + prose[end:]
    return prose


def _english_names(text: str) -> set[str]:
    """'mean squared error (MSE)' -> {'mean squared error', 'mse'}; 'stochastic gradient descent, SGD' -> both."""
    names = {n.strip().lower() for n in re.findall(r"\(([^)]*)\)", text)}
    names |= {re.sub(r"\s+", " ", part).strip().lower() for part in re.sub(r"\([^)]*\)", "", text).split(",")}
    return {n for n in names if n}


def english_matches(written: str, term: str) -> bool:
    """Whether the English in a pair names the glossary's English term (plural and verb endings allowed)."""
    wanted = _english_names(term)
    for name in _english_names(written):
        for other in wanted:
            longer, shorter = (name, other) if len(name) >= len(other) else (other, name)
            if longer == shorter or longer in (shorter + "s", shorter + "es", shorter + "d", shorter + "ed"):
                return True
    return False


def term_pair_problems(root: Path, rel: str, page: Page, entries: list[dict], lang: str) -> list[Problem]:
    """Every "한국어 용어(English term)" pair in the source language's prose is a glossary entry.

    The Korean term is the longest glossary term that ends right before the parenthesis; the
    English in the parenthesis must name that entry's English term.
    """
    raw_lines = (Path(root) / rel).read_text(encoding="utf-8").splitlines()
    terms = sorted(
        ((re.compile(variant_pattern(e[lang]).pattern + r"\Z"), e) for e in entries if isinstance(e.get(lang), str)),
        key=lambda item: -len(item[1][lang]),
    )
    problems = []
    for lineno, prose in page.prose:
        text = with_role_text(raw_lines[lineno - 1] if lineno <= len(raw_lines) else "", prose)
        for m in TERM_PAIR.finditer(text):
            english = m.group("english").strip()
            before = text[: m.start()]
            if ACRONYM.fullmatch(english) or before.rfind("[") > before.rfind("]"):
                continue  # 비용(MSE) names a formula, not a term; [a title(Its Name)](…) is a link
            context = " ".join(before.split()[-3:])
            found = f"{context}({english})"
            entry = next((e for pattern, e in terms if pattern.search(before)), None)
            other = next((e for e in entries if isinstance(e.get(lang), str) and isinstance(e.get("en"), str)
                          and english_matches(english, e["en"])), None)
            if entry is not None and (not isinstance(entry.get("en"), str) or english_matches(english, entry["en"])):
                continue
            if entry is not None:
                message = (f"column {m.start() + 1}: {found!r}: glossary.yml pairs {entry[lang]!r} "
                           f"with {entry.get('en')!r}, not {english!r}.")
                fix = (f"write {entry[lang]}({entry.get('en')}), or add an entry for this term to {GLOSSARY} "
                       f"if it is another term")
            elif other is not None:
                message = f"column {m.start() + 1}: {found!r}: glossary.yml writes {english!r} as {other[lang]!r}."
                fix = f"write {other[lang]}({english}), or change the entry in {GLOSSARY}"
            else:
                message = f"column {m.start() + 1}: {found!r}: the term is not in glossary.yml."
                fix = (f"add an entry to {GLOSSARY} before the page uses it: "
                       f"`- {lang}: <the Korean term>` and `en: {english}`")
            problems.append(Problem("glossary", rel, lineno, message, fix))
    return problems


def glossary_problems(root: Path = REPO, langs: list[str] | None = None) -> list[Problem]:
    """Off-glossary variants in the prose of every page (code, inline code and math excluded), and,
    in the source language, every "용어(term)" pair that is not a glossary entry."""
    root = Path(root)
    entries = [e for e in load_glossary(root) if isinstance(e, dict)]
    source = languages(root)[0]
    problems = []
    for lang in langs or languages(root):
        rules = [
            (variant_pattern(v), v, entry)
            for entry in entries
            for v in entry.get(f"avoid_{lang}") or []
            if isinstance(v, str) and v.strip()
        ]
        for name in page_names(root, lang):
            rel = page_rel(lang, name)
            page = read_page(root, rel)
            if lang == source:
                problems.extend(term_pair_problems(root, rel, page, entries, lang))
            for lineno, text in page.prose:
                hits = []
                for pattern, _variant, entry in rules:
                    hits.extend((m.start(), m.end(), m.group(0), entry) for m in pattern.finditer(text))
                taken_until = -1
                for begin, end, found, entry in sorted(hits, key=lambda h: (h[0], -h[1])):
                    if begin < taken_until:
                        continue
                    taken_until = end
                    term = entry.get(lang) or entry.get(source)
                    note = f" ({entry['note']})" if entry.get("note") else ""
                    problems.append(Problem(
                        "glossary", rel, lineno,
                        f"column {begin + 1}: {found!r} is not the glossary term; write {term!r}{note}.",
                    ))
    return problems


# --- command line -----------------------------------------------------------------------


def all_problems(root: Path = REPO) -> list[Problem]:
    """Every problem, once: missing pages, staleness, parity, the glossary and its schema."""
    problems = staleness_problems(root)
    missing = {p.path for p in problems if p.check == "missing"}
    problems += [p for p in parity_problems(root) if not (p.check == "missing" and p.path in missing)]
    problems += glossary_schema_problems(root) + glossary_problems(root)
    return problems


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = argparse.ArgumentParser(
        prog="python tools/translations.py",
        description="Keep the translations of the book in step with the source language.",
    )
    parser.add_argument("--root", type=Path, default=REPO, help="the book's root directory (default: this repository)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="status table, then every parity, staleness and glossary problem")
    commands.add_parser("status", help="the status table; exit 1 if a page is stale or missing")
    for name, text in (
        ("sync", "record that a reviewed translation translates the current source page"),
        ("start", "begin a translation from a copy of the source page (every page if PAGE is left out)"),
        ("diff", "show what changed in the source page since the translated revision (git)"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("page", nargs="?" if name == "start" else None,
                         help="page name, e.g. linear_regression")
        sub.add_argument("--lang", required=True, help="the translation's language, e.g. en")
        if name == "sync":
            sub.add_argument("--force", action="store_true", help="record even if parity fails")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if not (root / "_config.yml").is_file():
            raise UsageError(f"{root} has no _config.yml; --root must be the book's root directory")
        if args.command in ("check", "status"):
            print(format_table(root))
            problems = staleness_problems(root) if args.command == "status" else all_problems(root)
            if problems:
                print(f"\n{len(problems)} problem(s):")
                for problem in problems:
                    print(problem)
                return 1
            print("\nEvery translation is present, up to date and in parity; the glossary is followed.")
            return 0
        if args.command == "sync":
            print(sync(root, args.page, args.lang, force=args.force))
        elif args.command == "start":
            pages = [args.page] if args.page else page_names(root, languages(root)[0])
            for page in pages:
                print(start(root, page, args.lang))
        elif args.command == "diff":
            print(diff(root, args.page, args.lang))
        return 0
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OSError, KeyError, TypeError, yaml.YAMLError) as error:
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
