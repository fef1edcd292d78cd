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

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from conformance.transports import OneShot, Persistent, TransportOptions

from .conftest import PY, fake

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="finds processes through /proc (Linux)")

ENV = "VMJOB_RUN_TOKEN"
FAKES = Path(__file__).parent / "fakes"
GIB = 1 << 30
T = TypeVar("T")


def one_shot_fake(*args: str) -> str:
    return " ".join([PY, str(FAKES / "oneshot.py"), *args])


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


def finished(calls: list[Callable[[], T]], within: float = 60) -> list[T]:
    """The results of ``calls``, made in order on a thread, or a failure if they stall (a transport that
    waits for a pipe to close may wait as long as the process holding it lives)."""
    results: list[T] = []
    thread = threading.Thread(target=lambda: results.extend(call() for call in calls), daemon=True)
    thread.start()
    thread.join(within)
    assert not thread.is_alive(), f"stalled: {len(results)} of {len(calls)} calls done after {within:g} s"
    return results


def wait_for_results(stream: Path, n: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not stream.exists() or stream.read_text(encoding="utf-8").count('"type": "result"') < n:
        assert proc.poll() is None, "certify ended before the test could interrupt it"
        assert time.monotonic() < deadline, "certify made no progress"
        time.sleep(0.05)


def records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


# -- one-shot ------------------------------------------------------------------------------------------------
def test_one_shot_verdict_comes_at_exit_though_a_detached_child_holds_stdout(marker: str) -> None:
    """communicate() waited for stdout to close: every case stalled until the timeout. The exit decides; the
    document (more than a pipe holds) is never read, which must not block either."""
    impl = OneShot(one_shot_fake("detach", "1"), TransportOptions(timeout=0.5))
    impl.start()
    try:
        replies = finished([lambda: impl.validate("job", b" " * (256 * 1024))] * 3)
        assert [(r.status, r.valid) for r in replies] == [("ok", False)] * 3, [r.message for r in replies]
        # The detached children held a pipe: they were found by the token and killed with their case.
        assert left_behind(marker) == []
    finally:
        impl.close()


def test_one_shot_close_kills_a_daemon_it_left_behind(marker: str) -> None:
    """A child in its own session with its stdio on /dev/null holds nothing that shows it: close() finds it."""
    impl = OneShot(one_shot_fake("daemon", "0"), TransportOptions(timeout=0.5))
    impl.start()
    assert (impl.validate("job", b"{}").status, impl.validate("job", b"{}").valid) == ("ok", True)
    impl.close()
    assert left_behind(marker) == []


# The peak is VmHWM, the high-water mark of this process's own memory. Not ru_maxrss: Linux carries it over
# exec from the memory of the parent it was (v)forked from, here a test worker that may be bigger than the
# bound.
PROBE = """
import json, sys
from conformance.transports import OneShot, TransportOptions
impl = OneShot(sys.argv[1], TransportOptions(timeout=300))
impl.start()
reply = impl.validate("job", b"{}")
impl.close()
with open("/proc/self/status") as fh:
    peak = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM:"))
print(json.dumps({"status": reply.status, "valid": reply.valid, "stderr": reply.stderr, "peak": peak}))
"""


@pytest.mark.slow
def test_one_shot_keeps_a_few_kib_of_a_gib_of_stderr_and_says_how_much_it_dropped(tmp_path: Path) -> None:
    """The harness in a process of its own, so that its peak memory is its own: it kept 1 GiB (and joined
    it: 2 GiB) before; now a few KiB, and the note says how much there was."""
    from conformance.runner import STDERR_IN_RECORD

    proc = subprocess.run([sys.executable, "-c", PROBE, one_shot_fake("stderr-flood", str(GIB), "1")],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout)
    assert got["peak"] < 128 * 1024 * 1024, f"peak RSS {got['peak']:,} bytes"
    assert (got["status"], got["valid"]) == ("ok", False)
    assert got["stderr"].endswith(f"({GIB:,} bytes of stderr in all; 3,072 kept: the first 2,048 and the last 1,024)")
    assert got["stderr"].startswith("e" * 2048) and len(got["stderr"]) <= STDERR_IN_RECORD  # the note survives


# -- persistent ------------------------------------------------------------------------------------------------
@pytest.mark.slow
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
def _default_signals() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def start_certify(corpus: Path, tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    """certify over an adapter that leaves a child in its own session and hangs after 3 requests."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "conformance", "certify", "--cmd", fake("detach-then-hang-after", "3"), "--corpus",
         str(corpus), "--fuzz", "0", "--timeout", "60", "--window", "1", "--quiet", "--results", "r.jsonl"],
        cwd=tmp_path, stderr=subprocess.PIPE, text=True, start_new_session=True,
        # A test run started in the background (`&`, nohup) inherits SIGINT or SIGHUP ignored, which vmjob keeps
        # ignored on purpose: give certify the defaults, as a terminal would.
        preexec_fn=_default_signals,
    )  # fmt: skip
    stream = tmp_path / "r.jsonl"
    wait_for_results(stream, 3, proc)
    return proc, stream


@pytest.mark.parametrize(
    "sig",
    [
        signal.SIGTERM,
        pytest.param(signal.SIGHUP, marks=pytest.mark.slow),
        pytest.param(signal.SIGINT, marks=pytest.mark.slow),
    ],
    ids=lambda s: s.name,
)
def test_a_signal_to_certify_unwinds_and_leaves_no_process(
    sig: signal.Signals, marker: str, corpus: Path, tmp_path: Path
) -> None:
    proc, stream = start_certify(corpus, tmp_path)
    try:
        # The adapter, its shell and the detached child are running (the watchdog too).
        assert len([p for p in processes(marker) if "detach-then-hang-after" in str(p["cmdline"])]) >= 2
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 128 + sig, err
    assert err.splitlines() == [f"vmjob certify: interrupted ({sig.name})"]
    recs = records(stream)
    assert recs[-1]["type"] == "footer" and recs[-1]["interrupted"] is True
    assert sum(1 for r in recs if r["type"] == "result") == 3
    assert left_behind(marker) == []


@pytest.mark.slow
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
