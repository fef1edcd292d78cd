"""A small corpus written to a temporary directory, its verdicts taken from the reference: the harness's
tests do not depend on the shipped corpus (written in parallel) and stay fast."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import reference

JOB: dict[str, Any] = {
    "version": "1.0",
    "job_id": "job-01JD8X3V7Q2K9M4N6P8R0S2T4W",
    "created_at": "2026-11-27T09:30:00Z",
    "kind": "VMOperation",
    "operation": "guestkit.inspect",
    "payload": {"type": "guestkit.inspect.v1", "data": {"image": {"path": "/vms/prod.qcow2", "format": "qcow2"}}},
}


def _job(**changes: Any) -> dict[str, Any]:
    doc = json.loads(json.dumps(JOB))
    doc.update(changes)
    return doc


def _validate_case(id: str, rule: str, level: str, doc: Any = None, text: str | None = None, raw: bytes | None = None,
                   **extra: Any) -> dict[str, Any]:  # fmt: skip
    case: dict[str, Any] = {"id": id, "kind": "job", "class": "core", "rule": rule, "level": level,
                            "description": id.replace("-", " ")}  # fmt: skip
    if raw is not None:
        case["document_base64"] = base64.b64encode(raw).decode()
        data = raw
    elif text is not None:
        case["document_text"] = text
        data = text.encode("utf-8")
    else:
        case["document"] = doc
        data = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    result = reference.validate(data, "job")
    case["valid"] = result.valid
    if result.errors:
        case["pointer"] = result.errors[0].pointer
    if result.warnings:
        case["warnings"] = [w.pointer for w in result.warnings]
    case.update(extra)
    return case


def cases() -> list[dict[str, Any]]:
    return [
        _validate_case("core-minimal-job-is-valid", "core.version", "required", _job()),
        _validate_case("core-version-2-is-invalid", "core.version", "required", _job(version="2.0")),
        _validate_case("core-kind-wrong-is-invalid", "core.kind", "required", _job(kind="Other")),
        _validate_case(
            "core-timeout-long-warns",
            "core.execution.timeout_seconds.long",
            "recommended",
            _job(execution={"timeout_seconds": 90000}),
        ),  # fmt: skip
        _validate_case("parse-not-utf8-is-invalid", "parse.encoding", "required", raw=b'{"version":"\xff"}'),
        _validate_case("parse-trailing-comma-is-invalid", "parse.syntax", "required", text='{"version":"1.0",}'),
        {
            "id": "capabilities-missing-one",
            "kind": "job",
            "class": "capabilities",
            "rule": "capabilities.match",
            "level": "required",
            "description": "one capability missing",
            "required": ["a", "b"],
            "available": ["a"],
            "ok": False,
            "missing": ["b"],
        },  # fmt: skip
        {
            "id": "roundtrip-unknown-members-kept",
            "kind": "job",
            "class": "roundtrip",
            "rule": "roundtrip.preserve",
            "level": "required",
            "description": "unknown members survive",
            "document": _job(extra={"nested": {"x": [1, 2.5, True, None]}}),
        },  # fmt: skip
        {
            "id": "progress-minimal-is-valid",
            "kind": "progress",
            "class": "progress",
            "rule": "progress.job_id",
            "level": "required",
            "description": "a progress event",
            "valid": True,
            "document": {
                "job_id": "job-01JD8X3V7Q2K9M4N6P8R0S2T4V",
                "timestamp": "2026-11-27T09:30:40Z",
                "sequence": 3,
                "phase": "packages",
                "progress_percent": 45,
                "message": "Enumerating installed packages",
            },
        },  # fmt: skip
    ]


def write_corpus(root: Path, copies: int = 1) -> Path:
    """The small corpus under ``root`` (``copies`` > 1 repeats it with suffixed ids, for scale)."""
    all_cases = cases()
    by_dir: dict[str, list[dict[str, Any]]] = {}
    for n in range(copies):
        for c in all_cases:
            c = dict(c, id=c["id"] + (f"-{n}" if n else ""))
            by_dir.setdefault(f"{c['kind']}/{c['class']}", []).append(c)
    for d, items in by_dir.items():
        (root / d).mkdir(parents=True, exist_ok=True)
        (root / d / "cases.json").write_text(json.dumps({"description": d, "cases": items}), encoding="utf-8")
    return root
