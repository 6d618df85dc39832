"""The translation tool (tools/translations) in detail: its rules on small texts, and the make targets
that run it on the book. No copy of the book: tests/test_translations.py plants drift in one."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from tests.bookinfo import ROOT, source_language, toc_pages
from tools import translations as tr

SOURCE = source_language()
PAGE = toc_pages()[1]  # the first chapter after the landing page


# --- the make targets -----------------------------------------------------------------------


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


def test_a_usage_error_is_one_line_without_the_usage_block():
    import sys

    result = subprocess.run([sys.executable, "-m", "tools.translations", "bogus"], capture_output=True, text=True,
                            check=False, env={**os.environ, "PYTHONUTF8": "1"})
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "invalid choice" in result.stderr
