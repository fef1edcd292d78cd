"""JobBuilder, inspect_job and ULIDs, as PROTOCOL.md section 2 describes the seed crate's."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

import reference
from reference import (
    GUESTKIT_INSPECT,
    OPERATIONS,
    SCHEMA_URL,
    BuilderError,
    JobBuilder,
    ValidationError,
    inspect_job,
    new_ulid,
)

CROCKFORD = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")
DATA = {"image": {"path": "/vms/a.qcow2", "format": "qcow2"}}


def _builder() -> JobBuilder:
    return JobBuilder().job_id("job-00000001").operation("guestkit.inspect").payload("guestkit.inspect.v1", DATA)


def test_built_job_is_valid_and_stamped() -> None:
    job = _builder().build()
    assert job.schema == SCHEMA_URL == "https://guestkit.dev/schemas/job-v1.json"
    assert job.version == "1.0" and job.kind == "VMOperation"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", job.created_at)
    created = datetime.strptime(job.created_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - created).total_seconds()) < 3600
    result = reference.validate(job.to_text())
    assert result.valid and not result.warnings


def test_every_builder_method_lands_in_its_member() -> None:
    job = (
        _builder()
        .name("n")
        .namespace("ns")
        .label("env", "prod")
        .label("team", "a")
        .annotation("k", "v")
        .idempotency_key("idem")
        .priority(8)
        .timeout_seconds(60)
        .max_attempts(3)
        .require_capability("guestkit.inspect")
        .require_capability("lvm")
        .require_feature("selinux")
        .worker_pool("pool-a")
        .trace_id("t")
        .correlation_id("c")
        .submitted_by("alice")
        .build()
    )
    out = job.to_json()
    assert out["metadata"] == {
        "name": "n",
        "namespace": "ns",
        "labels": {"env": "prod", "team": "a"},
        "annotations": {"k": "v"},
    }
    assert out["execution"] == {"idempotency_key": "idem", "priority": 8, "timeout_seconds": 60, "max_attempts": 3}
    assert out["constraints"] == {
        "required_capabilities": ["guestkit.inspect", "lvm"],
        "required_features": ["selinux"],
    }
    assert out["routing"] == {"worker_pool": "pool-a"}
    assert out["observability"] == {"trace_id": "t", "correlation_id": "c"}
    assert out["audit"] == {"submitted_by": "alice"}
    assert list(out)[:7] == ["$schema", "version", "job_id", "created_at", "kind", "operation", "payload"]


@pytest.mark.parametrize(("given", "kept"), [(-5, 1), (0, 1), (1, 1), (5, 5), (10, 10), (11, 10), (255, 10)])
def test_priority_is_clamped_into_1_to_10(given: int, kept: int) -> None:
    job = _builder().priority(given).build()
    assert job.execution is not None and job.execution.priority == kept


def test_priority_must_be_an_integer() -> None:
    with pytest.raises(TypeError, match=r"priority='5' must be an integer"):
        _builder().priority("5")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("builder", "missing"),
    [
        (JobBuilder().operation("a.b").payload("a.b.v1", {}), "job_id"),
        (JobBuilder().job_id("job-00000001").payload("a.b.v1", {}), "operation"),
        (JobBuilder().job_id("job-00000001").operation("a.b"), "payload"),
        (JobBuilder(), "job_id and operation and payload"),
    ],
)
def test_missing_members_are_named(builder: JobBuilder, missing: str) -> None:
    with pytest.raises(BuilderError) as info:
        builder.build()
    assert str(info.value).startswith(f"cannot build a job: {missing} not set (call ")


def test_an_invalid_built_job_raises_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        JobBuilder().job_id("job-1").operation("a.b").payload("a.b.v1", {}).build()
    assert info.value.result.rules == {"core.job_id"}
    with pytest.raises(ValidationError) as info:
        _builder().operation("guestkit.fix").build()
    assert info.value.result.rules == {"core.payload.type.matches-operation"}


def test_generated_job_id_is_job_dash_ulid() -> None:
    ids = {JobBuilder().generate_job_id()._job_id for _ in range(50)}
    assert len(ids) == 50
    for job_id in ids:
        assert job_id is not None and job_id.startswith("job-") and CROCKFORD.fullmatch(job_id[4:])


def test_ulid_encodes_the_timestamp_and_randomness() -> None:
    assert new_ulid(0, bytes(10)) == "0" * 26
    assert new_ulid((1 << 48) - 1, b"\xff" * 10) == "7" + "Z" * 25
    # The ULID spec's example 01ARZ3NDEKTSV4RRFFQ69G5FAV carries the timestamp 1469922850259.
    assert new_ulid(1469922850259, bytes(10)).startswith("01ARZ3NDEK")
    earlier, later = new_ulid(1_000), new_ulid(2_000)
    assert earlier < later
    with pytest.raises(ValueError, match="48-bit"):
        new_ulid(1 << 48)
    with pytest.raises(ValueError, match="exactly 10"):
        new_ulid(0, b"x")


def test_inspect_job_as_the_crate_makes_it() -> None:
    job = inspect_job("/vms/test.qcow2").build()
    assert job.operation == GUESTKIT_INSPECT
    assert job.payload.type == "guestkit.inspect.v1"
    assert job.payload.data == {
        "image": {"path": "/vms/test.qcow2", "format": "qcow2", "read_only": True},
        "options": {
            "include_packages": True,
            "include_services": True,
            "include_network": True,
            "include_security": True,
        },
    }
    assert job.constraints is not None and job.constraints.required_capabilities == ["guestkit.inspect"]
    assert job.job_id.startswith("job-") and CROCKFORD.fullmatch(job.job_id[4:])
    assert inspect_job("/vms/a.qcow2").job_id("job-chosen-1").build().job_id == "job-chosen-1"


def test_inspect_job_output_matches_the_shipped_example_but_for_id_and_time() -> None:
    from _refdocs import example

    built = inspect_job("/vms/test.qcow2").build().to_json()
    shipped = example("job-inspect.json")
    for doc in (built, shipped):
        doc.pop("job_id"), doc.pop("created_at")
    assert built == shipped


def test_operation_constants() -> None:
    assert OPERATIONS == (
        "guestkit.inspect",
        "guestkit.profile",
        "guestkit.fix",
        "guestkit.convert",
        "guestkit.compare",
        "hyper2kvm.convert",
        "hyper2kvm.validate",
        "system.health-check",
        "system.capability-probe",
    )
    for op in OPERATIONS:
        job = JobBuilder().generate_job_id().operation(op).payload(op + ".v1", {}).to_json()
        rules = reference.validate(job).rules
        assert not rules - {
            "payload.inspect.image",
            "payload.profile.image",
            "payload.profile.profiles",
            "payload.fix.image",
            "payload.fix.operations",
            "payload.convert.source",
            "payload.convert.target",
            "payload.compare.baseline",
            "payload.compare.target",
        }, op


def test_the_shipped_builder_example_is_what_the_builder_makes() -> None:
    from _refdocs import example

    built = (
        JobBuilder()
        .job_id("job-01JD8X3V7Q2K9M4N6P8R0S2T4Y")
        .operation("guestkit.profile")
        .payload(
            "guestkit.profile.v1",
            {
                "image": {"path": "/vms/db-02.vmdk", "format": "vmdk"},
                "profiles": ["security", "compliance"],
                "options": {"severity_threshold": "high", "fail_on_critical": True},
                "output": {"format": "yaml", "destination": "/reports/db-02.yaml", "include_remediation": True},
            },
        )
        .name("profile db-02")
        .namespace("staging")
        .label("env", "staging")
        .annotation("owner", "dba")
        .idempotency_key("profile-db-02")
        .priority(12)
        .timeout_seconds(7200)
        .max_attempts(2)
        .require_capability("guestkit.profile")
        .require_feature("vmdk")
        .worker_pool("pool-b")
        .trace_id("trace-7f3a")
        .correlation_id("nightly-audit")
        .submitted_by("scheduler")
        .build()
        .to_json()
    )
    shipped = example("job-builder.json")
    built.pop("created_at"), shipped.pop("created_at")
    assert built == shipped
    assert list(built) == list(shipped)
