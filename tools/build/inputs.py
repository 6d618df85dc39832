"""What a build is made from, and whether the built site still stands for it (``--if-changed``).

A complete build (every cell of every language run) writes a stamp, the digest of its inputs,
into ``_build``; ``make test`` reuses the build while the inputs' digest is still that one.
"""

from __future__ import annotations

import hashlib
import os

from tools.build.paths import Paths

# What a build is made from: a change to any of these makes the built site out of date. The build also
# stands for the results of the pages' examples that it recorded (book_ext/book_examples.py), so what
# pytest's run of a page depends on is here too: its settings and warning filters (pyproject.toml, whose
# filters the build's kernels apply) and the conftest.py that collects the pages.
INPUTS = ("book", "book_ext", "_static", "_templates", "locale", "tools/build", "_config.yml", "_toc.yml",
          "glossary.yml", "requirements.txt", "pyproject.toml", "conftest.py")
STAMP = "build-inputs.sha256"


def inputs_digest(paths: Paths) -> str:
    """SHA-256 over the path and content of every input file (line endings as they are)."""
    digest = hashlib.sha256()
    # The sites' address changes every page's links (book_discovery.py).
    digest.update(("BOOK_SITE_URL=" + os.environ.get("BOOK_SITE_URL", "") + "\0").encode())
    for name in INPUTS:
        path = paths.root / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path] if path.is_file() else []
        for file in files:
            digest.update(file.relative_to(paths.root).as_posix().encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def up_to_date(paths: Paths, langs: list[str]) -> bool:
    """Whether _build/html was built, completely, from the inputs as they are now."""
    stamp = paths.build / STAMP
    site = paths.site
    complete = (site / "index.html").is_file() and all((site / lang / "index.html").is_file() for lang in langs)
    return complete and stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == inputs_digest(paths)


def clear_stamp(paths: Paths) -> None:
    """The build is starting: until it is complete, the site stands for no inputs."""
    (paths.build / STAMP).unlink(missing_ok=True)


def write_stamp(paths: Paths, digest: str) -> None:
    """A complete build, every cell of every language run, stands for the inputs of ``digest``."""
    (paths.build / STAMP).write_text(digest + "\n", encoding="utf-8")
