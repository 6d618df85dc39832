"""The folders of one build: where the book is, and where each step writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# This repository: the book that `make book` builds, and the build's own templates.
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Paths:
    """The folders of the book in ``root`` and of its build; made by ``Paths.of(root)``."""

    root: Path  # the book: _config.yml, _toc.yml, book/<lang>/, locale/
    build: Path  # _build: everything the build writes
    cache: Path  # the execution pass's jupyter-cache
    locale_src: Path  # the book's .po catalogs
    locale_out: Path  # the compiled .mo catalogs
    site: Path  # the published site: index.html, <lang>/
    stage: Path  # each language's Sphinx output and doctrees before the site is moved into place
    logs: Path  # every step's log, the pages' execution times, timings.json
    pdf: Path  # <book>-<lang>.pdf
    bundle: Path  # <book>-<lang>.zip

    @classmethod
    def of(cls, root: Path | str) -> Paths:
        root = Path(root).resolve()
        build = root / "_build"
        return cls(root=root, build=build, cache=build / ".jupyter_cache", locale_src=root / "locale",
                   locale_out=build / "locale", site=build / "html", stage=build / "lang", logs=build / "logs",
                   pdf=build / "pdf", bundle=build / "bundle")

    @property
    def timings(self) -> Path:
        """Seconds per step of the last build (make bench reads it)."""
        return self.logs / "timings.json"

    def shown(self, path: Path) -> str:
        """``path`` as the build's messages name it: relative to the book when it is inside it."""
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)
