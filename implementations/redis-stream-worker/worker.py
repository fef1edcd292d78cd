"""A worker that takes its jobs from a Redis stream: the kind a team writes beside its queue.

Jobs arrive by ``XADD vmjob:jobs * job JOB reply REPLY_KEY``; the worker answers each submission on the list
``REPLY_KEY`` (``{"accepted": ..., "reason": {...}}``), runs accepted jobs on threads of their own and keeps
everything in Redis: results in the hash ``vmjob:results``, progress events in ``vmjob:progress:<job_id>``,
idempotency keys as ``vmjob:key:<key>`` (set once, with ``NX``), its worker document at ``vmjob:worker``.
It validates with the suite's reference and offers ``test.echo`` and ``test.sleep``.

    python worker.py --port 6379
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
from datetime import UTC, datetime
from typing import Any

import redis

import reference

OPERATIONS = {"test.echo": "test.echo.v1", "test.sleep": "test.sleep.v1"}
FEATURES = ["test", "redis"]
NAME = "redis-stream-worker"


def now(at: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if at is None else at, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


class StreamWorker:
    def __init__(self, db: redis.Redis) -> None:
        self.db = db

    def document(self) -> dict[str, Any]:
        stamp = now()
        return {
            "worker_id": NAME,
            "version": "0.1.0",
            "hostname": socket.gethostname(),
            "registered_at": stamp,
            "capabilities": {"operations": list(OPERATIONS), "features": FEATURES, "disk_formats": []},
            "resources": {
                "max_concurrent_jobs": 16,
                "max_disk_size_gb": 0,
                "available_disk_gb": 0,
                "cpu_cores": 1,
                "memory_gb": 1,
            },
            "configuration": {"privileged": False, "worker_pool": "redis", "data_locality": []},
            "status": {"state": "ready", "current_jobs": 0, "last_heartbeat": stamp},
        }

    def decide(self, text: bytes) -> tuple[dict[str, Any] | None, dict[str, str] | None, str | None]:
        """(job, refusal, the job whose result a duplicate gets)."""
        result = reference.validate(text, "job")
        errors = [e for e in result.errors if e.level == "required"]
        job, _ = reference.parse(text)
        if errors or not isinstance(job, dict):
            e = (errors or result.errors)[0]
            return None, {"code": "VALIDATION_ERROR", "message": f"{e.rule} at {e.pointer or '/'}: {e.message}"}, None
        op = job["operation"]
        if op not in OPERATIONS or job["payload"]["type"] != OPERATIONS[op]:
            return (
                None,
                {"code": "UNSUPPORTED_OPERATION", "message": f"{op} ({job['payload']['type']}) is not offered"},
                None,
            )
        data = job["payload"].get("data")
        if op == "test.sleep" and not (
            isinstance(data, dict) and type(data.get("seconds")) in (int, float) and 0 <= data["seconds"] <= 60
        ):
            return None, {"code": "INVALID_PAYLOAD", "message": "test.sleep needs data.seconds in 0..60"}, None
        constraints = job.get("constraints") or {}
        wanted = (constraints.get("required_capabilities") or []) + (constraints.get("required_features") or [])
        missing = reference.match_capabilities(wanted, FEATURES)
        if missing:
            return None, {"code": "MISSING_CAPABILITIES", "message": f"not offered: {', '.join(missing)}"}, None
        if self.db.hexists("vmjob:results", job["job_id"]) or self.db.sismember("vmjob:jobs-seen", job["job_id"]):
            return None, {"code": "JOB_EXISTS", "message": f"{job['job_id']} was submitted before"}, None
        key = (job.get("execution") or {}).get("idempotency_key")
        if isinstance(key, str) and not self.db.set(f"vmjob:key:{key}", job["job_id"], nx=True):
            holder = self.db.get(f"vmjob:key:{key}")
            first = self.db.hget("vmjob:results", holder) if holder else None
            if first is None:
                return None, {"code": "DUPLICATE_JOB", "message": f"key {key} is held by {holder}, running"}, None
            self.db.hset("vmjob:results", job["job_id"], first)
            return job, None, holder
        self.db.sadd("vmjob:jobs-seen", job["job_id"])
        return job, None, None

    def progress(self, job: dict[str, Any], seq: int, phase: str, percent: int) -> None:
        event = {
            "job_id": job["job_id"],
            "timestamp": now(),
            "sequence": seq,
            "phase": phase,
            "progress_percent": percent,
            "message": phase,
        }
        self.db.rpush(f"vmjob:progress:{job['job_id']}", json.dumps(event))

    def run(self, job: dict[str, Any]) -> None:
        started = time.time()
        ex = job.get("execution") or {}
        limit = ex.get("timeout_seconds", 3600)
        self.progress(job, 1, "started", 0)
        status, data, error = "completed", json.loads(reference.dumps(job["payload"].get("data"))), None
        if job["operation"] == "test.sleep":
            seconds, seq = data["seconds"], 1
            while time.time() - started < seconds:
                if time.time() - started >= limit:
                    status, data, error = (
                        "timeout",
                        None,
                        {
                            "code": "TIMEOUT",
                            "message": f"past {limit} s",
                            "phase": "execution",
                            "recoverable": True,
                            "retry_recommended": False,
                        },
                    )
                    break
                time.sleep(min(0.25, seconds - (time.time() - started)))
                seq += 1
                self.progress(job, seq, "sleeping", min(99, int(100 * (time.time() - started) / seconds)))
        if status == "completed":
            self.progress(job, 1000, "done", 100)
        result: dict[str, Any] = {
            "job_id": job["job_id"],
            "status": status,
            "worker_id": NAME,
            "execution_summary": {
                "started_at": now(started),
                "duration_seconds": int(time.time() - started),
                "attempt": ex.get("attempt", 1),
                "idempotency_key": ex.get("idempotency_key"),
            },
        }
        if error is None:
            result["completed_at"], result["data"] = now(), data
        else:
            result["failed_at"], result["error"] = now(), error
        self.db.hset("vmjob:results", job["job_id"], json.dumps(result))

    def serve(self) -> None:
        self.db.set("vmjob:worker", json.dumps(self.document()))
        last = "$"
        print(f"{NAME}: reading vmjob:jobs", flush=True)
        while True:
            for _stream, entries in self.db.xread({"vmjob:jobs": last}, block=1000, count=64) or []:
                for entry_id, fields in entries:
                    last = entry_id
                    try:
                        job, refusal, first = self.decide(fields[b"job"])
                    except Exception as err:  # a job that trips this worker is refused, never the end of it
                        job, refusal, first = None, {"code": "INTERNAL_ERROR", "message": repr(err)[:200]}, None
                    reply: dict[str, Any] = {"accepted": refusal is None}
                    if refusal is not None:
                        reply["reason"] = refusal
                    if first is not None:
                        reply["duplicate_of"] = first.decode() if isinstance(first, bytes) else first
                    self.db.rpush(fields[b"reply"], json.dumps(reply))
                    if job is not None and first is None:
                        threading.Thread(target=self.run, args=(job,), daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=6379)
    args = parser.parse_args()
    StreamWorker(redis.Redis(host=args.host, port=args.port)).serve()


if __name__ == "__main__":
    main()
