"""The reference worker keeps a job's numbers exact over every binding, whatever their size.

A valid ``test.echo`` job whose data holds a 5,000-digit integer (past the 4,300 digits Python's ``int``
converts to or from text), the literal ``1e400`` (beyond a double) and data nested to the protocol's depth
limit is accepted, finished and echoed digit for digit over HTTP, the file binding and the adapter protocol,
with no traceback; a job nested 10,000 deep (past the limit) is refused in one line and the worker goes on;
after a restart, the idempotency store gives the first result back exactly.
"""

from __future__ import annotations

import base64
import json
import shlex
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import reference
from conformance.transports import _process
from conformance.worker.engine import Worker
from tests.worker.conftest import PYTHON

BIG = "9" * 4999 + "7"  # 5,000 digits
#: The echo data: its ``deep`` member takes the job to exactly the protocol's depth limit (job 1, payload 2,
#: data 3, then the arrays).
DEEP = reference.MAX_DEPTH - 3


def _data_text() -> str:
    deep = "[" * DEEP + "-" + BIG + "]" * DEEP
    return f'{{"big": {BIG}, "negative": -{BIG}, "huge": 1e400, "tiny": 1E-400, "tenth": 0.10, "deep": {deep}}}'


def _job(job_id: str, key: str, data: str | None = None) -> bytes:
    return (
        f'{{"version": "1.0", "job_id": "{job_id}", "created_at": "2026-01-01T00:00:00Z", "kind": "VMOperation", '
        f'"operation": "test.echo", "payload": {{"type": "test.echo.v1", "data": {data or _data_text()}}}, '
        f'"execution": {{"idempotency_key": "{key}"}}}}'
    ).encode()


def _too_deep(job_id: str) -> bytes:
    """A job whose data nests 10,000 deep: past the protocol's limit."""
    return _job(job_id, f"key-{job_id}", "[" * 10_000 + "]" * 10_000)


def _exact(text: bytes | str) -> Any:
    """A document read by the reference: exact numbers, any length."""
    value, faults = reference.parse(text)
    assert not faults, faults[:1]
    return value


def test_the_jobs_are_what_they_claim() -> None:
    job = _exact(_job("job-exact-0001", "k"))
    checked = reference.validate(_job("job-exact-0001", "k"), "job")
    assert checked.valid and not checked.errors  # valid at every level, not only the required one
    assert isinstance(job["payload"]["data"]["big"], reference.BigNumber)
    assert reference.dumps(job["payload"]["data"]["huge"]) == "1e400"
    # at the limit: one more level is past it
    assert reference.parse(_job("job-exact-0001", "k", "[" + _data_text() + "]"))[1][0].rule == "parse.depth"
    assert reference.parse(_too_deep("job-deep-00001"))[1][0].rule == "parse.depth"


def _check_echo(result: Any, job_id: str) -> None:
    """``result`` (read by the reference) is the completed echo of ``_job(job_id, …)``, digit for digit."""
    assert isinstance(result, dict)
    assert result["status"] == "completed", result
    sent = _exact(_job(job_id, "k"))["payload"]["data"]
    assert reference.dumps(result["data"]) == reference.dumps(sent)
    assert result["data"]["big"] == reference.BigNumber(BIG)
    assert BIG in reference.dumps(result)


def test_the_engine_echoes_exactly_and_its_store_keeps_it_over_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    first = Worker(state)
    try:
        assert first.submit(_job("job-engine-001", "k-engine")).accepted
        deadline = time.monotonic() + 30
        while (result := first.result("job-engine-001")) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        _check_echo(result, "job-engine-001")
        refused = first.submit(_too_deep("job-engine-002"))
        assert not refused.accepted and "parse.depth" in refused.message and "\n" not in refused.message
    finally:
        first.close()
    again = Worker(state)
    try:
        sub = again.submit(_job("job-engine-003", "k-engine"))
        assert sub.accepted and sub.duplicate_of == "job-engine-001"
        assert reference.dumps(again.result("job-engine-003")) == reference.dumps(result)
    finally:
        again.close()


def _sleep(job_id: str, seconds: str) -> bytes:
    job = json.loads(_job(job_id, f"key-{job_id}", "{}"))
    job["operation"], job["payload"] = "test.sleep", {"type": "test.sleep.v1", "data": {"seconds": 0}}
    return json.dumps(job).replace('"seconds": 0', f'"seconds": {seconds}').encode()


def test_the_seconds_of_a_sleep_are_read_from_the_exact_number() -> None:
    """Numbers the worker reads itself: a too-long integer is out of range (not a crash), and a literal
    kept as written (``0.10``, a :class:`reference.FloatLiteral`) is a number of seconds like any other."""
    worker = Worker()
    try:
        sub = worker.submit(_sleep("job-sleep-0001", BIG))
        assert not sub.accepted and sub.code in ("INVALID_PAYLOAD", "VALIDATION_ERROR"), sub
        sub = worker.submit(_sleep("job-sleep-0002", "0.10"))
        assert sub.accepted, sub
        deadline = time.monotonic() + 10
        while (result := worker.result("job-sleep-0002")) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert result is not None and result["status"] == "completed", result
    finally:
        worker.close()


# --- over the bindings, as processes -------------------------------------------------------------------------


@contextmanager
def _serving(args: str, log: Path) -> Iterator[str]:
    """``vmjob worker serve ARGS`` running, its stderr into ``log``; yields its first line; stopped after."""
    proc = _process.spawn(f"{PYTHON} -m conformance worker serve {args} 2>>{shlex.quote(str(log))}")
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode("utf-8", "replace").strip()
        assert line, f"the worker did not start: {log.read_text(encoding='utf-8', errors='replace')[-2000:]}"
        yield line
    finally:
        _process.kill(proc)


def _http(url: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url + "/api/v1" + path, data=body, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return int(resp.status), bytes(resp.read())
    except urllib.error.HTTPError as err:
        return int(err.code), bytes(err.read())


def _poll(get: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + 30
    while (got := get()) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert got is not None, "no result within 30 s"
    return got


def _over_http(tmp_path: Path, log: Path) -> list[Any]:
    state = shlex.quote(str(tmp_path / "state.sqlite"))
    results: list[Any] = []

    def result(url: str, job_id: str) -> Any:
        status, body = _http(url, f"/jobs/{job_id}/result")
        return _exact(body)["data"] if status == 200 else None

    with _serving(f"--port 0 --state {state}", log) as line:
        url = line.rsplit(" ", 1)[-1]
        status, body = _http(url, "/jobs", b'{"job": ' + _job("job-http-0001", "k") + b"}")
        assert status == 200, body[:300]
        results.append(_poll(lambda: result(url, "job-http-0001")))
        status, body = _http(url, "/jobs", b'{"job": ' + _too_deep("job-http-0002") + b"}")
        assert status == 422 and b"parse.depth" in body, body[:300]
        assert _http(url, "/health")[0] == 200
    with _serving(f"--port 0 --state {state}", log) as line:
        url = line.rsplit(" ", 1)[-1]
        status, body = _http(url, "/jobs", b'{"job": ' + _job("job-http-0003", "k") + b"}")
        assert status == 200 and _exact(body)["data"]["duplicate_of"] == "job-http-0001", body[:300]
        results.append(_poll(lambda: result(url, "job-http-0003")))
    return results


def _over_files(tmp_path: Path, log: Path) -> list[Any]:
    jobs, out = tmp_path / "jobs", tmp_path / "results"
    args = f"--files {shlex.quote(str(jobs))} {shlex.quote(str(out))}"  # state: RESULTS/.worker-state.sqlite

    def put(name: str, data: bytes) -> None:
        (jobs / f".{name}.tmp").write_bytes(data)
        (jobs / f".{name}.tmp").rename(jobs / f"{name}.json")

    def read(job_id: str) -> Any:
        path = out / f"{job_id}-result.json"
        return _exact(path.read_bytes()) if path.exists() else None

    results: list[Any] = []
    with _serving(args, log):
        put("a", _job("job-file-0001", "k"))
        results.append(_poll(lambda: read("job-file-0001")))
        put("b", _too_deep("job-file-0002"))
        refusal = _poll(lambda: read("b"))  # no job id could be read: the refusal is written under the file's name
        assert refusal["status"] == "failed" and "parse.depth" in refusal["error"]["message"]
    with _serving(args, log):
        put("c", _job("job-file-0003", "k"))
        results.append(_poll(lambda: read("job-file-0003")))
    return results


def _ask(proc: subprocess.Popen[bytes], message: dict[str, Any]) -> Any:
    """One request to an adapter, its reply read by the reference."""
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps(message).encode() + b"\n")
    proc.stdin.flush()
    return _exact(proc.stdout.readline())


def _over_the_adapter(tmp_path: Path, log: Path) -> list[Any]:
    state = shlex.quote(str(tmp_path / "state.sqlite"))
    results: list[Any] = []
    for job_id in ("job-adapter-001", "job-adapter-003"):
        proc = _process.spawn(
            f"{PYTHON} -m conformance worker serve --adapter --state {state} 2>>{shlex.quote(str(log))}"
        )
        try:
            assert _ask(proc, {"cmd": "start"})["protocol"] == 1
            job = base64.b64encode(_job(job_id, "k")).decode()
            sub = _ask(proc, {"cmd": "submit", "seq": 1, "job_base64": job})
            assert sub["accepted"] is True, sub
            results.append(_ask(proc, {"cmd": "result", "seq": 2, "job_id": job_id, "wait_s": 30}).get("result"))
            deep = _ask(proc, {"cmd": "submit", "seq": 3, "job": _too_deep("job-adapter-002").decode()})
            assert deep["accepted"] is False and "parse.depth" in deep["reason"]["message"]
            assert _ask(proc, {"cmd": "capabilities", "seq": 4})["seq"] == 4  # still serving
            assert proc.stdin is not None
            proc.stdin.write(b'{"cmd": "stop"}\n')
            proc.stdin.flush()
            assert proc.wait(10) == 0  # stopped when asked, not killed
        finally:
            _process.kill(proc)
    return results


@pytest.mark.slow
@pytest.mark.parametrize("binding", ["http", "files", "adapter"])
def test_a_huge_number_is_echoed_exactly_over_every_binding(binding: str, tmp_path: Path, left_behind: Any) -> None:
    log = tmp_path / "stderr.log"
    log.touch()
    run = {"http": _over_http, "files": _over_files, "adapter": _over_the_adapter}[binding]
    first, again = run(tmp_path, log)
    _check_echo(first, first["job_id"])
    # after the restart, the key's promise: the first job's result, exactly (it holds the first job's id)
    assert reference.dumps(again) == reference.dumps(first)
    stderr = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in stderr and "Exceeds the limit" not in stderr, stderr[-2000:]
    assert not left_behind()
