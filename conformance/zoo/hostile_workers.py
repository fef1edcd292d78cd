"""Hostile workers: programs that attack ``vmjob worker certify`` itself rather than break a behaviour rule.

The worker zoo (:mod:`conformance.zoo.workers`) holds workers that each break one behaviour rule; these
instead try to make the certification hang, exhaust its memory or take a garbage answer for a good one.
Each must end in a verdict (NOT CONFORMANT, exit 1), within a bounded time, without a traceback.

``python -m conformance.zoo.hostile_workers NAME --files JOBS RESULTS`` (file-binding members) or
``... NAME --port PORT`` (HTTP members) serves one; ``--list`` lists them.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..worker.engine import Worker
from ..worker.files import FileBinding
from ._listing import print_listing


@dataclass(frozen=True)
class HostileWorker:
    name: str
    description: str
    #: ``files`` or ``http``: the binding it attacks.
    binding: str
    #: Serves until killed: (JOBS, RESULTS) for the file binding, the port for HTTP.
    serve: Callable[[argparse.Namespace], int]


# --- the file binding ----------------------------------------------------------------------------------


class _FifoResults(FileBinding):
    """The reference worker, whose result files are named pipes no one ever writes into: whoever opens one
    to read it waits for a writer forever."""

    def _write(self, path: Path, text: str, append: bool = False) -> None:
        if path.name.endswith("-result.json"):
            if not path.exists():
                os.mkfifo(path)
            return
        super()._write(path, text, append)


class _EndlessResults(FileBinding):
    """The reference worker, whose result files are symbolic links to ``/dev/zero``: a file of size 0 that
    never ends when read."""

    def _write(self, path: Path, text: str, append: bool = False) -> None:
        if path.name.endswith("-result.json"):
            if not path.is_symlink():
                os.symlink("/dev/zero", path)
            return
        super()._write(path, text, append)


def _files(binding: type[FileBinding]) -> Callable[[argparse.Namespace], int]:
    def serve(args: argparse.Namespace) -> int:
        if not args.files:
            print(f"python -m conformance.zoo.hostile_workers: {args.name} needs --files JOBS RESULTS", file=sys.stderr)
            return 2
        jobs, results = Path(args.files[0]), Path(args.files[1])
        jobs.mkdir(parents=True, exist_ok=True)
        results.mkdir(parents=True, exist_ok=True)
        worker = Worker()
        try:
            print(f"hostile worker {args.name}: watching {jobs} into {results}", flush=True)
            binding(worker, jobs, results).serve(threading.Event())
        finally:
            worker.close()
        return 0

    return serve


# --- HTTP ----------------------------------------------------------------------------------------------


def _http(respond: Callable[[BaseHTTPRequestHandler], None]) -> Callable[[argparse.Namespace], int]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            respond(self)

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            respond(self)

    def serve(args: argparse.Namespace) -> int:
        server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
        server.daemon_threads = True
        print(f"hostile worker {args.name}: listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            return 130
        finally:
            server.server_close()
        return 0

    return serve


#: Seconds between two bytes of a dripping answer: less than any sensible read timeout.
DRIP = 0.5


@functools.cache
def _document() -> bytes:
    """The reference worker's capabilities answer."""
    worker = Worker()
    try:
        return json.dumps({"success": True, "data": worker.worker_document()}).encode()
    finally:
        worker.close()


def _drip(handler: BaseHTTPRequestHandler) -> None:
    """Its capabilities at once, as the reference worker's; every other answer a 200 whose body comes one
    byte every :data:`DRIP` seconds: each read of the socket gets an answer well within its timeout, and the
    whole answer takes an hour."""
    if handler.path.endswith("/capabilities"):
        _send(handler, 200, _document())
        return
    body = json.dumps({"success": True, "data": {"padding": " " * 8000}}).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        for i in range(len(body)):
            handler.wfile.write(body[i : i + 1])
            handler.wfile.flush()
            time.sleep(DRIP)
    except OSError:
        return


def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def _garbage(handler: BaseHTTPRequestHandler) -> None:
    """200 to everything, with a body that is not JSON at all."""
    _send(handler, 200, b"\xff\xfeOK <html>" + b"\x00" * 100)


def _redirect(handler: BaseHTTPRequestHandler) -> None:
    """307 to the same path, for ever: a client that follows redirects loops."""
    handler.send_response(307)
    handler.send_header("Location", handler.path)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


HOSTILE_WORKERS: dict[str, HostileWorker] = {
    w.name: w
    for w in (
        HostileWorker(
            "fifo-results", "writes each result file as a named pipe no one writes into", "files", _files(_FifoResults)
        ),  # fmt: skip
        HostileWorker(
            "endless-results",
            "writes each result file as a symbolic link to /dev/zero",
            "files",
            _files(_EndlessResults),
        ),  # fmt: skip
        HostileWorker(
            "drip",
            "answers its capabilities, then every request 200, one byte of the body every half second",
            "http",
            _http(_drip),
        ),  # fmt: skip
        HostileWorker("garbage-200", "answers every request 200 with a body that is not JSON", "http", _http(_garbage)),
        HostileWorker("redirect-loop", "answers every request 307 to itself", "http", _http(_redirect)),
    )
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m conformance.zoo.hostile_workers", description="Serve one hostile worker."
    )
    parser.add_argument("name", nargs="?", help="the hostile worker to serve")
    parser.add_argument("--list", action="store_true", help="list the hostile workers and exit")
    parser.add_argument("--port", type=int, default=0, help="HTTP members: serve on this port (default: a free one)")
    parser.add_argument("--files", nargs=2, metavar=("JOBS", "RESULTS"), help="file-binding members: the directories")
    args = parser.parse_args(argv)
    if args.list:
        print_listing(f"{w.name}\t{w.binding}\t{w.description}" for w in HOSTILE_WORKERS.values())
        return 0
    member = HOSTILE_WORKERS.get(args.name or "")
    if member is None:
        print(
            f"python -m conformance.zoo.hostile_workers: error: {args.name!r} is no hostile worker; --list lists them",
            file=sys.stderr,
        )
        return 2
    return member.serve(args)


if __name__ == "__main__":
    sys.exit(main())
