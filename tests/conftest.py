"""Shared fixtures for the tests of the built site."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.bookinfo import BUILD_HTML


@pytest.fixture(scope="session")
def built() -> Path:
    """The built site. Its absence is a failure, never a skip: `make test` builds it first."""
    index = BUILD_HTML / "index.html"
    if not index.exists():
        pytest.fail(f"{BUILD_HTML} has no built book; run `make book` (or `make test`, which builds it)")
    return BUILD_HTML


@pytest.fixture(scope="session")
def soup_of(built):
    cache = {}

    def load(rel: str) -> BeautifulSoup:
        if rel not in cache:
            path = built / rel
            assert path.exists(), f"{rel} was not built"
            cache[rel] = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        return cache[rel]

    return load
