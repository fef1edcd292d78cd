"""``vmjob serve``: the reference as an HTTP service (ADAPTER.md §3), a WSGI app on waitress.

``POST /{kind}`` (and ``POST /api/v1/jobs``, the upstream worker's endpoint, for jobs) answers 200
``{"valid": true, "warnings": [...]}`` or 422 ``{"valid": false, "errors": [...], "warnings": [...]}``.
Anything else is answered cleanly: 404 for an unknown path, 405 for another method (JSON bodies), 413 for a
body over the cap (waitress refuses it from its Content-Length before reading it; the app checks again).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

from reference import KINDS

from ..cli import UsageError
from ..reference_impl import validate_reply

#: The largest body accepted (the protocol's documents are small; the corpus's largest is well below).
MAX_BODY = 16 * 1024 * 1024
ROUTES = {f"/{k}": k for k in KINDS} | {"/api/v1/jobs": "job"}

StartResponse = Callable[..., Any]


def _respond(start_response: StartResponse, status: str, body: dict[str, Any], *extra: tuple[str, str]) -> list[bytes]:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data))), *extra])
    return [data]


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """The WSGI application: the reference's verdict on the request body."""
    path = environ.get("PATH_INFO") or "/"
    kind = ROUTES.get(path.rstrip("/") or "/")
    if kind is None:
        return _respond(start_response, "404 Not Found", {"error": f"no endpoint at {path}; POST to "
                        + ", ".join(sorted(ROUTES))})  # fmt: skip
    if environ.get("REQUEST_METHOD") != "POST":
        return _respond(start_response, "405 Method Not Allowed", {"error": f"{path} takes POST"}, ("Allow", "POST"))
    raw_length = environ.get("CONTENT_LENGTH") or ""
    try:
        length = int(raw_length) if raw_length else None
    except ValueError:
        return _respond(start_response, "400 Bad Request", {"error": f"Content-Length {raw_length!r} is not a number"})
    if length is not None and length > MAX_BODY:
        return _respond(
            start_response, "413 Content Too Large", {"error": f"body of {length:,} bytes; max {MAX_BODY:,}"}
        )
    body = environ["wsgi.input"].read(length if length is not None else MAX_BODY + 1)
    if len(body) > MAX_BODY:
        return _respond(start_response, "413 Content Too Large", {"error": f"body over {MAX_BODY:,} bytes"})
    reply = validate_reply(kind, body)
    if reply["valid"]:
        return _respond(start_response, "200 OK", {"valid": True, "warnings": reply["warnings"]})
    return _respond(start_response, "422 Unprocessable Entity", reply)


def create_server(host: str = "127.0.0.1", port: int = 0) -> Any:
    """A waitress server for :func:`app` (not yet running); ``.effective_port`` is the port it listens on."""
    import waitress

    return waitress.create_server(
        app, host=host, port=port, max_request_body_size=MAX_BODY, threads=2, ident="vmjob-reference"
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
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port={args.port} is not a port number (0..65535)")
    try:
        server = create_server(args.host, args.port)
    except OSError as err:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {err.strerror or err}") from err
    print(f"vmjob serve: listening on http://{args.host}:{server.effective_port}", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        print("vmjob serve: stopped", file=sys.stderr)
    finally:
        server.close()
    return 0
