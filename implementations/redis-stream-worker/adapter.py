"""The worker adapter protocol (WORKER.md) for the Redis-stream worker: ``vmjob worker certify --cmd``.

Each request becomes Redis commands: ``submit`` an ``XADD`` to ``vmjob:jobs`` and a ``BLPOP`` of the reply,
``result`` a read of ``vmjob:results`` and ``vmjob:progress:<job_id>``, ``capabilities`` the worker document.

    vmjob worker certify --cmd 'python adapter.py --port 6379'
"""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import sys
import time
from typing import Any

import redis


def answer(db: redis.Redis, request: dict[str, Any]) -> dict[str, Any] | None:
    cmd, seq = request.get("cmd"), request.get("seq")
    if cmd == "start":
        return {
            "protocol": 1,
            "implementation": {"name": "redis-stream-worker", "version": "0.1.0", "language": "python"},
        }
    if cmd == "capabilities":
        raw = db.get("vmjob:worker")
        return {"seq": seq, "worker": json.loads(raw) if raw else None}
    if cmd == "submit":
        job = request["job"].encode() if "job" in request else base64.b64decode(request["job_base64"])
        reply_key = f"vmjob:reply:{secrets.token_hex(8)}"
        db.xadd("vmjob:jobs", {"job": job, "reply": reply_key})
        got = db.blpop([reply_key], timeout=10)
        if got is None:
            return {"seq": seq, "errored": True, "message": "the worker did not answer within 10 s"}
        return {"seq": seq, **json.loads(got[1])}
    if cmd == "result":
        deadline = time.monotonic() + min(float(request.get("wait_s", 0)), 30)
        while True:
            raw = db.hget("vmjob:results", request["job_id"])
            if raw is not None or time.monotonic() >= deadline:
                break
            time.sleep(0.01)
        events = [json.loads(e) for e in db.lrange(f"vmjob:progress:{request['job_id']}", 0, -1)]
        out: dict[str, Any] = {"seq": seq, "progress": events}
        if raw is not None:
            out["result"] = json.loads(raw)
        return out
    if cmd == "stop":
        return None
    return {"seq": seq, "errored": True, "message": f"unknown cmd {cmd!r}"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=6379)
    args = parser.parse_args()
    db = redis.Redis(host=args.host, port=args.port)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = answer(db, json.loads(line))
        except Exception as err:  # a Redis error, a bad request: reported, the adapter goes on
            reply = {"errored": True, "message": repr(err)[:300]}
        if reply is None:
            return 0
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
