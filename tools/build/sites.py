"""Step 3: each language's site, built by Jupyter Book's Sphinx builder from the execution cache.

Source ``book/<lang>/``, the one ``_toc.yml``, ``_config.yml`` plus the settings derived for that
language (``overrides``). Warnings are errors, references are checked (``-W -n --keep-going``).
Each site is staged in ``_build/lang/<lang>/html`` (myst-nb keeps its executed notebooks next to
it) and moved to ``_build/html/<lang>`` once every language is built.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tools.build import BuildError, workers
from tools.build.paths import Paths

LOG = "build"  # _build/logs/build-<lang>.log: everything a language's build writes but its warnings


def overrides(paths: Paths, lang: str) -> dict:
    """The Sphinx settings that differ per language, or that need absolute paths.

    The title and author of the language come from book_languages itself: book_i18n sets them
    once Sphinx knows the language, in this build as in any other.
    """
    root = paths.root
    return {
        "language": lang,
        "external_toc_path": str(root / "_toc.yml"),
        "html_static_path": [str(root / "_static")],
        "templates_path": [str(root / "_templates")],
        "html_favicon": str(root / "_static" / "favicon.svg"),
        "locale_dirs": [str(paths.locale_out)],
        "nb_execution_cache_path": str(paths.cache),
        "nitpicky": True,
        "latex_individualpages": False,
    }


def run_sphinx(paths: Paths, lang: str, builder: str, out: Path, warnings: Path) -> bool:
    """One Sphinx build of one language, with the settings derived for it; its warnings go to a file.

    Sphinx writes its warnings to sys.stderr; kernels that a build starts write to the process's
    own stderr (file descriptor 2). Keeping the warnings apart gives the summary only them.
    Whether the build succeeded.
    """
    from jupyter_book.sphinx import build_sphinx

    warnings.parent.mkdir(parents=True, exist_ok=True)
    stderr = sys.stderr
    sys.stderr = warnings.open("w", encoding="utf-8")
    try:
        result = build_sphinx(
            str(paths.root / "book" / lang),
            str(out),
            noconfig=True,
            path_config=str(paths.root / "_config.yml"),
            confoverrides=overrides(paths, lang),
            doctreedir=str(paths.stage / lang / ".doctrees"),
            builder=builder,
            warningiserror=True,
            keep_going=True,
        )
    finally:
        sys.stderr.close()
        sys.stderr = stderr
    return result == 0


@dataclass(frozen=True)
class SiteResult:
    """What one language's site build returns to the coordinator."""

    lang: str
    ok: bool
    seconds: float
    warnings: tuple[str, ...]  # the lines of _build/logs/warnings-<lang>.log
    log: Path

    def lines(self, paths: Paths) -> list[str]:
        head = f"{self.lang}: {'built' if self.ok else 'FAILED'} in {self.seconds:.1f} s (log: {paths.shown(self.log)})"
        return [head, *(f"  {line}" for line in self.warnings)]


def build_site(paths: Paths, lang: str) -> SiteResult:
    """Build one language's site into its staging folder (in a worker process: workers.py)."""
    start = time.perf_counter()
    shutil.rmtree(paths.stage / lang, ignore_errors=True)
    warnings = paths.logs / f"warnings-{lang}.log"
    ok = run_sphinx(paths, lang, "html", paths.stage / lang / "html", warnings)
    return SiteResult(lang, ok, time.perf_counter() - start,
                      tuple(warnings.read_text(encoding="utf-8").splitlines()), workers.log_of(paths, LOG, lang))


def build_sites(paths: Paths, langs: list[str]) -> None:
    """Every language's site, side by side, then moved into _build/html/<lang>."""
    failed = workers.report(paths, workers.run(build_site, paths, langs, LOG))
    if failed:
        raise BuildError(f"the {', '.join(failed)} build failed; the lines above (and the logs) say why")
    paths.site.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        target = paths.site / lang
        shutil.rmtree(target, ignore_errors=True)
        os.replace(paths.stage / lang / "html", target)
