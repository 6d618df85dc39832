"""``python -m tools.translations ...``: the command line (``_cli.py``)."""

import sys

from ._cli import main

sys.exit(main())
