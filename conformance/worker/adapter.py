"""The worker adapter protocol (WORKER.md §3), served for a :class:`Worker` on stdin and stdout.

One JSON object per line each way, one reply per request, in order: ``start``, ``capabilities``,
``submit`` (the job's exact text, or ``job_base64``), ``result`` (waits up to ``wait_s`` for a result),
``stop``. Messages are described by ``conformance/schemas/worker-*.json``.
"""

from __future__ import annotations

import base64
import binascii
import sys
import time
from typing import IO, Any

import reference

from .. import __version__, safejson
from .engine import Worker

PROTOCOL = 1
#: The longest a ``result`` request may wait, whatever it asks.
MAX_WAIT = 30.0


def reply_to(worker: Worker, request: Any) -> dict[str, Any] | None:
    """The reply to one request (None for ``stop``)."""
    if not isinstance(request, dict) or not isinstance(request.get("cmd"), str):
        return {"errored": True, "message": 'a request is an object with a string "cmd"'}
    cmd, seq = request["cmd"], request.get("seq")
    if cmd == "stop":
        return None
    if cmd == "start":
        return {
            "protocol": PROTOCOL,
            "implementation": {"name": worker.name, "version": __version__, "language": "python"},
        }
    if cmd == "capabilities":
        return {"seq": seq, "worker": worker.worker_document()}
    if cmd == "submit":
        try:
            job = base64.b64decode(request["job_base64"], validate=True) if "job_base64" in request else request["job"]
        except (KeyError, binascii.Error, TypeError):
            return {"seq": seq, "errored": True, "message": "submit carries job (text) or job_base64"}
        sub = worker.submit(job.encode("utf-8", "surrogatepass") if isinstance(job, str) else job)
        out: dict[str, Any] = {"seq": seq, "accepted": sub.accepted}
        if not sub.accepted:
            out["reason"] = {"code": sub.code, "message": sub.message}
        if sub.duplicate_of:
            out["duplicate_of"] = sub.duplicate_of
        return out
    if cmd == "result":
        job_id = request.get("job_id")
        wait = request.get("wait_s", 0)
        if not isinstance(job_id, str) or not isinstance(wait, (int, float)):
            return {"seq": seq, "errored": True, "message": "result carries job_id (string) and wait_s (number)"}
        deadline = time.monotonic() + min(max(0.0, float(wait)), MAX_WAIT)
        result = worker.result(job_id)
        while result is None and time.monotonic() < deadline:
            time.sleep(0.01)
            result = worker.result(job_id)
        out = {"seq": seq, "progress": worker.progress(job_id)}
        if result is not None:
            out["result"] = result
        return out
    return {"seq": seq, "errored": True, "message": f"unknown cmd {cmd!r}"}


def serve(worker: Worker, stdin: IO[bytes] | None = None, stdout: IO[bytes] | None = None) -> int:
    """Answer requests until ``stop`` or end of input."""
    inp = stdin or sys.stdin.buffer
    out = stdout or sys.stdout.buffer
    for line in inp:
        if not line.strip():
            continue
        try:
            request = safejson.loads(line)
        except ValueError as err:
            reply: dict[str, Any] | None = {"errored": True, "message": f"not JSON: {err}"}
        else:
            reply = reply_to(worker, request)
        if reply is None:
            break
        # reference.dumps: a result's numbers as the job held them (json refuses an int past 4,300 digits)
        out.write(reference.dumps(reply).encode("utf-8", "backslashreplace") + b"\n")
        out.flush()
    return 0
