"""The HTTP binding of a worker (the upstream worker's API, PROTOCOL.md §4), on the server of ``vmjob serve``.

``POST /api/v1/jobs`` with ``{"job": JOB}`` → 200 ``{"success": true, "data": {"job_id", "status", "message"}}``
or a 4xx ``{"success": false, "error": {"code", "message"}}``; ``GET /api/v1/jobs/{id}`` (status),
``/api/v1/jobs/{id}/result`` (200 with the result in ``data``, 404 before there is one),
``/api/v1/jobs/{id}/progress`` (the events), ``GET /api/v1/capabilities`` (the worker document in ``data``),
``GET /api/v1/health``. A job id in a path is percent-encoded (``/`` as ``%2F``); the raw request target is
read, so an encoded slash stays part of the id.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from waitress.adjustments import Adjustments
from waitress.task import ThreadedTaskDispatcher

import reference

from ..commands.serve import MAX_BODY, REQUEST_TIMEOUT, Server, StartResponse
from .engine import Submission, Worker

PREFIX = "/api/v1"
REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    422: "Unprocessable Content",
    500: "Internal Server Error",
}
#: The body ``{"job": JOB}`` as text: a job nested to the protocol's limit is one level too deep for the
#: reference's reader inside its envelope, so its own text is given to the worker.
_ENVELOPE = re.compile(rb'\s*\{\s*"job"\s*:(.*)\}\s*', re.DOTALL)


def _body(payload: Any) -> bytes:
    """The body of an answer, written by :func:`reference.dumps`: a result's numbers as the job held them."""
    return reference.dumps(payload).encode("utf-8", "backslashreplace")


def ok(data: Any) -> tuple[int, bytes]:
    return 200, _body({"success": True, "data": data})


def error(status: int, code: str, message: str) -> tuple[int, bytes]:
    return status, _body({"success": False, "error": {"code": code, "message": message}})


def refusal(worker: Worker, sub: Submission) -> tuple[int, bytes]:
    """How a refusal is answered: the worker's :meth:`http_refusal` when it has one (zoo members do)."""
    custom = getattr(worker, "http_refusal", None)
    if callable(custom):
        status, body = custom(sub)
        return int(status), bytes(body)
    return error(sub.status, sub.code, sub.message)


def _segments(environ: dict[str, Any]) -> list[str]:
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if isinstance(raw, str) and raw.startswith("/"):
        path = raw.split("?", 1)[0]
        return [unquote(s) for s in path.split("/")[1:]]
    return str(environ.get("PATH_INFO", "")).split("/")[1:]


def handle(worker: Worker, method: str, segments: list[str], body: bytes) -> tuple[int, bytes]:
    """One request to the worker: (status, JSON body)."""
    if segments[:2] != ["api", "v1"] or len(segments) < 3:
        return error(404, "NOT_FOUND", "not an endpoint of this worker (see /api/v1/health)")
    rest = segments[2:]
    if rest == ["jobs"]:
        if method != "POST":
            return error(405, "METHOD_NOT_ALLOWED", "POST a job here")
        return submit(worker, body)
    if method != "GET":
        return error(405, "METHOD_NOT_ALLOWED", "this endpoint answers GET")
    if rest == ["health"]:
        return ok({"status": "healthy"})
    if rest == ["capabilities"]:
        return ok(worker.worker_document())
    if rest[0] == "jobs" and 2 <= len(rest) <= 3:
        job_id, what = rest[1], (rest[2] if len(rest) == 3 else "status")
        if what == "result":
            result = worker.result(job_id)
            return ok(result) if result is not None else error(404, "NO_RESULT", f"no result for {job_id!r} yet")
        status = worker.status(job_id)
        if status is None:
            return error(404, "UNKNOWN_JOB", f"no job {job_id!r} was accepted")
        if what == "progress":
            return ok(worker.progress(job_id))
        if what == "status":
            return ok({"job_id": job_id, "status": status})
    return error(404, "NOT_FOUND", "not an endpoint of this worker (see /api/v1/health)")


def submit(worker: Worker, body: bytes) -> tuple[int, bytes]:
    value, faults = reference.parse(body)
    envelope = _ENVELOPE.fullmatch(body) if faults and faults[0].rule == "parse.depth" else None
    if envelope is not None:
        value, faults = {"job": envelope.group(1)}, []  # its bytes: the worker reads (and judges) them
    if faults:
        f = faults[0]
        return refusal(worker, Submission(False, 422, None, "VALIDATION_ERROR", f"{f.rule}: {f.message}"))
    if not isinstance(value, dict) or "job" not in value:
        return error(400, "BAD_REQUEST", 'the body is {"job": JOB}')
    sub = worker.submit(value["job"])
    if not sub.accepted:
        return refusal(worker, sub)
    data = {"job_id": sub.job_id, "status": "duplicate" if sub.duplicate_of else "submitted", "message": sub.message}
    if sub.duplicate_of:
        data["duplicate_of"] = sub.duplicate_of
    return ok(data)


def make_app(worker: Worker) -> Any:
    """The WSGI application of ``worker``."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length > 0 else b""
            status, data = handle(worker, str(environ.get("REQUEST_METHOD", "GET")), _segments(environ), body)
        except Exception:  # a bug of ours, or of a zoo member: a 500 with a JSON body, the trace on stderr
            if worker.log_errors:
                traceback.print_exc()
            status, data = error(500, "INTERNAL_ERROR", "the worker failed while handling this request")
        start_response(
            f"{status} {REASONS.get(status, 'Status')}",
            [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
        )
        return [data]

    return app


def create_server(worker: Worker, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> Server:
    """A server for ``worker`` (call ``.run()``; ``.effective_port`` is its port, ``.close()`` stops it)."""
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" under a burst of polls
    adj = Adjustments(
        host=host,
        port=port,
        max_request_body_size=MAX_BODY,
        threads=threads,
        channel_timeout=30,
        cleanup_interval=5,
        asyncore_use_poll=True,
        ident="vmjob-worker",
    )
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    return Server(
        make_app(worker),
        map={},
        dispatcher=dispatcher,
        adj=adj,
        sockinfo=adj.listen[0],
        request_timeout=REQUEST_TIMEOUT,
        access_log=None,
    )
