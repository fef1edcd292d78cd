"""Implementation processes are bounded and never outlive what they were started for.

One-shot: the exit decides (a child left holding stdout does not stall the case), output is capped with an
honest count, and what a case leaves behind is killed. Any transport: SIGTERM, SIGHUP or SIGINT to ``vmjob
certify`` unwinds cleanly (exit 128+N, one line, a footer marked interrupted) and leaves nothing running, not
even a child that started its own session; SIGKILL cannot be caught, yet nothing survives it either.

Processes are found as the harness finds them: by a marker in ``VMJOB_RUN_TOKEN``, which every process
started below a test inherits (each test has its own, so it never sees another test's, nor another run's).
Timeouts here are safety nets, not timing assertions; transport timeouts are short (0.5 s) where a stall
is the failure being tested for.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.transports import Persistent, TransportOptions

from .conftest import fake

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="finds processes through /proc (Linux)")

ENV = "VMJOB_RUN_TOKEN"


def processes(marker: str) -> list[dict[str, object]]:
    """The live processes (not zombies) whose environment holds ``marker``; not this one, nor the watchdog
    of its own implementations (it lives as long as this process, with the environment of the first test
    that started one)."""
    found: list[dict[str, object]] = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as fh:
                if marker.encode() not in fh.read():
                    continue
            with open(f"/proc/{name}/stat", "rb") as fh:
                ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
            with open(f"/proc/{name}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and "--watchdog" in cmdline:
            continue
        found.append({"pid": int(name), "ppid": ppid, "cmdline": cmdline})
    return found


def left_behind(marker: str, grace: float = 10.0) -> list[dict[str, object]]:
    """What still carries ``marker`` once the processes on their way out (killed a moment ago) are gone."""
    deadline = time.monotonic() + grace
    while (found := processes(marker)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def still_alive(pids: set[int], grace: float = 10.0) -> set[int]:
    deadline = time.monotonic() + grace
    while (left := {pid for pid in pids if alive(pid)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


@pytest.fixture
def marker(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A marker only this test's processes carry; whatever the outcome, they are killed at the end."""
    mark = f"test-{secrets.token_hex(8)}"
    outer = os.environ.get(ENV)
    monkeypatch.setenv(ENV, f"{outer}:{mark}" if outer else mark)
    yield mark
    for p in processes(mark):
        try:
            os.kill(int(str(p["pid"])), signal.SIGKILL)
        except OSError:
            pass


def wait_for_results(stream: Path, n: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not stream.exists() or stream.read_text(encoding="utf-8").count('"type": "result"') < n:
        assert proc.poll() is None, "certify ended before the test could interrupt it"
        assert time.monotonic() < deadline, "certify made no progress"
        time.sleep(0.05)


# -- persistent ------------------------------------------------------------------------------------------------
def test_persistent_kill_takes_a_child_that_left_the_group(marker: str) -> None:
    """The adapter's child is in its own session (setsid): the group kill misses it, the token does not; at a
    restart (after a timeout) and at close."""
    impl = Persistent(fake("detach-then-hang-after", "0"), TransportOptions(timeout=0.5, start_timeout=10))
    impl.start()
    try:
        first = {int(str(p["pid"])) for p in processes(marker)}
        assert len(first) >= 3, first  # the shell, the adapter, its detached child
        assert impl.validate("job", b"{}").status == "timeout"
        assert impl.validate("job", b"{}").status == "timeout"  # restarted before it was sent
        assert impl.restarts == 1
        assert still_alive(first) == set()
    finally:
        impl.close()
    assert left_behind(marker) == []


# -- vmjob certify, interrupted ----------------------------------------------------------------------------
def start_certify(corpus: Path, tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    """certify over an adapter that leaves a child in its own session and hangs after 3 requests."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "conformance", "certify", "--cmd", fake("detach-then-hang-after", "3"), "--corpus",
         str(corpus), "--fuzz", "0", "--timeout", "60", "--window", "1", "--quiet", "--results", "r.jsonl"],
        cwd=tmp_path, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    stream = tmp_path / "r.jsonl"
    wait_for_results(stream, 3, proc)
    return proc, stream


def test_sigkill_to_certify_and_its_group_leaves_no_process(marker: str, corpus: Path, tmp_path: Path) -> None:
    """Nothing runs in a SIGKILLed harness: its direct child dies of pdeathsig, and the watchdog (in a
    session of its own, out of reach of the group kill) sweeps the rest, the detached child included."""
    proc, _ = start_certify(corpus, tmp_path)
    # The adapter, its shell and the detached child are running (the watchdog too).
    assert len([p for p in processes(marker) if "detach-then-hang-after" in str(p["cmdline"])]) >= 2
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert left_behind(marker) == []


PDEATHSIG_PROBE = """
import sys, time
from conformance.transports import _process
_process.WATCHDOG = False
proc = _process.spawn("sleep 300; exit 0")
print(proc.pid, flush=True)
time.sleep(300)
"""


def test_pdeathsig_alone_takes_the_direct_child_of_a_sigkilled_harness(marker: str) -> None:
    """Without the watchdog, a SIGKILLed harness takes its direct child along (pdeathsig) and no more: the
    shell here. What remains possible is what this test shows: the command, which the shell forked (dash does
    not exec the last command of ``sh -c``), outlives it; its stdin is closed, so an adapter that reads it
    exits, but one that hangs stays until the watchdog's sweep, or forever when the watchdog died too
    (``kill -9 -1``, a container stopped). The fixture kills it here."""
    probe = subprocess.Popen([sys.executable, "-c", PDEATHSIG_PROBE], stdout=subprocess.PIPE, text=True,
                             start_new_session=True)  # fmt: skip
    try:
        assert probe.stdout is not None
        shell = int(probe.stdout.readline())
        deadline = time.monotonic() + 60
        while not (command := [p for p in processes(marker) if p["ppid"] == shell]):
            assert time.monotonic() < deadline, "the shell did not start its command"
            time.sleep(0.05)
        probe.kill()
        probe.wait(timeout=60)
        deadline = time.monotonic() + 10
        while alive(shell) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(shell), "the direct child outlived the harness"
        assert alive(int(str(command[0]["pid"]))), "the grandchild died too: update the docstring of _process"
    finally:
        if probe.poll() is None:
            probe.kill()
            probe.wait()
