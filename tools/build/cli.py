"""The build's command line, ``python -m tools.build``: every step in order (tools/build/__init__.py)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import book_ext.book_env  # noqa: F401  (TensorFlow's quiet logging, set here, inherited by the workers and kernels)
from book_ext import book_languages
from tools.build import BuildError, inputs
from tools.build.catalogs import compile_catalogs
from tools.build.downloads import build_downloads
from tools.build.execute import execute
from tools.build.paths import REPO, Paths
from tools.build.root_page import write_root
from tools.build.sites import build_sites
from tools.cli import OneLineParser


def parser() -> OneLineParser:
    parser = OneLineParser(prog="python -m tools.build",
                           description="Build the book: one execution pass, then one site per language, "
                                       "then each language's PDF and offline bundle.")
    parser.add_argument("--root", type=Path, default=REPO, help="the book to build (default: this repository)")
    parser.add_argument("--if-changed", action="store_true",
                        help="do nothing when _build/html was built from the inputs as they are now "
                             "(make test after make book); otherwise build as usual")
    parser.add_argument("--keep-cache", action="store_true",
                        help="skip the execution pass and build from the cache as it is (pages missing from "
                             "it are executed by their build); for work on the site, never for a release")
    parser.add_argument("--plain-kernels", action="store_true",
                        help="start every page's kernel as a new process that imports everything itself, "
                             "instead of forking it from a server that imported TensorFlow once (to compare the "
                             "two, or where forking fails)")
    parser.add_argument("--sites-only", action="store_true",
                        help="leave out the PDFs and offline bundles (tests of the sites; never for a release)")
    parser.add_argument("--only", metavar="LANG", action="append",
                        help="build this language's site, not every language's (repeatable); the root page "
                             "still offers every language. For work on one translation, never for a release")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not (args.root / "_config.yml").is_file():
        print(f"error: {args.root} holds no _config.yml: not a book", file=sys.stderr)
        return 2
    paths = Paths.of(args.root)
    try:
        langs = book_languages_of(paths)
        for lang in args.only or []:
            if lang not in langs:
                raise BuildError(f"unknown language {lang!r}; _config.yml lists {', '.join(langs)}")
        return build(paths, langs, args)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def book_languages_of(paths: Paths) -> list[str]:
    """The languages of _config.yml (sphinx.config.book_languages); a BuildError if it lists none."""
    import yaml

    config = paths.root / "_config.yml"
    try:
        langs = book_languages.languages(paths.root)
    except yaml.YAMLError as error:
        raise BuildError(f"{config} is not valid YAML: {' '.join(str(error).split())}") from None
    except (KeyError, TypeError, AttributeError):
        langs = []
    if not langs:
        raise BuildError(f"{config} lists no language (sphinx: config: book_languages: ...)")
    return langs


def build(paths: Paths, langs: list[str], args: argparse.Namespace) -> int:
    """Every step, for the languages of ``args.only`` or all of ``langs``; the seconds of each in timings.json."""
    built = [lang for lang in langs if lang in args.only] if args.only else langs
    if args.if_changed and inputs.up_to_date(paths, langs):
        print(f"{paths.shown(paths.site)}/ is up to date with every input it was built from: not rebuilt "
              "(make book rebuilds it)")
        return 0
    digest = inputs.inputs_digest(paths)
    inputs.clear_stamp(paths)
    for stale in [paths.site] if built == langs else [paths.site / lang for lang in built]:
        shutil.rmtree(stale, ignore_errors=True)
    timings = {}
    started = time.perf_counter()
    if not args.keep_cache:
        failed = execute(paths, built, fork=not args.plain_kernels, digest=digest)
        if failed:
            raise BuildError(f"{len(failed)} page(s) failed in the execution pass; the lines above say how, "
                             f"{paths.shown(paths.logs / 'execute.log')} has each traceback")
    timings["execute"] = time.perf_counter() - started
    started = time.perf_counter()
    compile_catalogs(paths)
    build_sites(paths, built)
    write_root(paths, langs)
    timings["sites"] = time.perf_counter() - started
    if not args.sites_only:
        started = time.perf_counter()
        build_downloads(paths, built)
        timings["downloads"] = time.perf_counter() - started
    # Seconds per step, for make bench (tools/bench/).
    paths.logs.mkdir(parents=True, exist_ok=True)
    paths.timings.write_text(json.dumps(timings, indent=1) + "\n", encoding="utf-8")
    # Only a complete build, every cell of every language run, stands for its inputs.
    if not (args.keep_cache or args.sites_only or built != langs):
        inputs.write_stamp(paths, digest)
    print(f"The book is in {paths.shown(paths.site)}/: {', '.join(f'{lang}/' for lang in built)} and index.html")
    return 0
