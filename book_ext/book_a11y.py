"""Markup that assistive technology reads as it is shown (WCAG 2.2 A and AA; tests/test_accessibility.py).

myst-nb writes the "show code" toggle of a hidden cell as ``<summary aria-label="Toggle hidden
content">``: an English name that hides the summary's own, translated text ("코드 셀 보기") from a
screen reader, and that does not contain it (axe: label-content-name-mismatch). This extension
registers the same node's HTML visitor again, through Sphinx's ``add_node(..., override=True)``,
without the label: the summary is then named by the text it shows. The theme's own buttons are fixed
in templates (``_templates/search-button-field.html``, ``_templates/theme-switcher.html``), and a
display formula that scrolls sideways gets a tab stop in ``_static/book.js``.
"""

from __future__ import annotations

from html import escape

from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput
from sphinx.application import Sphinx


def visit_hidden_cell(self, node: HideCodeCellNode) -> None:
    self.body.append(f'<details class="admonition hide {" ".join(node["classes"])}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def setup(app: Sphinx) -> dict:
    app.setup_extension("myst_nb")
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput))
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
