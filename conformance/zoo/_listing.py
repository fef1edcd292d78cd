"""The ``--list`` of the zoo's command lines, written so that a reader that stops early (``| head``) ends it
quietly: no traceback, exit 0."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable


def print_listing(lines: Iterable[str]) -> None:
    """Print ``lines``; when standard output's reader has gone, stop, and send what is left nowhere (Python
    would otherwise fail again flushing at exit)."""
    try:
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
