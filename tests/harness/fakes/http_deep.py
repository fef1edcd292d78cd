"""An HTTP service that answers 422 with a body whose ``errors`` is an array nested 100,000 deep: the verdict
is in the status; the body must be evidence, never a RecursionError in the harness."""

from __future__ import annotations

import socket
import threading

from .http_raw import RawServer, read_request

DEPTH = 100_000
BODY = b'{"valid": false, "errors": ' + b"[" * DEPTH + b"]" * DEPTH + b"}"
RESPONSE = (
    b"HTTP/1.1 422 Unprocessable Entity\r\nContent-Type: application/json\r\n"
    + b"Content-Length: %d\r\n\r\n" % len(BODY)
    + BODY
)


def handle(conn: socket.socket, stop: threading.Event) -> None:
    while not stop.is_set() and read_request(conn):
        conn.sendall(RESPONSE)


def server() -> RawServer:
    return RawServer(handle)
