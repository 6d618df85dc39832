"""Maintenance tools of the book (run them as scripts: python tools/<name>.py)."""
