"""Driving one implementation of implementations/ as the gallery does: its manifest, its build, its adapter."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conformance.transports.wire import problem

ROOT = Path(__file__).resolve().parents[2]
IMPLEMENTATIONS = ROOT / "implementations"
SCHEMAS = ROOT / "reference" / "schemas"
NAMES = sorted(p.parent.name for p in IMPLEMENTATIONS.glob("*/implementation.json"))

VALID_JOB: dict[str, Any] = {
    "version": "1.0",
    "job_id": "job-01HZY3M4N5P6Q7R8S9T0VWXYZA",
    "created_at": "2026-01-15T10:30:00Z",
    "kind": "VMOperation",
    "operation": "guestkit.inspect",
    "payload": {"type": "guestkit.inspect.v1", "data": {"image": {"path": "/vms/a.qcow2", "format": "qcow2"}}},
}
INVALID_JOB: dict[str, Any] = {**VALID_JOB, "version": "2.0"}


def manifest(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((IMPLEMENTATIONS / name / "implementation.json").read_text())
    return loaded


def command(name: str) -> str:
    """The manifest's ``run`` with its placeholders substituted and quoted for the shell, as the gallery does."""
    run: str = manifest(name)["run"]
    for key, value in {"dir": IMPLEMENTATIONS / name, "python": sys.executable, "schemas": SCHEMAS}.items():
        run = run.replace("{" + key + "}", shlex.quote(str(value)))
    return run


def missing_programs(name: str) -> list[str]:
    def found(program: str) -> bool:
        home_cargo = Path.home() / ".cargo" / "bin" / "cargo"
        return shutil.which(program) is not None or (program == "cargo" and home_cargo.is_file())

    return [p for p in manifest(name)["requires"] if not found(p)]


def build(name: str) -> None:
    """Run the manifest's build (skipping, naming the program, when a toolchain is absent)."""
    absent = missing_programs(name)
    if absent:
        pytest.skip(f"{name}: {', '.join(absent)} not installed (implementations/install-toolchains installs it)")
    spec = manifest(name)
    if "build" not in spec:
        return
    done = subprocess.run(
        spec["build"],
        cwd=IMPLEMENTATIONS / name,
        capture_output=True,
        text=True,
        timeout=spec.get("build_timeout", 600),
        env={**os.environ, "PATH": f"{os.environ.get('PATH', '')}:{Path.home() / '.cargo' / 'bin'}"},
    )
    tail = "\n".join((done.stdout + done.stderr).splitlines()[-20:])
    assert done.returncode == 0, f"{name}: {spec['build']} failed with status {done.returncode}:\n{tail}"


def exchange(name: str, requests: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int, str]:
    """Send ``start``, the requests and ``stop`` to the adapter; its replies, exit status and stderr."""
    lines = [{"cmd": "start", "protocol": 1}, *requests, {"cmd": "stop"}]
    done = subprocess.run(
        "exec " + command(name),
        shell=True,
        cwd=ROOT,
        input="".join(json.dumps(line) + "\n" for line in lines),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return [json.loads(line) for line in done.stdout.splitlines()], done.returncode, done.stderr


def validate_request(seq: int, document: dict[str, Any], kind: str = "job") -> dict[str, Any]:
    return {"cmd": "validate", "seq": seq, "kind": kind, "document": json.dumps(document)}


def check_start_valid_invalid(name: str) -> dict[str, Any]:
    """The adapter answers ``start`` as its manifest says, a valid job valid and an invalid job invalid, each
    reply conforming to its wire schema; returns the start reply."""
    replies, status, stderr = exchange(name, [validate_request(1, VALID_JOB), validate_request(2, INVALID_JOB)])
    assert status == 0, f"{name} exited with {status}: {stderr}"
    assert len(replies) == 3, replies
    start, good, bad = replies
    assert problem("start-reply", start) is None
    spec = manifest(name)
    assert start["protocol"] == 1
    assert {k: start["implementation"][k] for k in ("name", "version", "language")} == {
        k: spec[k] for k in ("name", "version", "language")
    }
    for reply in (good, bad):
        assert problem("validate-reply", reply) is None
    assert (good["seq"], good["valid"], good.get("errors", [])) == (1, True, [])
    assert (bad["seq"], bad["valid"]) == (2, False)
    assert any(issue.get("pointer") == "/version" for issue in bad["errors"]), bad
    return start
