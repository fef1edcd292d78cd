"""The fuzzer's look-alike generation (conformance.fuzz._lookalike): every operator comes up, the reference
confirms nearly all of its labels, and the look-alikes are drawn with a generator of their own, so that the
other cases of a seed stay what they were."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter

import pytest

import reference
from conformance.fuzz import _gen, _lookalike, _mutate
from conformance.fuzz import cases as fuzz_cases
from conformance.fuzz.judge import Verdict, judge, judges_warnings
from conformance.model import Reply

OPERATORS = {
    "other-encoding",
    "literal-type",
    "string-ends",
    "other-digits",
    "case-fold-name",
    "null-member",
    "payload-version",
    "instant-precision",
    "nul-inside",
    "literal-string",
    "other-vocabulary",
    "spaced-length",
    "machine-width",
    "instant-form",
    "percent-path",
    "cesu-8",
    "type-case",
}


def test_every_operator_comes_up_and_the_reference_confirms_its_labels() -> None:
    made: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    for i in range(120):
        kind = reference.KINDS[i % len(reference.KINDS)]
        host = reference.PAYLOAD_TYPES[i % len(reference.PAYLOAD_TYPES)] if kind == "job" else None
        doc = _gen.document(kind, random.Random(i), fill=0.9, payload_type=host)
        for plan in _lookalike.plans(kind, doc):
            m = plan.apply(random.Random(i))
            if m is None:
                continue
            made[m.operator] += 1
            if m.expect == _mutate.ANY:  # labelled by the reference's verdict: refused only if it names two rules
                result = reference.validate(m.render(), m.kind)
                refused[m.operator] += not _mutate.agrees(_mutate.labelled(m, result), result)
            else:
                refused[m.operator] += not _mutate.confirm(m)
    assert set(made) == OPERATORS
    for op in OPERATORS:
        # A line break after `operation` also breaks `payload.type`'s match with it: two rules, not confirmed.
        share = 0.2 if op == "string-ends" else 0.1
        assert refused[op] <= made[op] * share, f"{op}: {refused[op]} of {made[op]} not confirmed"


def test_instant_pairs_are_labelled_by_their_order() -> None:
    rng = random.Random(3)
    sides: Counter[bool] = Counter()
    for _ in range(400):
        first, second, after = _lookalike.instant_pair(rng)
        doc = {**_gen.document("job", random.Random(1), fill=0.2), "created_at": first}
        doc["execution"] = {"deadline": second}
        result = reference.validate(_mutate.Mutant("job", doc).render(), "job")
        assert result.valid
        assert (not result.warnings) is after, (first, second)
        sides[after] += 1
    assert sides[True] > 50 and sides[False] > 50


@pytest.mark.slow
def test_the_other_cases_of_a_seed_are_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    with_looks = [c.data for c in itertools.islice(fuzz_cases.cases(7), 400) if c.mutant.operator not in OPERATORS]
    monkeypatch.setattr(fuzz_cases, "LOOKALIKE_SHARE", 0.0)
    without = [c.data for c in itertools.islice(fuzz_cases.cases(7), len(with_looks))]
    assert with_looks == without
    looks = [c for c in itertools.islice(fuzz_cases.cases(7), 400) if c.mutant.operator in OPERATORS]
    assert looks == []


def test_a_warning_given_where_a_warning_rule_gives_none_diverges() -> None:
    doc = {**_gen.minimal("job"), "created_at": "2026-03-01T10:00:00.0001Z"}
    doc["execution"] = {"deadline": "2026-03-01T10:00:00.0004Z"}  # after created_at: no warning
    expected = reference.validate(json.dumps(doc).encode(), "job")
    assert expected.valid and not expected.warnings
    rule = "core.execution.deadline.after-created"
    warned = Reply("ok", valid=True, warnings=({"rule": rule, "pointer": "/execution/deadline", "message": "x"},))
    assert judges_warnings(rule, "valid") and not judges_warnings("core.job_id", "valid")
    assert judge(expected, warned, warnings=True, rule=rule).verdict is Verdict.DIVERGENT
    assert judge(expected, Reply("ok", valid=True), warnings=True, rule=rule).verdict is Verdict.AGREED
    # Outside a warning rule's label, or where warnings are not judged, the same reply agrees.
    assert judge(expected, warned, warnings=True, rule="core.job_id").verdict is Verdict.AGREED
    assert judge(expected, warned, warnings=False, rule=rule).verdict is Verdict.AGREED
