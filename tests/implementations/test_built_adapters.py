"""The implementations that need a build (ajv, guestkit-job-spec): built by their manifest's build, then their
adapters answer as ADAPTER.md says. Slow: the first build fetches packages (npm, Debian's packaged crates)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from ._adapters import IMPLEMENTATIONS, VALID_JOB, build, check_start_valid_invalid, exchange


@pytest.fixture(scope="module")
def ajv() -> str:
    build("ajv")
    return "ajv"


@pytest.fixture(scope="module")
def guestkit() -> str:
    source = Path(
        os.environ.get(
            "VMJOB_GUESTKIT_SRC", IMPLEMENTATIONS.parent.parent / "shared" / "upstream" / "guestkit-job-spec"
        )
    )
    if not (source / "Cargo.toml").is_file():
        pytest.skip(f"guestkit-job-spec: the crate's source is not at {source} (set VMJOB_GUESTKIT_SRC)")
    build("guestkit-job-spec")
    return "guestkit-job-spec"


def validate(seq: int, document: object, kind: str = "job") -> dict[str, object]:
    return {"cmd": "validate", "seq": seq, "kind": kind, "document": json.dumps(document)}


@pytest.mark.slow
def test_ajv_answers_start_a_valid_and_an_invalid_job(ajv: str) -> None:
    start = check_start_valid_invalid(ajv)
    assert start["classes"] == ["core", "payload", "result", "progress", "worker"]


@pytest.mark.slow
def test_ajv_reads_the_rule_from_the_failing_subschema(ajv: str) -> None:
    doc = {**VALID_JOB, "execution": {"priority": 11}}
    replies, status, _ = exchange(ajv, [validate(1, doc)])
    assert status == 0
    assert [(i["pointer"], i["rule"]) for i in replies[1]["errors"]] == [
        ("/execution/priority", "core.execution.priority")
    ]


@pytest.mark.slow
def test_guestkit_answers_start_a_valid_and_an_invalid_job(guestkit: str) -> None:
    start = check_start_valid_invalid(guestkit)
    assert start["kinds"] == ["job", "result", "progress", "worker"]
    assert len(start["classes"]) == 7


@pytest.mark.slow
def test_guestkit_matches_capabilities_with_the_crate(guestkit: str) -> None:
    requests = [
        {"cmd": "match", "seq": 1, "required": ["lvm", "nbd", "lvm"], "available": ["nbd"]},
        {"cmd": "match", "seq": 2, "required": [], "available": []},
    ]
    replies, status, _ = exchange(guestkit, requests)
    assert status == 0
    assert replies[1:] == [{"seq": 1, "ok": False, "missing": ["lvm", "lvm"]}, {"seq": 2, "ok": True, "missing": []}]


@pytest.mark.slow
def test_guestkit_takes_an_empty_array_for_a_section_as_serde_derives_it(guestkit: str) -> None:
    # The quirk issue 10 names: serde reads a struct from a sequence, so `"observability": []` passes.
    replies, _, _ = exchange(guestkit, [validate(1, {**VALID_JOB, "observability": []})])
    assert replies[1] == {"seq": 1, "valid": True, "errors": []}


@pytest.mark.slow
def test_guestkit_round_trip_drops_a_nested_unknown_member(guestkit: str) -> None:
    doc = {**VALID_JOB, "metadata": {"name": "n", "x-extra": 1}}
    request = {"cmd": "roundtrip", "seq": 1, "kind": "job", "document": json.dumps(doc)}
    replies, _, _ = exchange(guestkit, [request])
    assert json.loads(replies[1]["document"])["metadata"] == {"name": "n"}


@pytest.mark.slow
def test_guestkit_reads_a_non_utf8_document_as_bytes(guestkit: str) -> None:
    request = {"cmd": "validate", "seq": 1, "kind": "job", "document_base64": "/w=="}  # one byte, 0xff
    replies, _, _ = exchange(guestkit, [request])
    assert replies[1]["valid"] is False and replies[1]["errors"][0]["rule"] == "parse.syntax"


def test_guestkit_build_without_the_crate_source_fails_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        ["sh", "build.sh"],
        cwd=IMPLEMENTATIONS / "guestkit-job-spec",
        env={**os.environ, "VMJOB_GUESTKIT_SRC": str(tmp_path / "absent")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"build.sh: the guestkit-job-spec crate's source is not at {tmp_path / 'absent'}: "
        "set VMJOB_GUESTKIT_SRC to its folder"
    ]
