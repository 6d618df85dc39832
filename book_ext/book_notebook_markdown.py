"""A page's Markdown as a notebook front-end (Jupyter, Colab) can show it.

The downloaded notebook's Markdown cells are the page's prose, but Jupyter and Colab know no MyST.
``notebook_markdown`` rewrites what they would show as raw markup:

- MyST labels (``(name)=`` lines) and comments (``%`` lines, the hidden checks among them) go;
- a reference role shows its title: ``{ref}`text <target>``` shows ``text``; ``{ref}`target``` and
  ``{doc}`target``` show the target's title where the caller can give it (``title_of``), else the
  target as code; other roles with a title show the title;
- an admonition becomes a block quote with its label in bold (``:::{note}`` → "> **Note**"), a
  dropdown admonition an HTML ``<details>`` element that stays closed, as on the site; any other
  directive with a Markdown body leaves its body.

Nothing here imports Sphinx: the page model (``book_page``) reads the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .book_page import Directive, Role, parse_page

# Cross-reference roles whose content is a target.
REFERENCE_ROLES = {"doc", "ref", "numref", "term", "eq"}
# Admonitions that carry their own label (the caller translates it: ``labels``).
LABELLED = {"note", "warning", "tip", "important", "caution", "attention", "hint", "seealso", "danger", "error"}


def _role_text(role: Role, title_of: Callable[[str, str], str | None] | None) -> str | None:
    if role.text != role.content:
        return role.text
    if role.name in REFERENCE_ROLES:
        title = title_of(role.name, role.content) if title_of else None
        return title or f"`{role.content}`"
    return None


def _quoted(lines: list[str], heading: str) -> list[str]:
    return [f"> **{heading}**", ">"] + [f"> {line}" if line.strip() else ">" for line in lines]


def _rendered(directive: Directive, body: list[str], labels: dict[str, str]) -> list[str]:
    classes = str(directive.options.get("class", "")).split()
    if directive.name == "admonition" and "dropdown" in classes:
        return ["<details>", f"<summary>{directive.argument}</summary>", "", *body, "", "</details>"]
    if directive.name == "admonition":
        return _quoted(body, directive.argument)
    if directive.name in LABELLED:
        return _quoted(body, labels.get(directive.name, directive.name.capitalize()))
    return body


def notebook_markdown(markdown: str, title_of: Callable[[str, str], str | None] | None = None,
                      labels: dict[str, str] | None = None) -> str:
    """``markdown`` as a notebook front-end shows it (see the module's docstring)."""
    page = parse_page(markdown)
    lines = markdown.split("\n")
    by_line: dict[int, list[Role]] = {}
    for role in page.roles:
        by_line.setdefault(role.line, []).append(role)
    for lineno, roles in by_line.items():
        line = lines[lineno - 1]
        for role in sorted(roles, key=lambda r: -r.start):
            new = _role_text(role, title_of)
            if new is not None:
                line = line[: role.start] + new + line[role.end:]
        lines[lineno - 1] = line
    gone = {line for line, _ in page.targets}
    gone.update(n for first, last in page.comments for n in range(first, last + 1))
    # The outermost directives; what is nested in one stays as written inside its body.
    outer: dict[int, Directive] = {}
    covered = 0
    for directive in sorted(page.directives, key=lambda d: d.line):
        if directive.line > covered:
            outer[directive.line] = directive
            covered = directive.end_line
    out: list[str] = []
    n = 1
    while n <= len(lines):
        if n in outer:
            directive = outer[n]
            body = [lines[k - 1] for k in range(directive.body_line, directive.end_line) if k not in gone]
            out += _rendered(directive, body, labels or {})
            n = directive.end_line + 1
        else:
            if n not in gone:
                out.append(lines[n - 1])
            n += 1
    # What was taken out leaves one blank line between paragraphs, not several.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))
