"""Progress on the terminal while a run goes, on one rewritten line that names its phase.

``corpus``: cases done / total and failures so far. ``fuzz`` (once every corpus case is done, when a
campaign was asked for): the documents asked, findings so far and the seconds it has run; the line moves
every :data:`TICK` seconds even while no record arrives (a campaign writes a record only per finding).
A ``{"type": "fuzz-progress", "sent": N}`` record, when the runner gives one (it is not written to the
stream), adds the documents sent so far: ``fuzz 3,274/10,000 generated documents (32%)``.

Quiet when the stream is not a terminal (CI logs, pipes), and rate-limited: ``update`` only counts, and
redraws at most every :data:`INTERVAL` seconds, so a run of 10,000 cases a second pays a few counter
increments per case and one clock read every :data:`CHECK_EVERY` updates.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

from .util import BAD_OUTCOMES, plural

#: Seconds between two redraws, and updates between two clock reads.
INTERVAL = 0.1
CHECK_EVERY = 32
#: Seconds between two redraws of the fuzz phase, when nothing else draws.
TICK = 0.25


class Progress:
    """``Progress(total, fuzz=N)``; ``update(record)`` per results-stream record; ``close()`` at the end."""

    def __init__(
        self,
        total: int,
        stream: TextIO | None = None,
        *,
        fuzz: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = max(0, int(total))
        self.fuzz = max(0, int(fuzz))
        self.stream = sys.stderr if stream is None else stream
        self.done = 0
        self.failed = 0
        self.faults = 0
        self.findings = 0
        #: Generated documents sent, as the runner last said (None: it does not say).
        self.sent: int | None = None
        self.phase = "corpus"
        self._fuzz_started = 0.0
        self._clock = clock
        self._next_draw = 0.0
        self._since_check = CHECK_EVERY  # draw on the first update
        self._drawn = False
        self._width = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        try:
            self.enabled = bool(self.stream.isatty())
        except (AttributeError, ValueError, OSError):
            self.enabled = False

    def update(self, record: dict[str, Any]) -> None:
        kind = record.get("type", "result")
        if kind == "finding":
            self.findings += 1
            self._enter_fuzz()
        elif kind == "fuzz-progress":
            sent = record.get("sent")
            self.sent = sent if isinstance(sent, int) and not isinstance(sent, bool) else self.sent
            self._enter_fuzz()
        elif kind == "result":
            self.done += 1
            outcome = record.get("outcome")
            if outcome == "fail":
                self.failed += 1
            elif outcome in BAD_OUTCOMES:
                self.faults += 1
            if self.fuzz and self.total and self.done >= self.total:
                self._enter_fuzz()
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

    def _enter_fuzz(self) -> None:
        if self.phase == "fuzz" or not self.fuzz:
            return
        self.phase = "fuzz"
        self._fuzz_started = self._clock()
        if self.enabled and self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="vmjob-progress", daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(TICK):
            self._draw()

    def line(self) -> str:
        """The progress line as it is drawn (without the carriage return)."""
        width = len(str(self.total))
        if self.phase == "fuzz":
            sent = self.sent
            if sent is not None:
                count = f"{sent:,}/{self.fuzz:,} generated documents ({min(100, 100 * sent // self.fuzz):3d}%)"
            else:
                count = f"{self.fuzz:,} generated documents"
            seconds = max(0.0, self._clock() - self._fuzz_started)
            parts = [f"vmjob: fuzz {count}", plural(self.findings, "finding"), f"{seconds:.0f} s"]
            parts.append(f"corpus: {self.done:,} cases, {self.failed} failed")
            return " · ".join(parts)
        pct = f" ({100 * self.done // self.total:3d}%)" if self.total else ""
        parts = [f"vmjob: corpus {self.done:>{width}}/{self.total} cases{pct}", f"{self.failed} failed"]
        if self.faults:
            parts.append(f"{self.faults} crashed, timed out or errored")
        if self.findings:
            parts.append(plural(self.findings, "fuzz finding"))
        return " · ".join(parts)

    def _draw(self) -> None:
        with self._lock:
            if not self.enabled:
                return
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
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if not self.enabled:
            return
        self._draw()
        with self._lock:
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
