"""Red team: hostile workers (:mod:`conformance.zoo.hostile_workers`) against ``vmjob worker certify``.

Each must end in a verdict, NOT CONFORMANT (exit 1), in bounded time, without a traceback."""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest

from conformance.zoo.hostile_workers import HOSTILE_WORKERS

#: How long a certification of a handful of cases may take before it counts as a hang.
BOUND = 60.0
#: The address space a certification may use: an unbounded read stops here with a MemoryError.
MEMORY = 1_500_000_000


def _serve(name: str, tmp: Path) -> Generator[list[str], None, None]:
    """Start hostile worker ``name``; the target options of vmjob worker certify that reach it."""
    args = [sys.executable, "-m", "conformance.zoo.hostile_workers", name]
    files = HOSTILE_WORKERS[name].binding == "files"
    if files:
        args += ["--files", str(tmp / "jobs"), str(tmp / "results")]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if files:
            yield ["--files", str(tmp / "jobs"), str(tmp / "results")]
        else:
            port = re.search(r":(\d+)$", line.strip())
            assert port, line
            yield ["--url", f"http://127.0.0.1:{port.group(1)}"]
    finally:
        proc.kill()
        proc.wait()


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def _certify(target: list[str], tmp: Path) -> tuple[int | None, str, float]:
    """vmjob worker certify against ``target``: (exit code, or None when it had to be killed; stderr; seconds)."""
    argv = [sys.executable, "-m", "conformance", "worker", "certify", *target, "--cases", "5", "--fuzz", "0",
            "--timeout", "2", "--results", str(tmp / "r.jsonl")]  # fmt: skip
    t0 = time.monotonic()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=BOUND, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired as err:  # run() kills it (SIGKILL): a hang, SIGTERM may not end it
        stderr = err.stderr.decode("utf-8", "replace") if isinstance(err.stderr, bytes) else str(err.stderr or "")
        return None, stderr, time.monotonic() - t0
    return proc.returncode, proc.stderr, time.monotonic() - t0


def _refused(name: str, tmp: Path) -> tuple[int | None, str, float]:
    gen = _serve(name, tmp)
    target = next(gen)
    try:
        return _certify(target, tmp)
    finally:
        gen.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["garbage-200", "redirect-loop"])
def test_a_worker_that_answers_garbage_is_refused(
    name: str, tmp_path: Path, left_behind: Callable[[], list[Any]]
) -> None:
    code, err, _ = _refused(name, tmp_path)
    assert code == 1, err
    assert "Traceback" not in err
    assert left_behind() == []


#: Attacks that held the run (before: hang, or memory exhausted), and what now bounds them.
HELD = {
    "drip": "before: still running after 90 s with --timeout 2 (each socket read bounded, not the answer)",
    "fifo-results": "before: hung on open(); SIGTERM did not end it (the scenario threads are not daemons)",
    "endless-results": "before: read /dev/zero until memory ran out (a MemoryError traceback under a limit)",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HELD))
def test_a_worker_that_holds_the_certification_is_refused_in_bounded_time(
    name: str, tmp_path: Path, left_behind: Callable[[], list[Any]]
) -> None:
    code, err, seconds = _refused(name, tmp_path)
    assert left_behind() == []
    assert "Traceback" not in err
    assert code == 1, f"exit {code} after {seconds:.0f} s: {err[-600:]}"
