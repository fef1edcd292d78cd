"""Semantic rules: cross-field and value rules that a schema cannot state, one check per rule.

Each check is registered with its rule id and the document kind it reads. A check reads the parsed document
after the structural checks and looks only at members that are structurally sound, so that one fault in a
document gives one error: a mistyped ``attempt`` is the schema's to report, not ``attempt-within-max``'s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

from ._issues import IssueSink, describe, quote
from ._numbers import IntLiteral
from ._rules import RULES
from ._values import is_semver, parse_timestamp_utc, timestamp_fault

Report = Callable[[str, str], None]  # (pointer, message)
SemanticCheck = Callable[[dict[str, Any], Report], None]


@dataclass(frozen=True, slots=True)
class Registered:
    rule: str
    kind: str
    check: SemanticCheck
    #: A warning leaves the document valid.
    warning: bool


CHECKS: list[Registered] = []


def check(rule: str, kind: str) -> Callable[[SemanticCheck], SemanticCheck]:
    def register(fn: SemanticCheck) -> SemanticCheck:
        CHECKS.append(Registered(rule, kind, fn, RULES[rule].polarity == "warning"))
        return fn

    return register


def _section(doc: dict[str, Any], name: str) -> dict[str, Any]:
    section = doc.get(name)
    return section if type(section) is dict else {}


def _u(value: Any) -> TypeGuard[int]:
    return type(value) is int or type(value) is IntLiteral


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f/\\]")
_OPERATION_SEGMENT = re.compile(r"[a-z0-9_-]+", re.ASCII)
_WELL_FORMED_OPERATION = re.compile(r"[^.]+(\.[^.]+)+")
_WELL_FORMED_TYPE = re.compile(r"[^.]+\.[^.]+(\.[^.]+)*\.v[0-9]+", re.ASCII)


@check("core.job_id.charset", "job")
def job_id_charset(doc: dict[str, Any], report: Report) -> None:
    job_id = doc.get("job_id")
    if type(job_id) is str and len(job_id) >= 8:
        m = _CONTROL.search(job_id)
        if m:
            report(
                "/job_id",
                f"{describe(job_id)} contains {json.dumps(m.group())} at offset {m.start()}, unsafe in a file name",
            )


@check("core.operation.charset", "job")
def operation_charset(doc: dict[str, Any], report: Report) -> None:
    op = doc.get("operation")
    if type(op) is str and _WELL_FORMED_OPERATION.fullmatch(op):
        bad = [s for s in op.split(".") if not _OPERATION_SEGMENT.fullmatch(s)]
        if bad:
            report("/operation", f"{describe(op)} has segment {quote(bad[0])} outside [a-z0-9_-]")


@check("core.payload.type.matches-operation", "job")
def payload_type_matches(doc: dict[str, Any], report: Report) -> None:
    op, payload = doc.get("operation"), doc.get("payload")
    if type(op) is not str or not _WELL_FORMED_OPERATION.fullmatch(op) or type(payload) is not dict:
        return
    ptype = payload.get("type")
    if type(ptype) is not str or not _WELL_FORMED_TYPE.fullmatch(ptype):
        return
    base, _, version = ptype.rpartition(".")
    if base != op:
        report(
            "/payload/type",
            f"{describe(ptype)} does not match operation {describe(op)}: expected {quote(op + '.' + version)}",
        )


@check("core.execution.attempt-within-max", "job")
def attempt_within_max(doc: dict[str, Any], report: Report) -> None:
    ex = doc.get("execution")
    if type(ex) is not dict:
        return
    attempt, most = ex.get("attempt", 1), ex.get("max_attempts", 1)
    if _u(attempt) and _u(most) and 1 <= attempt <= 4294967295 and 1 <= most <= 4294967295 and attempt > most:
        shown = "max_attempts" if "max_attempts" in ex else "max_attempts (default)"
        report("/execution/attempt", f"{attempt} is greater than {shown} {most}")


@check("core.execution.timeout_seconds.long", "job")
def timeout_long(doc: dict[str, Any], report: Report) -> None:
    t = _section(doc, "execution").get("timeout_seconds")
    if _u(t) and 86400 < t <= 18446744073709551615:
        report("/execution/timeout_seconds", f"{t} seconds is longer than a day (86400)")


@check("core.execution.deadline.after-created", "job")
def deadline_after_created(doc: dict[str, Any], report: Report) -> None:
    deadline, created = _section(doc, "execution").get("deadline"), doc.get("created_at")
    if type(deadline) is str and type(created) is str:
        d, c = parse_timestamp_utc(deadline), parse_timestamp_utc(created)
        if d is not None and c is not None and d <= c:
            report("/execution/deadline", f"{describe(deadline)} is not after created_at {describe(created)}")


@check("core.constraints.minimum_worker_version.semver", "job")
def minimum_version_semver(doc: dict[str, Any], report: Report) -> None:
    v = _section(doc, "constraints").get("minimum_worker_version")
    if type(v) is str and v and not is_semver(v):
        report("/constraints/minimum_worker_version", f'{describe(v)} is not a semantic version (e.g. "0.4.0")')


@check("core.constraints.maximum_disk_size_gb.large", "job")
def disk_large(doc: dict[str, Any], report: Report) -> None:
    v = _section(doc, "constraints").get("maximum_disk_size_gb")
    if _u(v) and 100000 < v <= 18446744073709551615:
        report("/constraints/maximum_disk_size_gb", f"{v} GB is more than 100000 GB")


def _valid_ts(value: Any) -> bool:
    return type(value) is str and timestamp_fault(value) is None


@check("result.failed.consistency", "result")
def failed_consistency(doc: dict[str, Any], report: Report) -> None:
    if doc.get("status") != "failed":
        return
    missing = [name for name in ("error", "failed_at") if doc.get(name) is None]
    if missing:
        names = " and ".join(quote(name) for name in missing)
        report("/" + missing[0], f'{names} {"are" if len(missing) > 1 else "is"} required when status is "failed"')


@check("result.completed.consistency", "result")
def completed_consistency(doc: dict[str, Any], report: Report) -> None:
    if doc.get("status") != "completed":
        return
    if doc.get("completed_at") is None:
        report("/completed_at", '"completed_at" is required when status is "completed"')
    elif doc.get("error") is not None:
        report("/error", f'{describe(doc["error"])} is an error, but status is "completed"')


@check("worker.status.within-capacity", "worker")
def within_capacity(doc: dict[str, Any], report: Report) -> None:
    current = _section(doc, "status").get("current_jobs")
    most = _section(doc, "resources").get("max_concurrent_jobs")
    if _u(current) and _u(most) and 0 <= most < current <= 4294967295:
        report("/status/current_jobs", f"{current} is more than resources.max_concurrent_jobs {most}")


def run(kind: str, doc: dict[str, Any], errors: IssueSink, warnings: IssueSink) -> None:
    """Run every semantic check of ``kind`` on a structurally parsed document."""
    # One reporter per document, re-aimed at each check's rule: cheaper than a closure per check.
    aim: list[Any] = [None, None]

    def report(ptr: str, msg: str) -> None:
        aim[1].add(aim[0], ptr, msg)

    for rule, warning, fn in _by_kind(kind):
        aim[0], aim[1] = rule, warnings if warning else errors
        fn(doc, report)


_Entry = tuple[str, bool, SemanticCheck]


def _by_kind(kind: str) -> tuple[_Entry, ...]:
    """The checks of ``kind`` as plain tuples, rebuilt only when a check is registered after the first run."""
    cached = _BY_KIND.get(kind)
    if cached is None or cached[0] != len(CHECKS):
        entries = tuple((r.rule, r.warning, r.check) for r in CHECKS if r.kind == kind)
        cached = (len(CHECKS), entries)
        _BY_KIND[kind] = cached
    return cached[1]


_BY_KIND: dict[str, tuple[int, tuple[_Entry, ...]]] = {}


# The common case in one pass: a document that no check of its kind would report on, recognised by reading each
# member the checks read once, without a reporter. Each clause is true only when its rule's check (above) would
# report nothing; a clause that cannot tell at a glance says no, and the checks themselves then run. A check
# registered for a kind without its clause here makes that kind's filter say no (see :func:`quiet`).

_OPERATION_OK = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)+", re.ASCII)


def _quiet_job(doc: dict[str, Any]) -> bool:
    job_id, op, payload = doc.get("job_id"), doc.get("operation"), doc.get("payload")
    if type(job_id) is str and len(job_id) >= 8 and _CONTROL.search(job_id) is not None:
        return False  # core.job_id.charset
    if type(op) is str:
        if _OPERATION_OK.fullmatch(op) is None and _WELL_FORMED_OPERATION.fullmatch(op) is not None:
            return False  # core.operation.charset
        if type(payload) is dict:
            ptype = payload.get("type")
            if type(ptype) is str and ptype.rpartition(".")[0] != op:
                return False  # core.payload.type.matches-operation (the check tells whether both are well formed)
    ex = doc.get("execution")
    if type(ex) is dict:
        attempt, most, timeout = ex.get("attempt", 1), ex.get("max_attempts", 1), ex.get("timeout_seconds")
        if _u(attempt) and _u(most) and attempt > most:
            return False  # core.execution.attempt-within-max
        if _u(timeout) and timeout > 86400:
            return False  # core.execution.timeout_seconds.long
        deadline, created = ex.get("deadline"), doc.get("created_at")
        if type(deadline) is str and type(created) is str:  # core.execution.deadline.after-created
            d, c = parse_timestamp_utc(deadline), parse_timestamp_utc(created)
            if d is not None and c is not None and d <= c:
                return False
    constraints = doc.get("constraints")
    if type(constraints) is dict:
        version, disk = constraints.get("minimum_worker_version"), constraints.get("maximum_disk_size_gb")
        if type(version) is str and version and not is_semver(version):
            return False  # core.constraints.minimum_worker_version.semver
        if _u(disk) and disk > 100000:
            return False  # core.constraints.maximum_disk_size_gb.large
    return True


def _quiet_result(doc: dict[str, Any]) -> bool:
    status = doc.get("status")
    if status == "failed":  # result.failed.consistency
        return doc.get("error") is not None and doc.get("failed_at") is not None
    if status == "completed":  # result.completed.consistency
        return doc.get("completed_at") is not None and doc.get("error") is None
    return True


def _quiet_worker(doc: dict[str, Any]) -> bool:
    current = _section(doc, "status").get("current_jobs")
    most = _section(doc, "resources").get("max_concurrent_jobs")
    return not (_u(current) and _u(most) and current > most)  # worker.status.within-capacity


def _quiet_none(doc: dict[str, Any]) -> bool:
    return True


#: kind -> (the rules its filter answers for, the filter).
QUIET: dict[str, tuple[frozenset[str], Callable[[dict[str, Any]], bool]]] = {
    "job": (
        frozenset(
            {
                "core.job_id.charset",
                "core.operation.charset",
                "core.payload.type.matches-operation",
                "core.execution.attempt-within-max",
                "core.execution.timeout_seconds.long",
                "core.execution.deadline.after-created",
                "core.constraints.minimum_worker_version.semver",
                "core.constraints.maximum_disk_size_gb.large",
            }
        ),
        _quiet_job,
    ),
    "result": (frozenset({"result.failed.consistency", "result.completed.consistency"}), _quiet_result),
    "worker": (frozenset({"worker.status.within-capacity"}), _quiet_worker),
    "progress": (frozenset(), _quiet_none),
}


def quiet(kind: str, doc: dict[str, Any]) -> bool:
    """True when no semantic check of ``kind`` would report anything on ``doc`` (false: run them to know)."""
    cached = _FILTERS.get(kind)
    if cached is None or cached[0] != len(CHECKS):
        rules, fn = QUIET.get(kind, (frozenset(), _quiet_none))
        covered = all(r.rule in rules for r in CHECKS if r.kind == kind)
        cached = _FILTERS[kind] = (len(CHECKS), fn if covered else _never)
    return cached[1](doc)


def _never(doc: dict[str, Any]) -> bool:
    return False


#: kind -> (the number of checks when it was chosen, the filter: its own, or no when a check is not covered).
_FILTERS: dict[str, tuple[int, Callable[[dict[str, Any]], bool]]] = {}
