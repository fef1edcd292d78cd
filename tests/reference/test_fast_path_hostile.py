"""The reference's shortcuts (the plain parse, the generated structural functions, the semantic filters) give
its full path's verdict on hand-written hostile documents too (red team: ``tests/adversarial/
test_adv_documents.py`` holds the documents; ``test_fast_path.py`` holds the fuzzer's own)."""

from __future__ import annotations

import pytest
from adversarial.test_adv_documents import documents  # type: ignore[import-not-found]  # pytest: tests/ on sys.path

import reference
from reference import _parse, _validator


def _full(data: bytes, kind: str) -> reference.ValidationResult:
    """The verdict without any shortcut: the full reading, then every check."""
    decoded, fault = _parse.decode(data)
    if fault is not None or decoded is None:
        return reference.validate(data, kind)
    value, faults = _parse._read(decoded)
    if faults:
        return _validator.verdict(kind, faults)
    if type(value) is not dict:
        return reference.validate_value(value, kind)
    return _validator._checked(value, kind)


def _shape(r: reference.ValidationResult) -> tuple[bool, list[tuple[str, str]], list[tuple[str, str]]]:
    return r.valid, [(i.rule, i.pointer) for i in r.errors], [(i.rule, i.pointer) for i in r.warnings]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["job", "worker"])
@pytest.mark.parametrize("name", sorted(documents()))
def test_the_shortcuts_give_the_full_verdict(name: str, kind: str) -> None:
    data = documents()[name]
    assert _shape(reference.validate(data, kind)) == _shape(_full(data, kind))
