"""sphinx-book-theme's download menu, for the book's extensions: the one module that knows its structure.

sphinx-book-theme offers no public way to add an entry to the download menu of its article header.
What it does, at ``html-page-context`` (priority 501, in ``sphinx_book_theme.header_buttons``):

- it offers the page's notebook when the page context names it, ``ipynb_source`` (a file of the
  site's ``_sources/``), so whoever writes the notebook names it before (``BEFORE_THEME``);
- it puts the header's buttons in the context, ``header_buttons``: a list of dicts. The download
  menu is the one whose ``label`` is ``download-buttons``; its ``buttons`` are the menu's entries,
  each a dict that the theme's template (``macros/buttons.html``) draws: ``type`` ("link"),
  ``url``, ``text``, ``tooltip``, ``icon`` and ``label`` (the entry's class, ``btn-<label>``). An
  entry added after the theme (``AFTER_THEME``) is drawn like the theme's own.

Written for sphinx-book-theme 1.3.0 (pydata-sphinx-theme 0.17.1). A context that does not hold
what this module expects raises :class:`ThemeChanged`; tests/test_ext_downloads.py builds a page
with the real theme and fails, naming this file, when the menu does not show the entries added here.
"""

from __future__ import annotations

from sphinx.errors import ExtensionError

BEFORE_THEME = 400
AFTER_THEME = 700
DOWNLOAD_MENU = "download-buttons"
UPDATE = "sphinx-book-theme changed header_buttons; update book_ext/theme_buttons.py"


class ThemeChanged(ExtensionError):
    """The page context is not what sphinx-book-theme 1.3.0 makes of it."""


def offer_notebook(context: dict, filename: str) -> None:
    """Have the download menu offer ``_sources/<filename>`` as the page's notebook (before the theme)."""
    context["ipynb_source"] = filename


def download_menu(context: dict) -> list[dict] | None:
    """The entries of the page's download menu (after the theme); None when the page has none (a page
    without a source file, such as the search page) or when the site uses another theme."""
    if "header_buttons" not in context:
        return None
    buttons = context["header_buttons"]
    if not isinstance(buttons, list) or not all(isinstance(button, dict) for button in buttons):
        raise ThemeChanged(f"{UPDATE} (header_buttons is no list of dicts: {buttons!r})")
    menu = next((button for button in buttons if button.get("label") == DOWNLOAD_MENU), None)
    if menu is None:
        return None
    if not isinstance(menu.get("buttons"), list):
        raise ThemeChanged(f"{UPDATE} (the {DOWNLOAD_MENU} group has no list of buttons: {menu!r})")
    return menu["buttons"]


def add_download(context: dict, *, url: str, text: str, tooltip: str, icon: str, label: str) -> bool:
    """Add a link to the page's download menu (after the theme); False when the page has no menu."""
    entries = download_menu(context)
    if entries is None:
        return False
    entries.append({"type": "link", "url": url, "text": text, "tooltip": tooltip, "icon": icon, "label": label})
    return True
