"""The build's own logic (tools/build/), on tiny scratch books: its folders, when a build stands for
its inputs, bad input on its command line, the order of a first execution pass, and how the
per-language workers report, even one that dies."""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bookinfo import ROOT
from tools.build import inputs, workers
from tools.build.execute import guessed_seconds
from tools.build.paths import REPO, Paths


@pytest.fixture
def book(scratch_book) -> Paths:
    """A scratch book of one page, ko/index, with a built site and a stamp, as `make book` leaves them."""
    paths = scratch_book()
    (paths.site / "ko").mkdir(parents=True)
    (paths.site / "index.html").write_text("<html></html>", encoding="utf-8")
    (paths.site / "ko" / "index.html").write_text("<html></html>", encoding="utf-8")
    inputs.write_stamp(paths, inputs.inputs_digest(paths))
    return paths


# ---- Paths --------------------------------------------------------------------------------------


def test_paths_of_a_root_name_every_folder_of_its_build(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    paths = Paths.of("book-root")
    assert paths.root == tmp_path.resolve() / "book-root", "a relative root is made absolute"
    assert paths.build == paths.root / "_build" and paths.locale_src == paths.root / "locale"
    # Every folder the build writes is in _build (make clean removes them all); the book's are not.
    written = [getattr(paths, field.name) for field in dataclasses.fields(paths)
               if field.name not in ("root", "locale_src")]
    folders = written + [paths.locale_src]
    assert all(folder.is_relative_to(paths.build) for folder in written)
    assert not paths.locale_src.is_relative_to(paths.build)
    assert len(set(folders)) == len(folders), "two steps would write into the same folder"
    assert paths.timings.parent == paths.logs
    assert Paths.of(REPO).root == ROOT


def test_paths_are_one_value_that_no_step_can_change_and_a_worker_can_receive(tmp_path):
    paths = Paths.of(tmp_path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        paths.site = tmp_path  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(paths)) == paths
    assert paths.shown(paths.logs / "build-ko.log") == "_build/logs/build-ko.log"
    assert paths.shown(Path("/elsewhere/x")) == "/elsewhere/x"


# ---- inputs: when a build stands for them --------------------------------------------------------


def test_a_build_from_the_same_inputs_is_up_to_date(book):
    assert inputs.up_to_date(book, ["ko"])


@pytest.mark.parametrize("change", ["page", "new_file", "config", "extension", "the_build_itself"])
def test_any_changed_input_makes_it_out_of_date(book, change):
    root = book.root
    if change == "page":
        (root / "book" / "ko" / "index.md").write_text("# 시작하기\n", encoding="utf-8")
    elif change == "new_file":
        (root / "book" / "ko" / "sgd.md").write_text("# SGD\n", encoding="utf-8")
    elif change == "config":
        with (root / "_config.yml").open("a", encoding="utf-8") as f:
            f.write("title: x\n")
    elif change == "extension":
        (root / "book_ext").mkdir()
        (root / "book_ext" / "new.py").write_text("x = 1\n", encoding="utf-8")
    else:
        (root / "tools" / "build").mkdir(parents=True)
        (root / "tools" / "build" / "sites.py").write_text("x = 1\n", encoding="utf-8")
    assert not inputs.up_to_date(book, ["ko"])


def test_an_incomplete_site_or_a_missing_stamp_is_out_of_date(book):
    (book.site / "ko" / "index.html").unlink()
    assert not inputs.up_to_date(book, ["ko"])
    (book.site / "ko" / "index.html").write_text("<html></html>", encoding="utf-8")
    assert inputs.up_to_date(book, ["ko"])
    inputs.clear_stamp(book)
    assert not inputs.up_to_date(book, ["ko"])


def test_the_build_output_itself_is_not_an_input(book):
    (book.site / "ko" / "other.html").write_text("<html></html>", encoding="utf-8")
    (book.logs).mkdir(parents=True)
    book.timings.write_text("{}\n", encoding="utf-8")
    assert inputs.up_to_date(book, ["ko"])


def test_the_inputs_name_the_build_package_that_exists():
    """A renamed or moved build module would silently drop out of the digest."""
    assert all((REPO / name).exists() for name in inputs.INPUTS), [n for n in inputs.INPUTS if not (REPO / n).exists()]
    assert "tools/build" in inputs.INPUTS


# ---- the command line ----------------------------------------------------------------------------


def run_build(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tools.build", *args], cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=120)


@pytest.mark.parametrize("args", [["--root", "/nonexistent"], ["--only", "xx"], ["--no-such-option"],
                                  ["--language", "ko"], ["--root"]])
def test_bad_input_is_one_line_and_exit_2(args):
    result = run_build(*args)
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(("error: ", "python -m tools.build: error: ")), result.stderr
    assert "Traceback" not in result.stderr and not result.stdout


def test_a_root_without_a_config_is_not_a_book(tmp_path):
    (tmp_path / "book").mkdir()  # a folder that looks like a book, without its _config.yml
    result = run_build("--root", str(tmp_path), "--sites-only")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert str(tmp_path) in line and "_config.yml" in line
    assert not (tmp_path / "_build").exists(), "nothing is written for a root that is not a book"


@pytest.mark.parametrize("config", ["title: x\n", "sphinx: [\n"])
def test_a_config_without_languages_or_not_yaml_is_one_line(tmp_path, config):
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    result = run_build("--root", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and str(tmp_path / "_config.yml") in line
    assert not (tmp_path / "_build").exists()


def test_an_unknown_language_names_the_languages_of_the_book(scratch_book):
    paths = scratch_book()
    result = run_build("--root", str(paths.root), "--only", "ja")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "'ja'" in line and "ko" in line
    assert not paths.build.exists()


def test_a_page_that_fails_in_the_execution_pass_stops_the_build_before_the_sites(scratch_book, monkeypatch, capsys):
    """The site build would execute it again without the pass's checks and warning filters, and might pass."""
    from tools.build import cli

    paths = scratch_book()
    monkeypatch.setattr(cli, "execute", lambda *args, **kwargs: ["book/ko/index.md"])
    monkeypatch.setattr(cli, "build_sites", lambda *args: pytest.fail("the sites were built"))
    assert cli.main(["--root", str(paths.root)]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: 1 page(s) failed in the execution pass") and "_build/logs/execute.log" in line
    assert not inputs.up_to_date(paths, ["ko"])


# ---- the execution pass's order ------------------------------------------------------------------


def test_a_first_build_guesses_that_pages_training_with_tensorflow_run_longest(book):
    """With no times from a previous build (a clean clone), the order comes from the code: a page
    that trains with TensorFlow before a longer page of NumPy, and both before a page of prose."""

    def page(name: str, code: str, prose: str = "") -> Path:
        path = book.root / "book" / "ko" / f"{name}.md"
        path.write_text(f"# {name}\n\n{prose}\n\n```{{code-cell}} ipython3\n{code}\n```\n", encoding="utf-8")
        return path

    keras = page("keras", "import tensorflow as tf\nmodel = tf.keras.Sequential()\n" * 10)
    numpy = page("numpy", "import numpy as np\nw = np.zeros(4) - 0.5 * np.ones(4)\n" * 20)
    prose = page("prose", "print(1)", prose="긴 설명입니다. " * 2000)
    assert numpy.stat().st_size < prose.stat().st_size  # the file size would have run the prose first
    assert guessed_seconds(book, keras) > guessed_seconds(book, numpy) > guessed_seconds(book, prose)


# ---- workers: one process per language, results reported in one line ------------------------------
# The steps below run in worker processes, which import them from this module by name.


@dataclasses.dataclass(frozen=True)
class Done:
    lang: str
    ok: bool
    pid: int

    def lines(self, paths: Paths) -> list[str]:
        return [f"{self.lang}: done"]


def step_that_writes_everywhere(paths: Paths, lang: str) -> Done:
    """What a language's build does to its process's output: print, write on file descriptor 2
    itself (as Sphinx's kernels do), and start a child process that writes on both."""
    print(f"printed by {lang}")
    os.write(2, f"written on fd 2 by {lang}\n".encode())
    subprocess.run([sys.executable, "-c", "import sys; print('child out'); print('child err', file=sys.stderr)"],
                   check=True)
    return Done(lang, True, os.getpid())


def step_that_dies_in_ko(paths: Paths, lang: str) -> Done:
    if lang == "ko":
        os._exit(3)  # as a crash would: no exception, no result
    return Done(lang, True, os.getpid())


def step_that_raises(paths: Paths, lang: str) -> Done:
    raise RuntimeError(f"no site for {lang}\nsecond line")


def test_each_language_runs_in_a_process_of_its_own_and_its_output_goes_to_its_log(tmp_path, capfd):
    paths = Paths.of(tmp_path)
    results = workers.run(step_that_writes_everywhere, paths, ["ko", "en"], "build")
    assert [result.lang for result in results] == ["ko", "en"] and all(result.ok for result in results)
    assert len({os.getpid(), *(result.pid for result in results)}) == 3
    out, err = capfd.readouterr()
    assert "printed by" not in out + err and "child" not in out + err, "a worker wrote into the build's output"
    for lang in ("ko", "en"):
        log = (paths.logs / f"build-{lang}.log").read_text(encoding="utf-8")
        for line in (f"printed by {lang}", f"written on fd 2 by {lang}", "child out", "child err"):
            assert line in log, f"{line!r} is not in the {lang} log: {log!r}"


def test_a_worker_that_dies_is_one_line_naming_its_log_and_the_other_language_goes_on(tmp_path, capsys):
    paths = Paths.of(tmp_path)
    results = workers.run(step_that_dies_in_ko, paths, ["ko", "en"], "downloads")
    ko, en = results
    assert en.ok and isinstance(en, Done), "the other language's worker was taken down too"
    assert not ko.ok
    failed = workers.report(paths, results)
    assert failed == ["ko"]
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[1] == "en: done"
    assert lines[0].startswith("ko: ") and "FAILED" in lines[0] and "_build/logs/downloads-ko.log" in lines[0]


def test_a_step_that_raises_is_one_line_and_its_traceback_is_in_the_log(tmp_path, capsys):
    paths = Paths.of(tmp_path)
    [result] = workers.run(step_that_raises, paths, ["ko"], "build")
    assert workers.report(paths, [result]) == ["ko"]
    [line] = capsys.readouterr().out.splitlines()
    assert "RuntimeError: no site for ko second line" in line and "_build/logs/build-ko.log" in line
    log = (paths.logs / "build-ko.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "step_that_raises" in log
