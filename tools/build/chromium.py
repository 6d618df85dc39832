"""The Chromium that prints the PDFs (downloads.py) and runs the browser tests and the audit.

``executable()`` finds it: the environment variable ``BOOK_CHROMIUM`` when it is set, else the
first of ``NAMES`` on PATH, else Debian's ``/usr/bin/chromium``. The pages need a font with
Hangul (Noto Sans CJK) and one with emoji, in whichever browser it is.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tools.build import BuildError

ENV = "BOOK_CHROMIUM"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DEBIAN = Path("/usr/bin/chromium")
INSTALL = ("on Debian or Ubuntu, apt-get install --no-install-recommends chromium fonts-noto-cjk "
           f"fonts-noto-color-emoji; elsewhere, set {ENV} to a Chromium or Chrome executable")
# Headless Chromium as root, and nothing fetched in the background (the browser tests use these too).
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def executable() -> Path:
    """The Chromium to use; a BuildError (one line: what to install, or what to fix) if there is none."""
    chosen = os.environ.get(ENV, "")
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise BuildError(f"{ENV}={chosen} is not an executable file: set it to a Chromium or Chrome "
                             f"executable, or unset it to use {' or '.join(NAMES[:2])} from PATH")
        return Path(found)
    for name in NAMES:
        found = shutil.which(name)
        if found is not None:
            return Path(found)
    if DEBIAN.is_file():
        return DEBIAN
    raise BuildError(f"no Chromium found ({ENV} unset, none of {', '.join(NAMES)} on PATH): {INSTALL}")
