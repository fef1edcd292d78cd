"""Realistic results streams for the report tests, made by running real implementations in-process.

``make_records`` runs a handful of documents through an implementation (the reference, or one that is wrong
on purpose), writes the records a run writes (header, one result per case, findings, footer), and can add
one result of every fault outcome and hostile content: markup, quotes, control characters, a 1 MB
document, bytes that are not UTF-8.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.corpus import Case
from conformance.records import CaseResult
from conformance.transports import InProcess

HOSTILE = "</script><script>alert(1)</script>\"'&<b>bold</b>\x00\x07\x1b[31m\ud800\ufffe"
DIGEST = "sha256:" + "ab" * 32

JOB: dict[str, Any] = {
    "version": "1.0",
    "job_id": "job-0001abcd",
    "created_at": "2026-11-27T09:00:00Z",
    "kind": "VMOperation",
    "operation": "guestkit.inspect",
    "payload": {"type": "guestkit.inspect.v1", "data": {"image": {"path": "/vm/a.qcow2", "format": "qcow2"}}},
}


def _job(**changes: Any) -> bytes:
    return json.dumps({**JOB, **changes}).encode()


def _case(id: str, rule: str, level: str, data: bytes, valid: bool, pointer: str | None = None) -> Case:
    klass = "core"
    return Case(id, "job", klass, rule, level, f"{id}: {rule}", data=data, valid=valid, pointer=pointer)


CASES: list[Case] = [
    _case("core.version.valid", "core.version", "required", _job(), True),
    _case("core.version.two", "core.version", "required", _job(version="2.0"), False, "/version"),
    _case("core.job_id.short", "core.job_id", "required", _job(job_id="short"), False, "/job_id"),
    _case(
        "core.execution.priority.eleven",
        "core.execution.priority",
        "required",
        _job(execution={"priority": 11}),
        False,
        "/execution/priority",
    ),
    _case(
        "core.operation.charset.upper",
        "core.operation.charset",
        "recommended",
        _job(operation="Guestkit.inspect", payload={"type": "Guestkit.inspect.v1", "data": {}}),
        False,
        "/operation",
    ),
    _case("parse.encoding.ff", "parse.encoding", "required", b'{"a": "\xff"}', False, ""),
]


def always_valid(kind: str, text: str) -> bool:
    """An implementation wrong on purpose: it accepts everything."""
    return True


def run_cases(fn: Any, cases: list[Case]) -> list[dict[str, Any]]:
    impl = InProcess(fn)
    impl.start()
    out = []
    for case in cases:
        assert case.data is not None
        reply = impl.validate(case.kind, case.data)
        got: dict[str, Any] | None = None
        if reply.status == "ok":
            got = {"valid": reply.valid}
            if reply.errors:
                got["pointer"] = reply.errors[0].get("pointer")
            outcome = "pass" if reply.valid == case.valid else "fail"
        else:
            outcome = "errored"
        result = CaseResult(
            case.id,
            case.kind,
            case.klass,
            case.level,
            case.rule,
            case.expected(),
            got,
            outcome,  # type: ignore[arg-type]
            message=reply.message,
            duration_ms=0.25,
        )
        out.append(result.to_json())
    return out


def header(name: str = "vmjob-reference", level: str = "required", **over: Any) -> dict[str, Any]:
    return {
        "type": "header",
        "suite_version": "0.1.0",
        "corpus_digest": DIGEST,
        "seed": 1234,
        "started_at": "2026-11-27T09:00:00Z",
        "implementation": {
            "name": name,
            "version": "1.2.3",
            "language": "python",
            "homepage": "https://example.org/impl",
            "kinds": ["job", "result", "progress", "worker"],
            "classes": ["core", "payload", "result", "progress", "worker"],
        },
        "transport": {"kind": "python", "target": "conformance.reference_impl:validate"},
        "level": level,
        "filters": {"kinds": [], "classes": [], "rules": []},
        "fuzz": 0,
        **over,
    }


def footer(**over: Any) -> dict[str, Any]:
    return {"type": "footer", "finished_at": "2026-11-27T09:00:03Z", "interrupted": False, "stderr": "", **over}


def fault_results() -> list[dict[str, Any]]:
    """One result of every outcome that is not a verdict, and a skip, with the evidence a run records."""

    def r(id: str, outcome: str, message: str, **kw: Any) -> dict[str, Any]:
        base = CaseResult(
            id,
            "job",
            "core",
            "required",
            "core.kind",
            {"valid": False, "pointer": "/kind"},
            None,
            outcome,  # type: ignore[arg-type]
            message=message,
            **kw,
        )
        return base.to_json()

    return [
        r("core.kind.timeout", "timeout", "no reply within 5.0 s", duration_ms=5000.0),
        r("core.kind.crash", "crash", "the implementation exited with status -11", stderr="Segmentation fault"),
        r("core.kind.errored", "errored", "reply line 1 is not JSON: 'garbage'"),
        r("core.kind.not-run", "not-run", "restart budget of 5 exhausted"),
        {
            **r("worker.skip", "skip", "class worker not claimed"),
            **{"class": "worker", "kind": "worker", "rule": "worker.hostname"},
        },
    ]


def hostile_results() -> list[dict[str, Any]]:
    big = json.dumps({**JOB, "junk": "x" * 1_000_000})
    return [
        CaseResult(
            "core.hostile" + HOSTILE,
            "job",
            "core",
            "required",
            "core.version",
            {"valid": False, "pointer": "/version"},
            {"valid": True, "errors": [{"message": HOSTILE}]},
            "fail",
            message=HOSTILE,
            stderr=HOSTILE * 3,
            extra={"document": '{"version": "' + HOSTILE + '"}'},
        ).to_json(),
        CaseResult(
            "core.huge",
            "job",
            "core",
            "required",
            "core.unknown-members",
            {"valid": True},
            {"valid": False},
            "fail",
            extra={"document": big},
        ).to_json(),
    ]


def finding() -> dict[str, Any]:
    return {
        "type": "finding",
        "id": "fuzz-0001",
        "kind": "job",
        "class": "core",
        "level": "required",
        "rule": "core.execution.priority",
        "expected": {"valid": False, "pointer": "/execution/priority"},
        "got": {"valid": True},
        "document": '{"execution":{"priority":0}}',
        "original_size": 4312,
        "size": 28,
        "examples": 517,
        "seed": 1234,
        "message": "accepted priority 0",
    }


def make_records(
    fn: Any = "conformance.reference_impl:validate",
    *,
    faults: bool = False,
    hostile: bool = False,
    findings: bool = False,
    finished: bool = True,
    name: str = "vmjob-reference",
    level: str = "required",
) -> list[dict[str, Any]]:
    records = [header(name, level), *run_cases(fn, CASES)]
    if faults:
        records += fault_results()
    if hostile:
        records += hostile_results()
    if findings:
        records.append(finding())
    if finished:
        records.append(footer(stderr="warming up\n" if faults else ""))
    return records


def write_stream(path: Path, records: list[dict[str, Any]], tail: str = "") -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec) + "\n")
        fh.write(tail)
    return path
