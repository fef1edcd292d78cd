"""The result document (class result): each member's type, null and bounds, the statuses and the members each
requires, the error object, unknown members."""

from __future__ import annotations

import json

from ..builder import Corpus, drop, put, slug
from .documents import ERROR, RESULT, TS, U32, U64
from .members import Field, unknown_member


def fields() -> list[Field]:
    s, n, b, o, a, i = "string", "null", "boolean", "object", "array", "integer"
    out = [
        Field("result", "/job_id", "result.job_id", (s,), "job-0001", required=True),
        Field("result", "/status", "result.status", (s,), "running", required=True),
        Field("result", "/worker_id", "result.worker_id", (s,), "worker-01", required=True),
        Field(
            "result", "/execution_summary", "result.execution_summary", (o,), RESULT["execution_summary"], required=True
        ),
        Field("result", "/execution_summary/started_at", "result.execution_summary", (s,), TS, required=True),
        Field(
            "result",
            "/execution_summary/duration_seconds",
            "result.execution_summary",
            (i,),
            42,
            required=True,
            bounds=(0, U64, "u64"),
        ),
        Field(
            "result",
            "/execution_summary/attempt",
            "result.execution_summary",
            (i,),
            1,
            required=True,
            bounds=(1, U32, "u32"),
        ),
        Field("result", "/execution_summary/idempotency_key", "result.execution_summary", (s, n), "key-1"),
        Field("result", "/completed_at", "result.completed_at", (s, n), TS),
        Field("result", "/failed_at", "result.failed_at", (s, n), TS),
        Field("result", "/outputs", "result.outputs", (o, n), {"primary": "/var/lib/guestkit/results/r.json"}),
        Field("result", "/outputs/primary", "result.outputs", (s,), "/results/job-0001.json", required=True),
        Field(
            "result",
            "/outputs/artifacts",
            "result.outputs",
            (a,),
            ["/results/packages.json"],
            items="string",
            base=put(RESULT, "/outputs", {"primary": "/results/job-0001.json"}),
        ),
        Field("result", "/metrics", "result.metrics", (o, n), {"cpu_seconds": 12}),
        Field(
            "result",
            "/error",
            "result.error",
            (o, n),
            {"code": "E_MOUNT", "message": "cannot mount /", "recoverable": True, "retry_recommended": False},
        ),
        Field("result", "/observability", "result.observability", (o, n), {"trace_id": "4bf92f3577b34da6"}),
    ]
    for name in ("disk_read_bytes", "disk_write_bytes", "peak_memory_mb", "cpu_seconds"):
        out.append(Field("result", f"/metrics/{name}", "result.metrics", (i, n), 1024, bounds=(0, U64, "u64")))
    for name in ("code", "message"):
        out.append(
            Field(
                "result",
                f"/error/{name}",
                "result.error",
                (s,),
                "E_DISK",
                required=True,
                base=put(
                    RESULT, "/error", {"code": "E", "message": "m", "recoverable": True, "retry_recommended": True}
                ),
            )
        )
    err = put(RESULT, "/error", {"code": "E", "message": "m", "recoverable": True, "retry_recommended": True})
    for name in ("recoverable", "retry_recommended"):
        out.append(Field("result", f"/error/{name}", "result.error", (b,), False, required=True, base=err))
    out.append(Field("result", "/error/phase", "result.error", (s, n), "mount", base=err))
    out.append(Field("result", "/error/details", "result.error", (o, n), {"device": "/dev/sda1"}, base=err))
    return out


def cases(c: Corpus) -> None:
    r = RESULT
    for status in ("pending", "assigned", "running", "cancelled", "timeout"):
        c.doc(
            "result",
            "result.status",
            status,
            f"result with status {status} is valid",
            valid=True,
            doc=put(r, "/status", status),
        )
    c.doc(
        "result",
        "result.status",
        "completed",
        "result with status completed and completed_at is valid",
        valid=True,
        doc=put(put(r, "/status", "completed"), "/completed_at", TS),
    )
    c.doc(
        "result",
        "result.status",
        "failed",
        "result with status failed, error and failed_at is valid",
        valid=True,
        doc=put(put(put(r, "/status", "failed"), "/failed_at", TS), "/error", ERROR),
    )
    for bad in ("Completed", "success", "done", "", "RUNNING"):
        c.doc(
            "result",
            "result.status",
            f"bad-{slug(bad) or 'empty'}",
            f"result with status {json.dumps(bad)} is invalid",
            valid=False,
            doc=put(r, "/status", bad),
            pointer="/status",
        )
    failed = put(put(put(r, "/status", "failed"), "/failed_at", TS), "/error", ERROR)
    c.doc(
        "result",
        "result.failed.consistency",
        "complete",
        "result failed with error and failed_at is consistent",
        valid=True,
        doc=failed,
    )
    c.doc(
        "result",
        "result.failed.consistency",
        "no-error",
        "result failed without error is inconsistent",
        valid=False,
        doc=drop(failed, "/error"),
        pointer="/error",
    )
    c.doc(
        "result",
        "result.failed.consistency",
        "null-error",
        "result failed with error null is inconsistent",
        valid=False,
        doc=put(failed, "/error", None),
        pointer="/error",
    )
    c.doc(
        "result",
        "result.failed.consistency",
        "no-failed-at",
        "result failed without failed_at is inconsistent",
        valid=False,
        doc=drop(failed, "/failed_at"),
        pointer="/failed_at",
    )
    c.doc(
        "result",
        "result.failed.consistency",
        "null-failed-at",
        "result failed with failed_at null is inconsistent",
        valid=False,
        doc=put(failed, "/failed_at", None),
        pointer="/failed_at",
    )
    c.doc(
        "result",
        "result.failed.consistency",
        "timeout-no-error",
        "result timeout without error needs none",
        valid=True,
        doc=put(r, "/status", "timeout"),
    )
    done = put(put(r, "/status", "completed"), "/completed_at", TS)
    c.doc(
        "result",
        "result.completed.consistency",
        "complete",
        "result completed with completed_at is consistent",
        valid=True,
        doc=done,
    )
    c.doc(
        "result",
        "result.completed.consistency",
        "null-error",
        "result completed with error null is consistent",
        valid=True,
        doc=put(done, "/error", None),
    )
    c.doc(
        "result",
        "result.completed.consistency",
        "no-completed-at",
        "result completed without completed_at is inconsistent",
        valid=False,
        doc=drop(done, "/completed_at"),
        pointer="/completed_at",
    )
    c.doc(
        "result",
        "result.completed.consistency",
        "null-completed-at",
        "result completed with completed_at null is inconsistent",
        valid=False,
        doc=put(done, "/completed_at", None),
        pointer="/completed_at",
    )
    c.doc(
        "result",
        "result.completed.consistency",
        "with-error",
        "result completed carrying an error is inconsistent",
        valid=False,
        doc=put(done, "/error", ERROR),
        pointer="/error",
    )
    for name, value in (
        ("null", None),
        ("number", 42),
        ("string", "ok"),
        ("array", [1, "a", None]),
        ("object", {"packages": 812, "os": {"name": "rhel", "version": "9.3"}}),
        ("boolean", False),
    ):
        c.doc(
            "result",
            "result.data",
            name,
            f"result `data` holding {name} is accepted",
            valid=True,
            doc=put(r, "/data", value),
        )
    c.doc(
        "result",
        "result.outputs",
        "artifacts-empty",
        "result outputs with an empty artifacts list is valid",
        valid=True,
        doc=put(r, "/outputs", {"primary": "/results/r.json", "artifacts": []}),
    )
    c.doc(
        "result",
        "result.error",
        "details-any",
        "result error details holding nested free-form data is valid",
        valid=True,
        doc=put(r, "/error", {**ERROR, "phase": "mount", "details": {"errno": 5, "paths": ["/"]}}),
    )
    for at, rule in (
        ("", "result.data"),
        ("/execution_summary", "result.execution_summary"),
        ("/outputs", "result.outputs"),
        ("/metrics", "result.metrics"),
        ("/error", "result.error"),
    ):
        base = RESULT
        if at == "/outputs":
            base = put(base, at, {"primary": "/results/r.json"})
        if at == "/error":
            base = put(base, at, ERROR)
        unknown_member(c, "result", rule, at, base)
