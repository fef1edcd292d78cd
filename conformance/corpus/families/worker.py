"""The worker document (class worker): each member's type, null and bounds, its states, capacity, capabilities
and configuration, unknown members."""

from __future__ import annotations

import json

from ..builder import Corpus, put, slug
from .documents import TS, U32, U64, WORKER
from .members import Field, unknown_member


def fields() -> list[Field]:
    s, n, b, o, a, i = "string", "null", "boolean", "object", "array", "integer"
    out = [
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
    return out


def cases(c: Corpus) -> None:
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
    for at, rule in (
        ("", "worker.worker_id"),
        ("/capabilities", "worker.capabilities"),
        ("/resources", "worker.resources"),
        ("/configuration", "worker.configuration"),
        ("/status", "worker.status"),
    ):
        unknown_member(c, "worker", rule, at, w)
