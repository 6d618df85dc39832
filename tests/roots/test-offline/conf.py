extensions = ["sphinx_book_theme", "book_ext.book_offline"]
html_theme = "sphinx_book_theme"
# A script from another site: what the extension must warn about.
html_js_files = ["https://cdn.example.org/remote.js"]
