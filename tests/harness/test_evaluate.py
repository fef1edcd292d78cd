"""The judgement of one reply against one case (conformance/ADAPTER.md, "How a reply is judged")."""

from __future__ import annotations

from conformance.corpus import Case
from conformance.evaluate import difference, evaluate
from conformance.model import Reply


def case(**kw: object) -> Case:
    base: dict[str, object] = {"id": "c", "kind": "job", "klass": "core", "rule": "core.version", "level": "required",
                               "description": "d", "data": b"{}", "valid": False, "pointer": "/version"}  # fmt: skip
    base.update(kw)
    return Case(**base)  # type: ignore[arg-type]


def test_verdict_decides_and_error_pointers_are_evidence_only() -> None:
    outcome, got, message = evaluate(case(), Reply("ok", valid=False, errors=({"pointer": "/elsewhere"},)))
    assert (outcome, message) == ("pass", "")
    assert got == {"valid": False, "errors": [{"pointer": "/elsewhere"}]}


def test_wrong_verdict_fails_saying_what_was_expected() -> None:
    assert evaluate(case(), Reply("ok", valid=True))[::2] == ("fail", "expected invalid at /version, got valid")


def test_expected_warning_must_be_at_its_pointer() -> None:
    c = case(valid=True, pointer=None, warnings=("/execution/timeout_seconds",),
             rule="core.execution.timeout_seconds.long", level="recommended")  # fmt: skip
    ok = Reply("ok", valid=True, warnings=({"pointer": "/execution/timeout_seconds"},))
    elsewhere = Reply("ok", valid=True, warnings=({"pointer": "/execution"},))
    assert evaluate(c, ok)[0] == "pass"
    assert evaluate(c, elsewhere)[::2] == (
        "fail",
        "expected a warning at /execution/timeout_seconds; got warnings at /execution",
    )
    assert evaluate(c, ok, warnings=False)[0] == "skip"
    assert evaluate(c, Reply("ok", valid=False), warnings=False)[0] == "fail"


def test_warnings_expected_by_a_case_of_another_rule_are_evidence_only() -> None:
    # u64 max is valid under core.execution.timeout_seconds (required) and also warns (recommended): an
    # implementation that reports no warnings, as the wire allows, must not fail the required case.
    c = case(valid=True, pointer=None, warnings=("/execution/timeout_seconds",), rule="core.execution.timeout_seconds")
    outcome, got, message = evaluate(c, Reply("ok", valid=True))
    assert (outcome, got, message) == ("pass", {"valid": True}, "")


def test_faults_are_never_pass() -> None:
    for status in ("timeout", "crash", "errored"):
        assert evaluate(case(), Reply(status, message="m")) == (status, None, "m")
    assert evaluate(case(), Reply("skipped", message="not mine"))[::2] == ("skip", "not mine")


def test_match_compares_ok_and_the_missing_set() -> None:
    c = case(klass="capabilities", data=None, ok=False, missing=("a", "b"))
    assert evaluate(c, Reply("ok", valid=False, missing=("b", "a")))[0] == "pass"
    assert evaluate(c, Reply("ok", valid=False, missing=("a",)))[::2] == (
        "fail",
        "expected missing ['a', 'b'], got ['a']",
    )
    assert evaluate(c, Reply("ok", valid=True, missing=("a", "b")))[0] == "fail"


def test_roundtrip_keeps_every_member_and_adds_none() -> None:
    c = case(klass="roundtrip", data=b'{"a":{"b":[1,2.5,true,null]},"z":"\\u00e9"}')
    assert evaluate(c, Reply("ok", document='{"z":"é","a":{"b":[1,2.5,true,null]}}'))[0] == "pass"
    assert evaluate(c, Reply("ok", document='{"a":{"b":[1,2.5,true,null]}}'))[2] == "member /z was lost"
    assert evaluate(c, Reply("ok", document='{"a":{"b":[1,2.5,true,null],"c":1},"z":"é"}'))[2] == (
        "member /a/c was added"
    )
    assert evaluate(c, Reply("ok", document="{not json"))[0] == "fail"


def test_numbers_compare_by_value_but_true_is_not_one() -> None:
    assert difference({"a": 1}, {"a": 1.0}, "") is None
    assert difference({"a": 1}, {"a": True}, "") == "the value at /a changed from 1 to True"
    assert difference([None], [False], "") == "the value at /0 changed from None to False"
