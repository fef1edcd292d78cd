"""Persistent subprocess: ``--cmd 'COMMAND'``, JSON Lines over the child's stdin and stdout (ADAPTER.md §1).

Lifecycle, and what each step can raise or record:

* spawn: COMMAND through the shell, in its own process group (so a kill reaches its children too);
* ``start``: a reply that never comes, is not JSON, breaks ``start-reply.json`` or names another protocol
  raises :class:`~.base.TransportError` (:class:`CannotStart`, :class:`WrongProtocol`): the run cannot go on;
* requests: pipelined, up to ``window`` in flight, one event loop over stdin, stdout and stderr (so neither
  side ever blocks on a full pipe, and a chatty stderr never stalls the child). Each reply is checked: JSON,
  its ``seq``, its schema — a fault is an ``errored`` reply carrying what was received (bounded);
* timeout / crash / unbounded line: the process group is killed and restarted with ``start`` replayed; the
  requests still in flight are sent again. A crash with several requests in flight is not blamed on any of
  them: they are re-sent one at a time so the next crash names the request that caused it;
* past ``max_restarts`` restarts, :class:`ImplementationGone` is raised: the remaining cases are not run;
* ``close``: ``stop``, a short grace period, then the process group is killed.
"""

from __future__ import annotations

import base64
import json
import os
import selectors
import signal
import subprocess
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import safejson
from ..model import ImplInfo, Reply
from . import _process
from .base import CannotStart, Implementation, ImplementationGone, TransportError, TransportOptions, WrongProtocol
from .wire import problem

PROTOCOL = 1
#: The longest reply line accepted; a longer one is an ``errored`` reply and the child is restarted.
MAX_LINE = 16 * 1024 * 1024
#: How much of a bad reply is kept as evidence.
EVIDENCE = 300
#: stderr kept per request, and outside requests.
STDERR_CAP = 8 * 1024
_CHUNK = 1 << 16


def excerpt(data: bytes | str, limit: int = EVIDENCE) -> str:
    """A bounded, printable rendering of what was received."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f" ... ({len(text):,} characters)"


def describe_exit(status: int | None) -> str:
    if status is None:
        return "closed its stdout"
    if status < 0:
        try:
            return f"was killed by signal {signal.Signals(-status).name}"
        except ValueError:
            return f"was killed by signal {-status}"
    return f"exited with status {status}"


def document_fields(data: bytes) -> dict[str, str]:
    """``document`` (exact text) for UTF-8 bytes, ``document_base64`` otherwise."""
    try:
        return {"document": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"document_base64": base64.b64encode(data).decode("ascii")}


class _Conflict(Exception):
    """A member named twice in one object, with two different values."""


def _no_conflict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: dict[str, Any] = {}
        for name, value in pairs:
            if name in seen and not _same(seen[name], value):
                first, then = (excerpt(json.dumps(v), 60) for v in (seen[name], value))
                raise _Conflict(f"member {name!r} appears twice with different values ({first}, then {then})")
            seen[name] = value
    return obj


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON values: ``true`` is not ``1``, ``1`` is not ``1.0``."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def ambiguity(line: bytes) -> str | None:
    """Why a line that :func:`safejson.loads` read is ambiguous — a member named twice in one object with two
    different values, of which a reader keeps either — or None. The same member repeated with the same value
    says one thing and is accepted."""
    try:
        json.loads(line, object_pairs_hook=_no_conflict)
    except _Conflict as err:
        return str(err)
    except (ValueError, RecursionError):
        return None  # safejson.loads already read it; nothing more to say here
    return None


def validate_reply(obj: dict[str, Any]) -> Reply:
    return Reply("ok", valid=obj["valid"], errors=tuple(obj.get("errors", ())), warnings=tuple(obj.get("warnings", ())))


def roundtrip_reply(obj: dict[str, Any]) -> Reply:
    return Reply("ok", document=obj["document"])


def match_reply(obj: dict[str, Any]) -> Reply:
    return Reply("ok", valid=obj["ok"], missing=tuple(obj["missing"]))


@dataclass(slots=True)
class _Request:
    body: dict[str, Any]
    #: The schema the reply must satisfy, and how a conforming reply becomes a Reply.
    reply_schema: str
    convert: Callable[[dict[str, Any]], Reply]
    seq: int = -1
    #: Set after an unattributed crash: send it alone, so a crash names it.
    alone: bool = False
    #: A reply known without asking (the request was never sent); kept in order with the others.
    done: Reply | None = None


@dataclass(slots=True)
class _Flight:
    """The requests of one exchange: where new ones come from, those in flight (answered in order), and
    those to send again, first, after a restart."""

    source: Iterator[_Request]
    pending: deque[_Request] = field(default_factory=deque)
    resend: deque[_Request] = field(default_factory=deque)
    #: The source has no request left.
    exhausted: bool = False
    #: The head request's reply is due ``timeout`` after this: when it was sent, or the one before it answered.
    since: float = field(default_factory=time.monotonic)

    def known(self) -> Iterator[Reply]:
        """The replies at the head known without asking (requests never sent), in order."""
        while self.pending and (done := self.pending[0].done) is not None:
            self.pending.popleft()
            yield done


@dataclass(eq=False, slots=True)
class _Child:
    """One running implementation process and what goes with it: its three pipes (non-blocking), the
    selector that pumps them, what is read and not yet taken, what is to write, and its stderr (bounded).
    Made by :meth:`spawn`, ended by :meth:`kill`; a restart makes a new one."""

    proc: subprocess.Popen[bytes]
    fd_in: int
    fd_out: int
    fd_err: int
    selector: selectors.BaseSelector
    #: Whether ``fd_in`` is registered for writing (there is something to write).
    writing: bool = False
    #: stdout is closed.
    eof: bool = False
    #: stdout read and not yet returned as lines, and where the search for the next newline resumes.
    received: bytearray = field(default_factory=bytearray)
    scan: int = 0
    #: Bytes read from stdout in all.
    seen: int = 0
    #: Requests not yet written to stdin.
    unsent: bytearray = field(default_factory=bytearray)
    #: stderr not yet taken (at most STDERR_CAP bytes), and how many bytes past that were dropped.
    err_kept: bytearray = field(default_factory=bytearray)
    err_dropped: int = 0

    @classmethod
    def spawn(cls, command: str) -> _Child:
        # Its own session, a run token, pdeathsig, tracked until kill (see _process).
        proc = _process.spawn(command)
        assert proc.stdin and proc.stdout and proc.stderr
        fd_in, fd_out, fd_err = proc.stdin.fileno(), proc.stdout.fileno(), proc.stderr.fileno()
        for fd in (fd_in, fd_out, fd_err):
            os.set_blocking(fd, False)
        selector = selectors.DefaultSelector()
        selector.register(fd_out, selectors.EVENT_READ)
        selector.register(fd_err, selectors.EVENT_READ)
        return cls(proc, fd_in, fd_out, fd_err, selector)

    def kill(self) -> int | None:
        """Kill the process group and what left it (by its run token); the exit status. What is left on
        stderr is read (for :meth:`take_stderr`); the pipes and the selector are closed."""
        status = _process.kill(self.proc)
        try:
            while chunk := os.read(self.fd_err, _CHUNK):
                self._add_stderr(chunk)
        except (BlockingIOError, OSError):
            pass
        self.selector.close()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        return status

    def exit_status(self, wait: float) -> int | None:
        """The exit status of a child that closed its stdout, waiting up to ``wait`` s; None if it still runs."""
        try:
            return self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return None

    # -- stderr --------------------------------------------------------------------------------------------
    def _add_stderr(self, chunk: bytes) -> None:
        room = STDERR_CAP - len(self.err_kept)
        if room > 0:
            self.err_kept += chunk[:room]
        self.err_dropped += max(0, len(chunk) - max(room, 0))

    def take_stderr(self) -> str:
        """What the child wrote to stderr since the last call (bounded, with the count of bytes dropped)."""
        if not self.err_kept and not self.err_dropped:
            return ""
        text = self.err_kept.decode("utf-8", "replace")
        if self.err_dropped:
            text += f"\n... ({self.err_dropped:,} more bytes of stderr dropped)"
        self.err_kept.clear()
        self.err_dropped = 0
        return text

    # -- the event loop ------------------------------------------------------------------------------------
    def send(self, body: dict[str, Any]) -> None:
        self.unsent += json.dumps(body).encode("ascii") + b"\n"

    def next_line(self, deadline: float) -> tuple[str, bytes]:
        """The next stdout line, or ``("timeout" | "eof" | "toolong", evidence)``; pumps all three pipes."""
        late = 0  # reads past the deadline
        while True:
            nl = self.received.find(b"\n", self.scan)
            if nl >= 0:
                line = bytes(self.received[:nl])
                del self.received[: nl + 1]
                self.scan = 0
                return "line", line
            self.scan = len(self.received)
            if self.scan > MAX_LINE:
                return "toolong", bytes(self.received[:EVIDENCE])
            if self.eof:
                return "eof", bytes(self.received[:EVIDENCE])
            if self.unsent:
                self._write_some()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                # One last look before a timeout: a reply already in the pipe came in time, however late this
                # side reads it (the harness paused, busy writing other workers' records, descheduled). Bounded
                # (at most MAX_LINE in 64 KiB reads): a child dribbling bytes cannot keep it going.
                if late < MAX_LINE // _CHUNK and self._pump(0):
                    late += 1
                    continue
                return "timeout", bytes(self.received[:EVIDENCE])
            self._pump(remaining)

    def _pump(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for a pipe to be ready, and move what each ready one can; whether anything
        came on stdout (bytes or its end)."""
        moved = False
        for key, mask in self.selector.select(timeout):
            fd = key.fd
            if fd == self.fd_err:
                try:
                    chunk = os.read(fd, _CHUNK)
                except BlockingIOError:
                    continue
                if chunk:
                    self._add_stderr(chunk)
                else:
                    self.selector.unregister(fd)
            elif fd == self.fd_out:
                try:
                    chunk = os.read(fd, _CHUNK)
                except BlockingIOError:
                    continue
                moved = True
                if chunk:
                    self.received += chunk
                    self.seen += len(chunk)
                else:
                    self.eof = True
            elif mask & selectors.EVENT_WRITE:
                self._write_some()
        return moved

    def _write_some(self) -> None:
        try:
            n = os.write(self.fd_in, self.unsent[:_CHUNK])
            del self.unsent[:n]
        except BlockingIOError:
            pass
        except (BrokenPipeError, OSError):
            # The child closed its stdin: it is exiting or will never read again; stdout's EOF tells.
            self.unsent.clear()
        want = bool(self.unsent)
        if want != self.writing:
            self.writing = want
            if want:
                self.selector.register(self.fd_in, selectors.EVENT_WRITE)
            else:
                self.selector.unregister(self.fd_in)


class Persistent(Implementation):
    """An implementation driven over the persistent adapter protocol."""

    def __init__(self, command: str, options: TransportOptions | None = None) -> None:
        self.command = command
        self.options = options or TransportOptions()
        self.restarts = 0
        #: What the child wrote to stderr outside any request (start-up, between requests, shut-down).
        self.stderr = ""
        #: The running process; None before start, after close, and between a kill and the restart.
        self._child: _Child | None = None
        self._seq = 0
        self._gone: str | None = None
        #: Set when the child died or hung: it is restarted before the next request is sent.
        self._broken: str | None = None
        #: Whether that restart counts against the budget (not when the caller merely stopped early).
        self._broken_counts = True
        self._started = False

    # -- process ------------------------------------------------------------------------------------------
    def _alive(self) -> _Child:
        if self._child is None:
            raise TransportError("the implementation is not running: it was never started, or it was closed")
        return self._child

    def _kill(self) -> tuple[int | None, str]:
        """Kill the child and let it go: its exit status and the stderr it left untaken."""
        child, self._child = self._child, None
        if child is None:
            return None, ""
        status = child.kill()
        return status, child.take_stderr()

    def _keep_stderr(self, text: str) -> None:
        """File stderr written outside any request under :attr:`stderr` (bounded)."""
        if text and len(self.stderr) < 4 * STDERR_CAP:
            self.stderr = (self.stderr + text)[: 4 * STDERR_CAP]

    # -- start -------------------------------------------------------------------------------------------
    @property
    def start_timeout(self) -> float:
        return self.options.start_timeout if self.options.start_timeout is not None else max(self.options.timeout, 10.0)

    def _handshake(self) -> ImplInfo:
        try:
            self._child = child = _Child.spawn(self.command)
        except OSError as err:
            raise CannotStart(f"cannot start {self.command!r}: {err}") from err
        child.send({"cmd": "start", "protocol": PROTOCOL})
        what, line = child.next_line(time.monotonic() + self.start_timeout)
        if what != "line":
            status, stderr = self._kill()
            # Not a byte on stdout: what a reply written and never flushed looks like from here.
            silent = "" if child.seen else " (not a byte on its stdout: is its reply waiting in an unflushed buffer?)"
            seen = {
                "timeout": f"did not answer 'start' within {self.start_timeout:g} s{silent}",
                "eof": f"{describe_exit(status)} before answering 'start'",
                "toolong": f"answered 'start' with a line over {MAX_LINE:,} bytes",
            }[what]
            stderr = stderr.strip()
            hint = f"; its stderr: {excerpt(stderr[-1000:], 1000)}" if stderr else ""
            raise CannotStart(f"cannot start {self.command!r}: it {seen}{hint}")
        try:
            obj = safejson.loads(line)
        except ValueError as err:
            self._kill()
            raise CannotStart(
                f"cannot start {self.command!r}: its reply to 'start' is {err}; received: {excerpt(line)}"
            ) from None
        if isinstance(obj, dict) and obj.get("protocol") != PROTOCOL and "protocol" in obj:
            self._kill()
            raise WrongProtocol(
                f"{self.command!r} speaks adapter protocol {obj['protocol']!r}; this suite speaks protocol "
                f"{PROTOCOL}. Upgrade one of the two so that they agree."
            )
        broken = problem("start-reply", obj)
        unclear = None if broken else ambiguity(line)
        if unclear:
            self._kill()
            raise CannotStart(f"cannot start {self.command!r}: its reply to 'start' is ambiguous: {unclear}; "
                              f"received: {excerpt(line)}")  # fmt: skip
        if broken:
            self._kill()
            raise CannotStart(f"cannot start {self.command!r}: its reply to 'start' breaks {broken}; "
                              f"received: {excerpt(line)}")  # fmt: skip
        self._keep_stderr(child.take_stderr())
        impl = obj["implementation"]
        return ImplInfo(
            name=impl["name"],
            version=impl["version"],
            language=impl["language"],
            homepage=impl.get("homepage"),
            kinds=tuple(obj["kinds"]),
            classes=tuple(obj["classes"]),
        )

    def start(self) -> ImplInfo:
        self.info = self._handshake()
        self._started = True
        return self.info

    def _restart(self, why: str, count: bool = True) -> None:
        """Kill and start again with ``start`` replayed; past the budget, the implementation is gone."""
        self._broken = None
        self._keep_stderr(self._kill()[1])
        while True:
            self.restarts += count
            if self.restarts > self.options.max_restarts:
                self._gone = (
                    f"the implementation was restarted {self.options.max_restarts} times (the budget, "
                    f"--max-restarts) and {why}; the remaining cases are not run"
                )
                raise ImplementationGone(self._gone)
            try:
                self._handshake()
                return
            except TransportError as err:
                why = f"failed to restart: {err}"
                count = True  # a failed restart always spends budget, so this loop ends

    # -- requests ----------------------------------------------------------------------------------------
    def _exchange(self, requests: Iterable[_Request]) -> Iterator[Reply]:
        """Replies in request order, with up to ``window`` requests in flight. Each round fills the window,
        yields the replies known without asking, then waits for the head's reply: it comes (:meth:`_take`),
        or it does not (:meth:`_fault`), and the child is restarted."""
        if self._gone:
            raise ImplementationGone(self._gone)
        if not self._started:
            raise TransportError("the implementation is not started; call start() first")
        if self._broken:
            self._restart(self._broken, count=self._broken_counts)
        flight = _Flight(iter(requests))
        window = max(1, self.options.window)
        try:
            while True:
                self._fill(flight, window)
                yield from flight.known()
                if not flight.pending:
                    if flight.resend or not flight.exhausted:
                        continue
                    return
                what, line = self._alive().next_line(flight.since + self.options.timeout)
                if what == "line":
                    yield self._take(flight, line)
                    continue
                reply = self._fault(flight, what, line)
                if reply is not None:
                    yield reply
                    self._restart(f"then {reply.message}")
                    flight.since = time.monotonic()
        finally:
            if flight.pending and self._child is not None and not self._gone and not self._broken:
                # The caller stopped early: replies still in flight would answer the next request, so the
                # child is restarted before the next one (not now: the caller may be on its way out).
                self._broken, self._broken_counts = "could not be restarted after replies were abandoned", False

    def _fill(self, flight: _Flight, window: int) -> None:
        """Send requests (those to re-send first) until ``window`` are in flight, the source is exhausted, or
        a request that goes alone is in flight or waits for the others to be answered."""
        pending, resend = flight.pending, flight.resend
        while len(pending) < window:
            if resend:
                if resend[0].alone and pending:
                    return
                req = resend.popleft()
            else:
                if pending and pending[-1].alone:
                    return
                nxt = next(flight.source, None)
                if nxt is None:
                    flight.exhausted = True
                    return
                req = nxt
            self._seq += 1
            req.seq = self._seq
            req.body["seq"] = req.seq
            err = problem(f"{req.body['cmd']}-request", req.body)
            if err:
                # Never sent: the suite would break its own contract (a case with an unknown kind).
                req.done = Reply("errored", message=f"request not sent: it breaks {err}")
                pending.append(req)
                continue
            if not pending:
                flight.since = time.monotonic()
            self._alive().send(req.body)
            pending.append(req)
            if req.alone:
                return

    def _take(self, flight: _Flight, line: bytes) -> Reply:
        """The head request's reply, from the line that answered it."""
        head = flight.pending.popleft()
        flight.since = time.monotonic()
        return self._reply(head, line)

    def _fault(self, flight: _Flight, what: str, evidence: bytes) -> Reply | None:
        """No reply to the head request (``timeout``, ``eof``, ``toolong``): every request in flight is taken
        back. A crash with several in flight is nobody's yet: they are re-sent one at a time, after a restart
        done here, and None is returned. Otherwise the head's reply, the others queued to be re-sent and the
        child marked broken: the caller yields the reply, then restarts."""
        head, *rest = flight.pending
        flight.pending.clear()
        if what == "eof" and rest and not head.alone:
            # Several in flight: the crash may be any one's; re-send them one at a time.
            status = self._alive().proc.poll()
            for r in (head, *rest):
                r.alone = True
            flight.resend.extendleft(reversed([head, *rest]))
            self._restart(f"{describe_exit(status)} again")
            flight.since = time.monotonic()
            return None
        reply = self._unanswered(what, evidence)
        flight.resend.extendleft(reversed(rest))
        # Restarted before anything else is sent (by the caller, or at the next request if the caller stops).
        self._broken, self._broken_counts = f"then {reply.message}", True
        return reply

    def _unanswered(self, what: str, evidence: bytes) -> Reply:
        """The reply of a request whose answer never came: a ``timeout``, a ``crash`` (``eof``), or ``errored``
        for a line over :data:`MAX_LINE` (``toolong``)."""
        child = self._alive()
        stderr = child.take_stderr()
        if what == "timeout":
            partial = f"; partial output: {excerpt(evidence)}" if evidence else ""
            return Reply("timeout", message=f"no reply within {self.options.timeout:g} s{partial}", stderr=stderr)
        if what == "eof":
            status = child.exit_status(min(1.0, self.options.timeout))
            stderr = stderr + child.take_stderr()
            return Reply("crash", message=f"the implementation {describe_exit(status)}", stderr=stderr)
        return Reply(
            "errored",
            message=f"a reply line longer than {MAX_LINE:,} bytes; it begins {excerpt(evidence)}",
            stderr=stderr,
        )

    def _reply(self, req: _Request, line: bytes) -> Reply:
        stderr = self._alive().take_stderr()
        try:
            obj = safejson.loads(line)
        except ValueError as bad:
            return Reply("errored", message=f"the reply is {bad}; received: {excerpt(line)}", stderr=stderr)
        if type(obj) is dict and "seq" in obj and obj["seq"] != req.seq:
            return Reply(
                "errored",
                message=f"wrong seq: expected {req.seq}, got {obj['seq']!r}; received: {excerpt(line)}",
                stderr=stderr,
            )
        err = problem(req.reply_schema, obj)
        if err:
            return Reply("errored", message=f"the reply breaks {err}; received: {excerpt(line)}", stderr=stderr)
        unclear = ambiguity(line)
        if unclear:
            return Reply("errored", message=f"the reply is ambiguous: {unclear}; received: {excerpt(line)}",
                         stderr=stderr)  # fmt: skip
        if obj.get("skipped") is True:
            return Reply("declined", message=f"declined by the implementation: {obj.get('reason', '')}", stderr=stderr)
        if obj.get("errored") is True:
            return Reply(
                "errored", message=f"the implementation reported an error: {obj.get('message', '')}", stderr=stderr
            )
        reply = req.convert(obj)
        if stderr:
            reply = Reply(reply.status, reply.valid, reply.errors, reply.warnings, reply.document, reply.missing,
                          reply.message, stderr)  # fmt: skip
        return reply

    def validate_many(self, items: Iterable[tuple[str, bytes]]) -> Iterator[Reply]:
        return self._exchange(
            _Request({"cmd": "validate", "seq": 0, "kind": kind, **document_fields(data)}, "validate-reply",
                     validate_reply)
            for kind, data in items
        )  # fmt: skip

    def _one(self, request: _Request) -> Reply:
        return next(self._exchange([request]))

    def validate(self, kind: str, data: bytes) -> Reply:
        return self._one(
            _Request({"cmd": "validate", "seq": 0, "kind": kind, **document_fields(data)}, "validate-reply",
                     validate_reply)
        )  # fmt: skip

    def roundtrip(self, kind: str, data: bytes) -> Reply:
        return self._one(
            _Request({"cmd": "roundtrip", "seq": 0, "kind": kind, **document_fields(data)}, "roundtrip-reply",
                     roundtrip_reply)
        )  # fmt: skip

    def match(self, required: list[str], available: list[str]) -> Reply:
        return self._one(
            _Request({"cmd": "match", "seq": 0, "required": list(required), "available": list(available)},
                     "match-reply", match_reply)
        )  # fmt: skip

    def close(self) -> None:
        child = self._child
        if child is None:
            return
        try:
            child.send({"cmd": "stop"})
            deadline = time.monotonic() + min(1.0, self.options.timeout)
            while child.proc.poll() is None and time.monotonic() < deadline:
                what, _ = child.next_line(min(deadline, time.monotonic() + 0.05))
                if what == "eof":
                    child.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
                    break
        except (OSError, subprocess.TimeoutExpired):
            pass
        self._keep_stderr(self._kill()[1])
