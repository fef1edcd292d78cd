"""HTTP: ``--url URL``, the document POSTed as the request body (ADAPTER.md §3).

``{kind}`` in URL is replaced by the document kind (a URL without it is taken to serve jobs only). 2xx is
"valid", 400 and 422 "invalid"; any other status, a refused connection or a timeout is a fault. A JSON
response body with ``errors`` / ``warnings`` lists (as ``vmjob serve`` returns) is kept as evidence and
its warnings count for warning-rule cases. One keep-alive connection is reused across requests.

What a service can do wrong is bounded:

* ``--timeout`` is a deadline for the whole request (connect, send, status line, headers, body), not for
  one socket read: a service trickling a byte a second times out like one that never answers. The connect
  is bounded by its own socket timeout; after it, one watchdog thread per transport shuts the socket down
  when the request's deadline passes. Arming it costs a lock and two stores per request; the thread wakes
  about once per ``--timeout`` while requests flow, not once per request.
* The body is read up to :data:`MAX_BODY` and parsed with :func:`conformance.safejson.loads` (bounded depth
  and size): a body nested 100,000 deep is evidence of a fault in the reply's message, never a
  RecursionError in the harness. The verdict comes from the status either way.
* ``start()`` makes one TCP connection to the service, within the start timeout: a service that refuses
  connections (or cannot be reached) stops the run before it starts with :class:`CannotStart`, instead of
  thousands of "connection refused" cases.

**Its name.** ``start()`` then sends one ``GET`` to the URL cut before its ``{kind}`` segment
(``http://host:8080/{kind}`` → ``http://host:8080/``; a URL without ``{kind}``, as it is): a service may
answer 200 with ``{"name", "version", "language", "homepage"}`` (strings, each optional), as ``vmjob serve``
does. Anything else (another status, another body, no answer within the timeout) leaves the names to
``--name`` / ``--version`` / ``--language``, which also win over the service's own; without either the
report names the URL.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
import urllib.parse
from typing import Any

from ..model import ImplInfo, Reply
from ..safejson import JSONBoundError, loads
from .base import CannotStart, Implementation, TransportError, TransportOptions
from .oneshot import VALIDATE_CLASSES
from .persistent import excerpt

#: How much of a response body is read (evidence and warnings come from it; the verdict from the status).
MAX_BODY = 1024 * 1024
#: How deep a response body may nest (a reply is two or three levels deep; an issue may carry a little more).
MAX_DEPTH = 32


def wrappable(data: bytes) -> str | None:
    """Why the document cannot be wrapped in ``{"KEY": ...}`` (it is not JSON text), or None. A number of
    any length and nesting of any depth are JSON text: they are spliced in as written (the service's parser
    decides what it makes of them), never skipped as "not JSON"."""
    try:
        text = data.decode("utf-8")
        if text.startswith("\ufeff"):
            return "it begins with a byte-order mark"
        # parse_int=str: an integer of 5,000 digits is JSON text (int() would refuse it past 4,300 digits).
        json.loads(
            text, parse_int=str, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(f"{name} is not JSON"))
        )
    except RecursionError:
        return None if _json_text(text) else "it is not JSON text (its syntax breaks RFC 8259)"
    except (UnicodeDecodeError, ValueError) as err:
        return f"it is not JSON text ({type(err).__name__}: {str(err)[:120]})"
    return None


#: One JSON token after optional JSON whitespace: a string, a number, a literal or a punctuation mark.
_TOKEN = re.compile(
    r'[ \t\n\r]*(?:(?P<value>"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"'
    r"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null)|(?P<mark>[\[\]{}:,]))"
)


def _json_text(text: str) -> bool:
    """Whether ``text`` is JSON text (RFC 8259), checked without recursion: for documents nested deeper
    than :func:`json.loads` can follow."""
    stack: list[str] = []
    expect, pos = "value", 0  # value, value-or-close, key, key-or-close, colon, next (comma or close), end
    while (m := _TOKEN.match(text, pos)) is not None:
        pos, tok = m.end(), m.group("value") or m.group("mark")
        is_value = m.group("value") is not None
        if expect in ("value", "value-or-close"):
            if tok in ("[", "{"):
                stack.append(tok)
                expect = "value-or-close" if tok == "[" else "key-or-close"
                continue
            if not is_value and not (tok == "]" and expect == "value-or-close"):
                return False
            if not is_value:
                stack.pop()
        elif expect in ("key", "key-or-close"):
            if is_value and tok.startswith('"'):
                expect = "colon"
                continue
            if tok != "}" or expect != "key-or-close":
                return False
            stack.pop()
        elif expect == "colon":
            if tok != ":":
                return False
            expect = "value"
            continue
        elif expect == "next":
            if tok == ",":
                expect = "value" if stack[-1] == "[" else "key"
                continue
            if tok != ("]" if stack[-1] == "[" else "}"):
                return False
            stack.pop()
        else:  # "end": nothing may follow the top-level value
            return False
        expect = "next" if stack else "end"
    return expect == "end" and not text[pos:].strip(" \t\n\r")


def _issues(value: Any) -> tuple[dict[str, Any], ...]:
    if isinstance(value, list):
        return tuple(i if isinstance(i, dict) else {"message": str(i)} for i in value[:100])
    return ()


class Watchdog:
    """Shuts a socket down when the deadline of the request using it passes: one thread for many requests.

    :meth:`arm` before a request, :meth:`disarm` after it (it says whether the watchdog fired). Between them
    the thread sleeps until the deadline; a request that ends first only clears the deadline, and the thread,
    waking at the old deadline, sleeps on until the current one. So it is notified only when it was idle.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._cond = threading.Condition(threading.Lock())
        self._deadline: float | None = None
        self._sock: socket.socket | None = None
        self._fired = False
        self._idle = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def arm(self, sock: socket.socket, deadline: float) -> None:
        with self._cond:
            if self._thread is None:
                self._closed = False
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._sock, self._deadline, self._fired = sock, deadline, False
            if self._idle:
                self._cond.notify()

    def disarm(self) -> bool:
        """Clear the deadline; True when it had passed and the socket was shut down."""
        with self._cond:
            self._sock, self._deadline = None, None
            return self._fired

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                deadline = self._deadline
                if deadline is None:
                    self._idle = True
                    self._cond.wait()
                    self._idle = False
                    continue
                left = deadline - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
                self._fired, self._deadline = True, None
                if self._sock is not None:
                    try:
                        # socket.socket's own shutdown, under any TLS layer: the blocked read returns at once.
                        socket.socket.shutdown(self._sock, socket.SHUT_RDWR)
                    except OSError:
                        pass

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()


#: The most bytes read of the answer to the describing GET.
DESCRIBE_BODY = 64 * 1024


class Http(Implementation):
    def __init__(self, url: str, options: TransportOptions | None = None) -> None:
        self.url = url
        self.options = options or TransportOptions()
        parts = urllib.parse.urlsplit(url.replace("{kind}", "job"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TransportError(
                f"--url {url!r}: expected an http:// or https:// URL, e.g. http://127.0.0.1:8080/{{kind}}"
            )
        self._scheme, self._host = parts.scheme, parts.hostname
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._conn: http.client.HTTPConnection | None = None
        self._watchdog = Watchdog(f"vmjob-http-watchdog {self._host}:{self._port}")
        for name, _ in self.options.headers:
            if not name or any(c in name for c in " :\r\n"):
                raise TransportError(f"--header {name!r}: expected 'Name: value'")

    def start(self) -> ImplInfo:
        self._probe()
        kinds = ("job", "result", "progress", "worker") if "{kind}" in self.url else ("job",)
        said = self.describe()
        o = self.options
        self.info = ImplInfo(
            name=o.name or said.get("name") or self.url,
            version=o.version or said.get("version") or "unknown",
            language=o.language or said.get("language") or "unknown",
            homepage=said.get("homepage"),
            kinds=kinds,
            classes=VALIDATE_CLASSES,
        )
        return self.info

    def describe(self) -> dict[str, str]:
        """What the service says of itself on ``GET`` (see the module's docstring); {} when it says nothing
        usable. Never raises, and never takes longer than the timeout."""
        url = self.url.split("{kind}", 1)[0] if "{kind}" in self.url else self.url
        path = urllib.parse.urlsplit(url)
        target = (path.path or "/") + (f"?{path.query}" if path.query else "")
        deadline = time.monotonic() + self.options.timeout
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        conn = cls(self._host, self._port, timeout=self.options.timeout)
        try:
            conn.connect()
            assert conn.sock is not None
            self._watchdog.arm(conn.sock, deadline)
            try:
                conn.request("GET", target, headers={"Accept": "application/json", **dict(self.options.headers)})
                resp = conn.getresponse()
                payload = resp.read(DESCRIBE_BODY + 1)
            finally:
                fired = self._watchdog.disarm()
            if fired or resp.status != 200 or len(payload) > DESCRIBE_BODY:
                return {}
            answer = loads(payload, max_depth=4, max_bytes=DESCRIBE_BODY)
        except (OSError, http.client.HTTPException, JSONBoundError):
            return {}
        finally:
            conn.close()
        if not isinstance(answer, dict):
            return {}
        keys = ("name", "version", "language", "homepage")
        return {k: v[:200] for k in keys if isinstance(v := answer.get(k), str) and v.strip()}

    def _probe(self) -> None:
        """One TCP connection to the service, so that a run against nothing does not start."""
        wait = self.options.start_timeout or max(self.options.timeout, 10.0)
        why = None
        try:
            socket.create_connection((self._host, self._port), timeout=wait).close()
        except ConnectionRefusedError:
            why = "connection refused"
        except TimeoutError:
            why = f"no connection within {wait:g} s"
        except socket.gaierror as err:
            why = f"cannot resolve {self._host!r} ({err.strerror or err})"
        except OSError as err:
            why = err.strerror or str(err)
        if why is not None:
            raise CannotStart(f"cannot reach {self.url}: {why} — is the service running and listening there?")

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            self._conn = cls(self._host, self._port, timeout=self.options.timeout)
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def validate(self, kind: str, data: bytes) -> Reply:
        body = data
        if self.options.wrap is not None:
            why = wrappable(data)
            if why:
                return Reply("skipped", message=f"--wrap {self.options.wrap}: cannot wrap this document: {why}")
            # Spliced as bytes so the document reaches the service exactly as written.
            body = b"{" + json.dumps(self.options.wrap).encode() + b":" + data + b"}"
        url = self.url.replace("{kind}", urllib.parse.quote(kind))
        path = urllib.parse.urlsplit(url)
        target = (path.path or "/") + (f"?{path.query}" if path.query else "")
        headers = {"Content-Type": "application/json", **dict(self.options.headers)}
        deadline = time.monotonic() + self.options.timeout
        truncated = False
        for attempt in (1, 2):
            conn = self._connection()
            fired = False
            try:
                if conn.sock is None:
                    conn.timeout = max(deadline - time.monotonic(), 0.001)
                    conn.connect()
                assert conn.sock is not None
                self._watchdog.arm(conn.sock, deadline)
                try:
                    conn.request("POST", target, body=body, headers=headers)
                    resp = conn.getresponse()
                    payload = resp.read(MAX_BODY + 1)
                finally:
                    fired = self._watchdog.disarm()
                if fired:  # a body read to the end of a shut-down socket looks complete: it is not
                    self._drop()
                    return self._timed_out(url)
                if len(payload) > MAX_BODY:
                    self._drop()  # the rest is unread: the connection cannot be reused
                    payload, truncated = payload[:MAX_BODY], True
                break
            except TimeoutError:
                self._drop()
                return self._timed_out(url)
            except ConnectionRefusedError:
                self._drop()
                return Reply("errored", message=f"connection refused by {self._host}:{self._port} ({url}): "
                             "is the service running and listening there?")  # fmt: skip
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as err:
                self._drop()
                if fired:
                    return self._timed_out(url)
                # A kept-alive connection the server closed in between: retry once on a fresh one.
                if attempt == 2 or time.monotonic() >= deadline:
                    return Reply("errored", message=f"{url}: the connection was closed without a response ({err})")
            except (OSError, http.client.HTTPException) as err:
                self._drop()
                if fired:
                    return self._timed_out(url)
                return Reply("errored", message=f"{url}: {type(err).__name__}: {err}")
        if resp.getheader("Connection", "").lower() == "close":
            self._drop()
        status = resp.status
        note = ""
        answer: Any = None
        if payload:
            try:
                answer = loads(payload, max_depth=MAX_DEPTH, max_bytes=MAX_BODY)
            except JSONBoundError as err:
                # A body that claims to be JSON and cannot be used is evidence of a fault; plain text is not.
                if resp.getheader("Content-Type", "").startswith("application/json") or payload[:1] in (b"{", b"["):
                    why = f"over {MAX_BODY:,} bytes (read no further)" if truncated else str(err)
                    note = f"the response body is not usable as evidence: {why}; body: {excerpt(payload)}"
        answer = answer if isinstance(answer, dict) else {}
        errors, warnings = _issues(answer.get("errors")), _issues(answer.get("warnings"))
        if 200 <= status < 300:
            return Reply("ok", valid=True, errors=errors, warnings=warnings, message=note)
        if status in (400, 422):
            return Reply("ok", valid=False, errors=errors, warnings=warnings, message=note)
        return Reply("errored", message=f"HTTP {status} {resp.reason}: expected 2xx (valid) or 400/422 (invalid); "
                     f"body: {excerpt(payload)}")  # fmt: skip

    def _timed_out(self, url: str) -> Reply:
        return Reply("timeout", message=f"no complete response from {url} within {self.options.timeout:g} s "
                     "(the whole request: connect, send, headers, body)")  # fmt: skip

    def close(self) -> None:
        self._drop()
        self._watchdog.close()
