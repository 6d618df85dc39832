"""Scratch books for tests: the fixture ``scratch_book`` (tests/conftest.py) makes them with ``make``.

A scratch book is laid out as the book is (``_config.yml``, ``_toc.yml``, ``book/<lang>/<page>.md``),
in a temporary folder: written from the pages a test gives, copied from parts of the real book, or
both. The build (``tools/build``) and the translation tool (``tools/translations``) take any such
root, as they take the real one.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from tests.bookinfo import ROOT
from tools.build.paths import Paths

# The front matter of the book's executed pages (MyST, read by jupytext, run by a kernel).
NOTEBOOK_FRONT_MATTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""
# The book with one page, when a test asks for no pages and no copy.
ONE_PAGE = {"ko": {"index": "# 시작\n"}}
# A cross-reference: {ref}`title <label>`, {doc}`title <page>`, or the bare {ref}`label`.
ROLE = re.compile(r"\{(?P<role>ref|doc)\}`(?:(?P<title>[^`<]*?)\s*<(?P<target>[^`>]+)>|(?P<bare>[^`]+))`")


def notebook_page(title: str, code: str) -> str:
    """A scratch page written as the book's executed pages are: their front matter, a title, one code cell."""
    return f"{NOTEBOOK_FRONT_MATTER}\n# {title}\n\n```{{code-cell}} ipython3\n{code}\n```\n"


def make(root: Path, pages: Mapping[str, Mapping[str, str]] | None = None, *, copied: Iterable[str] = (),
         only: Iterable[str] | None = None, files: Mapping[str, str] | None = None) -> Paths:
    """A scratch book in ``root`` (a new folder); its ``Paths``.

    - ``copied``: parts of the real book (folders and files of its root, e.g. ``"book"``,
      ``"glossary.yml"``), copied first;
    - ``only``: the pages the copy keeps, in every language and in its ``_toc.yml``; a link to a
      page that is not kept becomes its text, so that the copy still builds with warnings as errors;
    - ``pages``: language -> (page name -> text), written to ``book/<lang>/<name>.md``. Unless they
      were copied, ``_config.yml`` lists these languages (the first is the source language) and
      ``_toc.yml`` these pages, in the order given (the first is the root); a copied ``_toc.yml``
      gains the pages it does not list. Without pages or a copy: one page, ``ko/index``;
    - ``files``: other files of the root, path -> text (``pyproject.toml``, ``conftest.py``),
      written last: a ``_config.yml`` here replaces the one written from the pages.
    """
    copied = list(copied)
    root.mkdir(parents=True)
    copy_parts(root, copied)
    if only is not None:
        keep_only(root, set(only))
    if pages is None and not copied:
        pages = ONE_PAGE
    if pages:
        write_pages(root, pages, config="_config.yml" not in copied)
    for name, text in (files or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return Paths.of(root)


def copy_parts(root: Path, names: Iterable[str]) -> None:
    """Copy the parts ``names`` of the real book (folders and files of its root) into ``root``."""
    for name in names:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        elif src.is_file():
            shutil.copy2(src, root / name)
        else:
            raise FileNotFoundError(f"the book has no {name} to copy")


def write_pages(root: Path, pages: Mapping[str, Mapping[str, str]], config: bool) -> None:
    """Write the pages, list them in _toc.yml, and (with ``config``) their languages in _config.yml."""
    for lang, texts in pages.items():
        for name, text in texts.items():
            path = root / "book" / lang / f"{name}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if config:
        languages = {lang: {"name": lang} for lang in pages}
        write_yaml(root / "_config.yml", {"sphinx": {"config": {"book_languages": languages}}})
    names = list(dict.fromkeys(name for texts in pages.values() for name in texts))
    toc_path = root / "_toc.yml"
    if toc_path.exists():
        toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
        listed = {toc["root"], *(chapter["file"] for chapter in toc.get("chapters", []))}
        toc.setdefault("chapters", []).extend({"file": name} for name in names if name not in listed)
    else:
        toc = {"format": "jb-book", "root": names[0]}
        if names[1:]:
            toc["chapters"] = [{"file": name} for name in names[1:]]
    write_yaml(toc_path, toc)


def keep_only(root: Path, keep: set[str]) -> None:
    """Remove every page not in ``keep`` from book/<lang>/ and _toc.yml; unlink the links to them."""
    toc_path = root / "_toc.yml"
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    toc["chapters"] = [chapter for chapter in toc.get("chapters", []) if chapter["file"] in keep]
    write_yaml(toc_path, toc)
    kept = [path for path in (root / "book").rglob("*.md") if path.stem in keep]
    for path in (root / "book").rglob("*.md"):
        if path not in kept:
            path.unlink()
    labels = {m for p in kept for m in re.findall(r"^\((\w+)\)=", p.read_text(encoding="utf-8"), re.MULTILINE)}

    def unlink_missing(m: re.Match) -> str:
        target = m["target"] or m["bare"]
        found = target in labels if m["role"] == "ref" else target in keep
        return m[0] if found else (m["title"] or target)

    for path in kept:
        path.write_text(ROLE.sub(unlink_missing, path.read_text(encoding="utf-8")), encoding="utf-8")


def write_yaml(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
