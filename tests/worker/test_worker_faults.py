"""A worker that answers garbage, exits or goes silent gets errored, crash or timeout: never a pass."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest

from tests.worker.conftest import PYTHON, vmjob

#: A fake worker adapter: answers start properly, then each request as MODE says.
FAKE = """
import json, sys
mode = sys.argv[1]
for line in sys.stdin:
    req = json.loads(line)
    if req["cmd"] == "start":
        print(json.dumps({"protocol": 1, "implementation": {"name": "fake", "version": "0", "language": "py"}}))
    elif req["cmd"] == "stop":
        break
    elif mode == "exit":
        sys.exit(3)
    elif mode == "silent":
        continue
    elif req["cmd"] == "capabilities":
        print(json.dumps({"seq": req["seq"], "worker": None}))
    else:
        print(json.dumps({"seq": req["seq"], "accepted": "yes", "result": 5}))
    sys.stdout.flush()
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mode", "outcome", "says"),
    [
        ("garbage", "errored", "breaks worker-"),
        ("exit", "crash", "the worker adapter exited"),
        ("silent", "timeout", "no reply to"),
    ],
)
def test_a_misbehaving_adapter_is_a_fault_not_a_verdict(
    tmp_path: Path, mode: str, outcome: str, says: str, left_behind: Any
) -> None:
    script = tmp_path / "fake.py"
    script.write_text(FAKE, encoding="utf-8")
    done = vmjob(
        "worker",
        "certify",
        "--cmd",
        f"{PYTHON} {shlex.quote(str(script))} {mode}",
        "--cases",
        "3",
        "--fuzz",
        "0",
        "--timeout",
        "1",
        "--deadline",
        "1",
        "--results",
        tmp_path / "r.jsonl",
        "--json",
        tmp_path / "r.json",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    outcomes = {r["outcome"] for r in report["results"]}
    assert "pass" not in outcomes
    faulty = [r for r in report["results"] if r["outcome"] == outcome]
    assert faulty and any(says in r["message"] for r in faulty), sorted(outcomes)
    assert not report["conformant"] and report["summary"]["incomplete"]
    assert not left_behind()
