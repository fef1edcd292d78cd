"""The blind family of the zoo (:mod:`conformance.zoo.blind`): every mutant's reply on its witness differs from
the reference adapter's (``vmjob adapter``) and a corpus holding that witness catches it through the in-process
zoo runner; every equivalent agrees with the reference on every witness of the family and on the reference's
examples, and that corpus raises no alarm on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import reference
from conformance import reference_impl
from conformance.evaluate import difference
from conformance.zoo import FAMILIES, VARIANTS, Variant
from conformance.zoo._docs import PLAIN, text
from conformance.zoo.blind import BLIND, BLIND_EQUIVALENTS
from conformance.zoo.score import Score, corpus_records_inprocess, judge_corpus, witness_case
from reference import CLASSES, RULES, parse
from tests.zoo_independent.test_independent import _answer

WITNESS_CASES = [witness_case(m) for m in BLIND]


def _reference(mode: str, kind: str, data: bytes, req: tuple[str, ...], av: tuple[str, ...]) -> Any:
    """What ``vmjob adapter`` (the reference's adapter) answers, reduced to what the suite judges in ``mode``."""
    if mode == "match":
        ok, missing = reference_impl.match(list(req), list(av))
        return ok, frozenset(missing)
    if mode == "roundtrip":
        return parse(reference_impl.roundtrip(kind, data))[0]
    reply = reference_impl.validate_reply(kind, data)
    if mode == "validate":
        return reply["valid"]
    return reply["valid"], frozenset(i["pointer"] for i in reply["warnings"])


def _member(variant: Variant, mode: str, kind: str, data: bytes, req: tuple[str, ...], av: tuple[str, ...]) -> Any:
    """What a zoo member answers on the wire (its adapter's reply), reduced the same way."""
    if mode in ("match", "roundtrip"):  # as the independent family's witnesses are judged
        return _answer(variant.impl, mode, kind, data, req, av)
    reply = variant.impl.validate(kind, data)
    if mode == "validate":
        return reply["valid"]
    return reply["valid"], frozenset(i["pointer"] for i in reply["warnings"])


def _differs(mode: str, ref: Any, got: Any) -> bool:
    if mode == "roundtrip" and not isinstance(got, (str, tuple)):
        return difference(ref, got, "") is not None
    return bool(ref != got)


# --- the table ---------------------------------------------------------------------------------------------


def test_the_family_is_registered_under_its_prefixes() -> None:
    assert FAMILIES["blind"] is BLIND and FAMILIES["blind-equivalents"] is BLIND_EQUIVALENTS
    names = [v.name for v in (*BLIND, *BLIND_EQUIVALENTS)]
    assert len(names) == len(set(names))
    assert all(v.name.startswith("blind-") and not v.name.startswith("blind-eq-") for v in BLIND)
    assert all(v.name.startswith("blind-eq-") and v.equivalent for v in BLIND_EQUIVALENTS)
    assert all(VARIANTS[v.name] is v for v in (*BLIND, *BLIND_EQUIVALENTS))


def test_the_family_is_sized_and_spread_over_every_class_kind_and_mode() -> None:
    assert 30 <= len(BLIND) <= 45
    assert 6 <= len(BLIND_EQUIVALENTS) <= 10
    assert {c for v in BLIND for c in v.classes} == set(CLASSES) - {"behaviour"}
    assert {w.kind for v in BLIND if (w := v.witness) and w.mode != "match"} == {"job", "result", "progress", "worker"}
    assert {w.mode for v in BLIND if (w := v.witness)} == {"validate", "warnings", "roundtrip", "match"}
    assert {v.level for v in BLIND} == {"required", "recommended"}


@pytest.mark.parametrize("variant", BLIND, ids=lambda v: v.name)
def test_mutant_names_real_rules_and_its_level(variant: Variant) -> None:
    assert variant.breaks and all(r in RULES for r in variant.breaks)
    assert variant.description and "\n" not in variant.description
    strongest = "required" if any(RULES[r].level == "required" for r in variant.breaks) else "recommended"
    assert variant.level == strongest


# --- mutants: the witness differs, and a corpus holding it catches the mutant ------------------------------


@pytest.mark.parametrize("variant", BLIND, ids=lambda v: v.name)
def test_mutant_reply_differs_from_the_reference_adapter_on_its_witness(variant: Variant) -> None:
    w = variant.witness
    assert w is not None
    ref = _reference(w.mode, w.kind, w.data, w.required, w.available)
    got = _member(variant, w.mode, w.kind, w.data, w.required, w.available)
    assert _differs(w.mode, ref, got), f"{variant.name} answers {got!r} on its witness, as the reference does"
    if w.mode in ("warnings", "roundtrip"):
        assert reference_impl.validate_reply(w.kind, w.data)["valid"], "its witness is a valid document"


@pytest.mark.parametrize("variant", BLIND, ids=lambda v: v.name)
def test_the_witness_case_catches_the_mutant_in_process(variant: Variant) -> None:
    score = Score(variant.name, False, variant.level, variant.breaks)
    judge_corpus(score, corpus_records_inprocess(variant, [witness_case(variant)]))
    assert score.problems == []
    assert score.corpus_flagged is True
    assert set(score.corpus_rules) & set(variant.breaks)


@pytest.mark.parametrize("variant", BLIND, ids=lambda v: v.name)
def test_mutant_agrees_with_the_reference_on_plain_documents(variant: Variant) -> None:
    """A blind mutant's mistake shows at an edge only: the plain documents pass and come back whole."""
    for kind, doc in PLAIN.items():
        data = text(doc).encode()
        assert variant.impl.check(kind, data).valid, kind
        assert not variant.impl.check(kind, data).warnings
        assert difference(doc, parse(variant.impl.roundtrip(kind, data))[0], "") is None
    assert variant.impl.match(["a", "b"], ["b", "a", "c"]) == (True, [])
    assert variant.impl.match(["a"], ["b"]) == (False, ["a"])


# --- equivalents: no answer differs, and the witness corpus raises no alarm ---------------------------------


def _documents() -> list[tuple[str, bytes]]:
    """Every witness document of the family and the reference's shipped examples."""
    docs = [(w.kind, w.data) for v in BLIND if (w := v.witness) and w.mode != "match"]
    examples = Path(reference.__file__).parent / "examples"
    index = json.loads((examples / "index.json").read_text(encoding="utf-8"))
    docs += [(entry["kind"], (examples / name).read_bytes()) for name, entry in index.items()]
    return docs


@pytest.mark.parametrize("variant", BLIND_EQUIVALENTS, ids=lambda v: v.name)
def test_equivalent_agrees_with_the_reference_on_witnesses_and_examples(variant: Variant) -> None:
    docs = _documents()
    assert len(docs) > len(BLIND)
    for kind, data in docs:
        for mode in ("validate", "warnings"):
            ref = _reference(mode, kind, data, (), ())
            assert _member(variant, mode, kind, data, (), ()) == ref, f"{mode} on {data[:200]!r}"
        if reference_impl.validate_reply(kind, data)["valid"]:
            got = _member(variant, "roundtrip", kind, data, (), ())
            assert not _differs("roundtrip", _reference("roundtrip", kind, data, (), ()), got), data[:200]
    for v in BLIND:
        w = v.witness
        if w is not None and w.mode == "match":
            ref = _reference("match", "job", b"", w.required, w.available)
            assert _member(variant, "match", "job", b"", w.required, w.available) == ref


@pytest.mark.parametrize("variant", BLIND_EQUIVALENTS, ids=lambda v: v.name)
def test_the_witness_corpus_raises_no_alarm_on_an_equivalent(variant: Variant) -> None:
    score = Score(variant.name, True, variant.level, ())
    judge_corpus(score, corpus_records_inprocess(variant, WITNESS_CASES))
    assert score.problems == []
    assert score.corpus_flagged is False


def test_equivalents_differ_from_the_reference_in_form() -> None:
    """An equivalent phrased exactly as the reference would prove nothing."""
    bad = text(PLAIN["job"] | {"kind": "vm", "execution": {"priority": 0, "timeout_seconds": 90000}}).encode()
    sent = text(PLAIN["job"] | {"metadata": {"name": "ünï"}}).encode()
    for name in ("blind-eq-rule-in-messages", "blind-eq-sorted-by-pointer"):
        assert VARIANTS[name].impl.validate("job", bad) != reference_impl.validate_reply("job", bad), name
    assert VARIANTS["blind-eq-roundtrip-compact-ascii"].impl.roundtrip("job", sent) != reference_impl.roundtrip(
        "job", sent
    )


_CHECKSUMS = [
    "ab" * 32,
    "AB" * 32,
    "sha256:" + "ab" * 32,
    "SHA256:" + "Ab" * 32,
    "ShA256:" + "ab" * 32,
    "\u017fha256:" + "ab" * 32,
    "sha256:" + "ab" * 31,
    "ab" * 32 + "\n",
    "sha512:" + "ab" * 32,
    "",
    "sha256:",
    "g" * 64,
    "\uff10" * 64,
]


@pytest.mark.parametrize("checksum", _CHECKSUMS)
def test_the_own_checksum_equivalent_decides_as_the_reference(checksum: str) -> None:
    doc = PLAIN["job"] | {
        "payload": {
            "type": "guestkit.inspect.v1",
            "data": {"image": {"path": "/vms/a.qcow2", "format": "qcow2", "checksum": checksum}},
        }
    }
    data = json.dumps(doc).encode()
    assert VARIANTS["blind-eq-own-checksum"].impl.check("job", data).valid is reference.validate(data, "job").valid


@pytest.mark.parametrize(
    "change",
    [
        {"operation": "a"},
        {"operation": "a."},
        {"operation": ".a"},
        {"operation": "."},
        {"operation": "a..b"},
        {"operation": 5},
        {"operation": None},
        {"operation": "guestkit.inspect.extra"},
    ],
)
def test_the_own_operation_equivalent_decides_as_the_reference(change: dict[str, Any]) -> None:
    data = json.dumps(PLAIN["job"] | change).encode()
    assert VARIANTS["blind-eq-own-operation"].impl.check("job", data).valid is reference.validate(data, "job").valid


# --- robustness: a member caught by crashing would be caught for the wrong reason --------------------------

_ODD = [b"[]", b"null", b'"job"', b"{}", b'{"a": "\xff"}', b"{" * 300 + b"}" * 300]
_ODD_VALUES: list[Any] = [[], "x", 0, None, {}, -1, 2**70, 1.5, True]


def _confused() -> list[tuple[str, bytes]]:
    out = []
    for kind, doc in PLAIN.items():
        spots = [[k] for k in doc] + [[k, m] for k, v in doc.items() if isinstance(v, dict) for m in v]
        for spot in spots:
            for odd in _ODD_VALUES:
                changed = json.loads(json.dumps(doc))
                node = changed
                for part in spot[:-1]:
                    node = node[part]
                node[spot[-1]] = odd
                out.append((kind, json.dumps(changed).encode()))
    return out


_CONFUSED = _confused()


@pytest.mark.parametrize("variant", [*BLIND, *BLIND_EQUIVALENTS], ids=lambda v: v.name)
def test_a_member_never_crashes_on_odd_documents(variant: Variant) -> None:
    for kind in ("job", "result", "progress", "worker"):
        for data in _ODD:
            assert isinstance(variant.impl.validate(kind, data)["valid"], bool)
    for kind, data in _CONFUSED:
        assert isinstance(variant.impl.validate(kind, data)["valid"], bool)
    for req, av in ([[], []], [[""], [""]], [["é"], ["e\u0301"]], [["[a]"], ["a"]]):
        ok, missing = variant.impl.match(req, av)
        assert isinstance(ok, bool) and isinstance(missing, list)
