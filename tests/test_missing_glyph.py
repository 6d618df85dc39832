"""A figure with a character that no installed font has fails the tests.

pyproject.toml turns matplotlib's "Glyph ... missing from font(s)" warning into an error
under pytest, so a page whose figure would show an empty box (Hangul without a CJK font,
say) fails when Sybil runs it. These tests draw such a character and check that it fails,
and draw Hangul with the book's font cell and check that it does not.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

import pytest

from tests.bookinfo import ROOT

# LINEAR B SYLLABLE B008 A: no font this book uses (DejaVu Sans, Noto Sans CJK) has it.
MISSING = "\N{LINEAR B SYLLABLE B008 A}"
# The cell every page that draws figures runs first (common to every language).
FONT_CELL = '''
import matplotlib.pyplot as plt
from matplotlib import font_manager

installed = {font.name for font in font_manager.fontManager.ttflist}
hangul_fonts = [name for name in ("Noto Sans CJK KR", "NanumGothic", "Apple SD Gothic Neo", "Malgun Gothic")
                if name in installed]
plt.rcParams["font.family"] = hangul_fonts[:1] + ["DejaVu Sans"]
'''


def draw(text: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    namespace: dict = {}
    exec(FONT_CELL, namespace)
    plt = namespace["plt"]
    fig, ax = plt.subplots(figsize=(3, 2))
    try:
        ax.set_title(text)
        fig.canvas.draw()
    finally:
        plt.close(fig)


def test_the_configuration_makes_the_glyph_warning_an_error(pytestconfig):
    assert "error:Glyph:UserWarning" in pytestconfig.getini("filterwarnings")


def test_a_missing_glyph_fails():
    # No filter is set here: the error comes from pyproject.toml alone.
    with pytest.raises(UserWarning, match=r"^Glyph \d+ .* missing from font"):
        draw(f"학습 {MISSING}")


def test_hangul_is_drawn_with_the_books_font_cell():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning at all, not only a missing glyph
        draw("학습률에 따른 비용 (MSE)")


def test_a_page_with_a_missing_glyph_fails_under_pytest(tmp_path):
    """The same holds in a separate pytest run of the repository's configuration."""
    test_file = tmp_path / "test_planted_figure.py"
    test_file.write_text(
        "from tests.test_missing_glyph import MISSING, draw\n\n\n"
        "def test_figure():\n"
        "    draw(MISSING)\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT), str(test_file)],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "UserWarning: Glyph" in result.stdout and "missing from font" in result.stdout, result.stdout
