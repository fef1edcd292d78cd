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
from dataclasses import dataclass
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


class Persistent(Implementation):
    """An implementation driven over the persistent adapter protocol."""

    def __init__(self, command: str, options: TransportOptions | None = None) -> None:
        self.command = command
        self.options = options or TransportOptions()
        self.restarts = 0
        #: What the child wrote to stderr outside any request (start-up, between requests, shut-down).
        self.stderr = ""
        self._proc: subprocess.Popen[bytes] | None = None
        self._seq = 0
        self._gone: str | None = None
        #: Set when the child died or hung: it is restarted before the next request is sent.
        self._broken: str | None = None
        #: Whether that restart counts against the budget (not when the caller merely stopped early).
        self._broken_counts = True
        self._started = False

    # -- process ------------------------------------------------------------------------------------------
    def _spawn(self) -> None:
        # Its own session, a run token, pdeathsig, tracked until _kill (see _process).
        self._proc = _process.spawn(self.command)
        assert self._proc.stdin and self._proc.stdout and self._proc.stderr
        self._in, self._out, self._err = (
            self._proc.stdin.fileno(),
            self._proc.stdout.fileno(),
            self._proc.stderr.fileno(),
        )
        for fd in (self._in, self._out, self._err):
            os.set_blocking(fd, False)
        self._sel = selectors.DefaultSelector()
        self._sel.register(self._out, selectors.EVENT_READ)
        self._sel.register(self._err, selectors.EVENT_READ)
        self._writing = False
        self._eof = False
        self._buf = bytearray()
        self._scan = 0
        self._pending_out = bytearray()
        self._errbuf = bytearray()
        self._err_dropped = 0

    def _kill(self) -> int | None:
        """Kill the process group and what left it (by its run token), collect the status and what is left
        on stderr."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        status = _process.kill(proc)
        self._drain_stderr_after_exit()
        self._sel.close()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass
        return status

    def _drain_stderr_after_exit(self) -> None:
        try:
            while chunk := os.read(self._err, _CHUNK):
                self._add_stderr(chunk)
        except (BlockingIOError, OSError):
            pass

    def _add_stderr(self, chunk: bytes) -> None:
        room = STDERR_CAP - len(self._errbuf)
        if room > 0:
            self._errbuf += chunk[:room]
        self._err_dropped += max(0, len(chunk) - max(room, 0))

    def _take_stderr(self) -> str:
        if not self._errbuf and not self._err_dropped:
            return ""
        text = self._errbuf.decode("utf-8", "replace")
        if self._err_dropped:
            text += f"\n... ({self._err_dropped:,} more bytes of stderr dropped)"
        self._errbuf.clear()
        self._err_dropped = 0
        return text

    def _keep_stderr(self) -> None:
        """File stderr written outside any request under :attr:`stderr` (bounded)."""
        text = self._take_stderr()
        if text and len(self.stderr) < 4 * STDERR_CAP:
            self.stderr = (self.stderr + text)[: 4 * STDERR_CAP]

    # -- the event loop ------------------------------------------------------------------------------------
    def _send(self, body: dict[str, Any]) -> None:
        self._pending_out += json.dumps(body).encode("ascii") + b"\n"

    def _next_line(self, deadline: float) -> tuple[str, bytes]:
        """The next stdout line, or ``("timeout" | "eof" | "toolong", evidence)``; pumps all three pipes."""
        while True:
            nl = self._buf.find(b"\n", self._scan)
            if nl >= 0:
                line = bytes(self._buf[:nl])
                del self._buf[: nl + 1]
                self._scan = 0
                return "line", line
            self._scan = len(self._buf)
            if self._scan > MAX_LINE:
                return "toolong", bytes(self._buf[:EVIDENCE])
            if self._eof:
                return "eof", bytes(self._buf[:EVIDENCE])
            if self._pending_out:
                self._write_some()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout", bytes(self._buf[:EVIDENCE])
            for key, mask in self._sel.select(remaining):
                fd = key.fd
                if fd == self._err:
                    try:
                        chunk = os.read(fd, _CHUNK)
                    except BlockingIOError:
                        continue
                    if chunk:
                        self._add_stderr(chunk)
                    else:
                        self._sel.unregister(fd)
                elif fd == self._out:
                    try:
                        chunk = os.read(fd, _CHUNK)
                    except BlockingIOError:
                        continue
                    if chunk:
                        self._buf += chunk
                    else:
                        self._eof = True
                elif mask & selectors.EVENT_WRITE:
                    self._write_some()

    def _write_some(self) -> None:
        try:
            n = os.write(self._in, self._pending_out[:_CHUNK])
            del self._pending_out[:n]
        except BlockingIOError:
            pass
        except (BrokenPipeError, OSError):
            # The child closed its stdin: it is exiting or will never read again; stdout's EOF tells.
            self._pending_out.clear()
        want = bool(self._pending_out)
        if want != self._writing:
            self._writing = want
            if want:
                self._sel.register(self._in, selectors.EVENT_WRITE)
            else:
                self._sel.unregister(self._in)

    # -- start -------------------------------------------------------------------------------------------
    @property
    def start_timeout(self) -> float:
        return self.options.start_timeout if self.options.start_timeout is not None else max(self.options.timeout, 10.0)

    def _handshake(self) -> ImplInfo:
        try:
            self._spawn()
        except OSError as err:
            raise CannotStart(f"cannot start {self.command!r}: {err}") from err
        self._send({"cmd": "start", "protocol": PROTOCOL})
        what, line = self._next_line(time.monotonic() + self.start_timeout)
        if what != "line":
            status = self._kill()
            seen = {
                "timeout": f"did not answer 'start' within {self.start_timeout:g} s",
                "eof": f"{describe_exit(status)} before answering 'start'",
                "toolong": f"answered 'start' with a line over {MAX_LINE:,} bytes",
            }[what]
            stderr = self._take_stderr().strip()
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
        if broken:
            self._kill()
            raise CannotStart(f"cannot start {self.command!r}: its reply to 'start' breaks {broken}; "
                              f"received: {excerpt(line)}")  # fmt: skip
        self._keep_stderr()
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

    def _exit_status(self) -> int | None:
        """The exit status of a child that closed its stdout, waiting briefly; None if it is still running."""
        if self._proc is None:
            return None
        try:
            return self._proc.wait(timeout=min(1.0, self.options.timeout))
        except subprocess.TimeoutExpired:
            return None

    def _restart(self, why: str, count: bool = True) -> None:
        """Kill and start again with ``start`` replayed; past the budget, the implementation is gone."""
        self._broken = None
        self._kill()
        self._keep_stderr()
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
        """Replies in request order, with up to ``window`` requests in flight."""
        if self._gone:
            raise ImplementationGone(self._gone)
        if not self._started:
            raise TransportError("the implementation is not started; call start() first")
        if self._broken:
            self._restart(self._broken, count=self._broken_counts)
        source = iter(requests)
        pending: deque[_Request] = deque()
        resend: deque[_Request] = deque()
        window = max(1, self.options.window)
        since = time.monotonic()
        exhausted = False
        try:
            while True:
                while len(pending) < window:
                    if resend:
                        if resend[0].alone and pending:
                            break
                        req = resend.popleft()
                    else:
                        if pending and pending[-1].alone:
                            break
                        nxt = next(source, None)
                        if nxt is None:
                            exhausted = True
                            break
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
                        since = time.monotonic()
                    self._send(req.body)
                    pending.append(req)
                    if req.alone:
                        break
                while pending and pending[0].done is not None:
                    done = pending.popleft().done
                    assert done is not None
                    yield done
                if not pending:
                    if resend or not exhausted:
                        continue
                    return
                head = pending[0]
                what, line = self._next_line(since + self.options.timeout)
                if what == "line":
                    pending.popleft()
                    since = time.monotonic()
                    yield self._reply(head, line)
                    continue
                rest = list(pending)[1:]
                pending.clear()
                if what == "eof" and len(rest) > 0 and not head.alone:
                    # Several in flight: the crash may be any one's; re-send them one at a time.
                    status = self._proc.poll() if self._proc else None
                    for r in [head, *rest]:
                        r.alone = True
                    resend.extendleft(reversed([head, *rest]))
                    self._restart(f"{describe_exit(status)} again")
                    since = time.monotonic()
                    continue
                stderr = self._take_stderr()
                if what == "timeout":
                    reply = Reply(
                        "timeout",
                        message=f"no reply within {self.options.timeout:g} s"
                        + (f"; partial output: {excerpt(line)}" if line else ""),
                        stderr=stderr,
                    )
                elif what == "eof":
                    status = self._exit_status()
                    stderr = stderr + self._take_stderr()
                    reply = Reply("crash", message=f"the implementation {describe_exit(status)}", stderr=stderr)
                else:
                    reply = Reply(
                        "errored",
                        message=f"a reply line longer than {MAX_LINE:,} bytes; it begins {excerpt(line)}",
                        stderr=stderr,
                    )
                resend.extendleft(reversed(rest))
                # Restarted before anything else is sent (here, or at the next request if the caller stops).
                self._broken, self._broken_counts = f"then {reply.message}", True
                yield reply
                self._restart(self._broken)
                since = time.monotonic()
        finally:
            if pending and self._proc is not None and not self._gone and not self._broken:
                # The caller stopped early: replies still in flight would answer the next request, so the
                # child is restarted before the next one (not now: the caller may be on its way out).
                self._broken, self._broken_counts = "could not be restarted after replies were abandoned", False

    def _reply(self, req: _Request, line: bytes) -> Reply:
        stderr = self._take_stderr()
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
        if self._proc is None:
            return
        try:
            self._send({"cmd": "stop"})
            deadline = time.monotonic() + min(1.0, self.options.timeout)
            while self._proc.poll() is None and time.monotonic() < deadline:
                what, _ = self._next_line(min(deadline, time.monotonic() + 0.05))
                if what == "eof":
                    self._proc.wait(timeout=max(0.0, deadline - time.monotonic()))
                    break
        except (OSError, subprocess.TimeoutExpired):
            pass
        self._kill()
        self._keep_stderr()
