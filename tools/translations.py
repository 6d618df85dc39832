#!/usr/bin/env python3
"""``python tools/translations.py ...``: the command line of the package ``tools/translations/``.

The code is the package (parity, staleness, glossary, CLI; its ``__init__`` says which is
where); this file only runs it, so that the path in the Makefile, CONTRIBUTING and the tools'
own messages keeps working. ``python -m tools.translations ...`` is the same command.
Python imports ``tools.translations`` from the folder, never from this file.
"""

import sys

from tools.translations._cli import main

if __name__ == "__main__":
    sys.exit(main())
