"""A finding's minimal document keeps only what its divergence needs, for every generator family.

The boundary, text-level and look-alike generators label documents whose fault sits at an edge (a number just
past a warning threshold, a string at its length limit); the shrinker must still bring each finding down to
a 1-minimal document: no single member or item can be dropped (other than the labelled member and its
ancestors) without losing the divergence or the label. A value that keeps holding as it is lowered used to
take every pass, one step at a time, until the budget ran out with the members after it still there.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from types import ModuleType
from typing import Any

import pytest

import reference
from conformance.fuzz import _boundary, _gen, _lookalike, _textmut
from conformance.fuzz._mutate import Mutant, RenderError, agrees, delete_at
from conformance.fuzz._shrink import shrink, shrink_batched
from conformance.fuzz.cases import FuzzCase, plain
from conformance.fuzz.judge import Verdict, judge, judges_warnings
from conformance.fuzz.shrinking import shrink_validate, warning_start
from conformance.fuzz.stats import FuzzStats
from conformance.transports import Implementation
from conformance.transports.inprocess import InProcess
from conformance.zoo import Impl, Variant
from conformance.zoo.score import ZooInProcess
from reference import Issue, validate_value

Path = tuple[Any, ...]
FAMILIES: dict[str, ModuleType] = {"boundary": _boundary, "text-level": _textmut, "look-alike": _lookalike}
SEEDS = (1, 2, 3)
#: Base documents per kind, family and seed: enough for every family to give findings against every fake.
BASES = 3


def _zoo(**hooks: Any) -> Implementation:
    impl = ZooInProcess(Variant("fake", "a fake for the shrinker's tests", Impl(**hooks)))
    impl.start()
    return impl


def _accepts_everything(kind: str, text: str) -> dict[str, Any]:
    return {"valid": True, "errors": []}


def _warned_is_rejected(kind: str, value: Any) -> list[Issue]:
    """Every warning the reference gives taken for an error: each valid document with a warning rejected."""
    return [
        Issue(w.rule, w.level, w.pointer, "a warning taken for an error") for w in validate_value(value, kind).warnings
    ]


def _warns_at_every_deadline(kind: str, value: Any) -> list[Issue]:
    """A warning where none is due: ``deadline.after-created`` whatever the deadline."""
    execution = value.get("execution") if kind == "job" else None
    if isinstance(execution, dict) and "deadline" in execution:
        return [Issue("core.execution.deadline.after-created", "recommended", "/execution/deadline", "too soon?")]
    return []


def _fakes() -> dict[str, Implementation]:
    accepts = InProcess(_accepts_everything)
    accepts.start()
    return {
        "silent": _zoo(silent=True),
        "accepts": accepts,
        "warned-rejected": _zoo(extra=_warned_is_rejected),
        "warns-unduly": _zoo(extra_warnings=_warns_at_every_deadline),
    }


def _holds(impl: Implementation, m: Mutant, start: Mutant, missed: bool) -> bool:
    """Whether ``m`` still carries ``start``'s label and the implementation still diverges the same way (a
    warning divergence: under the same rule, which the start's label is, :func:`warning_start`)."""
    try:
        data = m.render()
    except RenderError:
        return False  # its raw fault (a number's spelling, a duplicate member) went with the member
    expected = reference.validate(data, m.kind)
    if not agrees(m, expected) or expected.valid != start.valid:
        return False
    verdict = judge(expected, impl.validate(m.kind, data), warnings=missed, rule=m.rule)
    if missed and (verdict.slip is None or verdict.slip.rule != start.rule):
        return False
    return verdict.verdict is Verdict.DIVERGENT and (verdict.direction == "warning") == missed


def _droppable(small: Mutant) -> list[Path]:
    """Every member and item of ``small`` but the labelled one and its ancestors."""
    out: list[Path] = []

    def walk(path: Path, v: Any) -> None:
        if path and small.pin[: len(path)] != path:
            out.append(path)
        if isinstance(v, dict):
            for k, c in v.items():
                walk((*path, k), c)
        elif isinstance(v, list):
            for i, c in enumerate(v):
                walk((*path, i), c)

    walk((), small.tree)
    return out


def _findings(impl: Implementation, family: ModuleType, seed: int) -> list[tuple[Mutant, Mutant, bool]]:
    """The family's first divergence per rule and direction on ``impl``, shrunk as the campaign shrinks it:
    ``(start, shrunk, missed)``."""
    rng = random.Random(f"{seed}-{family.__name__}")
    out: list[tuple[Mutant, Mutant, bool]] = []
    seen: set[tuple[str | None, str]] = set()
    for kind in reference.KINDS:
        for _ in range(BASES):
            doc = _gen.document(kind, rng, fill=0.9)
            for plan in family.plans(kind, doc):
                m = plan.apply(rng)
                if m is None:
                    continue
                data = m.render()
                expected = reference.validate(data, kind)
                if not agrees(m, expected):
                    continue
                reply = impl.validate(kind, data)
                strict = impl.reports_warnings and judges_warnings(m.rule, m.expect)
                verdict = judge(expected, reply, warnings=strict, rule=m.rule)
                rule = m.rule if verdict.slip is None else verdict.slip.rule
                if verdict.verdict is not Verdict.DIVERGENT or (rule, verdict.direction) in seen:
                    continue
                seen.add((rule, verdict.direction))
                missed = verdict.direction == "warning"
                start = m if verdict.direction != "valid" or m.expect == "warning" else plain(m)
                if verdict.slip is not None:
                    start = warning_start(m, verdict.slip)
                case = FuzzCase(m, data, expected, "core")
                small, _data, _reply = shrink_validate(impl, case, FuzzStats(), start, missed, seen=reply, rule=rule)
                out.append((start, small, missed))
    return out


@pytest.mark.slow
def test_every_finding_of_the_new_families_is_one_minimal_in_members() -> None:
    fakes = _fakes()
    shrunk: Counter[tuple[str, str]] = Counter()
    not_minimal: list[str] = []
    for seed in SEEDS:
        for family_name, family in FAMILIES.items():
            for fake_name, impl in fakes.items():
                for start, small, missed in _findings(impl, family, seed):
                    shrunk[family_name, fake_name] += 1
                    assert _holds(impl, small, start, missed), f"{small.rule}: the shrunk document lost its finding"
                    kept = [
                        p
                        for p in _droppable(small)
                        if _holds(impl, replace(small, tree=delete_at(small.tree, p)), start, missed)
                    ]
                    if kept:
                        not_minimal.append(
                            f"seed {seed}, {family_name} {small.operator} {small.rule} on {fake_name}: "
                            f"{small.render()[:300]!r} still diverges without {kept}"
                        )
    assert not not_minimal, "\n".join(not_minimal)
    # Not vacuous: every family gave findings to shrink against each fake that can be wrong on it.
    for family_name in FAMILIES:
        assert shrunk[family_name, "accepts"] > 0, family_name
    assert shrunk["boundary", "silent"] > 0 and shrunk["boundary", "warned-rejected"] > 0
    assert shrunk["boundary", "warns-unduly"] > 0


def test_a_warning_given_where_none_is_due_is_shrunk_as_the_campaign_judged_it() -> None:
    """A document labelled with a warning rule on its valid side (a deadline after its creation) that draws
    that warning anyway: the shrinker judges candidates as the campaign judged it, so they still diverge."""
    impl = _zoo(extra_warnings=_warns_at_every_deadline)
    big = _gen.document("job", random.Random(7), fill=1.0)
    tree = {
        **big,
        "created_at": "2000-01-01T00:00:00Z",
        "execution": {**big["execution"], "deadline": "2000-01-02T00:00:00Z"},
    }
    m = Mutant("job", tree, "core.execution.deadline.after-created", "valid", "instant-edge", ("execution", "deadline"))
    data = m.render()
    expected = reference.validate(data, "job")
    assert agrees(m, expected)
    reply = impl.validate("job", data)
    assert judge(expected, reply, warnings=True, rule=m.rule).direction == "warning"
    small, shrunk, _reply = shrink_validate(impl, FuzzCase(m, data, expected, "core"), FuzzStats(), m, True, seen=reply)
    # Only the member the fake warns at is left (its value made null: the fake warns at any deadline).
    assert len(shrunk) < len(data) // 2 and list(small.tree["execution"]) == ["deadline"]
    assert _holds(impl, small, m, True) and small.tree.keys() == _gen.minimal("job").keys() | {"execution"}


def test_a_value_beyond_a_warning_threshold_comes_down_to_the_threshold_and_its_siblings_go() -> None:
    """The regression: seed 1's first boundary finding on a silent implementation kept three members of
    ``execution`` beside the labelled ``timeout_seconds`` (131,019, lowered one at a time)."""
    impl = _zoo(silent=True)
    tree = {
        **_gen.minimal("job"),
        "execution": {
            "timeout_seconds": 9007199254740991,
            "priority": 5,
            "cancellable": False,
            "deadline": "2047-04-30T11:30:36+14:30",
        },
    }
    rule = "core.execution.timeout_seconds.long"
    m = Mutant("job", tree, rule, "warning", "integer-edge", ("execution", "timeout_seconds"))
    data = m.render()
    expected = reference.validate(data, "job")
    assert agrees(m, expected)
    case = FuzzCase(m, data, expected, "core")
    stats = FuzzStats()
    small, _data, _reply = shrink_validate(impl, case, stats, m, True, seen=impl.validate("job", data))
    execution = small.tree["execution"]
    assert list(execution) == ["timeout_seconds"]
    # The smallest value that still draws the warning: one more than the threshold the reference checks.
    bound = execution["timeout_seconds"]
    assert _holds(impl, small, m, True)
    assert not _holds(impl, replace(small, tree={**small.tree, "execution": {"timeout_seconds": bound - 1}}), m, True)
    assert stats.shrink_calls < 3000  # within the budget, not cut short by it


@pytest.mark.parametrize("value", [2, 3, 200, 131019, 2**53 - 1])
def test_a_number_that_holds_above_a_bound_shrinks_to_the_bound_with_both_shrinkers(value: int) -> None:
    bound = 1 + value // 3
    m = Mutant("job", {"n": value}, "x", "invalid", "t", ("n",))

    def still(cand: Mutant, data: bytes) -> bool:
        n = cand.tree["n"]
        return isinstance(n, int) and not isinstance(n, bool) and n >= bound

    small, calls = shrink(m, still)
    batched, batched_calls = shrink_batched(m, lambda c, d: True, lambda batch: [still(c, d) for c, d, _ in batch])
    assert small.tree == batched.tree == {"n": bound}
    assert calls == batched_calls <= 4 * value.bit_length() ** 2
