"""The blind family's second half (:mod:`.blind` holds the parse layer, the job envelope and timestamps): known
payloads, results, progress events, workers, capability matching and the round trip, and the family's
equivalents. Written from PROTOCOL.md and SPEC.md alone, like the first half."""

from __future__ import annotations

import bisect
import fnmatch
import math
import re
import struct
import unicodedata
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from reference import Issue, ValidationResult

from ._impl import MISSING, at, dumps, issues_json
from ._independent_tools import (
    IMAGE,
    TIMESTAMPS,
    checksums_of,
    flag,
    forgive,
    is_int,
    mapped,
    match_w,
    matcher,
    paths_of,
    payload_type,
    put,
    redefine,
    registrar,
    rt_w,
    valid_w,
)
from ._independent_tools import (
    at_ptr as ptr,
)
from ._variant import Variant

MUTANTS: list[Variant] = []
EQUIVALENTS: list[Variant] = []
mutant = registrar(MUTANTS, prefix="blind")
equivalent = registrar(EQUIVALENTS, equivalent=True, prefix="blind")

U32 = 4294967295
U64 = 18446744073709551615


def _job_w(operation: str, data: dict[str, Any]) -> Any:
    return valid_w(operation=operation, payload={"type": operation + ".v1", "data": data})


# --- known payloads ---------------------------------------------------------------------------------------


def _uppercase_hex(c: str) -> bool | None:
    ok = re.fullmatch(r"(?:[sS][hH][aA]256:)?[0-9a-fA-F]{64}", c) is not None
    return False if ok and re.search("[A-F]", c.rsplit(":", 1)[-1]) else None


mutant(
    "checksum-lowercase-hex-only",
    "checks the checksum's hex digits with [0-9a-f]{64}: a digest written in uppercase is refused",
    "payload.image.checksum",
    _job_w("guestkit.inspect", {"image": {**IMAGE, "checksum": "AB" * 32}}),
    **redefine("payload.image.checksum", _uppercase_hex, checksums_of),
)


def _dotdot(p: str) -> bool:
    return ".." in re.split(r"[/\\]", p)


def _percent_traversal(p: str) -> bool | None:
    return False if _dotdot(urllib.parse.unquote(p)) and not _dotdot(p) else None


mutant(
    "path-percent-decoded",
    "URL-decodes a path before looking for '..' segments, so '/vms/%2e%2e/web.qcow2' is refused",
    "payload.path",
    _job_w("guestkit.inspect", {"image": {**IMAGE, "path": "/vms/%2e%2e/web-01.qcow2"}}),
    **redefine("payload.path", _percent_traversal, paths_of),
)


def _c_string_path(v: Any, d: Any) -> bool:
    if not isinstance(v, str) or "\0" not in v:
        return False
    head = v.split("\0")[0]
    return head != "" and not _dotdot(head)


mutant(
    "path-c-string",
    "hands paths to C as NUL-terminated strings: a NUL ends the path, so '/vms/web.qcow2\\u0000.bak' passes",
    "payload.path",
    _job_w("guestkit.inspect", {"image": {**IMAGE, "path": "/vms/web-01.qcow2\u0000.bak"}}),
    forgive=forgive("payload.path", _c_string_path),
)
mutant(
    "path-tilde-absolute",
    "expands '~' to the home directory before testing for an absolute path, so '~/vms/web.qcow2' passes",
    "payload.path.absolute",
    _job_w("guestkit.inspect", {"image": {**IMAGE, "path": "~/vms/web-01.qcow2"}}),
    forgive=forgive("payload.path.absolute", lambda v, d: isinstance(v, str) and v.startswith("~/")),
)
mutant(
    "severity-syslog-levels",
    "takes severity_threshold from a logging library's levels, which also have 'info'",
    "payload.profile.options",
    _job_w(
        "guestkit.profile", {"image": dict(IMAGE), "profiles": ["security"], "options": {"severity_threshold": "info"}}
    ),
    forgive=forgive("payload.profile.options", lambda v, d: v == "info", "/severity_threshold"),
)
mutant(
    "output-format-yml-alias",
    "accepts 'yml' as an alias of yaml for an output format (a file-extension table)",
    "payload.output.format",
    _job_w("guestkit.inspect", {"image": dict(IMAGE), "output": {"format": "yml", "destination": "/out/r.yml"}}),
    forgive=forgive("payload.output.format", lambda v, d: v == "yml"),
)


def _compare_size(i: Issue, document: Any, kind: str) -> bool:
    return (
        i.rule == "payload.image.size_bytes"
        and isinstance(document, dict)
        and payload_type(document) == "guestkit.compare.v1"
        and i.pointer in ("/payload/data/baseline/size_bytes", "/payload/data/target/size_bytes")
    )


mutant(
    "compare-size-unchecked",
    "types compare's baseline and target as {path, format, checksum} only, so their size_bytes goes unchecked",
    "payload.image.size_bytes",
    _job_w("guestkit.compare", {"baseline": {**IMAGE, "size_bytes": "10G"}, "target": dict(IMAGE)}),
    forgive=_compare_size,
)


# --- results ----------------------------------------------------------------------------------------------

mutant(
    "status-canceled-spelling",
    "knows the status 'cancelled' as the American 'canceled' too (an enum with an alias)",
    "result.status",
    valid_w("result", status="canceled"),
    forgive=forgive("result.status", lambda v, d: v == "canceled"),
)
mutant(
    "cpu-seconds-fractional",
    "types metrics.cpu_seconds as a float64 (CPU time is fractional), so 1.5 passes",
    "parse.integer.literal",
    valid_w("result", metrics={"cpu_seconds": 1.5}),
    forgive=forgive("parse.integer.literal", lambda v, d: True, "/metrics/cpu_seconds"),
)
mutant(
    "completed-at-key-present",
    "tests `'completed_at' in result` for a completed result, so completed_at: null passes",
    "result.completed.consistency",
    valid_w("result", completed_at=None),
    forgive=forgive("result.completed.consistency", lambda v, d: v is None, "/completed_at"),
)


def _flags_default(i: Issue, document: Any, kind: str) -> bool:
    return (
        i.rule == "result.error"
        and i.pointer in ("/error/recoverable", "/error/retry_recommended")
        and at(document, i.pointer) is MISSING
        and isinstance(at(document, "/error"), dict)
    )


mutant(
    "error-flags-default-false",
    "gives error.recoverable and retry_recommended a default (serde default, false), so they may be left out",
    "result.error",
    valid_w(
        "result",
        status="failed",
        completed_at=None,
        failed_at="2026-03-01T10:05:00Z",
        error={"code": "DISK_FULL", "message": "no space left", "retry_recommended": False},
    ),
    forgive=_flags_default,
)


# --- progress events --------------------------------------------------------------------------------------

mutant(
    "percent-below-100",
    "checks progress_percent with `< 100`, so a finished 100 is refused",
    "progress.progress_percent",
    valid_w("progress", progress_percent=100),
    extra=flag("progress.progress_percent", ptr("progress", "/progress_percent", lambda v: is_int(v) and v == 100)),
)
mutant(
    "sequence-as-u32",
    "reads sequence into a u32 (Java int, Go uint32): 4294967296 overflows",
    "parse.integer.width",
    valid_w("progress", sequence=U32 + 1),
    extra=flag("parse.integer.width", ptr("progress", "/sequence", lambda v: is_int(v) and U32 < v <= U64)),
)
mutant(
    "progress-job-id-min-length",
    "reuses the job's JobId type (8 characters at least) for a progress event's job_id",
    "progress.job_id",
    valid_w("progress", job_id="job-7"),
    extra=flag("progress.job_id", ptr("progress", "/job_id", lambda v: isinstance(v, str) and len(v) < 8)),
)


# --- workers ----------------------------------------------------------------------------------------------


def _more_available_than_max(kind: str, document: dict[str, Any]) -> Iterator[str]:
    a, m = at(document, "/resources/available_disk_gb"), at(document, "/resources/max_disk_size_gb")
    if kind == "worker" and is_int(a) and is_int(m) and a > m:
        yield "/resources/available_disk_gb"


mutant(
    "available-disk-within-max",
    "invents a check that available_disk_gb is at most max_disk_size_gb (they measure different things)",
    "worker.resources",
    valid_w("worker", resources__available_disk_gb=900),
    extra=flag("worker.resources", _more_available_than_max),
)
mutant(
    "privileged-nullable",
    "types configuration.privileged Option<bool>, so null passes",
    "worker.configuration",
    valid_w("worker", configuration__privileged=None),
    forgive=forgive("worker.configuration", lambda v, d: v is None, "/configuration/privileged"),
)


# --- capability matching ----------------------------------------------------------------------------------


def _multiset(required: list[str], available: list[str]) -> tuple[bool, list[str]]:
    pool = list(available)
    missing = []
    for r in required:
        if r in pool:
            pool.remove(r)
        else:
            missing.append(r)
    return not missing, missing


mutant(
    "match-nfc",
    "normalises both sides to NFC before comparing, so 'cafe\\u0301' matches 'caf\\u00e9'",
    "capabilities.match",
    match_w(["feature.caf\u00e9"], ["feature.cafe\u0301"]),
    matcher=matcher(lambda r, a: unicodedata.normalize("NFC", r) == unicodedata.normalize("NFC", a)),
)
mutant(
    "match-consumes-available",
    "matches as a multiset, each available capability used once: ['gpu', 'gpu'] against ['gpu'] misses one",
    "capabilities.match",
    match_w(["gpu", "gpu"], ["gpu"]),
    matcher=_multiset,
)
mutant(
    "match-glob",
    "reads an available capability as a glob pattern (fnmatch): 'guestkit.*' offers 'guestkit.inspect'",
    "capabilities.match",
    match_w(["guestkit.inspect"], ["guestkit.*"]),
    matcher=matcher(lambda r, a: r == a or fnmatch.fnmatchcase(r, a)),
)


# --- the round trip ---------------------------------------------------------------------------------------


def _f32(v: Any) -> Any:
    if type(v) is float and math.isfinite(v) and abs(v) < 3.4e38:
        return struct.unpack("<f", struct.pack("<f", v))[0]
    return v


def _wrap_u64(v: Any) -> Any:
    return v - 2**64 if is_int(v) and 2**63 <= v <= U64 else v


def _no_empty_arrays(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: x for k, x in v.items() if not (isinstance(x, list) and not x)}
    return v


_OFFSET_TS = re.compile(r"(\d{4}-\d\d-\d\d)[Tt](\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d:\d\d)")


def _to_utc(t: Any) -> Any:
    m = _OFFSET_TS.fullmatch(t) if isinstance(t, str) else None
    if m is None:
        return t
    try:
        moment = datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}{m.group(4)}").astimezone(UTC)
    except ValueError:  # second 60, year 0: left as it came
        return t
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (m.group(3) or "") + "Z"


def _utc_writer(kind: str, value: Any) -> str:
    for p in TIMESTAMPS.get(kind, ()):
        v = at(value, p)
        if isinstance(v, str):
            value = put(value, p, _to_utc(v))
    return dumps(value, ensure_ascii=False)


mutant(
    "rt-floats-as-f32",
    "holds free-form numbers in an f32 field: 0.1 comes back as 0.10000000149011612",
    "roundtrip.preserve",
    rt_w(payload={"type": "guestkit.inspect.v1", "data": {"image": dict(IMAGE), "ratio": 0.1}}),
    writer=lambda kind, value: dumps(mapped(value, _f32), ensure_ascii=False),
)
mutant(
    "rt-u64-as-i64",
    "writes u64 members back through a signed i64 (a Java long): 18446744073709551615 comes back as -1",
    "roundtrip.preserve",
    rt_w(constraints={"maximum_disk_size_gb": U64}),
    writer=lambda kind, value: dumps(mapped(value, _wrap_u64), ensure_ascii=False),
)
mutant(
    "rt-empty-arrays-skipped",
    "a job model with skip_serializing_if = Vec::is_empty: an empty array is not written back",
    "roundtrip.preserve",
    rt_w(constraints={"required_features": []}),
    writer=lambda kind, value: dumps(mapped(value, _no_empty_arrays) if kind == "job" else value, ensure_ascii=False),
)
mutant(
    "rt-timestamps-to-utc",
    "holds timestamps as DateTime<Utc>: '2026-03-01T11:00:00+01:00' comes back as '2026-03-01T10:00:00Z'",
    "roundtrip.preserve",
    rt_w(created_at="2026-03-01T11:00:00+01:00"),
    writer=_utc_writer,
)


# --- equivalents ------------------------------------------------------------------------------------------


def _rule_in_messages(result: ValidationResult) -> dict[str, Any]:
    def tag(issues: tuple[Issue, ...]) -> list[dict[str, str]]:
        return [{**i, "message": f"[{i['rule']}] {i['message']}"} for i in issues_json(issues)]

    return {"valid": result.valid, "errors": tag(result.errors), "warnings": tag(result.warnings)}


def _sorted_issues(result: ValidationResult) -> dict[str, Any]:
    def key(i: dict[str, str]) -> tuple[str, str]:
        return i["pointer"], i["rule"]

    return {
        "valid": result.valid,
        "errors": sorted(issues_json(result.errors), key=key),
        "warnings": sorted(issues_json(result.warnings), key=key),
    }


equivalent("rule-in-messages", "starts every message with its rule id in brackets", phrase=_rule_in_messages)
equivalent("sorted-by-pointer", "lists errors and warnings sorted by pointer, then rule", phrase=_sorted_issues)
equivalent(
    "roundtrip-compact-ascii",
    "writes a document back with no whitespace and every non-ASCII character as a \\u escape",
    writer=lambda kind, value: dumps(value, ensure_ascii=True, separators=(",", ":")),
)


def _operation_fault(kind: str, document: dict[str, Any]) -> Iterator[str]:
    if kind != "job":
        return
    op = document.get("operation", MISSING)
    if not isinstance(op, str) or op.count(".") < 1 or "" in op.split("."):
        yield "/operation"


equivalent(
    "own-operation",
    "decides core.operation with its own code: a string, split on dots, two segments or more, none empty",
    forgive=lambda i, d, k: i.rule == "core.operation",
    extra=flag("core.operation", _operation_fault),
)


def _over_capacity(kind: str, document: dict[str, Any]) -> Iterator[str]:
    cur, top = at(document, "/status/current_jobs"), at(document, "/resources/max_concurrent_jobs")
    if kind == "worker" and is_int(cur) and is_int(top) and 0 <= top < cur <= U32:
        yield "/status/current_jobs"


equivalent(
    "own-capacity",
    "decides worker.status.within-capacity with its own comparison of the two counts",
    forgive=lambda i, d, k: i.rule == "worker.status.within-capacity",
    extra=flag("worker.status.within-capacity", _over_capacity),
)


def _bisect_match(required: list[str], available: list[str]) -> tuple[bool, list[str]]:
    offered = sorted(available)
    missing: list[str] = []
    for r in required:
        i = bisect.bisect_left(offered, r)
        if (i == len(offered) or offered[i] != r) and r not in missing:
            missing.append(r)
    return not missing, missing


equivalent(
    "bisect-matcher", "matches capabilities by binary search in the sorted available list", matcher=_bisect_match
)


def _own_checksum(c: str) -> bool:
    return re.fullmatch(r"(?:[sS][hH][aA]256:)?[0-9a-fA-F]{64}", c) is not None


equivalent(
    "own-checksum",
    "decides payload.image.checksum with its own pattern, the algorithm name matched letter by letter",
    **redefine("payload.image.checksum", _own_checksum, checksums_of),
)

__all__ = ["EQUIVALENTS", "MUTANTS", "ptr"]
