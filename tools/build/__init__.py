"""Build the book: one execution pass, then one site per language, then the downloads.

    python -m tools.build [--if-changed] [--keep-cache] [--plain-kernels] [--sites-only] [--only LANG] [--root DIR]

``make book`` runs it without options (``cli.py`` says what each option does). Every step takes
the book's folders as one value, a ``paths.Paths``; the steps, one module each:

1. **Execute** (``execute.py``) every page of every language once, two kernels more than there
   are cores at a time, into jupyter-cache (``_build/.jupyter_cache``, wiped first so that every
   cell runs). Each kernel is forked from a server that imported TensorFlow once (``kernels.py``).
2. **Compile** (``catalogs.py``) the book's message catalogs (``locale/<lang>/LC_MESSAGES/*.po``)
   with Babel into ``_build/locale``: the theme's and the extensions' strings that their own
   catalogs lack.
3. **Build** (``sites.py``) each language of ``_config.yml`` (``sphinx.config.book_languages``)
   with Jupyter Book's Sphinx builder, two languages at a time, each in a worker process of its
   own (``workers.py``): source ``book/<lang>/``, the one ``_toc.yml``, ``_config.yml`` plus the
   settings derived for that language. Warnings are errors, references are checked. Each site is
   staged in ``_build/lang/<lang>/html`` and moved to ``_build/html/<lang>``.
4. **Root page** (``root_page.py``): ``_build/html/index.html`` offers every language (it marks the
   one the browser prefers; it never redirects), with ``robots.txt`` and ``.nojekyll``.
5. **Downloads** (``downloads.py``), two languages at a time in worker processes: the book as one
   HTML page (Sphinx's ``singlehtml`` builder, reusing the environment of step 3, so nothing is
   read or executed again) printed by Chromium (``chromium.py``) into ``_build/pdf/<book>-<lang>.pdf``,
   and the site zipped into ``_build/bundle/<book>-<lang>.zip``; both copied into
   ``_build/html/<lang>/_downloads/``, where the site's links (book_ext/book_downloads.py) point.

Every worker writes its own logs in ``_build/logs/`` and returns its result; the build prints one
summary line per language from those results. ``inputs.py`` knows what a build is made from
(``--if-changed``). Exit status 0 when every step succeeded; otherwise each failure is one line.
"""


class BuildError(Exception):
    """A step failed; its message is one line for the person who ran the build."""
