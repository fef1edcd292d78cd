"""Capability matching and round trip are fuzzed too: their generators make the cases a wrong matcher or a
lossy writer fails, the fuzzer judges them as the corpus does, shrinks each finding and names its rule, and
nothing is sent outside the implementation's claim."""

from __future__ import annotations

import json
import random
from collections import Counter
from typing import Any

import pytest

import reference
from conformance.corpus.promote import case_of
from conformance.fuzz import _capabilities, _gen, _roundtrip
from conformance.fuzz._mutate import sites
from conformance.fuzz._schemas import kind_root
from conformance.fuzz.differential import FuzzStats, finding_bytes, fuzz, replay_finding
from conformance.model import Reply
from conformance.zoo import Impl, Variant
from conformance.zoo._impl import dumps, reference_match, reference_writer
from conformance.zoo.score import ZooInProcess
from reference import parse

BUDGET = 3000


def _impl(**hooks: Any) -> ZooInProcess:
    impl = ZooInProcess(Variant("fake", "a fake for the fuzzer's tests", Impl(**hooks)))
    impl.start()
    return impl


def _findings(impl: ZooInProcess, rule: str, **kw: Any) -> list[dict[str, Any]]:
    found = [f for f in fuzz(impl, examples=BUDGET, seed=3, **kw) if f["rule"] == rule]
    assert found, f"no finding of {rule} within {BUDGET} examples"
    return found


# --- capability matching ------------------------------------------------------------------------------------


def test_the_match_generator_makes_near_misses_empties_duplicates_and_both_answers() -> None:
    rng = random.Random(1)
    seen: Counter[str] = Counter()
    for _ in range(2000):
        required, available = _capabilities.lists(rng)
        ok = not reference.match_capabilities(required, available)
        seen["ok" if ok else "not ok"] += 1
        seen["empty requirement"] += not required
        seen["empty string"] += "" in required + available
        seen["duplicate"] += len(set(required)) < len(required) or len(set(available)) < len(available)
        for r in required:
            if r not in available and any(a != r and a.casefold() == r.casefold() for a in available):
                seen["other case"] += 1
            if r not in available and any(a != r and a.startswith(r) for a in available):
                seen["prefix"] += 1
    for what in ("ok", "not ok", "empty requirement", "empty string", "duplicate", "other case", "prefix"):
        assert seen[what] >= 30, (what, seen)


def test_a_match_reply_is_judged_on_ok_and_the_set_of_missing_ones() -> None:
    req, avail = ["a", "b", "c"], ["a"]
    assert _capabilities.judge(req, avail, Reply("ok", valid=False, missing=("c", "b")))[0] == "pass"
    outcome, message = _capabilities.judge(req, avail, Reply("ok", valid=False, missing=()))
    assert outcome == "fail" and "expected missing ['b', 'c'], got []" in message
    assert _capabilities.judge(req, avail, Reply("ok", valid=True))[0] == "fail"


def _casefold(required: list[str], available: list[str]) -> tuple[bool, list[str]]:
    have = {a.casefold() for a in available}
    missing = [r for r in required if r.casefold() not in have]
    return not missing, missing


def _prefix(required: list[str], available: list[str]) -> tuple[bool, list[str]]:
    missing = [r for r in required if not any(a.startswith(r) for a in available)]
    return not missing, missing


def _unreported(required: list[str], available: list[str]) -> tuple[bool, list[str]]:
    return all(r in available for r in required), []


@pytest.mark.slow
def test_a_case_insensitive_matcher_is_found_and_shrunk_to_one_name_in_two_cases() -> None:
    (finding,) = _findings(_impl(matcher=_casefold), "capabilities.match")
    assert finding["mode"] == "match" and finding["class"] == "capabilities" and finding["counted"] is True
    (req,), (avail,) = finding["required"], finding["available"]
    assert req != avail and req.casefold() == avail.casefold()
    assert finding["expected"] == {"ok": False, "missing": [req]} and finding["got"] == {"ok": True, "missing": []}


@pytest.mark.slow
def test_a_prefix_matcher_is_found_and_shrunk_to_a_name_and_its_extension() -> None:
    (finding,) = _findings(_impl(matcher=_prefix), "capabilities.match")
    (req,), (avail,) = finding["required"], finding["available"]
    assert avail != req and avail.startswith(req)


@pytest.mark.slow
def test_a_matcher_that_never_lists_the_missing_ones_is_found_on_one_missing_name() -> None:
    (finding,) = _findings(_impl(matcher=_unreported), "capabilities.match")
    assert len(finding["required"]) == 1 and finding["available"] == []
    assert finding["got"] == {"ok": False, "missing": []}


@pytest.mark.slow
def test_a_match_finding_replays_and_becomes_a_corpus_match_case() -> None:
    (finding,) = _findings(_impl(matcher=_casefold), "capabilities.match")
    assert replay_finding(_impl(matcher=_casefold), finding)["diverges"] is True
    assert replay_finding(_impl(), finding)["diverges"] is False
    case = case_of(finding)
    assert case["class"] == "capabilities" and case["required"] == finding["required"]
    assert case["ok"] is False and case["missing"] == finding["required"]


# --- round trip --------------------------------------------------------------------------------------------


def _unknown_below_top(kind: str, value: Any) -> bool:
    for path, node, v in sites(kind, value):
        if len(path) >= 1 and isinstance(v, dict) and node is not None and node.props and node.extra is None:
            if set(v) - set(node.props):
                return True
    return False


@pytest.mark.parametrize("kind", reference.KINDS)
def test_round_trip_documents_are_valid_and_rich_in_what_a_writer_loses(kind: str) -> None:
    rng = random.Random(f"rt-{kind}")
    seen: Counter[str] = Counter()
    for _ in range(150):
        m = _roundtrip.document(kind, rng)
        data = m.render()
        result = reference.validate(data, kind)
        assert result.valid and not result.warnings, (data, result.errors)
        assert _roundtrip.judge(kind, data, Reply("ok", document=reference.roundtrip(data, kind)))[0] == "pass"
        text = data.decode()
        seen["unknown below the top"] += _unknown_below_top(kind, json.loads(text))
        seen["raw literal"] += any(lit.decode() in text for lit in _roundtrip.LITERALS)
        seen["integer beyond 2**53"] += _has_big_integer(parse(data)[0])
    for what in ("unknown below the top", "raw literal", "integer beyond 2**53"):
        assert seen[what] >= 15, (kind, seen)


def test_a_round_trip_failure_is_attributed_by_what_changed() -> None:
    assert _roundtrip.rule_of("member /execution/priority was added") == "roundtrip.no-defaults"
    assert _roundtrip.rule_of("member /execution/x was lost") == "roundtrip.preserve"
    assert _roundtrip.rule_of("the value at /payload/data/n changed from 1 to 1.0") == "roundtrip.preserve"


def _drop_nested_unknown(kind: str, value: Any) -> str:
    """Drops the members a top-level section's schema does not name (the crate's nested loss)."""
    root = kind_root(kind)
    out = dict(value)
    for name, section in value.items():
        node = root.props.get(name)
        if isinstance(section, dict) and node is not None and node.props and node.extra is None:
            out[name] = {k: v for k, v in section.items() if k in node.props}
    return dumps(out)


def _inject_defaults(kind: str, value: Any) -> str:
    if kind == "job" and isinstance(value.get("execution"), dict):
        value = {**value, "execution": {"priority": 5, **value["execution"]}}
    return dumps(value)


def _through_double(kind: str, value: Any) -> str:
    def lossy(v: Any) -> Any:
        if type(v) is int and abs(v) > 2**53:
            return float(v)
        if isinstance(v, dict):
            return {k: lossy(x) for k, x in v.items()}
        if isinstance(v, list):
            return [lossy(x) for x in v]
        return v

    return dumps(lossy(value))


@pytest.mark.slow
def test_a_writer_dropping_nested_unknown_members_is_found_on_a_small_document() -> None:
    (finding,) = _findings(_impl(writer=_drop_nested_unknown), "roundtrip.preserve")
    assert finding["mode"] == "roundtrip" and finding["class"] == "roundtrip" and finding["counted"] is True
    doc = json.loads(finding_bytes(finding))
    root = kind_root(finding["kind"])
    assert any(isinstance(v, dict) and k in root.props and set(v) - set(root.props[k].props) for k, v in doc.items()), (
        doc
    )
    assert finding["size"] < finding["original_size"]
    assert finding["expected"] == {"preserved": True}


@pytest.mark.slow
def test_a_writer_injecting_defaults_is_found_under_no_defaults() -> None:
    (finding,) = _findings(_impl(writer=_inject_defaults), "roundtrip.no-defaults")
    doc = json.loads(finding_bytes(finding))
    assert "priority" not in doc["execution"]
    assert "was added" in finding["message"]


@pytest.mark.slow
def test_a_writer_going_through_a_double_is_found_on_a_big_integer() -> None:
    (finding,) = _findings(_impl(writer=_through_double), "roundtrip.preserve")
    assert "changed from" in finding["message"]
    assert _has_big_integer(parse(finding_bytes(finding))[0])
    assert replay_finding(_impl(writer=_through_double), finding)["diverges"] is True
    assert replay_finding(_impl(), finding)["diverges"] is False
    case = case_of(finding)
    assert case["class"] == "roundtrip" and case["document_text"] == finding_bytes(finding).decode()


def _has_big_integer(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_big_integer(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_big_integer(v) for v in value)
    return type(value) is int and abs(value) > 2**53


@pytest.mark.parametrize(
    "writer",
    [
        pytest.param(lambda kind, value: dumps(value, indent=2, ensure_ascii=False), marks=pytest.mark.slow),
        pytest.param(lambda kind, value: dumps(value, sort_keys=True), marks=pytest.mark.slow),
        lambda kind, value: dumps(value, ensure_ascii=True).replace("/", "\\/"),
    ],
    ids=["indented", "sorted", "escaped"],
)
def test_writers_right_in_another_way_and_the_reference_give_no_finding(writer: Any) -> None:
    stats = FuzzStats()
    assert list(fuzz(_impl(writer=writer, matcher=reference_match), examples=BUDGET, seed=4, stats=stats)) == []
    assert stats.roundtrips > 50 and stats.matches > 30


@pytest.mark.slow
def test_no_match_or_round_trip_is_sent_outside_the_claim() -> None:
    calls: list[str] = []

    def spy_writer(kind: str, value: Any) -> str:
        calls.append("roundtrip")
        return reference_writer(kind, value)

    def spy_matcher(required: list[str], available: list[str]) -> tuple[bool, list[str]]:
        calls.append("match")
        return reference_match(required, available)

    impl = _impl(writer=spy_writer, matcher=spy_matcher, classes=("core", "payload"))
    stats = FuzzStats()
    assert list(fuzz(impl, examples=1000, seed=2, stats=stats)) == []
    assert calls == [] and stats.matches == stats.roundtrips == 0
    # Asked for those classes alone, the fuzzer sends nothing else.
    only = _impl(writer=spy_writer, matcher=spy_matcher)
    stats = FuzzStats()
    assert list(fuzz(only, examples=300, seed=2, classes=["capabilities"], stats=stats)) == []
    assert stats.examples == 300 and stats.matches == 300 and set(calls) == {"match"}


def test_shrinking_a_plain_document_may_drop_its_unusual_numbers_but_a_labelled_one_keeps_its_fault() -> None:
    from conformance.fuzz._mutate import Mutant
    from conformance.fuzz._shrink import shrink

    token = "@@vmjob-raw-10@@"
    doc = {**_gen.minimal("job"), "x-vendor": token, "x-keep": 1}
    plain = Mutant("job", doc, raw=((json.dumps(token), b"1E+2"),))
    assert b'"x-vendor":1E+2' in plain.render()
    small, _calls = shrink(plain, lambda m, data: b'"x-keep"' in data and reference.validate(data, "job").valid)
    assert small.raw == () and "x-vendor" not in small.tree and "x-keep" in small.tree
    assert reference.validate(small.render(), "job").valid
    labelled = Mutant("job", doc, rule="parse.syntax", expect="invalid", pin=("x-keep",), raw=plain.raw)
    small, _calls = shrink(labelled, lambda m, data: True)
    assert small.raw == labelled.raw and b"1E+2" in small.render()
