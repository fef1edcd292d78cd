"""Plain valid documents of every kind, and small edits of them: the zoo's witnesses are built from these."""

from __future__ import annotations

import copy
import json
from typing import Any

JOB: dict[str, Any] = {
    "version": "1.0",
    "job_id": "job-01HZX3Q8F2K9",
    "created_at": "2026-03-01T10:00:00Z",
    "kind": "VMOperation",
    "operation": "guestkit.inspect",
    "payload": {
        "type": "guestkit.inspect.v1",
        "data": {"image": {"path": "/var/lib/images/web-01.qcow2", "format": "qcow2"}},
    },
}

RESULT: dict[str, Any] = {
    "job_id": "job-01HZX3Q8F2K9",
    "status": "completed",
    "worker_id": "worker-a",
    "completed_at": "2026-03-01T10:05:00Z",
    "execution_summary": {"started_at": "2026-03-01T10:00:05Z", "duration_seconds": 295, "attempt": 1},
}

PROGRESS: dict[str, Any] = {
    "job_id": "job-01HZX3Q8F2K9",
    "timestamp": "2026-03-01T10:01:00Z",
    "sequence": 3,
    "phase": "inspect",
    "message": "reading the partition table",
    "progress_percent": 40,
}

WORKER: dict[str, Any] = {
    "worker_id": "worker-a",
    "version": "0.4.0",
    "hostname": "kvm-host-1",
    "registered_at": "2026-03-01T09:00:00Z",
    "capabilities": {"operations": ["guestkit.inspect"], "features": [], "disk_formats": ["qcow2"]},
    "resources": {
        "max_concurrent_jobs": 4,
        "max_disk_size_gb": 500,
        "available_disk_gb": 300,
        "cpu_cores": 8,
        "memory_gb": 32,
    },
    "configuration": {"privileged": False, "worker_pool": None, "data_locality": None},
    "status": {"state": "ready", "current_jobs": 1, "last_heartbeat": "2026-03-01T09:59:00Z"},
}

PLAIN: dict[str, dict[str, Any]] = {"job": JOB, "result": RESULT, "progress": PROGRESS, "worker": WORKER}

_DELETE = object()


def edit(kind: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The plain document of ``kind`` with ``changes`` applied: ``{"/execution/priority": 0}`` sets a member
    (creating the objects on its way), a value of :data:`DELETE` removes it."""
    doc = copy.deepcopy(PLAIN[kind])
    for pointer, value in changes.items():
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]
        node = doc
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        if value is _DELETE:
            node.pop(parts[-1], None)
        else:
            node[parts[-1]] = value
    return doc


DELETE: Any = _DELETE


def text(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False)


def job_text(**changes: Any) -> str:
    """A job's text with ``changes`` given as keyword arguments named for their pointer (``execution__priority``)."""
    return text(edit("job", {"/" + k.replace("__", "/"): v for k, v in changes.items()}))
