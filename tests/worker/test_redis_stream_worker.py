"""A real worker behind a real queue: the Redis-stream worker, certified through the worker adapter protocol.

The test starts its own ``redis-server`` (Debian's package) on a free port and the worker beside it; it is
skipped, saying what to install, where either the server or the Python client is absent.
"""

from __future__ import annotations

import importlib.util
import json
import shlex
import shutil
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from conformance.transports import _process
from tests.worker.conftest import PYTHON, vmjob, worker_process

HERE = Path(__file__).resolve().parents[2] / "implementations" / "redis-stream-worker"

pytestmark = [
    pytest.mark.skipif(
        shutil.which("redis-server") is None,
        reason="redis-server is not installed (Debian: apt-get install redis-server)",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("redis") is None,
        reason="the Redis client is not installed (pip install -e '.[worker]')",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"redis-server did not answer on port {port} within 10 s")


@pytest.mark.slow
def test_the_redis_stream_worker_is_certified_through_its_adapter(tmp_path: Path, left_behind: Any) -> None:
    port = _free_port()
    server = _process.spawn(f"exec redis-server --port {port} --bind 127.0.0.1 --save '' --appendonly no")
    try:
        _wait_for(port)
        worker = f"{PYTHON} {shlex.quote(str(HERE / 'worker.py'))} --port {port}"
        with worker_process(worker) as line:
            assert line == "redis-stream-worker: reading vmjob:jobs"
            adapter = f"{PYTHON} {shlex.quote(str(HERE / 'adapter.py'))} --port {port}"
            done = vmjob(
                "worker",
                "certify",
                "--cmd",
                adapter,
                "--seed",
                "11",
                "--level",
                "recommended",
                "--results",
                tmp_path / "r.jsonl",
                "--json",
                tmp_path / "r.json",
            )
    finally:
        _process.kill(server)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["implementation"]["name"] == "redis-stream-worker"
    passed = {rid for rid, e in report["rules"].items() if e["counts"]["pass"]}
    assert {
        "behaviour.refuse-invalid",
        "behaviour.idempotency.completed",
        "behaviour.idempotency.running",
        "behaviour.timeout",
        "behaviour.progress",
    } <= passed
    assert not left_behind()
