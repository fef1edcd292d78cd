"""An HTTP service that accepts the connection, reads the request and never answers."""

from __future__ import annotations

import socket
import threading

from .http_raw import RawServer, read_request


def handle(conn: socket.socket, stop: threading.Event) -> None:
    read_request(conn)
    stop.wait()


def server() -> RawServer:
    return RawServer(handle)
