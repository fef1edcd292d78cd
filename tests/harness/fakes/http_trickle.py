"""An HTTP service that answers 200 one byte at a time, headers and body: every read gets a byte well within
any per-read timeout, so only a deadline on the whole request ends the wait."""

from __future__ import annotations

import socket
import threading

from .http_raw import RawServer, read_request

RESPONSE = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"valid": true}'
#: Seconds between bytes: the whole response takes about 8 s.
INTERVAL = 0.1


def handle(conn: socket.socket, stop: threading.Event) -> None:
    read_request(conn)
    for i in range(len(RESPONSE)):
        if stop.wait(INTERVAL):
            return
        conn.sendall(RESPONSE[i : i + 1])


def server() -> RawServer:
    return RawServer(handle)
