"""Bench part ``reference``: the reference validator's speed, as ratios measured in one run.

The comparison that matters is against plain python-jsonschema, the tool a user would otherwise reach for:
the full reference (parse + structure + semantics, from text) must beat jsonschema's structural ``is_valid``
alone (on documents already parsed) by at least 3x on a mix of valid and invalid jobs, and by at least 7x on
small valid jobs (issue 14: the valid document's path). Absolute figures are printed for context; only ratios
and the per-document latency of an invalid document are meant to be compared across machines.
"""

from __future__ import annotations

import gc
import json
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from .row import BenchRow

PART = "reference"


def _job(i: int) -> dict[str, Any]:
    return {
        "version": "1.0",
        "job_id": f"job-bench-{i:06d}",
        "created_at": "2026-11-27T09:30:00Z",
        "kind": "VMOperation",
        "operation": "guestkit.inspect",
        "payload": {
            "type": "guestkit.inspect.v1",
            "data": {"image": {"path": f"/vms/vm-{i}.qcow2", "format": "qcow2", "read_only": True}},
        },
        "metadata": {"name": f"inspect-{i}", "labels": {"env": "prod", "team": "infra"}},
        "execution": {"priority": 1 + i % 10, "timeout_seconds": 1800, "max_attempts": 3},
        "constraints": {"required_capabilities": ["guestkit.inspect"]},
        "observability": {"trace_id": f"trace-{i}"},
    }


def _invalid(i: int) -> dict[str, Any]:
    """A job with several faults at once, of the kinds users make."""
    job = _job(i)
    job["version"] = "2.0"
    job["execution"] = {"priority": 11, "attempt": 4, "max_attempts": 2, "timeout_seconds": 0}
    job["payload"]["data"]["image"]["format"] = "iso"
    job["payload"]["data"]["image"]["path"] = "../etc/passwd"
    job["created_at"] = "2026-02-30T10:00:00Z"
    job["metadata"]["labels"]["n"] = 3
    return job


def _rates(runs: list[tuple[Callable[[Any], Any], list[Any]]], seconds: float) -> list[float]:
    """Items per second of each (function, items), best pass of each.

    The passes alternate between the functions, so that a load spike on this shared machine hits both
    sides of a ratio alike rather than whichever happened to run during it.
    """
    best = [float("inf")] * len(runs)
    spent = 0.0
    rounds = 0
    while spent < seconds or rounds < 3:
        for i, (fn, items) in enumerate(runs):
            t0 = time.perf_counter()
            for item in items:
                fn(item)
            dt = time.perf_counter() - t0
            best[i] = min(best[i], dt)
            spent += dt
        rounds += 1
    return [len(items) / b for (_fn, items), b in zip(runs, best, strict=True)]


def run(quick: bool) -> list[BenchRow]:
    import jsonschema

    import reference

    seconds = 0.3 if quick else 1.5
    n = 200 if quick else 1000
    valid_docs = [_job(i) for i in range(n)]
    invalid_docs = [_invalid(i) for i in range(n // 4)]
    mix_docs = valid_docs + invalid_docs
    mix_texts = [json.dumps(d) for d in mix_docs]
    valid_texts = [json.dumps(d) for d in valid_docs]
    assert all(reference.validate(t).valid for t in valid_texts), "a bench job is invalid: fix the bench"
    assert not any(reference.validate(json.dumps(d)).valid for d in invalid_docs)

    checker = jsonschema.Draft202012Validator(reference.schema("job"))
    ref_mix, js_mix = _rates([(reference.validate, mix_texts), (checker.is_valid, mix_docs)], 2 * seconds)
    ref_valid, js_valid = _rates([(reference.validate, valid_texts), (checker.is_valid, valid_docs)], 2 * seconds)
    valid_ratio = ref_valid / js_valid

    invalid_text = json.dumps(_invalid(7))
    (invalid_rate,) = _rates([(lambda t: reference.validate(t).errors, [invalid_text] * 200)], seconds / 2)
    per_invalid = 1.0 / invalid_rate
    n_errors = len(reference.validate(invalid_text).errors)

    big_text, peak_ratio = _memory(reference, quick)
    ratio = ref_mix / js_mix
    hostile = [_hostile(reference, duplicated) for duplicated in (False, True)]
    return [
        BenchRow(PART, "reference validate() from text, mixed jobs", ref_mix, "docs/s", note=f"{len(mix_texts)} docs"),
        BenchRow(PART, "jsonschema is_valid on parsed jobs, same mix", js_mix, "docs/s", note="structure only"),
        BenchRow(PART, "speed-up over jsonschema is_valid", ratio, "x", ">= 3x", ratio >= 3.0),
        BenchRow(PART, "small valid jobs", ref_valid, "docs/s", ">= 20,000/s", ref_valid >= 20_000),
        BenchRow(PART, "jsonschema is_valid on parsed small valid jobs", js_valid, "docs/s", note="structure only"),
        BenchRow(
            PART,
            "small valid jobs: speed-up over jsonschema is_valid",
            valid_ratio,
            "x",
            ">= 7x",
            valid_ratio >= 7.0,
            "reference from text, jsonschema on parsed documents, same jobs, passes alternating",
        ),
        BenchRow(
            PART,
            "invalid job, full error list",
            per_invalid * 1e6,
            "us",
            "< 1000 us",
            per_invalid < 1e-3,
            f"{n_errors} errors",
        ),
        BenchRow(
            PART,
            "peak extra memory, 10 MB document",
            peak_ratio,
            "x size",
            "<= 5x",
            peak_ratio <= 5.0,
            f"{len(big_text) / 1e6:.1f} MB document",
        ),
        *(row for rows in hostile for row in rows),
    ]


def _deep_and_wide(duplicated: bool, depth: int = 100, name_length: int = 10_000, width: int = 20_000) -> str:
    """The hostile job of "a reference that stays linear" (tests/reference/_refdocs.py builds the same): a
    hundred nested objects with 10 KB member names over 20,000 sibling arrays; ``duplicated``: every name twice
    and every sibling an object with a duplicated member (20,100 duplicate members)."""
    sibling = '{"":[],"":[]}' if duplicated else "[]"
    inner = "[" + ",".join([sibling] * width) + "]"
    for level in reversed(range(depth)):
        name = json.dumps(f"{level:03d}" + "x" * (name_length - 3))
        inner = "{" + (f"{name}:0," if duplicated else "") + f"{name}:{inner}" + "}"
    return json.dumps(_job(0)).replace('"read_only": true}', '"read_only": true}, "x": @@', 1).replace("@@", inner, 1)


def _hostile(reference: Any, duplicated: bool) -> list[BenchRow]:
    """Time (best of three) and peak memory of validating the deep-and-wide document: linear, not 20 GB."""
    text = _deep_and_wide(duplicated)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        result = reference.validate(text)
        best = min(best, time.perf_counter() - t0)
    assert result.valid is not duplicated, "the hostile bench document changed: fix the bench"
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        reference.validate(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    ratio = (peak - base) / len(text)
    name = "deep-and-wide document" + (", names duplicated" if duplicated else "")
    size = f"{len(text) / 1e6:.1f} MB document"
    listed = f"; {len(result.errors)} errors listed, {result.errors_omitted:,} counted" if duplicated else ""
    return [
        BenchRow(PART, name, best * 1e3, "ms", "< 1000 ms", best < 1.0, size + listed),
        BenchRow(PART, f"peak extra memory, {name}", ratio, "x size", "<= 10x", ratio <= 10.0, size),
    ]


def _memory(reference: Any, quick: bool) -> tuple[str, float]:
    """Peak memory allocated while validating a 10 MB job, as a multiple of the document's size."""
    size = 2_000_000 if quick else 10_000_000
    job = _job(0)
    job["metadata"]["annotations"] = {"blob": "x" * size}
    text = json.dumps(job)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = reference.validate(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.valid
    return text, (peak - base) / len(text)
