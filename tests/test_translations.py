"""Translations cannot silently drift: parity, staleness and the glossary, over every language.

The first tests check the book as it is (CI fails here, naming the file and the
command that fixes it). The others plant each kind of drift in a scratch copy
of the book (tmp_path, never the real tree) and show that it is caught, and
that a third language needs no code change.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tokenize
from io import StringIO
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from book_ext import book_env
from tests import bookinfo
from tests.bookinfo import ROOT, languages, pages, source_language
from tools import translations as tr

SOURCE = source_language()
TRANSLATIONS = languages()[1:]
SOURCE_PAGES = [p.with_suffix("").as_posix() for p in pages(SOURCE)]
# What a scratch copy of the book needs: the pages, the configuration, the extensions.
COPIED = ["book", "book_ext", "_static", "_templates", "locale", "_config.yml", "_toc.yml", "glossary.yml"]


def no_problems(problems: list[tr.Problem], what: str) -> None:
    """The assertion every check ends in: one line per problem, naming the file and the fix."""
    assert not problems, f"{what}:\n" + "\n".join(str(p) for p in problems)


# --- the book as it is --------------------------------------------------------------------


def test_the_languages_are_the_ones_in_config():
    assert tr.languages(ROOT) == languages()
    assert len(languages()) >= 2, languages()


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_every_page_exists_in_every_language(lang):
    problems = [p for p in tr.parity_problems(ROOT, [lang]) if p.check in ("missing", "toc")
                or "has no source page" in p.message]
    no_problems(problems, f"pages of book/{SOURCE}/ and book/{lang}/ differ")


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("page", SOURCE_PAGES)
def test_translation_mirrors_its_source(page, lang):
    no_problems(tr.page_parity(ROOT, page, lang),
                f"book/{lang}/{page}.md does not mirror book/{SOURCE}/{page}.md")


@pytest.mark.parametrize("lang", TRANSLATIONS)
@pytest.mark.parametrize("page", SOURCE_PAGES)
def test_translation_is_up_to_date(page, lang):
    no_problems([p for p in tr.staleness_problems(ROOT, [lang]) if p.path == tr.page_rel(lang, page)],
                "a translation is missing or stale")


def test_glossary_follows_its_schema():
    no_problems(tr.glossary_schema_problems(ROOT), "glossary.yml")
    entries = tr.load_glossary(ROOT)
    assert len(entries) >= 30, "the glossary lost its terms"
    assert all(SOURCE in e for e in entries)


@pytest.mark.parametrize("lang", languages())
def test_prose_follows_the_glossary(lang):
    no_problems(tr.glossary_problems(ROOT, [lang]), f"off-glossary terms in book/{lang}/ (glossary.yml)")


def test_translated_pages_record_their_source_in_valid_jupytext():
    import jupytext
    for lang in TRANSLATIONS:
        for page in SOURCE_PAGES:
            path = ROOT / tr.page_rel(lang, page)
            if not path.exists():
                continue  # reported by test_every_page_exists_in_every_language
            notebook = jupytext.read(path, fmt="md:myst")
            source = jupytext.read(ROOT / tr.page_rel(SOURCE, page), fmt="md:myst")
            if "kernelspec" in source.metadata:  # a notebook page stays a notebook in every language
                assert notebook.metadata["kernelspec"]["name"] == "python3", path
            record = notebook.metadata.get("translation")
            assert record is not None, f"{path}: no translation record"
            assert record["source"] == tr.page_rel(SOURCE, page), path
            assert isinstance(record["source_sha256"], str), path


# --- scratch copies ---------------------------------------------------------------------


def copy_book(dest: Path) -> Path:
    return bookinfo.copy_book(dest, COPIED)


# The pages a scratch book keeps besides the page the plants edit (PAGE, below): the landing page,
# one more chapter and the generated status page. The tools and the extensions work on any list
# of pages, and a build of 4 pages per language shows what one of 11 shows.
SMALL_BOOK = ("index", "three_steps", "translation_status")
ROLE = re.compile(r"\{(?P<role>ref|doc)\}`(?:(?P<title>[^`<]*?)\s*<(?P<target>[^`>]+)>|(?P<bare>[^`]+))`")


def small_book(dest: Path) -> Path:
    """A scratch copy of the book with only PAGE and the SMALL_BOOK pages, in the toc and in every language.

    A link to a page that is not kept becomes its text (or its target's name), so the copy still
    builds with warnings as errors.
    """
    root = copy_book(dest)
    keep = {*SMALL_BOOK, PAGE}
    toc_path = root / "_toc.yml"
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    toc["chapters"] = [c for c in toc["chapters"] if c["file"] in keep]
    toc_path.write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    kept = [p for p in (root / "book").rglob("*.md") if p.stem in keep]
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
    return root


@pytest.fixture
def book(tmp_path) -> Path:
    """A small scratch copy of the book whose translations are all recorded as up to date."""
    root = small_book(tmp_path / "book-copy")
    for lang in TRANSLATIONS:
        for page in tr.page_names(root, SOURCE):
            if (root / tr.page_rel(lang, page)).exists():
                tr.sync(root, page, lang, force=True)
    return root


def problems_of(root: Path) -> set[str]:
    return {str(p) for p in tr.all_problems(root)}


def new_problems(root: Path, before: set[str]) -> list[str]:
    """Problems that a plant added (the copy may carry others from work in progress)."""
    return sorted(problems_of(root) - before)


def run_tool(*args: str, shell: bool = False) -> subprocess.CompletedProcess:
    """The translation tool with these arguments: its exit status, stdout and stderr.

    In this process (its ``main``, as the shell would call it) unless ``shell``: then as a new
    process, for what only a real process shows (the exit status and the one error line that a
    shell gets).
    """
    if shell:
        return subprocess.run([sys.executable, "-m", "tools.translations", *args], capture_output=True, text=True,
                              encoding="utf-8", check=False, env={**os.environ, "PYTHONUTF8": "1"})
    out, err = StringIO(), StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = tr.main(list(args))
        except SystemExit as error:  # argparse's usage errors
            status = error.code if isinstance(error.code, int) else 2
    return subprocess.CompletedProcess(args, status, out.getvalue(), err.getvalue())


PAGE = "linear_regression" if "linear_regression" in SOURCE_PAGES else SOURCE_PAGES[-1]
LANG = TRANSLATIONS[0]


def test_plant_a_deleted_translation(book):
    before = problems_of(book)
    (book / tr.page_rel(LANG, PAGE)).unlink()
    found = new_problems(book, before)
    rel = tr.page_rel(LANG, PAGE)
    assert any(line.startswith(f"{rel}: missing") for line in found), found
    with pytest.raises(AssertionError) as failure:
        no_problems(tr.staleness_problems(book, [LANG]), "a translation is missing or stale")
    message = str(failure.value)
    assert rel in message and f"python -m tools.translations start {PAGE} --lang {LANG}" in message

    result = run_tool("--root", str(book), "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert any(l.startswith(f"{rel}: missing") for l in result.stdout.splitlines()), result.stdout
    assert re.search(rf"^{re.escape(PAGE)}\s+source\s+missing", result.stdout, re.MULTILINE), result.stdout


def first_number(code: str) -> tuple[int, int, str]:
    """(line in the code, column, text) of its first number literal."""
    for token in tokenize.generate_tokens(StringIO(code).readline):
        if token.type == tokenize.NUMBER:
            return token.start[0], token.start[1], token.string
    raise AssertionError("no number in the code")


def test_plant_a_code_line_changed_in_the_translation_only(book):
    before = problems_of(book)
    rel = tr.page_rel(LANG, PAGE)
    path = book / rel
    page = tr.read_page(book, rel)
    cell = next(c for c in page.cells if any(ch.isdigit() for ch in c.code))
    line, col, number = first_number(cell.code)
    lines = path.read_text(encoding="utf-8").split("\n")
    at = cell.code_line + line - 1
    lines[at - 1] = lines[at - 1][:col] + str(int(float(number)) + 7) + lines[at - 1][col + len(number):]
    path.write_text("\n".join(lines), encoding="utf-8")

    found = new_problems(book, before)
    assert len(found) == 1, found
    assert found[0].startswith(f"{rel}:{at}: code cell {cell.ordinal} (line {cell.line}): line {at}"), found
    assert tr.page_rel(SOURCE, PAGE) in found[0]
    with pytest.raises(AssertionError, match=re.escape(f"{rel}:{at}")):
        no_problems(tr.page_parity(book, PAGE, LANG), "parity")
    # and sync refuses to record a translation that does not mirror its source
    result = run_tool("--root", str(book), "sync", PAGE, "--lang", LANG)
    assert result.returncode == 2 and "not synced" in result.stderr and "Traceback" not in result.stderr


def test_check_of_one_page_finds_a_drift_from_either_side(book):
    """`make check PAGE=<lang>/<name>` runs `check --page`: the page, and a source page's translations."""
    rel = tr.page_rel(LANG, PAGE)
    path = book / rel
    cell = next(c for c in tr.read_page(book, rel).cells if any(ch.isdigit() for ch in c.code))
    line, col, number = first_number(cell.code)
    lines = path.read_text(encoding="utf-8").split("\n")
    at = cell.code_line + line - 1
    lines[at - 1] = lines[at - 1][:col] + str(int(float(number)) + 7) + lines[at - 1][col + len(number):]
    path.write_text("\n".join(lines), encoding="utf-8")
    for page in (f"{LANG}/{PAGE}", f"{SOURCE}/{PAGE}"):
        result = run_tool("--root", str(book), "check", "--page", page)
        assert result.returncode == 1, (page, result.stdout, result.stderr)
        assert f"{rel}:{at}: code cell {cell.ordinal}" in result.stdout, (page, result.stdout)
    other = next(p for p in tr.page_names(book, SOURCE) if p != PAGE and (book / tr.page_rel(LANG, p)).exists())
    clean = run_tool("--root", str(book), "check", "--page", f"{LANG}/{other}")
    assert rel not in clean.stdout, clean.stdout
    # A source page's check covers its translations too; a translation's check, that page only.
    every = ", ".join(tr.page_rel(lang, PAGE) for lang in languages())
    for page, covered in ((f"{SOURCE}/{PAGE}", every), (f"{LANG}/{PAGE}", rel)):
        summary = run_tool("--root", str(book), "check", "--page", page).stdout.splitlines()[-1]
        assert re.fullmatch(rf"\d+ problem\(s\) in {re.escape(covered)}\.", summary), (page, summary)
    for bad in ("xx/sgd", f"{LANG}/no_such_page", PAGE):
        result = run_tool("--root", str(book), "check", "--page", bad)
        assert result.returncode == 2, (bad, result)
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr


def test_make_check_runs_the_checks_and_the_examples_of_one_page():
    make = shutil.which("make")
    assert make, "make is needed for `make check`"
    keep_venv = ["-o", ".venv/.installed-requirements"]
    dry = subprocess.run([make, "-n", *keep_venv, "check", f"PAGE={SOURCE}/{PAGE}"],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    assert dry.returncode == 0, dry.stderr
    assert f'tools.translations check --page "{SOURCE}/{PAGE}"' in dry.stdout
    # The examples of that page only, in one process (no workers to start).
    (pytest_line,) = [line for line in dry.stdout.splitlines() if "-m pytest" in line]
    assert pytest_line.rstrip(" \\;").endswith(f'"book/{SOURCE}/{PAGE}.md"; tested=$?'), pytest_line
    assert " -n " not in pytest_line and "translations pages" not in dry.stdout
    for page in ("", "xx/sgd", f"{SOURCE}/no_such_page"):
        run = subprocess.run([make, "-s", *keep_venv, "check", f"PAGE={page}"], cwd=ROOT,
                             capture_output=True, text=True, check=False)
        assert run.returncode == 2 and run.stderr.count("\n") == 1 and "make check PAGE=" in run.stderr, run


def test_plant_the_source_edited_without_sync(book):
    before = problems_of(book)
    source = book / tr.page_rel(SOURCE, PAGE)
    source.write_text(source.read_text(encoding="utf-8") + "\n원문에 새 문장을 더했습니다.\n", encoding="utf-8")
    found = new_problems(book, before)
    stale = [tr.page_rel(lang, PAGE) for lang in TRANSLATIONS]
    assert sorted(line.split(":", 1)[0] for line in found) == sorted(stale), found
    for line in found:
        assert "stale" in line and "changed since it was translated" in line, line
    fix = f"make translation-synced PAGE={PAGE} LANG={LANG}"
    with pytest.raises(AssertionError) as failure:
        no_problems(tr.staleness_problems(book, [LANG]), "a translation is missing or stale")
    assert stale[0] in str(failure.value) and fix in str(failure.value)

    result = run_tool("--root", str(book), "check")
    assert result.returncode == 1 and fix in result.stdout and "Traceback" not in result.stderr
    # Recording the reviewed translation is one command, and it touches only the front matter.
    text = (book / stale[0]).read_text(encoding="utf-8")
    result = run_tool("--root", str(book), "sync", PAGE, "--lang", LANG)
    assert result.returncode == 0, result.stderr
    after = (book / stale[0]).read_text(encoding="utf-8")
    assert after.split("\n---\n", 1)[1] == text.split("\n---\n", 1)[1]
    assert tr.page_status(book, PAGE, LANG).state == tr.CURRENT


def test_plant_an_off_glossary_term(book):
    before = problems_of(book)
    entry = next(e for e in tr.load_glossary(book) if e.get(f"avoid_{SOURCE}"))
    variant = entry[f"avoid_{SOURCE}"][0]
    rel = tr.page_rel(SOURCE, PAGE)
    path = book / rel
    text = path.read_text(encoding="utf-8").rstrip("\n")
    prose_line = text.count("\n") + 3
    text += (
        f"\n\n이 문장은 {variant}을 씁니다. 인라인 코드 `{variant}`는 검사하지 않습니다.\n\n"
        f"```{{code-cell}} ipython3\n# {variant}\nlabel = \"{variant}\"\n```\n\n"
        f"```text\n{variant}\n```\n"
    )
    path.write_text(text, encoding="utf-8")
    glossary = [p for p in tr.glossary_problems(book, [SOURCE]) if str(p) not in before]
    assert [(p.path, p.line) for p in glossary] == [(rel, prose_line)], glossary
    assert repr(variant) in glossary[0].message and repr(entry[SOURCE]) in glossary[0].message
    column = len("이 문장은 ") + 1
    with pytest.raises(AssertionError, match=re.escape(f"{rel}:{prose_line}: column {column}: {variant!r}")):
        no_problems(glossary, "off-glossary terms")


def test_plant_a_term_missing_from_the_glossary(book):
    """A "용어(term)" pair in Korean prose must be a glossary entry, with the glossary's English."""
    before = {str(p) for p in tr.glossary_problems(book, [SOURCE])}
    rel = tr.page_rel(SOURCE, PAGE)
    path = book / rel
    text = path.read_text(encoding="utf-8").rstrip("\n")
    first = text.count("\n") + 3
    learning_rate = next(e for e in tr.load_glossary(book) if e.get("en") == "learning rate")[SOURCE]
    text += (
        "\n\n이 문장은 엉뚱용어(made-up term)를 씁니다.\n\n"
        f"이 문장은 {learning_rate}(learning speed)이라고 잘못 씁니다.\n\n"
        f"이 문장들은 괜찮습니다: {learning_rate}(learning rate), "
        f"{{ref}}`{learning_rate} <{SOURCE}_glossary>`(learning rates), "
        "비용(MSE), [어떤 강의(Some Lecture)](https://example.org), `코드(code)`, $수식(math)$.\n"
    )
    path.write_text(text, encoding="utf-8")
    found = [p for p in tr.glossary_problems(book, [SOURCE]) if str(p) not in before]
    assert [(p.path, p.line) for p in found] == [(rel, first), (rel, first + 2)], found
    missing, wrong = found
    assert "'이 문장은 엉뚱용어(made-up term)': the term is not in glossary.yml" in missing.message
    assert "add an entry to glossary.yml" in missing.fix and "en: made-up term" in missing.fix
    assert f"pairs {learning_rate!r} with 'learning rate', not 'learning speed'" in wrong.message
    assert f"write {learning_rate}(learning rate)" in wrong.fix
    with pytest.raises(AssertionError, match=re.escape(f"{rel}:{first}: column ")):
        no_problems(found, "off-glossary terms")
    result = run_tool("--root", str(book), "check")
    assert result.returncode == 1 and f"{rel}:{first}: column" in result.stdout


def test_the_glossary_has_the_terms_the_pages_teach():
    by_source = {e[SOURCE]: e for e in tr.load_glossary(ROOT)}
    for term in ("헤세 행렬", "고윳값", "고유벡터", "발산", "수렴", "오버헤드", "워밍업", "반복자", "배치",
                 "로그 눈금", "손실 곡선", "조건수", "표준화", "잡음", "옵티마이저", "플레이스홀더", "트레이싱"):
        assert term in by_source, f"glossary.yml has no entry for {term}"
        assert by_source[term].get("en"), f"glossary.yml: {term} has no English term"


def test_plant_glossary_schema_mistakes(book):
    path = book / "glossary.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.append({SOURCE: "새 용어", "en": "new term", "introduced": "no_such_page", f"also_{SOURCE}": "한 글자"})
    data.append({SOURCE: "또 새 용어", "en": "another new term", "introduced": "index"})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    messages = [p.message for p in tr.glossary_schema_problems(book)]
    assert any("'새 용어'" in m and "introduced must name a page" in m for m in messages), messages
    assert any("'새 용어'" in m and f"also_{SOURCE} must be a list of texts" in m for m in messages), messages
    assert any("'또 새 용어'" in m and "teaches no term" in m for m in messages), messages


# --- the rules in detail ----------------------------------------------------------------


@pytest.mark.parametrize(("translated", "source"), [
    ("x = 1  # one\n", "x = 1  # 하나\n"),
    ('print("cost:", c)\n', 'print("비용:", c)\n'),
    ('def f():\n    """Doc."""\n    return 1\n', 'def f():\n    """문서."""\n    return 1\n'),
    ('print(f"{n} epochs, {m} updates")\n', 'print(f"에포크 {n}, 갱신 {m}번")\n'),
    ('print(f"{a}: {b:.4f}")\n', 'print(f"{b:.4f}의 {a}")\n'),
    ("%matplotlib inline\nx = 1\n", "%matplotlib inline\nx = 1  # 주석\n"),
])
def test_same_program_up_to_comments_and_strings(translated, source):
    assert tr.code_difference(translated, source) is None


@pytest.mark.parametrize(("translated", "source", "line"), [
    ("x = 2\n", "x = 1\n", 1),
    ("a = 1\nb = f(a)\n", "a = 1\nb = g(a)\n", 2),
    ("a = 1\nb = 2\nc = 3\n", "a = 1\nb = 2\n", 3),
    ('print(f"{b:.2f}")\n', 'print(f"{b:.4f}")\n', 1),
    ('print(f"{a}")\n', 'print(f"{b}")\n', 1),
    ("%matplotlib widget\n", "%matplotlib inline\n", 1),
    ("x = (\n", "x = 1\n", 1),
])
def test_a_different_program_is_found_at_its_line(translated, source, line):
    found = tr.code_difference(translated, source)
    assert found is not None and found[0] == line, found


def page_text(cells: str) -> str:
    return "---\njupytext:\n  text_representation:\n    format_name: myst\n---\n\n# Title\n\n" + cells


def test_parity_compares_doctests_tags_figures_and_headings():
    src = tr.parse_page(page_text(
        "## A\n\n```{code-cell} ipython3\n:tags: [hide-cell]\n\nx = 1\n```\n\n"
        "```{code-cell} ipython3\n---\nmystnb:\n  image:\n    alt: 그림\n---\nplt.plot([x])\n```\n\n"
        "```python\n>>> x + 1\n2\n```\n\n### B\n"), "book/ko/p.md")
    same = tr.parse_page(page_text(
        "## A\n\n```{code-cell} ipython3\n:tags: [hide-cell]\n\nx = 1  # one\n```\n\n"
        "```{code-cell} ipython3\n---\nmystnb:\n  image:\n    alt: figure\n---\nplt.plot([x])\n```\n\n"
        "```python\n>>> x + 1\n2\n```\n\n### B\n"), "book/en/p.md")
    assert tr.compare_pages(same, src) == []
    drifted = tr.parse_page(page_text(
        "## A\n\n```{code-cell} ipython3\n:tags: [remove-cell]\n\nx = 1\n```\n\n"
        "```{code-cell} ipython3\nplt.plot([x])\n```\n\n"
        "```python\n>>> x + 1\n3\n```\n\n## B\n"), "book/en/p.md")
    messages = "\n".join(str(p) for p in tr.compare_pages(drifted, src))
    assert "book/en/p.md:11: code cell 1 (line 11): option tags is ['remove-cell'], the source has ['hide-cell']" \
        in messages
    assert "book/en/p.md:17: code cell 2 (line 17): option mystnb of the source is missing" in messages
    assert "book/en/p.md:22: ```python block 1 (line 21), example 1: expects '3', book/ko/p.md line 27 expects '2'" \
        in messages
    assert "book/en/p.md: 0 figure cells (cells []), book/ko/p.md has 1 (cells [2])" in messages
    assert "book/en/p.md:26: headings differ" in messages and "heading 3 is level 2 (## B)" in messages


def test_prose_excludes_code_math_and_links():
    page = tr.parse_page(page_text(
        "본문 `코드` $x$ [링크](https://example.org/레이어) {doc}`레이어`\n\n"
        "```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: 그림 설명\n---\nx = 1\n```\n\n"
        ":::{admonition} 풀이\n:class: dropdown\n\n안쪽 문장\n:::\n\n$$\nx = 레이어\n$$\n"))
    prose = {line: text.strip() for line, text in page.prose}
    assert "레이어" not in " ".join(prose.values())
    assert "본문" in prose[9] and "코드" not in prose[9]
    assert any(text == "그림 설명" for text in prose.values())
    assert any(text == "풀이" for text in prose.values())
    assert any(text == "안쪽 문장" for text in prose.values())


def test_variant_matching():
    assert tr.variant_pattern("레이어").search("출력 레이어를 쌓습니다")
    assert not tr.variant_pattern("레이어").search("플레이어")
    assert tr.variant_pattern("Tensorflow").search("tensorflow is")
    assert not tr.variant_pattern("Tensorflow").search("TensorFlow is")
    assert not tr.variant_pattern("mini batch").search("mini batches")
    assert tr.variant_pattern("경사 하강 법").search("경사  하강 법으로")


def test_sync_writes_only_the_record_and_keeps_line_endings(tmp_path):
    text = (
        "---\njupytext:\n  format_name: myst\ntranslation:\n  source: old\n"
        "  source_sha256: 'abc'\n---\n\n# T\r\nbody\n"
    )
    once = tr.with_record(text, "book/ko/p.md", "0123456789ab")
    assert once.endswith("---\n\n# T\r\nbody\n")
    assert "jupytext:\n  format_name: myst\n" in once and "old" not in once
    assert tr.with_record(once, "book/ko/p.md", "0123456789ab") == once
    # a digest of digits only stays a string
    assert yaml.safe_load(once.split("---\n")[1])["translation"]["source_sha256"] == "0123456789ab"
    crlf = text.replace("\r\n", "\n").replace("\n", "\r\n")
    written = tr.with_record(crlf, "book/ko/p.md", "0123456789ab")
    assert written.count("\n") == written.count("\r\n") and written.endswith("---\r\n\r\n# T\r\nbody\r\n")
    assert tr.rule.front_matter(written)["translation"]["source"] == "book/ko/p.md"


def test_the_source_digest_ignores_line_endings(tmp_path):
    lf, crlf = tmp_path / "lf.md", tmp_path / "crlf.md"
    lf.write_bytes(b"# \xec\x9d\xb4\nline\n")
    crlf.write_bytes(b"# \xec\x9d\xb4\r\nline\r\n")
    assert tr.rule.source_digest(lf) == tr.rule.source_digest(crlf)


def test_start_copies_the_source_with_its_labels_renamed(book):
    (book / tr.page_rel(LANG, PAGE)).unlink()
    result = run_tool("--root", str(book), "start", PAGE, "--lang", LANG)
    assert result.returncode == 0, result.stderr
    text = (book / tr.page_rel(LANG, PAGE)).read_text(encoding="utf-8")
    assert f"({SOURCE}_" not in text and f"<{SOURCE}_" not in text
    assert tr.page_parity(book, PAGE, LANG) == []
    status = tr.page_status(book, PAGE, LANG)
    assert status.state == tr.STALE and status.unrecorded
    again = run_tool("--root", str(book), "start", PAGE, "--lang", LANG)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_diff_shows_what_changed_in_the_source(book):
    git = ["git", "-C", str(book), "-c", "user.name=t", "-c", "user.email=t@example.org",
           "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "book"], check=True)
    source = book / tr.page_rel(SOURCE, PAGE)
    source.write_text(source.read_text(encoding="utf-8") + "\n새로 더한 문장입니다.\n", encoding="utf-8")
    result = run_tool("--root", str(book), "diff", PAGE, "--lang", LANG)
    assert result.returncode == 0, result.stderr
    assert "+새로 더한 문장입니다." in result.stdout


def test_the_make_target_runs_sync_and_demands_both_variables():
    make = shutil.which("make")
    assert make, "make is needed for `make translation-synced`"
    keep_venv = ["-o", ".venv/.installed-requirements"]
    dry = subprocess.run([make, "-n", *keep_venv, "translation-synced", "PAGE=sgd", "LANG=en"],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    assert dry.returncode == 0, dry.stderr
    assert 'python -m tools.translations sync "sgd" --lang "en"' in dry.stdout
    for args in (["PAGE=sgd"], ["LANG=en"]):
        run = subprocess.run([make, "-s", *keep_venv, "translation-synced", *args], cwd=ROOT,
                             capture_output=True, text=True, check=False,
                             env={**os.environ, "LANG": "C.UTF-8"})
        assert run.returncode != 0 and "make translation-synced PAGE=" in run.stderr, run


def test_the_tool_reports_bad_input_in_one_line():
    for args in (["sync", "sgd", "--lang", "xx"], ["sync", "no_such_page", "--lang", LANG],
                 ["--root", "/nonexistent", "check"]):
        result = run_tool(*args, shell=True)
        assert result.returncode == 2, (args, result)
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr


# --- a third language ---------------------------------------------------------------------


def add_language(root: Path, lang: str, name: str, like: str) -> None:
    """Add a language as a contributor would: one line in _config.yml, and its pages (copied from `like`)."""
    config_path = root / "_config.yml"
    text = config_path.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.lstrip().startswith(f"{like}: {{name:"))
    indent = line[: len(line) - len(line.lstrip())]
    text = text.replace(line + "\n", line + "\n" + f"{indent}{lang}: {name}\n", 1)
    # The notice, the switch and the chrome are under test, not the cells: no execution.
    text = text.replace("execute_notebooks: cache", "execute_notebooks: \"off\"", 1)
    config_path.write_text(text, encoding="utf-8")
    for path in (root / "book" / like).rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(rf"^\({like}_", f"({lang}_", text, flags=re.MULTILINE).replace(f"<{like}_", f"<{lang}_")
        text = text.replace(f"{{ref}}`{like}_", f"{{ref}}`{lang}_")
        target = root / "book" / lang / path.relative_to(root / "book" / like)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


@pytest.mark.book
def test_a_new_language_needs_no_code_change(book):
    before = problems_of(book)
    add_language(book, "ja", "日本語", like=LANG)
    assert tr.languages(book)[-1] == "ja"
    # parity and staleness pick the language up: the copies mirror their source and are current
    # (a page that LANG lacks, from work in progress, is missing in ja too)
    lacking = {p for p in tr.page_names(book, SOURCE) if not (book / tr.page_rel(LANG, p)).exists()}
    assert [p for p in new_problems(book, before)
            if not any(p.startswith(f"book/ja/{name}.md: missing") for name in lacking)] == []
    assert all(row["ja"].state == tr.CURRENT for page, row in tr.status_table(book)
               if (book / tr.page_rel(LANG, page)).exists())
    # ... and a drift in it is found
    ja_page = book / tr.page_rel("ja", PAGE)
    # (in a cell's code: "dtype=np.float32)"; the prose may name the dtype too)
    ja_page.write_text(ja_page.read_text(encoding="utf-8").replace("np.float32)", "np.float64)", 1),
                       encoding="utf-8")
    assert any(p.startswith(f"book/ja/{PAGE}.md:") and "code cell" in p for p in new_problems(book, before))
    ja_page.write_text(ja_page.read_text(encoding="utf-8").replace("np.float64)", "np.float32)", 1),
                       encoding="utf-8")
    # edit the source page: the ja page is reported stale
    source = book / tr.page_rel(SOURCE, PAGE)
    source.write_text(source.read_text(encoding="utf-8") + "\n원문에 새 문장을 더했습니다.\n", encoding="utf-8")
    found = new_problems(book, before)
    assert any(p.startswith(f"book/ja/{PAGE}.md: stale") and "LANG=ja" in p for p in found), found
    result = run_tool("--root", str(book), "status")
    assert result.returncode == 1 and f"book/ja/{PAGE}.md: stale" in result.stdout
    assert re.search(r"^page\s+ko \(source\)\s+en\s+ja$", result.stdout, re.MULTILINE), result.stdout

    # the book builds with the new language, warnings as errors, and shows the notice. Two sites
    # are built: the new language's, and the source language's, which never shows the notice
    # (the other translation's site is built by the same code as the new one's).
    build = subprocess.run(
        [sys.executable, "-m", "tools.build", "--root", str(book), "--keep-cache", "--sites-only",
         "--only", "ja", "--only", SOURCE],
        cwd=book, capture_output=True, text=True, check=False, timeout=900,
        env=book_env.environ(),
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    html = book / "_build" / "html"

    def soup(rel: str) -> BeautifulSoup:
        return BeautifulSoup((html / rel).read_text(encoding="utf-8"), "html.parser")

    built_pages = tr.toc_files(book)
    assert PAGE in built_pages, built_pages
    for page in built_pages:
        built = soup(f"ja/{page}.html")
        assert built.find("html")["lang"] == "ja"
        switch = built.select_one(".language-switch")
        assert {a["hreflang"] for a in switch.select("a")} == {SOURCE, LANG}, f"ja/{page}.html: {switch}"
        notice = built.select_one(".translation-stale")
        if page == PAGE:
            assert notice is not None, f"ja/{page}.html: no stale notice"
            assert notice.select_one("a")["href"] == f"{'../' * (page.count('/') + 1)}{SOURCE}/{page}.html"
            assert "out of date" in notice.get_text()  # no Japanese catalog: the English msgids
        elif tr.page_status(book, page, "ja").state == tr.CURRENT:
            assert notice is None, f"ja/{page}.html: notice on a page that is up to date"
    # The source site offers the new language too, and its edited page is no translation: no
    # notice. The site not asked for was not built.
    switch = soup(f"{SOURCE}/{PAGE}.html").select_one(".language-switch")
    assert switch.select_one('a[hreflang="ja"]')["href"] == f"../ja/{PAGE}.html"
    assert soup(f"{SOURCE}/{PAGE}.html").select_one(".translation-stale") is None
    assert not (html / LANG).exists()
    assert {a["hreflang"] for a in soup("index.html").select("ul.book-languages a")} == {SOURCE, LANG, "ja"}

    status = soup("ja/translation_status.html")
    table = status.select_one("table.translation-status")
    assert "日本語 (ja)" in table.get_text()
    rows = {r.select("td")[0].get_text(strip=True): r.select("td")[1:] for r in table.select("tbody tr")}
    cells = rows[PAGE]
    assert [c.select_one("p")["class"] for c in cells] == [["translation-status-stale"]] * len(cells)
