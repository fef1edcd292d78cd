"""HTTP: ``--url URL``, the document POSTed as the request body (ADAPTER.md §3).

``{kind}`` in URL is replaced by the document kind (a URL without it is taken to serve jobs only). 2xx is
"valid", 400 and 422 "invalid"; any other status, a refused connection or a timeout is a fault. A JSON
response body with ``errors`` / ``warnings`` lists (as ``vmjob serve`` returns) is kept as evidence and
its warnings count for warning-rule cases. One keep-alive connection is reused across requests.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from typing import Any

from ..model import ImplInfo, Reply
from .base import Implementation, TransportError, TransportOptions
from .oneshot import VALIDATE_CLASSES
from .persistent import excerpt

#: How much of a response body is read (evidence and warnings come from it; the verdict from the status).
MAX_BODY = 1024 * 1024


def wrappable(data: bytes) -> str | None:
    """Why the document cannot be wrapped in ``{"KEY": ...}`` (it is not JSON text), or None."""
    try:
        text = data.decode("utf-8")
        if text.startswith("\ufeff"):
            return "it begins with a byte-order mark"
        json.loads(text, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(f"{name} is not JSON")))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        return f"it is not JSON text ({type(err).__name__}: {str(err)[:120]})"
    return None


def _issues(value: Any) -> tuple[dict[str, Any], ...]:
    if isinstance(value, list):
        return tuple(i if isinstance(i, dict) else {"message": str(i)} for i in value[:100])
    return ()


class Http(Implementation):
    def __init__(self, url: str, options: TransportOptions | None = None) -> None:
        self.url = url
        self.options = options or TransportOptions()
        parts = urllib.parse.urlsplit(url.replace("{kind}", "job"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TransportError(
                f"--url {url!r}: expected an http:// or https:// URL, e.g. http://127.0.0.1:8080/{{kind}}"
            )
        self._scheme, self._host, self._port = parts.scheme, parts.hostname, parts.port
        self._conn: http.client.HTTPConnection | None = None
        for name, _ in self.options.headers:
            if not name or any(c in name for c in " :\r\n"):
                raise TransportError(f"--header {name!r}: expected 'Name: value'")

    def start(self) -> ImplInfo:
        kinds = ("job", "result", "progress", "worker") if "{kind}" in self.url else ("job",)
        self.info = ImplInfo(
            name=self.url, version="unknown", language="unknown", kinds=kinds, classes=VALIDATE_CLASSES
        )
        return self.info

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
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request("POST", target, body=body, headers=headers)
                resp = conn.getresponse()
                payload = resp.read(MAX_BODY + 1)
                if len(payload) > MAX_BODY:
                    self._drop()  # the rest is unread: the connection cannot be reused
                    payload = payload[:MAX_BODY]
                break
            except TimeoutError:
                self._drop()
                return Reply("timeout", message=f"no response from {url} within {self.options.timeout:g} s")
            except ConnectionRefusedError:
                self._drop()
                return Reply("errored", message=f"connection refused by {self._host}:{self._port or 80} ({url}): "
                             "is the service running and listening there?")  # fmt: skip
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as err:
                # A kept-alive connection the server closed in between: retry once on a fresh one.
                self._drop()
                if attempt == 2:
                    return Reply("errored", message=f"{url}: the connection was closed without a response ({err})")
            except (OSError, http.client.HTTPException) as err:
                self._drop()
                return Reply("errored", message=f"{url}: {type(err).__name__}: {err}")
        if resp.getheader("Connection", "").lower() == "close":
            self._drop()
        status = resp.status
        try:
            answer = json.loads(payload) if payload else None
        except ValueError:
            answer = None
        answer = answer if isinstance(answer, dict) else {}
        errors, warnings = _issues(answer.get("errors")), _issues(answer.get("warnings"))
        if 200 <= status < 300:
            return Reply("ok", valid=True, errors=errors, warnings=warnings)
        if status in (400, 422):
            return Reply("ok", valid=False, errors=errors, warnings=warnings)
        return Reply("errored", message=f"HTTP {status} {resp.reason}: expected 2xx (valid) or 400/422 (invalid); "
                     f"body: {excerpt(payload)}")  # fmt: skip

    def close(self) -> None:
        self._drop()
