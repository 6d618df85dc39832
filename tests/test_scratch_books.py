"""The fixture scratch_book (tests/scratch_books.py): the books it makes are laid out as the book is, and
the build and the translation tool read them as they read the book."""

from __future__ import annotations

import pytest

from tests.bookinfo import ROOT
from tests.scratch_books import ROLE
from tools import translations as tr
from tools.build import cli


def test_pages_make_a_book_of_their_languages_in_their_order(scratch_book):
    paths = scratch_book({"ko": {"index": "# 시작\n", "part/sgd": "# SGD\n"}, "en": {"index": "# Start\n"}},
                         files={"pyproject.toml": "[project]\n"})
    assert cli.book_languages_of(paths) == tr.languages(paths.root) == ["ko", "en"]
    assert tr.toc_files(paths.root) == ["index", "part/sgd"]
    assert (paths.root / "book" / "ko" / "part" / "sgd.md").read_text(encoding="utf-8") == "# SGD\n"
    assert tr.page_names(paths.root, "en") == ["index"]
    assert (paths.root / "pyproject.toml").read_text(encoding="utf-8") == "[project]\n"
    assert scratch_book().root != paths.root, "a second book is made next to the first"
    assert tr.page_names(scratch_book().root, "ko") == ["index"], "no pages: the book of one page"


def test_a_copy_keeps_the_pages_asked_for_and_given_pages_join_its_toc(scratch_book):
    kept = tr.toc_files(ROOT)[:2]
    root = scratch_book({"ko": {"extra": "# 더\n"}}, copied=["book", "_config.yml", "_toc.yml"], only=kept).root
    assert tr.languages(root) == tr.languages(ROOT)
    assert tr.toc_files(root) == [*kept, "extra"]
    assert tr.page_names(root, "ko") == sorted([*kept, "extra"])
    assert all(tr.page_names(root, lang) == sorted(kept) for lang in tr.languages(root)[1:])

    def links(book) -> set[str]:  # the pages that the kept pages link to ({doc}`...`)
        text = "\n".join((book / tr.page_rel(lang, page)).read_text(encoding="utf-8")
                         for lang in tr.languages(book) for page in kept)
        return {m["target"] or m["bare"] for m in ROLE.finditer(text) if m["role"] == "doc"}

    assert links(ROOT) - set(kept), "the book's first pages link to no other page: nothing to unlink"
    assert links(root) <= set(kept), "a link to a page that is not kept was left"


def test_a_part_the_book_does_not_have_is_an_error(scratch_book):
    with pytest.raises(FileNotFoundError, match="no_such_part"):
        scratch_book(copied=["no_such_part"])
