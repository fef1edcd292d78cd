"""The independent family's members for known payloads, results, progress events, workers, capability
matching and the round trip, and its equivalent variants (see :mod:`.independent`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from reference import Issue
from reference import validate_value as _validate_value

from ._docs import PLAIN
from ._impl import MISSING, at, dumps, reference_match
from ._independent_tools import (
    FIX_DATA,
    HEX64,
    IMAGE,
    at_ptr,
    checksums_of,
    combine,
    drop_unknown_in_sections,
    escape_everything,
    first_error_only,
    flag,
    forgive,
    images_of,
    inject_read_only,
    is_absolute,
    is_int,
    job_with,
    match_w,
    matcher,
    naive_dumps,
    own_reader,
    own_timestamp,
    paths_of,
    payload_type,
    redefine,
    registrar,
    rt_w,
    sorted_sets,
    text,
    timestamps_of,
    valid_w,
    w,
    writer,
)
from ._variant import Variant

#: The mutants of this module, in order.
MUTANTS: list[Variant] = []
mutant = registrar(MUTANTS)
#: The equivalent variants: right in another way, never to be flagged.
EQUIVALENTS: list[Variant] = []
equivalent = registrar(EQUIVALENTS, equivalent=True)


# --- known payloads ---------------------------------------------------------------------------------------


def _segments(sep: str) -> Callable[[str], bool | None]:
    return lambda p: True if p and "\x00" not in p and ".." not in re.split(sep, p) else None


mutant(
    "path-slash-only",
    "finds '..' segments by splitting on '/' alone",
    "payload.path",
    valid_w(
        payload={
            "type": "guestkit.inspect.v1",
            "data": {"image": {"path": "/vms\\..\\..\\etc\\shadow", "format": "raw"}},
        }
    ),
    **redefine("payload.path", _segments("/"), paths_of),
)
mutant(
    "path-dotdot-substring",
    "refuses any path containing '..', names like 'web..01.qcow2' included",
    "payload.path",
    valid_w(
        payload={"type": "guestkit.inspect.v1", "data": {"image": {"path": "/vms/web..01.qcow2", "format": "qcow2"}}}
    ),
    **redefine("payload.path", lambda p: False if ".." in p else None, paths_of),
)
mutant(
    "path-inner-dotdot-only",
    "looks for '/../' inside the path, missing a final '/..'",
    "payload.path",
    w("validate", "job", job_with("guestkit.fix", {**FIX_DATA, "output": {"fixed_image": "/vms/fixed/.."}})),
    **redefine(
        "payload.path", lambda p: None if "/../" in p or p.startswith("../") or "\x00" in p or not p else True, paths_of
    ),
)
mutant(
    "path-image-only",
    "checks traversal in image paths only, not in backup, output and log paths",
    "payload.path",
    w("validate", "job", job_with("guestkit.fix", {**FIX_DATA, "output": {"log_path": "/var/log/../../etc/cron.d/x"}})),
    forgive=lambda i, d, k: (
        i.rule == "payload.path"
        and not i.pointer.endswith("/path")
        and isinstance(at(d, i.pointer), str)
        and at(d, i.pointer) != ""
    ),
)
mutant(
    "path-windows-absolute",
    "takes C:\\ and \\\\server paths for absolute, as Node's path.win32 does",
    "payload.path.absolute",
    w(
        "validate",
        "job",
        job_with(
            "guestkit.compare", {"baseline": dict(IMAGE), "target": {"path": "C:\\vms\\web.vhdx", "format": "vhdx"}}
        ),
    ),
    **redefine("payload.path.absolute", lambda p: True if re.match(r"[A-Za-z]:[\\/]|\\\\", p) else None, paths_of),
)


mutant(
    "checksum-prefix-case-sensitive",
    "compares the 'sha256:' prefix case-sensitively",
    "payload.image.checksum",
    valid_w(payload={"type": "guestkit.inspect.v1", "data": {"image": {**IMAGE, "checksum": "SHA256:" + HEX64}}}),
    **redefine(
        "payload.image.checksum",
        lambda c: False if re.match("(?i)sha256:", c) and not c.startswith("sha256:") else None,
        checksums_of,
    ),
)
mutant(
    "checksum-unanchored",
    "matches the checksum with re.match and no $: 65 hex digits pass",
    "payload.image.checksum",
    valid_w(payload={"type": "guestkit.inspect.v1", "data": {"image": {**IMAGE, "checksum": HEX64 + "c"}}}),
    **redefine(
        "payload.image.checksum", lambda c: True if re.match("(?i)(sha256:)?[0-9a-f]{64}", c) else None, checksums_of
    ),
)
mutant(
    "format-ignorecase",
    "lowercases an image format before looking it up",
    "payload.image.format",
    valid_w(payload={"type": "guestkit.inspect.v1", "data": {"image": {**IMAGE, "format": "QCOW2"}}}),
    forgive=forgive(
        "payload.image.format",
        lambda v, d: isinstance(v, str) and v.lower() in ("qcow2", "vmdk", "vdi", "vhdx", "raw", "img", "ova"),
    ),
)
mutant(
    "output-format-inspect-only",
    "checks output.format only in inspect payloads, where it is required",
    "payload.output.format",
    w(
        "validate",
        "job",
        job_with("guestkit.profile", {"image": dict(IMAGE), "profiles": ["security"], "output": {"format": "xml"}}),
    ),
    forgive=lambda i, d, k: i.rule == "payload.output.format" and payload_type(d) != "guestkit.inspect.v1",
)
mutant(
    "profiles-empty",
    "checks each profile but not that there is one",
    "payload.profile.profiles",
    w("validate", "job", job_with("guestkit.profile", {"image": dict(IMAGE), "profiles": []})),
    forgive=forgive("payload.profile.profiles", lambda v, d: v == []),
)
mutant(
    "read-only-null-default",
    "serde Option<bool> with a default: read_only null means true",
    "payload.inspect.image",
    valid_w(payload={"type": "guestkit.inspect.v1", "data": {"image": {**IMAGE, "read_only": None}}}),
    forgive=forgive("payload.inspect.image", lambda v, d: v is None, "/read_only"),
)


def _as_inspect_v1(kind: str, document: dict[str, Any]) -> list[Issue]:
    ptype = payload_type(document)
    if (
        kind != "job"
        or not isinstance(ptype, str)
        or not ptype.startswith("guestkit.inspect.v")
        or ptype == "guestkit.inspect.v1"
    ):
        return []
    again = {
        **document,
        "operation": "guestkit.inspect",
        "payload": {**document["payload"], "type": "guestkit.inspect.v1"},
    }
    return [e for e in _validate_value(again, "job").errors if e.rule.startswith("payload.")]


mutant(
    "payload-schema-by-prefix",
    "picks a payload schema by prefix: guestkit.inspect.v2 is checked as v1",
    "payload.inspect.image",
    w("validate", "job", job_with("guestkit.inspect", {"target": "/vms/a.qcow2"}, "guestkit.inspect.v2")),
    extra=_as_inspect_v1,
)
_IMAGE_MEMBERS = ("path", "format", "checksum", "size_bytes", "read_only", "create_backup", "backup_path")
mutant(
    "deny-unknown-in-images",
    "serde deny_unknown_fields on the image struct",
    "payload.unknown-members",
    valid_w(payload={"type": "guestkit.inspect.v1", "data": {"image": {**IMAGE, "label": "web"}}}),
    extra=flag(
        "payload.unknown-members",
        lambda k, d: (f"{p}/{m}" for p, i in images_of(k, d) for m in i if m not in _IMAGE_MEMBERS),
    ),
)


def _members_of(value: Any) -> list[tuple[str, Any]]:
    return list(value.items()) if isinstance(value, dict) else []


# --- results, progress events, workers --------------------------------------------------------------------

_STATUS = ("pending", "assigned", "running", "completed", "failed", "cancelled", "timeout")
mutant(
    "status-ignorecase",
    "reads status case-insensitively (C# Enum.Parse(ignoreCase), serde aliases)",
    "result.status",
    valid_w("result", status="Completed"),
    forgive=forgive("result.status", lambda v, d: isinstance(v, str) and v.lower() in _STATUS),
)
mutant(
    "error-phase-not-nullable",
    "types error.phase String, so null is refused",
    "result.error",
    valid_w(
        "result",
        status="failed",
        completed_at=None,
        failed_at="2026-03-01T10:05:00Z",
        error={"code": "E_DISK", "message": "no disk", "recoverable": False, "retry_recommended": False, "phase": None},
    ),
    extra=flag("result.error", at_ptr("result", "/error/phase", lambda v: v is None)),
)
mutant(
    "failed-needs-error-only",
    "checks that a failed result has an error, forgetting failed_at",
    "result.failed.consistency",
    valid_w(
        "result",
        status="failed",
        completed_at=None,
        error={"code": "E_DISK", "message": "no disk", "recoverable": False, "retry_recommended": False},
    ),
    forgive=lambda i, d, k: i.rule == "result.failed.consistency" and d.get("error") is not None,
)
mutant(
    "completed-error-key-present",
    'tests `"error" in result`, so a completed result with error null is refused',
    "result.completed.consistency",
    valid_w("result", error=None),
    extra=flag("result.completed.consistency", at_ptr("result", "/error", lambda v: v is None)),
)
mutant(
    "outputs-primary-optional",
    "gives outputs.primary a default like artifacts",
    "result.outputs",
    valid_w("result", outputs={"artifacts": ["/reports/a.json"]}),
    forgive=forgive("result.outputs", lambda v, d: v is MISSING, "/primary"),
)
mutant(
    "percent-not-nullable",
    "types progress_percent u8 rather than Option<u8>",
    "progress.progress_percent",
    valid_w("progress", progress_percent=None),
    extra=flag("progress.progress_percent", at_ptr("progress", "/progress_percent", lambda v: v is None)),
)
mutant(
    "js-typeof-details",
    'JS: `typeof details === "object"` also holds for an array',
    "progress.details",
    valid_w("progress", details=["disk0", "disk1"]),
    forgive=forgive("progress.details", lambda v, d: isinstance(v, list)),
)
mutant(
    "js-falsy-resources",
    "JS: `if (!r.cpu_cores)` reports a 0 as missing",
    "worker.resources",
    valid_w("worker", resources={**PLAIN["worker"]["resources"], "available_disk_gb": 0}),
    extra=flag(
        "worker.resources",
        lambda k, d: (
            f"/resources/{m}" for m, v in _members_of(d.get("resources")) if k == "worker" and is_int(v) and v == 0
        ),
    ),
)
mutant(
    "capacity-strictly-below",
    "checks current_jobs < max_concurrent_jobs: a full worker is flagged",
    "worker.status.within-capacity",
    valid_w("worker", status={**PLAIN["worker"]["status"], "current_jobs": 4}),
    extra=flag(
        "worker.status.within-capacity",
        lambda k, d: iter(
            ["/status/current_jobs"]
            if k == "worker"
            and is_int(at(d, "/status/current_jobs"))
            and at(d, "/status/current_jobs") == at(d, "/resources/max_concurrent_jobs")
            else []
        ),
    ),
)
mutant(
    "capability-arrays-required",
    "gives the capability arrays no default",
    "worker.capabilities",
    valid_w("worker", capabilities={"operations": ["guestkit.inspect"]}),
    extra=flag(
        "worker.capabilities",
        lambda k, d: (
            f"/capabilities/{m}"
            for m in ("operations", "features", "disk_formats")
            if k == "worker" and isinstance(d.get("capabilities"), dict) and m not in d["capabilities"]
        ),
    ),
)
mutant(
    "js-typeof-null-data",
    'JS: `typeof data === "object"` also holds for null',
    "core.payload.data",
    valid_w(payload={"type": "system.health-check.v1", "data": None}, operation="system.health-check"),
    forgive=forgive("core.payload.data", lambda v, d: v is None),
)

# --- capability matching ----------------------------------------------------------------------------------


mutant(
    "match-equal-fold",
    "compares capabilities with strings.EqualFold",
    "capabilities.match",
    match_w(["GuestKit.Inspect"], ["guestkit.inspect"]),
    matcher=matcher(lambda r, a: r.lower() == a.lower()),
)
mutant(
    "match-trimmed",
    "trims whitespace around capability names before comparing",
    "capabilities.match",
    match_w(["guestkit.inspect "], ["guestkit.inspect"]),
    matcher=matcher(lambda r, a: r.strip() == a.strip()),
)
mutant(
    "match-substring",
    "tests `required in available_string`: 'inspect' is found in 'guestkit.inspect'",
    "capabilities.match",
    match_w(["inspect"], ["guestkit.inspect"]),
    matcher=matcher(lambda r, a: r in a),
)
mutant(
    "match-skip-empty",
    "JS: skips falsy requirements, so an empty name always matches",
    "capabilities.match",
    match_w([""], ["guestkit.inspect"]),
    matcher=lambda req, av: reference_match([r for r in req if r], av),
)

# --- the round trip ---------------------------------------------------------------------------------------


mutant(
    "rt-omit-nulls",
    "writes back without null members (Jackson NON_NULL, skip_serializing_if is_none)",
    "roundtrip.preserve",
    rt_w(metadata={"name": "web", "namespace": None}),
    writer=writer(lambda v: {k: x for k, x in v.items() if x is not None} if isinstance(v, dict) else v),
)
mutant(
    "rt-go-omitempty",
    'Go\'s omitempty on scalar fields: false, 0 and "" are not written back',
    "roundtrip.preserve",
    rt_w(execution={"cancellable": False}),
    writer=writer(
        lambda v: (
            {k: x for k, x in v.items() if not (x is False or x == "" or (is_int(x) and x == 0))}
            if isinstance(v, dict)
            else v
        )
    ),
)
mutant(
    "rt-js-doubles",
    "JS: integers beyond 2**53 come back rounded to the nearest double",
    "roundtrip.preserve",
    rt_w(payload={"type": "guestkit.inspect.v1", "data": {**PLAIN["job"]["payload"]["data"], "serial": 2**53 + 1}}),
    writer=writer(lambda v: int(float(v)) if is_int(v) and abs(v) > 2**53 else v),
)
mutant(
    "rt-nfc",
    "normalises strings to NFC on the way back (Swift String, some ORMs)",
    "roundtrip.preserve",
    rt_w(metadata={"name": "cafe\u0301"}),
    writer=writer(lambda v: unicodedata.normalize("NFC", v) if isinstance(v, str) else v),
)
mutant(
    "rt-naive-escapes",
    "a hand-written writer that escapes only quotes and backslashes: a newline goes out raw",
    "roundtrip.preserve",
    rt_w(metadata={"annotations": {"note": "line one\nline two"}}),
    writer=lambda k, v: naive_dumps(v),
)
mutant(
    "rt-js-infinity-null",
    "JS: 1e400 reads as Infinity, and JSON.stringify writes Infinity as null",
    "roundtrip.preserve",
    w(
        "roundtrip",
        "job",
        text(
            payload={"type": "system.health-check.v1", "data": {"limit": "INF"}}, operation="system.health-check"
        ).replace('"INF"', "1e400"),
    ),
    writer=writer(lambda v: None if isinstance(v, float) and v in (float("inf"), float("-inf")) else v),
)
mutant(
    "rt-inject-read-only",
    'a typed inspect image with `#[serde(default = "yes")]`: read_only: true comes back',
    "roundtrip.no-defaults",
    rt_w(),
    writer=inject_read_only,
)
mutant(
    "rt-drop-unknown-in-sections",
    "keeps unknown top-level members in a catch-all but drops those inside sections",
    "roundtrip.preserve",
    rt_w(execution={"priority": 3, "queue": "fast"}),
    writer=drop_unknown_in_sections,
)
mutant(
    "rt-capability-sets",
    "holds required capabilities in a BTreeSet: they come back sorted, duplicates gone",
    "roundtrip.preserve",
    rt_w(constraints={"required_capabilities": ["guestkit.inspect", "disk.qcow2"]}),
    writer=sorted_sets,
)
mutant(
    "rt-php-empty-object",
    "PHP's json_decode(..., true): an empty object comes back as []",
    "roundtrip.preserve",
    rt_w(metadata={"labels": {}}),
    writer=writer(lambda v: [] if v == {} and isinstance(v, dict) else v),
)

# --- equivalents ------------------------------------------------------------------------------------------


equivalent(
    "own-reader",
    "reads with its own strict json hooks and walks, asking the reference only why a text is refused",
    reader=own_reader,
)
equivalent(
    "own-timestamps",
    "decides timestamp.valid and timestamp.strict with its own code (datetime.date for the calendar)",
    **combine(
        redefine("timestamp.valid", own_timestamp(False), timestamps_of),
        redefine("timestamp.strict", lambda t: own_timestamp(False)(t) and own_timestamp(True)(t), timestamps_of),
    ),
)
equivalent(
    "own-paths",
    "decides payload.path and payload.path.absolute with its own code",
    **combine(
        redefine("payload.path", lambda p: bool(p) and "\x00" not in p and ".." not in re.split(r"[/\\]", p), paths_of),
        redefine("payload.path.absolute", lambda p: not p or "\x00" in p or is_absolute(p), paths_of),
    ),
)
equivalent(
    "first-error-only",
    "stops at the first error, as a fail-fast validator does (the verdict is what counts)",
    phrase=first_error_only,
)
equivalent(
    "roundtrip-crlf-tabs",
    "writes a document back indented with tabs and CRLF line ends (JSON whitespace)",
    writer=lambda kind, value: dumps(value, indent="\t", ensure_ascii=False).replace("\n", "\r\n"),
)
equivalent(
    "roundtrip-escape-everything",
    "writes every character of every string back as a \\u escape",
    writer=escape_everything,
)
equivalent(
    "set-matcher",
    "matches capabilities with sets, each missing one listed once, sorted",
    matcher=lambda req, av: (not (m := sorted(set(req) - set(av))), m),
)
