"""A fluent job builder, mirroring the seed crate's ``JobBuilder`` and ``inspect_job`` helper.

Built jobs are validated by the reference before they are handed back, so a builder can never produce a
document the protocol rejects; what is missing is named in one :class:`BuilderError`.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import Any, Self

from .models import JobDocument

__all__ = [
    "GUESTKIT_COMPARE",
    "GUESTKIT_CONVERT",
    "GUESTKIT_FIX",
    "GUESTKIT_INSPECT",
    "GUESTKIT_PROFILE",
    "HYPER2KVM_CONVERT",
    "HYPER2KVM_VALIDATE",
    "OPERATIONS",
    "SCHEMA_URL",
    "SYSTEM_CAPABILITY_PROBE",
    "SYSTEM_HEALTH_CHECK",
    "BuilderError",
    "JobBuilder",
    "inspect_job",
    "new_ulid",
]

SCHEMA_URL = "https://guestkit.dev/schemas/job-v1.json"

GUESTKIT_INSPECT = "guestkit.inspect"
GUESTKIT_PROFILE = "guestkit.profile"
GUESTKIT_FIX = "guestkit.fix"
GUESTKIT_CONVERT = "guestkit.convert"
GUESTKIT_COMPARE = "guestkit.compare"
HYPER2KVM_CONVERT = "hyper2kvm.convert"
HYPER2KVM_VALIDATE = "hyper2kvm.validate"
SYSTEM_HEALTH_CHECK = "system.health-check"
SYSTEM_CAPABILITY_PROBE = "system.capability-probe"
#: Every operation name the crate defines a constant for.
OPERATIONS = (
    GUESTKIT_INSPECT,
    GUESTKIT_PROFILE,
    GUESTKIT_FIX,
    GUESTKIT_CONVERT,
    GUESTKIT_COMPARE,
    HYPER2KVM_CONVERT,
    HYPER2KVM_VALIDATE,
    SYSTEM_HEALTH_CHECK,
    SYSTEM_CAPABILITY_PROBE,
)

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ulid(now_ms: int | None = None, randomness: bytes | None = None) -> str:
    """A ULID: a 48-bit millisecond timestamp and 80 random bits, 26 Crockford base32 characters.

    ULIDs sort by creation time as text, which keeps generated job ids (and result file names) in order.
    """
    ms = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    if not 0 <= ms < 1 << 48:
        raise ValueError(f"now_ms={ms} is outside the 48-bit range of a ULID timestamp")
    rand = os.urandom(10) if randomness is None else randomness
    if len(rand) != 10:
        raise ValueError(f"randomness has {len(rand)} bytes; a ULID takes exactly 10 (80 bits)")
    n = (ms << 80) | int.from_bytes(rand, "big")
    return "".join(_CROCKFORD[(n >> shift) & 31] for shift in range(125, -1, -5))


class BuilderError(ValueError):
    """The builder lacks a member every job needs (``job_id``, ``operation`` or ``payload``)."""


_HOW = {
    "job_id": ".job_id(...) or .generate_job_id()",
    "operation": ".operation(...)",
    "payload": ".payload(type, data)",
}


class JobBuilder:
    """Build a job step by step; :meth:`build` stamps ``$schema`` and ``created_at`` and validates."""

    def __init__(self) -> None:
        self._job_id: str | None = None
        self._operation: str | None = None
        self._payload: dict[str, Any] | None = None
        self._metadata: dict[str, Any] = {}
        self._execution: dict[str, Any] = {}
        self._constraints: dict[str, Any] = {}
        self._routing: dict[str, Any] = {}
        self._observability: dict[str, Any] = {}
        self._audit: dict[str, Any] = {}

    def job_id(self, job_id: str) -> Self:
        self._job_id = job_id
        return self

    def generate_job_id(self) -> Self:
        """Set the job id to ``job-`` and a fresh ULID."""
        self._job_id = "job-" + new_ulid()
        return self

    def operation(self, operation: str) -> Self:
        self._operation = operation
        return self

    def payload(self, type: str, data: dict[str, Any]) -> Self:
        self._payload = {"type": type, "data": data}
        return self

    def name(self, name: str) -> Self:
        self._metadata["name"] = name
        return self

    def namespace(self, namespace: str) -> Self:
        self._metadata["namespace"] = namespace
        return self

    def label(self, key: str, value: str) -> Self:
        self._metadata.setdefault("labels", {})[key] = value
        return self

    def annotation(self, key: str, value: str) -> Self:
        self._metadata.setdefault("annotations", {})[key] = value
        return self

    def idempotency_key(self, key: str) -> Self:
        self._execution["idempotency_key"] = key
        return self

    def priority(self, priority: int) -> Self:
        """Set the priority, clamped into 1..10 as the crate's builder does (its validator rejects others)."""
        if type(priority) is not int:
            raise TypeError(f"priority={priority!r} must be an integer")
        self._execution["priority"] = min(10, max(1, priority))
        return self

    def timeout_seconds(self, seconds: int) -> Self:
        self._execution["timeout_seconds"] = seconds
        return self

    def max_attempts(self, attempts: int) -> Self:
        self._execution["max_attempts"] = attempts
        return self

    def require_capability(self, capability: str) -> Self:
        self._constraints.setdefault("required_capabilities", []).append(capability)
        return self

    def require_feature(self, feature: str) -> Self:
        self._constraints.setdefault("required_features", []).append(feature)
        return self

    def worker_pool(self, pool: str) -> Self:
        self._routing["worker_pool"] = pool
        return self

    def trace_id(self, trace_id: str) -> Self:
        self._observability["trace_id"] = trace_id
        return self

    def correlation_id(self, correlation_id: str) -> Self:
        self._observability["correlation_id"] = correlation_id
        return self

    def submitted_by(self, who: str) -> Self:
        self._audit["submitted_by"] = who
        return self

    def to_json(self) -> dict[str, Any]:
        """The job as a JSON object, ``created_at`` set to now; not validated (see :meth:`build`)."""
        missing = [
            name
            for name, value in (("job_id", self._job_id), ("operation", self._operation), ("payload", self._payload))
            if value is None
        ]
        if missing:
            how = ", ".join(_HOW[m] for m in missing)
            raise BuilderError(f"cannot build a job: {' and '.join(missing)} not set (call {how})")
        job: dict[str, Any] = {
            "$schema": SCHEMA_URL,
            "version": "1.0",
            "job_id": self._job_id,
            "created_at": _now(),
            "kind": "VMOperation",
            "operation": self._operation,
            "payload": _copy(self._payload),
        }
        for section, members in (
            ("metadata", self._metadata),
            ("execution", self._execution),
            ("constraints", self._constraints),
            ("routing", self._routing),
            ("observability", self._observability),
            ("audit", self._audit),
        ):
            if members:
                job[section] = _copy(members)
        return job

    def build(self) -> JobDocument:
        """The job, validated: :class:`BuilderError` when a needed member is unset, ValidationError when the
        reference finds the result invalid (a malformed operation, a payload type that does not match it...)."""
        return JobDocument.from_json(self.to_json())


def _copy(value: Any) -> Any:
    import copy

    return copy.deepcopy(value)


def _now() -> str:
    """Now in strict RFC 3339, UTC, with a ``Z`` (microsecond precision)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def inspect_job(path: str) -> JobBuilder:
    """A builder for a guestkit.inspect job of a qcow2 image, as the crate's helper makes it.

    Read-only, with packages, services, network and security inspection on, requiring capability
    ``guestkit.inspect``; a job id is generated (call ``.job_id(...)`` to choose one), then ``.build()``.
    """
    return (
        JobBuilder()
        .generate_job_id()
        .operation(GUESTKIT_INSPECT)
        .payload(
            GUESTKIT_INSPECT + ".v1",
            {
                "image": {"path": path, "format": "qcow2", "read_only": True},
                "options": {
                    "include_packages": True,
                    "include_services": True,
                    "include_network": True,
                    "include_security": True,
                },
            },
        )
        .require_capability(GUESTKIT_INSPECT)
    )
