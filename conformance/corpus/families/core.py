"""The job envelope (class core): each member's type, null and bounds; ids, names, versions, attempts, deadlines
and limits at and past each boundary; the payload type against the operation; unknown members."""

from __future__ import annotations

import json

from ..builder import Corpus, put, raw, slug
from .documents import JOB, PAYLOADS, TS, U32, U64
from .members import Field


def fields() -> list[Field]:
    s, n, b, o, a, i = "string", "null", "boolean", "object", "array", "integer"
    ex = put(JOB, "/execution/max_attempts", U32)
    return [
        Field("job", "/version", "core.version", (s,), "1.0", required=True),
        Field("job", "/job_id", "core.job_id", (s,), "job-2026-0001", required=True),
        Field("job", "/created_at", "core.created_at", (s,), TS, required=True),
        Field("job", "/kind", "core.kind", (s,), "VMOperation", required=True),
        Field("job", "/operation", "core.operation", (s,), "system.health-check", required=True),
        Field("job", "/payload", "core.payload", (o,), JOB["payload"], required=True),
        Field("job", "/payload/data", "core.payload.data", (o,), {"probe": "disk"}, required=True),
        Field("job", "/payload/type", "core.payload.type", (s,), "system.health-check.v1", required=True),
        Field("job", "/$schema", "core.$schema", (s, n), "https://guestkit.dev/schemas/job-v1.json"),
        Field("job", "/metadata", "core.metadata", (o, n), {"name": "nightly-inspect"}),
        Field("job", "/metadata/name", "core.metadata.name", (s, n), "nightly-inspect"),
        Field("job", "/metadata/namespace", "core.metadata.namespace", (s, n), "prod"),
        Field("job", "/metadata/labels", "core.metadata.labels", (o, n), {"team": "infra"}, items="map"),
        Field("job", "/metadata/annotations", "core.metadata.annotations", (o, n), {"ticket": "OPS-42"}, items="map"),
        Field("job", "/execution", "core.execution", (o, n), {"priority": 5}),
        Field("job", "/execution/attempt", "core.execution.attempt", (i,), 1, base=ex, bounds=(1, U32, "u32")),
        Field("job", "/execution/max_attempts", "core.execution.max_attempts", (i,), 3, bounds=(1, U32, "u32")),
        Field(
            "job",
            "/execution/timeout_seconds",
            "core.execution.timeout_seconds",
            (i,),
            3600,
            bounds=(1, U64, "u64"),
            warn_above=86400,
        ),
        Field("job", "/execution/priority", "core.execution.priority", (i,), 5, bounds=(1, 10, "u8")),
        Field("job", "/execution/cancellable", "core.execution.cancellable", (b,), False),
        Field("job", "/execution/idempotency_key", "core.execution.idempotency_key", (s, n), "nightly-2026-01-15"),
        Field("job", "/execution/deadline", "core.execution.deadline", (s, n), "2026-01-15T12:30:00Z"),
        Field("job", "/constraints", "core.constraints", (o, n), {"require_privileged": False}),
        Field(
            "job",
            "/constraints/required_capabilities",
            "core.constraints.required_capabilities",
            (a, n),
            ["guestkit.inspect"],
            items="string",
        ),
        Field(
            "job",
            "/constraints/required_features",
            "core.constraints.required_features",
            (a, n),
            ["lvm"],
            items="string",
        ),
        Field(
            "job",
            "/constraints/allowed_worker_pools",
            "core.constraints.allowed_worker_pools",
            (a, n),
            ["default"],
            items="string",
        ),
        Field("job", "/constraints/minimum_worker_version", "core.constraints.minimum_worker_version", (s, n), "0.4.0"),
        Field(
            "job",
            "/constraints/maximum_disk_size_gb",
            "core.constraints.maximum_disk_size_gb",
            (i, n),
            500,
            bounds=(0, U64, "u64"),
            warn_above=100000,
        ),
        Field("job", "/constraints/require_privileged", "core.constraints.require_privileged", (b, n), True),
        Field("job", "/routing", "core.routing", (o, n), {"worker_pool": "default"}),
        Field("job", "/routing/worker_id", "core.routing.worker_id", (s, n), "worker-01"),
        Field("job", "/routing/worker_pool", "core.routing.worker_pool", (s, n), "default"),
        Field("job", "/routing/affinity", "core.routing.affinity", (o, n), {"zone": "eu-west-1a"}, items="map"),
        Field("job", "/routing/anti_affinity", "core.routing.anti_affinity", (o, n), {"host": ["kvm-host-02"]}),
        Field("job", "/observability", "core.observability", (o, n), {"trace_id": "4bf92f3577b34da6"}),
        Field("job", "/audit", "core.audit", (o, n), {"submitted_by": "alice"}),
        Field("job", "/audit/submitted_by", "core.audit.submitted_by", (s, n), "alice@example.com"),
        Field("job", "/audit/submitted_from", "core.audit.submitted_from", (s, n), "10.0.0.7"),
        Field(
            "job", "/audit/authorization", "core.audit.authorization", (o, n), {"method": "oidc", "subject": "alice"}
        ),
    ]


def cases(c: Corpus) -> None:
    j = JOB
    for name, value, what in (
        ("ascii-8", "abcdefgh", "8 ASCII code points"),
        ("e-acute-8", "éééééééé", "8 code points (16 UTF-8 bytes)"),
        ("emoji-8", "😀😀😀😀😀😀😀😀", "8 emoji (32 UTF-8 bytes)"),
        ("combining-8", "e\u0301e\u0301e\u0301e\u0301", "8 code points making 4 combined characters"),
        ("ulid", "job-01J0Z6R4ZKX5Q6Y7C8D9E0F1G2", "job- and a ULID"),
        ("long-1000", "j" * 1000, "1000 code points"),
    ):
        c.doc("job", "core.job_id", name, f"job `job_id` of {what} is valid", valid=True, doc=put(j, "/job_id", value))
    for name, value, what in (
        ("ascii-7", "abcdefg", "7 ASCII code points"),
        ("e-acute-4", "éééé", "4 code points (8 UTF-8 bytes; the crate counts bytes)"),
        ("e-acute-7", "ééééééé", "7 code points (14 UTF-8 bytes)"),
        ("emoji-2", "😀😀", "2 emoji (8 UTF-8 bytes)"),
        ("empty", "", "0 code points"),
    ):
        c.doc(
            "job",
            "core.job_id",
            name,
            f"job `job_id` of {what} is invalid",
            valid=False,
            doc=put(j, "/job_id", value),
            pointer="/job_id",
        )
    for name, value, what in (
        ("punctuation", "job_2026-01.15:a+b@c", "punctuation other than separators"),
        ("space", "job 2026 0001", "spaces"),
        ("unicode", "jöb-0001-é", "non-ASCII letters"),
    ):
        c.doc(
            "job",
            "core.job_id.charset",
            name,
            f"job `job_id` with {what} is valid",
            valid=True,
            doc=put(j, "/job_id", value),
        )
    for name, value, what in (
        ("slash", "jobs/../0001", "a slash"),
        ("backslash", "job\\..\\0001", "a backslash"),
        ("nul", "job-0001\u0000x", "NUL"),
        ("newline", "job-0001\nx", "a newline"),
        ("tab", "job-\t0001", "a tab"),
        ("del", "job-0001\u007f", "DEL (U+007F)"),
        ("c1", "job-0001\u0085", "a C1 control (U+0085)"),
        ("escape", "job-0001\u001b[0m", "ESC (U+001B)"),
    ):
        c.doc(
            "job",
            "core.job_id.charset",
            name,
            f"job `job_id` with {what} is invalid",
            valid=False,
            doc=put(j, "/job_id", value),
            pointer="/job_id",
        )
    for rule, at, _good, bads in (
        (
            "core.version",
            "/version",
            "1.0",
            (("1-1", "1.1"), ("1", "1"), ("1-0-0", "1.0.0"), ("v1-0", "v1.0"), ("space", "1.0 "), ("empty", "")),
        ),
        (
            "core.kind",
            "/kind",
            "VMOperation",
            (
                ("lower", "vmoperation"),
                ("upper", "VMOPERATION"),
                ("job", "Job"),
                ("space", "VMOperation "),
                ("empty", ""),
            ),
        ),
    ):
        for name, bad in bads:
            c.doc(
                "job",
                rule,
                f"value-{name}",
                f"job `{at[1:]}` = {json.dumps(bad)} is invalid",
                valid=False,
                doc=put(j, at, bad),
                pointer=at,
            )
    c.doc(
        "job",
        "core.version",
        "number",
        "job `version` as the number 1.0 is invalid",
        valid=False,
        text=raw(j, "/version", "1.0"),
        pointer="/version",
    )
    for name, op in (
        ("two", "a.b"),
        ("three", "hyper2kvm.convert.disk"),
        ("digits", "v2.check"),
        ("builtin-probe", "system.capability-probe"),
        ("builtin-validate", "hyper2kvm.validate"),
    ):
        c.doc(
            "job",
            "core.operation",
            name,
            f"job `operation` = {json.dumps(op)} is valid",
            valid=True,
            doc=put(put(j, "/operation", op), "/payload/type", op + ".v1"),
        )
    for name, op in (
        ("dot", "."),
        ("trailing-dot", "a."),
        ("leading-dot", ".a"),
        ("double-dot", "a..b"),
        ("no-dot", "guestkit"),
        ("empty", ""),
        ("dots", "..."),
    ):
        c.doc(
            "job",
            "core.operation",
            name,
            f"job `operation` = {json.dumps(op)} is invalid",
            valid=False,
            doc=put(j, "/operation", op),
            pointer="/operation",
        )
    for name, op in (("dash-underscore", "guest-kit.deep_scan"), ("digits", "g2.v3")):
        c.doc(
            "job",
            "core.operation.charset",
            name,
            f"job `operation` = {json.dumps(op)} keeps the charset",
            valid=True,
            doc=put(put(j, "/operation", op), "/payload/type", op + ".v1"),
        )
    for name, op in (
        ("uppercase", "Guestkit.inspect"),
        ("space", "guest kit.inspect"),
        ("bang", "guestkit.run!"),
        ("non-ascii", "güestkit.inspect"),
        ("slash", "guestkit/x.inspect"),
    ):
        c.doc(
            "job",
            "core.operation.charset",
            name,
            f"job `operation` = {json.dumps(op)} breaks the charset",
            valid=False,
            doc=put(put(j, "/operation", op), "/payload/type", op + ".v1"),
            pointer="/operation",
        )
    for name, op, ptype in (("v10", "a.b", "a.b.v10"), ("v0", "a.b", "a.b.v0"), ("four", "a.b.c", "a.b.c.v2")):
        c.doc(
            "job",
            "core.payload.type",
            name,
            f"job `payload.type` = {json.dumps(ptype)} is valid",
            valid=True,
            doc=put(put(j, "/operation", op), "/payload/type", ptype),
        )
    for name, ptype in (
        ("vx", "system.health-check.vX"),
        ("empty-segment", "system..v1"),
        ("v-alone", "system.health-check.v"),
        ("uppercase-v", "system.health-check.V1"),
        ("no-version", "system.health-check"),
        ("version-only", "v1"),
        ("bare-digits", "system.health-check.1"),
        ("two-segments", "health-check.v1"),
        ("trailing-dot", "system.health-check.v1."),
        ("empty", ""),
    ):
        c.doc(
            "job",
            "core.payload.type",
            name,
            f"job `payload.type` = {json.dumps(ptype)} is invalid",
            valid=False,
            doc=put(j, "/payload/type", ptype),
            pointer="/payload/type",
        )
    for name, op, ptype in (("inspect", "guestkit.inspect", "guestkit.inspect.v1"), ("v2", "a.b", "a.b.v2")):
        c.doc(
            "job",
            "core.payload.type.matches-operation",
            name,
            f"job `operation` {op} with `payload.type` {ptype} match",
            valid=True,
            doc=put(put(j, "/operation", op), "/payload", {"type": ptype, "data": PAYLOADS["inspect"]}),
        )
    for name, op, ptype in (
        ("other-operation", "system.health-check", "system.capability-probe.v1"),
        ("longer", "system.health-check", "system.health-check.extra.v1"),
        ("shorter", "a.b.c", "a.b.v1"),
        ("case", "system.health-check", "System.health-check.v1"),
        ("inspect-fix", "guestkit.inspect", "guestkit.fix.v1"),
    ):
        doc = put(put(j, "/operation", op), "/payload/type", ptype)
        if ptype == "guestkit.fix.v1":
            doc = put(doc, "/payload/data", PAYLOADS["fix"])
        c.doc(
            "job",
            "core.payload.type.matches-operation",
            name,
            f"job `operation` {op} with `payload.type` {ptype} do not match",
            valid=False,
            doc=doc,
            pointer="/payload/type",
        )
    # attempt within max_attempts, after defaults
    for name, ex, ok, what in (
        ("equal", {"attempt": 3, "max_attempts": 3}, True, "attempt 3 of max_attempts 3"),
        ("default-both", {}, True, "neither attempt nor max_attempts (both default to 1)"),
        ("attempt-1-alone", {"attempt": 1}, True, "attempt 1 alone (max_attempts defaults to 1)"),
        ("max-alone", {"max_attempts": 5}, True, "max_attempts 5 alone (attempt defaults to 1)"),
        ("attempt-3-alone", {"attempt": 3}, False, "attempt 3 alone (max_attempts defaults to 1)"),
        ("attempt-2-alone", {"attempt": 2}, False, "attempt 2 alone (max_attempts defaults to 1)"),
        ("over", {"attempt": 4, "max_attempts": 3}, False, "attempt 4 of max_attempts 3"),
        ("u32-max", {"attempt": U32, "max_attempts": U32 - 1}, False, "attempt u32 max of max_attempts u32 max - 1"),
    ):
        if ok:
            c.doc(
                "job",
                "core.execution.attempt-within-max",
                name,
                f"job execution with {what} is valid",
                valid=True,
                doc=put(j, "/execution", ex),
            )
        else:
            c.doc(
                "job",
                "core.execution.attempt-within-max",
                name,
                f"job execution with {what} is invalid",
                valid=False,
                doc=put(j, "/execution", ex),
                pointer="/execution/attempt",
            )
    # warnings
    t = "/execution/timeout_seconds"
    c.doc(
        "job",
        "core.execution.timeout_seconds.long",
        "day",
        "job `execution.timeout_seconds` = 86400 gives no warning",
        valid=True,
        doc=put(j, t, 86400),
    )
    c.doc(
        "job",
        "core.execution.timeout_seconds.long",
        "day-plus-1",
        "job `execution.timeout_seconds` = 86401 is valid with a warning",
        valid=True,
        doc=put(j, t, 86401),
        warnings=[t],
    )
    c.doc(
        "job",
        "core.execution.timeout_seconds.long",
        "week",
        "job `execution.timeout_seconds` = 604800 (a week) is valid with a warning",
        valid=True,
        doc=put(j, t, 604800),
        warnings=[t],
    )
    d = "/execution/deadline"
    LEAP = "2026-12-31T23:59:60Z"
    for name, deadline, created, warn, what in (
        ("one-second-after", "2026-01-15T10:30:01Z", TS, False, "one second after created_at"),
        ("fraction-after", "2026-01-15T10:30:00.001Z", TS, False, "a millisecond after created_at"),
        ("equal", TS, TS, True, "equal to created_at"),
        ("before", "2026-01-15T10:29:59Z", TS, True, "one second before created_at"),
        ("offset-before", "2026-01-15T12:00:00+02:00", TS, True, "12:00+02:00 (10:00Z), before created_at 10:30Z"),
        ("offset-after", "2026-01-15T10:00:00-01:00", TS, False, "10:00-01:00 (11:00Z), after created_at 10:30Z"),
        ("equal-other-offset", "2026-01-15T11:30:00+01:00", TS, True, "the same instant as created_at, another offset"),
        ("year-before", "2025-01-15T10:30:00Z", TS, True, "a year before created_at"),
        # a leap second is the second after 23:59:59 and before the next day's 00:00:00
        ("after-leap-second", "2027-01-01T00:00:00Z", LEAP, False, "one second after a leap-second created_at"),
        ("leap-second-after", LEAP, "2026-12-31T23:59:59.5Z", False, "a leap second, after created_at 23:59:59.5"),
        ("leap-second-before", LEAP, "2027-01-01T00:00:00Z", True, "a leap second, before created_at 00:00:00"),
    ):
        c.doc(
            "job",
            "core.execution.deadline.after-created",
            name,
            f"job `execution.deadline` {what} is valid{' with a warning' if warn else ', no warning'}",
            valid=True,
            doc=put(put(j, d, deadline), "/created_at", created),
            warnings=[d] if warn else [],
        )
    mv = "/constraints/minimum_worker_version"
    for name, v in (
        ("release", "0.4.0"),
        ("prerelease", "1.2.3-alpha.1"),
        ("build", "1.2.3+build.5"),
        ("both", "1.0.0-rc.1+sha.5114f85"),
        ("big", "10.20.30"),
    ):
        c.doc(
            "job",
            "core.constraints.minimum_worker_version.semver",
            name,
            f"job `constraints.minimum_worker_version` = {json.dumps(v)} is a semantic version",
            valid=True,
            doc=put(j, mv, v),
        )
    for name, v in (
        ("two-parts", "0.4"),
        ("v-prefix", "v0.4.0"),
        ("leading-zero", "01.2.3"),
        ("empty-prerelease", "1.2.3-"),
        ("four-parts", "1.2.3.4"),
        ("word", "latest"),
        ("space", " 1.2.3"),
    ):
        c.doc(
            "job",
            "core.constraints.minimum_worker_version.semver",
            name,
            f"job `constraints.minimum_worker_version` = {json.dumps(v)} is no semantic version",
            valid=False,
            doc=put(j, mv, v),
            pointer=mv,
        )
    c.doc(
        "job",
        "core.constraints.minimum_worker_version",
        "empty",
        'job `constraints.minimum_worker_version` = "" is invalid: it is non-empty',
        valid=False,
        doc=put(j, mv, ""),
        pointer=mv,
    )
    g = "/constraints/maximum_disk_size_gb"
    c.doc(
        "job",
        "core.constraints.maximum_disk_size_gb.large",
        "limit",
        "job `constraints.maximum_disk_size_gb` = 100000 gives no warning",
        valid=True,
        doc=put(j, g, 100000),
    )
    c.doc(
        "job",
        "core.constraints.maximum_disk_size_gb.large",
        "limit-plus-1",
        "job `constraints.maximum_disk_size_gb` = 100001 is valid with a warning",
        valid=True,
        doc=put(j, g, 100001),
        warnings=[g],
    )
    aa = "/routing/anti_affinity"
    c.doc(
        "job",
        "core.routing.anti_affinity",
        "empty-lists",
        "job `routing.anti_affinity` with an empty list is valid",
        valid=True,
        doc=put(j, aa, {"host": []}),
    )
    c.doc(
        "job",
        "core.routing.anti_affinity",
        "string-value",
        "job `routing.anti_affinity` with a string value is invalid",
        valid=False,
        doc=put(j, aa, {"host": "kvm-host-02"}),
        pointer=aa + "/host",
    )
    c.doc(
        "job",
        "core.routing.anti_affinity",
        "number-item",
        "job `routing.anti_affinity` with a number in a list is invalid",
        valid=False,
        doc=put(j, aa, {"host": ["a", 2]}),
        pointer=aa + "/host/1",
    )
    c.doc(
        "job",
        "core.routing.anti_affinity",
        "null-value",
        "job `routing.anti_affinity` with a null value is invalid",
        valid=False,
        doc=put(j, aa, {"host": None}),
        pointer=aa + "/host",
    )
    au = "/audit/authorization"
    for name in ("method", "subject"):
        other = {"method": "oidc", "subject": "alice"}
        c.doc(
            "job",
            "core.audit.authorization",
            f"no-{name}",
            f"job `audit.authorization` without `{name}` is invalid",
            valid=False,
            doc=put(j, au, {k: v for k, v in other.items() if k != name}),
            pointer=f"{au}/{name}",
        )
        c.doc(
            "job",
            "core.audit.authorization",
            f"{name}-number",
            f"job `audit.authorization.{name}` as a number is invalid",
            valid=False,
            doc=put(j, au, {**other, name: 7}),
            pointer=f"{au}/{name}",
        )
        c.doc(
            "job",
            "core.audit.authorization",
            f"{name}-null",
            f"job `audit.authorization.{name}` null is invalid",
            valid=False,
            doc=put(j, au, {**other, name: None}),
            pointer=f"{au}/{name}",
        )
    c.doc(
        "job",
        "core.audit.authorization",
        "empty-strings",
        "job `audit.authorization` with empty strings is valid",
        valid=True,
        doc=put(j, au, {"method": "", "subject": ""}),
    )
    # unknown members at every level
    for where, what in (
        ("", "the top level"),
        ("/metadata", "metadata"),
        ("/execution", "execution"),
        ("/constraints", "constraints"),
        ("/routing", "routing"),
        ("/observability", "observability"),
        ("/audit", "audit"),
        ("/audit/authorization", "audit.authorization"),
        ("/payload", "payload"),
        ("/payload/data", "payload.data of an unknown payload type"),
    ):
        doc = put(j, "/audit/authorization", {"method": "oidc", "subject": "alice"}) if "authorization" in where else j
        c.doc(
            "job",
            "core.unknown-members",
            slug(where or "top") + ".string",
            f"job with an unknown string member in {what} is valid",
            valid=True,
            doc=put(doc, f"{where}/x-vendor", "acme"),
        )
        c.doc(
            "job",
            "core.unknown-members",
            slug(where or "top") + ".object",
            f"job with an unknown object member in {what} is valid",
            valid=True,
            doc=put(doc, f"{where}/x-vendor-extra", {"nested": [1, {"deep": None}]}),
        )
    for name, key, what in (
        ("case-variant", "Job_ID", "Job_ID (a case variant of job_id)"),
        ("null-valued", "x-null", "x-null whose value is null"),
        ("empty-name", "", "the empty name"),
        ("unicode-name", "ключ", "a non-ASCII name"),
    ):
        c.doc(
            "job",
            "core.unknown-members",
            name,
            f"job with an unknown member {what} is valid",
            valid=True,
            doc=put(j, f"/{key}", None if key == "x-null" else "value"),
        )
    c.doc(
        "job",
        "core.payload.data",
        "unknown-type-any-data",
        "job with an unknown payload type is checked at the envelope alone",
        valid=True,
        doc=put(
            put(j, "/operation", "guestkit.inspect"), "/payload", {"type": "guestkit.inspect.v2", "data": {"image": 42}}
        ),
    )
