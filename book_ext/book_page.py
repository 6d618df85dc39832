"""One reading of a MyST page, for the translation tools, the notebooks and the tests.

A page is read with the parser the build uses: myst-parser's markdown-it parser
(``create_md_parser``, with the ``parse.myst_enable_extensions`` of ``_config.yml``), and
code-cell and directive options the way myst-nb reads them (``parse_directive_text``). Its
tokens carry ``.map`` line ranges; the inline rules report what they consume (inline_spans.py), so
that every span (inline code, a role, math, a link target) is known by line and column.
``read_page`` gives a ``Page``:

- ``front_matter``: the YAML front matter as a dict;
- ``cells``: the ``{code-cell}`` cells: options (tags, ``mystnb`` figure options), code, lines;
- ``blocks``: the ```python blocks (doctests with ``>>>``, or plain code), lines; and the checks
  hidden in MyST comments (``% invisible-code-block: python``, Sybil's invisible code blocks), which
  Sybil runs but no reader sees (``PyBlock.hidden``);
- ``comments``: the line ranges of every MyST ``%`` comment;
- ``headings``: (level, line, text);
- ``images``: (line, target) of Markdown images and ``{figure}``/``{image}`` directives;
- ``prose``: (line, text) for every line a reader reads as prose: the raw line with everything
  that is not prose (code, inline code, roles, math, link targets, HTML, URLs, markup the
  reader never sees) replaced by spaces, so that columns are those of the file. Captions and
  alt text of code cells and the titles of directives are prose too;
- ``roles`` and ``targets``: every ``{role}`content``` and ``(label)=`` with its place;
- ``directives``: every directive whose body is Markdown (admonitions), with its lines.

Directives whose body is Markdown (admonitions, dropdowns, ``:::`` fences) are read
recursively, as Sphinx does. Nothing here imports Sphinx.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from book_ext import inline_spans

# The MyST syntax of _config.yml (parse.myst_enable_extensions); read_page may be given another.
EXTENSIONS = ("dollarmath", "amsmath", "colon_fence", "deflist", "substitution")
# Directives whose body is not Markdown.
OPAQUE = {"code-cell", "code-block", "code", "sourcecode", "literalinclude", "math", "raw",
          "eval-rst", "mermaid", "graphviz", "glue", "glue:figure", "csv-table"}
PYTHON_LANGS = {"python", "py", "python3"}
# Sybil's invisible code block in a MyST comment: ``% invisible-code-block: python`` (CONTRIBUTING.md).
HIDDEN = "invisible-code-block"
HIDDEN_START = re.compile(r"^\s*invisible-code-block:\s*(\S+)\s*$")
# Code-cell options whose text a reader sees.
PROSE_OPTIONS = ("alt", "caption", "title")
# Inline rules whose whole span is not prose; for links and images only the target is not.
NOT_PROSE_RULES = {"backticks", "math_inline", "myst_role", "html_inline", "autolink",
                   "substitution_inline", "footnote_ref"}
# A bare URL in prose (myst's linkify is off) is not prose either.
BARE_URL = re.compile(r"https?://\S+")


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
    """A ```python block (or a ``{code-block} python`` directive): doctest examples or plain code."""

    ordinal: int
    line: int
    code_line: int
    code: str
    directive: str | None = None  # "code-block" etc., None for a plain ```python fence; HIDDEN for a check

    @property
    def hidden(self) -> bool:
        """A check in a MyST comment: Sybil runs it, the page, the PDF and the notebook never show it."""
        return self.directive == HIDDEN

    @property
    def is_doctest(self) -> bool:
        return self.code.lstrip().startswith(">>>")

    @property
    def prompts(self) -> int:
        """The ``>>>`` statements: one Sybil example each."""
        return sum(1 for line in self.code.splitlines() if line.startswith(">>> "))


@dataclass(frozen=True)
class Directive:
    """A directive whose body is Markdown (``:::{note}``, ``:::{admonition} Title``, ...)."""

    name: str
    argument: str
    options: dict
    line: int  # the opening fence
    body_line: int  # the first line of the body
    end_line: int  # the closing fence


@dataclass(frozen=True)
class Role:
    line: int
    start: int  # columns in the line, end excluded
    end: int
    name: str
    content: str

    @property
    def text(self) -> str:
        """What the reader sees: the title of ``title <target>``, else the content."""
        if self.content.endswith(">") and "<" in self.content:
            return self.content[: self.content.rindex("<")].rstrip()
        return self.content


@dataclass
class Page:
    path: str
    front_matter: dict = field(default_factory=dict)
    cells: list[Cell] = field(default_factory=list)
    blocks: list[PyBlock] = field(default_factory=list)
    headings: list[tuple[int, int, str]] = field(default_factory=list)  # (level, line, text)
    images: list[tuple[int, str]] = field(default_factory=list)  # (line, target)
    prose: list[tuple[int, str]] = field(default_factory=list)  # (line, text; non-prose blanked)
    roles: list[Role] = field(default_factory=list)
    targets: list[tuple[int, str]] = field(default_factory=list)  # (line, label)
    comments: list[tuple[int, int]] = field(default_factory=list)  # (first line, last line) of a % comment
    directives: list[Directive] = field(default_factory=list)  # with a Markdown body, in document order

    @property
    def doctests(self) -> list[PyBlock]:
        return [b for b in self.blocks if b.is_doctest]

    @property
    def checks(self) -> list[PyBlock]:
        """The hidden checks (``% invisible-code-block: python``)."""
        return [b for b in self.blocks if b.hidden]


# --- the parser -------------------------------------------------------------------------

@functools.cache
def parser(extensions: tuple[str, ...] = EXTENSIONS):
    """myst-parser's markdown-it parser, blocks only (inline text is read by ``inline_spans.read_inline``)."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    md = create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML)
    md.use(inline_spans.watch_inline_rules)
    md.disable("inline")  # the core rule; ``read_inline`` runs the inline parser itself
    return md


class _Directive:
    """What myst-nb assumes of a code cell: options, one optional argument, a body."""

    option_spec = {"options": True}
    required_arguments = 0
    optional_arguments = 1
    final_argument_whitespace = True  # an admonition's title has spaces
    has_content = True


def directive_parts(first_line: str, content: str) -> tuple[str, dict, list[str], int]:
    """(argument, options, body lines, index of the first body line in ``content``), as myst-nb reads them."""
    from myst_parser.parsers.directives import MarkupError, parse_directive_text

    try:
        result = parse_directive_text(_Directive, first_line, content, validate_options=False)
    except MarkupError as error:
        return first_line.strip(), {"<invalid options>": str(error).splitlines()[0]}, content.splitlines(), 0
    options = result.options
    if result.warnings:
        options = {**options, "<invalid options>": str(result.warnings[0].msg).splitlines()[0]}
    body, offset = list(result.body), result.body_offset
    while body and not body[0].strip():
        body, offset = body[1:], offset + 1
    return " ".join(result.arguments), options if isinstance(options, dict) else {}, body, offset


# --- reading ----------------------------------------------------------------------------


class _Reader:
    def __init__(self, text: str, path: str, extensions: tuple[str, ...]):
        self.md = parser(tuple(extensions))
        self.raw = text.split("\n")
        self.page = Page(path)
        self.prose: dict[int, list[str]] = {}  # line -> characters of the line, non-prose as spaces
        self.cursor: dict[int, int] = {}  # line -> column after the last text placed on it

    # prose is assembled per raw line, at the columns of the file
    def _place(self, lineno: int, text: str, blanks: list[tuple[int, int]], offset: int) -> None:
        """Put ``text`` (one line of an inline text, at ``offset`` in it) at its columns in ``lineno``."""
        if not 1 <= lineno <= len(self.raw) or not text.strip():
            return
        raw = self.raw[lineno - 1]
        col = raw.find(text, self.cursor.get(lineno, 0))
        if col < 0 and raw.rstrip().endswith(text.rstrip()):
            col = len(raw.rstrip()) - len(text.rstrip())
        if col < 0:
            return
        self.cursor[lineno] = col + len(text)
        chars = self.prose.setdefault(lineno, [" "] * len(raw))
        hidden = [False] * len(text)  # the characters that are not prose (a role, a link's target)
        for start, end in blanks:
            for pos in range(max(start, offset), min(end, offset + len(text))):
                hidden[pos - offset] = True
        for k, ch in enumerate(text):
            if col + k < len(chars) and not hidden[k]:
                chars[col + k] = ch

    def inline(self, text: str, first_line: int, env: dict) -> None:
        """Read an inline text (a paragraph, a heading, a table cell) that starts at ``first_line``."""
        tokens, spans = inline_spans.read_inline(self.md, text, env)
        line_starts = [0]
        for line in text.split("\n")[:-1]:
            line_starts.append(line_starts[-1] + len(line) + 1)

        def line_of(pos: int) -> int:
            return max(k for k, s in enumerate(line_starts) if s <= pos)

        blanks = []
        for name, start, end, label_end in spans:
            if name in NOT_PROSE_RULES:
                blanks.append((start, end))
            elif name in ("link", "image") and label_end is not None:
                blanks.append((label_end, end))  # ``](target)``
                if name == "image":  # an image's alt text is prose, its ``![`` is not
                    blanks.append((start, start + 2))
        columns = {}
        for k, line in enumerate(text.split("\n")):
            lineno = first_line + k
            before = self.cursor.get(lineno, 0)
            self._place(lineno, line, blanks, line_starts[k])
            columns[k] = self.cursor.get(lineno, before) - len(line)
        # roles and images, by line and column
        for name, start, end, _label_end in spans:
            k = line_of(start)
            lineno, col = first_line + k, columns.get(k, 0) + start - line_starts[k]
            source = text[start:end]
            if name == "myst_role" and source.startswith("{") and "}`" in source:
                role, _, rest = source[1:].partition("}")
                ticks = len(rest) - len(rest.lstrip("`"))
                self.page.roles.append(Role(lineno, col, col + len(source), role, rest[ticks:-ticks or None]))
        # images: the image rule's spans and the image tokens come in the same order
        image_spans = [start for name, start, _end, _label in spans if name == "image"]
        image_tokens = [token for token in _flatten(tokens) if token.type == "image"]
        for start, token in zip(image_spans, image_tokens):
            self.page.images.append((first_line + line_of(start), str(token.attrGet("src"))))

    def blocks(self, text: str, offset: int) -> None:
        """Read Markdown ``text`` whose first line is line ``offset + 1`` of the file."""
        env: dict = {}
        tokens = self.md.parse(text, env)
        for k, token in enumerate(tokens):
            line = offset + (token.map[0] if token.map else 0) + 1
            if token.type == "front_matter":
                try:
                    data = load_yaml(token.content)
                except yaml.YAMLError:
                    data = None
                self.page.front_matter = data if isinstance(data, dict) else {}
            elif token.type == "myst_target":
                self.page.targets.append((line, token.content))
            elif token.type == "heading_open":
                inline = tokens[k + 1]
                self.page.headings.append((int(token.tag[1:]), line, inline.content.strip()))
            elif token.type == "inline" and token.map:
                self.inline(token.content, line, env)
            elif token.type in ("fence", "colon_fence"):
                self.fence(token, line)
            elif token.type == "myst_line_comment" and token.map:
                self.comment(token.content, line, token.map[1] - token.map[0])

    def comment(self, content: str, line: int, length: int) -> None:
        """A ``%`` comment of ``length`` lines; a hidden check when it is Sybil's invisible code block."""
        self.page.comments.append((line, line + length - 1))
        lines = [text[1:] if text.startswith(" ") else text for text in content.split("\n")]
        start = HIDDEN_START.match(lines[0])
        if not start or start[1] not in PYTHON_LANGS:
            return
        body, first = lines[1:], line + 1
        while body and not body[0].strip():
            body, first = body[1:], first + 1
        self.page.blocks.append(PyBlock(
            ordinal=len(self.page.blocks) + 1, line=line, code_line=first,
            code="\n".join(body).rstrip() + "\n", directive=HIDDEN,
        ))

    def fence(self, token, line: int) -> None:
        info = token.info.strip()
        name = info[1:info.index("}")] if info.startswith("{") and "}" in info else None
        first_line = info[info.index("}") + 1:].strip() if name else ""
        if token.type == "colon_fence" or (name and name not in OPAQUE):
            arg, options, body, start = directive_parts(first_line, token.content)
            end = line + (token.map[1] - token.map[0]) - 1 if token.map else line
            self.page.directives.append(Directive(name or "", arg, options, line, line + 1 + start, end))
            if name in ("figure", "image") and arg:
                self.page.images.append((line, arg))
            elif arg:  # an admonition's title is prose
                self._place(line, arg, [], 0)
            if name == "figure" or body:
                self.blocks("\n".join(body), line + start)
            return
        language = (first_line or info).split()[0] if (first_line or info).split() else ""
        if name == "code-cell":
            _arg, options, body, start = directive_parts("", token.content)
            self._option_prose(options, token.content, line)
            self.page.cells.append(Cell(
                ordinal=len(self.page.cells) + 1, line=line, code_line=line + 1 + start,
                language=language, options=options, code="\n".join(body).rstrip() + "\n",
            ))
        elif language in PYTHON_LANGS and name in (None, "code-block", "code", "sourcecode"):
            if name:
                _arg, _options, body, start = directive_parts("", token.content)
            else:
                body, start = token.content.splitlines(), 0
            self.page.blocks.append(PyBlock(
                ordinal=len(self.page.blocks) + 1, line=line, code_line=line + 1 + start,
                code="\n".join(body).rstrip() + "\n", directive=name,
            ))

    def _option_prose(self, options: dict, content: str, line: int) -> None:
        """Captions and alt text in a code cell's options are prose, at their lines."""
        values = [v for key, v in _walk(options) if key in PROSE_OPTIONS and isinstance(v, str) and v.strip()]
        lines = content.splitlines()
        for value in values:
            for k, text in enumerate(lines):
                key, sep, rest = text.partition(":")
                if sep and key.strip() in PROSE_OPTIONS and rest.strip().strip("'\"") == value.strip():
                    self.inline(rest.strip().strip("'\""), line + 1 + k, {})
                    break

    def result(self) -> Page:
        prose = []
        for lineno in sorted(self.prose):
            text = "".join(self.prose[lineno])
            text = BARE_URL.sub(lambda m: " " * len(m.group(0)), text)
            if text.strip():
                prose.append((lineno, text))
        self.page.prose = prose
        self.page.images.sort(key=lambda item: item[0])
        return self.page


def _walk(value, key=None) -> Iterator[tuple]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v, key)
    else:
        yield key, value


def _flatten(tokens) -> Iterator:
    for token in tokens:
        yield token
        if token.children:
            yield from _flatten(token.children)


# libyaml's loader when PyYAML was built with it (its wheels are): the same data, ten times faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str):
    """``yaml.safe_load(text)``. A process reads the same YAML (``_config.yml``, the glossary, the front
    matter) many times: each text is parsed once, and every caller gets a copy of its own."""
    return copy.deepcopy(_load_yaml(text))


@functools.lru_cache(maxsize=256)
def _load_yaml(text: str):
    return yaml.load(text, Loader=_YAML_LOADER)


def parse_page(text: str, path: str = "", extensions: tuple[str, ...] = EXTENSIONS) -> Page:
    """Read a MyST page: front matter, code cells, ```python blocks, headings, images, prose, roles, targets.

    A process reads the same pages many times (every check of the translation tools, the tests):
    each text is parsed once, and every caller gets a copy of its own."""
    return copy.deepcopy(_parse_page(text, path, tuple(extensions)))


@functools.lru_cache(maxsize=256)
def _parse_page(text: str, path: str, extensions: tuple[str, ...]) -> Page:
    reader = _Reader(text, path, extensions)
    reader.blocks(text, 0)
    return reader.result()


def read_page(root: Path, rel: str) -> Page:
    """The page ``rel`` (a path relative to the book's root, e.g. book/ko/sgd.md)."""
    return parse_page((Path(root) / rel).read_text(encoding="utf-8"), rel)
