"""Maintenance tools of the book: python -m tools.build (the package tools/build/: make book),
python -m tools.translations (the package tools/translations/), python -m tools.bench (make bench),
python tools/audit.py (make audit); cli.py holds what their command lines share. Installed with the
repository (make venv: pip install -e .)."""
