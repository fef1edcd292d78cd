"""Zoo members are real implementations: ``python -m conformance.zoo NAME`` speaks the adapter protocol."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest

from conformance.transports import Persistent, TransportOptions
from conformance.zoo import BLIND, INDEPENDENT, MUTANTS, get

ZOO = [sys.executable, "-m", "conformance.zoo"]


def _exchange(name: str, requests: list[dict]) -> tuple[list[dict], subprocess.CompletedProcess[str]]:
    body = "".join(json.dumps(r) + "\n" for r in requests)
    done = subprocess.run([*ZOO, name], input=body, capture_output=True, text=True, timeout=60)
    return [json.loads(line) for line in done.stdout.splitlines()], done


def test_a_mutant_speaks_the_protocol_and_shows_its_mistake() -> None:
    job = get("priority-0-accepted").witness.data.decode()  # type: ignore[union-attr]
    replies, done = _exchange(
        "priority-0-accepted",
        [
            {"cmd": "start", "protocol": 1},
            {"cmd": "validate", "seq": 1, "kind": "job", "document": job},
            {"cmd": "match", "seq": 2, "required": ["a"], "available": ["b"]},
            {"cmd": "stop"},
        ],
    )
    assert done.returncode == 0, done.stderr
    start, verdict, match = replies
    assert start["protocol"] == 1 and start["implementation"]["name"] == "zoo:priority-0-accepted"
    assert set(start["classes"]) == {"core", "payload", "result", "progress", "worker", "capabilities", "roundtrip"}
    assert verdict == {"seq": 1, "valid": True, "errors": [], "warnings": []}
    assert match == {"seq": 2, "ok": False, "missing": ["a"]}


@pytest.mark.slow
def test_the_persistent_transport_drives_a_mutant_and_an_equivalent() -> None:
    command = " ".join(shlex.quote(p) for p in ZOO)
    mutant = get("roundtrip-drops-nested-unknown")
    assert mutant.witness is not None
    with Persistent(f"{command} {mutant.name}", TransportOptions(timeout=30)) as impl:
        reply = impl.roundtrip("job", mutant.witness.data)
        assert reply.status == "ok" and reply.document is not None
        assert "x-scheduler-hint" not in reply.document
        assert "x-scheduler-hint" in mutant.witness.data.decode()
    with Persistent(f"{command} eq-narrow-claim", TransportOptions(timeout=30)) as impl:
        info = impl.start()
        assert info.classes == ("core", "payload") and info.kinds == ("job",)


def test_list_names_every_member_with_its_level_and_rules() -> None:
    done = subprocess.run([*ZOO, "--list"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    by_name = {r[0]: r for r in rows}
    assert len([r for r in rows if r[1] == "mutant"]) == len(MUTANTS) + len(INDEPENDENT) + len(BLIND)
    assert by_name["job-id-bytes"][1:4] == ["mutant", "required", "core.job_id"]
    assert by_name["eq-bare-verdict"][1:4] == ["equivalent", "required", "-"]


def test_an_unknown_member_is_a_clear_error() -> None:
    done = subprocess.run([*ZOO, "no-such-mutant"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "'no-such-mutant' is not in the zoo" in done.stderr and "Traceback" not in done.stderr
