"""Every notebook a learner can download runs as downloaded, as it would in Colab.

Each notebook of each language's site (``_build/html/<lang>/_sources/*.ipynb``, the file the
download button and "Run in Google Colab" give) is copied alone into a scratch directory and
executed there, top to bottom, by ``jupyter execute`` in a fresh kernel that plays a plain Colab
runtime (the IPython startup file below):

- matplotlib sees no font that can draw Hangul (Colab has none), so a Korean notebook must bring
  its own (its first cell installs koreanize-matplotlib: ``book_ext/book_notebooks.py``);
- nothing of the repository can be read or imported: not ``glossary.yml``, not ``_static/``,
  not the book's packages. The Python installation (``.venv``) is not the repository's content.

A notebook fails on an error, on matplotlib's "Glyph … missing" warning, or when a Hangul label
was drawn with a font that has no Hangul (the font each text resolved to is recorded).

These tests execute every notebook again: `make test-notebooks` runs them (``.ci/run`` does, after
`make test`, and so does the weekly job with the newest TensorFlow); `make test` leaves them out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.bookinfo import BUILD_HTML, ROOT, languages

pytestmark = [pytest.mark.downloaded_notebooks, pytest.mark.book, pytest.mark.kernel, pytest.mark.tensorflow]

MARK = "book-colab-fonts: "

# The kernel's IPython startup file: a plain Colab runtime, as far as this book can tell.
STARTUP = r'''
import builtins
import importlib.abc
import os
import sys

REPO = {repo!r}
INSTALLATION = {installation!r}
BOOK_PACKAGES = {{"book_ext", "tools", "examples"}}


def _in_repository(path):
    path = os.path.realpath(os.fsdecode(path))
    inside = path == REPO or path.startswith(REPO + os.sep)
    return inside and not (path == INSTALLATION or path.startswith(INSTALLATION + os.sep))


def _no_repository_reads(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        if _in_repository(args[0]):
            raise PermissionError(f"the notebook read {{args[0]}}, a file of the book's repository")


class _NoBookPackages(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BOOK_PACKAGES:
            raise ImportError(f"the notebook imports {{name}}, code of the book's repository")
        return None


sys.meta_path.insert(0, _NoBookPackages())
sys.addaudithook(_no_repository_reads)

# No font that can draw Hangul: Colab has none.
from matplotlib import font_manager, ft2font, text as _text


def _draws_hangul(path):
    try:
        return 0xD55C in ft2font.FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False


font_manager.fontManager.ttflist = [
    font for font in font_manager.fontManager.ttflist if not _draws_hangul(font.fname)
]

# The font each Hangul label resolves to, for the test to check.
builtins.book_colab_fonts = []
_draw = _text.Text.draw


def _recording_draw(self, renderer):
    label = self.get_text()
    if any("\uac00" <= ch <= "\ud7a3" for ch in label):
        path = font_manager.findfont(self.get_fontproperties())
        builtins.book_colab_fonts.append([label, os.path.basename(path), _draws_hangul(path)])
    return _draw(self, renderer)


_text.Text.draw = _recording_draw
'''

REPORT_CELL = f'import builtins, json\nprint({MARK!r} + json.dumps(builtins.book_colab_fonts))'


def downloadable() -> list[str]:
    """<lang>/<name> of every notebook the built sites offer."""
    found = []
    for lang in languages():
        found += [f"{lang}/{path.stem}" for path in sorted((BUILD_HTML / lang / "_sources").glob("*.ipynb"))]
    return found


@pytest.fixture(scope="session")
def colab(tmp_path_factory) -> dict:
    """The environment of the kernels: the startup file, a fresh matplotlib cache, no PYTHONPATH."""
    home = tmp_path_factory.mktemp("colab")
    startup = home / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    installation = Path(sys.prefix).resolve()
    (startup / "00-colab.py").write_text(
        STARTUP.format(repo=str(ROOT.resolve()), installation=str(installation)), encoding="utf-8")
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONSTARTUP", "MPLBACKEND", "JUPYTER_PATH")}
    env.update(IPYTHONDIR=str(home / "ipython"), MPLCONFIGDIR=str(home / "matplotlib"),
               PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]))
    return env


def execute(notebook: Path, env: dict) -> subprocess.CompletedProcess:
    """``jupyter execute --inplace`` the notebook in its own directory, in a kernel of ``env``."""
    jupyter_execute = Path(sys.executable).parent / "jupyter-execute"
    return subprocess.run(
        [str(jupyter_execute), "--inplace", "--timeout=600", "--kernel_name=python3", notebook.name],
        cwd=notebook.parent, env=env, capture_output=True, text=True, timeout=900, check=False,
    )


def write_for_a_run(nb, notebook: Path) -> Path:
    """``nb`` without outputs and with the report cell at the end, written to ``notebook``."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.cells.append(nbformat.v4.new_code_cell(REPORT_CELL))
    nbformat.write(nb, notebook)
    return notebook


def notebook_of(*cells: str):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def fonts_reported(text: str) -> list:
    """What the report cell printed: [label, font file, whether the font has Hangul] per label."""
    report = [line for line in text.splitlines() if line.startswith(MARK)]
    assert report, "the report cell printed nothing"
    return json.loads(report[-1][len(MARK):])


def run_as_downloaded(name: str, scratch: Path, env: dict) -> tuple[subprocess.CompletedProcess, Path]:
    """Copy the notebook alone into ``scratch``, add the report cell, execute it there."""
    lang, page = name.split("/")
    notebook = scratch / f"{page}.ipynb"
    shutil.copyfile(BUILD_HTML / lang / "_sources" / f"{page}.ipynb", notebook)
    write_for_a_run(nbformat.read(notebook, as_version=4), notebook)
    return execute(notebook, env), notebook


def outputs_text(nb) -> str:
    return "\n".join(out.get("text", "") + "".join(out.get("traceback", []))
                     for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", []))


@pytest.mark.parametrize("name", downloadable())
def test_the_notebook_runs_as_downloaded_with_no_font_and_no_repository(colab, tmp_path, name):
    result, notebook = run_as_downloaded(name, tmp_path, colab)
    assert result.returncode == 0, f"{name}: the notebook failed as downloaded:\n{result.stderr[-3000:]}"
    nb = nbformat.read(notebook, as_version=4)
    text = outputs_text(nb)
    assert "missing from font" not in text, f"{name}: a figure lacks glyphs:\n{text[-2000:]}"
    fonts = fonts_reported(text)
    wrong = [(label, font) for label, font, has_hangul in fonts if not has_hangul]
    assert not wrong, f"{name}: Hangul drawn with fonts that lack it: {wrong[:5]}"
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    draws_figures = "plt.show()" in code or "plt.subplots" in code
    if name.startswith("ko/") and draws_figures:
        assert fonts, f"{name}: no Hangul label was drawn, so nothing was checked"


@pytest.mark.parametrize("lang", languages())
def test_a_notebook_installs_a_font_only_where_its_language_needs_one(lang):
    """The first code cell installs the font package of a language that has one (Korean), in the
    notebooks with figures only; the other notebooks install nothing."""
    for path in sorted((BUILD_HTML / lang / "_sources").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cells = [cell for cell in nb.cells if cell.cell_type == "code"]
        assert "book-setup" in cells[0].metadata.get("tags", []), f"{path.name}: no setup cell first"
        figures = "matplotlib" in "\n".join(cell.source for cell in cells[1:])
        installs = "subprocess.run(" in cells[0].source
        assert installs == (lang == "ko" and figures), f"{lang}/{path.name}: installs={installs}"
        assert "TESTED" in cells[0].source, f"{path.name}: the setup cell does not print the versions"


def test_the_startup_file_catches_a_read_of_the_repository(colab, tmp_path):
    """The check that every notebook passes can fail: a notebook that reads glossary.yml from the
    repository, as the glossary page once did, stops with the startup file's error."""
    nb = notebook_of(f"from pathlib import Path\nPath({str(ROOT / 'glossary.yml')!r}).read_text()")
    result = execute(write_for_a_run(nb, tmp_path / "reads.ipynb"), colab)
    assert result.returncode != 0
    assert "a file of the book's repository" in result.stderr, result.stderr[-2000:]


def test_the_startup_file_hides_every_hangul_font(colab, tmp_path):
    nb = notebook_of("from matplotlib import font_manager, ft2font\n"
                     "print('HANGUL-FONTS', [f.name for f in font_manager.fontManager.ttflist\n"
                     "      if 0xD55C in ft2font.FT2Font(f.fname).get_charmap()])")
    notebook = write_for_a_run(nb, tmp_path / "fonts.ipynb")
    result = execute(notebook, colab)
    assert result.returncode == 0, result.stderr[-2000:]
    text = outputs_text(nbformat.read(notebook, as_version=4))
    assert "HANGUL-FONTS []" in text, text


def test_without_its_first_cell_a_korean_notebook_draws_boxes_and_the_check_sees_it(colab, tmp_path):
    """The font check can fail: the Korean tutorial without its setup cell, run as in Colab, draws
    its Hangul labels with DejaVu Sans, and matplotlib warns."""
    name = next((n for n in downloadable() if n == "ko/linear_regression"), None)
    assert name is not None, "the Korean tutorial's notebook was not built"
    nb = nbformat.read(BUILD_HTML / "ko" / "_sources" / "linear_regression.ipynb", as_version=4)
    nb.cells = [cell for cell in nb.cells if "book-setup" not in cell.metadata.get("tags", [])]
    notebook = write_for_a_run(nb, tmp_path / "no-setup.ipynb")
    result = execute(notebook, colab)
    assert result.returncode == 0, result.stderr[-2000:]
    text = outputs_text(nbformat.read(notebook, as_version=4))
    assert "missing from font" in text
    fonts = fonts_reported(text)
    assert fonts and not any(has_hangul for _label, _font, has_hangul in fonts), fonts[:3]
