"""The wire schemas are valid JSON Schema, and the compiled checks agree with jsonschema on them."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from conformance.transports.wire import MESSAGES, checker, load, problem

SAMPLES: dict[str, list[Any]] = {
    "start-request": [{"cmd": "start", "protocol": 1}, {"cmd": "start", "protocol": 2}, {"cmd": "start"}],
    "start-reply": [
        {
            "protocol": 1,
            "implementation": {"name": "x", "version": "1", "language": "c"},
            "kinds": ["job"],
            "classes": ["core"],
        },
        {"protocol": 1, "implementation": {"name": "", "version": "1", "language": "c"}, "kinds": [], "classes": []},
        {"protocol": 1, "implementation": {"name": "x", "version": "1"}, "kinds": [], "classes": []},
        {
            "protocol": 1,
            "implementation": {"name": "x", "version": "1", "language": "c"},
            "kinds": ["jobs"],
            "classes": [],
        },
        [],
    ],  # fmt: skip
    "validate-request": [
        {"cmd": "validate", "seq": 1, "kind": "job", "document": "{}"},
        {"cmd": "validate", "seq": 1, "kind": "job", "document_base64": "/w=="},
        {"cmd": "validate", "seq": 1, "kind": "job", "document_base64": "not base64!"},
        {"cmd": "validate", "seq": 1, "kind": "job", "document": "{}", "document_base64": "e30="},
        {"cmd": "validate", "seq": -1, "kind": "job", "document": "{}"},
        {"cmd": "validate", "seq": 1, "kind": "jobs", "document": "{}"},
        {"cmd": "validate", "seq": 1, "kind": "job", "document": "{}", "extra": 1},
    ],
    "validate-reply": [
        {"seq": 1, "valid": True},
        {"seq": 1, "valid": False, "errors": [{"pointer": "/a", "message": "m", "rule": "r"}], "warnings": []},
        {"seq": 1, "valid": "yes"},
        {"seq": 1, "valid": True, "errors": [{"pointer": 3}]},
        {"seq": 1, "skipped": True, "reason": "no"},
        {"seq": 1, "errored": True, "message": "boom"},
        {"seq": 1, "errored": False},
        {"seq": 1, "valid": True, "skipped": True},
        {"seq": True, "valid": True},
        {"valid": True},
        None,
    ],
    "roundtrip-request": [{"cmd": "roundtrip", "seq": 0, "kind": "result", "document": "{}"}, {"cmd": "roundtrip"}],
    "roundtrip-reply": [{"seq": 2, "document": "{}"}, {"seq": 2, "document": {}}, {"seq": 2}],
    "match-request": [
        {"cmd": "match", "seq": 3, "required": ["a"], "available": []},
        {"cmd": "match", "seq": 3, "required": "a", "available": []},
    ],
    "match-reply": [
        {"seq": 3, "ok": True, "missing": []},
        {"seq": 3, "ok": False, "missing": ["a", 1]},
        {"seq": 3, "ok": False},
    ],
    "stop-request": [{"cmd": "stop"}, {"cmd": "stop", "now": True}],
}


@pytest.mark.parametrize("name", MESSAGES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(load(name))


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, vs in SAMPLES.items() for v in vs])
def test_compiled_check_agrees_with_jsonschema(name: str, value: Any) -> None:
    expected = jsonschema.Draft202012Validator(load(name)).is_valid(value)
    assert (checker(name)(value) is None) is expected


def test_every_message_has_samples() -> None:
    assert set(SAMPLES) == set(MESSAGES)


def test_problem_names_the_schema_and_the_place() -> None:
    assert problem("validate-reply", {"seq": 1, "valid": True, "errors": [{"pointer": 3}]}) == (
        "validate-reply.json: at /errors/0/pointer: 3 is not string"
    )
    assert problem("validate-reply", {"seq": 1}) == "validate-reply.json: at /: 'valid' is a required member"


def test_adapter_md_names_every_wire_schema() -> None:
    from pathlib import Path

    import conformance

    doc = (Path(conformance.__file__).parent / "ADAPTER.md").read_text(encoding="utf-8")
    assert [m for m in MESSAGES if f"`{m}.json`" not in doc] == []
