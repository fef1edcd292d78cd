"""Defects an independent audit found in the reference, each pinned by a test."""

from __future__ import annotations

import pytest
from _refdocs import document

import reference


@pytest.mark.parametrize("fmt", ["xml", "JSON", ""])
def test_a_fix_output_format_is_json_or_yaml_as_in_every_payload(fmt: str) -> None:
    for good in ("json", "yaml"):
        assert reference.validate(document("fix", {"/payload/data/output/format": good})).valid
    result = reference.validate(document("fix", {"/payload/data/output/format": fmt}))
    assert not result.valid
    assert [(e.rule, e.pointer, e.level) for e in result.errors] == [
        ("payload.output.format", "/payload/data/output/format", "required")
    ]
    assert result.errors[0].message.startswith(f'"{fmt}" ')
