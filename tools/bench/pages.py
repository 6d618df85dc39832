"""Page weight: what Chromium fetches for every built page of every language, opened offline.

Each page (``_build/html/<lang>/**/*.html`` outside ``_static/``, and the root ``index.html``) is
opened from file:// at a desktop's and a phone's width (the layout decides which icons, and so
which fonts, it needs), scrolled to the end (lazy images) and left until the network is idle.
Every file of the site it requested counts once; requests to other sites are blocked and listed.
A math script is any request whose path names MathJax or KaTeX, local or not.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

VIEWPORTS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})
MATH_SCRIPT = re.compile(r"mathjax|katex", re.IGNORECASE)
OTHER_SITES = re.compile(r"^(?!file:|data:)")  # the requests that are blocked


def built_pages(root: Path) -> list[Path]:
    """Every page of every language's site and the root page; not the theme's fragments in _static/."""
    return sorted((p for p in root.rglob("*.html") if "_static" not in p.relative_to(root).parts),
                  key=lambda p: p.as_posix())


def weigh(browser, root: Path, page: Path) -> dict:
    """What one page makes Chromium fetch from the site in `root`, each file counted once."""
    requested: set[str] = set()
    mathml = False
    for viewport in VIEWPORTS:
        context = browser.new_context(viewport=viewport)
        try:
            tab = context.new_page()
            tab.route(OTHER_SITES, lambda route: route.abort())
            tab.on("request", lambda request: requested.add(request.url))
            tab.goto(page.as_uri(), wait_until="load")
            mathml = tab.evaluate("document.getElementsByTagName('math').length > 0")
            tab.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
            tab.wait_for_load_state("networkidle")
        finally:
            context.close()
    local = {Path(unquote(urlsplit(url).path)) for url in requested if url.startswith("file:")}
    files = [path for path in local if path.is_file() and path.is_relative_to(root)]
    return {"page": page.relative_to(root).as_posix(), "bytes": sum(path.stat().st_size for path in files),
            "files": len(files), "mathml": mathml,
            "math_scripts": sorted(url for url in requested if MATH_SCRIPT.search(urlsplit(url).path)),
            "other_sites": sorted(url for url in requested if OTHER_SITES.match(url))}


def measure(root: Path, browser=None) -> dict:
    """Every built page's weight, heaviest first; ``browser``: a Playwright Chromium open already
    (the tests'), else the build's Chromium (tools/build/chromium.py) is launched here."""
    root = root.resolve()
    if not (root / "index.html").is_file():
        return {"error": f"no built book in {root}: run make book"}
    if browser is None:
        from playwright.sync_api import sync_playwright

        from tools.build import chromium

        with sync_playwright() as playwright:  # closes the browser as it ends
            return measure(root, playwright.chromium.launch(executable_path=chromium.executable(), args=chromium.ARGS))
    weights = [weigh(browser, root, page) for page in built_pages(root)]
    weights.sort(key=lambda weight: (-weight["bytes"], weight["page"]))
    return {"pages": weights, "heaviest_page": weights[0]["bytes"] / 1e6,
            "math_scripts": sum(1 for weight in weights if weight["math_scripts"])}
