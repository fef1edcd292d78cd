"""``vmjob serve``: the reference over HTTP, and every bad request answered cleanly."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from typing import Any

from tests.harness.corpus_builder import JOB


def request(base: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, json.loads(data) if resp.getheader("Content-Type") == "application/json" else data, resp


def test_valid_job_is_200_with_warnings(http_reference: str) -> None:
    doc = dict(JOB, execution={"timeout_seconds": 90000})
    status, body, _ = request(http_reference, "POST", "/job", json.dumps(doc).encode())
    assert status == 200 and body["valid"] is True
    assert [w["pointer"] for w in body["warnings"]] == ["/execution/timeout_seconds"]


def test_invalid_job_is_422_with_errors_on_both_endpoints(http_reference: str) -> None:
    for path in ("/job", "/api/v1/jobs"):
        status, body, _ = request(http_reference, "POST", path, json.dumps(dict(JOB, version="2")).encode())
        assert status == 422 and body["valid"] is False
        assert body["errors"][0]["pointer"] == "/version"


def test_unknown_path_is_404_and_wrong_method_405(http_reference: str) -> None:
    status, body, _ = request(http_reference, "POST", "/jobs")
    assert status == 404 and "/api/v1/jobs" in body["error"]
    status, body, resp = request(http_reference, "GET", "/job")
    assert status == 405 and resp.getheader("Allow") == "POST"


def test_body_over_the_cap_is_413_without_reading_it(http_reference: str) -> None:
    from conformance.commands.serve import MAX_BODY

    status, body, _ = request(http_reference, "POST", "/job", b"{}", {"Content-Length": str(MAX_BODY + 1)})
    # waitress refuses it from the Content-Length alone, before the app (and before the body arrives).
    assert status == 413 and b"Request Entity Too Large" in body
