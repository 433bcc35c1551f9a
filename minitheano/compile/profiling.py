"""Profiles printed at exit, as Theano does: with the ``profile`` flag on
(``MINITHEANO_FLAGS=profile=True``), every function is profiled and, when the process ends,
the summary of each one that was called goes to stderr.
"""

from __future__ import annotations

import atexit
import sys

from ..config import config

_profiles: list = []  # the ProfileStats made while the flag was on, in creation order


def register(stats) -> None:
    """Remember ``stats`` for the summary at exit if the ``profile`` flag is on now."""
    if config.profile:
        _profiles.append(stats)


def print_summaries(file=None) -> None:
    """Print the summary of every registered profile whose function was called."""
    for stats in _profiles:
        if stats.calls:
            stats.summary(file=file or sys.stderr)
            print(file=file or sys.stderr)


@atexit.register
def _at_exit() -> None:
    if config.profile:
        print_summaries()
