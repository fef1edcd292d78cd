"""Progress on the terminal while a run goes: cases done / total and failures so far, on one rewritten line.

Quiet when the stream is not a terminal (CI logs, pipes), and rate-limited: ``update`` only counts, and
redraws at most every :data:`INTERVAL` seconds, so a run of 10,000 cases a second pays a few counter
increments per case and one clock read every :data:`CHECK_EVERY` updates.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from .util import BAD_OUTCOMES

#: Seconds between two redraws, and updates between two clock reads.
INTERVAL = 0.1
CHECK_EVERY = 32


class Progress:
    """``Progress(total)``; ``update(record)`` per results-stream record; ``close()`` at the end."""

    def __init__(
        self, total: int, stream: TextIO | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.total = max(0, int(total))
        self.stream = sys.stderr if stream is None else stream
        self.done = 0
        self.failed = 0
        self.faults = 0
        self.findings = 0
        self._clock = clock
        self._next_draw = 0.0
        self._since_check = CHECK_EVERY  # draw on the first update
        self._drawn = False
        self._width = 0
        try:
            self.enabled = bool(self.stream.isatty())
        except (AttributeError, ValueError, OSError):
            self.enabled = False

    def update(self, record: dict[str, Any]) -> None:
        kind = record.get("type", "result")
        if kind == "finding":
            self.findings += 1
        elif kind == "result":
            self.done += 1
            outcome = record.get("outcome")
            if outcome == "fail":
                self.failed += 1
            elif outcome in BAD_OUTCOMES:
                self.faults += 1
        if not self.enabled:
            return
        self._since_check += 1
        if self._since_check < CHECK_EVERY:
            return
        self._since_check = 0
        now = self._clock()
        if now >= self._next_draw:
            self._next_draw = now + INTERVAL
            self._draw()

    def line(self) -> str:
        """The progress line as it is drawn (without the carriage return)."""
        width = len(str(self.total))
        pct = f" ({100 * self.done // self.total:3d}%)" if self.total else ""
        parts = [f"vmjob: {self.done:>{width}}/{self.total} cases{pct}", f"{self.failed} failed"]
        if self.faults:
            parts.append(f"{self.faults} crashed, timed out or errored")
        if self.findings:
            parts.append(f"{self.findings} fuzz findings")
        return " · ".join(parts)

    def _draw(self) -> None:
        text = self.line()
        pad = " " * max(0, self._width - len(text))
        self._width = len(text)
        try:
            self.stream.write("\r" + text + pad)
            self.stream.flush()
        except (OSError, ValueError):
            self.enabled = False  # the terminal went away; the run goes on
            return
        self._drawn = True

    def close(self) -> None:
        """Draw the final counts and end the line (nothing at all when not a terminal)."""
        if not self.enabled:
            return
        self._draw()
        try:
            self.stream.write("\n")
            self.stream.flush()
        except (OSError, ValueError):
            pass
        self.enabled = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
