"""The mutants: implementations each wrong in one plausible way, the mistakes real implementations make.

Each is the reference with one hook changed (see ``_impl``), so that it differs from the reference on the
documents that exercise its mistake and nowhere else. Each names the rules it breaks and carries a witness,
a document on which its answer differs: a suite that has no case like the witness cannot catch it.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable
from typing import Any

from reference import BigNumber, FloatLiteral, Issue, decode, dumps, parse, schema, timestamp_fault
from reference import parse_float as _float
from reference import parse_int as _big_int

from . import _docs
from ._docs import DELETE
from ._impl import MISSING, Forgive, Impl, at
from ._variant import Variant, Witness

MUTANTS: list[Variant] = []

U64 = 18446744073709551615


def mutant(name: str, description: str, breaks: str | tuple[str, ...], witness: Witness, **hooks: Any) -> None:
    MUTANTS.append(Variant(name, description, Impl(**hooks), (breaks,) if isinstance(breaks, str) else breaks, witness))


def doc(kind: str, changes: dict[str, Any] | None = None) -> bytes:
    return _docs.text(_docs.edit(kind, changes or {})).encode()


def invalid_if(kind: str, changes: dict[str, Any] | None = None) -> Witness:
    """A validate witness: the plain document of ``kind`` with ``changes``."""
    return Witness("validate", kind, doc(kind, changes))


def forgiving(
    rules: str | tuple[str, ...], when: Callable[[Any], bool] = lambda v: True, pointer: str | None = None
) -> Forgive:
    """Forgive errors of ``rules`` (at ``pointer``, a regular expression, if given) when the value there
    satisfies ``when``."""
    names = (rules,) if isinstance(rules, str) else rules
    where = re.compile(pointer) if pointer is not None else None

    def forgive(issue: Issue, document: Any, kind: str) -> bool:
        if issue.rule not in names or (where is not None and not where.fullmatch(issue.pointer)):
            return False
        return when(at(document, issue.pointer))

    return forgive


def is_int(v: Any) -> bool:
    return type(v) is int


def equals(n: int) -> Callable[[Any], bool]:
    return lambda v: is_int(v) and v == n


# --- the parse layer -------------------------------------------------------------------------------------


def _lenient_loads(data: bytes, *, last_wins: bool = False, constants: bool = False) -> tuple[Any, list[Issue]]:
    """``json.loads`` with Python's own leniencies switched on one at a time; the reference's verdict on
    anything it still cannot read."""
    text, fault = decode(data)
    if fault is not None or text is None:
        return parse(data)

    class _Dup(Exception):
        pass

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) != len(items) and not last_wins:
            raise _Dup
        return obj

    def constant(name: str) -> float:
        if not constants:
            raise ValueError(name)
        return float(name)

    try:
        value = json.loads(
            text, object_pairs_hook=pairs, parse_constant=constant, parse_int=_big_int, parse_float=_float
        )
        return value, []
    except (_Dup, ValueError, RecursionError):
        return parse(data)


def _last_wins(data: bytes) -> tuple[Any, list[Issue]]:
    value, faults = parse(data)
    if faults and all(f.rule == "parse.duplicate-member" for f in faults):
        return _lenient_loads(data, last_wins=True)
    return value, faults


def _nan(data: bytes) -> tuple[Any, list[Issue]]:
    value, faults = parse(data)
    if faults and "NaN or Infinity" in faults[0].message:
        return _lenient_loads(data, constants=True)
    return value, faults


def _strip_bom(data: bytes) -> tuple[Any, list[Issue]]:
    return parse(data[3:] if data.startswith(b"\xef\xbb\xbf") else data)


def _drop_trailing_commas(data: bytes) -> bytes:
    """Remove every comma followed (after whitespace) by a closing bracket, outside strings."""
    out = bytearray()
    in_string = escaped = False
    i = 0
    while i < len(data):
        c = data[i]
        if in_string:
            escaped = not escaped and c == 0x5C
            in_string = escaped or c != 0x22
            out.append(c)
        elif c == 0x22:
            in_string = True
            out.append(c)
        elif c == 0x2C:
            j = i + 1
            while j < len(data) and data[j] in b" \t\r\n":
                j += 1
            if j >= len(data) or data[j] not in b"]}":
                out.append(c)
        else:
            out.append(c)
        i += 1
    return bytes(out)


def _trailing_commas(data: bytes) -> tuple[Any, list[Issue]]:
    return parse(_drop_trailing_commas(data))


def _integral_floats(kind: str, value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _integral_floats(kind, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral_floats(kind, v) for v in value]
    return value


JOB_FIELDS = ("version", "job_id", "created_at", "kind", "operation", "payload", "metadata", "execution",
              "constraints", "routing", "observability", "audit")  # fmt: skip


def _array_as_struct(kind: str, value: Any) -> Any:
    # serde's derived Deserialize for a struct also accepts a sequence of its fields, in declaration order.
    if kind == "job" and isinstance(value, list) and len(value) <= len(JOB_FIELDS):
        return dict(zip(JOB_FIELDS, value, strict=False))
    return value


mutant(
    "bom-accepted",
    "skips a UTF-8 byte-order mark before the text instead of rejecting the document",
    "parse.encoding",
    Witness("validate", "job", b"\xef\xbb\xbf" + doc("job")),
    reader=_strip_bom,
)
mutant(
    "nan-accepted",
    "reads NaN and Infinity as numbers (Python's json default)",
    "parse.syntax",
    Witness(
        "validate",
        "job",
        doc("job").replace(b'"format": "qcow2"}', b'"format": "qcow2"}, "ratio": NaN', 1),
    ),
    reader=_nan,
)
mutant(
    "trailing-commas-accepted",
    "accepts a trailing comma before a closing bracket or brace (a JSON5-ish reader)",
    "parse.syntax",
    Witness("validate", "job", doc("job")[:-1] + b", }"),
    reader=_trailing_commas,
)
mutant(
    "job-as-array",
    "accepts a whole job given as a JSON array of its fields in declaration order (serde's sequence form)",
    "parse.top-level-object",
    Witness("validate", "job", _docs.text(list(_docs.JOB.values())).encode()),
    transform=_array_as_struct,
)
mutant(
    "duplicate-last-wins",
    "keeps the last of two members with the same name instead of rejecting the object",
    "parse.duplicate-member",
    Witness("validate", "job", b'{"operation": "x",' + doc("job")[1:]),
    reader=_last_wins,
)
mutant(
    "integer-float-accepted",
    "accepts an integral number with a fraction or exponent (5.0, 5e0) for an integer member",
    "parse.integer.literal",
    Witness("validate", "job", doc("job", {"/execution/priority": 5.0})),
    transform=_integral_floats,
)


def _beyond_u64(v: Any) -> bool:
    return (is_int(v) and v > U64) or (type(v) is BigNumber and not v.text.startswith("-"))


mutant(
    "u64-overflow-accepted",
    "saturates an integer beyond u64 instead of rejecting it (a strtoull-style reader)",
    "parse.integer.width",
    invalid_if("job", {"/execution/timeout_seconds": U64 + 1}),
    forgive=lambda issue, document, kind: (
        issue.rule == "parse.integer.width"
        and "range of u64" in issue.message
        and _beyond_u64(at(document, issue.pointer))
    ),
)

# --- the job envelope ------------------------------------------------------------------------------------

_JOB_MEMBERS = frozenset(schema("job")["properties"])


def _deny_unknown_top_level(kind: str, document: Any) -> list[Issue]:
    if kind != "job":
        return []
    return [
        Issue.of("core.unknown-members", "/" + k, f"unknown field {json.dumps(k)}")
        for k in document
        if k not in _JOB_MEMBERS
    ]


mutant(
    "top-level-deny-unknown",
    "rejects unknown members at the top level of a job (serde's deny_unknown_fields on the envelope)",
    "core.unknown-members",
    invalid_if("job", {"/x-tenant": "blue"}),
    extra=_deny_unknown_top_level,
)
mutant(
    "version-prefix-accepted",
    'accepts any version that starts with "1." ("1.0.0", "1.1") instead of exactly "1.0"',
    "core.version",
    invalid_if("job", {"/version": "1.0.0"}),
    forgive=forgiving("core.version", lambda v: isinstance(v, str) and v.startswith("1.")),
)
mutant(
    "job-id-bytes",
    "counts job_id length in UTF-8 bytes, not code points, so four two-byte characters pass",
    "core.job_id",
    invalid_if("job", {"/job_id": "éééé"}),
    forgive=forgiving("core.job_id", lambda v: isinstance(v, str) and len(v.encode("utf-8", "surrogatepass")) >= 8),
)
mutant(
    "kind-case-insensitive",
    'compares kind case-insensitively, so "vmoperation" passes',
    "core.kind",
    invalid_if("job", {"/kind": "vmoperation"}),
    forgive=forgiving("core.kind", lambda v: isinstance(v, str) and v.lower() == "vmoperation"),
)
mutant(
    "operation-dot-only",
    'checks only that operation contains a dot, so ".", "a." and ".a" pass',
    "core.operation",
    invalid_if("job", {"/operation": "guestkit."}),
    forgive=forgiving("core.operation", lambda v: isinstance(v, str) and "." in v),
)
mutant(
    "payload-type-unmatched",
    "never checks that payload.type is the operation plus a version segment",
    "core.payload.type.matches-operation",
    invalid_if("job", {"/operation": "acme.backup", "/payload": {"type": "acme.restore.v1", "data": {}}}),
    forgive=forgiving("core.payload.type.matches-operation"),
)
mutant(
    "payload-data-null-accepted",
    "accepts payload.data that is not an object (null, a string, an array), as the crate does",
    "core.payload.data",
    invalid_if("job", {"/operation": "acme.backup", "/payload": {"type": "acme.backup.v1", "data": None}}),
    forgive=forgiving("core.payload.data", pointer="/payload/data"),
)
mutant(
    "priority-0-accepted",
    "checks priority against 0..10 instead of 1..10 (off by one at the bottom)",
    "core.execution.priority",
    invalid_if("job", {"/execution/priority": 0}),
    forgive=forgiving("core.execution.priority", equals(0)),
)
mutant(
    "priority-11-accepted",
    "checks priority against 1..11 instead of 1..10 (off by one at the top)",
    "core.execution.priority",
    invalid_if("job", {"/execution/priority": 11}),
    forgive=forgiving("core.execution.priority", equals(11)),
)
mutant(
    "timeout-zero-accepted",
    "accepts timeout_seconds 0, as the crate does (an unsigned type with no minimum)",
    "core.execution.timeout_seconds",
    invalid_if("job", {"/execution/timeout_seconds": 0}),
    forgive=forgiving("core.execution.timeout_seconds", equals(0)),
)
mutant(
    "attempt-defaults-ignored",
    "compares attempt with max_attempts only when both are present, forgetting max_attempts defaults to 1",
    "core.execution.attempt-within-max",
    invalid_if("job", {"/execution/attempt": 3}),
    forgive=lambda issue, document, kind: (
        issue.rule == "core.execution.attempt-within-max" and "max_attempts" not in at(document, "/execution")
    ),
)
_DEFAULTED = ("attempt", "max_attempts", "timeout_seconds", "priority", "cancellable")
mutant(
    "null-for-defaulted-accepted",
    "reads null in a defaulted execution member as 'use the default' (an Option with unwrap_or)",
    tuple(f"core.execution.{m}" for m in _DEFAULTED),
    invalid_if("job", {"/execution/priority": None}),
    forgive=forgiving(tuple(f"core.execution.{m}" for m in _DEFAULTED), lambda v: v is None),
)
mutant(
    "zero-disk-size-rejected",
    "rejects maximum_disk_size_gb 0 (a truthiness test: `if not value`)",
    "core.constraints.maximum_disk_size_gb",
    Witness("validate", "job", doc("job", {"/constraints/maximum_disk_size_gb": 0})),
    extra=lambda kind, document: (
        [Issue.of("core.constraints.maximum_disk_size_gb", "/constraints/maximum_disk_size_gb", "0 GB?")]
        if kind == "job" and equals(0)(at(document, "/constraints/maximum_disk_size_gb"))
        else []
    ),
)
mutant(
    "labels-any-values",
    "accepts label values of any type (a map of JSON values, not of strings)",
    "core.metadata.labels",
    invalid_if("job", {"/metadata/labels": {"tier": 3}}),
    forgive=forgiving("core.metadata.labels", lambda v: v is not MISSING, pointer="/metadata/labels/.+"),
)
mutant(
    "authorization-subject-optional",
    "treats audit.authorization.subject as optional",
    "core.audit.authorization",
    invalid_if("job", {"/audit/authorization": {"method": "oidc"}}),
    forgive=forgiving("core.audit.authorization", lambda v: v is MISSING, pointer="/audit/authorization/subject"),
)

# --- timestamps -----------------------------------------------------------------------------------------

_HOUR_MINUTE = re.compile(r"([Tt ][0-9]{1,2}:[0-9]{1,2})(?=\s*(?:[Zz]|UTC|[+-][0-9]{2}:?[0-9]{2})\s*$)")
_DAY = re.compile(r"(\s*[0-9]{4}-[0-9]{1,2}-)([0-9]{1,2})([Tt ].*)", re.DOTALL)


def _valid_without_seconds(v: Any) -> bool:
    """A timestamp whose only fault is missing seconds: with ``:00`` added it is valid."""
    return isinstance(v, str) and timestamp_fault(_HOUR_MINUTE.sub(r"\1:00", v, count=1)) is None


def _valid_but_for_the_day(v: Any) -> bool:
    """A timestamp whose only fault is a day past the month's end: with day 1 it is valid."""
    m = _DAY.fullmatch(v) if isinstance(v, str) else None
    return m is not None and 1 <= int(m.group(2)) <= 31 and timestamp_fault(m.group(1) + "01" + m.group(3)) is None


mutant(
    "timestamp-no-seconds",
    "accepts a timestamp without seconds (2026-03-01T10:00Z)",
    "timestamp.valid",
    invalid_if("job", {"/created_at": "2026-03-01T10:00Z"}),
    forgive=forgiving("timestamp.valid", _valid_without_seconds),
)
mutant(
    "timestamp-feb-30",
    "checks the day against 1..31 whatever the month, so February 30 passes",
    "timestamp.valid",
    invalid_if("job", {"/created_at": "2026-02-30T10:00:00Z"}),
    forgive=forgiving("timestamp.valid", _valid_but_for_the_day),
)
mutant(
    "timestamp-space-separator",
    "accepts a space between date and time (chrono's lenient reader) without a strict-form error",
    "timestamp.strict",
    invalid_if("job", {"/created_at": "2026-03-01 10:00:00Z"}),
    forgive=forgiving("timestamp.strict", lambda v: isinstance(v, str) and re.search(r"[0-9] [0-9]", v) is not None),
)
mutant(
    "timestamp-basic-offset",
    "accepts an offset without a colon (+0530) without a strict-form error",
    "timestamp.strict",
    invalid_if("job", {"/created_at": "2026-03-01T10:00:00+0530"}),
    forgive=forgiving("timestamp.strict", lambda v: isinstance(v, str) and re.search(r"[+-][0-9]{4}$", v) is not None),
)

# --- job envelope, recommended rules -------------------------------------------------------------------

mutant(
    "job-id-charset-unchecked",
    "never checks job_id for '/', '\\', NUL or control characters, though workers build file names from it",
    "core.job_id.charset",
    invalid_if("job", {"/job_id": "jobs/../../etc/passwd"}),
    forgive=forgiving("core.job_id.charset"),
)
mutant(
    "operation-uppercase-accepted",
    "accepts operation segments outside [a-z0-9_-] (GuestKit.Inspect)",
    "core.operation.charset",
    invalid_if("job", {"/operation": "GuestKit.Inspect", "/payload/type": "GuestKit.Inspect.v1"}),
    forgive=forgiving("core.operation.charset"),
)
mutant(
    "semver-unchecked",
    "accepts any non-empty minimum_worker_version (v0.4)",
    "core.constraints.minimum_worker_version.semver",
    invalid_if("job", {"/constraints/minimum_worker_version": "v0.4"}),
    forgive=forgiving("core.constraints.minimum_worker_version.semver"),
)
mutant(
    "warnings-never-reported",
    "gives the right verdicts but never reports a warning (timeout over a day, deadline before creation, ...)",
    (
        "core.execution.timeout_seconds.long",
        "core.execution.deadline.after-created",
        "core.constraints.maximum_disk_size_gb.large",
    ),  # fmt: skip
    Witness("warnings", "job", doc("job", {"/execution/timeout_seconds": 90000})),
    silent=True,
)


def _long_timeout_is_error(kind: str, document: Any) -> list[Issue]:
    t = at(document, "/execution/timeout_seconds")
    if kind == "job" and is_int(t) and 86400 < t <= U64:
        return [Issue.of("core.execution.timeout_seconds.long", "/execution/timeout_seconds", "too long")]
    return []


mutant(
    "long-timeout-rejected",
    "rejects timeout_seconds above a day, where the protocol accepts it with a warning",
    "core.execution.timeout_seconds.long",
    Witness("validate", "job", doc("job", {"/execution/timeout_seconds": 90000})),
    extra=_long_timeout_is_error,
)

# --- known payloads --------------------------------------------------------------------------------------


def _walk(value: Any, pointer: str = "") -> Any:
    stack = [(pointer, value)]
    while stack:
        ptr, node = stack.pop()
        yield ptr, node
        if isinstance(node, dict):
            stack.extend((f"{ptr}/{k.replace('~', '~0').replace('/', '~1')}", v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((f"{ptr}/{i}", v) for i, v in enumerate(node))


def _zero_size_rejected(kind: str, document: Any) -> list[Issue]:
    if kind != "job":
        return []
    data = at(document, "/payload/data")
    return [
        Issue.of("payload.image.size_bytes", ptr, "an image of 0 bytes")
        for ptr, v in _walk(data, "/payload/data")
        if ptr.endswith("/size_bytes") and equals(0)(v)
    ]


def _inspect(image: dict[str, Any]) -> dict[str, Any]:
    return {"/payload/data/image": {"path": "/var/lib/images/web-01.qcow2", "format": "qcow2", **image}}


mutant(
    "path-traversal-unchecked",
    "never rejects a '..' segment in a path-like payload member (path traversal)",
    "payload.path",
    invalid_if("job", _inspect({"path": "/var/lib/images/../../../etc/shadow"})),
    forgive=forgiving("payload.path", lambda v: isinstance(v, str) and v != "" and "\x00" not in v),
)
mutant(
    "relative-paths-accepted",
    "accepts a relative path-like payload member without a warning-level error",
    "payload.path.absolute",
    invalid_if("job", _inspect({"path": "images/web-01.qcow2"})),
    forgive=forgiving("payload.path.absolute"),
)
mutant(
    "checksum-unchecked",
    "accepts any string as an image checksum",
    "payload.image.checksum",
    invalid_if("job", _inspect({"checksum": "md5:0123456789abcdef"})),
    forgive=forgiving("payload.image.checksum", lambda v: isinstance(v, str)),
)
mutant(
    "image-format-case-insensitive",
    'compares image formats case-insensitively, so "QCOW2" passes',
    "payload.image.format",
    invalid_if("job", _inspect({"format": "QCOW2"})),
    forgive=forgiving(
        "payload.image.format",
        lambda v: isinstance(v, str) and v.lower() in ("qcow2", "vmdk", "vdi", "vhdx", "raw", "img", "ova"),
    ),
)
mutant(
    "zero-size-bytes-rejected",
    "rejects an image size_bytes of 0 (a truthiness test: `if not size`)",
    "payload.image.size_bytes",
    Witness("validate", "job", doc("job", _inspect({"size_bytes": 0}))),
    extra=_zero_size_rejected,
)
mutant(
    "profiles-empty-accepted",
    "accepts an empty profiles array in guestkit.profile.v1",
    "payload.profile.profiles",
    invalid_if(
        "job",
        {
            "/operation": "guestkit.profile",
            "/payload": {
                "type": "guestkit.profile.v1",
                "data": {"image": {"path": "/var/lib/images/web-01.qcow2", "format": "qcow2"}, "profiles": []},
            },
        },
    ),
    forgive=forgiving("payload.profile.profiles", lambda v: v == []),
)

# --- result ----------------------------------------------------------------------------------------------

mutant(
    "result-status-set",
    'knows the status set as pending..cancelled plus "succeeded", without "timeout"',
    "result.status",
    invalid_if("result", {"/status": "timeout", "/completed_at": DELETE}),
    forgive=forgiving("result.status", lambda v: v == "succeeded"),
    extra=lambda kind, document: (
        [Issue.of("result.status", "/status", '"timeout" is not a status')]
        if kind == "result" and document.get("status") == "timeout"
        else []
    ),
)
mutant(
    "result-attempt-zero-accepted",
    "accepts execution_summary.attempt 0 (attempts counted from zero)",
    "result.execution_summary",
    invalid_if("result", {"/execution_summary/attempt": 0}),
    forgive=forgiving("result.execution_summary", equals(0), pointer="/execution_summary/attempt"),
)
mutant(
    "failed-without-error-accepted",
    "accepts a failed result that has no error and no failed_at",
    "result.failed.consistency",
    invalid_if("result", {"/status": "failed", "/completed_at": DELETE}),
    forgive=forgiving("result.failed.consistency"),
)
mutant(
    "completed-with-error-accepted",
    "accepts a completed result that carries an error",
    "result.completed.consistency",
    invalid_if(
        "result",
        {"/error": {"code": "E1", "message": "disk busy", "recoverable": True, "retry_recommended": True}},
    ),
    forgive=forgiving("result.completed.consistency", pointer="/error"),
)

# --- progress --------------------------------------------------------------------------------------------

mutant(
    "progress-percent-255",
    "accepts progress_percent up to 255 (the u8 range), as the crate does",
    "progress.progress_percent",
    invalid_if("progress", {"/progress_percent": 150}),
    forgive=forgiving("progress.progress_percent", lambda v: is_int(v) and v <= 255),
)
mutant(
    "sequence-signed",
    "reads sequence as a signed 64-bit integer, so -1 passes",
    "parse.integer.width",
    invalid_if("progress", {"/sequence": -1}),
    forgive=forgiving("parse.integer.width", lambda v: is_int(v) and -(2**63) <= v < 0, pointer="/sequence"),
)
mutant(
    "zero-sequence-rejected",
    "rejects sequence 0 (sequences counted from 1, or a truthiness test)",
    "progress.sequence",
    Witness("validate", "progress", doc("progress", {"/sequence": 0})),
    extra=lambda kind, document: (
        [Issue.of("progress.sequence", "/sequence", "0 is not a sequence number")]
        if kind == "progress" and equals(0)(document.get("sequence"))
        else []
    ),
)

# --- worker ----------------------------------------------------------------------------------------------

_SECTIONS = ("capabilities", "resources", "configuration", "status")
mutant(
    "worker-sections-optional",
    "treats the capabilities, resources, configuration and status sections of a worker as optional",
    tuple(f"worker.{s}" for s in _SECTIONS),
    invalid_if("worker", {"/status": DELETE}),
    forgive=forgiving(
        tuple(f"worker.{s}" for s in _SECTIONS), lambda v: v is MISSING, pointer="/(" + "|".join(_SECTIONS) + ")"
    ),
)
mutant(
    "worker-state-unchecked",
    "accepts any string as status.state (maintenance)",
    "worker.status",
    invalid_if("worker", {"/status/state": "maintenance"}),
    forgive=forgiving("worker.status", lambda v: isinstance(v, str), pointer="/status/state"),
)
mutant(
    "over-capacity-accepted",
    "accepts current_jobs above max_concurrent_jobs",
    "worker.status.within-capacity",
    invalid_if("worker", {"/status/current_jobs": 5}),
    forgive=forgiving("worker.status.within-capacity"),
)

# --- capability matching ---------------------------------------------------------------------------------


def _casefold_match(required: list[str], available: list[str]) -> tuple[bool, list[str]]:
    have = {a.casefold() for a in available}
    missing = list(dict.fromkeys(r for r in required if r.casefold() not in have))
    return not missing, missing


def _prefix_match(required: list[str], available: list[str]) -> tuple[bool, list[str]]:
    missing = list(dict.fromkeys(r for r in required if not any(a.startswith(r) for a in available)))
    return not missing, missing


def _unreported_match(required: list[str], available: list[str]) -> tuple[bool, list[str]]:
    have = set(available)
    return all(r in have for r in required), []


mutant(
    "capability-case-insensitive",
    "matches capabilities case-insensitively",
    "capabilities.match",
    Witness("match", required=("guestkit.inspect",), available=("GuestKit.Inspect",)),
    matcher=_casefold_match,
)
mutant(
    "capability-prefix-match",
    "takes an available capability that starts with the required one as a match",
    "capabilities.match",
    Witness("match", required=("guestkit",), available=("guestkit.inspect",)),
    matcher=_prefix_match,
)
mutant(
    "capability-missing-unreported",
    "answers whether capabilities match but never lists the missing ones",
    "capabilities.match",
    Witness("match", required=("guestkit.inspect", "gpu"), available=("guestkit.inspect",)),
    matcher=_unreported_match,
)

# --- round trip ------------------------------------------------------------------------------------------


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = root
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _known_only(value: Any, node: dict[str, Any], root: dict[str, Any], top: bool) -> Any:
    node = _resolve(node, root)
    if isinstance(value, dict) and "properties" in node:
        props, open_map = node["properties"], isinstance(node.get("additionalProperties"), dict)
        return {
            k: _known_only(v, props[k], root, False) if k in props else v
            for k, v in value.items()
            if k in props or top or open_map
        }
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        return [_known_only(v, node["items"], root, False) for v in value]
    return value


def _drop_nested_unknown(kind: str, value: Any) -> str:
    root = schema(kind)
    return dumps(_known_only(value, root, root, True))


_EXECUTION_DEFAULTS = {"attempt": 1, "max_attempts": 1, "timeout_seconds": 3600, "priority": 5, "cancellable": True}


def _inject_defaults(kind: str, value: Any) -> str:
    value = copy.copy(value)
    if kind == "job" and isinstance(value.get("execution"), dict):
        value["execution"] = {**_EXECUTION_DEFAULTS, **value["execution"]}
    return dumps(value)


def _through_double(value: Any) -> Any:
    if type(value) is int and abs(value) > 2**53:
        try:
            return float(value)
        except OverflowError:
            return None  # beyond a double: JSON.stringify writes Infinity as null
    if type(value) in (BigNumber, FloatLiteral):
        f = float(value.text)
        return f if math.isfinite(f) else None
    if isinstance(value, dict):
        return {k: _through_double(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_through_double(v) for v in value]
    return value


mutant(
    "roundtrip-drops-nested-unknown",
    "drops unknown members below the top level when writing a document back, as the crate does",
    "roundtrip.preserve",
    Witness("roundtrip", "job", doc("job", {"/execution/x-scheduler-hint": "spot"})),
    writer=_drop_nested_unknown,
)
mutant(
    "roundtrip-injects-defaults",
    "writes the execution defaults (attempt, max_attempts, timeout_seconds, priority, cancellable) back",
    "roundtrip.no-defaults",
    Witness("roundtrip", "job", doc("job", {"/execution/priority": 7})),
    writer=_inject_defaults,
)
mutant(
    "roundtrip-big-int-lossy",
    "writes integers beyond 2**53 in free-form data back through a double, losing digits",
    "roundtrip.preserve",
    Witness("roundtrip", "job", doc("job", {"/payload/data/inode": 12345678901234567891})),
    writer=lambda kind, value: dumps(_through_double(value)),
)

NAMES = frozenset(m.name for m in MUTANTS)
if len(NAMES) != len(MUTANTS):  # pragma: no cover - a table edit error, caught at import
    raise RuntimeError("two mutants share a name")
