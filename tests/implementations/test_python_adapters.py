"""The Python implementations (pydantic, jsonschema): their adapters answer as ADAPTER.md says."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from ._adapters import IMPLEMENTATIONS, VALID_JOB, check_start_valid_invalid, exchange


def needs(module: str, name: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{name}: the Python module {module} is not installed (pip install -e '.[gallery]')")


def test_jsonschema_answers_start_a_valid_and_an_invalid_job() -> None:
    needs("rfc3339_validator", "jsonschema")
    start = check_start_valid_invalid("jsonschema")
    assert start["classes"] == ["core", "payload", "result", "progress", "worker"]


def test_jsonschema_checks_timestamps_and_names_the_rule_from_the_schema() -> None:
    needs("rfc3339_validator", "jsonschema")
    doc = {**VALID_JOB, "created_at": "2026-02-30T10:30:00Z"}
    replies, status, _ = exchange(
        "jsonschema", [{"cmd": "validate", "seq": 1, "kind": "job", "document": json.dumps(doc)}]
    )
    assert status == 0
    assert replies[1]["valid"] is False
    assert [(i["pointer"], i["rule"]) for i in replies[1]["errors"]] == [("/created_at", "core.created_at")]


@pytest.mark.slow
def test_pydantic_answers_start_a_valid_and_an_invalid_job() -> None:
    needs("pydantic", "pydantic")
    start = check_start_valid_invalid("pydantic")
    assert start["classes"] == ["core", "payload", "result", "progress", "worker", "roundtrip"]


@pytest.mark.slow
def test_pydantic_round_trip_keeps_unknown_members_and_adds_no_defaults() -> None:
    needs("pydantic", "pydantic")
    doc = {**VALID_JOB, "execution": {"priority": 7, "x-extra": {"deep": [1, 2]}}}
    request = {"cmd": "roundtrip", "seq": 1, "kind": "job", "document": json.dumps(doc)}
    replies, status, _ = exchange("pydantic", [request])
    assert status == 0
    assert json.loads(replies[1]["document"]) == doc


@pytest.mark.slow
def test_pydantic_lax_mode_takes_a_numeric_string_for_an_integer() -> None:
    needs("pydantic", "pydantic")
    doc = {**VALID_JOB, "execution": {"priority": "7"}}
    replies, _, _ = exchange("pydantic", [{"cmd": "validate", "seq": 1, "kind": "job", "document": json.dumps(doc)}])
    assert replies[1]["valid"] is True  # the protocol says invalid: what the gallery shows of lax mode


def test_pydantic_adapter_without_pydantic_says_so_in_one_line_and_exits_2() -> None:
    # -S: no site-packages, so no pydantic (nor anything else installed)
    done = subprocess.run(
        [sys.executable, "-S", str(IMPLEMENTATIONS / "pydantic" / "adapter.py")],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("vmjob-pydantic-adapter: pydantic is not installed")
    assert line.endswith("pip install -e '.[gallery]'")


def test_jsonschema_adapter_without_a_schemas_folder_says_so_and_exits_2() -> None:
    needs("rfc3339_validator", "jsonschema")
    done = subprocess.run(
        [sys.executable, str(IMPLEMENTATIONS / "jsonschema" / "adapter.py"), "/nonexistent-schemas"],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert line.startswith("vmjob-jsonschema-adapter: cannot load the schemas from /nonexistent-schemas: ")
