"""The book's own Sphinx extensions and the code the build, the tools and the tests share.

Installed as the package ``book_ext`` (pyproject.toml maps it to this folder; ``make venv`` runs
``pip install -e .``), so _config.yml names the extensions ``book_ext.book_i18n`` and so on, and
nothing edits the import path. The modules that import no Sphinx: ``book_languages`` (the languages
and the Hangul range), ``book_page`` (the page model), ``book_env`` (TensorFlow's quiet logging).
"""
