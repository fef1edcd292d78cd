"""Text-level mutations: every document's text is changed as a JSON writer never changes it, labelled with
its rule and the side it lies on, and confirmed by the reference; the campaign mixes them (and the
boundary documents) in, deterministically per seed; hostile sizes do not crash them."""

from __future__ import annotations

import itertools
import json
import random
from collections import defaultdict

import pytest

import reference
from conformance.fuzz import _gen, _textmut
from conformance.fuzz._mutate import Mutant, agrees
from conformance.fuzz.cases import cases

from .test_boundary import hostile_job

OPERATORS = {
    "json-whitespace", "other-whitespace", "escapes", "lone-surrogate", "bad-escape", "raw-control", "raw-allowed",
    "utf8-edge", "bad-literal", "number-form", "comment", "punctuation", "escaped-duplicate", "near-duplicate",
}  # fmt: skip


@pytest.fixture(scope="module")
def sweep() -> tuple[list[Mutant], int]:
    rng = random.Random("text")
    confirmed: list[Mutant] = []
    discarded = 0
    for i in range(40):
        for kind in reference.KINDS:
            host = reference.PAYLOAD_TYPES[i % 5] if kind == "job" and i % 6 < 5 else None
            doc = _gen.document(kind, rng, fill=0.9, payload_type=host)
            for p in _textmut.plans(kind, doc):
                for _ in range(2):
                    m = p.apply(rng)
                    assert m is not None
                    if agrees(m, reference.validate(m.render(), kind)):
                        confirmed.append(m)
                    else:
                        discarded += 1
    return confirmed, discarded


@pytest.mark.slow
def test_every_text_mutation_is_labelled_and_confirmed_by_the_reference(sweep: tuple[list[Mutant], int]) -> None:
    confirmed, discarded = sweep
    assert {m.operator for m in confirmed} == OPERATORS
    assert all(m.rule in reference.RULES for m in confirmed)
    assert discarded / (len(confirmed) + discarded) < 0.01, discarded


def test_text_mutations_change_the_text_not_only_the_tree(sweep: tuple[list[Mutant], int]) -> None:
    for m in sweep[0][:500]:
        if m.operator == "near-duplicate":
            continue  # a tree edit: names equal only after normalisation, no text trick
        plain = json.dumps(m.tree, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        assert m.render() != plain or m.operator == "json-whitespace", m.operator


def test_valid_and_invalid_sides_of_the_text_rules(sweep: tuple[list[Mutant], int]) -> None:
    sides: dict[str, set[str]] = defaultdict(set)
    for m in sweep[0]:
        sides[m.operator].add(m.expect)
    assert sides["utf8-edge"] == {"valid", "invalid"}
    assert sides["number-form"] == {"valid", "invalid"}
    for op in ("json-whitespace", "escapes", "raw-allowed", "near-duplicate"):
        assert sides[op] == {"valid"}, op
    for op in ("other-whitespace", "lone-surrogate", "bad-escape", "raw-control", "bad-literal", "comment",
               "punctuation", "escaped-duplicate"):  # fmt: skip
        assert sides[op] == {"invalid"}, op


def test_other_spaces_are_every_unicode_space_but_the_four_of_rfc_8259() -> None:
    spaces = set(_textmut.other_spaces())
    assert not spaces & set(" \t\n\r")
    assert {"\x0b", "\x0c", "\x85", "\xa0", "\u1680", "\u2000", "\u2028", "\u2029", "\u3000", "\ufeff"} <= spaces


def test_escape_writes_every_form_and_reads_back_as_the_same_string() -> None:
    rng = random.Random(9)
    for _ in range(300):
        s = "".join(rng.choice('a/"\\\b\n\x00\x1fé中😀\U0010ffff\u2028') for _ in range(rng.randint(0, 12)))
        text = _textmut.escape(s, rng, 1.0)
        assert json.loads(text) == s
        value, faults = reference.parse(('{"s":' + text + "}").encode())
        assert not faults and value == {"s": s}
    upper = _textmut.escape("😀/", random.Random(0), 1.0)
    assert "\\u" in upper and ("\\/" in upper or "\\u002f" in upper.lower())


@pytest.mark.slow
def test_the_same_seed_gives_the_same_campaign_with_boundary_and_text_cases() -> None:
    def run(seed: int) -> list[tuple[str, bytes]]:
        return [(c.mutant.operator, c.data) for c in itertools.islice(cases(seed), 1500)]

    first = run(3)
    assert first == run(3)
    assert first != run(4)
    operators = {op for op, _data in first}
    assert operators & OPERATORS and {"integer-edge", "calendar-edge"} & operators


@pytest.mark.slow
def test_hostile_sizes_do_not_crash_the_text_mutations() -> None:
    doc = hostile_job()
    rng = random.Random(6)
    for p in _textmut.plans("job", doc):
        m = p.apply(rng)
        assert m is not None
        assert agrees(m, reference.validate(m.render(), "job")), m.operator


@pytest.mark.slow
def test_valid_boundary_and_text_documents_are_also_round_tripped_when_the_class_is_claimed() -> None:
    every = list(itertools.islice(cases(5), 1500))
    trips = [c for c in every if c.roundtrip]
    assert trips and all(c.expected.valid for c in trips)
    assert {c.mutant.operator for c in trips} & OPERATORS
    unclaimed = itertools.islice(cases(5, classes=[k for k in reference.CLASSES if k != "roundtrip"]), 1500)
    assert not any(c.roundtrip for c in unclaimed)
