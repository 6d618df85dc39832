# The two commands a reader needs: `make book` and `make test`. Both set up .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= 3

# TensorFlow's quiet logging is set in one place, book_ext/book_env.py, which the build (tools/build/)
# and conftest.py import (kernels and subprocesses inherit it).
export PYTHONHASHSEED := 0

.PHONY: help venv book test test-notebooks check serve clean lock audit

help:
	@echo "make book   build the book, one site per language, into _build/html/<lang>/ (every cell executed)"
	@echo "make test   build, then run every test (Sybil examples of every page included)"
	@echo "make unit   the quick tests only: none that needs the built book, Chromium, a kernel or TensorFlow"
	@echo "make lint   ruff, then mypy over tools/ and book_ext/ (what CI checks before the build)"
	@echo "make test-notebooks   run every downloaded notebook as a learner would in Colab (after make test)"
	@echo "make check PAGE=ko/sgd   what guards one edited page: translation checks and its examples"
	@echo "make serve  preview _build/html on http://$(HOST):$(PORT)/"
	@echo "make bench  the performance goals, measured side by side (builds the book several times: long)"
	@echo "make audit  Lighthouse scores of every kind of page (needs Node.js and npm; after make book)"
	@echo "make clean  remove _build (keeps .venv); 'make distclean' removes .venv too"
	@echo "make lock   regenerate requirements.txt from requirements.in"

# (Re)create the virtual environment when it is missing or requirements.txt changed; then
# install the repository itself, editable (pyproject.toml: the packages tools and book_ext),
# so that nothing edits sys.path. A change to pyproject.toml alone reinstalls only that.
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: Python 3.11 or newer is needed; run make with PYTHON=python3.11 (found " + sys.version.split()[0] + ")")'
	@if [ requirements.txt -nt $@ ] || [ ! -x $(BIN)/python ]; then \
	  set -ex; rm -rf $(VENV); $(PYTHON) -m venv $(VENV); \
	  $(BIN)/python -m pip install --quiet --upgrade pip; \
	  $(BIN)/python -m pip install --quiet -r requirements.txt; \
	fi
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

venv: $(STAMP)

# One execution pass over every page of every language (two kernels more than cores at a time, each forked
# from a server that imported TensorFlow once; the jupyter-cache wiped first, so every cell
# runs), then one site per language built side by side from those outputs, warnings as
# errors: _build/html/<lang>/ and a root index.html that offers every language; then each
# language's PDF and offline bundle (tools/build/__init__.py says how).
book: $(STAMP)
	$(BIN)/python -m tools.build

# Three pytest-xdist workers on two cores: while one waits for Chromium, the others compute
# (two workers leave a core idle whenever one of them waits).
# Each file stays on one worker (--dist loadfile), so a page's examples still run in order
# in one namespace. TEST_WORKERS=N changes the number.
# The book is built first unless _build/html was built, with every cell executed, from the
# inputs as they are now (python -m tools.build --if-changed compares a digest of every input):
# `make test` right after `make book` reuses that build instead of executing everything again,
# and the results of the examples that Sybil checked in its kernels (book_ext/book_examples.py).
test: $(STAMP)
	$(BIN)/python -m tools.build --if-changed
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

# The tests in layers, by what they need (the markers of pyproject.toml; a test may carry several):
#   book        the built book in _build/ (sites, PDFs, bundles, recorded examples), or a build of a book's sites
#   browser     Chromium, driven through Playwright
#   kernel      Jupyter kernels, or the build's execution pass
#   tensorflow  TensorFlow or Keras imported, a model trained (the Sybil examples of every page too)
# `make unit` runs every test that needs none of them: no build, no browser, in seconds, on a worker
# per core (pytest-xdist); the loop for an edit under book_ext/ or tools/, which makes the next
# `make test` build the book again. One layer alone, after `make book`:
# $(BIN)/python -m pytest -m browser (or -m "book and not browser", ...).
# `make lint`: ruff over the repository, then mypy over tools/ and book_ext/ ([tool.mypy]); no build.
.PHONY: unit lint
unit: $(STAMP)
	$(BIN)/python -m pytest -q -n auto -m "not (book or browser or kernel or tensorflow)"

lint: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m mypy

# Every notebook a learner downloads, run as downloaded: alone in a scratch directory, in a kernel
# that sees no Hangul font and cannot read the repository, as in Colab
# (tests/test_notebooks_as_downloaded.py). After `make test`, which builds the notebooks.
test-notebooks: $(STAMP)
	$(BIN)/python -m tools.build --if-changed
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m downloaded_notebooks tests/test_notebooks_as_downloaded.py

# Lighthouse on every kind of page of every language (tools/audit.py): the sites rebuilt from the
# executed pages with the audit server's address as theirs, so that links are absolute as
# published. The next `make test` builds the book again (a sites-only build is never reused).
AUDIT_PORT ?= 8765
audit: $(STAMP)
	$(BIN)/python -m tools.build --if-changed
	BOOK_SITE_URL=http://127.0.0.1:$(AUDIT_PORT)/ $(BIN)/python -m tools.build --keep-cache --sites-only
	$(BIN)/python tools/audit.py --port $(AUDIT_PORT)

serve:
	@test -d _build/html || { echo "error: _build/html does not exist; run 'make book' first" >&2; exit 2; }
	@echo "Serving _build/html on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python -m http.server --bind $(HOST) --directory _build/html $(PORT)

clean:
	rm -rf _build .pytest_cache

distclean: clean
	rm -rf $(VENV)

# requirements.txt pins every package for Linux, macOS and Windows, Python 3.11+.
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile --universal --python-version 3.11 requirements.in -o requirements.txt

# Translations (CONTRIBUTING.md). After reviewing book/<LANG>/<PAGE>.md against the current
# source page, record that it translates that revision: make translation-synced PAGE=sgd LANG=en
# LANG must be given on the command line: in the environment it is the locale (en_US.UTF-8).
.PHONY: translation-synced translation-check
translation-synced: $(STAMP)
	@test -n "$(PAGE)" || { echo "error: say which page: make translation-synced PAGE=linear_regression LANG=en" >&2; exit 2; }
	@test "$(origin LANG)" = "command line" || { echo "error: say which language: make translation-synced PAGE=$(PAGE) LANG=en" >&2; exit 2; }
	PYTHONUTF8=1 $(BIN)/python -m tools.translations sync "$(PAGE)" --lang "$(LANG)"

# The translation status table, then every missing or stale page, parity or glossary problem.
translation-check: $(STAMP)
	PYTHONUTF8=1 $(BIN)/python -m tools.translations check

# The performance goals (docs/performance.md), measured side by side on the whole machine: make book
# against the pages' code as plain scripts, make test after it, make check PAGE=ko/sgd, make clean
# then make test, run in BENCH_ROUNDS rounds (3 by default; BENCH_ROUNDS=1 is one quicker, noisier
# round) and judged on the median round; then page weight in Chromium and four ways to train, once.
# It builds the book several times: run it alone. The report goes to _build/bench.md and
# _build/bench.json, the commands' output to _build/bench-logs/ (python -m tools.bench --help).
# A missed goal never fails the target.
.PHONY: bench
BENCH_ROUNDS ?= 3
bench: $(STAMP)
	$(BIN)/python -m tools.bench --rounds $(BENCH_ROUNDS)

# The contributor's loop, one edited page: make check PAGE=ko/sgd (or PAGE=en/sgd). Parity,
# staleness, glossary and concept order of the page (and of its translations when it is a source
# page), then the Sybil examples of that page, in this process (the build's recorded results while
# no build input has changed since it ran; after an edit they run). It runs one page, not the book:
# a translation's examples run with make check PAGE=<its language>/<name>.
# A page without examples (pytest: "no tests ran", exit 5) passes.
CHECK_USAGE := error: say which page as <language>/<name>, e.g. make check PAGE=ko/sgd: book/$(PAGE).md does not exist
.PHONY: check
check: $(STAMP)
	$(if $(PAGE),$(if $(wildcard book/$(PAGE).md),,$(error $(CHECK_USAGE))),$(error $(CHECK_USAGE)))
	@PYTHONUTF8=1 $(BIN)/python -m tools.translations check --page "$(PAGE)"; checked=$$?; \
	test $$checked -ne 2 || exit 2; \
	echo "Examples (Sybil): book/$(PAGE).md"; \
	$(BIN)/python -m pytest -q -p no:cacheprovider "book/$(PAGE).md"; tested=$$?; \
	test $$tested -ne 5 || tested=0; \
	test $$checked -eq 0 && test $$tested -eq 0
