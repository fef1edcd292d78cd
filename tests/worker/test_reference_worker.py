"""The reference worker is certified conformant over all three bindings, and keeps its promises."""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path
from typing import Any

import pytest

from conformance.worker.engine import Worker
from tests.worker.conftest import PYTHON, http_worker, vmjob, worker_process


def _job(job_id: str, key: str | None = None, op: str = "test.echo", data: Any = None) -> bytes:
    doc: dict[str, Any] = {
        "version": "1.0",
        "job_id": job_id,
        "created_at": "2026-01-01T00:00:00Z",
        "kind": "VMOperation",
        "operation": op,
        "payload": {"type": f"{op}.v1", "data": data if data is not None else {"n": job_id}},
    }
    if key is not None:
        doc["execution"] = {"idempotency_key": key}
    return json.dumps(doc).encode()


def _result(worker: Worker, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while (result := worker.result(job_id)) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert result is not None, f"no result for {job_id}"
    return result


def _report(path: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return report


def _rules_run(report: dict[str, Any]) -> set[str]:
    return {rid for rid, e in report["rules"].items() if e["counts"]["pass"]}


@pytest.mark.slow
def test_reference_worker_is_conformant_over_http(tmp_path: Path, left_behind: Any) -> None:
    with http_worker() as url:
        done = vmjob(
            "worker",
            "certify",
            "--url",
            url,
            "--seed",
            "5",
            "--level",
            "recommended",
            "--results",
            tmp_path / "r.jsonl",
            "--json",
            tmp_path / "r.json",
            "--html",
            tmp_path / "r.html",
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "CONFORMANT at level recommended for worker behaviour (class behaviour)" in done.stdout
    report = _report(tmp_path / "r.json")
    assert report["claimed"]["classes"] == ["behaviour"] and report["summary"]["outcomes"]["fail"] == 0
    # every behaviour rule but path safety (file binding only) was exercised and passed
    assert _rules_run(report) == {r for r in report["rules"] if r != "behaviour.path-safety"}
    assert report["rules"]["behaviour.path-safety"]["counts"]["skip"] == 4
    assert not left_behind()


@pytest.mark.slow
def test_reference_worker_is_conformant_over_the_file_binding(tmp_path: Path, left_behind: Any) -> None:
    jobs, results = tmp_path / "a" / "b" / "jobs", tmp_path / "a" / "b" / "results"
    command = f"{PYTHON} -m conformance worker serve --files {shlex.quote(str(jobs))} {shlex.quote(str(results))}"
    with worker_process(command) as line:
        assert line.startswith("vmjob worker serve: watching")
        done = vmjob(
            "worker",
            "certify",
            "--files",
            jobs,
            results,
            "--seed",
            "5",
            "--level",
            "recommended",
            "--results",
            tmp_path / "r.jsonl",
            "--json",
            tmp_path / "r.json",
        )
    assert done.returncode == 0, done.stdout + done.stderr
    report = _report(tmp_path / "r.json")
    assert _rules_run(report) == set(report["rules"])  # path safety too: the tree around RESULTS was listed
    assert (results / "worker.json").is_file()
    # nothing was written beside the results directory, hostile job ids included
    assert sorted(p.name for p in (tmp_path / "a" / "b").iterdir()) == ["jobs", "results"]
    assert not [p for p in results.rglob("*") if p.is_dir()]
    assert not left_behind()


@pytest.mark.slow
def test_reference_worker_is_conformant_over_the_adapter_protocol(tmp_path: Path, left_behind: Any) -> None:
    done = vmjob(
        "worker",
        "certify",
        "--cmd",
        f"{PYTHON} -m conformance worker serve --adapter",
        "--seed",
        "5",
        "--cases",
        "40",
        "--fuzz",
        "10",
        "--results",
        tmp_path / "r.jsonl",
        "--json",
        tmp_path / "r.json",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = _report(tmp_path / "r.json")
    assert report["implementation"]["name"] == "vmjob reference worker"
    assert "behaviour.idempotency.running" in _rules_run(report)
    assert not left_behind()


def test_a_restart_keeps_the_idempotency_promise(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    first = Worker(state)
    try:
        assert first.submit(_job("job-first-0001", key="k")).accepted
        result = _result(first, "job-first-0001")
    finally:
        first.close()
    again = Worker(state)
    try:
        sub = again.submit(_job("job-second-001", key="k", data={"other": True}))
        assert sub.accepted and sub.duplicate_of == "job-first-0001"
        assert again.result("job-second-001") == result  # the first result, not a second run
    finally:
        again.close()


def test_a_job_running_when_the_worker_stopped_is_reported_failed_after_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    first = Worker(state)
    try:
        assert first.submit(_job("job-sleeper-01", key="s", op="test.sleep", data={"seconds": 30})).accepted
    finally:
        first.close()  # stops the sleeping job: it never finished
    again = Worker(state)
    try:
        result = again.result("job-sleeper-01")
        assert result is not None and result["status"] == "failed"
        assert result["error"]["code"] == "WORKER_RESTARTED"
        # the key's promise is that result: a duplicate gets it, and is not refused as running
        assert again.submit(_job("job-sleeper-02", key="s", op="test.sleep", data={"seconds": 0})).duplicate_of
    finally:
        again.close()


@pytest.mark.parametrize(
    ("job_id", "name"),
    [("../x-escape", "%2E.%2Fx-escape"), ("a\\..\\b-escape", "a%5C..%5Cb-escape"), ("job-plain-01", "job-plain-01")],
)
def test_result_file_names_stay_in_the_results_directory(job_id: str, name: str) -> None:
    worker = Worker()
    try:
        assert worker.result_name(job_id) == name
    finally:
        worker.close()


def test_refusals_say_why() -> None:
    worker = Worker()
    try:
        cases = {
            b"{": "VALIDATION_ERROR",
            _job("job-unknown-op", op="test.unoffered"): "UNSUPPORTED_OPERATION",
            _job("job-sleep-long", op="test.sleep", data={"seconds": 3600}): "INVALID_PAYLOAD",
        }
        for data, code in cases.items():
            sub = worker.submit(data)
            assert not sub.accepted and sub.code == code and sub.message, (data, sub)
    finally:
        worker.close()


def test_a_job_id_with_a_slash_is_reached_over_http_percent_encoded() -> None:
    import threading

    from conformance.behaviour.bindings import HttpBinding
    from conformance.worker.http import create_server

    worker = Worker()
    server = create_server(worker)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        binding = HttpBinding(f"http://127.0.0.1:{server.effective_port}")
        binding.begin()
        assert binding.submit(_job("../x-escape-id"), "t").verdict == "accepted"
        got = binding.wait("../x-escape-id", "t", 10)
        assert got.result is not None and got.result["job_id"] == "../x-escape-id"
        assert "/jobs/..%2Fx-escape-id/result" in json.dumps(binding.evidence())
    finally:
        server.close()
        thread.join(5)
        worker.close()


def test_a_reused_job_id_over_the_file_binding_keeps_the_first_result(tmp_path: Path) -> None:
    from conformance.worker.files import FileBinding

    jobs, results = tmp_path / "jobs", tmp_path / "results"
    jobs.mkdir()
    results.mkdir()
    worker = Worker()
    try:
        binding = FileBinding(worker, jobs, results)
        (jobs / "one.json").write_bytes(_job("job-reused-001"))
        binding.step()
        first = _result(worker, "job-reused-001")
        deadline = time.monotonic() + 5
        while not (results / "job-reused-001-result.json").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        (jobs / "two.json").write_bytes(_job("job-reused-001", data={"again": True}))
        binding.step()
        assert json.loads((results / "job-reused-001-result.json").read_text()) == first
        refused = json.loads((results / "two-result.json").read_text())
        assert refused["error"]["code"] == "JOB_EXISTS" and refused["error"]["phase"] == "validation"
    finally:
        worker.close()
