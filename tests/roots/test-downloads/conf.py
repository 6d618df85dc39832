from book_ext import theme_buttons

extensions = ["sphinx_book_theme", "book_ext.book_downloads"]
html_theme = "sphinx_book_theme"
language = "ko"
project = "작은 책"
author = "지은이"


def offer_a_notebook(app, pagename, templatename, context, doctree):
    """As book_notebooks.py does for a page that it wrote a notebook of."""
    if pagename == "part/chapter2":
        theme_buttons.offer_notebook(context, "part/chapter2.ipynb")


def setup(app):
    app.connect("html-page-context", offer_a_notebook, priority=theme_buttons.BEFORE_THEME)
