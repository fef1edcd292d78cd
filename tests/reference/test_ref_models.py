"""Typed models: exact round trip (unknown members at every level, member order, big numbers), no default
injected unless normalize is asked, invalid documents refused."""

from __future__ import annotations

import json

import pytest
from _refdocs import Raw, document, dumps, edit, example

import reference
from reference import (
    Document,
    Execution,
    JobDocument,
    JobResult,
    ProgressEvent,
    ValidationError,
    WorkerCapabilities,
    model_for,
)


def _compact(text: str) -> str:
    return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))


def test_job_sections_are_typed() -> None:
    job = JobDocument.from_json(document("job-full"))
    assert job.schema == "https://guestkit.dev/schemas/job-v1.json"
    assert job.payload.type == "guestkit.inspect.v1"
    assert job.payload.data["image"]["format"] == "qcow2"
    assert job.metadata is not None and job.metadata.labels == {"env": "prod", "team": "platform"}
    assert job.execution is not None and job.execution.priority == 7
    assert job.constraints is not None and job.constraints.minimum_worker_version == "0.4.0"
    assert job.routing is not None and job.routing.anti_affinity == {"host": ["hv-07", "hv-09"]}
    assert job.observability is not None and job.observability.span_id == "00f067aa0ba902b7"
    assert job.audit is not None and job.audit.authorization is not None
    assert job.audit.authorization.method == "oidc"


def test_unknown_members_at_every_level_survive_in_order() -> None:
    doc = edit(
        example("job-complete.json"),
        {
            "/zz-top": {"nested": [1, {"deep": True}]},
            "/metadata/x": 1,
            "/execution/x": 2,
            "/constraints/x": 3,
            "/routing/x": 4,
            "/observability/x": 5,
            "/audit/x": 6,
            "/audit/authorization/x": 7,
            "/payload/x": 8,
            "/payload/data/image/x": 9,
        },
    )
    doc = {"aaa-first": 0, **doc}  # an unknown member before every known one
    text = json.dumps(doc)
    job = JobDocument.from_json(text)
    assert job.extra == {"aaa-first": 0, "zz-top": {"nested": [1, {"deep": True}]}}
    assert job.audit is not None and job.audit.authorization is not None
    assert job.audit.authorization.extra == {"x": 7}
    assert job.to_text() == _compact(text)
    assert list(job.to_json()) == list(doc)


def test_no_default_is_injected_and_null_stays_null() -> None:
    text = document("job", {"/execution": {"attempt": 1}, "/metadata": None, "/routing": {"worker_id": None}})
    job = JobDocument.from_json(text)
    assert job.to_text() == _compact(text)
    assert job.execution == Execution(attempt=1)


def test_normalize_applies_defaults_to_a_copy() -> None:
    job = JobDocument.from_json(document("job"))
    normal = job.normalize()
    assert job.execution is None and "read_only" not in job.payload.data["image"]
    assert normal.execution is not None
    assert (
        normal.execution.attempt,
        normal.execution.max_attempts,
        normal.execution.timeout_seconds,
        normal.execution.priority,
        normal.execution.cancellable,
    ) == (1, 1, 3600, 5, True)
    assert normal.payload.data["image"]["read_only"] is True
    assert normal.validate().valid


def test_normalize_keeps_values_that_are_set() -> None:
    job = JobDocument.from_json(document("job", {"/execution": {"priority": 9, "cancellable": False}}))
    normal = job.normalize()
    assert normal.execution is not None
    assert (normal.execution.priority, normal.execution.cancellable, normal.execution.attempt) == (9, False, 1)
    assert list(normal.to_json()["execution"]) == [
        "priority",
        "cancellable",
        "attempt",
        "max_attempts",
        "timeout_seconds",
    ]


def test_worker_and_result_defaults() -> None:
    worker = WorkerCapabilities.from_json(document("worker", {"/capabilities": {"x": 1}}))
    assert worker.capabilities.operations is None
    normal = worker.normalize()
    assert normal.capabilities.to_json() == {"x": 1, "operations": [], "features": [], "disk_formats": []}
    result = JobResult.from_json(document("result", {"/outputs": {"primary": "p"}}))
    assert result.normalize().to_json()["outputs"] == {"primary": "p", "artifacts": []}
    assert result.to_json()["outputs"] == {"primary": "p"}


def test_big_numbers_are_preserved_digit_for_digit() -> None:
    digits = "9" * 300
    doc = dumps(edit(example("job-minimal.json"), {"/payload/data/n": Raw(digits), "/x": Raw("1E+2")}))
    job = JobDocument.from_json(doc)
    assert job.to_text() == doc.replace(" ", "")
    assert digits in reference.roundtrip(doc)


def test_result_data_absent_and_null_are_told_apart() -> None:
    with_null = document("result", {"/data": None})
    without = document("result")
    assert '"data":null' in JobResult.from_json(with_null).to_text()
    absent = json.loads(without)
    del absent["data"]
    assert "data" not in JobResult.from_json(absent).to_json()


@pytest.mark.parametrize(
    ("cls", "base"),
    [(JobDocument, "job"), (JobResult, "failed"), (ProgressEvent, "progress"), (WorkerCapabilities, "worker")],
)
def test_every_kind_round_trips_from_text_bytes_and_mapping(cls: type[Document], base: str) -> None:
    text = document(base, {"/x-unknown": {"k": [1, 2]}})
    for source in (text, text.encode(), json.loads(text)):
        assert cls.from_json(source).to_text() == _compact(text)


@pytest.mark.parametrize("kind", ["job", "result", "progress", "worker"])
def test_an_invalid_document_raises_validation_error(kind: str) -> None:
    with pytest.raises(ValidationError) as info:
        model_for(kind).from_json("{}")
    assert info.value.result.errors
    assert "is a required property" in str(info.value)
    with pytest.raises(ValidationError):
        model_for(kind).from_json(b"\xef\xbb\xbf{}")


def test_roundtrip_rejects_an_invalid_document() -> None:
    with pytest.raises(ValidationError) as info:
        reference.roundtrip(document("job", {"/execution/priority": 0}))
    assert info.value.result.rules == {"core.execution.priority"}


def test_model_for_an_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="kind='jobs' is not a document kind"):
        model_for("jobs")


def test_a_model_edited_in_place_is_revalidated() -> None:
    job = JobDocument.from_json(document("job"))
    job.execution = Execution(priority=42)
    assert job.validate().rules == {"core.execution.priority"}
    with pytest.raises(ValidationError):
        reference.JobValidator.validate(job)


def test_normalize_and_copies_keep_big_numbers_and_float_literals() -> None:
    digits = "7" * 60
    doc = document("job", {"/payload/data/b": Raw(digits), "/payload/data/f": [Raw("1e400"), Raw("0.10")]})
    normal = JobDocument.from_json(doc).normalize().to_text()
    assert f'"b":{digits}' in normal and '"f":[1e400,0.10]' in normal
