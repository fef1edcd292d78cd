"""One-shot subprocess: ``--one-shot 'COMMAND'``, one process per document (ADAPTER.md §2).

``{kind}`` in COMMAND is replaced by the document kind; the document bytes go to stdin, which is then
closed. Exit status 0 is "valid", 1 "invalid"; any other status is ``errored``, a signal a ``crash`` and no
exit within the timeout a ``timeout``.

Every case is bounded, whatever the command does:

* time: one deadline per case (``--timeout``) covers writing the document, the run and reading the output;
* the exit decides: the case ends when the process exits, not when its stdout closes (a child it left
  behind may hold stdout open forever); what is already in the pipes is then read, and no more;
* memory: of stdout and stderr only the first and last few KiB are kept, with the number of bytes written
  in all; the rest is read and dropped as it comes, so the command never blocks on a full pipe;
* stdin: written as the command reads it, never more than the pipe takes: a command that does not read its
  stdin is not waited on (and one that exits without reading it is no error);
* processes: after the exit (or the timeout) the process group is killed; what left the group is found by
  the run token and killed too (:mod:`._process`), at once when it still holds a pipe, otherwise at least
  once a second and at :meth:`OneShot.close`.
"""

from __future__ import annotations

import os
import selectors
import shlex
import signal
import subprocess
import time

from ..model import ImplInfo, Reply
from . import _process
from .base import Implementation, TransportOptions
from .persistent import describe_exit, excerpt

VALIDATE_CLASSES = ("core", "payload", "result", "progress", "worker")
#: Of stderr, the first and the last bytes kept (the runner keeps 4 KiB of a result's stderr: the note on
#: what was dropped fits after them).
STDERR_HEAD, STDERR_TAIL = 2048, 1024
#: Of stdout (evidence of a fault only), the first bytes kept.
STDOUT_HEAD = 1024
#: After the exit, at most this much is read from each pipe (a process outside the group may keep writing).
DRAIN = 256 * 1024
#: Seconds between sweeps for processes that left the group without holding a pipe.
SWEEP_EVERY = 1.0
_CHUNK = 1 << 16


class Capped:
    """The first ``head`` and last ``tail`` bytes of a stream, and how many bytes it had in all."""

    __slots__ = ("_head", "_tail", "head", "tail", "total")

    def __init__(self, head: int, tail: int = 0) -> None:
        self._head, self._tail = head, tail
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self._head - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk and self._tail:
            if len(chunk) >= self._tail:
                self.tail[:] = chunk[-self._tail :]
            else:
                self.tail += chunk
                del self.tail[: -self._tail]

    @property
    def kept(self) -> int:
        return len(self.head) + len(self.tail)

    def dropped(self, name: str) -> str:
        """``(N bytes of NAME in all; K kept...)``, or "" when nothing was dropped."""
        if self.total == self.kept:
            return ""
        which = f": the first {len(self.head):,} and the last {len(self.tail):,}" if self.tail else ""
        return f"({self.total:,} bytes of {name} in all; {self.kept:,} kept{which})"

    def text(self, name: str) -> str:
        head = self.head.decode("utf-8", "replace")
        note = self.dropped(name)
        if not note:
            return head + self.tail.decode("utf-8", "replace")
        tail = "\n...\n" + self.tail.decode("utf-8", "replace") if self.tail else ""
        return f"{head}{tail}\n... {note}"


class OneShot(Implementation):
    reports_warnings = False

    def __init__(self, command: str, options: TransportOptions | None = None) -> None:
        self.command = command
        self.options = options or TransportOptions()
        #: Every process of this implementation carries it: what a case leaves behind is found by it.
        self._token = _process.new_token()
        self._swept = time.monotonic()

    def start(self) -> ImplInfo:
        self.info = ImplInfo(
            name=self.options.name or self.command,
            version=self.options.version or "unknown",
            language=self.options.language or "unknown",
            kinds=("job", "result", "progress", "worker"),
            classes=VALIDATE_CLASSES,
        )
        return self.info

    def validate(self, kind: str, data: bytes) -> Reply:
        # The kind is one of four fixed words; quoting keeps a future odd kind from reaching the shell.
        command = self.command.replace("{kind}", shlex.quote(kind))
        try:
            # No pdeathsig: it would double the spawn cost of a quick command (see _process).
            proc = _process.spawn(command, self._token, pdeathsig=False)
        except OSError as error:
            return Reply("errored", message=f"cannot run {command!r}: {error}")
        out, err = Capped(STDOUT_HEAD), Capped(STDERR_HEAD, STDERR_TAIL)
        killed = False
        try:
            done = _run(proc, data, out, err, time.monotonic() + self.options.timeout)
            status = _process.kill(proc, sweep_token=False)  # the group, before the pid is reaped
            killed = True
            held = _drain(proc, (out, err))
        finally:
            if not killed:  # interrupted (an exception, a signal): leave nothing running
                _process.kill(proc, sweep_token=False)
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()
        if held or time.monotonic() - self._swept >= SWEEP_EVERY:
            # Someone outside the group still holds a pipe, or it is time: kill what left the group.
            _process.sweep(self._token)
            self._swept = time.monotonic()
        stderr = err.text("stderr")
        if not done:
            return Reply("timeout", message=f"no exit within {self.options.timeout:g} s", stderr=stderr)
        return _verdict(status, out, stderr)

    def close(self) -> None:
        _process.sweep(self._token)


def _run(proc: subprocess.Popen[bytes], data: bytes, out: Capped, err: Capped, deadline: float) -> bool:
    """Feed stdin and read stdout and stderr until the process exits (True) or the deadline (False)."""
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    sink = {proc.stdout.fileno(): out, proc.stderr.fileno(): err}
    fd_in = proc.stdin.fileno()
    pidfd = _process.exit_fd(proc)
    view = memoryview(data)
    sel = selectors.DefaultSelector()
    try:
        for fd in sink:
            os.set_blocking(fd, False)
            sel.register(fd, selectors.EVENT_READ)
        if view:
            os.set_blocking(fd_in, False)
            sel.register(fd_in, selectors.EVENT_WRITE)
        else:
            proc.stdin.close()
        if pidfd is not None:
            sel.register(pidfd, selectors.EVENT_READ)
        # Without a pidfd, the exit is polled: at 1 ms at first (most commands are quick), then up to 50 ms.
        poll = 0.001
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                # One last look: a command that exited in time is no timeout, however late this side looks.
                return _process.exited(proc)
            gone = False
            for key, _ in sel.select(remaining if pidfd is not None else min(remaining, poll)):
                fd = key.fd
                if fd == pidfd:
                    gone = True
                    continue
                if fd == fd_in:
                    try:
                        view = view[os.write(fd, view[:_CHUNK]) :]
                    except BlockingIOError:
                        continue
                    except OSError:  # the command closed its stdin (EPIPE): it will read no more
                        view = view[:0]
                    if not view:
                        sel.unregister(fd)
                        proc.stdin.close()
                    continue
                try:
                    chunk = os.read(fd, _CHUNK)
                except BlockingIOError:
                    continue
                if chunk:
                    sink[fd].add(chunk)
                else:
                    sel.unregister(fd)
            if pidfd is None:
                poll = min(poll * 2, 0.05)
                gone = _process.exited(proc)
            if gone:
                return True
    finally:
        sel.close()
        if pidfd is not None:
            os.close(pidfd)


def _drain(proc: subprocess.Popen[bytes], sinks: tuple[Capped, Capped]) -> bool:
    """Read what the pipes already hold (at most :data:`DRAIN` bytes each); whether one is still held open
    by a process that is not dead (one that left the process group)."""
    held = False
    for stream, sink in zip((proc.stdout, proc.stderr), sinks, strict=True):
        assert stream is not None
        fd, budget = stream.fileno(), DRAIN
        while True:
            if budget <= 0:
                held = True
                break
            try:
                chunk = os.read(fd, _CHUNK)
            except BlockingIOError:
                held = True
                break
            except OSError:
                break
            if not chunk:
                break
            sink.add(chunk)
            budget -= len(chunk)
    return held


def _verdict(status: int | None, out: Capped, stderr: str) -> Reply:
    if status == 0:
        return Reply("ok", valid=True, stderr=stderr)
    if status == 1:
        return Reply("ok", valid=False, stderr=stderr)
    seen = ""
    if out.total:
        dropped = out.dropped("stdout")
        seen = f"; stdout: {excerpt(bytes(out.head))}" + (f" {dropped}" if dropped else "")
    if status is None:  # it exited, but could not be reaped: a process stuck in the kernel
        return Reply("errored", message=f"the command exited, but its status could not be collected{seen}",
                     stderr=stderr)  # fmt: skip
    if status < 0:
        return Reply("crash", message=f"the command {describe_exit(status)}{seen}", stderr=stderr)
    if 128 < status <= 128 + 64:
        # The shell reports a child killed by signal N as 128+N.
        try:
            name = signal.Signals(status - 128).name
        except ValueError:
            name = str(status - 128)
        return Reply("crash", message=f"the command exited with status {status}: killed by {name}{seen}",
                     stderr=stderr)  # fmt: skip
    hint = " (the shell could not find the command)" if status == 127 else ""
    return Reply(
        "errored",
        message=f"exit status {status}{hint}: expected 0 (valid) or 1 (invalid){seen}",
        stderr=stderr,
    )
