extensions = ["book_ext.book_explorer"]
html_static_path = ["_static"]
# As Jupyter Book 1 sets them: every script and stylesheet of _static/, on every page.
html_js_files = ["book.js", "gd_explorer.js"]
html_css_files = ["book.css", "gd_explorer.css"]
