"""The fast generators and the labelled mutators agree with the reference on every document they make."""

from __future__ import annotations

import random
from collections import Counter

import pytest

import reference
from conformance.fuzz import _gen
from conformance.fuzz._mutate import Mutant, RenderError, agrees, mutate, plans
from conformance.fuzz.differential import GENERATED, MUTATED, cases

PER_KIND = 400


@pytest.mark.parametrize("kind", reference.KINDS)
def test_every_generated_document_is_valid_with_no_warning(kind: str) -> None:
    rng = random.Random(f"valid-{kind}")
    for i in range(PER_KIND):
        doc = _gen.document(kind, rng, fill=(0.2, 0.5, 1.0)[i % 3])
        result = reference.validate(Mutant(kind, doc).render(), kind)
        assert result.valid and not result.warnings, (doc, result.errors, result.warnings)


@pytest.mark.parametrize("kind", reference.KINDS)
def test_the_minimal_document_is_valid_and_smallest_members_are_valid(kind: str) -> None:
    small = _gen.minimal(kind)
    assert reference.validate(small, kind).valid
    # Dropping any member of the minimal document makes it invalid: it is minimal.
    for name in small:
        rest = {k: v for k, v in small.items() if k != name}
        assert not reference.validate(rest, kind).valid, name


@pytest.mark.slow
@pytest.mark.parametrize("kind", reference.KINDS)
def test_every_confirmed_label_names_exactly_the_rule_the_reference_reports(kind: str) -> None:
    rng = random.Random(f"labels-{kind}")
    confirmed: Counter[str] = Counter()
    discarded = 0
    for _ in range(PER_KIND):
        doc = _gen.document(kind, rng, fill=0.9)
        for _ in range(3):
            m = mutate(kind, doc, rng)
            if m is None:  # a plan may decline (no room above a u32 maximum for current_jobs)
                continue
            result = reference.validate(m.render(), kind)
            if agrees(m, result):
                confirmed[m.rule or ""] += 1
                assert m.rule is not None
                if m.expect == "invalid":
                    assert result.rules == {m.rule}
                elif m.expect == "warning":
                    assert result.valid and {w.rule for w in result.warnings} == {m.rule}
                else:
                    assert result.valid and not result.warnings
            else:
                discarded += 1
    total = sum(confirmed.values()) + discarded
    # The discard rate stays low: a drift between the schema annotations and the validator would raise it.
    assert discarded / total < 0.01, (discarded, total)


@pytest.mark.slow
def test_every_rule_a_document_can_break_is_generated() -> None:
    stream = cases(seed=7)
    seen = {next(stream).mutant.rule for _ in range(6000)}
    missing = sorted(MUTATED - seen)
    assert not missing, f"rules never generated in 6000 cases: {missing}"


def test_raw_faults_survive_rendering_and_a_lost_sentinel_is_an_error() -> None:
    rng = random.Random(3)
    doc = _gen.document("job", rng)
    floats = [p for p in plans("job", doc) if p.operator == "float-literal"]
    assert floats
    m = floats[0].apply(rng)
    assert m is not None and m.raw
    data = m.render()
    assert b"e0" in data or b"E0" in data or b".0" in data or b".5" in data or b"e-1" in data
    assert reference.validate(data, "job").rules == {"parse.integer.literal"}
    with pytest.raises(RenderError):
        Mutant("job", {"lost": True}, raw=m.raw).render()


@pytest.mark.slow
def test_the_discard_counter_counts_unconfirmed_mutations() -> None:
    from conformance.fuzz.differential import FuzzStats

    stats = FuzzStats()
    stream = cases(seed=1, stats=stats)
    for _ in range(2000):
        next(stream)
    assert stats.generated >= 2000
    assert stats.discarded / stats.generated < 0.01


def test_the_generated_rules_are_the_mutated_ones_plus_matching_and_round_trip() -> None:
    assert GENERATED - MUTATED == {"capabilities.match", "roundtrip.preserve", "roundtrip.no-defaults"}
    assert GENERATED == {r for r, rule in reference.RULES.items() if rule.klass != "behaviour"}


@pytest.mark.parametrize(
    ("pointer_path", "rule", "operator", "seen_value"),
    [
        (("kind",), "core.kind", "case-change", "vmoperation"),
        (("kind",), "core.kind", "near-miss", "VMOperation "),
        (("payload", "data", "image", "format"), "payload.image.format", "case-change", "QCOW2"),
        (("payload", "data", "image", "format"), "payload.image.format", "near-miss", "qcow"),
    ],
)
def test_const_and_enum_strings_get_case_changes_and_near_misses_labelled_with_their_rule(
    pointer_path: tuple[str, ...], rule: str, operator: str, seen_value: str
) -> None:
    rng = random.Random(11)
    doc = _gen.document("job", rng, fill=0.5, payload_type="guestkit.inspect.v1")
    doc["payload"]["data"]["image"]["format"] = "qcow2"
    aimed = [p for p in plans("job", doc) if p.operator == operator and p.path == pointer_path]
    assert len(aimed) == 1 and aimed[0].rule == rule
    values = set()
    for _ in range(200):
        m = aimed[0].apply(rng)
        assert m is not None and m.rule == rule and m.expect == "invalid"
        assert reference.validate(m.render(), "job").rules == {rule}
        value = m.tree
        for step in pointer_path:
            value = value[step]
        values.add(value)
    assert seen_value in values


def test_a_const_without_case_has_near_misses_but_no_case_change() -> None:
    doc = _gen.minimal("job")
    version = {p.operator for p in plans("job", doc) if p.path == ("version",)}
    assert "near-miss" in version and "case-change" not in version
