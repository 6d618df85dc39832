"""Maintenance tools of the book: python tools/build.py, python -m tools.translations (the package
tools/translations/, also python -m tools.translations), python tools/bench.py. Installed with the
repository (make venv: pip install -e .)."""
