"""make bench: the book's performance goals, measured side by side in one run (docs/performance.md).

``python -m tools.bench`` runs its parts one after another on the whole machine. The timed parts
(``timed.py``: make book, make test, make check, the pages as plain scripts, make clean then make
test) run in rounds, three by default; page weight in Chromium (``pages.py``) and four ways to train
(``training.py``) run once. Each ratio is taken within its round, and a goal is judged on the median
round (``goals.py``). The report (``report.py``) goes to ``_build/bench.md`` and ``_build/bench.json``,
the commands' output to ``_build/bench-logs/`` (``cli.py``). A failed build is a failed goal in the
report, never a failure of the command.
"""
