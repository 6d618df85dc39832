"""Translations that cannot silently drift: parity, staleness and the glossary.

The first language of ``sphinx.config.book_languages`` in ``_config.yml`` is the source
(Korean); every other language mirrors ``book/<source>/`` page for page. Nothing here knows
how many languages there are. One module per concern, in the shape of ``sphinx.ext.intersphinx``:

- ``_shared``: the book's layout and languages, ``Problem``, the glossary file; pages are read by
  the page model ``book_ext.book_page`` (myst-parser's markdown-it tokens, with line numbers);
- ``_parity``: ``parity_problems``: every source page exists in every language; the same code
  cells, each the same program up to comments and strings; the same doctests, with the same
  expected values; the same cell options; the same figures; the same heading structure.
  ``_toc.yml`` lists each page once, for every language, and names only pages that exist;
- ``_staleness``: ``staleness_problems``: every translated page records the revision of its
  source page it translates (``translation.source_sha256``), and that revision is the current
  one; ``sync``, ``start`` and ``diff``, which write or read that record;
- ``_glossary``: ``glossary_problems``: no off-glossary variant of a term in the prose of any page;
  ``glossary_schema_problems``;
- ``_cli``: the command line.

Command line (``--root DIR`` checks another copy of the book)::

    python -m tools.translations check               # status table, then every problem; exit 1 if any
    python -m tools.translations status              # the status table only; exit 1 on stale or missing
    python -m tools.translations sync PAGE --lang LANG   # record: book/LANG/PAGE.md translates the current source
    python -m tools.translations start PAGE --lang LANG  # begin a translation from a copy of the source page
    python -m tools.translations diff PAGE --lang LANG   # what changed in the source since (needs git)

``make translation-synced PAGE=linear_regression
LANG=en`` runs ``sync``; ``make check PAGE=<lang>/<name>`` runs the checks of one page (``page_problems``).
"""

from ._cli import all_problems, counterparts, main, page_problems, split_page
from ._concepts import OPTIONAL, concept_order_problems, page_prose, reading_order
from ._glossary import (
    english_matches,
    glossary_problems,
    glossary_schema_problems,
    term_pair_problems,
    term_pattern,
    variant_pattern,
    with_role_text,
)
from ._parity import (
    TRANSLATABLE_OPTIONS,
    code_difference,
    compare_pages,
    normalized,
    page_parity,
    parity_problems,
)
from ._shared import (
    CURRENT,
    GLOSSARY,
    HANGUL,
    MISSING,
    ORDER_EXEMPT,
    REPO,
    STALE,
    STATUS_WORD,
    Cell,
    Page,
    Problem,
    PyBlock,
    UsageError,
    config,
    language_names,
    languages,
    load_glossary,
    missing_problem,
    page_names,
    page_rel,
    parse_page,
    read_page,
    rule,
    toc_files,
)
from ._staleness import diff, format_table, page_status, staleness_problems, start, status_table, sync, with_record

__all__ = [
    "CURRENT", "GLOSSARY", "HANGUL", "MISSING", "OPTIONAL", "ORDER_EXEMPT", "REPO", "STALE", "STATUS_WORD",
    "TRANSLATABLE_OPTIONS", "Cell", "Page", "Problem", "PyBlock", "UsageError", "all_problems",
    "code_difference", "compare_pages", "concept_order_problems", "config", "counterparts", "diff",
    "english_matches", "format_table", "glossary_problems", "glossary_schema_problems", "language_names",
    "languages", "load_glossary", "main", "missing_problem", "normalized", "page_names", "page_parity",
    "page_problems", "page_prose", "page_rel", "page_status", "parity_problems", "parse_page", "read_page",
    "reading_order", "rule", "split_page", "staleness_problems", "start", "status_table", "sync",
    "term_pair_problems", "term_pattern", "toc_files", "variant_pattern", "with_record", "with_role_text",
]
