"""Realistic documents, one family across the classes: a job of every operation, results, a progress event and
a worker as a deployment writes them, each filed under ``<kind>/<class>/realistic.json`` of its rule's class."""

from __future__ import annotations

from typing import Any

from ..builder import Corpus
from .documents import JOB

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


def cases(c: Corpus) -> None:
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
