"""Step 2: the book's message catalogs, compiled for the sites' builds (Sphinx's ``locale_dirs``).

They hold the theme's and the extensions' strings that their own catalogs lack.
"""

from __future__ import annotations

import shutil

from tools.build.paths import Paths


def compile_catalogs(paths: Paths) -> None:
    """locale/<lang>/LC_MESSAGES/<domain>.po -> _build/locale/<lang>/LC_MESSAGES/<domain>.mo (Babel)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    shutil.rmtree(paths.locale_out, ignore_errors=True)
    for po in sorted(paths.locale_src.glob("*/LC_MESSAGES/*.po")):
        target = paths.locale_out / po.relative_to(paths.locale_src).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parts[-3])
        with target.open("wb") as f:
            write_mo(f, catalog)
