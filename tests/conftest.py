"""Session-wide: the test suite leaves no process behind.

Before anything starts, the session puts a marker of its own in ``VMJOB_RUN_TOKEN`` (after any outer
token: the harness keeps what it finds there in front of its own). Every process the tests start inherits
it: the xdist workers, the ``vmjob`` subprocesses, the implementations they drive and whatever those start,
in their own session or not. When the session ends, no process may carry it: any that does is listed,
killed, and the session fails. Another run on the same machine has another marker, so it is never taken
for one of ours. (A process that clears its environment escapes this check, as it escapes the harness.)
"""

from __future__ import annotations

import os
import secrets
import signal
import time
from collections.abc import Callable, Iterator

import pytest

ENV = "VMJOB_RUN_TOKEN"
#: How long the processes still winding down at the end (xdist workers, their watchdogs) are given.
GRACE = 15.0

_marker = pytest.StashKey[str]()


def marked(marker: str) -> list[tuple[int, str]]:
    """(pid, command line) of the live processes whose environment holds ``marker`` (a zombie's environment
    is empty: it is dead, only not yet reaped); not this one, nor the watchdog of its own implementations,
    which ends with it (conformance.transports._process)."""
    found = []
    needle = marker.encode()
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as fh:
                if needle not in fh.read():
                    continue
            with open(f"/proc/{name}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
            with open(f"/proc/{name}/stat", "rb") as fh:
                ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):  # gone meanwhile, or not ours to read
            continue
        if ppid == os.getpid() and "--watchdog" in cmdline:
            continue
        found.append((int(name), cmdline))
    return found


@pytest.fixture
def left_behind(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], list[tuple[int, str]]]]:
    """A marker only this test's processes carry, and a function listing those of them still alive once the
    ones on their way out are gone (10 s at most); whatever the outcome, they are killed at the end."""
    mark = f"test-{secrets.token_hex(8)}"
    outer = os.environ.get(ENV)
    monkeypatch.setenv(ENV, f"{outer}:{mark}" if outer else mark)

    def left() -> list[tuple[int, str]]:
        deadline = time.monotonic() + 10.0
        while (found := marked(mark)) and time.monotonic() < deadline:
            time.sleep(0.05)
        return found

    yield left
    for pid, _ in marked(mark):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or not os.path.isdir("/proc/self"):
        return  # an xdist worker inherits the controller's marker; without /proc there is nothing to scan
    marker = f"pytest-session-{secrets.token_hex(8)}"
    outer = os.environ.get(ENV)
    os.environ[ENV] = f"{outer}:{marker}" if outer else marker
    config.stash[_marker] = marker


@pytest.hookimpl(trylast=True)  # after xdist has shut its workers down
def pytest_sessionfinish(session: pytest.Session) -> None:
    marker = session.config.stash.get(_marker, None)
    if marker is None:
        return
    deadline = time.monotonic() + GRACE
    while (left := marked(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    if not left:
        return
    lines = [f"{len(left)} process(es) started by the tests outlived the session (killed now):"]
    lines += [f"  pid {pid}: {cmdline[:200]}" for pid, cmdline in left]
    for pid, _ in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("=", "processes left behind", red=True)
        for line in lines:
            reporter.write_line(line)
    else:
        print("\n".join(lines))
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
