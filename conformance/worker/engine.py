"""What the reference worker does with a job, as a sequence of steps (one method each), for every binding.

``submit`` reads the job (the reference decides what is invalid at the required level), checks that the
operation is offered and that the capability requirements are met, claims the idempotency key, and starts
the job on a thread of its own; each step may refuse, with a :class:`Submission` that says why. ``execute``
runs ``test.echo`` and ``test.sleep`` under the job's timeout, emitting progress events. A zoo worker
(:mod:`conformance.zoo.workers`) is this class with one step changed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import reference

from .. import __version__
from .store import Store

#: The operations the reference worker offers, and the payload type of each.
OPERATIONS = {"test.echo": "test.echo.v1", "test.sleep": "test.sleep.v1"}
#: The features it advertises (what ``constraints.required_capabilities`` / ``required_features`` match).
FEATURES = ("test", "idempotency", "progress")
#: The longest ``test.sleep`` it accepts, in seconds: a worker under test should not be kept busy longer.
MAX_SLEEP = 60.0
#: Seconds between two progress events of a sleeping job.
PROGRESS_EVERY = 0.25

Listener = Callable[[str, str, dict[str, Any]], None]


def timestamp(at: float | None = None) -> str:
    """``at`` (epoch seconds; now by default) as RFC 3339 UTC with milliseconds."""
    moment = datetime.fromtimestamp(time.time() if at is None else at, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def seconds_of(value: Any, default: float) -> float:
    """A parsed number as seconds: an integer literal too long to convert (:class:`reference.BigNumber`)
    is beyond every bound (an infinity of its sign); what is not a number is ``default``."""
    if isinstance(value, reference.BigNumber):
        return float("-inf") if value.text.startswith("-") else float("inf")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    try:
        return float(value)
    except OverflowError:
        return float("-inf") if value < 0 else float("inf")


@dataclass(frozen=True, slots=True)
class Submission:
    """The answer to one submission: accepted (``status`` 200) or refused (a 4xx and why)."""

    accepted: bool
    status: int
    job_id: str | None
    code: str = ""
    message: str = ""
    #: An idempotent duplicate: the job whose result this one gets.
    duplicate_of: str | None = None
    #: The job as read, when it was (the file binding writes a refusal result from it).
    job: dict[str, Any] | None = None


def refuse(status: int, code: str, message: str, job: Any = None) -> Submission:
    job = job if isinstance(job, dict) else None
    job_id = job.get("job_id") if job is not None and isinstance(job.get("job_id"), str) else None
    return Submission(False, status, job_id, code, message, job=job)


class Worker:
    """The reference worker. ``state`` is its SQLite file (a fresh temporary one when None: promises then
    last as long as the worker). Close it with :meth:`close`."""

    name = "vmjob reference worker"
    worker_id = "vmjob-reference-worker"
    operations: tuple[str, ...] = tuple(OPERATIONS)
    features: tuple[str, ...] = FEATURES
    #: Whether a binding prints the trace of an exception while handling a request (the zoo's are expected).
    log_errors = True

    def __init__(self, state: Path | None = None) -> None:
        self._tmp: str | None = None
        if state is None:
            self._tmp = tempfile.mkdtemp(prefix="vmjob-worker-")
            state = Path(self._tmp) / "state.sqlite"
        self.store = Store(state)
        self.listeners: list[Listener] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        for job_id in self.store.interrupted():  # a restart: what was running will never finish
            now = timestamp()
            result = {
                "job_id": job_id,
                "status": "failed",
                "worker_id": self.worker_id,
                "failed_at": now,
                "execution_summary": {"started_at": now, "duration_seconds": 0, "attempt": 1},
                "error": {
                    "code": "WORKER_RESTARTED",
                    "message": "the worker stopped while the job ran",
                    "phase": "execution",
                    "recoverable": True,
                    "retry_recommended": True,
                },
            }
            self.store.finish(job_id, result)
            for key in self.store.keys_of(job_id):
                self.store.release(key, job_id)

    # --- the binding-facing surface ----------------------------------------------------------------------

    def submit(self, job: bytes | Any) -> Submission:
        """Submit a job, given as its bytes or as a value already parsed (by :func:`reference.parse`)."""
        doc, refusal = self.read(job)
        if refusal is not None:
            return refusal
        assert doc is not None
        for step in (self.check_operation, self.check_capabilities, self.check_known):
            refusal = step(doc)
            if refusal is not None:
                return refusal
        duplicate = self.check_duplicate(doc)
        if duplicate is not None:
            return duplicate
        job_id = str(doc["job_id"])
        self.store.start(job_id)
        thread = threading.Thread(target=self._run, args=(doc,), name=f"job {job_id[:40]}", daemon=True)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()
        return Submission(True, 200, job_id, message="submitted", job=doc)

    def result(self, job_id: str) -> dict[str, Any] | None:
        return self.store.result(job_id)

    def progress(self, job_id: str) -> list[dict[str, Any]]:
        return self.store.events(job_id)

    def status(self, job_id: str) -> str | None:
        """``running``, or the result's status, or None for a job never accepted."""
        result = self.store.result(job_id)
        if result is not None:
            return str(result.get("status"))
        return "running" if self.store.state(job_id) == "running" else None

    def worker_document(self) -> dict[str, Any]:
        """The worker's capabilities as a ``worker`` document."""
        now = timestamp()
        return {
            "worker_id": self.worker_id,
            "version": __version__,
            "hostname": os.uname().nodename if hasattr(os, "uname") else "localhost",
            "registered_at": now,
            "capabilities": {"operations": list(self.operations), "features": list(self.features), "disk_formats": []},
            "resources": {
                "max_concurrent_jobs": 64,
                "max_disk_size_gb": 0,
                "available_disk_gb": 0,
                "cpu_cores": os.cpu_count() or 1,
                "memory_gb": 1,
            },
            "configuration": {"privileged": False, "worker_pool": "test", "data_locality": []},
            "status": {"state": "ready", "current_jobs": 0, "last_heartbeat": now},
        }

    def refusal_result(self, refusal: Submission, job_id: str) -> dict[str, Any]:
        """A refusal written as a ``failed`` result (the file binding's only way to refuse): phase
        ``validation``, nothing executed."""
        job = refusal.job or {}
        ex = job.get("execution") if isinstance(job.get("execution"), dict) else {}
        attempt = ex.get("attempt", 1) if isinstance(ex, dict) else 1
        now = timestamp()
        return {
            "job_id": job_id,
            "status": "failed",
            "worker_id": self.worker_id,
            "failed_at": now,
            "execution_summary": {
                "started_at": now,
                "duration_seconds": 0,
                "attempt": attempt if type(attempt) is int and 1 <= attempt <= 0xFFFFFFFF else 1,
            },
            "error": {
                "code": refusal.code,
                "message": refusal.message,
                "phase": "validation",
                "recoverable": False,
                "retry_recommended": False,
            },
        }

    def result_name(self, job_id: str) -> str:
        """The file name of a job's result in the results directory: the id with every character that could
        leave the directory or hide a file percent-encoded (``/``, ``\\``, ``%``, controls, a leading dot)."""
        out = []
        for i, ch in enumerate(job_id):
            if ch in "/\\%" or ord(ch) < 0x20 or ord(ch) == 0x7F or (i == 0 and ch == "."):
                out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
            else:
                out.append(ch)
        return "".join(out)[:200]

    def close(self) -> None:
        """Stop the running jobs (they stay ``running`` in the store: a restart reports them failed)."""
        self._stop.set()
        with self._lock:
            threads = list(self._threads)
        for t in threads:
            t.join(5)
        self.store.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)

    # --- the steps ---------------------------------------------------------------------------------------

    def read(self, job: bytes | Any) -> tuple[dict[str, Any] | None, Submission | None]:
        """The job, or a refusal when the reference finds it invalid at the required level."""
        if isinstance(job, (bytes, str)):
            result, value = reference.validate(job, "job"), reference.parse(job)[0]
        else:
            result, value = reference.validate_value(job, "job"), job
        errors = [e for e in result.errors if e.level == "required"]
        if not isinstance(value, dict):  # refused whatever the level: there is no job to run
            errors = errors or list(result.errors)
        if errors:
            first = errors[0]
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            where = first.pointer or "the document"
            return None, refuse(422, "VALIDATION_ERROR", f"{first.rule} at {where}: {first.message}{more}", value)
        assert isinstance(value, dict)
        return value, None

    def check_operation(self, job: dict[str, Any]) -> Submission | None:
        op = job.get("operation")
        if op not in self.operations:
            offered = ", ".join(self.operations)
            return refuse(422, "UNSUPPORTED_OPERATION", f"{op!r} is not offered by this worker ({offered})", job)
        ptype = job.get("payload", {}).get("type")
        if ptype != OPERATIONS.get(str(op), ptype):
            return refuse(422, "INVALID_PAYLOAD", f"{ptype!r} is not the payload type of {op} ({OPERATIONS[op]})", job)
        if op == "test.sleep":
            data = job["payload"].get("data")
            seconds = data.get("seconds") if isinstance(data, dict) else None
            if not 0 <= seconds_of(seconds, -1.0) <= MAX_SLEEP:
                return refuse(
                    422,
                    "INVALID_PAYLOAD",
                    f"{seconds!r} is not a number of seconds in 0..{MAX_SLEEP:g} (test.sleep's data.seconds)",
                    job,
                )
        return None

    def check_capabilities(self, job: dict[str, Any]) -> Submission | None:
        constraints = job.get("constraints") if isinstance(job.get("constraints"), dict) else {}
        assert isinstance(constraints, dict)
        required = [*(constraints.get("required_capabilities") or []), *(constraints.get("required_features") or [])]
        missing = reference.match_capabilities(required, self.features)
        if missing:
            return refuse(
                422,
                "MISSING_CAPABILITIES",
                f"{', '.join(map(repr, missing))} not offered by this worker (it offers {', '.join(self.features)})",
                job,
            )
        return None

    def check_known(self, job: dict[str, Any]) -> Submission | None:
        if self.store.known(str(job["job_id"])):
            return refuse(409, "JOB_EXISTS", f"{job['job_id']!r} was submitted before: a job id is used once", job)
        return None

    def check_duplicate(self, job: dict[str, Any]) -> Submission | None:
        """Claim the idempotency key: a running holder refuses the job, a finished one gives its result."""
        key = self.key_of(job)
        if key is None:
            return None
        job_id = str(job["job_id"])
        claim, holder = self.store.claim(key, job_id)
        if claim == "first":
            return None
        if claim == "running":
            return refuse(409, "DUPLICATE_JOB", f"idempotency key {key!r} is held by {holder!r}, still running", job)
        first = self.store.result(holder)
        if first is None:  # released but without a result: cannot happen in one store; refuse rather than rerun
            return refuse(409, "DUPLICATE_JOB", f"idempotency key {key!r} was used by {holder!r}", job)
        self.store.finish(job_id, first)
        return Submission(True, 200, job_id, message=f"duplicate of {holder}: its result", duplicate_of=holder, job=job)

    def key_of(self, job: dict[str, Any]) -> str | None:
        ex = job.get("execution")
        key = ex.get("idempotency_key") if isinstance(ex, dict) else None
        return key if isinstance(key, str) else None

    def _run(self, job: dict[str, Any]) -> None:
        job_id = str(job["job_id"])
        try:
            result = self.execute(job)
        except Exception as err:  # a bug (or a zoo member's fault): the job fails, the worker goes on
            if self.log_errors:
                traceback.print_exc()
            result = self.result_doc(job, "failed", time.time(), error=("INTERNAL_ERROR", f"{type(err).__name__}"))
        if result is None:  # stopped: left running in the store
            return
        self.store.finish(job_id, result)
        key = self.key_of(job)
        if key is not None:
            self.store.release(key, job_id)
        self._tell("result", job_id, result)

    def execute(self, job: dict[str, Any]) -> dict[str, Any] | None:
        """Run the job to its result (None when the worker is stopping)."""
        started = time.time()
        ex = job.get("execution") if isinstance(job.get("execution"), dict) else {}
        assert isinstance(ex, dict)
        limit = seconds_of(ex.get("timeout_seconds", 3600), 3600.0)
        data = job["payload"].get("data")
        self.emit(job, 1, "started", 0, "started")
        if job["operation"] == "test.sleep":
            seconds = seconds_of(data["seconds"], 0.0)
            seq = 1
            while True:
                elapsed = time.time() - started
                if elapsed >= seconds:
                    break
                if self.timed_out(elapsed, limit):
                    return self.result_doc(job, "timeout", started, error=("TIMEOUT", f"ran past {limit:g} seconds"))
                if self._stop.wait(min(PROGRESS_EVERY, seconds - elapsed, max(0.01, limit - elapsed))):
                    return None
                seq += 1
                percent = min(99, int(100 * (time.time() - started) / seconds)) if seconds else 99
                self.emit(job, seq, "sleeping", percent, f"slept {time.time() - started:.2f} of {seconds:g} s")
            self.emit(job, seq + 1, "done", 100, "done")
            return self.result_doc(job, "completed", started, data={"slept": seconds})
        self.emit(job, 2, "done", 100, "echoed")
        return self.result_doc(job, "completed", started, data=data)  # the parsed value: its numbers exact

    def timed_out(self, elapsed: float, limit: float) -> bool:
        return elapsed >= limit

    def result_doc(
        self,
        job: dict[str, Any],
        status: str,
        started: float,
        data: Any = None,
        error: tuple[str, str] | None = None,
    ) -> dict[str, Any]:
        ended = time.time()
        ex = job.get("execution") if isinstance(job.get("execution"), dict) else {}
        assert isinstance(ex, dict)
        doc: dict[str, Any] = {
            "job_id": job["job_id"],
            "status": status,
            "worker_id": self.worker_id,
            "execution_summary": {
                "started_at": timestamp(started),
                "duration_seconds": int(ended - started),
                "attempt": ex.get("attempt", 1),  # a parsed value: may be a BigNumber (written back as it came)
                "idempotency_key": self.key_of(job),
            },
        }
        if error is None:
            doc["completed_at"] = timestamp(ended)
            doc["data"] = data
        else:
            doc["failed_at"] = timestamp(ended)
            doc["error"] = {
                "code": error[0],
                "message": error[1],
                "phase": "execution",
                "recoverable": True,
                "retry_recommended": False,
            }
        return doc

    def emit(self, job: dict[str, Any], sequence: int, phase: str, percent: int, message: str) -> None:
        event = {
            "job_id": job["job_id"],
            "timestamp": timestamp(),
            "sequence": sequence,
            "phase": phase,
            "progress_percent": percent,
            "message": message,
        }
        self.store.progress(str(job["job_id"]), event)
        self._tell("progress", str(job["job_id"]), event)

    def _tell(self, what: str, job_id: str, doc: dict[str, Any]) -> None:
        for listener in list(self.listeners):
            listener(what, job_id, doc)
