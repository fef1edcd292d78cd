"""The zoo's mutants that fuzzing alone used to miss (capability matching and round trip were not fuzzed, the
mutators never changed a constant's case, warnings were not compared) or blamed on the wrong rule are caught
by the fuzzer alone within its default budget, on a rule the mutant breaks; the equivalent variants of the
same areas raise no false alarm (in-process, the judgement `vmjob selftest` makes)."""

from __future__ import annotations

import pytest

from conformance.fuzz.differential import DEFAULT_EXAMPLES
from conformance.zoo import get
from conformance.zoo.score import score_member

FORMER_SURVIVORS = [
    "capability-case-insensitive",
    "capability-prefix-match",
    "capability-missing-unreported",
    "roundtrip-drops-nested-unknown",
    "roundtrip-injects-defaults",
    "roundtrip-big-int-lossy",
    "kind-case-insensitive",
    "image-format-case-insensitive",
    "warnings-never-reported",
]
#: Mutants rejecting a valid document that the fuzzer used to blame on the document's label.
FORMERLY_MISATTRIBUTED = ["zero-size-bytes-rejected", "zero-disk-size-rejected", "result-status-set"]

#: Each member is a fuzz campaign of its own: these run with the slow tests (and `vmjob selftest`).
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", FORMER_SURVIVORS + FORMERLY_MISATTRIBUTED)
def test_fuzzing_alone_catches_mutant_on_a_rule_it_breaks(name: str) -> None:
    variant = get(name)
    score = score_member(variant, transport="python", cases=[], fuzz_budget=DEFAULT_EXAMPLES)
    assert score.fuzz_flagged is True, f"{name} survives {DEFAULT_EXAMPLES} fuzz cases"
    assert score.fuzz_rule in variant.breaks
    assert score.problems == ["no corpus case was executed"]


@pytest.mark.parametrize(
    "name", ["eq-roundtrip-indented", "eq-roundtrip-escaped", "eq-roundtrip-number-forms", "eq-missing-other-order"]
)
def test_fuzzing_alone_raises_no_false_alarm_on_equivalent(name: str) -> None:
    score = score_member(get(name), transport="python", cases=[], fuzz_budget=3000)
    assert score.fuzz_flagged is False, f"{name}: {score.fuzz_rule} after {score.fuzz_examples}"
