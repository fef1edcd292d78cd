"""The generated case families, by rule family: each states its expectations by hand.

Every invalid case starts from one of the valid base documents below and breaks exactly one rule; the
fault pointer and the rule are written here, not asked of the reference, so the self-check has teeth.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from reference import OPERATIONS

from .builder import Corpus, drop, dumps, put, raw, slug

TS = "2026-01-15T10:30:00Z"
U8, U32, U64 = 255, 4294967295, 18446744073709551615
WIDTH = {"u8": U8, "u32": U32, "u64": U64}

JOB: dict[str, Any] = {
    "version": "1.0",
    "job_id": "job-0001",
    "created_at": TS,
    "kind": "VMOperation",
    "operation": "system.health-check",
    "payload": {"type": "system.health-check.v1", "data": {}},
}
RESULT: dict[str, Any] = {
    "job_id": "job-0001",
    "status": "running",
    "worker_id": "worker-01",
    "execution_summary": {"started_at": TS, "duration_seconds": 0, "attempt": 1},
}
PROGRESS: dict[str, Any] = {
    "job_id": "job-0001",
    "timestamp": TS,
    "sequence": 7,
    "phase": "inspect",
    "message": "Mounting guest filesystems",
}
WORKER: dict[str, Any] = {
    "worker_id": "worker-01",
    "version": "0.4.0",
    "hostname": "kvm-host-01",
    "registered_at": TS,
    "capabilities": {"operations": ["guestkit.inspect"], "features": [], "disk_formats": ["qcow2"]},
    "resources": {
        "max_concurrent_jobs": 4,
        "max_disk_size_gb": 500,
        "available_disk_gb": 200,
        "cpu_cores": 8,
        "memory_gb": 32,
    },
    "configuration": {"privileged": False},
    "status": {"state": "ready", "current_jobs": 0, "last_heartbeat": TS},
}
BASE = {"job": JOB, "result": RESULT, "progress": PROGRESS, "worker": WORKER}

IMAGE = {"path": "/var/lib/guestkit/images/web-01.qcow2", "format": "qcow2"}
PAYLOADS: dict[str, dict[str, Any]] = {
    "inspect": {"image": IMAGE},
    "profile": {"image": IMAGE, "profiles": ["security"]},
    "fix": {"image": IMAGE, "operations": [{"type": "fstab"}]},
    "convert": {"source": IMAGE, "target": {"path": "/var/lib/guestkit/out/web-01.raw", "format": "raw"}},
    "compare": {"baseline": IMAGE, "target": {"path": "/var/lib/guestkit/images/web-02.qcow2", "format": "qcow2"}},
}


def job_with(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """A minimal job carrying the known payload ``guestkit.<name>.v1`` with ``data``."""
    return {
        **JOB,
        "operation": f"guestkit.{name}",
        "payload": {"type": f"guestkit.{name}.v1", "data": data},
    }


# --- type confusions, null-vs-absent, integer bounds -----------------------------------------------------

CONFUSIONS: tuple[tuple[str, str, Any], ...] = (
    ("string", "a string", "yes"),
    ("integer", "a number", 42),
    ("boolean", "a boolean", True),
    ("array", "an array", ["x"]),
    ("object", "an object", {"x": "y"}),
    ("null", "null", None),
)


@dataclass(frozen=True)
class Field:
    """A member and its expected type: the generic families (confusions, null vs absent, bounds) read it."""

    kind: str
    ptr: str
    rule: str
    types: tuple[str, ...]
    sample: Any
    required: bool = False
    base: Any = None
    #: integers: (minimum, maximum, width)
    bounds: tuple[int, int, str] | None = None
    #: warnings a valid value gives: value -> pointers
    warn_above: int | None = None
    items: str | None = None  # "string": an array of strings, "map": an object of strings
    #: False when another family states the case of this member's absence (under another rule).
    absent: bool = True

    @property
    def doc(self) -> Any:
        return self.base if self.base is not None else BASE[self.kind]

    @property
    def dotted(self) -> str:
        tail = self.ptr.split("/")[1:]
        if tail[:2] == ["payload", "data"]:
            tail = tail[2:]
        return ".".join(tail)

    def name(self, what: str) -> str:
        if self.ptr.startswith("/payload/data/"):
            short = self.doc["payload"]["type"].split(".")[1]
            return f"{short}.{slug(self.dotted.replace('.', '-'))}.{what}"
        last = self.ptr.rsplit("/", 1)[1]
        return what if self.rule.endswith(last) else f"{slug(last)}.{what}"

    def qname(self, what: str) -> str:
        """A name qualified by the member's whole path, for cases filed under a rule shared by many members."""
        short = self.doc["payload"]["type"].split(".")[1] + "." if self.ptr.startswith("/payload/data/") else ""
        return f"{short}{slug(self.dotted.replace('.', '-'))}.{what}"

    def label(self) -> str:
        prefix = ""
        if self.base is not None and self.kind == "job" and self.doc["payload"]["type"] != JOB["payload"]["type"]:
            prefix = self.doc["payload"]["type"] + " "
        return f"{self.kind} {prefix}`{self.dotted}`"

    def warns(self, value: Any) -> list[str]:
        if self.warn_above is not None and type(value) is int and value > self.warn_above:
            return [self.ptr]
        return []


def field_cases(c: Corpus, f: Field) -> None:
    doc = f.doc
    c.doc(
        f.kind,
        f.rule,
        f.name("valid"),
        f"{f.label()} holding {json.dumps(f.sample)} is valid",
        valid=True,
        doc=put(doc, f.ptr, f.sample),
        warnings=f.warns(f.sample),
    )
    if not f.absent:
        pass
    elif f.required:
        c.doc(
            f.kind,
            f.rule,
            f.name("absent"),
            f"{f.label()} absent is invalid: it is required",
            valid=False,
            doc=drop(put(doc, f.ptr, f.sample), f.ptr),
            pointer=f.ptr,
        )
    else:
        c.doc(
            f.kind,
            f.rule,
            f.name("absent"),
            f"{f.label()} absent is valid: it is optional",
            valid=True,
            doc=drop(put(doc, f.ptr, f.sample), f.ptr),
        )
    for json_type, what, value in CONFUSIONS:
        if json_type in f.types:
            if json_type == "null":
                c.doc(
                    f.kind,
                    f.rule,
                    f.name("null"),
                    f"{f.label()} null is valid, the same as absent",
                    valid=True,
                    doc=put(doc, f.ptr, None),
                )
            continue
        if json_type == "null":
            desc = f"{f.label()} null is invalid: null is not allowed there"
        else:
            desc = f"{f.label()} as {what} is invalid"
        c.doc(f.kind, f.rule, f.name(f"as-{slug(what)}"), desc, valid=False, doc=put(doc, f.ptr, value), pointer=f.ptr)
    if f.items == "string":
        c.doc(
            f.kind,
            f.rule,
            f.name("item-number"),
            f"{f.label()} with a number item is invalid",
            valid=False,
            doc=put(doc, f.ptr, ["a", 7]),
            pointer=f.ptr + "/1",
        )
        c.doc(
            f.kind,
            f.rule,
            f.name("item-null"),
            f"{f.label()} with a null item is invalid",
            valid=False,
            doc=put(doc, f.ptr, [None]),
            pointer=f.ptr + "/0",
        )
        c.doc(
            f.kind,
            f.rule,
            f.name("empty-array"),
            f"{f.label()} as an empty array is valid",
            valid=True,
            doc=put(doc, f.ptr, []),
        )
    if f.items == "map":
        c.doc(
            f.kind,
            f.rule,
            f.name("value-number"),
            f"{f.label()} with a number value is invalid",
            valid=False,
            doc=put(doc, f.ptr, {"tier": 1}),
            pointer=f.ptr + "/tier",
        )
        c.doc(
            f.kind,
            f.rule,
            f.name("value-null"),
            f"{f.label()} with a null value is invalid",
            valid=False,
            doc=put(doc, f.ptr, {"tier": None}),
            pointer=f.ptr + "/tier",
        )
        c.doc(
            f.kind,
            f.rule,
            f.name("empty-object"),
            f"{f.label()} as an empty object is valid",
            valid=True,
            doc=put(doc, f.ptr, {}),
        )
    if f.bounds is not None:
        integer_cases(c, f)


def integer_cases(c: Corpus, f: Field) -> None:
    assert f.bounds is not None
    lo, hi, width = f.bounds
    top = WIDTH[width]
    doc = f.doc
    seen: set[int] = set()

    def case(value: int, why: str) -> None:
        if value in seen:
            return
        seen.add(value)
        what = "u64 max" if value == U64 else "u32 max" if value == U32 else "u8 max" if value == U8 else str(value)
        name = f.name(f"n{value}".replace("-", "minus"))
        if value < 0 or value > top:
            wname = f.qname(f"n{value}".replace("-", "minus"))
            c.doc(
                f.kind,
                "parse.integer.width",
                wname,
                f"{f.label()} = {value} is invalid: {why}",
                valid=False,
                doc=put(doc, f.ptr, value),
                pointer=f.ptr,
            )
        elif value < lo or value > hi:
            c.doc(
                f.kind,
                f.rule,
                name,
                f"{f.label()} = {value} is invalid: {why}",
                valid=False,
                doc=put(doc, f.ptr, value),
                pointer=f.ptr,
            )
        else:
            c.doc(
                f.kind,
                f.rule,
                name,
                f"{f.label()} = {what} is valid: {why}",
                valid=True,
                doc=put(doc, f.ptr, value),
                warnings=f.warns(value),
            )

    case(lo, "its minimum")
    case(lo - 1, "one below its minimum" if lo > 0 else f"below the range of {width}")
    case(hi, "its maximum")
    case(hi + 1, "one above its maximum" if hi < top else f"one above {width} max")
    case(top, f"{width} max" if top <= hi else f"{width} max, above its maximum of {hi}")
    case(top + 1, f"one above {width} max")
    case(-1, f"below the range of {width}")
    sample = f.sample if type(f.sample) is int else lo
    for literal, what in ((f"{sample}.0", "a fraction"), (f"{sample}e0", "an exponent")):
        c.doc(
            f.kind,
            "parse.integer.literal",
            f.qname(f"literal-{slug(literal)}"),
            f"{f.label()} written {literal} is invalid: an integer takes no {what.split()[-1]}",
            valid=False,
            text=raw(doc, f.ptr, literal),
            pointer=f.ptr,
        )


def fields() -> list[Field]:
    s, n, b, o, a, i = "string", "null", "boolean", "object", "array", "integer"
    ex = put(JOB, "/execution/max_attempts", U32)
    out = [
        # job envelope
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
        # result
        Field("result", "/job_id", "result.job_id", (s,), "job-0001", required=True),
        Field("result", "/status", "result.status", (s,), "running", required=True),
        Field("result", "/worker_id", "result.worker_id", (s,), "worker-01", required=True),
        Field(
            "result", "/execution_summary", "result.execution_summary", (o,), RESULT["execution_summary"], required=True
        ),
        Field("result", "/execution_summary/started_at", "result.execution_summary", (s,), TS, required=True),
        Field(
            "result",
            "/execution_summary/duration_seconds",
            "result.execution_summary",
            (i,),
            42,
            required=True,
            bounds=(0, U64, "u64"),
        ),
        Field(
            "result",
            "/execution_summary/attempt",
            "result.execution_summary",
            (i,),
            1,
            required=True,
            bounds=(1, U32, "u32"),
        ),
        Field("result", "/execution_summary/idempotency_key", "result.execution_summary", (s, n), "key-1"),
        Field("result", "/completed_at", "result.completed_at", (s, n), TS),
        Field("result", "/failed_at", "result.failed_at", (s, n), TS),
        Field("result", "/outputs", "result.outputs", (o, n), {"primary": "/var/lib/guestkit/results/r.json"}),
        Field("result", "/outputs/primary", "result.outputs", (s,), "/results/job-0001.json", required=True),
        Field(
            "result",
            "/outputs/artifacts",
            "result.outputs",
            (a,),
            ["/results/packages.json"],
            items="string",
            base=put(RESULT, "/outputs", {"primary": "/results/job-0001.json"}),
        ),
        Field("result", "/metrics", "result.metrics", (o, n), {"cpu_seconds": 12}),
        Field(
            "result",
            "/error",
            "result.error",
            (o, n),
            {"code": "E_MOUNT", "message": "cannot mount /", "recoverable": True, "retry_recommended": False},
        ),
        Field("result", "/observability", "result.observability", (o, n), {"trace_id": "4bf92f3577b34da6"}),
        # progress
        Field("progress", "/job_id", "progress.job_id", (s,), "job-0001", required=True),
        Field("progress", "/timestamp", "progress.timestamp", (s,), TS, required=True),
        Field("progress", "/sequence", "progress.sequence", (i,), 7, required=True, bounds=(0, U64, "u64")),
        Field("progress", "/phase", "progress.phase", (s,), "inspect", required=True),
        Field("progress", "/message", "progress.message", (s,), "Scanning packages", required=True),
        Field("progress", "/progress_percent", "progress.progress_percent", (i, n), 50, bounds=(0, 100, "u8")),
        Field("progress", "/details", "progress.details", (o, n), {"packages": 812}),
        Field("progress", "/observability", "progress.observability", (o, n), {"span_id": "00f067aa0ba902b7"}),
        # worker
        Field("worker", "/worker_id", "worker.worker_id", (s,), "worker-01", required=True),
        Field("worker", "/version", "worker.version", (s,), "0.4.0", required=True),
        Field("worker", "/hostname", "worker.hostname", (s,), "kvm-host-01", required=True),
        Field("worker", "/registered_at", "worker.registered_at", (s,), TS, required=True),
        Field("worker", "/capabilities", "worker.capabilities", (o,), WORKER["capabilities"], required=True),
        Field("worker", "/resources", "worker.resources", (o,), WORKER["resources"], required=True),
        Field("worker", "/configuration", "worker.configuration", (o,), {"privileged": True}, required=True),
        Field("worker", "/configuration/privileged", "worker.configuration", (b,), True, required=True),
        Field("worker", "/configuration/worker_pool", "worker.configuration", (s, n), "default"),
        Field("worker", "/configuration/data_locality", "worker.configuration", (a, n), ["eu-west-1"], items="string"),
        Field("worker", "/status", "worker.status", (o,), WORKER["status"], required=True),
        Field("worker", "/status/state", "worker.status", (s,), "busy", required=True),
        Field("worker", "/status/last_heartbeat", "worker.status", (s,), TS, required=True),
        Field(
            "worker",
            "/status/current_jobs",
            "worker.status",
            (i,),
            0,
            required=True,
            bounds=(0, U32, "u32"),
            base=put(WORKER, "/resources/max_concurrent_jobs", U32),
        ),
    ]
    for name in ("operations", "features", "disk_formats"):
        out.append(Field("worker", f"/capabilities/{name}", "worker.capabilities", (a,), ["qcow2"], items="string"))
    for name in ("max_concurrent_jobs", "cpu_cores"):
        out.append(
            Field("worker", f"/resources/{name}", "worker.resources", (i,), 4, required=True, bounds=(0, U32, "u32"))
        )
    for name in ("max_disk_size_gb", "available_disk_gb", "memory_gb"):
        out.append(
            Field("worker", f"/resources/{name}", "worker.resources", (i,), 64, required=True, bounds=(0, U64, "u64"))
        )
    for name in ("disk_read_bytes", "disk_write_bytes", "peak_memory_mb", "cpu_seconds"):
        out.append(Field("result", f"/metrics/{name}", "result.metrics", (i, n), 1024, bounds=(0, U64, "u64")))
    for kind in ("job", "result", "progress"):
        for name in ("trace_id", "span_id", "parent_span_id", "correlation_id"):
            out.append(Field(kind, f"/observability/{name}", f"observability.{name}", (s, n), "4bf92f3577b34da6"))
    for name in ("code", "message"):
        out.append(
            Field(
                "result",
                f"/error/{name}",
                "result.error",
                (s,),
                "E_DISK",
                required=True,
                base=put(
                    RESULT, "/error", {"code": "E", "message": "m", "recoverable": True, "retry_recommended": True}
                ),
            )
        )
    err = put(RESULT, "/error", {"code": "E", "message": "m", "recoverable": True, "retry_recommended": True})
    for name in ("recoverable", "retry_recommended"):
        out.append(Field("result", f"/error/{name}", "result.error", (b,), False, required=True, base=err))
    out.append(Field("result", "/error/phase", "result.error", (s, n), "mount", base=err))
    out.append(Field("result", "/error/details", "result.error", (o, n), {"device": "/dev/sda1"}, base=err))
    return out


def payload_fields() -> list[Field]:
    s, n, b, o, a, i = "string", "null", "boolean", "object", "array", "integer"
    out: list[Field] = []
    images = {"inspect": "/image", "profile": "/image", "fix": "/image", "convert": "/source", "compare": "/baseline"}
    for name, img in images.items():
        base = job_with(name, PAYLOADS[name])
        p = "/payload/data" + img
        out.append(Field("job", p, f"payload.{name}.{img[1:]}", (o,), IMAGE, required=True, base=base))
        out.append(
            Field("job", p + "/format", "payload.image.format", (s,), "vmdk", required=True, base=base, absent=False)
        )
        out.append(Field("job", p + "/checksum", "payload.image.checksum", (s, n), "sha256:" + "ab" * 32, base=base))
        # every image (compare's baseline included: PROTOCOL says the image shape holds in every payload)
        if True:
            out.append(
                Field(
                    "job",
                    p + "/size_bytes",
                    "payload.image.size_bytes",
                    (i, n),
                    10737418240,
                    base=base,
                    bounds=(0, U64, "u64"),
                )
            )
    ins = job_with("inspect", PAYLOADS["inspect"])
    out.append(Field("job", "/payload/data/image/read_only", "payload.inspect.image", (b,), False, base=ins))
    out.append(Field("job", "/payload/data/options", "payload.inspect.options", (o, n), {"deep_scan": True}, base=ins))
    for opt in (
        "deep_scan",
        "include_packages",
        "include_services",
        "include_users",
        "include_network",
        "include_security",
        "include_storage",
        "include_databases",
    ):
        out.append(Field("job", f"/payload/data/options/{opt}", "payload.inspect.options", (b,), True, base=ins))
    out.append(
        Field(
            "job",
            "/payload/data/output",
            "payload.inspect.output",
            (o, n),
            {"format": "json", "destination": "/var/lib/guestkit/reports/web-01.json"},
            base=ins,
        )
    )
    ins_out = put(ins, "/payload/data/output", {"format": "yaml", "destination": "/reports/web-01.yaml"})
    out.append(Field("job", "/payload/data/output/compression", "payload.inspect.output", (s, n), "gzip", base=ins_out))
    prof = job_with("profile", PAYLOADS["profile"])
    out.append(
        Field(
            "job",
            "/payload/data/profiles",
            "payload.profile.profiles",
            (a,),
            ["security", "compliance"],
            required=True,
            base=prof,
        )
    )
    out.append(
        Field(
            "job", "/payload/data/options", "payload.profile.options", (o, n), {"severity_threshold": "high"}, base=prof
        )
    )
    out.append(Field("job", "/payload/data/options/fail_on_critical", "payload.profile.options", (b,), True, base=prof))
    out.append(
        Field("job", "/payload/data/options/severity_threshold", "payload.profile.options", (s,), "critical", base=prof)
    )
    out.append(
        Field(
            "job",
            "/payload/data/output",
            "payload.profile.output",
            (o, n),
            {"format": "yaml", "destination": "/reports/profile.yaml"},
            base=prof,
        )
    )
    out.append(
        Field("job", "/payload/data/output/include_remediation", "payload.profile.output", (b,), True, base=prof)
    )
    fix = job_with("fix", PAYLOADS["fix"])
    out.append(Field("job", "/payload/data/image/create_backup", "payload.fix.image", (b,), True, base=fix))
    out.append(
        Field(
            "job",
            "/payload/data/operations",
            "payload.fix.operations",
            (a,),
            [{"type": "fstab"}, {"type": "selinux-relabel", "options": {"force": True}}],
            required=True,
            base=fix,
        )
    )
    out.append(
        Field("job", "/payload/data/operations/0/type", "payload.fix.operations", (s,), "grub", required=True, base=fix)
    )
    out.append(
        Field("job", "/payload/data/operations/0/options", "payload.fix.operations", (o, n), {"force": True}, base=fix)
    )
    out.append(
        Field(
            "job",
            "/payload/data/execution_policy",
            "payload.fix.execution_policy",
            (o, n),
            {"stop_on_error": True},
            base=fix,
        )
    )
    for opt in ("stop_on_error", "validate_before_commit"):
        out.append(
            Field("job", f"/payload/data/execution_policy/{opt}", "payload.fix.execution_policy", (b,), False, base=fix)
        )
    out.append(
        Field(
            "job",
            "/payload/data/output",
            "payload.fix.output",
            (o, n),
            {"fixed_image": "/images/web-01-fixed.qcow2"},
            base=fix,
        )
    )
    out.append(Field("job", "/payload/data/output/report_format", "payload.fix.output", (s,), "json", base=fix))
    conv = job_with("convert", PAYLOADS["convert"])
    out.append(
        Field(
            "job",
            "/payload/data/target",
            "payload.convert.target",
            (o,),
            PAYLOADS["convert"]["target"],
            required=True,
            base=conv,
        )
    )
    out.append(
        Field(
            "job",
            "/payload/data/target/format",
            "payload.image.format",
            (s,),
            "vhdx",
            required=True,
            base=conv,
            absent=False,
        )
    )
    out.append(Field("job", "/payload/data/target/compression", "payload.convert.target", (b,), True, base=conv))
    out.append(Field("job", "/payload/data/target/compression_type", "payload.convert.target", (s,), "zstd", base=conv))
    out.append(
        Field("job", "/payload/data/options", "payload.convert.options", (o, n), {"preserve_sparse": True}, base=conv)
    )
    for opt in ("verify_after_convert", "preserve_sparse"):
        out.append(Field("job", f"/payload/data/options/{opt}", "payload.convert.options", (b,), True, base=conv))
    cmp_ = job_with("compare", PAYLOADS["compare"])
    out.append(
        Field(
            "job",
            "/payload/data/target",
            "payload.compare.target",
            (o,),
            PAYLOADS["compare"]["target"],
            required=True,
            base=cmp_,
        )
    )
    out.append(
        Field("job", "/payload/data/options", "payload.compare.options", (o, n), {"ignore_timestamps": True}, base=cmp_)
    )
    for opt in ("compare_packages", "compare_files", "compare_config", "ignore_timestamps"):
        out.append(Field("job", f"/payload/data/options/{opt}", "payload.compare.options", (b,), True, base=cmp_))
    out.append(
        Field(
            "job",
            "/payload/data/output",
            "payload.compare.output",
            (o, n),
            {"format": "json", "destination": "/reports/diff.json"},
            base=cmp_,
        )
    )
    out.append(
        Field("job", "/payload/data/output/include_recommendations", "payload.compare.output", (b,), True, base=cmp_)
    )
    return out


# --- the parse layer, in every kind --------------------------------------------------------------------------

#: Per kind: an integer member (pointer, its base value) and a free-form location.
INT_AT = {
    "job": ("/execution/priority", 5),
    "result": ("/execution_summary/attempt", 1),
    "progress": ("/sequence", 7),
    "worker": ("/resources/cpu_cores", 8),
}
U64_AT = {
    "job": "/execution/timeout_seconds",
    "result": "/execution_summary/duration_seconds",
    "progress": "/sequence",
    "worker": "/resources/memory_gb",
}
FREE_AT = {"job": "/payload/data", "result": "/data", "progress": "/details", "worker": "/x-site"}


def free(kind: str, name: str, value: Any) -> dict[str, Any]:
    """The kind's base document with ``value`` in free-form data (a member the protocol does not define)."""
    return put(BASE[kind], f"{FREE_AT[kind]}/{name}", value)


def parse_cases(c: Corpus, kind: str) -> None:
    base = BASE[kind]
    text = dumps(base)
    body = text.encode("utf-8")
    k = kind
    # parse.encoding
    c.doc(
        k,
        "parse.encoding",
        "utf8-non-ascii",
        f"{k}: non-ASCII UTF-8 text (é, 漢, 😀) is valid",
        valid=True,
        text=dumps(free(k, "note", "é 漢 😀")),
    )
    c.doc(
        k,
        "parse.encoding",
        "bom",
        f"{k}: a UTF-8 byte-order mark before the document is invalid",
        valid=False,
        data=b"\xef\xbb\xbf" + body,
        pointer="",
    )
    bad = {
        "byte-ff": (b"\xff", "the byte FF"),
        "latin1": (b"\xe9", "Latin-1 é (E9)"),
        "truncated": (b"\xc3", "a truncated two-byte sequence"),
        "overlong": (b"\xc0\xaf", "an overlong encoding of /"),
        "surrogate": (b"\xed\xa0\x80", "an encoded surrogate (CESU-8)"),
        "beyond-10ffff": (b"\xf4\x90\x80\x80", "a code point beyond U+10FFFF"),
    }
    for name, (junk, what) in bad.items():
        blob = dumps(free(k, "note", "@@X@@")).encode("utf-8").replace(b"@@X@@", b"ok" + junk)
        c.doc(
            k,
            "parse.encoding",
            name,
            f"{k}: {what} inside a string is invalid UTF-8",
            valid=False,
            data=blob,
            pointer="",
        )
    for name, escape, what in (
        ("lone-high-surrogate", "\\ud800", "a lone high surrogate escape"),
        ("lone-low-surrogate", "\\udc00", "a lone low surrogate escape"),
        ("reversed-surrogates", "\\ude00\\ud83d", "a low then a high surrogate escape"),
    ):
        c.doc(
            k,
            "parse.encoding",
            name,
            f"{k}: {what} ({escape}) in a string denotes no character and is invalid",
            valid=False,
            text=raw(free(k, "note", ""), f"{FREE_AT[k]}/note", f'"a{escape}b"'),
            pointer=f"{FREE_AT[k]}/note",
        )
    c.doc(
        k,
        "parse.encoding",
        "surrogate-pair",
        f"{k}: a surrogate pair escape (\\ud83d\\ude00) is one character and valid",
        valid=True,
        text=raw(free(k, "note", ""), f"{FREE_AT[k]}/note", '"a\\ud83d\\ude00b"'),
    )
    c.doc(
        k,
        "parse.encoding",
        "utf16",
        f"{k}: the document in UTF-16 is invalid",
        valid=False,
        data=b"\xff\xfe" + text.encode("utf-16-le"),
        pointer="",
    )
    # parse.syntax
    c.doc(
        k,
        "parse.syntax",
        "surrounding-whitespace",
        f"{k}: spaces, tabs and newlines around the document are valid",
        valid=True,
        text=" \t\r\n" + text + "\n\n ",
    )
    c.doc(
        k,
        "parse.syntax",
        "pretty",
        f"{k}: a pretty-printed document is valid",
        valid=True,
        text=json.dumps(base, indent=4, ensure_ascii=False),
    )
    c.doc(
        k,
        "parse.syntax",
        "escapes",
        f"{k}: escaped characters (\\u00e9, \\/, \\n) are valid",
        valid=True,
        text=text[:-1] + ',"x-note":"caf\\u00e9 \\/ \\n \\ud83d\\ude00"}',
    )
    broken = {
        "trailing-text": (text + " x", "trailing non-space text"),
        "two-documents": (text + text, "a second document after the first"),
        "trailing-comma-object": (text[:-1] + ",}", "a trailing comma in an object"),
        "line-comment": ("// job\n" + text, "a // comment"),
        "block-comment": (text[:-1] + "/* c */}", "a /* */ comment"),
        "single-quotes": (text[:-1] + ",'x':'y'}", "single-quoted strings"),
        "unquoted-key": (text[:-1] + ",x:1}", "an unquoted member name"),
        "empty": ("", "an empty text"),
        "whitespace-only": ("  \n", "whitespace alone"),
        "truncated": (text[:-1], "a truncated document"),
        "nan": (raw(free(k, "ratio", 0), f"{FREE_AT[k]}/ratio", "NaN"), "NaN"),
        "infinity": (raw(free(k, "ratio", 0), f"{FREE_AT[k]}/ratio", "Infinity"), "Infinity"),
        "minus-infinity": (raw(free(k, "ratio", 0), f"{FREE_AT[k]}/ratio", "-Infinity"), "-Infinity"),
        "leading-zero": (raw(base, INT_AT[k][0], "07"), "an integer with a leading zero (07)"),
        "plus-sign": (raw(base, INT_AT[k][0], "+7"), "an integer with a plus sign (+7)"),
        "hex": (raw(base, INT_AT[k][0], "0x7"), "a hexadecimal number (0x7)"),
        "raw-newline": (raw(free(k, "note", ""), f"{FREE_AT[k]}/note", '"a\nb"'), "a raw newline inside a string"),
        "bad-escape": (raw(free(k, "note", ""), f"{FREE_AT[k]}/note", '"a\\x41"'), "the escape \\x"),
    }
    for name, (doc, what) in broken.items():
        c.doc(k, "parse.syntax", name, f"{k}: {what} is invalid JSON", valid=False, text=doc, pointer="")
    arr_at = {
        "job": "/payload/data/list",
        "result": "/data/list",
        "progress": "/details/list",
        "worker": "/capabilities/features",
    }[k]
    c.doc(
        k,
        "parse.syntax",
        "trailing-comma-array",
        f"{k}: a trailing comma in an array is invalid JSON",
        valid=False,
        text=raw(put(base, arr_at, []), arr_at, '["a",]'),
        pointer="",
    )
    # parse.top-level-object
    c.doc(k, "parse.top-level-object", "object", f"{k}: a JSON object at the top level is valid", valid=True, doc=base)
    for name, doc, what in (
        ("array", dumps([base]), "an array holding the document"),
        ("string", json.dumps(text), "the document as a JSON string"),
        ("number", "42", "a number"),
        ("null", "null", "null"),
        ("true", "true", "true"),
        ("empty-array", "[]", "an empty array"),
    ):
        c.doc(
            k,
            "parse.top-level-object",
            name,
            f"{k}: {what} at the top level is invalid",
            valid=False,
            text=doc,
            pointer="",
        )
    if k == "job":
        fields_array = dumps([[key, value] for key, value in base.items()])
        c.doc(
            k,
            "parse.top-level-object",
            "array-of-fields",
            "job: the job given as an array of [name, value] pairs is invalid (the Rust crate accepts it)",
            valid=False,
            text=fields_array,
            pointer="",
        )
        c.doc(
            k,
            "parse.top-level-object",
            "array-of-values",
            "job: the job given as an array of its member values in order is invalid",
            valid=False,
            text=dumps(list(base.values())),
            pointer="",
        )
    # parse.duplicate-member
    first = next(iter(base))

    def dup(doc: Any, obj_ptr: str, name: str, literal: str) -> str:
        marker = put(doc, f"{obj_ptr}/@@DUP@@", 0)
        return dumps(marker).replace('"@@DUP@@":0', f"{json.dumps(name)}:{literal}", 1)

    c.doc(
        k,
        "parse.duplicate-member",
        "top-same-value",
        f"{k}: `{first}` twice at the top level with the same value is invalid",
        valid=False,
        text=dup(base, "", first, json.dumps(base[first])),
        pointer=f"/{first}",
    )
    c.doc(
        k,
        "parse.duplicate-member",
        "top-other-value",
        f"{k}: `{first}` twice at the top level with different values is invalid",
        valid=False,
        text=dup(base, "", first, '"other-0001"'),
        pointer=f"/{first}",
    )
    c.doc(
        k,
        "parse.duplicate-member",
        "escaped-name",
        f"{k}: `{first}` twice, once written with a \\u escape, is invalid",
        valid=False,
        text=dumps(base)[:-1]
        + ',"'
        + first[0]
        + "\\u00"
        + format(ord(first[1]), "02x")
        + first[2:]
        + '":'
        + json.dumps(base[first])
        + "}",
        pointer=f"/{first}",
    )
    nested = FREE_AT[k]
    c.doc(
        k,
        "parse.duplicate-member",
        "nested",
        f"{k}: a member twice in a nested free-form object is invalid",
        valid=False,
        text=dup(put(base, f"{nested}/mode", "a"), nested, "mode", '"b"'),
        pointer=f"{nested}/mode",
    )
    c.doc(
        k,
        "parse.duplicate-member",
        "in-array-item",
        f"{k}: a member twice inside an array item is invalid",
        valid=False,
        text=dup(put(base, f"{nested}/items", [{"id": 1}]), f"{nested}/items/0", "id", "2"),
        pointer=f"{nested}/items/0/id",
    )
    c.doc(
        k,
        "parse.duplicate-member",
        "siblings",
        f"{k}: one name in two sibling objects is valid",
        valid=True,
        doc=put(base, f"{nested}/pair", [{"id": 1}, {"id": 2}]),
    )
    c.doc(
        k,
        "parse.duplicate-member",
        "case-differs",
        f"{k}: names differing only in case are not duplicates",
        valid=True,
        doc=put(put(base, f"{nested}/mode", "a"), f"{nested}/Mode", "A"),
    )
    # parse.integer.literal
    at, value = INT_AT[k]
    c.doc(
        k,
        "parse.integer.literal",
        "plain",
        f"{k}: `{at[1:].replace('/', '.')}` written {value} is valid",
        valid=True,
        text=raw(base, at, str(value)),
    )
    for literal, what in (
        (f"{value}.0", "a zero fraction"),
        (f"{value}e0", "an exponent"),
        (f"{value}E+0", "a signed exponent"),
        (f"{value}.5", "a fraction"),
        (f"{value}0e-1", "an exponent that yields an integer"),
    ):
        c.doc(
            k,
            "parse.integer.literal",
            slug(literal),
            f"{k}: `{at[1:].replace('/', '.')}` written {literal} ({what}) is invalid",
            valid=False,
            text=raw(base, at, literal),
            pointer=at,
        )
    # parse.integer.width: very long literals
    u64 = U64_AT[k]
    for digits in (20, 400, 5000):
        literal = "9" * digits
        c.doc(
            k,
            "parse.integer.width",
            f"digits-{digits}",
            f"{k}: a {digits}-digit integer in `{u64[1:].replace('/', '.')}` is invalid (beyond u64)",
            valid=False,
            text=raw(base, u64, literal),
            pointer=u64,
        )
    c.doc(
        k,
        "parse.integer.width",
        "negative-400-digits",
        f"{k}: a negative 400-digit integer in `{u64[1:].replace('/', '.')}` is invalid",
        valid=False,
        text=raw(base, u64, "-" + "9" * 400),
        pointer=u64,
    )
    c.doc(
        k,
        "parse.integer.width",
        "u64-max-leading-digits",
        f"{k}: u64 max in `{u64[1:].replace('/', '.')}` is valid, its 20 digits notwithstanding",
        valid=True,
        text=raw(base, u64, str(U64)),
        warnings=["/execution/timeout_seconds"] if k == "job" else [],
    )
    # parse.number.range: free-form numbers of every size are accepted
    for name, literal in (
        ("double-max", "1.7976931348623157e308"),
        ("beyond-double", "1e400"),
        ("negative-beyond-double", "-1e400"),
        ("denormal", "5e-324"),
        ("underflow", "1e-400"),
        ("digits-400", "1" + "0" * 399),
        ("digits-5000", "7" * 5000),
        ("negative-zero", "-0.0"),
        ("exponent", "1E+2"),
    ):
        c.doc(
            k,
            "parse.number.range",
            name,
            f"{k}: the free-form number {literal[:24]}"
            f"{'... (' + str(len(literal)) + ' characters)' if len(literal) > 24 else ''} is accepted",
            valid=True,
            text=raw(free(k, "n", 0), f"{FREE_AT[k]}/n", literal),
        )
    # parse.depth
    depth = FREE_AT[k].count("/") + 1  # of the free-form member's value
    ok = 128 - depth
    c.doc(
        k,
        "parse.depth",
        "exactly-128",
        f"{k}: nesting exactly 128 levels deep is valid",
        valid=True,
        text=raw(free(k, "deep", 0), f"{FREE_AT[k]}/deep", "[" * ok + "]" * ok),
    )
    c.doc(
        k,
        "parse.depth",
        "129",
        f"{k}: nesting 129 levels deep is invalid",
        valid=False,
        text=raw(free(k, "deep", 0), f"{FREE_AT[k]}/deep", "[" * (ok + 1) + "]" * (ok + 1)),
        pointer=f"{FREE_AT[k]}/deep" + "/0" * ok,
    )
    obj = '{"a":' * (ok + 1) + "1" + "}" * (ok + 1)
    c.doc(
        k,
        "parse.depth",
        "objects-129",
        f"{k}: objects nested 129 levels deep are invalid",
        valid=False,
        text=raw(free(k, "deep", 0), f"{FREE_AT[k]}/deep", obj),
        pointer=f"{FREE_AT[k]}/deep" + "/a" * ok,
    )
    c.doc(
        k,
        "parse.depth",
        "10000",
        f"{k}: nesting 10000 levels deep is invalid, and no crash",
        valid=False,
        text=raw(free(k, "deep", 0), f"{FREE_AT[k]}/deep", "[" * 10000 + "]" * 10000),
        pointer="",
    )


# --- timestamps, in every kind ----------------------------------------------------------------------------

TS_VALID = (
    ("leap-day", "2024-02-29T12:00:00Z", "a leap day"),
    ("leap-day-2000", "2000-02-29T00:00:00Z", "Feb 29 of 2000 (divisible by 400)"),
    ("leap-second", "2016-12-31T23:59:60Z", "second 60 (a leap second)"),
    ("fraction", "2026-01-15T10:30:00.123456789Z", "nine fraction digits"),
    ("offset-plus", "2026-01-15T10:30:00+05:30", "offset +05:30"),
    ("offset-minus", "2026-01-15T10:30:00-08:00", "offset -08:00"),
    ("offset-unknown", "2026-01-15T10:30:00-00:00", "offset -00:00"),
    ("offset-max", "2026-01-15T10:30:00+23:59", "offset +23:59"),
    ("lowercase", "2026-01-15t10:30:00z", "lowercase t and z"),
    ("end-of-year", "2026-12-31T23:59:59Z", "the last second of a year"),
    ("year-zero", "0000-01-01T00:00:00Z", "year 0000"),
)
TS_INVALID = (
    ("feb-29-2023", "2023-02-29T12:00:00Z", "Feb 29 of a common year"),
    ("feb-29-1900", "1900-02-29T12:00:00Z", "Feb 29 of 1900 (a century, not a leap year)"),
    ("feb-30", "2024-02-30T12:00:00Z", "Feb 30"),
    ("apr-31", "2026-04-31T12:00:00Z", "April 31"),
    ("month-13", "2026-13-01T12:00:00Z", "month 13"),
    ("month-00", "2026-00-10T12:00:00Z", "month 00"),
    ("day-00", "2026-01-00T12:00:00Z", "day 00"),
    ("day-32", "2026-01-32T12:00:00Z", "day 32"),
    ("hour-24", "2026-01-15T24:00:00Z", "hour 24"),
    ("minute-60", "2026-01-15T10:60:00Z", "minute 60"),
    ("second-61", "2026-01-15T10:30:61Z", "second 61"),
    ("no-seconds", "2026-01-15T10:30Z", "no seconds"),
    ("no-offset", "2026-01-15T10:30:00", "no offset"),
    ("date-only", "2026-01-15", "a date alone"),
    ("words", "yesterday", "words"),
    ("empty", "", "an empty string"),
    ("offset-24", "2026-01-15T10:30:00+24:00", "offset +24:00"),
    ("offset-hours-only", "2026-01-15T10:30:00+05", "offset +05 without minutes"),
    ("empty-fraction", "2026-01-15T10:30:00.Z", "a dot without fraction digits"),
    ("epoch", "1768473000", "Unix seconds"),
)
TS_LENIENT = (
    ("space-separator", "2026-01-15 10:30:00Z", "a space separator"),
    ("compact-offset", "2026-01-15T10:30:00+0530", "offset +0530 without a colon"),
    ("utc-suffix", "2026-01-15T10:30:00UTC", "the suffix UTC"),
    ("unpadded-date", "2026-1-5T10:30:00Z", "an unpadded month and day"),
    ("unpadded-hour", "2026-01-15T9:30:00Z", "an unpadded hour"),
    ("leading-space", " 2026-01-15T10:30:00Z", "a leading space"),
    ("trailing-space", "2026-01-15T10:30:00Z ", "a trailing space"),
    ("space-before-z", "2026-01-15T10:30:00 Z", "a space before Z"),
)
TS_AT = {
    "job": "/created_at",
    "result": "/execution_summary/started_at",
    "progress": "/timestamp",
    "worker": "/registered_at",
}
TS_MORE = {
    "job": ("/execution/deadline",),
    "result": ("/completed_at", "/failed_at"),
    "progress": (),
    "worker": ("/status/last_heartbeat",),
}


def timestamp_cases(c: Corpus, kind: str) -> None:
    base = BASE[kind]
    at = TS_AT[kind]
    where = at[1:].replace("/", ".")
    for name, value, what in TS_VALID:
        c.doc(
            kind,
            "timestamp.valid",
            name,
            f"{kind} `{where}` with {what} is valid",
            valid=True,
            doc=put(base, at, value),
        )
    for name, value, what in TS_INVALID:
        c.doc(
            kind,
            "timestamp.valid",
            name,
            f"{kind} `{where}` with {what} is invalid",
            valid=False,
            doc=put(base, at, value),
            pointer=at,
        )
    c.doc(
        kind,
        "timestamp.strict",
        "strict",
        f"{kind} `{where}` in the strict RFC 3339 form is valid",
        valid=True,
        doc=put(base, at, "2026-01-15T10:30:00.5+01:00"),
    )
    for name, value, what in TS_LENIENT:
        c.doc(
            kind,
            "timestamp.strict",
            name,
            f"{kind} `{where}` with {what} breaks the strict form",
            valid=False,
            doc=put(base, at, value),
            pointer=at,
        )
    for other in TS_MORE[kind]:
        w = other[1:].replace("/", ".")
        value = "2028-02-29T23:59:60Z"
        c.doc(
            kind,
            "timestamp.valid",
            f"{slug(w)}.leap",
            f"{kind} `{w}` on a leap day at second 60 is valid",
            valid=True,
            doc=put(base, other, value),
        )
        c.doc(
            kind,
            "timestamp.valid",
            f"{slug(w)}.feb-30",
            f"{kind} `{w}` on Feb 30 is invalid",
            valid=False,
            doc=put(base, other, "2027-02-30T10:00:00Z"),
            pointer=other,
        )
        c.doc(
            kind,
            "timestamp.strict",
            f"{slug(w)}.space",
            f"{kind} `{w}` with a space separator breaks the strict form",
            valid=False,
            doc=put(base, other, "2027-01-15 10:00:00Z"),
            pointer=other,
        )


# --- job envelope: values at and past each boundary ---------------------------------------------------------


def core_cases(c: Corpus) -> None:
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
    for name, deadline, created, warn, what in (
        ("one-second-after", "2026-01-15T10:30:01Z", TS, False, "one second after created_at"),
        ("fraction-after", "2026-01-15T10:30:00.001Z", TS, False, "a millisecond after created_at"),
        ("equal", TS, TS, True, "equal to created_at"),
        ("before", "2026-01-15T10:29:59Z", TS, True, "one second before created_at"),
        ("offset-before", "2026-01-15T12:00:00+02:00", TS, True, "12:00+02:00 (10:00Z), before created_at 10:30Z"),
        ("offset-after", "2026-01-15T10:00:00-01:00", TS, False, "10:00-01:00 (11:00Z), after created_at 10:30Z"),
        ("equal-other-offset", "2026-01-15T11:30:00+01:00", TS, True, "the same instant as created_at, another offset"),
        ("year-before", "2025-01-15T10:30:00Z", TS, True, "a year before created_at"),
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


# --- known payloads --------------------------------------------------------------------------------------------

PATHS = {
    "inspect": ("/image/path", "/output/destination"),
    "profile": ("/image/path", "/output/destination"),
    "fix": ("/image/path", "/image/backup_path", "/output/fixed_image", "/output/log_path"),
    "convert": ("/source/path", "/target/path"),
    "compare": ("/baseline/path", "/target/path", "/output/destination"),
}


def payload_cases(c: Corpus) -> None:
    for name, data in PAYLOADS.items():
        base = job_with(name, data)
        label = f"guestkit.{name}.v1"
        c.doc(
            "job",
            "payload.unknown-members",
            f"{name}.minimal",
            f"job {label} with its required members alone is valid",
            valid=True,
            doc=base,
        )
        c.doc(
            "job",
            "payload.unknown-members",
            f"{name}.top",
            f"job {label} with an unknown member in its data is valid",
            valid=True,
            doc=put(base, "/payload/data/x-vendor", {"a": 1}),
        )
        first = next(iter(data))
        c.doc(
            "job",
            "payload.unknown-members",
            f"{name}.{slug(first)}",
            f"job {label} with an unknown member in `{first}` is valid",
            valid=True,
            doc=put(base, f"/payload/data/{first}/x-vendor", True),
        )
        for ptr in PATHS[name]:
            at = "/payload/data" + ptr
            doc = base
            if ptr.startswith("/output") and name in ("inspect", "compare", "profile"):
                doc = put(base, "/payload/data/output", {"format": "json", "destination": "/reports/r.json"})
            where = ptr[1:].replace("/", ".")
            for case_name, value, what in (
                ("empty", "", "empty"),
                ("nul", "/images/a\u0000b.qcow2", "with NUL"),
                ("dotdot-start", "../etc/shadow", "starting with .."),
                ("dotdot-middle", "/images/../etc/shadow", "with a .. segment"),
                ("dotdot-end", "/images/..", "ending with .."),
                ("dotdot-backslash", "C:\\images\\..\\secret", "with a \\..\\ segment"),
            ):
                c.doc(
                    "job",
                    "payload.path",
                    f"{name}.{slug(where)}.{case_name}",
                    f"job {label} `{where}` {what} is invalid",
                    valid=False,
                    doc=put(doc, at, value),
                    pointer=at,
                )
            for case_name, value, what in (
                ("dots-in-name", "/images/a..b.qcow2", "with .. inside a name"),
                ("three-dots", "/images/.../vm.qcow2", "with a ... segment"),
                ("dot", "/images/./vm.qcow2", "with a . segment"),
                ("spaces", "/images/my vm.qcow2", "with a space"),
            ):
                c.doc(
                    "job",
                    "payload.path",
                    f"{name}.{slug(where)}.{case_name}",
                    f"job {label} `{where}` {what} is valid",
                    valid=True,
                    doc=put(doc, at, value),
                )
            c.doc(
                "job",
                "payload.path.absolute",
                f"{name}.{slug(where)}.relative",
                f"job {label} `{where}` relative breaks the absolute-path recommendation",
                valid=False,
                doc=put(doc, at, "images/vm.qcow2"),
                pointer=at,
            )
            c.doc(
                "job",
                "payload.path",
                f"{name}.{slug(where)}.number",
                f"job {label} `{where}` as a number is invalid",
                valid=False,
                doc=put(doc, at, 42),
                pointer=at,
            )
            c.doc(
                "job",
                "payload.path",
                f"{name}.{slug(where)}.null",
                f"job {label} `{where}` null is invalid",
                valid=False,
                doc=put(doc, at, None),
                pointer=at,
            )
        c.doc(
            "job",
            "payload.path.absolute",
            f"{name}.absolute",
            f"job {label} with absolute paths keeps the recommendation",
            valid=True,
            doc=base,
        )
        c.doc(
            "job",
            "payload.path.absolute",
            f"{name}.dot-relative",
            f"job {label} with a ./ path breaks the absolute-path recommendation",
            valid=False,
            doc=put(base, "/payload/data/" + PATHS[name][0][1:], "./vm.qcow2"),
            pointer="/payload/data" + PATHS[name][0],
        )
    # image objects: required path and format, format values, checksums
    images = (
        ("inspect", "/image"),
        ("profile", "/image"),
        ("fix", "/image"),
        ("convert", "/source"),
        ("convert", "/target"),
        ("compare", "/baseline"),
        ("compare", "/target"),
    )
    for name, img in images:
        base = job_with(name, PAYLOADS[name])
        at = "/payload/data" + img
        c.doc(
            "job",
            "payload.image",
            f"{name}.{img[1:]}.path-and-format",
            f"job guestkit.{name}.v1 `{img[1:]}` with a path and a format is valid",
            valid=True,
            doc=base,
        )
        for member in ("path", "format"):
            c.doc(
                "job",
                "payload.image",
                f"{name}.{img[1:]}.no-{member}",
                f"job guestkit.{name}.v1 `{img[1:]}` without `{member}` is invalid",
                valid=False,
                doc=drop(base, f"{at}/{member}"),
                pointer=f"{at}/{member}",
            )
    fmt_base = job_with("inspect", PAYLOADS["inspect"])
    for fmt in ("qcow2", "vmdk", "vdi", "vhdx", "raw", "img", "ova"):
        c.doc(
            "job",
            "payload.image.format",
            f"inspect.{fmt}",
            f"job guestkit.inspect.v1 image format {fmt} is valid",
            valid=True,
            doc=put(fmt_base, "/payload/data/image/format", fmt),
        )
    for bad in ("QCOW2", "qcow", "iso", "vhd", "", "qcow2 "):
        bad_name = f"inspect.bad-{slug(bad) or 'empty'}{'-space' if bad.endswith(' ') else ''}"
        c.doc(
            "job",
            "payload.image.format",
            bad_name,
            f"job guestkit.inspect.v1 image format {json.dumps(bad)} is invalid",
            valid=False,
            doc=put(fmt_base, "/payload/data/image/format", bad),
            pointer="/payload/data/image/format",
        )
    ck = "/payload/data/image/checksum"
    hexd = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    for name, value, what in (
        ("prefixed", "sha256:" + hexd, "sha256: and 64 hex digits"),
        ("bare", hexd, "64 bare hex digits"),
        ("upper-algorithm", "SHA256:" + hexd, "SHA256: in capitals"),
        ("mixed-algorithm", "Sha256:" + hexd, "Sha256: in mixed case"),
        ("upper-hex", "sha256:" + hexd.upper(), "uppercase hex digits"),
    ):
        c.doc(
            "job",
            "payload.image.checksum",
            name,
            f"job image checksum of {what} is valid",
            valid=True,
            doc=put(fmt_base, ck, value),
        )
    for name, value, what in (
        ("63-digits", "sha256:" + hexd[:-1], "63 hex digits"),
        ("65-digits", "sha256:" + hexd + "0", "65 hex digits"),
        ("md5", "md5:" + hexd[:32], "an md5 digest"),
        ("non-hex", "sha256:" + "g" * 64, "64 non-hex letters"),
        ("sha-256", "sha-256:" + hexd, "the algorithm spelt sha-256"),
        ("sha512", "sha512:" + hexd, "the algorithm sha512"),
        ("space", "sha256: " + hexd, "a space after the colon"),
        ("empty", "", "an empty string"),
    ):
        c.doc(
            "job",
            "payload.image.checksum",
            name,
            f"job image checksum of {what} is invalid",
            valid=False,
            doc=put(fmt_base, ck, value),
            pointer=ck,
        )
    for name, pl, out_ptr in (
        ("inspect", "inspect", "/payload/data/output"),
        ("profile", "profile", "/payload/data/output"),
        ("compare", "compare", "/payload/data/output"),
    ):
        base = put(job_with(pl, PAYLOADS[pl]), out_ptr, {"format": "json", "destination": "/reports/r.json"})
        for fmt in ("json", "yaml"):
            c.doc(
                "job",
                "payload.output.format",
                f"{name}.{fmt}",
                f"job guestkit.{name}.v1 output format {fmt} is valid",
                valid=True,
                doc=put(base, out_ptr + "/format", fmt),
            )
        for bad in ("JSON", "xml", "yml", ""):
            c.doc(
                "job",
                "payload.output.format",
                f"{name}.bad-{slug(bad) or 'empty'}",
                f"job guestkit.{name}.v1 output format {json.dumps(bad)} is invalid",
                valid=False,
                doc=put(base, out_ptr + "/format", bad),
                pointer=out_ptr + "/format",
            )
        c.doc(
            "job",
            "payload.output.format",
            f"{name}.null",
            f"job guestkit.{name}.v1 output format null is invalid",
            valid=False,
            doc=put(base, out_ptr + "/format", None),
            pointer=out_ptr + "/format",
        )
    prof = job_with("profile", PAYLOADS["profile"])
    pp = "/payload/data/profiles"
    c.doc(
        "job",
        "payload.profile.profiles",
        "all-five",
        "job guestkit.profile.v1 with all five profiles is valid",
        valid=True,
        doc=put(prof, pp, ["security", "compliance", "hardening", "performance", "migration"]),
    )
    c.doc(
        "job",
        "payload.profile.profiles",
        "repeated",
        "job guestkit.profile.v1 with a profile named twice is valid",
        valid=True,
        doc=put(prof, pp, ["security", "security"]),
    )
    c.doc(
        "job",
        "payload.profile.profiles",
        "empty",
        "job guestkit.profile.v1 with no profile is invalid",
        valid=False,
        doc=put(prof, pp, []),
        pointer=pp,
    )
    for bad in ("Security", "cis", ""):
        c.doc(
            "job",
            "payload.profile.profiles",
            f"unknown-{slug(bad) or 'empty'}",
            f"job guestkit.profile.v1 profile {json.dumps(bad)} is invalid",
            valid=False,
            doc=put(prof, pp, ["compliance", bad]),
            pointer=pp + "/1",
        )
    for level in ("low", "medium", "high", "critical"):
        c.doc(
            "job",
            "payload.profile.options",
            f"severity-{level}",
            f"job guestkit.profile.v1 severity_threshold {level} is valid",
            valid=True,
            doc=put(prof, "/payload/data/options/severity_threshold", level),
        )
    for bad in ("severe", "HIGH", ""):
        c.doc(
            "job",
            "payload.profile.options",
            f"severity-bad-{slug(bad) or 'empty'}",
            f"job guestkit.profile.v1 severity_threshold {json.dumps(bad)} is invalid",
            valid=False,
            doc=put(prof, "/payload/data/options/severity_threshold", bad),
            pointer="/payload/data/options/severity_threshold",
        )
    fix = job_with("fix", PAYLOADS["fix"])
    c.doc(
        "job",
        "payload.fix.operations",
        "empty",
        "job guestkit.fix.v1 with no operation is invalid",
        valid=False,
        doc=put(fix, "/payload/data/operations", []),
        pointer="/payload/data/operations",
    )
    c.doc(
        "job",
        "payload.fix.operations",
        "string-item",
        "job guestkit.fix.v1 with an operation given as a string is invalid",
        valid=False,
        doc=put(fix, "/payload/data/operations", ["fstab"]),
        pointer="/payload/data/operations/0",
    )
    c.doc(
        "job",
        "payload.fix.operations",
        "second-no-type",
        "job guestkit.fix.v1 whose second operation lacks `type` is invalid",
        valid=False,
        doc=put(fix, "/payload/data/operations", [{"type": "fstab"}, {"options": {}}]),
        pointer="/payload/data/operations/1/type",
    )
    c.doc(
        "job",
        "payload.unknown-members",
        "fix.operation-item",
        "job guestkit.fix.v1 with an unknown member in an operation is valid",
        valid=True,
        doc=put(fix, "/payload/data/operations", [{"type": "fstab", "x-order": 1}]),
    )
    # unknown members in every optional object of every known payload
    sections: dict[str, dict[str, dict[str, Any]]] = {
        "inspect": {"options": {}, "output": {"format": "json", "destination": "/reports/r.json"}},
        "profile": {"options": {}, "output": {}},
        "fix": {"execution_policy": {}, "output": {}},
        "convert": {"options": {}},
        "compare": {"options": {}, "output": {}},
    }
    for name, members in sections.items():
        for section, content in members.items():
            c.doc(
                "job",
                "payload.unknown-members",
                f"{name}.{slug(section)}",
                f"job guestkit.{name}.v1 with an unknown member in `{section}` is valid",
                valid=True,
                doc=put(job_with(name, {**PAYLOADS[name], section: content}), f"/payload/data/{section}/x-vendor", [1]),
            )
    for name, member in (("convert", "target"), ("compare", "target"), ("fix", "operations/0/options")):
        c.doc(
            "job",
            "payload.unknown-members",
            f"{name}.{slug(member.replace('/', '-'))}.unknown",
            f"job guestkit.{name}.v1 with an unknown member in `{member.replace('/', '.')}` is valid",
            valid=True,
            doc=put(job_with(name, PAYLOADS[name]), f"/payload/data/{member}/x-vendor", "kept"),
        )
    for name, pl in (
        ("inspect", "inspect"),
        ("profile", "profile"),
        ("fix", "fix"),
        ("convert", "source"),
        ("compare", "baseline"),
    ):
        img = "image" if name in ("inspect", "profile", "fix") else pl
        rule = f"payload.{name}.{img}"
        base = job_with(name, PAYLOADS[name])
        c.doc(
            "job",
            rule,
            "array",
            f"job guestkit.{name}.v1 `{img}` as an array of images is invalid",
            valid=False,
            doc=put(base, f"/payload/data/{img}", [IMAGE]),
            pointer=f"/payload/data/{img}",
        )
    # guestkit.inspect.v1 alone requires both members of its output object.
    ins_out = put(
        job_with("inspect", PAYLOADS["inspect"]), "/payload/data/output", {"format": "json", "destination": "/r.json"}
    )
    for member in ("format", "destination"):
        c.doc(
            "job",
            "payload.inspect.output",
            f"inspect.output.{member}.absent",
            f"job guestkit.inspect.v1 output without `{member}` is invalid",
            valid=False,
            doc=drop(ins_out, f"/payload/data/output/{member}"),
            pointer=f"/payload/data/output/{member}",
        )


# --- result, progress, worker ---------------------------------------------------------------------------------

ERROR = {
    "code": "E_MOUNT",
    "message": "cannot mount the root filesystem",
    "recoverable": True,
    "retry_recommended": False,
}


def result_cases(c: Corpus) -> None:
    r = RESULT
    for status in ("pending", "assigned", "running", "cancelled", "timeout"):
        c.doc(
            "result",
            "result.status",
            status,
            f"result with status {status} is valid",
            valid=True,
            doc=put(r, "/status", status),
        )
    c.doc(
        "result",
        "result.status",
        "completed",
        "result with status completed and completed_at is valid",
        valid=True,
        doc=put(put(r, "/status", "completed"), "/completed_at", TS),
    )
    c.doc(
        "result",
        "result.status",
        "failed",
        "result with status failed, error and failed_at is valid",
        valid=True,
        doc=put(put(put(r, "/status", "failed"), "/failed_at", TS), "/error", ERROR),
    )
    for bad in ("Completed", "success", "done", "", "RUNNING"):
        c.doc(
            "result",
            "result.status",
            f"bad-{slug(bad) or 'empty'}",
            f"result with status {json.dumps(bad)} is invalid",
            valid=False,
            doc=put(r, "/status", bad),
            pointer="/status",
        )
    failed = put(put(put(r, "/status", "failed"), "/failed_at", TS), "/error", ERROR)
    c.doc(
        "result",
        "result.failed.consistency",
        "complete",
        "result failed with error and failed_at is consistent",
        valid=True,
        doc=failed,
    )
    c.doc(
        "result",
        "result.failed.consistency",
        "no-error",
        "result failed without error is inconsistent",
        valid=False,
        doc=drop(failed, "/error"),
        pointer="/error",
    )
    c.doc(
        "result",
        "result.failed.consistency",
        "null-error",
        "result failed with error null is inconsistent",
        valid=False,
        doc=put(failed, "/error", None),
        pointer="/error",
    )
    c.doc(
        "result",
        "result.failed.consistency",
        "no-failed-at",
        "result failed without failed_at is inconsistent",
        valid=False,
        doc=drop(failed, "/failed_at"),
        pointer="/failed_at",
    )
    c.doc(
        "result",
        "result.failed.consistency",
        "null-failed-at",
        "result failed with failed_at null is inconsistent",
        valid=False,
        doc=put(failed, "/failed_at", None),
        pointer="/failed_at",
    )
    c.doc(
        "result",
        "result.failed.consistency",
        "timeout-no-error",
        "result timeout without error needs none",
        valid=True,
        doc=put(r, "/status", "timeout"),
    )
    done = put(put(r, "/status", "completed"), "/completed_at", TS)
    c.doc(
        "result",
        "result.completed.consistency",
        "complete",
        "result completed with completed_at is consistent",
        valid=True,
        doc=done,
    )
    c.doc(
        "result",
        "result.completed.consistency",
        "null-error",
        "result completed with error null is consistent",
        valid=True,
        doc=put(done, "/error", None),
    )
    c.doc(
        "result",
        "result.completed.consistency",
        "no-completed-at",
        "result completed without completed_at is inconsistent",
        valid=False,
        doc=drop(done, "/completed_at"),
        pointer="/completed_at",
    )
    c.doc(
        "result",
        "result.completed.consistency",
        "null-completed-at",
        "result completed with completed_at null is inconsistent",
        valid=False,
        doc=put(done, "/completed_at", None),
        pointer="/completed_at",
    )
    c.doc(
        "result",
        "result.completed.consistency",
        "with-error",
        "result completed carrying an error is inconsistent",
        valid=False,
        doc=put(done, "/error", ERROR),
        pointer="/error",
    )
    for name, value in (
        ("null", None),
        ("number", 42),
        ("string", "ok"),
        ("array", [1, "a", None]),
        ("object", {"packages": 812, "os": {"name": "rhel", "version": "9.3"}}),
        ("boolean", False),
    ):
        c.doc(
            "result",
            "result.data",
            name,
            f"result `data` holding {name} is accepted",
            valid=True,
            doc=put(r, "/data", value),
        )
    c.doc(
        "result",
        "result.outputs",
        "artifacts-empty",
        "result outputs with an empty artifacts list is valid",
        valid=True,
        doc=put(r, "/outputs", {"primary": "/results/r.json", "artifacts": []}),
    )
    c.doc(
        "result",
        "result.error",
        "details-any",
        "result error details holding nested free-form data is valid",
        valid=True,
        doc=put(r, "/error", {**ERROR, "phase": "mount", "details": {"errno": 5, "paths": ["/"]}}),
    )


def worker_cases(c: Corpus) -> None:
    w = WORKER
    for state in ("ready", "busy", "draining", "offline"):
        c.doc(
            "worker",
            "worker.status",
            f"state-{state}",
            f"worker in state {state} is valid",
            valid=True,
            doc=put(w, "/status/state", state),
        )
    for bad in ("idle", "READY", "", "stopped"):
        c.doc(
            "worker",
            "worker.status",
            f"state-bad-{slug(bad) or 'empty'}",
            f"worker in state {json.dumps(bad)} is invalid",
            valid=False,
            doc=put(w, "/status/state", bad),
            pointer="/status/state",
        )
    cap = "worker.status.within-capacity"
    for name, cur, most, ok in (
        ("equal", 4, 4, True),
        ("below", 3, 4, True),
        ("zero-zero", 0, 0, True),
        ("one-over", 5, 4, False),
        ("over-zero", 1, 0, False),
        ("u32-max", U32, U32 - 1, False),
    ):
        doc = put(put(w, "/status/current_jobs", cur), "/resources/max_concurrent_jobs", most)
        c.doc(
            "worker",
            cap,
            name,
            f"worker running {cur} jobs of at most {most} is {'within capacity' if ok else 'over capacity'}",
            valid=ok,
            doc=doc,
            pointer=None if ok else "/status/current_jobs",
        )
    c.doc(
        "worker",
        "worker.capabilities",
        "empty-object",
        "worker capabilities {} is valid: every list defaults to empty",
        valid=True,
        doc=put(w, "/capabilities", {}),
    )
    c.doc(
        "worker",
        "worker.configuration",
        "pool-and-locality",
        "worker configuration with pool and locality is valid",
        valid=True,
        doc=put(
            w, "/configuration", {"privileged": True, "worker_pool": "gpu", "data_locality": ["eu-west-1", "eu-west-2"]}
        ),
    )
    for kind, at in (
        ("worker", ""),
        ("worker", "/capabilities"),
        ("worker", "/resources"),
        ("worker", "/configuration"),
        ("worker", "/status"),
        ("result", ""),
        ("result", "/execution_summary"),
        ("result", "/outputs"),
        ("result", "/metrics"),
        ("result", "/error"),
        ("progress", ""),
        ("progress", "/details"),
        ("progress", "/observability"),
    ):
        base = BASE[kind]
        if at == "/outputs":
            base = put(base, at, {"primary": "/results/r.json"})
        if at == "/error":
            base = put(base, at, ERROR)
        rule = {"worker": "worker.worker_id", "result": "result.data", "progress": "progress.details"}[kind]
        rule = {
            ("worker", ""): "worker.worker_id",
            ("worker", "/capabilities"): "worker.capabilities",
            ("worker", "/resources"): "worker.resources",
            ("worker", "/configuration"): "worker.configuration",
            ("worker", "/status"): "worker.status",
            ("result", ""): "result.data",
            ("result", "/execution_summary"): "result.execution_summary",
            ("result", "/outputs"): "result.outputs",
            ("result", "/metrics"): "result.metrics",
            ("result", "/error"): "result.error",
            ("progress", ""): "progress.message",
            ("progress", "/details"): "progress.details",
            ("progress", "/observability"): "progress.observability",
        }.get((kind, at), rule)
        c.doc(
            kind,
            rule,
            f"unknown-member-{slug(at) or 'top'}",
            f"{kind} with an unknown member in {at[1:] or 'the top level'} is valid",
            valid=True,
            doc=put(base, f"{at}/x-vendor", {"a": [1]}),
        )


def progress_cases(c: Corpus) -> None:
    p = PROGRESS
    for name, value, what in (
        ("empty-message", {"message": ""}, "an empty message"),
        ("unicode-message", {"message": "Installing 漢字 😀 packages"}, "a non-ASCII message"),
        ("phase-free", {"phase": "custom-phase/step 3"}, "a free-form phase"),
    ):
        key = next(iter(value))
        c.doc(
            "progress",
            f"progress.{key}",
            name,
            f"progress with {what} is valid",
            valid=True,
            doc=put(p, f"/{key}", value[key]),
        )


# --- capabilities and round trip ---------------------------------------------------------------------------------


def capability_cases(c: Corpus) -> None:
    m = c.match
    m("exact", "capabilities: one required, exactly available", ["guestkit.inspect"], ["guestkit.inspect"])
    m(
        "subset",
        "capabilities: two required among three available",
        ["guestkit.inspect", "guestkit.fix"],
        ["guestkit.fix", "guestkit.convert", "guestkit.inspect"],
    )
    m("empty-required", "capabilities: an empty requirement matches anything", [], ["guestkit.inspect"])
    m("empty-both", "capabilities: an empty requirement matches even no capability", [], [])
    m("none-available", "capabilities: one required, none available", ["guestkit.inspect"], [])
    m("case-sensitive", "capabilities: matching is case-sensitive", ["guestkit.inspect"], ["GuestKit.Inspect"])
    m("prefix", "capabilities: a prefix of the required name does not match", ["guestkit.inspect"], ["guestkit"])
    m("longer", "capabilities: a longer name does not match", ["guestkit"], ["guestkit.inspect"])
    m(
        "whitespace",
        "capabilities: surrounding whitespace makes another name",
        ["guestkit.inspect"],
        [" guestkit.inspect"],
    )
    m(
        "one-missing",
        "capabilities: one of two missing is reported",
        ["guestkit.inspect", "guestkit.fix"],
        ["guestkit.inspect"],
    )
    m(
        "order",
        "capabilities: the missing ones are reported in required order",
        ["c.three", "a.one", "b.two"],
        ["x.other"],
    )
    m(
        "duplicate-required",
        "capabilities: a requirement named twice and available matches",
        ["guestkit.inspect", "guestkit.inspect"],
        ["guestkit.inspect"],
    )
    m(
        "duplicate-missing",
        "capabilities: a missing requirement named twice is reported once",
        ["guestkit.fix", "guestkit.fix"],
        ["guestkit.inspect"],
    )
    m(
        "duplicate-available",
        "capabilities: a capability available twice matches",
        ["guestkit.inspect"],
        ["guestkit.inspect", "guestkit.inspect"],
    )
    m("unicode-nfc-nfd", "capabilities: composed é does not match decomposed e + U+0301", ["caf\u00e9"], ["cafe\u0301"])
    m("unicode-exact", "capabilities: a non-ASCII name available exactly matches", ["ёлка.v1"], ["ёлка.v1"])
    m("empty-string", "capabilities: the empty name required and available matches", [""], ["", "a"])
    m("empty-string-missing", "capabilities: the empty name required and not available is missing", [""], ["a"])
    m(
        "many",
        "capabilities: every builtin operation available covers three of them",
        ["guestkit.inspect", "hyper2kvm.convert", "system.health-check"],
        list(OPERATIONS),
    )
    m("all-missing", "capabilities: three required, all missing, all reported", ["a.x", "b.y", "c.z"], ["d.w"])


def roundtrip_cases(c: Corpus) -> None:
    pre, nod = "roundtrip.preserve", "roundtrip.no-defaults"
    j = JOB
    for where in (
        "",
        "/metadata",
        "/execution",
        "/constraints",
        "/routing",
        "/observability",
        "/audit",
        "/payload",
        "/payload/data",
    ):
        c.roundtrip(
            "job",
            pre,
            f"unknown-{slug(where) or 'top'}",
            f"job round trip keeps an unknown member in {where[1:].replace('/', '.') or 'the top level'}",
            dumps(put(j, f"{where}/x-vendor", {"keep": [1, "two", None, True]})),
        )
    ins = job_with("inspect", PAYLOADS["inspect"])
    c.roundtrip(
        "job",
        pre,
        "unknown-in-known-payload",
        "job round trip keeps an unknown member in a known payload's image",
        dumps(put(ins, "/payload/data/image/x-vendor", "kept")),
    )
    c.roundtrip(
        "job",
        pre,
        "big-free-number",
        "job round trip keeps a 400-digit number in payload data digit for digit",
        raw(free("job", "n", 0), "/payload/data/n", "1" + "0" * 399),
    )
    c.roundtrip(
        "job",
        pre,
        "u64-max",
        "job round trip keeps u64 max exactly",
        raw(j, "/constraints/maximum_disk_size_gb", str(U64 - 1)),
    )
    c.roundtrip(
        "job",
        pre,
        "unicode",
        "job round trip keeps non-ASCII text (é, 漢, 😀, U+2028)",
        dumps(put(j, "/metadata", {"name": "café 漢字 😀 \u2028 end"})),
    )
    c.roundtrip(
        "job",
        pre,
        "escapes",
        "job round trip keeps escaped control characters in values",
        dumps(put(j, "/metadata/annotations", {"note": 'tab\there\nnewline "quoted" \\ back'})),
    )
    c.roundtrip(
        "job",
        pre,
        "nulls",
        "job round trip keeps sections given as null",
        dumps({**j, "metadata": None, "execution": None, "routing": None, "audit": None}),
    )
    c.roundtrip(
        "job",
        pre,
        "floats",
        "job round trip keeps free-form floats",
        raw(free("job", "ratio", 0), "/payload/data/ratio", "0.1"),
    )
    for name, literal in (
        ("beyond-double", "1e400"),
        ("exponent", "1E+2"),
        ("trailing-zero", "0.10"),
        ("negative-zero", "-0.0"),
        ("digits-5000", "7" * 5000),
    ):
        c.roundtrip(
            "job",
            pre,
            f"number-{name}",
            f"job round trip keeps the free-form number {literal[:12]}{'...' if len(literal) > 12 else ''} as written",
            raw(free("job", "n", 0), "/payload/data/n", literal),
        )
    c.roundtrip(
        "result",
        pre,
        "unknown-nested",
        "result round trip keeps unknown members in every section",
        dumps(
            put(
                put(put(RESULT, "/x-top", 1), "/execution_summary/x-inner", [1]),
                "/data",
                {"anything": {"deep": [None]}},
            )
        ),
    )
    c.roundtrip(
        "progress",
        pre,
        "details",
        "progress round trip keeps details and unknown members",
        dumps(put(put(PROGRESS, "/details", {"packages": 812, "x": {"y": "z"}}), "/x-top", "kept")),
    )
    c.roundtrip(
        "worker",
        pre,
        "unknown-nested",
        "worker round trip keeps unknown members in every section",
        dumps(put(put(put(WORKER, "/x-top", 1), "/resources/gpus", 2), "/status/x-note", "kept")),
    )
    c.roundtrip("job", nod, "no-execution", "job round trip without execution adds no execution defaults", dumps(j))
    c.roundtrip(
        "job",
        nod,
        "empty-execution",
        "job round trip keeps an empty execution object empty",
        dumps(put(j, "/execution", {})),
    )
    c.roundtrip(
        "job",
        nod,
        "partial-execution",
        "job round trip adds no default beside a given priority",
        dumps(put(j, "/execution", {"priority": 9})),
    )
    c.roundtrip("job", nod, "no-read-only", "job round trip adds no read_only to an inspect image", dumps(ins))
    c.roundtrip(
        "worker",
        nod,
        "empty-capabilities",
        "worker round trip adds no empty lists to capabilities {}",
        dumps(put(WORKER, "/capabilities", {})),
    )
    c.roundtrip("result", nod, "no-optional", "result round trip adds no optional member", dumps(RESULT))
    c.roundtrip("progress", nod, "no-optional", "progress round trip adds no optional member", dumps(PROGRESS))


# --- realistic documents -------------------------------------------------------------------------------------------

FULL_JOB: dict[str, Any] = {
    "$schema": "https://guestkit.dev/schemas/job-v1.json",
    "version": "1.0",
    "job_id": "job-01HQZX3N7K8M9P2R4S6T8V0W2Y",
    "created_at": "2026-01-15T10:30:00Z",
    "kind": "VMOperation",
    "operation": "guestkit.inspect",
    "metadata": {
        "name": "inspect-production-web-01",
        "namespace": "production",
        "labels": {"env": "production", "team": "platform", "app": "web"},
        "annotations": {"ticket": "OPS-1234", "requested-by": "security-audit"},
    },
    "execution": {
        "attempt": 1,
        "max_attempts": 3,
        "timeout_seconds": 3600,
        "priority": 7,
        "cancellable": True,
        "idempotency_key": "inspect-web-01-2026-01-15",
        "deadline": "2026-01-15T12:30:00Z",
    },
    "constraints": {
        "required_capabilities": ["guestkit.inspect"],
        "required_features": ["lvm", "selinux"],
        "allowed_worker_pools": ["production", "default"],
        "minimum_worker_version": "0.4.0",
        "maximum_disk_size_gb": 500,
        "require_privileged": False,
    },
    "routing": {
        "worker_pool": "production",
        "affinity": {"zone": "us-east-1a"},
        "anti_affinity": {"host": ["kvm-host-13"]},
    },
    "payload": {
        "type": "guestkit.inspect.v1",
        "data": {
            "image": {
                "path": "/var/lib/libvirt/images/web-01.qcow2",
                "format": "qcow2",
                "checksum": "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                "size_bytes": 42949672960,
                "read_only": True,
            },
            "options": {
                "deep_scan": True,
                "include_packages": True,
                "include_services": True,
                "include_users": True,
                "include_network": True,
                "include_security": True,
                "include_storage": True,
                "include_databases": False,
            },
            "output": {
                "format": "json",
                "destination": "/var/lib/guestkit/reports/web-01.json",
                "compression": "gzip",
            },
        },
    },
    "observability": {
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
        "span_id": "00f067aa0ba902b7",
        "parent_span_id": "b7ad6b7169203331",
        "correlation_id": "audit-2026-q1",
    },
    "audit": {
        "submitted_by": "alice@example.com",
        "submitted_from": "10.0.12.7",
        "authorization": {"method": "oidc", "subject": "alice"},
    },
}
INSPECT_JOB: dict[str, Any] = {
    "version": "1.0",
    "job_id": "job-01J8ZQ4V5W6X7Y8Z9A0B1C2D3E",
    "created_at": "2026-01-15T10:30:00.123456Z",
    "kind": "VMOperation",
    "operation": "guestkit.inspect",
    "payload": {
        "type": "guestkit.inspect.v1",
        "data": {
            "image": {"path": "/vms/web-01.qcow2", "format": "qcow2", "read_only": True},
            "options": {
                "include_packages": True,
                "include_services": True,
                "include_network": True,
                "include_security": True,
            },
        },
    },
    "$schema": "https://guestkit.dev/schemas/job-v1.json",
    "constraints": {"required_capabilities": ["guestkit.inspect"]},
}


def realistic_cases(c: Corpus) -> None:
    c.doc(
        "job",
        "core.payload.type.matches-operation",
        "realistic-complete",
        "job: the complete example with every section filled is valid",
        valid=True,
        doc=FULL_JOB,
        family="realistic",
    )
    c.doc(
        "job",
        "payload.inspect.options",
        "realistic-inspect-job",
        "job: inspect_job builder output is valid",
        valid=True,
        doc=INSPECT_JOB,
        family="realistic",
    )
    c.doc(
        "job",
        "payload.fix.operations",
        "realistic-fix",
        "job: a fix job with backup and three operations is valid",
        valid=True,
        family="realistic",
        doc={
            **FULL_JOB,
            "job_id": "job-fix-web-01-0002",
            "operation": "guestkit.fix",
            "constraints": {"required_capabilities": ["guestkit.fix"], "require_privileged": True},
            "payload": {
                "type": "guestkit.fix.v1",
                "data": {
                    "image": {
                        "path": "/vms/web-01.qcow2",
                        "format": "qcow2",
                        "create_backup": True,
                        "backup_path": "/vms/backups/web-01.qcow2.bak",
                    },
                    "operations": [
                        {"type": "fstab", "options": {"remove_missing": True}},
                        {"type": "grub", "options": {"regenerate": True}},
                        {"type": "selinux-relabel"},
                    ],
                    "execution_policy": {"stop_on_error": True, "validate_before_commit": True},
                    "output": {
                        "fixed_image": "/vms/web-01-fixed.qcow2",
                        "log_path": "/var/log/guestkit/fix.log",
                        "report_format": "json",
                    },
                },
            },
        },
    )
    c.doc(
        "job",
        "payload.convert.target",
        "realistic-convert",
        "job: a vmdk-to-qcow2 conversion is valid",
        valid=True,
        family="realistic",
        doc={
            **JOB,
            "job_id": "job-convert-0003",
            "operation": "guestkit.convert",
            "payload": {
                "type": "guestkit.convert.v1",
                "data": {
                    "source": {"path": "/import/legacy-db.vmdk", "format": "vmdk", "size_bytes": 107374182400},
                    "target": {
                        "path": "/vms/legacy-db.qcow2",
                        "format": "qcow2",
                        "compression": True,
                        "compression_type": "zstd",
                    },
                    "options": {"verify_after_convert": True, "preserve_sparse": True},
                },
            },
        },
    )
    c.doc(
        "job",
        "payload.compare.output",
        "realistic-compare",
        "job: a compare job with a report is valid",
        valid=True,
        family="realistic",
        doc={
            **JOB,
            "job_id": "job-compare-0004",
            "operation": "guestkit.compare",
            "payload": {
                "type": "guestkit.compare.v1",
                "data": {
                    "baseline": {"path": "/vms/golden.qcow2", "format": "qcow2", "checksum": "a" * 64},
                    "target": {"path": "/vms/web-01.qcow2", "format": "qcow2"},
                    "options": {
                        "compare_packages": True,
                        "compare_files": True,
                        "compare_config": True,
                        "ignore_timestamps": True,
                    },
                    "output": {"format": "yaml", "destination": "/reports/drift.yaml", "include_recommendations": True},
                },
            },
        },
    )
    c.doc(
        "job",
        "payload.profile.options",
        "realistic-profile",
        "job: a security and compliance profile job is valid",
        valid=True,
        family="realistic",
        doc={
            **JOB,
            "job_id": "job-profile-0005",
            "operation": "guestkit.profile",
            "payload": {
                "type": "guestkit.profile.v1",
                "data": {
                    "image": {"path": "/vms/web-01.qcow2", "format": "qcow2"},
                    "profiles": ["security", "compliance", "hardening"],
                    "options": {"severity_threshold": "medium", "fail_on_critical": True},
                    "output": {"format": "json", "destination": "/reports/profile.json", "include_remediation": True},
                },
            },
        },
    )
    c.doc(
        "result",
        "result.completed.consistency",
        "realistic-completed",
        "result: a completed inspection with outputs and metrics is valid",
        valid=True,
        family="realistic",
        doc={
            "job_id": "job-01HQZX3N7K8M9P2R4S6T8V0W2Y",
            "status": "completed",
            "worker_id": "worker-kvm-03",
            "completed_at": "2026-01-15T10:34:12Z",
            "execution_summary": {
                "started_at": "2026-01-15T10:30:05Z",
                "duration_seconds": 247,
                "attempt": 1,
                "idempotency_key": "inspect-web-01-2026-01-15",
            },
            "outputs": {
                "primary": "/var/lib/guestkit/reports/web-01.json",
                "artifacts": ["/var/lib/guestkit/reports/web-01-packages.csv"],
            },
            "metrics": {
                "disk_read_bytes": 8589934592,
                "disk_write_bytes": 0,
                "peak_memory_mb": 512,
                "cpu_seconds": 190,
            },
            "observability": {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "span_id": "00f067aa0ba902b7"},
            "data": {"os": {"name": "Red Hat Enterprise Linux", "version": "9.3"}, "packages": 812},
        },
    )
    c.doc(
        "result",
        "result.failed.consistency",
        "realistic-failed",
        "result: a failed run with a recoverable error is valid",
        valid=True,
        family="realistic",
        doc={
            "job_id": "job-fix-web-01-0002",
            "status": "failed",
            "worker_id": "worker-kvm-01",
            "failed_at": "2026-01-15T11:02:40+01:00",
            "execution_summary": {
                "started_at": "2026-01-15T11:00:00+01:00",
                "duration_seconds": 160,
                "attempt": 2,
                "idempotency_key": None,
            },
            "error": {
                "code": "MOUNT_FAILED",
                "message": "cannot mount /dev/vda2: bad superblock",
                "recoverable": True,
                "retry_recommended": True,
                "phase": "mount",
                "details": {"device": "/dev/vda2", "errno": 22},
            },
        },
    )
    c.doc(
        "progress",
        "progress.progress_percent",
        "realistic-progress",
        "progress: a mid-run event with details is valid",
        valid=True,
        family="realistic",
        doc={
            "job_id": "job-01HQZX3N7K8M9P2R4S6T8V0W2Y",
            "timestamp": "2026-01-15T10:31:40.250Z",
            "sequence": 12,
            "phase": "packages",
            "message": "Enumerating RPM database",
            "progress_percent": 45,
            "details": {"packages_seen": 366},
            "observability": {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"},
        },
    )
    c.doc(
        "worker",
        "worker.status.within-capacity",
        "realistic-worker",
        "worker: a busy production worker is valid",
        valid=True,
        family="realistic",
        doc={
            "worker_id": "worker-kvm-03",
            "version": "0.4.2",
            "hostname": "kvm-03.prod.example.com",
            "registered_at": "2026-01-15T06:00:00Z",
            "capabilities": {
                "operations": ["guestkit.inspect", "guestkit.profile", "guestkit.fix", "system.health-check"],
                "features": ["lvm", "selinux", "luks"],
                "disk_formats": ["qcow2", "raw", "vmdk"],
            },
            "resources": {
                "max_concurrent_jobs": 8,
                "max_disk_size_gb": 2048,
                "available_disk_gb": 1200,
                "cpu_cores": 32,
                "memory_gb": 256,
            },
            "configuration": {"privileged": True, "worker_pool": "production", "data_locality": ["us-east-1"]},
            "status": {"state": "busy", "current_jobs": 5, "last_heartbeat": "2026-01-15T10:31:55Z"},
        },
    )


def generate(c: Corpus) -> None:
    """Every family, in a fixed order (the order of files and cases is part of the canonical form)."""
    for kind in BASE:
        parse_cases(c, kind)
        timestamp_cases(c, kind)
    for f in fields() + payload_fields():
        field_cases(c, f)
    core_cases(c)
    payload_cases(c)
    result_cases(c)
    progress_cases(c)
    worker_cases(c)
    capability_cases(c)
    roundtrip_cases(c)
    realistic_cases(c)
