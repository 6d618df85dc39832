"""The command line: ``python -m tools.translations``.

    check               the status table, then every problem; exit 1 if any
    status              the status table only; exit 1 on stale or missing
    sync PAGE --lang LANG   record: book/LANG/PAGE.md translates the current source
    start PAGE --lang LANG  begin a translation from a copy of the source page
    diff PAGE --lang LANG   what changed in the source since (needs git)

A mistake on the command line or in a file is one ``error:`` line on stderr, exit status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from tools.cli import OneLineParser

from ._concepts import concept_order_problems
from ._glossary import glossary_problems, glossary_schema_problems
from ._parity import page_parity, parity_problems
from ._reader import reader_problems
from ._shared import GLOSSARY, REPO, Problem, UsageError, languages, missing_problem, page_names, page_rel
from ._staleness import diff, format_table, staleness_problems, start, sync


def all_problems(root: Path = REPO) -> list[Problem]:
    """Every problem, once: missing pages, staleness, parity, the glossary and its schema, and what a
    reader sees (the doctest convention, code width)."""
    problems = staleness_problems(root)
    missing = {p.path for p in problems if p.check == "missing"}
    problems += [p for p in parity_problems(root) if not (p.check == "missing" and p.path in missing)]
    problems += glossary_schema_problems(root) + glossary_problems(root)
    problems += reader_problems(root)
    return problems


def split_page(root: Path, page: str) -> tuple[str, str]:
    """``ko/sgd`` (or ``book/ko/sgd.md``) -> (language, page name); a UsageError names what is wrong."""
    langs = languages(root)
    text = page.strip().replace("\\", "/").removesuffix(".md").removeprefix("book/")
    lang, _, name = text.partition("/")
    if not name or lang not in langs:
        raise UsageError(f"PAGE must be <language>/<page>, e.g. {langs[0]}/sgd or {langs[-1]}/sgd "
                         f"(languages: {', '.join(langs)}); got {page!r}")
    if name not in page_names(root, lang):
        raise UsageError(f"book/{lang}/{name}.md does not exist; pages of book/{lang}/ are "
                         f"{', '.join(page_names(root, lang))}")
    return lang, name


def counterparts(root: Path, lang: str, name: str) -> list[str]:
    """The pages that an edit of book/<lang>/<name>.md can break, as book/<l>/<name>.md: the page,
    and when it is a source page, its translations."""
    langs = languages(root)
    others = [lang] + ([other for other in langs[1:]] if lang == langs[0] else [])
    return [page_rel(other, name) for other in others if (Path(root) / page_rel(other, name)).is_file()]


def page_problems(root: Path, lang: str, name: str) -> list[Problem | str]:
    """What guards one page: parity and staleness of the page and its counterparts, the glossary in
    their prose and what their reader sees, the glossary's schema, and the concept order of the
    page's language where it names one of these pages (glossary.yml's own problems included)."""
    root = Path(root)
    langs = languages(root)
    source = langs[0]
    translations = langs[1:] if lang == source else [lang]
    rels = set(counterparts(root, lang, name))
    problems: list[Problem | str] = []
    for other in translations:
        if not (root / page_rel(other, name)).is_file():
            problems.append(missing_problem(source, other, name))
        else:
            problems += page_parity(root, name, other)
    problems += [p for p in staleness_problems(root, translations)
                 if p.path == page_rel(lang, name) or (lang == source and p.path in rels)]
    problems += glossary_schema_problems(root)
    problems += glossary_problems(root, sorted({source, lang} if lang == source else [lang]), names=[name])
    problems += reader_problems(root, sorted({source, lang} if lang == source else [lang]), names=[name])
    rel = page_rel(lang, name)
    problems += [p for p in concept_order_problems(root, [lang])
                 if p.startswith(f"{rel}:") or p.startswith(GLOSSARY)]
    return problems


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = OneLineParser(
        prog="python -m tools.translations",
        description="Keep the translations of the book in step with the source language.",
    )
    parser.add_argument("--root", type=Path, default=REPO, help="the book's root directory (default: this repository)")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="status table, then every parity, staleness and glossary problem")
    check.add_argument("--page", metavar="LANG/PAGE",
                       help="only what guards this page (and its translations when it is a source page), "
                            "concept order included; no table; e.g. ko/sgd")
    commands.add_parser("status", help="the status table; exit 1 if a page is stale or missing")
    for name, text in (
        ("sync", "record that a reviewed translation translates the current source page"),
        ("start", "begin a translation from a copy of the source page (every page if PAGE is left out)"),
        ("diff", "show what changed in the source page since the translated revision (git)"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("page", nargs="?" if name == "start" else None,
                         help="page name, e.g. linear_regression")
        sub.add_argument("--lang", required=True, help="the translation's language, e.g. en")
        if name == "sync":
            sub.add_argument("--force", action="store_true", help="record even if parity fails")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if not (root / "_config.yml").is_file():
            raise UsageError(f"{root} has no _config.yml; --root must be the book's root directory")
        if args.command == "check" and args.page:
            lang, name = split_page(root, args.page)
            found = page_problems(root, lang, name)
            for problem in found:
                print(problem)
            checked = ", ".join(counterparts(root, lang, name))
            print(f"{len(found)} problem(s) in {checked}." if found else
                  f"{checked}: in parity, up to date, the glossary and the concept order followed.")
            return 1 if found else 0
        if args.command in ("check", "status"):
            print(format_table(root))
            problems = staleness_problems(root) if args.command == "status" else all_problems(root)
            if problems:
                print(f"\n{len(problems)} problem(s):")
                for problem in problems:
                    print(problem)
                return 1
            print("\nEvery translation is present, up to date and in parity; the glossary is followed.")
            return 0
        if args.command == "sync":
            print(sync(root, args.page, args.lang, force=args.force))
        elif args.command == "start":
            pages = [args.page] if args.page else page_names(root, languages(root)[0])
            for page in pages:
                print(start(root, page, args.lang))
        elif args.command == "diff":
            print(diff(root, args.page, args.lang))
        return 0
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OSError, KeyError, TypeError, yaml.YAMLError) as error:
        print(f"error: {type(error).__name__}: {error}", file=sys.stderr)
        return 2

