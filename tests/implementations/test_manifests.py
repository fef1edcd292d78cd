"""Every implementation's manifest conforms to implementations/implementation.schema.json, the contract the
gallery reads, and its folder holds what the manifest and the gallery rely on."""

from __future__ import annotations

import json
import re

import pytest
from jsonschema import Draft202012Validator

from ._adapters import IMPLEMENTATIONS, NAMES, manifest

SCHEMA = json.loads((IMPLEMENTATIONS / "implementation.schema.json").read_text())


def test_the_four_implementations_are_there() -> None:
    assert NAMES == ["ajv", "guestkit-job-spec", "jsonschema", "pydantic"]


def test_the_manifest_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("name", NAMES)
def test_manifest_conforms_and_names_its_folder(name: str) -> None:
    spec = manifest(name)
    assert [e.message for e in Draft202012Validator(SCHEMA).iter_errors(spec)] == []
    assert spec["name"] == name
    assert set(re.findall(r"\{(\w+)\}", spec["run"])) <= {"dir", "python", "schemas"}
    assert (IMPLEMENTATIONS / name / "README.md").is_file()


@pytest.mark.parametrize("name", NAMES)
def test_build_products_are_git_ignored(name: str) -> None:
    spec = manifest(name)
    if "build" in spec:
        ignored = (IMPLEMENTATIONS / name / ".gitignore").read_text()
        assert re.search(r"^/(target|node_modules)/$", ignored, re.M), ignored


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda m: m.pop("run"), "'run' is a required property"),
        (lambda m: m.update(requires="cargo"), "'cargo' is not of type 'array'"),
        (lambda m: m.update(build=[]), "[] should be non-empty"),
        (lambda m: m.update(build_timeout=0), "0 is less than the minimum of 1"),
        (lambda m: m.update(runs="x"), "Additional properties are not allowed ('runs' was unexpected)"),
    ],
)
def test_the_schema_refuses_a_bad_manifest(change: object, complaint: str) -> None:
    spec = manifest("guestkit-job-spec")
    assert callable(change)
    change(spec)
    assert [e.message for e in Draft202012Validator(SCHEMA).iter_errors(spec)] == [complaint]
