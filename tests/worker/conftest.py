"""Helpers of the worker tests: a worker process started through the harness's own spawner, and vmjob."""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conformance.transports import _process

PYTHON = shlex.quote(sys.executable)


def vmjob(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``vmjob ARGS`` as a user runs it."""
    argv = [sys.executable, "-m", "conformance", *map(str, args)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


@contextmanager
def worker_process(command: str) -> Iterator[str]:
    """``command`` (a worker printing one line when it is ready) running; yields that line; killed after."""
    proc = _process.spawn(command)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode("utf-8", "replace").strip()
        if not line:
            err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
            raise AssertionError(f"the worker did not start: {err[-2000:]}")
        yield line
    finally:
        _process.kill(proc)


@contextmanager
def http_worker(*args: str) -> Iterator[str]:
    """``vmjob worker serve --port 0 ARGS`` (or a zoo member's command): yields its base URL."""
    command = f"{PYTHON} -m conformance worker serve --port 0 {' '.join(map(shlex.quote, args))}"
    with worker_process(command) as line:
        yield line.rsplit(" ", 1)[-1]
