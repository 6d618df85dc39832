"""python -m tools.build: build the book (cli.py)."""

import sys

from tools.build.cli import main

if __name__ == "__main__":
    sys.exit(main())
