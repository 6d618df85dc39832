"""Translations cannot silently drift: parity, staleness and the glossary, over every language.

The first tests check the book as it is (CI fails here, naming the file and the
command that fixes it). The others plant each kind of drift in a scratch copy
of the book (the fixture scratch_book, never the real tree) and show that it is
caught, and that a third language needs no code change. The rules in detail, on
small texts, are tested in tests/test_translation_tool.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tokenize
from io import StringIO
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from book_ext import book_env
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


# The page the plants edit, and the translation they edit it in.
PAGE = "linear_regression" if "linear_regression" in SOURCE_PAGES else SOURCE_PAGES[-1]
LANG = TRANSLATIONS[0]
# The pages a scratch book keeps besides PAGE: the landing page, one more chapter and the generated
# status page. The tools and the extensions work on any list of pages, and a build of 4 pages per
# language shows what one of 11 shows.
SMALL_BOOK = ("index", "three_steps", "translation_status")


@pytest.fixture
def book(scratch_book) -> Path:
    """A small scratch copy of the book whose translations are all recorded as up to date."""
    root = scratch_book(copied=COPIED, only=(*SMALL_BOOK, PAGE)).root
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
