"""A loopback TCP server for HTTP fakes that misbehave below what a WSGI server lets an app do.

Each connection is handed to ``handle(conn, stop)`` in its own thread; ``stop`` is set when the server is
closed, so a handler that waits or trickles ends with it. :meth:`RawServer.close` (or leaving the ``with``
block) closes the listening socket and every connection and joins every thread: nothing is left running.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

Handler = Callable[[socket.socket, threading.Event], None]


def read_request(conn: socket.socket) -> bytes:
    """Read one request (headers, then a Content-Length body); returns its bytes (empty if the peer left)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class RawServer:
    def __init__(self, handle: Handler) -> None:
        self._handle = handle
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.05)
        self.port: int = self._sock.getsockname()[1]
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, name="fake-http-accept", daemon=True)
        self._accepter.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), name="fake-http-conn", daemon=True)
            with self._lock:
                self._conns.append(conn)
                self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self._handle(conn, self.stop)
        except OSError:
            pass  # the client went away, or close() shut the socket
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self._accepter.join(5)
        self._sock.close()
        with self._lock:
            conns, threads = list(self._conns), list(self._threads)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads:
            thread.join(5)

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
