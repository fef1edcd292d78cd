"""``vmjob serve``: the reference as an HTTP service (ADAPTER.md §3), a WSGI app on waitress.

``POST /{kind}`` (and ``POST /api/v1/jobs``, the upstream worker's endpoint, for jobs) answers 200
``{"valid": true, "warnings": [...]}`` or 422 ``{"valid": false, "errors": [...], "warnings": [...]}``.
``GET /`` (or a GET on an endpoint) describes the service: ``{"name", "version", "language", "endpoints"}``,
which ``vmjob certify --url`` puts in its reports.

**Every other status has a JSON body of one shape**, ``{"error": {"code": CODE, "message": TEXT}}``, the ones
waitress produces itself included (its own plain-text error pages are replaced):

=====  ===========================  ==============================================================
400    ``bad_request``              a malformed request line, header or Content-Length
404    ``not_found``                a path that is not an endpoint
405    ``method_not_allowed``       another method than POST or GET (with ``Allow: GET, POST``)
408    ``request_timeout``          the request did not arrive within the request timeout
413    ``content_too_large``        a body over 16 MiB (refused from Content-Length before it is read)
431    ``header_fields_too_large``  headers over 256 KiB
500    ``internal_error``           an exception while handling the request (logged on stderr)
501    ``not_implemented``          a Transfer-Encoding waitress does not support
=====  ===========================  ==============================================================

**Limits**, so that no client can lock others out or make a reply huge:

* Connections: up to :data:`CONNECTION_LIMIT` at once (waitress polls them with ``poll()``, so there is no
  1,024-descriptor ceiling), served by a bounded pool of :data:`THREADS` workers; a connection holds no
  worker while its request arrives.
* A request must arrive whole (headers and body) within ``--request-timeout`` (:data:`REQUEST_TIMEOUT`)
  of its first byte, and a new connection must send a whole request within that time too: otherwise 408
  and the connection is closed. waitress has only an inactivity timeout, which a client sending a byte a
  second never reaches. An idle kept-alive connection is closed after :data:`IDLE_TIMEOUT` seconds.
* Replies list at most :data:`MAX_ISSUES` errors and as many warnings, each message and pointer cut at
  :data:`MAX_TEXT` characters; a cut list comes with ``errors_total`` / ``warnings_total`` (the full
  count) and a ``notice``. A reply is so at most a few hundred KiB whatever the document: a document under
  1 MB with 40,000 duplicate members under a 2,000-character member name was answered with 325 MB.

``--access-log FILE`` (``-``: stderr) appends one line per request, waitress's own error replies included::

    2025-01-31T12:00:00.123+00:00 127.0.0.1:50412 POST /job 422 in=1234 out=456 3.2ms

time (UTC), client, method, target as sent, status, bytes received (request line, headers and body) and
sent (body), and the time from the request's first byte to its reply. Method and target are escaped: any
byte outside printable ASCII (and the backslash) is written ``\\xNN``, so a line is always one line.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from waitress.adjustments import Adjustments
from waitress.channel import ClientDisconnected, HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask

import reference
from reference import KINDS

from ..cli import UsageError

#: The largest body accepted (the protocol's documents are small; the corpus's largest is well below).
MAX_BODY = 16 * 1024 * 1024
#: Seconds a request (headers and body) may take to arrive, counted from its first byte.
REQUEST_TIMEOUT = 10.0
#: Seconds an idle kept-alive connection is kept open.
IDLE_TIMEOUT = 30
#: Connections served at once; and the worker threads that run the validator.
CONNECTION_LIMIT = 1000
THREADS = 4
#: Issues listed per list in a reply, and characters kept of each message and pointer.
MAX_ISSUES = 100
MAX_TEXT = 1000

ROUTES = {f"/{k}": k for k in KINDS} | {"/api/v1/jobs": "job"}
#: Status -> (reason phrase, error code) for every error status this service answers.
ERRORS = {
    400: ("Bad Request", "bad_request"),
    404: ("Not Found", "not_found"),
    405: ("Method Not Allowed", "method_not_allowed"),
    408: ("Request Timeout", "request_timeout"),
    413: ("Content Too Large", "content_too_large"),
    431: ("Request Header Fields Too Large", "header_fields_too_large"),
    500: ("Internal Server Error", "internal_error"),
    501: ("Not Implemented", "not_implemented"),
}

StartResponse = Callable[..., Any]


def _clip(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _json(body: dict[str, Any]) -> bytes:
    # backslashreplace: a lone surrogate (from a document that is not UTF-8) becomes its JSON escape.
    return json.dumps(body, ensure_ascii=False).encode("utf-8", "backslashreplace")


def error_body(status: int, message: str) -> bytes:
    """The JSON body of an error status: ``{"error": {"code": ..., "message": ...}}``."""
    return _json({"error": {"code": ERRORS.get(status, ("", "error"))[1], "message": _clip(message, 300)}})


def _respond(start_response: StartResponse, status: str, data: bytes, *extra: tuple[str, str]) -> list[bytes]:
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data))), *extra])
    return [data]


def _error(start_response: StartResponse, status: int, message: str, *extra: tuple[str, str]) -> list[bytes]:
    return _respond(start_response, f"{status} {ERRORS[status][0]}", error_body(status, message), *extra)


def _issues(result: Any, name: str, reply: dict[str, Any]) -> str:
    """``reply[name]``: the first :data:`MAX_ISSUES` issues of the result's list, their texts cut; with
    ``{name}_total`` when the list is cut (here, or by the reference, which may count issues it did not
    keep: ``{name}_omitted``). Returns what the notice says of the list, or ""."""
    issues: Sequence[Any] = getattr(result, name)
    total = len(issues) + int(getattr(result, f"{name}_omitted", 0) or 0)
    shown = [{"pointer": _clip(i.pointer), "message": _clip(i.message), "rule": i.rule} for i in issues[:MAX_ISSUES]]
    reply[name] = shown
    if len(shown) == total:
        return ""
    reply[f"{name}_total"] = total
    return f"the first {len(shown):,} of {total:,} {name}"


def verdict(kind: str, body: bytes) -> tuple[str, dict[str, Any]]:
    """The status and reply body for a document: the reference's verdict, its issue lists bounded."""
    result = reference.validate(body, kind)
    reply: dict[str, Any] = {"valid": result.valid}
    cut = [_issues(result, "errors", reply)] if not result.valid else []
    cut = [c for c in (*cut, _issues(result, "warnings", reply)) if c]
    if cut:
        reply["notice"] = f"only {' and '.join(cut)} are listed"
    return ("200 OK" if result.valid else "422 Unprocessable Entity"), reply


def describe() -> dict[str, Any]:
    """What ``GET /`` (or a GET on an endpoint) answers: the service's name, as ``vmjob certify --url``
    reads it for its reports (ADAPTER.md §3), and where to POST."""
    from .. import __version__

    return {"name": "vmjob-reference", "version": __version__, "language": "python", "endpoints": sorted(ROUTES)}


def _app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    path = environ.get("PATH_INFO") or "/"
    kind = ROUTES.get(path.rstrip("/") or "/")
    if environ.get("REQUEST_METHOD") == "GET" and (kind is not None or path == "/"):
        return _respond(start_response, "200 OK", _json(describe()))
    if kind is None:
        return _error(start_response, 404, f"no endpoint at {_clip(path, 100)}; POST to " + ", ".join(sorted(ROUTES)))
    if environ.get("REQUEST_METHOD") != "POST":
        return _error(start_response, 405, f"{path} takes POST (GET describes the service)", ("Allow", "GET, POST"))
    raw_length = environ.get("CONTENT_LENGTH") or ""
    try:
        length = int(raw_length) if raw_length else None
    except ValueError:
        return _error(start_response, 400, f"Content-Length {_clip(raw_length, 40)!r} is not a number")
    if length is not None and length > MAX_BODY:
        return _error(start_response, 413, f"body of {length:,} bytes; max {MAX_BODY:,}")
    body = environ["wsgi.input"].read(length if length is not None else MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return _error(start_response, 413, f"body over {MAX_BODY:,} bytes")
    status, reply = verdict(kind, body)
    return _respond(start_response, status, _json(reply))


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """The WSGI application: the reference's verdict on the request body; any exception is a JSON 500."""
    try:
        return _app(environ, start_response)
    except Exception:
        environ["wsgi.errors"].write(f"vmjob serve: error handling {environ.get('PATH_INFO')!r}:\n"
                                     + traceback.format_exc())  # fmt: skip
        message = "the server failed to handle this request (the error is logged on its stderr)"
        data = error_body(500, message)
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        start_response("500 Internal Server Error", headers, sys.exc_info())
        return [data]


# --- waitress, bounded --------------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^\x21-\x5b\x5d-\x7e]")


def _escaped(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


def escape(text: str, limit: int = 2000) -> str:
    """``text`` on one line: every character outside printable ASCII, and the backslash, as ``\\xNN``."""
    return _UNSAFE.sub(_escaped, text[:limit]) or "-"


class AccessLog:
    """One line per request, written whole under a lock and flushed; a write that fails turns the log off."""

    def __init__(self, stream: TextIO) -> None:
        #: None once a write failed: the log is off.
        self.stream: TextIO | None = stream
        self._lock = threading.Lock()

    def write(self, client: Any, request: Any, status: str, sent: int) -> None:
        now = time.monotonic()
        started = getattr(request, "started", now)
        host, port = (client[0], client[1]) if isinstance(client, tuple) and len(client) >= 2 else (client, "")
        # Not when the request line never arrived, nor for headers too large (waitress then fakes "GET /").
        parsed = hasattr(request, "first_line") and getattr(request.error, "code", 0) != 431
        line = " ".join([
            datetime.now(UTC).isoformat(timespec="milliseconds"),
            escape(f"{host}:{port}", 100),
            escape(getattr(request, "command", None) or "", 20) if parsed else "-",
            escape(getattr(request, "request_uri", None) or "") if parsed else "-",
            escape(status.split(" ", 1)[0], 3),
            f"in={request.header_bytes_received + request.body_bytes_received}",
            f"out={sent}",
            f"{(now - started) * 1000:.1f}ms",
        ])  # fmt: skip
        with self._lock:
            if self.stream is None:
                return
            try:
                self.stream.write(line + "\n")
                self.stream.flush()
            except (OSError, ValueError) as err:
                self.stream = None
                print(f"vmjob serve: the access log failed ({err}); it is off", file=sys.stderr)


class _Request(HTTPRequestParser):  # type: ignore[misc]  # waitress is untyped: its classes are Any
    """A request being received, with when its first byte arrived (for the deadline and the access log)."""

    def __init__(self, adj: Adjustments) -> None:
        super().__init__(adj)
        self.started = time.monotonic()


class _Logged:
    """A task that writes its access-log line once its reply is written (or its client left)."""

    channel: Any
    request: Any
    status: str
    content_bytes_written: int

    def service(self) -> None:
        try:
            super().service()  # type: ignore[misc]  # a mixin: the waitress task after it in the MRO has service()
        except ClientDisconnected:
            self._log("-")
            raise
        self._log(self.status)

    def _log(self, status: str) -> None:
        log = self.channel.server.access_log
        if log is not None:
            log.write(self.channel.addr, self.request, status, self.content_bytes_written)


class _Task(_Logged, WSGITask):  # type: ignore[misc]  # waitress is untyped: its classes are Any
    pass


class _ErrorTask(_Logged, ErrorTask):  # type: ignore[misc]  # waitress is untyped: its classes are Any
    """waitress's own error replies (bad request, too large, an exception escaping the app) in our JSON."""

    def execute(self) -> None:
        err = self.request.error
        reason = ERRORS.get(err.code, (err.reason, ""))[0]
        body = error_body(err.code, f"{reason}: {err.body}")
        self.status = f"{err.code} {reason}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _Channel(HTTPChannel):  # type: ignore[misc]  # waitress is untyped: its classes are Any
    task_class = _Task
    error_task_class = _ErrorTask
    parser_class = _Request
    request: Any = None
    close_when_flushed: bool = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.opened = time.monotonic()
        self.served = False

    def received(self, data: bytes) -> bool:
        self.served = True
        return bool(super().received(data))

    def overdue(self, now: float, limit: float) -> bool:
        """Whether the request arriving (or, on a new connection that sent nothing, the first one) has taken
        longer than ``limit``; a connection whose request is being answered is busy, never overdue."""
        if self.requests or self.will_close or self.close_when_flushed:
            return False
        request: Any = self.request
        if request is not None:
            return bool(now - request.started > limit)
        return not self.served and now - self.opened > limit

    def time_out(self) -> None:
        """Answer 408 and close (called on the event loop, with no task running for this channel)."""
        request: Any = self.request
        if request is None:  # a new connection that sent nothing
            request = _Request(self.adj)
            request.started = self.opened
        body = error_body(408, "the request did not arrive in time; the connection is closed")
        head = (f"HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n").encode("ascii")  # fmt: skip
        with self.requests_lock:
            if self.requests or self.will_close or self.close_when_flushed:
                return  # a request completed meanwhile: it is answered
            with self.outbuf_lock:
                self.outbufs[-1].append(head + body)
                self.current_outbuf_count += len(head) + len(body)
                self.total_outbufs_len += len(head) + len(body)
            self.close_when_flushed = True
            if self.request is not None:
                self.request.close()
                self.request = None
        log = self.server.access_log
        if log is not None:
            log.write(self.addr, request, "408", len(body))


class Server(TcpWSGIServer):  # type: ignore[misc]  # waitress is untyped: its classes are Any
    """waitress's TCP server with a deadline for receiving each request, and a :meth:`close` that stops it."""

    channel_class = _Channel

    def __init__(self, application: Any, *, request_timeout: float, access_log: AccessLog | None,
                 **kwargs: Any) -> None:  # fmt: skip
        self.request_timeout = request_timeout
        self.access_log = access_log
        self._next_check = 0.0
        self._loop: threading.Thread | None = None
        self._stopped = False
        super().__init__(application, **kwargs)

    def readable(self) -> bool:
        now = time.monotonic()
        if now >= self._next_check:
            self._next_check = now + min(0.25, self.request_timeout / 4)
            for channel in list(self.active_channels.values()):
                if channel.overdue(now, self.request_timeout):
                    channel.time_out()
        return bool(super().readable())

    def run(self) -> None:
        """Serve until :meth:`close` (from another thread), or until an exception such as KeyboardInterrupt,
        which is raised, not swallowed as waitress's own ``run`` does, so the command exits as interrupted."""
        self._loop = threading.current_thread()
        self.asyncore.loop(timeout=self.adj.asyncore_loop_timeout, map=self._map, use_poll=self.adj.asyncore_use_poll)

    def close(self) -> None:
        """Stop serving: every connection and the listening socket closed (on the event loop, which then
        ends), the worker threads joined."""
        if self._stopped:
            return
        self._stopped = True
        loop = self._loop
        if loop is not None and loop.is_alive() and loop is not threading.current_thread():
            done = threading.Event()

            def stop() -> None:
                self._close_all()
                done.set()

            self.trigger.pull_trigger(stop)  # run on the event loop, which owns the channels
            done.wait(5)
            self.task_dispatcher.shutdown(timeout=5)
            loop.join(5)
        else:
            self._close_all()
            self.task_dispatcher.shutdown(timeout=5)

    def _close_all(self) -> None:
        for channel in list(self.active_channels.values()):
            channel.handle_close()
        TcpWSGIServer.close(self)


def create_server(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    request_timeout: float = REQUEST_TIMEOUT,
    connection_limit: int = CONNECTION_LIMIT,
    threads: int = THREADS,
    access_log: TextIO | None = None,
) -> Server:
    """A server for :func:`app` (not yet running: call ``.run()``); ``.effective_port`` is its port and
    ``.close()`` stops it from any thread."""
    adj = Adjustments(
        host=host,
        port=port,
        max_request_body_size=MAX_BODY,
        threads=threads,
        connection_limit=connection_limit,
        channel_timeout=IDLE_TIMEOUT,
        cleanup_interval=5,
        asyncore_use_poll=True,
        ident="vmjob-reference",
    )
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    return Server(
        app,
        map={},
        dispatcher=dispatcher,
        adj=adj,
        sockinfo=adj.listen[0],
        request_timeout=request_timeout,
        access_log=AccessLog(access_log) if access_log is not None else None,
    )


def register(sub: Any) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the reference over HTTP",
        description="Serve the reference implementation over HTTP: POST a document to /job, /result, "
        "/progress, /worker or /api/v1/jobs; 200 valid, 422 invalid.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)")
    p.add_argument("--access-log", metavar="FILE", help="append a line per request to FILE ('-': stderr)")
    p.add_argument(
        "--request-timeout",
        type=float,
        default=REQUEST_TIMEOUT,
        metavar="SECONDS",
        help=f"seconds a request may take to arrive, headers and body (default {REQUEST_TIMEOUT:g})",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port={args.port} is not a port number (0..65535)")
    if not args.request_timeout > 0:
        raise UsageError(f"--request-timeout={args.request_timeout} must be > 0")
    log: TextIO | None = None
    if args.access_log == "-":
        log = sys.stderr
    elif args.access_log:
        try:
            log = open(args.access_log, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - closed below
        except OSError as err:
            raise UsageError(f"--access-log {args.access_log!r}: cannot open: {err.strerror or err}") from err
    try:
        try:
            server = create_server(args.host, args.port, request_timeout=args.request_timeout, access_log=log)
        except (OSError, ValueError) as err:
            message = err.strerror if isinstance(err, OSError) and err.strerror else err
            raise UsageError(f"cannot listen on {args.host}:{args.port}: {message}") from err
        print(f"vmjob serve: listening on http://{args.host}:{server.effective_port}", flush=True)
        try:
            server.run()  # until interrupted (SIGINT, SIGTERM): the command line reports it and exits
        finally:
            server.close()
    finally:
        if log is not None and log is not sys.stderr:
            log.close()
    return 0
