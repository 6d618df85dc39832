"""tools/build.py's own logic, on a tiny scratch book: when a build stands for its inputs, and bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.bookinfo import ROOT
from tools import build


@pytest.fixture
def book(tmp_path, monkeypatch):
    """A scratch book with a built site and a stamp, as `make book` leaves them."""
    (tmp_path / "book" / "ko").mkdir(parents=True)
    (tmp_path / "book" / "ko" / "index.md").write_text("# 시작\n", encoding="utf-8")
    (tmp_path / "_config.yml").write_text(
        "sphinx:\n  config:\n    book_languages:\n      ko: {name: 한국어}\n", encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\n", encoding="utf-8")
    monkeypatch.setattr(build, "ROOT", build.ROOT)  # restored after the test
    build.use_root(tmp_path)
    (build.SITE / "ko").mkdir(parents=True)
    (build.SITE / "index.html").write_text("<html></html>", encoding="utf-8")
    (build.SITE / "ko" / "index.html").write_text("<html></html>", encoding="utf-8")
    (build.BUILD / build.STAMP).write_text(build.inputs_digest() + "\n", encoding="utf-8")
    yield tmp_path
    build.use_root(build.REPO)


def test_a_build_from_the_same_inputs_is_up_to_date(book):
    assert build.up_to_date(["ko"])


@pytest.mark.parametrize("change", ["page", "new_file", "config", "extension"])
def test_any_changed_input_makes_it_out_of_date(book, change):
    if change == "page":
        (book / "book" / "ko" / "index.md").write_text("# 시작하기\n", encoding="utf-8")
    elif change == "new_file":
        (book / "book" / "ko" / "sgd.md").write_text("# SGD\n", encoding="utf-8")
    elif change == "config":
        with (book / "_config.yml").open("a", encoding="utf-8") as f:
            f.write("title: x\n")
    else:
        (book / "book_ext").mkdir()
        (book / "book_ext" / "new.py").write_text("x = 1\n", encoding="utf-8")
    assert not build.up_to_date(["ko"])


def test_an_incomplete_site_or_a_missing_stamp_is_out_of_date(book):
    (build.SITE / "ko" / "index.html").unlink()
    assert not build.up_to_date(["ko"])
    (build.SITE / "ko" / "index.html").write_text("<html></html>", encoding="utf-8")
    (build.BUILD / build.STAMP).unlink()
    assert not build.up_to_date(["ko"])


def test_the_build_output_itself_is_not_an_input(book):
    (build.SITE / "ko" / "other.html").write_text("<html></html>", encoding="utf-8")
    assert build.up_to_date(["ko"])


@pytest.mark.parametrize("args", [["--root", "/nonexistent"], ["--language", "xx"], ["--only", "xx"],
                                  ["--no-such-option"]])
def test_bad_input_is_one_line_and_exit_2(args):
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build.py"), *args],
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(("error: ", "build.py: error: ")), result.stderr
    assert "Traceback" not in result.stderr


def test_a_first_build_guesses_that_pages_training_with_tensorflow_run_longest(book):
    """With no times from a previous build (a clean clone), the order comes from the code: a page
    that trains with TensorFlow before a longer page of NumPy, and both before a page of prose."""

    def page(name: str, code: str, prose: str = "") -> Path:
        path = book / "book" / "ko" / f"{name}.md"
        path.write_text(f"# {name}\n\n{prose}\n\n```{{code-cell}} ipython3\n{code}\n```\n", encoding="utf-8")
        return path

    keras = page("keras", "import tensorflow as tf\nmodel = tf.keras.Sequential()\n" * 10)
    numpy = page("numpy", "import numpy as np\nw = np.zeros(4) - 0.5 * np.ones(4)\n" * 20)
    prose = page("prose", "print(1)", prose="긴 설명입니다. " * 2000)
    assert numpy.stat().st_size < prose.stat().st_size  # the file size would have run the prose first
    assert build.guessed_seconds(keras) > build.guessed_seconds(numpy) > build.guessed_seconds(prose)
