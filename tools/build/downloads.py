"""Step 5: each language's PDF and offline bundle, after its site is in place.

The book as one HTML page (Sphinx's ``singlehtml`` builder, reusing the environment of the site's
build, so nothing is read or executed again) printed by Chromium into
``_build/pdf/<book>-<lang>.pdf``, and the site zipped into ``_build/bundle/<book>-<lang>.zip``; both
copied into ``_build/html/<lang>/_downloads/``, where the site's links (book_ext/book_downloads.py)
point. Two languages at a time, each in a worker process (workers.py).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from book_ext import book_languages
from tools.build import BuildError, chromium, workers
from tools.build.paths import Paths
from tools.build.root_page import templates
from tools.build.sites import run_sphinx

LOG = "downloads"  # _build/logs/downloads-<lang>.log
PRINT_TIMEOUT_MS = 120_000
# Compressing these gains nothing.
STORED = {".png", ".jpg", ".jpeg", ".gif", ".woff", ".woff2", ".pdf", ".zip"}
# A link of the language switch (_templates/language-switch.html) to another language's site.
OTHER_LANGUAGE_LINK = re.compile(r'\s*<a class="language-switch-link"[^>]*>[^<]*</a>')


def build_print_book(paths: Paths, lang: str) -> Path:
    """One language's book as one HTML page (singlehtml), from the environment of its site's build.

    The doctrees of step 3 (``_build/lang/<lang>/.doctrees``) hold every page read and
    executed; with the same settings Sphinx reads nothing again and only writes.
    """
    out = paths.stage / lang / "print"
    shutil.rmtree(out, ignore_errors=True)
    warnings = paths.logs / f"warnings-print-{lang}.log"
    if not run_sphinx(paths, lang, "singlehtml", out, warnings):
        raise BuildError(f"the {lang} book for the PDF (singlehtml) failed; see {paths.shown(warnings)}")
    return out / "index.html"


def print_pdf(page: Path, pdf: Path, title: str) -> int:
    """Print ``page`` with Chromium into ``pdf`` (offline: any request that is not a file fails); its page count."""
    from playwright.sync_api import sync_playwright

    browser_path = chromium.executable()
    margins = templates().get_template("pdf-margins.html").module
    remote: list[str] = []
    errors: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith(("file:", "data:")):
            request_route.continue_()
        else:
            remote.append(request_route.request.url)
            request_route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(browser_path), args=chromium.ARGS, headless=True)
        try:
            tab = browser.new_page()
            tab.set_default_timeout(PRINT_TIMEOUT_MS)
            tab.route("**/*", route)
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.emulate_media(media="print", color_scheme="light")
            tab.goto(page.as_uri(), wait_until="load")
            # Cells that the site folds (hide-input, hide-cell) are printed open; math typeset
            # (MathJax, when the site uses it), fonts and figures loaded.
            tab.evaluate("""async () => {
                document.querySelectorAll("details").forEach(d => { d.open = true; });
                if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
                await document.fonts.ready;
                await Promise.all(Array.from(document.images).map(img => img.complete ? null :
                    new Promise(done => { img.onload = img.onerror = done; })));
            }""")
            broken = tab.evaluate("Array.from(document.images).filter(i => !i.naturalWidth).map(i => i.src)")
            tab.pdf(
                path=str(pdf),
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template=str(margins.header(title)),
                footer_template=str(margins.footer()),
                margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
                outline=True,
                tagged=True,
            )
        finally:
            browser.close()
    if remote:
        raise BuildError(f"the PDF's page asked for {len(remote)} file(s) from other sites: {remote[:3]}")
    if errors or broken:
        raise BuildError(f"printing {page}: script errors {errors[:3]}, missing images {broken[:3]}")
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def zip_site(site: Path, bundle: Path, top: str, leave_out: set[str]) -> int:
    """The language's site in ``bundle`` under the folder ``top``, except ``leave_out``; its file count."""
    import zipfile

    count = 0
    tmp = bundle.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in sorted(site.rglob("*")):
            rel = path.relative_to(site).as_posix()
            if path.is_dir() or rel in leave_out:
                continue
            kind = zipfile.ZIP_STORED if path.suffix.lower() in STORED else zipfile.ZIP_DEFLATED
            if path.suffix == ".html":
                # A bundle holds one language: its switch offers no other (that site is not in the zip).
                text = OTHER_LANGUAGE_LINK.sub("", path.read_text(encoding="utf-8"))
                archive.writestr(f"{top}/{rel}", text, compress_type=kind)
            else:
                archive.write(path, f"{top}/{rel}", compress_type=kind)
            count += 1
    os.replace(tmp, bundle)
    return count


@dataclass(frozen=True)
class DownloadsResult:
    """What one language's downloads step returns to the coordinator."""

    lang: str
    ok: bool
    log: Path
    error: str | None = None  # one line, when not ok
    pdf: str = ""  # file names
    bundle: str = ""
    pages: int = 0  # of the PDF
    files: int = 0  # in the bundle
    print_book_seconds: float = 0.0  # the one-page book (singlehtml)
    printing_seconds: float = 0.0
    zip_seconds: float = 0.0

    def lines(self, paths: Paths) -> list[str]:
        if not self.ok:
            return [f"{self.lang}: downloads FAILED, {self.error} (log: {paths.shown(self.log)})"]
        return [f"{self.lang}: {self.pdf} ({self.pages} pages; one-page build {self.print_book_seconds:.1f} s, "
                f"printing {self.printing_seconds:.1f} s), "
                f"{self.bundle} ({self.files} files, {self.zip_seconds:.1f} s)"]


def build_language_downloads(paths: Paths, lang: str) -> DownloadsResult:
    """One language's PDF and bundle, copied into its site (in a worker process: workers.py)."""
    from book_ext import book_downloads as downloads

    entry = book_languages.entries(book_languages.read_config(paths.root))[lang]
    pdf_name, zip_name = downloads.file_name(lang, "pdf"), downloads.file_name(lang, "zip")
    log = workers.log_of(paths, LOG, lang)
    published = paths.site / lang / downloads.FOLDER
    for folder in (paths.pdf, paths.bundle, published):
        folder.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        page = build_print_book(paths, lang)
        built = time.perf_counter()
        pdf = paths.pdf / pdf_name
        pages = print_pdf(page, pdf, entry["title"])
        printed = time.perf_counter()
        shutil.copy2(pdf, published / pdf_name)
        # The bundle holds the site with its PDF, but not itself.
        files = zip_site(paths.site / lang, paths.bundle / zip_name, downloads.base_name(lang),
                         {f"{downloads.FOLDER}/{zip_name}"})
        shutil.copy2(paths.bundle / zip_name, published / zip_name)
        zipped = time.perf_counter()
    except BuildError as error:
        print(f"error: {error}", flush=True)
        return DownloadsResult(lang, False, log, error=str(error))
    return DownloadsResult(lang, True, log, pdf=pdf_name, bundle=zip_name, pages=pages, files=files,
                           print_book_seconds=built - start, printing_seconds=printed - built,
                           zip_seconds=zipped - printed)


def build_downloads(paths: Paths, langs: list[str]) -> None:
    """Every language's PDF and offline bundle, side by side (after the sites are in place)."""
    start = time.perf_counter()
    chromium.executable()  # none: one line now, rather than one per language after its one-page build
    failed = workers.report(paths, workers.run(build_language_downloads, paths, langs, LOG))
    if failed:
        raise BuildError(f"the PDF or bundle of {', '.join(failed)} failed; the lines above (and the logs) say why")
    print(f"PDFs and offline bundles in {time.perf_counter() - start:.1f} s: "
          f"{paths.shown(paths.pdf)}/, {paths.shown(paths.bundle)}/")
