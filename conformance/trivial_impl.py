"""A trivial implementation that answers every request without parsing the document: the harness's overhead.

``vmjob bench transports`` measures the harness against it, so the figure is the harness's own cost, not a
validator's. It still speaks the protocol correctly (start, seq, stop); its verdict is always "valid".

    python -m conformance.trivial_impl              # persistent adapter protocol on stdin/stdout
    python -m conformance.trivial_impl --one-shot   # reads stdin, exits 0
    python -m conformance.trivial_impl --http PORT  # answers every POST with 200 (PORT 0: a free one)
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

_SEQ = re.compile(rb'"seq":\s*(\d+)')
_START = (
    b'{"protocol": 1, "implementation": {"name": "vmjob-trivial", "version": "1", "language": "python"}, '
    b'"kinds": ["job", "result", "progress", "worker"], "classes": ["core", "payload", "result", "progress", '
    b'"worker", "capabilities"]}\n'
)


def serve_lines() -> int:
    """The persistent protocol; the seq is found with a regular expression, the document never read.

    Reads whatever is available and answers every complete line in it with one write, so replies go out in
    batches when the runner pipelines.
    """
    fd_in, fd_out = sys.stdin.fileno(), sys.stdout.fileno()
    buf = b""
    while chunk := os.read(fd_in, 1 << 16):
        lines = (buf + chunk).split(b"\n")
        buf = lines.pop()
        out: list[bytes] = []
        for line in lines:
            m = _SEQ.search(line)
            if m is None:
                if b'"stop"' in line:
                    os.write(fd_out, b"".join(out))
                    return 0
                if b'"start"' in line:
                    out.append(_START)
                continue
            seq = m.group(1)
            if b'"match"' in line[:24]:
                out.append(b'{"seq": ' + seq + b', "ok": true, "missing": []}\n')
            else:
                out.append(b'{"seq": ' + seq + b', "valid": true}\n')
        data = b"".join(out)
        while data:
            data = data[os.write(fd_out, data) :]
    return 0


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """A WSGI app that answers every request with 200 ``{"valid": true}`` after reading the body."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    body = b'{"valid": true}'
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--one-shot"]:
        sys.stdin.buffer.read()
        return 0
    if args[:1] == ["--http"]:
        import logging

        import waitress

        # Under a benchmark's load requests queue up by design; waitress would log each time they do.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        server = waitress.create_server(app, host="127.0.0.1", port=int(args[1]) if len(args) > 1 else 0)
        print(f"listening on http://127.0.0.1:{server.effective_port}", flush=True)
        server.run()
        return 0
    return serve_lines()


if __name__ == "__main__":
    sys.exit(main())
