"""Every mutant differs from the reference on its witness and nowhere on plain documents; every equivalent
variant agrees with the reference wherever a mutant's witness lies."""

from __future__ import annotations

import json

import pytest

from conformance.evaluate import difference
from conformance.zoo import EQUIVALENTS, INDEPENDENT, MUTANTS, REFERENCE, VARIANTS, Variant, get
from conformance.zoo._docs import PLAIN, text
from reference import CLASSES, RULES, parse


def _ids(variants: list[Variant]) -> list[str]:
    return [v.name for v in variants]


def test_the_zoo_has_at_least_40_mutants_over_every_class_and_both_counted_levels() -> None:
    assert len(MUTANTS) >= 40
    assert {c for m in MUTANTS for c in m.classes} == set(CLASSES)
    assert {m.level for m in MUTANTS} == {"required", "recommended"}


@pytest.mark.parametrize("variant", MUTANTS, ids=_ids(MUTANTS))
def test_mutant_names_real_rules_and_describes_itself(variant: Variant) -> None:
    assert variant.breaks and all(r in RULES for r in variant.breaks)
    assert variant.description and "\n" not in variant.description
    assert variant.witness is not None


def _answers(impl_variant: Variant | None, mode: str, kind: str, data: bytes, req: tuple, avail: tuple) -> object:
    impl = impl_variant.impl if impl_variant else REFERENCE
    if mode == "match":
        ok, missing = impl.match(list(req), list(avail))
        return ok, sorted(set(missing))
    if mode == "roundtrip":
        return parse(impl.roundtrip(kind, data))[0]
    result = impl.check(kind, data)
    if mode == "warnings":
        return result.valid, sorted(w.pointer for w in result.warnings)
    return result.valid


@pytest.mark.parametrize("variant", MUTANTS, ids=_ids(MUTANTS))
def test_mutant_differs_from_the_reference_on_its_witness(variant: Variant) -> None:
    w = variant.witness
    assert w is not None
    mine = _answers(variant, w.mode, w.kind, w.data, w.required, w.available)
    theirs = _answers(None, w.mode, w.kind, w.data, w.required, w.available)
    if w.mode == "roundtrip":
        assert difference(parse(w.data)[0], mine, "") is not None
        assert difference(parse(w.data)[0], theirs, "") is None
    else:
        assert mine != theirs


#: The first family's mutants were written to differ only where their mistake is exercised; the independent
#: family's were written from the protocol text alone, and some (a writer that drops nulls, say) differ on any
#: document that has what they mishandle: tests/zoo_independent checks them on odd and plain documents.
AGREE_ON_PLAIN = [v for v in VARIANTS.values() if v not in INDEPENDENT]


@pytest.mark.parametrize("variant", AGREE_ON_PLAIN, ids=[v.name for v in AGREE_ON_PLAIN])
def test_variant_agrees_with_the_reference_on_plain_documents(variant: Variant) -> None:
    for kind, doc in PLAIN.items():
        data = text(doc).encode()
        assert variant.impl.check(kind, data).valid, kind
        assert difference(doc, parse(variant.impl.roundtrip(kind, data))[0], "") is None
    assert variant.impl.match(["a", "b"], ["b", "a", "c"]) == (True, [])


WITNESSES = [m.witness for m in MUTANTS if m.witness is not None]


@pytest.mark.parametrize("variant", EQUIVALENTS, ids=_ids(EQUIVALENTS))
def test_equivalent_agrees_with_the_reference_on_every_mutant_witness(variant: Variant) -> None:
    for w in WITNESSES:
        theirs = _answers(None, w.mode, w.kind, w.data, w.required, w.available)
        if w.mode == "roundtrip":
            assert difference(theirs, _answers(variant, w.mode, w.kind, w.data, (), ()), "") is None
        else:
            assert _answers(variant, w.mode, w.kind, w.data, w.required, w.available) == theirs


def test_equivalent_replies_differ_from_the_reference_in_form() -> None:
    """An equivalent that phrased everything as the reference does would prove nothing."""
    data = PLAIN["job"] | {"kind": "vm", "execution": {"priority": 0, "timeout_seconds": 90000}}
    body = text(data).encode()
    reference_reply = REFERENCE.validate("job", body)
    for name in ("eq-other-messages", "eq-other-order", "eq-other-pointers", "eq-no-error-list", "eq-bare-verdict"):
        reply = get(name).impl.validate("job", body)
        assert reply["valid"] is False
        assert reply != reference_reply, name
    sent = text(PLAIN["job"] | {"metadata": {"name": "ünï/x"}}).encode()
    for name in ("eq-roundtrip-indented", "eq-roundtrip-sorted", "eq-roundtrip-escaped"):
        assert get(name).impl.roundtrip("job", sent) != REFERENCE.roundtrip("job", sent), name
    numbers = text(PLAIN["job"]).replace('"format": "qcow2"}', '"format": "qcow2", "ratio": 1E+2}', 1).encode()
    assert "1E+2" in REFERENCE.roundtrip("job", numbers)
    assert "100.0" in get("eq-roundtrip-number-forms").impl.roundtrip("job", numbers)
    assert get("eq-missing-other-order").impl.match(["a", "b"], []) == (False, ["b", "a"])


def test_get_names_the_zoo_when_a_name_is_unknown() -> None:
    with pytest.raises(KeyError, match="'no-such' is not in the zoo"):
        get("no-such")


def test_to_json_describes_a_mutant() -> None:
    assert get("priority-0-accepted").to_json() == {
        "name": "priority-0-accepted",
        "description": "checks priority against 0..10 instead of 1..10 (off by one at the bottom)",
        "equivalent": False,
        "breaks": ["core.execution.priority"],
        "classes": ["core"],
        "level": "required",
        "witness": {
            "mode": "validate",
            "kind": "job",
            "document": get("priority-0-accepted").witness.data.decode(),  # type: ignore[union-attr]
        },
    }
    assert json.dumps(get("eq-bare-verdict").to_json())
