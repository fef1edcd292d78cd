"""``vmjob serve``: the reference over HTTP, every bad request answered cleanly, and no client able to lock
others out or to get a huge reply."""

from __future__ import annotations

import http.client
import io
import json
import re
import socket
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conformance.commands import serve
from tests.harness.corpus_builder import JOB


def request(base: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname or "", u.port, timeout=10)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, json.loads(data) if resp.getheader("Content-Type") == "application/json" else data, resp


@contextmanager
def serving(**options: Any) -> Iterator[tuple[str, int]]:
    """``vmjob serve``'s server on a free loopback port, in a thread, stopped (and its threads joined) after."""
    server = serve.create_server("127.0.0.1", 0, **options)
    thread = threading.Thread(target=server.run, name="serve-under-test", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", server.effective_port
    finally:
        server.close()
        thread.join(10)
    assert not thread.is_alive()


def raw(port: int, data: bytes) -> tuple[int, dict[str, Any], bytes]:
    """Send ``data`` as is; the status, the JSON body and the headers of the reply (read until close)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    head, _, body = out.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body), head


def test_valid_job_is_200_with_warnings(http_reference: str) -> None:
    doc = dict(JOB, execution={"timeout_seconds": 90000})
    status, body, _ = request(http_reference, "POST", "/job", json.dumps(doc).encode())
    assert status == 200 and body["valid"] is True
    assert [w["pointer"] for w in body["warnings"]] == ["/execution/timeout_seconds"]


def test_invalid_job_is_422_with_errors_on_both_endpoints(http_reference: str) -> None:
    for path in ("/job", "/api/v1/jobs"):
        status, body, _ = request(http_reference, "POST", path, json.dumps(dict(JOB, version="2")).encode())
        assert status == 422 and body["valid"] is False
        assert body["errors"][0]["pointer"] == "/version"


def test_unknown_path_is_404_and_wrong_method_405(http_reference: str) -> None:
    status, body, _ = request(http_reference, "POST", "/jobs")
    assert status == 404 and body["error"]["code"] == "not_found" and "/api/v1/jobs" in body["error"]["message"]
    status, body, resp = request(http_reference, "PUT", "/job")
    assert status == 405 and resp.getheader("Allow") == "GET, POST"
    assert body == {"error": {"code": "method_not_allowed", "message": "/job takes POST (GET describes the service)"}}


def test_get_describes_the_service(http_reference: str) -> None:
    for path in ("/", "/job", "/api/v1/jobs"):
        status, body, _ = request(http_reference, "GET", path)
        assert status == 200 and body == serve.describe()
    assert body["name"] == "vmjob-reference" and body["language"] == "python" and "/job" in body["endpoints"]


def test_body_over_the_cap_is_413_without_reading_it(http_reference: str) -> None:
    status, body, _ = request(http_reference, "POST", "/job", b"{}", {"Content-Length": str(serve.MAX_BODY + 1)})
    # waitress refuses it from the Content-Length alone, before the app (and before the body arrives).
    assert status == 413
    assert body == {
        "error": {"code": "content_too_large", "message": "Content Too Large: exceeds max_body of 16777216"}
    }


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"GARBAGE\r\n\r\n", 400, "bad_request"),
        (b"POST /job HTTP/1.1\r\nContent-Length: abc\r\n\r\n", 400, "bad_request"),
        (b"POST /job HTTP/1.1\r\nNo colon here\r\n\r\n", 400, "bad_request"),
        (b"POST /job HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "not_implemented"),
        (b"POST /nowhere HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", 404, "not_found"),
    ],
)
def test_every_error_waitress_or_app_has_the_one_json_shape(data: bytes, status: int, code: str) -> None:
    with serving() as (_, port):
        got, body, head = raw(port, data)
    assert (got, body["error"]["code"]) == (status, code)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"} and body["error"]["message"]
    assert b"\r\nContent-Type: application/json\r\n" in head


def test_an_exception_is_a_json_500_in_the_app_and_below_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(kind: str, body: bytes) -> Any:
        raise RuntimeError("the validator broke")

    monkeypatch.setattr(serve, "verdict", broken)
    with serving() as (url, _):
        status, body, _ = request(url, "POST", "/job", b"{}")
    assert status == 500 and body["error"]["code"] == "internal_error"
    assert "the validator broke" not in body["error"]["message"]  # the traceback goes to stderr, not the client

    def escapes(environ: dict[str, Any], start_response: Any) -> Any:
        raise RuntimeError("past the app's own guard")

    monkeypatch.setattr(serve, "app", escapes)  # what waitress answers when an exception escapes the app
    with serving() as (url, _):
        status, body, _ = request(url, "POST", "/job", b"{}")
    assert status == 500 and body["error"]["code"] == "internal_error"


def test_a_hostile_1mb_document_gets_a_bounded_422() -> None:
    # 50,000 members each written twice, under a 500-character member nested twice: every duplicate is an
    # error whose pointer and message repeat the long path. Unbounded, the reply is over 100 MB.
    key = "k" * 500
    members = ",".join(f'"m{i}":1,"m{i}":1' for i in range(50_000))
    doc = f'{{"{key}":{{"{key}":{{{members}}}}}}}'.encode()
    assert len(doc) > 1_000_000
    with serving() as (url, _):
        u = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(u.hostname or "", u.port, timeout=60)
        conn.request("POST", "/job", body=doc)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
    assert resp.status == 422
    assert len(data) < 10 * len(doc)
    body = json.loads(data)
    assert len(body["errors"]) == serve.MAX_ISSUES and body["errors_total"] == 50_000
    assert body["notice"] == "only the first 100 of 50,000 errors are listed"
    assert all(len(e["message"]) <= serve.MAX_TEXT + 30 and len(e["pointer"]) <= serve.MAX_TEXT + 30
               for e in body["errors"])  # fmt: skip


class Trickle:
    """Slow clients: connections that each send a request one byte at a time, never finishing it."""

    REQUEST = b"POST /job HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + b" " * 100_000

    def __init__(self, port: int, n: int) -> None:
        self.socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(n)]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="trickle", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        for i in range(len(self.REQUEST)):
            for s in self.socks:
                try:
                    s.send(self.REQUEST[i : i + 1])
                except OSError:
                    pass  # the server closed it
            if self.stop.wait(0.1):
                return

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        for s in self.socks:
            s.close()


def test_150_slow_connections_do_not_lock_out_a_normal_request() -> None:
    with serving() as (url, port):
        slow = Trickle(port, 150)
        try:
            # Before: waitress's limit of 100 connections was reached and this one was never accepted.
            status, body, _ = request(url, "POST", "/job", json.dumps(JOB).encode())
        finally:
            slow.close()
    assert status == 200 and body["valid"] is True


@pytest.mark.slow
def test_slow_clients_at_the_connection_limit_are_cut_at_the_request_deadline() -> None:
    with serving(request_timeout=0.5, connection_limit=5) as (url, port):
        slow = Trickle(port, 5)
        try:
            # Every connection the server has is a slow client; each is answered 408 and closed at its deadline.
            status, body, _ = request(url, "POST", "/job", json.dumps(JOB).encode())
            s = slow.socks[0]
            s.settimeout(10)
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
        finally:
            slow.close()
    assert status == 200 and body["valid"] is True
    assert reply.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert json.loads(reply.partition(b"\r\n\r\n")[2])["error"]["code"] == "request_timeout"


@pytest.mark.slow
def test_a_connection_that_sends_nothing_is_answered_408_and_closed() -> None:
    with serving(request_timeout=0.5) as (_, port), socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 408 Request Timeout\r\n")


LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00 127\.0\.0\.1:\d+ (\S+) (\S+) (\d{3}) in=(\d+) out=(\d+) \d+\.\dms$"
)


@pytest.mark.slow
def test_the_access_log_has_one_safe_line_per_request() -> None:
    log = io.StringIO()
    with serving(access_log=log, request_timeout=0.5) as (url, port):
        request(url, "POST", "/job", json.dumps(JOB).encode())
        raw(port, b"POST /j\x1bob%0A\\ HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
        raw(port, b"GARBAGE\r\n\r\n")
        raw(port, b"POST /job HTTP/1.1\r\nContent-Length: 10\r\n\r\n{")  # never finished: 408
    lines = log.getvalue().split("\n")
    assert lines[-1] == "" and len(lines) == 5, lines
    fields = [LINE.match(line).groups() for line in lines[:-1]]  # type: ignore[union-attr]
    body = json.dumps(JOB).encode()
    assert fields[0][:3] == ("POST", "/job", "200") and int(fields[0][3]) > len(body) and int(fields[0][4]) > 0
    assert fields[1][:3] == ("POST", "/j\\x1bob%0A\\x5c", "404")
    assert fields[2][:3] == ("-", "-", "400")
    assert fields[3][:3] == ("POST", "/job", "408")


def test_serve_access_log_option_writes_the_file(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    proc = subprocess.Popen([sys.executable, "-m", "conformance", "serve", "--port", "0", "--access-log", str(log)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[-1]
        status, _, _ = request(url, "POST", "/worker", b"{}")
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    assert status == 422
    (line,) = log.read_text().splitlines()
    assert LINE.match(line).groups()[:3] == ("POST", "/worker", "422")  # type: ignore[union-attr]
