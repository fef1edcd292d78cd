"""The worker zoo: workers that each break one behaviour rule, and equivalents that are right another way.

Each member is the reference worker (:class:`conformance.worker.engine.Worker`) with one step changed, so
that what it breaks is exactly what it says. ``binding`` is where the fault is observable (a worker that
writes outside its results directory is seen over the file binding only). ``vmjob selftest`` certifies
every member (:mod:`conformance.behaviour.score`); ``python -m conformance.zoo.workers NAME`` serves one,
over HTTP (``--port``), the file binding (``--files JOBS RESULTS``) or the adapter protocol (``--adapter``).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import reference

from ..worker.engine import Submission, Worker, refuse
from ._listing import print_listing


@dataclass(frozen=True)
class ZooWorker:
    name: str
    #: The behaviour rules it breaks (empty for an equivalent).
    breaks: tuple[str, ...]
    description: str
    make: Callable[[Path | None], Worker]
    binding: str = "http"

    @property
    def equivalent(self) -> bool:
        return not self.breaks


# --- mutants ------------------------------------------------------------------------------------------


class ExecutesInvalid(Worker):
    def read(self, job: bytes | Any) -> tuple[dict[str, Any] | None, Submission | None]:
        value = reference.parse(job)[0] if isinstance(job, (bytes, str)) else job
        if isinstance(value, dict) and isinstance(value.get("job_id"), str) and isinstance(value.get("payload"), dict):
            return value, None  # runs what it can read, valid or not
        return super().read(job)


class AlwaysOk(Worker):
    def http_refusal(self, sub: Submission) -> tuple[int, bytes]:
        return 200, json.dumps({"success": False, "error": {"code": sub.code, "message": sub.message}}).encode()


class IgnoresCapabilities(Worker):
    def check_capabilities(self, job: dict[str, Any]) -> Submission | None:
        return None


class AnyOperation(Worker):
    def check_operation(self, job: dict[str, Any]) -> Submission | None:
        if job.get("operation") in self.operations:
            return super().check_operation(job)
        return None  # any other operation is "run" as an echo


class ReExecutes(Worker):
    def check_duplicate(self, job: dict[str, Any]) -> Submission | None:
        refusal = super().check_duplicate(job)
        return refusal if refusal is None or not refusal.accepted else None  # a finished key: runs it again


class RunsRunningDuplicates(Worker):
    def check_duplicate(self, job: dict[str, Any]) -> Submission | None:
        refusal = super().check_duplicate(job)
        return None if refusal is not None and refusal.code == "DUPLICATE_JOB" else refusal


class PathEscape(Worker):
    def result_name(self, job_id: str) -> str:
        return job_id  # RESULTS / "../x" + "-result.json"


class WrongJobId(Worker):
    def result_doc(
        self, job: dict[str, Any], status: str, started: float, data: Any = None, error: tuple[str, str] | None = None
    ) -> dict[str, Any]:
        doc = super().result_doc(job, status, started, data, error)
        doc["job_id"] = f"{doc['job_id']}-other"
        return doc


class EarlyStart(Worker):
    def result_doc(
        self, job: dict[str, Any], status: str, started: float, data: Any = None, error: tuple[str, str] | None = None
    ) -> dict[str, Any]:
        doc = super().result_doc(job, status, started - 86400, data, error)
        return doc  # started_at a day before the job was created


class InvalidResult(Worker):
    def result_doc(
        self, job: dict[str, Any], status: str, started: float, data: Any = None, error: tuple[str, str] | None = None
    ) -> dict[str, Any]:
        doc = super().result_doc(job, status, started, data, error)
        doc["execution_summary"]["duration_seconds"] = -1
        return doc


class AttemptOne(Worker):
    def result_doc(
        self, job: dict[str, Any], status: str, started: float, data: Any = None, error: tuple[str, str] | None = None
    ) -> dict[str, Any]:
        doc = super().result_doc(job, status, started, data, error)
        doc["execution_summary"]["attempt"] = 1
        return doc


class ProgressBack(Worker):
    def emit(self, job: dict[str, Any], sequence: int, phase: str, percent: int, message: str) -> None:
        super().emit(job, 1000 - sequence, phase, percent, message)


class PercentDown(Worker):
    def emit(self, job: dict[str, Any], sequence: int, phase: str, percent: int, message: str) -> None:
        super().emit(job, sequence, phase, 100 - percent, message)


class NeverTimesOut(Worker):
    def timed_out(self, elapsed: float, limit: float) -> bool:
        return False


class HidesEcho(Worker):
    def worker_document(self) -> dict[str, Any]:
        doc = super().worker_document()
        doc["capabilities"]["operations"] = [o for o in self.operations if o != "test.echo"]
        return doc


class TextRefusals(Worker):
    def http_refusal(self, sub: Submission) -> tuple[int, bytes]:
        return sub.status, b"refused\n"


class NeverFinishes(Worker):
    def execute(self, job: dict[str, Any]) -> dict[str, Any] | None:
        self._stop.wait()
        return None


class RefusesConstraints(Worker):
    def check_capabilities(self, job: dict[str, Any]) -> Submission | None:
        if job.get("constraints"):
            return refuse(422, "CONSTRAINTS_UNSUPPORTED", "this worker runs no job with constraints", job)
        return None


# --- equivalents ----------------------------------------------------------------------------------------


class Strict(Worker):
    def read(self, job: bytes | Any) -> tuple[dict[str, Any] | None, Submission | None]:
        value, refusal = super().read(job)
        if refusal is not None or value is None:
            return value, refusal
        result = reference.validate_value(value, "job")
        if result.errors:  # recommended-level errors too
            return None, refuse(422, "VALIDATION_ERROR", f"{result.errors[0].rule}: {result.errors[0].message}", value)
        return value, None


class RefusesByResult(Worker):
    def submit(self, job: bytes | Any) -> Submission:
        sub = super().submit(job)
        if sub.accepted or sub.job_id is None or sub.code == "JOB_EXISTS" or self.store.known(sub.job_id):
            return sub
        result = self.refusal_result(sub, sub.job_id)
        self.store.finish(sub.job_id, result)
        self._tell("result", sub.job_id, result)
        return Submission(True, 200, sub.job_id, message="refused: see the result", job=sub.job)


class Silent(Worker):
    def emit(self, job: dict[str, Any], sequence: int, phase: str, percent: int, message: str) -> None:
        pass


class Slow(Worker):
    def submit(self, job: bytes | Any) -> Submission:
        time.sleep(0.03)
        return super().submit(job)


class BadRequestRefusals(Worker):
    def http_refusal(self, sub: Submission) -> tuple[int, bytes]:
        body = {"success": False, "error": {"code": sub.code.lower(), "message": sub.message, "retry": False}}
        return 400, json.dumps(body).encode()


class SequenceGaps(Worker):
    def emit(self, job: dict[str, Any], sequence: int, phase: str, percent: int, message: str) -> None:
        super().emit(job, sequence * 10 + 3, phase, percent, message)


class EchoOnly(Worker):
    operations = ("test.echo",)


def _m(name: str, rule: str, description: str, cls: type[Worker], binding: str = "http") -> ZooWorker:
    return ZooWorker(name, (f"behaviour.{rule}",), description, cls, binding)


def _e(name: str, description: str, cls: type[Worker], binding: str = "http") -> ZooWorker:
    return ZooWorker(name, (), description, cls, binding)


MUTANTS = [
    _m("executes-invalid", "refuse-invalid", "runs any job it can read, valid or not", ExecutesInvalid),
    _m("always-200", "refuse-invalid", "answers every refusal with 200 and success: false", AlwaysOk),
    _m("ignores-capabilities", "refuse-capabilities", "never checks required capabilities", IgnoresCapabilities),
    _m("any-operation", "refuse-operation", "runs any operation as an echo", AnyOperation),
    _m("re-executes", "idempotency.completed", "runs a finished key's duplicate again", ReExecutes),
    _m("runs-running-duplicates", "idempotency.running", "runs a running key's duplicate", RunsRunningDuplicates),
    _m("path-escape", "path-safety", "names result files after the raw job_id", PathEscape, "files"),
    _m("wrong-job-id", "result", "writes results with another job's id", WrongJobId),
    _m("early-start", "result", "reports started_at a day before the job was created", EarlyStart),
    _m("invalid-result", "result", "writes duration_seconds -1 (not a u64)", InvalidResult),
    _m("attempt-one", "result", "reports attempt 1 whatever the job's attempt", AttemptOne),
    _m("progress-back", "progress", "numbers progress events downwards", ProgressBack),
    _m("percent-down", "progress", "reports progress_percent going down", PercentDown),
    _m("never-times-out", "timeout", "ignores execution.timeout_seconds", NeverTimesOut),
    _m("hides-echo", "capabilities", "leaves test.echo out of its advertised operations", HidesEcho),
    _m("text-refusals", "refusal-body", "refuses with a plain-text body", TextRefusals),
    _m("never-finishes", "accept-valid", "accepts valid jobs and never finishes them", NeverFinishes),
    _m("refuses-constraints", "accept-valid", "refuses every job with a constraints section", RefusesConstraints),
]

EQUIVALENTS = [
    _e("strict", "refuses jobs invalid at the recommended level too", Strict),
    _e("refuses-by-result", "accepts every job over HTTP and refuses with a failed validation result", RefusesByResult),
    _e("refuses-by-result-files", "the same, over the file binding", RefusesByResult, "files"),
    _e("silent", "emits no progress events", Silent),
    _e("slow", "takes 30 ms to answer a submission", Slow),
    _e("bad-request-refusals", "refuses with 400 and lower-case codes", BadRequestRefusals),
    _e("sequence-gaps", "numbers progress events 13, 23, 33 ...", SequenceGaps),
    _e("echo-only", "offers test.echo alone (no test.sleep)", EchoOnly),
]

WORKERS: dict[str, ZooWorker] = {w.name: w for w in (*MUTANTS, *EQUIVALENTS)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m conformance.zoo.workers", description="Serve one member of the worker zoo."
    )
    parser.add_argument("name", nargs="?", help="the zoo worker to serve")
    parser.add_argument("--list", action="store_true", help="list the worker zoo and exit")
    parser.add_argument("--port", type=int, default=0, help="serve HTTP on this port (default: a free one)")
    parser.add_argument("--files", nargs=2, metavar=("JOBS", "RESULTS"), help="serve the file binding")
    parser.add_argument("--adapter", action="store_true", help="speak the worker adapter protocol")
    args = parser.parse_args(argv)
    if args.list:
        print_listing(
            f"{w.name}\t{'equivalent' if w.equivalent else 'mutant'}\t{','.join(w.breaks) or '-'}\t"
            f"{w.binding}\t{w.description}"
            for w in WORKERS.values()
        )
        return 0
    member = WORKERS.get(args.name or "")
    if member is None:
        print(
            f"python -m conformance.zoo.workers: error: {args.name!r} is not in the worker zoo; --list lists it",
            file=sys.stderr,
        )
        return 2
    worker = member.make(None)
    try:
        if args.adapter:
            from ..worker.adapter import serve

            return serve(worker)
        if args.files:
            from ..worker.files import FileBinding

            jobs, results = Path(args.files[0]), Path(args.files[1])
            jobs.mkdir(parents=True, exist_ok=True)
            results.mkdir(parents=True, exist_ok=True)
            print(f"zoo worker {member.name}: watching {jobs} into {results}", flush=True)
            FileBinding(worker, jobs, results).serve(threading.Event())
            return 0
        from ..worker.http import create_server

        server = create_server(worker, port=args.port)
        print(f"zoo worker {member.name}: listening on http://127.0.0.1:{server.effective_port}", flush=True)
        try:
            server.run()
        except KeyboardInterrupt:
            return 130
        finally:
            server.close()
        return 0
    finally:
        worker.close()


if __name__ == "__main__":
    sys.exit(main())
