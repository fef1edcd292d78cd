"""The independent family of the zoo: every mutant really differs from the reference on its witness, every
equivalent agrees with it, the table is sound, and a member runs as an adapter."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import reference
from conformance.evaluate import difference
from conformance.zoo import FAMILIES, REFERENCE, VARIANTS, Variant
from conformance.zoo._docs import PLAIN
from conformance.zoo.independent import INDEPENDENT, INDEPENDENT_EQUIVALENTS
from conformance.zoo.score import Score, corpus_records_inprocess, judge_corpus, witness_case
from reference import CLASSES, RULES, parse

ROOT = Path(__file__).resolve().parents[2]


def _answer(variant_impl: Any, mode: str, kind: str, data: bytes, req: tuple[str, ...], av: tuple[str, ...]) -> Any:
    """What an implementation answers on a witness, reduced to what the suite judges in that mode."""
    if mode == "match":
        ok, missing = variant_impl.match(list(req), list(av))
        return ok, frozenset(missing)
    if mode == "roundtrip":
        try:
            written = variant_impl.roundtrip(kind, data)
        except reference.ValidationError:
            return "refused"
        value, faults = parse(written)
        return ("unreadable", faults[0].message) if faults else value
    result = variant_impl.check(kind, data)
    if mode == "validate":
        return result.valid
    return result.valid, frozenset(w.pointer for w in result.warnings)


def _differs(mode: str, ours: Any, theirs: Any) -> bool:
    if mode == "roundtrip" and not isinstance(ours, (str, tuple)) and not isinstance(theirs, (str, tuple)):
        return difference(ours, theirs, "") is not None
    return bool(ours != theirs)


@pytest.mark.parametrize("variant", INDEPENDENT, ids=lambda v: v.name)
def test_witness_differs_from_the_reference(variant: Variant) -> None:
    w = variant.witness
    assert w is not None, f"{variant.name} has no witness"
    ref = _answer(REFERENCE, w.mode, w.kind, w.data, w.required, w.available)
    got = _answer(variant.impl, w.mode, w.kind, w.data, w.required, w.available)
    assert _differs(w.mode, ref, got), f"{variant.name} answers {got!r} on its witness, as the reference does"
    if w.mode == "warnings":
        assert ref[0] and got[0], "a warnings witness is a valid document: only its warnings differ"
    if w.mode == "roundtrip":
        assert REFERENCE.check(w.kind, w.data).valid, "a round-trip witness is a valid document"


@pytest.mark.parametrize("variant", INDEPENDENT, ids=lambda v: v.name)
def test_broken_rules_exist_and_set_the_level(variant: Variant) -> None:
    assert variant.breaks, f"{variant.name} breaks no rule: it would be an equivalent"
    for rule in variant.breaks:
        assert rule in RULES, f"{variant.name} names {rule!r}, which is not in the rule table"
    strongest = "required" if any(RULES[r].level == "required" for r in variant.breaks) else "recommended"
    assert variant.level == strongest


def test_names_are_unique_and_registered() -> None:
    names = [v.name for v in (*INDEPENDENT, *INDEPENDENT_EQUIVALENTS)]
    assert len(names) == len(set(names))
    assert all(n.startswith("ind-") for n in names)
    assert all(VARIANTS[n] is v for n, v in zip(names, (*INDEPENDENT, *INDEPENDENT_EQUIVALENTS), strict=True))
    assert FAMILIES["independent"] is INDEPENDENT
    assert FAMILIES["independent-equivalents"] is INDEPENDENT_EQUIVALENTS


def test_the_family_is_large_and_spread_over_every_class() -> None:
    assert len(INDEPENDENT) >= 35
    assert len(INDEPENDENT_EQUIVALENTS) >= 6
    assert all(v.equivalent for v in INDEPENDENT_EQUIVALENTS)
    classes = {c for v in INDEPENDENT for c in v.classes}
    assert classes == set(CLASSES)
    assert {w.mode for v in INDEPENDENT if (w := v.witness)} == {"validate", "warnings", "roundtrip", "match"}
    assert len({r for v in INDEPENDENT for r in v.breaks}) >= 50


def _documents() -> list[tuple[str, bytes]]:
    """Every witness document and the reference's shipped examples."""
    docs = [(w.kind, w.data) for v in INDEPENDENT if (w := v.witness) and w.mode != "match"]
    examples = Path(reference.__file__).parent / "examples"
    index = json.loads((examples / "index.json").read_text(encoding="utf-8"))
    for name, entry in index.items():
        docs.append((entry["kind"], (examples / name).read_bytes()))
    return docs


@pytest.mark.parametrize("variant", INDEPENDENT_EQUIVALENTS, ids=lambda v: v.name)
def test_equivalent_agrees_with_the_reference(variant: Variant) -> None:
    docs = _documents()
    assert len(docs) > len(INDEPENDENT) // 2
    for kind, data in docs:
        for mode in ("validate", "warnings", "roundtrip"):
            ref = _answer(REFERENCE, mode, kind, data, (), ())
            got = _answer(variant.impl, mode, kind, data, (), ())
            assert not _differs(mode, ref, got), f"{variant.name} differs in {mode} on {data[:200]!r}"
        reply = variant.impl.validate(kind, data)
        assert reply["valid"] is REFERENCE.check(kind, data).valid
    for v in INDEPENDENT:
        w = v.witness
        if w is not None and w.mode == "match":
            ref = _answer(REFERENCE, "match", "job", b"", w.required, w.available)
            assert _answer(variant.impl, "match", "job", b"", w.required, w.available) == ref


def _serve(name: str, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lines = "".join(json.dumps(r) + "\n" for r in [*requests, {"cmd": "stop"}])
    done = subprocess.run(
        [sys.executable, "-m", "conformance.zoo", name],
        input=lines.encode(),
        capture_output=True,
        timeout=60,
        cwd=ROOT,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.decode().splitlines() if line.strip()]


@pytest.mark.parametrize("name", ["ind-lossy-utf8", "ind-match-substring"])
def test_a_member_runs_as_an_adapter(name: str) -> None:
    variant = VARIANTS[name]
    w = variant.witness
    assert w is not None
    if w.mode == "match":
        request: dict[str, Any] = {
            "cmd": "match",
            "seq": 1,
            "required": list(w.required),
            "available": list(w.available),
        }
    else:
        request = {"cmd": w.mode, "seq": 1, "kind": w.kind, "document_base64": base64.b64encode(w.data).decode()}
    start, reply = _serve(name, [{"cmd": "start", "protocol": 1}, request])
    assert start["protocol"] == 1 and start["implementation"]["name"] == f"zoo:{name}"
    assert reply["seq"] == 1
    if w.mode == "match":
        assert reply["ok"] is True and reply["missing"] == []  # the reference: not ok, "inspect" missing
    else:
        assert reply["valid"] is True  # the reference: invalid UTF-8 is a parse.encoding error
        assert REFERENCE.check(w.kind, w.data).valid is False


_ODD = [
    b"[]",
    b'[{"version": "1.0"}]',
    b'"job"',
    b"null",
    b'{"a": ' + b"[" * 1500 + b"]" * 1500 + b"} x",
    b"[" * 1500 + b"]" * 1500,
    b"\x00{\x00}",
    b"\x00{\x00}\x00",
    b'{"a"\x00: 1}\x00',
    b'{"a": "\xff"}',
    b'{"execution": [], "payload": {"type": "guestkit.inspect.v2", "data": []}, "constraints": 5}',
]


def _confused() -> list[tuple[str, bytes]]:
    """Plain documents (and two payloads) with each member, and each member of a section, of another type."""
    bases = [(kind, doc) for kind, doc in PLAIN.items()]
    bases += [("job", json.loads(v.witness.data)) for v in INDEPENDENT if v.name in _PAYLOAD_WITNESSES and v.witness]
    out = []
    for kind, doc in bases:
        spots = [[k] for k in doc] + [[k, m] for k, v in doc.items() if isinstance(v, dict) for m in v]
        spots += [["payload", "data", m] for m in (doc.get("payload") or {}).get("data") or {}]
        for spot in spots:
            for odd in _ODD_VALUES:
                changed = json.loads(json.dumps(doc))
                node = changed
                for part in spot[:-1]:
                    node = node[part]
                node[spot[-1]] = odd
                out.append((kind, json.dumps(changed).encode()))
    return out


_ODD_VALUES: list[Any] = [[], "x", 0, None, {}]
_PAYLOAD_WITNESSES = ("ind-path-inner-dotdot-only", "ind-output-format-inspect-only", "ind-path-windows-absolute")


@pytest.mark.parametrize("variant", [*INDEPENDENT, *INDEPENDENT_EQUIVALENTS], ids=lambda v: v.name)
def test_a_member_never_crashes_on_odd_documents(variant: Variant) -> None:
    """A zoo member that crashes is caught for the wrong reason: every odd input gets a verdict."""
    for kind in ("job", "result", "progress", "worker"):
        for data in _ODD:
            assert isinstance(variant.impl.check(kind, data).valid, bool)
    for kind, data in _CONFUSED:
        assert isinstance(variant.impl.check(kind, data).valid, bool), data


_CONFUSED = _confused()


def test_each_witness_as_a_corpus_case_catches_its_mutant_and_no_equivalent() -> None:
    """The witnesses written as corpus cases (``score.witness_case``, the reference's expectations): each
    catches its own mutant through the harness's judgement, and none raises an alarm on an equivalent."""
    cases = [witness_case(v) for v in INDEPENDENT]
    for variant, case in zip(INDEPENDENT, cases, strict=True):
        score = Score(variant.name, False, variant.level, variant.breaks)
        judge_corpus(score, corpus_records_inprocess(variant, [case]))
        assert score.corpus_flagged, f"{variant.name} passes its own witness case"
    for variant in INDEPENDENT_EQUIVALENTS:
        score = Score(variant.name, True, variant.level, ())
        judge_corpus(score, corpus_records_inprocess(variant, cases))
        assert not score.corpus_flagged, f"{variant.name} fails witness cases of {score.corpus_rules}"
