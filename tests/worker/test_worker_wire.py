"""WORKER.md's schemas are valid JSON Schema, and the reference worker's messages keep them."""

from __future__ import annotations

import json
import time
from importlib import resources
from typing import Any

import jsonschema
import pytest

from conformance.worker.adapter import reply_to
from conformance.worker.engine import Worker
from conformance.worker.http import handle

NAMES = (
    "worker-start-request",
    "worker-start-reply",
    "worker-capabilities-request",
    "worker-capabilities-reply",
    "worker-submit-request",
    "worker-submit-reply",
    "worker-result-request",
    "worker-result-reply",
    "worker-stop-request",
    "worker-http-refusal",
    "worker-http-accepted",
)
JOB = {
    "version": "1.0",
    "job_id": "job-wire-0001",
    "created_at": "2026-01-01T00:00:00Z",
    "kind": "VMOperation",
    "operation": "test.echo",
    "payload": {"type": "test.echo.v1", "data": {"x": 1}},
}


def schema(name: str) -> dict[str, Any]:
    text = resources.files("conformance").joinpath("schemas", f"{name}.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def check(name: str, message: Any) -> None:
    jsonschema.validate(message, schema(name), cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("name", NAMES)
def test_every_worker_schema_is_valid_json_schema_and_documented(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(name))
    doc = (resources.files("conformance") / "WORKER.md").read_text(encoding="utf-8")
    assert f"`{name}.json`" in doc


def test_an_adapter_session_of_the_reference_worker_keeps_the_schemas() -> None:
    worker = Worker()
    try:
        session = [
            ({"cmd": "start", "protocol": 1}, "worker-start"),
            ({"cmd": "capabilities", "seq": 1}, "worker-capabilities"),
            ({"cmd": "submit", "seq": 2, "job": json.dumps(JOB)}, "worker-submit"),
            ({"cmd": "submit", "seq": 3, "job": "{"}, "worker-submit"),
            ({"cmd": "result", "seq": 4, "job_id": "job-wire-0001", "wait_s": 5}, "worker-result"),
            ({"cmd": "result", "seq": 5, "job_id": "job-never-seen", "wait_s": 0}, "worker-result"),
        ]
        for request, name in session:
            check(f"{name}-request", request)
            reply = reply_to(worker, request)
            check(f"{name}-reply", reply)
        check("worker-stop-request", {"cmd": "stop"})
        assert reply_to(worker, {"cmd": "stop"}) is None
    finally:
        worker.close()


def test_the_http_binding_keeps_the_schemas() -> None:
    worker = Worker()
    try:
        status, body = handle(worker, "POST", ["api", "v1", "jobs"], json.dumps({"job": JOB}).encode())
        assert status == 200
        check("worker-http-accepted", json.loads(body))
        status, body = handle(worker, "POST", ["api", "v1", "jobs"], b'{"job": {"job_id": 1}}')
        assert status == 422
        check("worker-http-refusal", json.loads(body))
        deadline = time.monotonic() + 5
        while (status := handle(worker, "GET", ["api", "v1", "jobs", "job-wire-0001", "result"], b"")[0]) != 200:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert handle(worker, "GET", ["api", "v1", "nope"], b"")[0] == 404
    finally:
        worker.close()
