"""The bench rows of issue 14's per-case targets are measured, and their ratios are the ratios of their figures.

The figures themselves are read from ``vmjob bench`` (they depend on the machine); these tests run the two
measurements small and check that each row is there, measured, and consistent with the rows beside it.
"""

from __future__ import annotations

import pytest

from conformance.bench import fuzz as fuzz_bench
from conformance.bench import reference as reference_bench


@pytest.mark.slow
def test_the_harness_cost_rows_are_measured_and_their_ratios_are_their_figures() -> None:
    rows = {r.metric: r for r in fuzz_bench._harness_cost(quick=True)}
    trip = rows["trivial adapter round trip (--cmd, pipelined)"]
    per_case = rows["harness cost per fuzz case (CPU, shrinking excluded)"]
    ratio = rows["harness cost per fuzz case / trivial adapter round trip"]
    assert trip.unit == per_case.unit == "us" and trip.value > 0 and per_case.value > 0
    # The target applies to the per-case cost, shrinking excluded, as the 2.4x baseline was.
    assert ratio.target == "<= 1.0x" and ratio.met is (ratio.value <= 1.0)
    assert ratio.value == pytest.approx(per_case.value / trip.value)
    assert "2000 cases" in ratio.note
    shrinking = rows["shrinking per finding (trivial adapter)"]
    assert shrinking.unit == "ms" and shrinking.value > 0  # the trivial adapter gets every invalid document wrong
    combined = rows["fuzz campaign per case incl. shrinking, beyond the round trip / round trip"]
    assert combined.target == "" and combined.met is None  # informational only


@pytest.mark.slow
def test_small_valid_jobs_are_set_beside_jsonschema_on_the_same_jobs() -> None:
    rows = {r.metric: r for r in reference_bench.run(quick=True)}
    ours, theirs = rows["small valid jobs"], rows["jsonschema is_valid on parsed small valid jobs"]
    ratio = rows["small valid jobs: speed-up over jsonschema is_valid"]
    assert ours.value > 0 and theirs.value > 0
    assert ratio.value == pytest.approx(ours.value / theirs.value)
    assert ratio.target == ">= 7x" and ratio.met is (ratio.value >= 7.0)
