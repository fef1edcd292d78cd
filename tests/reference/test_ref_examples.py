"""The shipped example documents get the verdicts the SPEC lists for them (reference/examples/index.json)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

import reference

EXAMPLES = resources.files("reference").joinpath("examples")
INDEX: dict[str, Any] = json.loads(EXAMPLES.joinpath("index.json").read_text(encoding="utf-8"))


def test_every_example_file_is_indexed() -> None:
    files = {p.name for p in EXAMPLES.iterdir() if p.name.endswith(".json") and p.name != "index.json"}
    assert files == set(INDEX)


@pytest.mark.parametrize("name", sorted(INDEX))
def test_example_verdict(name: str) -> None:
    entry = INDEX[name]
    result = reference.validate(EXAMPLES.joinpath(name).read_bytes(), entry["kind"])
    assert result.valid is entry["valid"]
    assert sorted({e.rule for e in result.errors}) == entry["errors"]
    assert sorted({w.rule for w in result.warnings}) == entry["warnings"]


@pytest.mark.parametrize("name", sorted(n for n, e in INDEX.items() if e["valid"]))
def test_valid_example_round_trips_exactly(name: str) -> None:
    text = EXAMPLES.joinpath(name).read_text(encoding="utf-8")
    compact = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    assert reference.roundtrip(text, INDEX[name]["kind"]) == compact


def test_the_spec_lists_every_example() -> None:
    spec = resources.files("reference").joinpath("SPEC.md").read_text(encoding="utf-8")
    for name in INDEX:
        assert f"`{name}`" in spec


def test_the_array_form_job_is_the_crate_defect() -> None:
    (error,) = reference.validate(EXAMPLES.joinpath("job-as-array.json").read_bytes()).errors
    assert (error.rule, error.pointer) == ("parse.top-level-object", "")
    assert error.message == "[...] (an array of 6 items) is an array, not a JSON object"
