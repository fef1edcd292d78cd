"""Implementation processes, spawned and tracked so that none outlives the harness.

Shared by the subprocess transports (``--cmd`` and ``--one-shot``). Four layers, each for what the one before
cannot reach:

1. **The process group.** Every implementation runs through the shell in its own session
   (``start_new_session``); :func:`kill` kills the whole group: the shell, the command, what they started.
2. **The run token.** Every implementation's environment carries ``VMJOB_RUN_TOKEN``, which its descendants
   inherit, including one that starts its own session (``setsid``, a daemon) and so leaves the group. After a
   kill (:func:`kill`, :func:`sweep`) and at the end (:func:`cleanup`, also run ``atexit``), the user's
   processes are found by that token in ``/proc/PID/environ`` and killed, round after round until none is
   left (one may fork while it is being killed). A token already in the harness's own environment is kept
   in front (``OUTER:OURS``), so a harness that drives a harness, or a test, can sweep everything below it.
3. **Parent death.** The direct child of a persistent adapter gets ``PR_SET_PDEATHSIG`` = SIGKILL: a harness
   killed outright (SIGKILL, a crash) takes it along. Only the direct child: the setting is not inherited
   across fork, and ``/bin/sh`` (dash) forks the command rather than exec it, so the command itself is
   usually a grandchild.
4. **The watchdog.** With the first implementation, a small process is started in its own session: it holds
   the read end of a pipe whose write end only the harness holds, and when that pipe closes (the harness is
   gone, however it died) it sweeps the run token. This is what reaches the grandchildren of a SIGKILLed
   harness. It is this very file run as a script (standard library only), so it starts in milliseconds.

What can still escape (Linux): a process that drops the token from its environment (``env -i``, a daemon that
rebuilds it) *and* left the process group, before the harness or its watchdog sweep; one whose environ the
user cannot read (setuid, non-dumpable, another user); and, if the watchdog is killed together with the
harness (``kill -9 -1``, a container teardown), the descendants of the direct child. A cgroup would close
these gaps; it needs privileges or systemd and is not assumed. Elsewhere (no ``/proc``, no ``prctl``, no
pidfd), the process group kill and ``atexit`` are what is left.

``PR_SET_PDEATHSIG`` needs a ``preexec_fn``, which makes ``subprocess`` fork instead of vfork: about 1.5 ms
more per spawn in a 25 MiB harness (``sh -c true``: 0.7 ms -> 2.2 ms; more in a larger one). A persistent
adapter pays it once per start: it has it. The one-shot transport spawns a process per case and does not:
it would double the cost of a quick command, for a guarantee that under dash covers only the shell (the
command is its child, and the watchdog reaches it anyway); only with the watchdog dead too and a shell that
execs the command (bash) would it have saved anything. The hook only calls prctl and getppid (no import,
no lock), so it is safe in a threaded harness (selftest's pool). The signal fires when the *thread* that
spawned the child exits: an implementation must be spawned from a thread that lives as long as it does
(the one that drives it).
"""

from __future__ import annotations

import atexit
import itertools
import os
import secrets
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable

ENV = "VMJOB_RUN_TOKEN"
_PROC = sys.platform.startswith("linux") and os.path.isdir("/proc/self")
_CHUNK = 1 << 16
#: Rounds of a sweep at most (each round kills what the last one missed: children forked meanwhile).
_ROUNDS = 50
#: Whether to start the watchdog (tests turn it off to see what pdeathsig alone does).
WATCHDOG = True


class _State:
    """Per process: after a fork, the child gets a fresh run (its own token, nothing tracked, no watchdog)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.run = secrets.token_hex(8)
        #: next() of a count is atomic: threads that spawn at once (selftest's pool) get distinct tokens.
        self.count = itertools.count(1)
        self.lock = threading.Lock()
        #: pid -> (process, token) of every implementation spawned and not yet reaped.
        self.live: dict[int, tuple[subprocess.Popen[bytes], str]] = {}
        self.spawned = False
        self.watchdog: int | None = None


_state = _State()


def _here() -> _State:
    global _state
    if _state.pid != os.getpid():
        if _state.watchdog is not None:
            try:
                os.close(_state.watchdog)  # the parent's watchdog is the parent's
            except OSError:
                pass
        _state = _State()
    return _state


def run_token() -> str:
    """What every token of this process's run starts with: :func:`sweep` of it reaches them all."""
    return f"{_here().run}."


def new_token() -> str:
    """A token for one implementation (all its processes): ``RUN.N.``."""
    st = _here()
    return f"{st.run}.{next(st.count)}."


# -- spawning ------------------------------------------------------------------------------------------------
def _pdeathsig() -> Callable[[int], Callable[[], None]] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError, ImportError):
        return None
    prctl.restype = ctypes.c_int
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    kill = int(signal.SIGKILL)

    def make(parent: int) -> Callable[[], None]:
        def preexec() -> None:  # in the child, between fork and exec
            prctl(1, kill, 0, 0, 0)  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the harness died before the line above: nobody will send it
                os._exit(1)

        return preexec

    return make


_PREEXEC = _pdeathsig()


def environment(token: str) -> dict[str, str]:
    """The harness's environment with ``token`` added to ``VMJOB_RUN_TOKEN`` (after any outer one)."""
    env = dict(os.environ)
    outer = env.get(ENV)
    env[ENV] = f"{outer}:{token}" if outer else token
    return env


def spawn(command: str, token: str | None = None, pdeathsig: bool = True) -> subprocess.Popen[bytes]:
    """``command`` through the shell with three unbuffered pipes, in its own session, carrying ``token``
    (a new one if None; :func:`token_of` gives it back), with pdeathsig if asked, tracked until :func:`kill`."""
    st = _here()
    token = token or new_token()
    with st.lock:
        if not st.spawned:
            st.spawned = True
            atexit.register(cleanup)
        _start_watchdog(st)
    proc = subprocess.Popen(
        command,
        shell=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        bufsize=0,
        env=environment(token),
        preexec_fn=_PREEXEC(st.pid) if pdeathsig and _PREEXEC is not None else None,
    )
    st.live[proc.pid] = (proc, token)
    return proc


def token_of(proc: subprocess.Popen[bytes]) -> str | None:
    entry = _here().live.get(proc.pid)
    return entry[1] if entry is not None and entry[0] is proc else None


def killpg(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL to ``proc``'s process group (its session: it was spawned with ``start_new_session``)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def kill(proc: subprocess.Popen[bytes], sweep_token: bool = True, wait: float = 5.0) -> int | None:
    """Kill ``proc``'s process group and reap it; with ``sweep_token``, then kill every process carrying its
    token (what left the group). The exit status, or None if it did not die within ``wait`` seconds (a
    process stuck in the kernel: it stays tracked, for :func:`cleanup`)."""
    st = _here()
    entry = st.live.get(proc.pid)
    token = entry[1] if entry is not None and entry[0] is proc else None
    killpg(proc)
    try:
        status: int | None = proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        status = None
    else:
        if token is not None:
            del st.live[proc.pid]
    if sweep_token and token is not None:
        sweep(token)
    return status


def exited(proc: subprocess.Popen[bytes]) -> bool:
    """Whether ``proc`` has exited, without reaping it (its pid, so its group id, stays reserved)."""
    if proc.returncode is not None:
        return True
    waitid = getattr(os, "waitid", None)
    if waitid is None:
        return proc.poll() is not None
    try:
        return waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return proc.poll() is not None


def exit_fd(proc: subprocess.Popen[bytes]) -> int | None:
    """A file descriptor that becomes readable when ``proc`` exits (a pidfd, Linux >= 5.3), or None."""
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is None:
        return None
    try:
        fd: int = pidfd_open(proc.pid)
    except OSError:
        return None
    return fd


# -- finding processes by token ----------------------------------------------------------------------------
def _environ(pid: int) -> bytes:
    try:
        fd = os.open(f"/proc/{pid}/environ", os.O_RDONLY)
    except OSError:  # gone, another user's, or not dumpable
        return b""
    try:
        parts = []
        while chunk := os.read(fd, _CHUNK):
            parts.append(chunk)
        return b"".join(parts)
    except OSError:
        return b""
    finally:
        os.close(fd)


def find(token: str) -> list[int]:
    """The pids of the processes (not zombies) whose environment holds ``token``; not this one."""
    if not _PROC:
        return []
    needle, me = token.encode(), os.getpid()
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    return [int(n) for n in names if n.isdigit() and int(n) != me and needle in _environ(int(n))]


def _kill_one(pid: int, needle: bytes) -> bool:
    """SIGKILL ``pid`` if it still carries ``needle``: checked through a pidfd, so a reused pid is safe."""
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is None:
        try:
            os.kill(pid, signal.SIGKILL)
            return True
        except OSError:
            return False
    try:
        pidfd = pidfd_open(pid)
    except OSError:
        return False
    try:
        if needle not in _environ(pid):
            return False
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        return True
    except OSError:
        return False
    finally:
        os.close(pidfd)


def sweep(token: str) -> list[int]:
    """Kill every process whose environment holds ``token``, until a round finds none it has not already
    killed. The pids killed."""
    needle = token.encode()
    killed: set[int] = set()
    for _ in range(_ROUNDS):
        new = [pid for pid in find(token) if pid not in killed]
        if not new:
            break
        killed.update(pid for pid in new if _kill_one(pid, needle))
    return sorted(killed)


def cleanup() -> None:
    """Kill every implementation this process spawned and everything carrying its run token (atexit, and
    the CLI on an interruption). Idempotent."""
    st = _here()
    if not st.spawned:
        return
    for proc, _ in list(st.live.values()):
        kill(proc, sweep_token=False, wait=1.0)
    sweep(f"{st.run}.")


# -- the watchdog ----------------------------------------------------------------------------------------------
def _start_watchdog(st: _State) -> None:
    if st.watchdog is not None or not (WATCHDOG and _PROC and sys.executable):
        return
    r, w = os.pipe()  # both close-on-exec: only this process holds the write end
    try:
        subprocess.Popen(
            [sys.executable, "-I", "-S", os.path.abspath(__file__), "--watchdog", f"{st.run}."],
            stdin=r,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # not in the harness's group: a group kill of the harness spares it
        )
    except OSError:
        os.close(w)
        return
    finally:
        os.close(r)
    st.watchdog = w


def _watchdog(argv: Iterable[str]) -> int:
    (token,) = argv
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        while os.read(0, 4096):
            pass
    except OSError:
        pass
    sweep(token)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--watchdog"]:
        sys.exit(_watchdog(sys.argv[2:]))
    sys.exit(f"usage: {sys.argv[0]} --watchdog TOKEN (started by the harness, not by hand)")
