"""Math rendered to MathML when the book is built: no math script on any page.

MathJax's ``tex-chtml.js`` weighs 1.16 MB and typesets in the reader's browser; browsers draw
MathML Core themselves (Chromium, Firefox, Safari). This extension registers the HTML math
renderer ``mathml`` (``html_math_renderer: mathml`` in _config.yml), which converts each
``$...$`` and ``$$...$$`` of the pages with latex2mathml (pure Python) while Sphinx writes the
page. A formula latex2mathml cannot convert is a build warning (an error under ``-W``) naming the
page and the formula, never a silent gap. The PDF, printed by Chromium, gets the same MathML.
"""

from __future__ import annotations

import html

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def to_mathml(self, latex: str, display: str, node: nodes.Node) -> str:
    """The formula as MathML, its TeX source in ``alttext``: what a reader that cannot render
    MathML shows, and what a screen reader may read out instead of the structure."""
    source = " ".join(latex.split())
    try:
        mathml = convert(latex.strip(), display=display)
    except Exception as error:  # latex2mathml raises its own and plain exceptions
        logger.warning("[book_mathml] cannot convert %r to MathML: %s", latex, error, location=node)
        return f'<code class="math-error">{html.escape(latex)}</code>'
    return mathml.replace("<math ", f'<math alttext="{html.escape(source, quote=True)}" ', 1)


def visit_math(self, node: nodes.math) -> None:
    self.body.append(
        f'<span class="math notranslate nohighlight">{to_mathml(self, node.astext(), "inline", node)}</span>'
    )
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node.get("number"):
        self.body.append(f'<span class="eqno">({node["number"]})</span>')
    self.body.append(to_mathml(self, node.astext(), "block", node))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
