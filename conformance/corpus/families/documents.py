"""The valid base documents every case starts from: one per kind, the known payloads' data, an error; and
where each kind holds free-form data, a place for any value the protocol does not define."""

from __future__ import annotations

from typing import Any

from ..builder import put

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


#: A valid ``error`` object of a failed result.
ERROR = {
    "code": "E_MOUNT",
    "message": "cannot mount the root filesystem",
    "recoverable": True,
    "retry_recommended": False,
}

#: Per kind: a free-form location (a member the protocol does not define).
FREE_AT = {"job": "/payload/data", "result": "/data", "progress": "/details", "worker": "/x-site"}


def free(kind: str, name: str, value: Any) -> dict[str, Any]:
    """The kind's base document with ``value`` in free-form data (a member the protocol does not define)."""
    return put(BASE[kind], f"{FREE_AT[kind]}/{name}", value)
