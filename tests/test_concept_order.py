"""Every concept is taught before a page uses it, in the reading order of _toc.yml, in every language.

glossary.yml gives the concepts a reader must learn an ``introduced: <page>`` key: the
page that teaches it. In each language, no page before that one in the reading order
may use the term in its prose (code, inline code and math are not prose), and that
page must use it. The index and the glossary list every chapter's terms: they are
exempt. A term matches as the glossary check matches it (Korean with a particle
attached: 학습률을; English with an ending: costs, diverged, diverging, hypotheses), and so
does the one-word name in parentheses of the English term (SGD), on every language's pages;
a longer term that continues the word (텐서플로 for 텐서) is not a use.

The check itself is ``tools/translations/_concepts.py`` (``make check`` runs it for one page).
The first tests check the book as it is; the others plant violations in a scratch
copy (tmp_path) and show that they are caught.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.bookinfo import ROOT, languages, source_language
from tools import translations as tr
from tools.translations._concepts import OPTIONAL, concept_order_problems, reading_order

COPIED = ["book", "_static", "_config.yml", "_toc.yml", "glossary.yml"]


# --- the book as it is --------------------------------------------------------------------


def test_the_reading_order_starts_at_the_root_and_names_each_page_once():
    order = reading_order(ROOT)
    assert order and order[0] == "index", order
    assert len(order) == len(set(order)), order
    assert any(e.get("introduced") for e in tr.load_glossary(ROOT)), "no concept has an `introduced` page"


@pytest.mark.parametrize("lang", languages())
def test_concepts_are_taught_before_they_are_used(lang):
    problems = concept_order_problems(ROOT, [lang])
    assert not problems, f"concepts used before they are taught in book/{lang}/:\n" + "\n".join(problems)


# --- planted violations -------------------------------------------------------------------


@pytest.fixture
def book(scratch_book) -> Path:
    return scratch_book(copied=COPIED).root


def late_entry(root: Path, lang: str) -> tuple[dict, list[str]]:
    """An entry introduced after the first taught page, and the taught pages of ``lang``."""
    taught = [p for p in reading_order(root)
              if p not in tr.ORDER_EXEMPT and (root / tr.page_rel(lang, p)).is_file()]
    entry = next(e for e in tr.load_glossary(root)
                 if e.get("introduced") in taught[1:] and isinstance(e.get(lang), str))
    return entry, taught


@pytest.mark.parametrize("lang", languages())
def test_plant_a_term_used_before_it_is_taught(book, lang):
    before = set(concept_order_problems(book, [lang]))
    entry, taught = late_entry(book, lang)
    first = taught[0]
    rel = tr.page_rel(lang, first)
    path = book / rel
    text = path.read_text(encoding="utf-8").rstrip("\n")
    line = text.count("\n") + 3
    sentence = {"ko": f"여기서 {entry[lang]}을 미리 씁니다."}.get(lang, f"This uses {entry[lang]} too early.")
    path.write_text(text + f"\n\n{sentence} `{entry[lang]}` in code is not prose.\n", encoding="utf-8")
    found = [p for p in concept_order_problems(book, [lang]) if p not in before]
    assert len(found) == 1, found
    assert found[0].startswith(f"{rel}:{line}: column ") and repr(entry[lang]) in found[0], found
    assert f"introduced: {first}" in found[0]


def test_plant_an_introduced_page_that_comes_too_late(book):
    lang = source_language()
    entry, taught = late_entry(book, lang)
    assert entry["introduced"] != taught[-1] or len(taught) > 2
    path = book / "glossary.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    moved = next(e for e in data if e.get(lang) == entry[lang])
    # Claim the term is taught by the last page: the page that really teaches it now uses it too early.
    real = moved["introduced"]
    moved["introduced"] = taught[-1] if taught[-1] != real else taught[-2]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    found = concept_order_problems(book, [lang])
    assert any(p.startswith(f"{tr.page_rel(lang, real)}:") and repr(entry[lang]) in p for p in found), found


def test_plant_an_introduced_page_that_never_uses_its_term(book):
    lang = source_language()
    path = book / "glossary.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.append({lang: "한번도쓰지않는용어", "en": "a term no page uses",
                 "introduced": reading_order(book)[1]})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    found = concept_order_problems(book, [lang])
    assert any("never uses '한번도쓰지않는용어'" in p for p in found), found
    # and the schema check refuses a page that does not exist
    data[-1]["introduced"] = "no_such_page"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert any("introduced must name a page" in str(p) for p in tr.glossary_schema_problems(book))


def test_term_matching():
    assert tr.term_pattern("학습률").search("학습률을 바꿉니다")
    assert not tr.term_pattern("배치").search("미니배치를 씁니다")
    assert tr.term_pattern("cost").search("The costs fall")
    assert tr.term_pattern("diverge").search("it diverged")
    assert not tr.term_pattern("cost").search("costume")
    assert tr.term_pattern("mean squared error (MSE)").search("the mean squared error is")
    assert tr.term_pattern("learning rate").search("Learning  rates")
    assert tr.term_pattern("tracing").search("the function is traced again")
    assert tr.term_pattern("tracing").search("Tracing happens once")
    assert not tr.term_pattern("tracing").search("a track")
    assert tr.term_pattern("diverge").search("the cost keeps diverging")
    assert tr.term_pattern("divergence").search("it diverges") and tr.term_pattern("convergence").search("converged")
    assert tr.term_pattern("hypothesis").search("two hypotheses")
    assert tr.term_pattern("stochastic gradient descent (SGD)").search("plain SGD moves")
    assert tr.term_pattern("data type (dtype)").search("the same dtype")
    assert not tr.term_pattern("tensor").search("TensorFlow")


def add_entry(root: Path, ko: str, en: str, introduced: str | None = None) -> None:
    path = root / "glossary.yml"
    line = f"  introduced: {introduced}\n" if introduced else ""
    path.write_text(path.read_text(encoding="utf-8") + f"\n- ko: {ko}\n  en: {en}\n{line}", encoding="utf-8")


def append_line(path: Path, sentence: str) -> int:
    """Add a paragraph at the end of a page; the number of its line."""
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(text + f"\n\n{sentence}\n", encoding="utf-8")
    return text.count("\n") + 3


@pytest.mark.parametrize(("lang", "ko", "en", "sentence"), [
    ("ko", "심층 신경망", "deep neural network (DNN)", "심층 신경망으로도 풉니다."),  # a particle attached
    ("ko", "심층 신경망", "deep neural network (DNN)", "DNN으로도 풉니다."),  # the English abbreviation
    ("en", "심층 신경망", "deep neural network (DNN)", "Deep neural networks solve it too."),
    ("en", "심층 신경망", "deep neural network (DNN)", "Two DNNs solve it too."),
    ("en", "붕괴", "collapse", "The cost keeps collapsing."),  # -e: -ing
    ("en", "합체", "coalescence", "The two lines coalesce."),  # -ence: the verb
    ("en", "종합", "synthesis", "Two syntheses follow."),  # -is: -es
])
def test_plant_a_form_of_a_term_used_before_it_is_taught(book, lang, ko, en, sentence):
    taught = [p for p in reading_order(book)
              if p not in tr.ORDER_EXEMPT and (book / tr.page_rel(lang, p)).is_file()]
    first, later = taught[0], taught[-1]
    add_entry(book, ko, en, later)
    append_line(book / tr.page_rel(lang, later), {"ko": ko}.get(lang, en))  # the page that teaches it uses it
    before = set(concept_order_problems(book, [lang]))
    rel = tr.page_rel(lang, first)
    line = append_line(book / rel, sentence)
    found = [p for p in concept_order_problems(book, [lang]) if p not in before]
    assert len(found) == 1 and found[0].startswith(f"{rel}:{line}: column "), found
    assert f"teaches {({'ko': ko}.get(lang, en))!r}" in found[0], found


def test_a_longer_term_that_continues_the_word_is_no_use(book):
    lang = source_language()
    taught = [p for p in reading_order(book)
              if p not in tr.ORDER_EXEMPT and (book / tr.page_rel(lang, p)).is_file()]
    add_entry(book, "가나", "alpha", taught[-1])
    add_entry(book, "가나다", "alphabet")
    append_line(book / tr.page_rel(lang, taught[-1]), "가나를 배웁니다.")
    before = set(concept_order_problems(book, [lang]))
    rel = tr.page_rel(lang, taught[0])
    append_line(book / rel, "가나다를 먼저 씁니다.")  # another term: no use of 가나
    assert set(concept_order_problems(book, [lang])) == before
    line = append_line(book / rel, "가나 다음에 씁니다.")  # 가나 itself, though 가나다 continues it
    found = [p for p in concept_order_problems(book, [lang]) if p not in before]
    assert len(found) == 1 and found[0].startswith(f"{rel}:{line}: column 1:"), found


def test_plant_a_later_chapter_that_needs_the_optional_one(book):
    lang = source_language()
    optional = next(p for p in OPTIONAL if p in reading_order(book))
    entry = next(e for e in tr.load_glossary(book) if e.get("introduced") == optional)
    order = reading_order(book)
    later = next(p for p in order[order.index(optional) + 1:] if p not in OPTIONAL[optional])
    rel = tr.page_rel(lang, later)
    path = book / rel
    before = set(concept_order_problems(book, [lang]))
    path.write_text(path.read_text(encoding="utf-8") + f"\n{entry[lang]}을 씁니다.\n", encoding="utf-8")
    found = [p for p in concept_order_problems(book, [lang]) if p not in before]
    assert len(found) == 1 and found[0].startswith(f"{rel}:") and "optional" in found[0], found


def test_a_chapter_that_builds_on_the_optional_one_may_use_its_terms(book):
    lang = source_language()
    optional, builders = next((p, b) for p, b in OPTIONAL.items() if b and p in reading_order(book))
    entry = next(e for e in tr.load_glossary(book) if e.get("introduced") == optional)
    path = book / tr.page_rel(lang, builders[0])
    before = set(concept_order_problems(book, [lang]))
    path.write_text(path.read_text(encoding="utf-8") + f"\n{entry[lang]}을 씁니다.\n", encoding="utf-8")
    assert set(concept_order_problems(book, [lang])) == before
