"""The checks on what a worker emitted: results, progress events and its capabilities, judged by the reference.

Each function returns the problems it found as sentences that start with the bad value and name the rule
of the reference behind them (``result.status at /status: ...``); an empty list is a pass.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import reference

TERMINAL = ("completed", "failed", "cancelled", "timeout")


def instant(value: Any) -> datetime | None:
    """An RFC 3339 timestamp as an aware datetime; None for anything else (never compared then)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _number(value: Any) -> Decimal | None:
    """A parsed number as its exact value (None for what is not a number): an integer of any length by its
    digits (:class:`reference.BigNumber`), a literal beyond a double by its text (``1e400`` is not ``1e401``,
    though both are an infinite float)."""
    if isinstance(value, (reference.BigNumber, reference.FloatLiteral)):
        return Decimal(value.text)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)  # a float as it is written


def same_value(a: Any, b: Any) -> bool:
    """Whether two parsed JSON values are the same value: members in any order, numbers by their exact value
    (``1`` and ``1.0`` are one number, ``true`` is not ``1``), at any depth (no recursion)."""
    pending = [(a, b)]
    while pending:
        x, y = pending.pop()
        if isinstance(x, dict):
            if not isinstance(y, dict) or x.keys() != y.keys():
                return False
            pending.extend((v, y[k]) for k, v in x.items())
        elif isinstance(x, list):
            if not isinstance(y, list) or len(x) != len(y):
                return False
            pending.extend(zip(x, y, strict=True))
        elif (nx := _number(x)) is not None or _number(y) is not None:
            if nx is None or nx != _number(y):
                return False
        elif type(x) is not type(y) or x != y:
            return False
    return True


def _first_error(result: reference.ValidationResult) -> str | None:
    errors = [e for e in result.errors if e.level == "required"]
    if not errors:
        return None
    e = errors[0]
    return f"{e.rule} at {e.pointer or '/'}: {e.message}"


def is_refusal(result: Any, invalid: bool = False) -> bool:
    """Whether ``result`` is a refusal written as a result: ``failed``, ``error.phase`` ``validation`` (and
    for an invalid job ``error.code`` ``VALIDATION_ERROR``)."""
    if not isinstance(result, dict) or result.get("status") != "failed":
        return False
    error = result.get("error")
    if not isinstance(error, dict) or error.get("phase") != "validation":
        return False
    return not invalid or error.get("code") == "VALIDATION_ERROR"


def attempt_of(job: dict[str, Any]) -> int | None:
    ex = job.get("execution")
    attempt = ex.get("attempt", 1) if isinstance(ex, dict) else 1
    return attempt if type(attempt) is int and attempt >= 1 else None


def result_problems(
    result: Any, job: dict[str, Any] | None, submitted: float, first: dict[str, Any] | None = None
) -> list[str]:
    """What is wrong with ``result`` as the result of ``job`` (None: a job that did not parse), submitted at
    ``submitted`` (epoch seconds); ``first`` is the first job's result, for an idempotent duplicate."""
    if not isinstance(result, dict):
        return [f"{type(result).__name__} is not a result document (a JSON object)"]
    problems = []
    invalid = _first_error(reference.validate_value(result, "result"))
    if invalid:
        problems.append(f"not a valid result document: {invalid}")
    owner = first if first is not None else job
    expected_id = owner.get("job_id") if isinstance(owner, dict) else None
    if isinstance(expected_id, str) and result.get("job_id") != expected_id:
        problems.append(f"job_id {result.get('job_id')!r} is not the job's ({expected_id!r})")
    summary = result.get("execution_summary") if isinstance(result.get("execution_summary"), dict) else {}
    assert isinstance(summary, dict)
    if job is not None and first is None:
        attempt = attempt_of(job)
        if attempt is not None and summary.get("attempt") != attempt:
            problems.append(f"execution_summary.attempt {summary.get('attempt')!r} is not the job's attempt {attempt}")
        created, started = instant(job.get("created_at")), instant(summary.get("started_at"))
        if created is not None and started is not None and created.timestamp() <= submitted and started < created:
            problems.append(
                f"started_at {summary.get('started_at')} is before the job's created_at {job.get('created_at')}"
            )
    started = instant(summary.get("started_at"))
    for member in ("completed_at", "failed_at"):
        end = instant(result.get(member))
        if end is not None and started is not None and end < started:
            problems.append(f"{member} {result.get(member)} is before started_at {summary.get('started_at')}")
    return problems


def progress_problems(events: list[Any], job_id: Any) -> list[str]:
    """What is wrong with a job's progress events, in the order the worker gave them."""
    problems: list[str] = []
    last_seq: Any = None
    last_pct: Any = None
    for i, event in enumerate(events):
        where = f"event {i + 1}"
        if not isinstance(event, dict):
            problems.append(f"{where}: {type(event).__name__} is not a progress document")
            continue
        invalid = _first_error(reference.validate_value(event, "progress"))
        if invalid:
            problems.append(f"{where}: not a valid progress document: {invalid}")
        if isinstance(job_id, str) and event.get("job_id") != job_id:
            problems.append(f"{where}: job_id {event.get('job_id')!r} is not the job's ({job_id!r})")
        seq, pct = event.get("sequence"), event.get("progress_percent")
        if type(seq) is int:
            if type(last_seq) is int and seq <= last_seq:
                problems.append(f"{where}: sequence {seq} does not increase (after {last_seq})")
            last_seq = seq
        if isinstance(pct, (int, float)) and not isinstance(pct, bool):
            if isinstance(last_pct, (int, float)) and pct < last_pct:
                problems.append(f"{where}: progress_percent {pct} went back (after {last_pct})")
            last_pct = pct
    return problems[:10]


def capabilities_problems(doc: Any) -> tuple[list[str], tuple[str, ...]]:
    """What is wrong with an advertised worker document (or the capabilities section alone), and the
    operations it lists."""
    if not isinstance(doc, dict):
        return ["no worker document was advertised (or it is not a JSON object)"], ()
    if "worker_id" in doc:
        section = doc.get("capabilities")
        invalid = _first_error(reference.validate_value(doc, "worker"))
        problems = [f"not a valid worker document: {invalid}"] if invalid else []
    else:
        section, problems = doc, []
    ops = section.get("operations") if isinstance(section, dict) else None
    if not isinstance(ops, list) or not all(isinstance(o, str) for o in ops):
        return [*problems, "capabilities.operations is not an array of strings"], ()
    return problems, tuple(ops)
