"""The public strategies work inside anyone's Hypothesis tests, with the pinned Hypothesis."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reference
from conformance import strategies as vs

# hypothesis-jsonschema is slow (a few job documents a second here); a handful of examples proves the wiring.
FEW = settings(max_examples=8, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
SOME = settings(max_examples=60, deadline=None, database=None)


def test_the_pinned_hypothesis_is_the_one_hypothesis_jsonschema_works_with() -> None:
    assert version("hypothesis") == "6.170.9"
    assert version("hypothesis-jsonschema") == "0.23.1"


@pytest.mark.slow
@FEW
@given(vs.jobs())
def test_schema_derived_jobs_are_valid(job: dict) -> None:
    result = reference.validate(job, "job")
    assert result.valid and not result.warnings


@pytest.mark.slow
@FEW
@given(st.sampled_from(["result", "progress", "worker"]).flatmap(lambda k: st.tuples(st.just(k), vs.documents(k))))
def test_schema_derived_documents_of_every_kind_are_valid(pair: tuple[str, dict]) -> None:
    kind, doc = pair
    assert reference.validate(doc, kind).valid


@SOME
@given(vs.jobs(fast=True), vs.results(fast=True), vs.progress_events(fast=True), vs.workers(fast=True))
def test_fast_documents_are_valid(job: dict, result: dict, progress: dict, worker: dict) -> None:
    for kind, doc in (("job", job), ("result", result), ("progress", progress), ("worker", worker)):
        assert reference.validate(doc, kind).valid, kind


@SOME
@given(vs.invalid_jobs())
def test_invalid_jobs_break_exactly_their_rule(case: vs.LabelledDocument) -> None:
    result = reference.validate(case.data, "job")
    assert not case.valid and result.rules == {case.rule}


@SOME
@given(vs.invalid_documents("worker", rule="parse.integer.literal"))
def test_an_asked_rule_is_the_one_broken(case: vs.LabelledDocument) -> None:
    assert case.rule == "parse.integer.literal"
    assert reference.validate(case.data, "worker").rules == {"parse.integer.literal"}


@SOME
@given(vs.labelled_documents("job", rule="core.unknown-members"))
def test_accept_labels_are_valid_documents(case: vs.LabelledDocument) -> None:
    assert case.valid and reference.validate(case.data, "job").valid


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: vs.documents("jobs"), "kind='jobs'"),
        (lambda: vs.invalid_jobs(rule="core.nope"), "rule='core.nope'"),
        (lambda: vs.invalid_jobs(rule="core.unknown-members"), "has no invalid side"),
    ],
)
def test_bad_arguments_are_named(call: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]


def test_a_rule_the_kind_lacks_is_named_when_drawn() -> None:
    @settings(max_examples=1, database=None)
    @given(vs.invalid_documents("progress", rule="core.execution.priority"))
    def draw(case: vs.LabelledDocument) -> None:
        pass

    with pytest.raises(ValueError, match="cannot be broken in a progress document"):
        draw()
