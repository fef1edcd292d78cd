"""One test per corpus case, named by its id: the reference agrees with every expectation of the corpus.

As python-jsonschema runs the JSON-Schema-Test-Suite: a failing item names the case, so a reference change
that moves one verdict shows up as one red line.
"""

from __future__ import annotations

import pytest

import reference
from conformance.corpus import Case, load_corpus
from reference import parse

CASES = load_corpus()


def test_the_corpus_is_large_and_covers_every_kind_and_class() -> None:
    assert len(CASES) >= 600
    assert {c.kind for c in CASES} == set(reference.KINDS)
    assert {c.klass for c in CASES} == set(reference.CLASSES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case) -> None:
    assert case.level == reference.RULES[case.rule].level
    if case.mode == "match":
        missing = reference.match_capabilities(case.required, case.available)
        assert (not missing, missing) == (case.ok, case.missing)
        return
    assert case.data is not None
    if case.mode == "roundtrip":
        before, faults = parse(case.data)
        assert faults == []
        after, faults = parse(reference.roundtrip(case.data, case.kind))
        assert faults == []
        assert after == before
        return
    result = reference.validate(case.data, case.kind)
    assert result.valid is case.valid, [(e.rule, e.pointer, e.message) for e in result.errors]
    if not case.valid:
        assert [(e.rule, e.pointer) for e in result.errors] == [(case.rule, case.pointer)]
    assert [w.pointer for w in result.warnings] == list(case.warnings)
