"""Lighthouse scores of every kind of page, in every language: `make audit`.

Serves ``_build/html`` on 127.0.0.1 (compressed, as GitHub Pages serves it), runs Lighthouse
(npm, pinned in package.json; installed with ``npm ci`` on first use) in the build's Chromium, offline,
on the root page and on each language's landing page, a chapter with figures and math, the
explorer's page, the search page and the glossary: the desktop preset for performance,
accessibility, best practices and SEO, the mobile preset for performance. It writes the scores
to ``_build/audit.md`` (and every report to ``_build/audit/``), and fails, one line per miss,
where a score is under its goal (``GOALS``).

`make audit` first builds the sites with the audit server's address as the site address
(``BOOK_SITE_URL``), so that canonical, hreflang and Open Graph links are absolute, as published.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tools.cli import OneLineParser

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
REPORTS = ROOT / "_build" / "audit"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOALS = {("desktop", c): 0.95 for c in CATEGORIES} | {("mobile", "performance"): 0.9}
# A word each language's search finds (the search page runs its query when it loads).
SEARCH_WORD = {"ko": "학습률", "en": "learning rate"}
KINDS = ("index.html", "linear_regression.html", "learning_rate.html", "search.html", "glossary.html")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --no-first-run --disable-sync "
                "--disable-background-networking --disable-component-update "
                "--host-resolver-rules=\"MAP * ~NOTFOUND , EXCLUDE 127.0.0.1\"")
COMPRESSED = {".html", ".css", ".js", ".svg", ".json", ".xml", ".txt"}


class CompressingHandler(SimpleHTTPRequestHandler):
    """The built site, text files gzip-compressed when the browser accepts it (as on GitHub Pages)."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in COMPRESSED or "gzip" not in self.headers.get("Accept-Encoding", "") \
                or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io

        return io.BytesIO(body)

    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def ensure_lighthouse() -> None:
    if LIGHTHOUSE.exists():
        return
    if shutil.which("npm") is None:
        fail("npm not found: install Node.js 20 and npm (Debian: apt-get install nodejs npm) to run the audit")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=ROOT, check=True)


def chromium() -> str:
    """The build's Chromium (tools/build/chromium.py), for Lighthouse; none is one error line."""
    from tools.build import BuildError
    from tools.build.chromium import executable

    try:
        return str(executable())
    except BuildError as error:
        fail(str(error))
        raise  # not reached: fail() exits


def audited_pages(langs: list[str]) -> list[str]:
    pages = ["index.html"]
    for lang in langs:
        for kind in KINDS:
            query = f"?q={SEARCH_WORD.get(lang, 'regression')}" if kind == "search.html" else ""
            pages.append(f"{lang}/{kind}{query}")
    return pages


def run(base: str, page: str, device: str, attempt: int = 1) -> dict:
    name = page.replace("/", "-").split("?")[0].removesuffix(".html") + f"-{device}"
    name += f"-{attempt}" if attempt > 1 else ""
    out = REPORTS / f"{name}.json"
    categories = CATEGORIES if device == "desktop" else ("performance",)
    command = [str(LIGHTHOUSE), base + page, "--quiet", "--output=json", f"--output-path={out}",
               f"--only-categories={','.join(categories)}", f"--chrome-flags={CHROME_FLAGS}"]
    if device == "desktop":
        command.append("--preset=desktop")
    result = subprocess.run(command, env={**os.environ, "CHROME_PATH": chromium()}, capture_output=True, text=True)
    if result.returncode != 0 or not out.is_file():
        fail(f"Lighthouse failed on {page} ({device}): {result.stderr.strip().splitlines()[-1:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    return {c: report["categories"][c]["score"] for c in categories} | {"_report": report}


def judged(base: str, page: str, device: str) -> dict:
    """The page's scores on ``device``: one run, or, where it misses a goal, the median of three.
    A run on a busy machine can draw the page late and count a layout shift that a reader never
    sees; the median of three is what the goal is judged on (``runs`` says how many)."""
    first = run(base, page, device)
    if not misses(page, device, first):
        return first | {"runs": 1}
    runs = [first, run(base, page, device, 2), run(base, page, device, 3)]
    median = {c: sorted(r[c] for r in runs)[1] for c in first if not c.startswith("_")}
    middle = min(runs, key=lambda r: sum(abs(r[c] - median[c]) for c in median))
    return median | {"_report": middle["_report"], "runs": 3}


def misses(page: str, device: str, scores: dict) -> list[str]:
    lines = []
    for category in scores:
        goal = GOALS.get((device, category))
        if category.startswith("_") or category == "runs" or goal is None or scores[category] >= goal:
            continue
        report = scores["_report"]
        low = [a["id"] for a in report["categories"][category]["auditRefs"]
               if a["weight"] and (report["audits"][a["id"]]["score"] or 0) < 0.9]
        lines.append(f"{page} ({device}): {category} {scores[category]:.2f} < {goal} (low: {', '.join(low)})")
    return lines


def table(results: dict) -> str:
    head = "| page | " + " | ".join(f"desktop {c}" for c in CATEGORIES) + " | mobile performance |"
    rows = [head, "|" + " --- |" * (len(CATEGORIES) + 2)]
    for page, by_device in results.items():
        cells = [f"{by_device['desktop'][c]:.2f}" for c in CATEGORIES] + [f"{by_device['mobile']['performance']:.2f}"]
        rows.append(f"| `{page}` | " + " | ".join(cells) + " |")
    goals = ", ".join(f"{d} {c} ≥ {g}" for (d, c), g in GOALS.items())
    return ("# Lighthouse audit\n\nGoals: " + goals + ". A page that misses a goal in one run is run twice\n"
            "more and judged on the median of the three.\n\n" + "\n".join(rows) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="audit.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765, help="the port to serve the site on (default 8765)")
    parser.add_argument("only", nargs="*", help="audit only the pages whose path contains one of these (ko/search)")
    args = parser.parse_args(argv)
    if not (SITE / "index.html").is_file():
        fail(f"{SITE} has no built site: run `make audit`, which builds it")
    from book_ext.book_languages import languages

    ensure_lighthouse()
    REPORTS.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(CompressingHandler, directory=str(SITE))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as error:
        fail(f"cannot serve on 127.0.0.1:{args.port} ({error.strerror}): choose another, make audit AUDIT_PORT=8766")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{args.port}/"
    results, problems = {}, []
    try:
        pages = [p for p in audited_pages(languages(ROOT)) if not args.only or any(o in p for o in args.only)]
        if not pages:
            fail(f"no audited page matches {args.only}; the pages: {', '.join(audited_pages(languages(ROOT)))}")
        for page in pages:
            results[page] = {device: judged(base, page, device) for device in ("desktop", "mobile")}
            for device, scores in results[page].items():
                problems += misses(page, device, scores)
            print(f"{page}: " + ", ".join(f"{d} {c} {s:.2f}" for d, scores in results[page].items()
                                          for c, s in scores.items() if c in CATEGORIES)
                  + "".join(f" ({d}: median of 3 runs)" for d, scores in results[page].items()
                            if scores["runs"] > 1), flush=True)
    finally:
        server.shutdown()
    report = table(results)
    (ROOT / "_build" / "audit.md").write_text(report, encoding="utf-8")
    print(f"\n{report}\nThe report is in _build/audit.md; every Lighthouse report in _build/audit/.")
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
