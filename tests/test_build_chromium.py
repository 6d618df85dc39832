"""Which Chromium the build prints with (tools/build/chromium.py), and the one line when there is none.
No browser runs: PATH and the fallback are scratch folders and files."""

from __future__ import annotations

import pytest

from tools.build import BuildError, chromium


def program(folder, name: str):
    """An executable file named ``name`` in ``folder``."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def nothing_installed(tmp_path, monkeypatch):
    """No BOOK_CHROMIUM, an empty PATH, no /usr/bin/chromium."""
    monkeypatch.delenv(chromium.ENV, raising=False)
    (tmp_path / "bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(chromium, "DEBIAN", tmp_path / "usr-bin-chromium")
    return tmp_path


def test_the_environment_variable_comes_first(nothing_installed, monkeypatch):
    program(nothing_installed / "bin", "chromium")
    chosen = program(nothing_installed / "elsewhere", "my-chrome")
    monkeypatch.setenv(chromium.ENV, str(chosen))
    assert chromium.executable() == chosen


def test_an_environment_variable_naming_nothing_is_one_line_that_names_it(nothing_installed, monkeypatch):
    program(nothing_installed / "bin", "chromium")  # there is one on PATH: the variable still wins
    monkeypatch.setenv(chromium.ENV, str(nothing_installed / "no-such-browser"))
    with pytest.raises(BuildError) as raised:
        chromium.executable()
    message = str(raised.value)
    assert "\n" not in message and chromium.ENV in message and "no-such-browser" in message


def test_a_file_that_cannot_run_is_not_a_browser(nothing_installed, monkeypatch):
    plain = nothing_installed / "chrome.txt"
    plain.write_text("", encoding="utf-8")
    monkeypatch.setenv(chromium.ENV, str(plain))
    with pytest.raises(BuildError):
        chromium.executable()


@pytest.mark.parametrize("installed, found", [
    (["google-chrome"], "google-chrome"),
    (["google-chrome-stable", "chromium-browser"], "chromium-browser"),
    (["chromium", "google-chrome"], "chromium"),
])
def test_path_is_searched_chromium_first(nothing_installed, installed, found):
    for name in installed:
        program(nothing_installed / "bin", name)
    assert chromium.executable() == nothing_installed / "bin" / found


def test_debians_chromium_when_path_has_none(nothing_installed, monkeypatch):
    debian = program(nothing_installed / "usr-bin", "chromium")
    monkeypatch.setattr(chromium, "DEBIAN", debian)
    assert chromium.executable() == debian


def test_nothing_found_is_one_line_that_says_what_to_install(nothing_installed):
    with pytest.raises(BuildError) as raised:
        chromium.executable()
    message = str(raised.value)
    assert "\n" not in message
    assert "apt-get install --no-install-recommends chromium fonts-noto-cjk fonts-noto-color-emoji" in message
    assert chromium.ENV in message and all(name in message for name in chromium.NAMES)

