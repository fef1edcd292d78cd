"""Every example value PROTOCOL.md gives, with the verdict the SPEC gives it (errors and warnings by rule)."""

from __future__ import annotations

from typing import Any

import pytest
from _refdocs import Raw, document, kind_of

import reference

#: (what PROTOCOL.md says, base document, edits, error rules, warning rules)
CASES: list[tuple[str, str, dict[str, Any], set[str], set[str]]] = [
    (
        '{"attempt": 3} alone is invalid',
        "job",
        {"/execution": {"attempt": 3}},
        {"core.execution.attempt-within-max"},
        set(),
    ),
    (
        "attempt one over max_attempts",
        "job",
        {"/execution": {"attempt": 2, "max_attempts": 1}},
        {"core.execution.attempt-within-max"},
        set(),
    ),
    ("attempt equal to max_attempts", "job", {"/execution": {"attempt": 4, "max_attempts": 4}}, set(), set()),
    ('"éééé" is too short in code points', "job", {"/job_id": "éééé"}, {"core.job_id"}, set()),
    ("5.0 is no integer literal", "job", {"/execution/priority": Raw("5.0")}, {"parse.integer.literal"}, set()),
    ("5e0 is no integer literal", "job", {"/execution/priority": Raw("5e0")}, {"parse.integer.literal"}, set()),
    (
        "a 400-digit literal is beyond its field",
        "job",
        {"/execution/attempt": Raw("4" * 400)},
        {"parse.integer.width"},
        set(),
    ),
    ("widths are unsigned: -1 is outside u64", "progress", {"/sequence": -1}, {"parse.integer.width"}, set()),
    ("widths are unsigned: -1 is outside u8", "job", {"/execution/priority": -1}, {"parse.integer.width"}, set()),
    ("u8 ends at 255", "progress", {"/progress_percent": 256}, {"parse.integer.width"}, set()),
    (
        "progress_percent ends at 100 (the crate accepts 255)",
        "progress",
        {"/progress_percent": 255},
        {"progress.progress_percent"},
        set(),
    ),
    ("u32 ends at 4294967295", "job", {"/execution/max_attempts": 4294967296}, {"parse.integer.width"}, set()),
    (
        "u64 ends at 18446744073709551615",
        "job",
        {"/execution/timeout_seconds": 18446744073709551616},
        {"parse.integer.width"},
        set(),
    ),
    (
        "timeout 0 is invalid (the crate accepts it)",
        "job",
        {"/execution/timeout_seconds": 0},
        {"core.execution.timeout_seconds"},
        set(),
    ),
    ('operation "." is invalid', "job", {"/operation": "."}, {"core.operation"}, set()),
    ('operation "a." is invalid', "job", {"/operation": "a."}, {"core.operation"}, set()),
    ('operation ".a" is invalid', "job", {"/operation": ".a"}, {"core.operation"}, set()),
    (
        'payload type "a.b.vX" is invalid',
        "job",
        {"/operation": "a.b", "/payload/type": "a.b.vX"},
        {"core.payload.type"},
        set(),
    ),
    (
        'payload type "a..v1" is invalid',
        "job",
        {"/operation": "a.b", "/payload/type": "a..v1"},
        {"core.payload.type"},
        set(),
    ),
    (
        'payload type "a.b.v" is invalid',
        "job",
        {"/operation": "a.b", "/payload/type": "a.b.v"},
        {"core.payload.type"},
        set(),
    ),
    (
        "guestkit.inspect never goes with guestkit.fix.v1",
        "fix",
        {"/operation": "guestkit.inspect"},
        {"core.payload.type.matches-operation"},
        set(),
    ),
    (
        "payload.data null is invalid (the crate accepts it)",
        "job",
        {"/payload/data": None},
        {"core.payload.data"},
        set(),
    ),
    ('payload.data "x" is invalid', "job", {"/payload/data": "x"}, {"core.payload.data"}, set()),
    ("payload.data [] is invalid", "job", {"/payload/data": []}, {"core.payload.data"}, set()),
    ("unknown top-level members are accepted (the crate rejects them)", "job", {"/future": {"x": 1}}, set(), set()),
    (
        "timestamps with a space separator are lenient-valid, not strict",
        "job",
        {"/created_at": "2026-11-27 09:30:00Z"},
        {"timestamp.strict"},
        set(),
    ),
    ("+0530 is not strict", "job", {"/created_at": "2026-11-27T09:30:00+0530"}, {"timestamp.strict"}, set()),
    ("UTC is not strict", "job", {"/created_at": "2026-11-27T09:30:00UTC"}, {"timestamp.strict"}, set()),
    (
        "surrounding whitespace is not strict",
        "job",
        {"/created_at": " 2026-11-27T09:30:00Z "},
        {"timestamp.strict"},
        set(),
    ),
    ("unpadded fields are not strict", "job", {"/created_at": "2026-1-7T9:30:00Z"}, {"timestamp.strict"}, set()),
    ("no Feb 30", "job", {"/created_at": "2026-02-30T00:00:00Z"}, {"timestamp.valid"}, set()),
    ("hour 24 is invalid", "job", {"/created_at": "2026-11-27T24:00:00Z"}, {"timestamp.valid"}, set()),
    ("minute 60 is invalid", "job", {"/created_at": "2026-11-27T23:60:00Z"}, {"timestamp.valid"}, set()),
    ("second 60 is valid", "job", {"/created_at": "2026-12-31T23:59:60Z"}, set(), set()),
    ("second 61 is invalid", "job", {"/created_at": "2026-12-31T23:59:61Z"}, {"timestamp.valid"}, set()),
    ("no seconds is invalid", "job", {"/created_at": "2026-11-27T09:30Z"}, {"timestamp.valid"}, set()),
    ("no offset is invalid", "job", {"/created_at": "2026-11-27T09:30:00"}, {"timestamp.valid"}, set()),
    ("0.4.0 is a semantic version", "job", {"/constraints/minimum_worker_version": "0.4.0"}, set(), set()),
    (
        "timeout over a day warns",
        "job",
        {"/execution/timeout_seconds": 86401},
        set(),
        {"core.execution.timeout_seconds.long"},
    ),
    (
        "a deadline before created_at warns",
        "job",
        {"/execution/deadline": "2026-11-27T09:00:00Z"},
        set(),
        {"core.execution.deadline.after-created"},
    ),
    (
        "a disk over 100000 GB warns",
        "job",
        {"/constraints/maximum_disk_size_gb": 100001},
        set(),
        {"core.constraints.maximum_disk_size_gb.large"},
    ),
    ("a job_id with a control character", "job", {"/job_id": "job-0001\t"}, {"core.job_id.charset"}, set()),
    ("a job_id with a C1 control character", "job", {"/job_id": "job-0001\x85"}, {"core.job_id.charset"}, set()),
    ("a job_id with DEL", "job", {"/job_id": "job-0001\x7f"}, {"core.job_id.charset"}, set()),
    ("a job_id with U+00A0 is fine", "job", {"/job_id": "job-0001\xa0"}, set(), set()),
    ("a job_id with a backslash", "job", {"/job_id": "job\\00001"}, {"core.job_id.charset"}, set()),
    (
        "an uppercase operation segment",
        "job",
        {"/operation": "GuestKit.inspect", "/payload/type": "GuestKit.inspect.v1"},
        {"core.operation.charset"},
        set(),
    ),
    ("a path with NUL", "job", {"/payload/data/image/path": "/vms/a\x00.qcow2"}, {"payload.path"}, set()),
    ("a Windows traversal", "job", {"/payload/data/image/path": "C:\\vms\\..\\x"}, {"payload.path"}, set()),
    ("a relative path", "job", {"/payload/data/image/path": "vms/a.qcow2"}, {"payload.path.absolute"}, set()),
    ("bare 64-hex checksum", "job", {"/payload/data/image/checksum": "ab" * 32}, set(), set()),
    (
        "sha256 checksum of 63 digits",
        "job",
        {"/payload/data/image/checksum": "sha256:" + "a" * 63},
        {"payload.image.checksum"},
        set(),
    ),
    ("a number beyond a double in free-form data is accepted", "job", {"/payload/data/n": Raw("1e400")}, set(), set()),
    ("a failed result without error", "failed", {"/error": None}, {"result.failed.consistency"}, set()),
    (
        "a completed result without completed_at",
        "result",
        {"/completed_at": None},
        {"result.completed.consistency"},
        set(),
    ),
    (
        "more current jobs than capacity",
        "worker",
        {"/status/current_jobs": 9},
        {"worker.status.within-capacity"},
        set(),
    ),
    ("a worker without its capabilities section", "worker", {"/capabilities": None}, {"worker.capabilities"}, set()),
    ("error.phase and details may be null", "failed", {"/error/phase": None, "/error/details": None}, set(), set()),
    ("progress_percent may be null", "progress", {"/progress_percent": None}, set(), set()),
    ("outputs without primary", "result", {"/outputs": {"artifacts": ["a"]}}, {"result.outputs"}, set()),
]


@pytest.mark.parametrize(("what", "base", "edits", "errors", "warnings"), CASES, ids=[c[0] for c in CASES])
def test_protocol_example(what: str, base: str, edits: dict[str, Any], errors: set[str], warnings: set[str]) -> None:
    result = reference.validate(document(base, edits), kind_of(base))
    assert {e.rule for e in result.errors} == errors, result.errors
    assert {w.rule for w in result.warnings} == warnings, result.warnings
