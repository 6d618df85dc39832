"""The environment the book's code runs in, defined once: TensorFlow's C++ logging off.

TensorFlow prints its start-up messages (oneDNN, CPU features, ...) on stderr, which would land
on the pages and in the tests' output. Importing this module sets the variables in this
process's environment unless they are already set, and every process it starts (the
build's kernels, the tests' subprocesses) inherits them. The build (tools/build/) and conftest.py import
it before anything imports TensorFlow; a test that builds a subprocess environment from
scratch uses ``environ()``.
"""

from __future__ import annotations

import os

QUIET_TENSORFLOW = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


def environ(base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with TensorFlow's quiet settings added."""
    env = dict(os.environ if base is None else base)
    for name, value in QUIET_TENSORFLOW.items():
        env.setdefault(name, value)
    return env


for _name, _value in QUIET_TENSORFLOW.items():
    os.environ.setdefault(_name, _value)
