"""Where each piece of an inline text came from: a markdown-it plugin for the page model (book_page.py).

markdown-it's inline tokens say what a text holds (inline code, a role, math, a link) but not
where: they carry no columns. The page model needs them, to blank out of the prose what a reader
does not read, at the columns of the file. ``watch_inline_rules`` is a plugin (``md.use``) that
replaces every active inline rule, through the ruler's own API (``get_active_rules``,
``getRules``, ``at``), by one that reports the span it consumed; ``read_inline`` runs the inline
parser on one text and returns its tokens and those spans. The spans travel in the parser's
``env`` (``state.env[SPANS]``), so that nothing is kept between two readings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SPANS = "book_ext.inline_spans"  # the key of ``state.env`` under which the watched rules report


@dataclass
class Spans:
    """What the inline rules consumed while one text is read: (rule, start, end, the end of a link's
    or an image's label or None), in the columns of that text."""

    found: list[tuple[str, int, int, int | None]] = field(default_factory=list)
    offset: int = 0  # where the text a rule reads starts in the text being read (an image's alt text)


def watched(name: str, rule):
    """The inline rule ``rule``, reporting the span it consumed in ``state.env[SPANS]``."""

    def run(state, silent: bool) -> bool:
        spans = None if silent else state.env.get(SPANS)
        if spans is None:
            return rule(state, silent)
        start, offset = state.pos, spans.offset
        label_end = -1
        if name in ("link", "image"):
            at = start + (1 if name == "image" else 0)
            if state.src.startswith("[", at):
                label_end = state.md.helpers.parseLinkLabel(state, at, True)
            if name == "image":  # markdown-it reads an image's alt text as a text of its own
                spans.offset = offset + at + 1
        try:
            found = rule(state, silent)
        finally:
            spans.offset = offset
        if found:
            label = offset + label_end if label_end >= 0 else None
            spans.found.append((name, offset + start, offset + state.pos, label))
        return found

    return run


def watch_inline_rules(md) -> None:
    """The plugin: every active inline rule of ``md`` reports its span."""
    ruler = md.inline.ruler
    for name, rule in zip(ruler.get_active_rules(), ruler.getRules(""), strict=True):
        ruler.at(name, watched(name, rule))


def read_inline(md, text: str, env: dict) -> tuple[list, list[tuple[str, int, int, int | None]]]:
    """The inline tokens of ``text`` and the spans its rules consumed (``md`` uses the plugin)."""
    spans = Spans()
    tokens: list = []
    md.inline.parse(text, md, {**env, SPANS: spans}, tokens)
    return tokens, spans.found
