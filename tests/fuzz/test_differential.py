"""The fuzzer alone (no corpus) finds each fake's one broken rule, shrinks it to a document that shows exactly
that fault, and finds nothing against the reference itself."""

from __future__ import annotations

import json
from typing import Any

import pytest

import reference
from conformance import reference_impl
from conformance.fuzz import _gen
from conformance.fuzz.differential import DEFAULT_EXAMPLES, FuzzStats, finding_bytes, fuzz, replay_finding
from conformance.model import ImplInfo
from conformance.transports.inprocess import InProcess

from .fakes import FAKES


def _reference_on_bytes(kind: str, text: str) -> dict[str, Any]:
    """The reference as a correct in-process implementation: text back to the exact bytes it stands for."""
    return reference_impl.validate_reply(kind, text.encode("utf-8", "surrogateescape"))


def first_finding(fn: Any, rule: str, seed: int = 0, **kw: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Fuzz within the default budget until a finding of ``rule``; returns it and every finding before it."""
    seen = []
    for finding in fuzz(InProcess(fn), examples=DEFAULT_EXAMPLES, seed=seed, **kw):
        seen.append(finding)
        if finding["rule"] == rule:
            return finding, seen
    pytest.fail(f"no finding of {rule} within {DEFAULT_EXAMPLES} examples; found {[f['rule'] for f in seen]}")


@pytest.mark.parametrize("name", sorted(FAKES))
def test_the_fuzzer_finds_the_fakes_rule_and_nothing_else(name: str) -> None:
    fn, rule = FAKES[name]
    finding, before = first_finding(fn, rule)
    assert [f["rule"] for f in before] == [rule]
    assert finding["type"] == "finding" and finding["examples"] <= DEFAULT_EXAMPLES
    data = finding_bytes(finding)
    kind = finding["kind"]
    expected = reference.validate(data, kind)
    # The minimal document shows exactly the fault: the reference names that rule alone, and the fake
    # still disagrees with it.
    if reference.RULES[rule].polarity == "accept":
        assert expected.valid and finding["expected"]["valid"] is True and finding["got"]["valid"] is False
    else:
        assert expected.rules == {rule} and finding["got"]["valid"] is True
    assert finding["size"] <= finding["original_size"]
    assert finding["level"] == reference.RULES[rule].level and finding["counted"] is True


def _minimal_plus(kind: str, **members: Any) -> bytes:
    return json.dumps({**_gen.minimal(kind), **members}, ensure_ascii=False, separators=(",", ":")).encode()


def test_a_bad_priority_shrinks_to_the_minimal_job_with_that_priority() -> None:
    finding, _ = first_finding(FAKES["accepts_priority_11"][0], "core.execution.priority")
    doc = json.loads(finding_bytes(finding))
    priority = doc.pop("execution")["priority"]
    assert 10 < priority <= 255
    assert doc.keys() == _gen.minimal("job").keys()
    assert finding["size"] <= len(_minimal_plus("job", execution={"priority": 255}))


def test_an_unknown_member_shrinks_to_the_minimal_job_plus_that_member() -> None:
    finding, _ = first_finding(FAKES["rejects_unknown_top_level"][0], "core.unknown-members")
    doc = json.loads(finding_bytes(finding))
    extra = set(doc) - set(reference.schema("job")["properties"])
    assert len(extra) == 1
    (name,) = extra
    assert finding["size"] <= len(_minimal_plus("job", **{name: doc[name]})) + 32


def test_a_byte_counted_job_id_shrinks_to_a_short_wide_job_id() -> None:
    finding, _ = first_finding(FAKES["job_id_in_bytes"][0], "core.job_id")
    doc = json.loads(finding_bytes(finding))
    assert len(doc["job_id"]) < 8 <= len(doc["job_id"].encode("utf-8"))


def test_the_reference_itself_gives_no_finding() -> None:
    stats = FuzzStats()
    findings = list(fuzz(InProcess(_reference_on_bytes), examples=4000, seed=11, stats=stats))
    assert findings == []
    assert stats.examples == 4000 and stats.agreed == 4000


def test_the_reference_reads_text_with_a_lone_surrogate_under_a_wide_member_name() -> None:
    # Found by this fuzzer over the in-process transport: the pointer of the fault once crashed the reference.
    (error,) = reference.validate('{"é":"\udcff"}', "job").errors
    assert (error.rule, error.pointer) == ("parse.encoding", "/é")


def _always_valid(kind: str, text: str) -> bool:
    return True


def _raises_on_results(kind: str, text: str) -> Any:
    if kind == "result":
        raise RuntimeError("boom")
    return _reference_on_bytes(kind, text)


def test_faults_are_findings_never_agreement() -> None:
    stats = FuzzStats()
    findings = list(fuzz(InProcess(_raises_on_results), examples=600, seed=2, stats=stats))
    faults = [f for f in findings if f["fault"]]
    assert faults and all(f["fault"] == "errored" and f["kind"] == "result" for f in faults)
    assert "RuntimeError: boom" in faults[0]["got"]["message"]
    assert stats.faults > 0 and stats.agreed + stats.faults == stats.examples
    # One finding per (rule, fault), however many cases hit it.
    keys = [(f["rule"], f["fault"]) for f in faults]
    assert len(keys) == len(set(keys))


@pytest.mark.slow
def test_one_bug_gives_one_finding_per_rule_however_often_it_is_hit() -> None:
    stats = FuzzStats()
    findings = list(fuzz(InProcess(_always_valid), examples=3000, seed=5, stats=stats))
    rules = [f["rule"] for f in findings]
    assert len(rules) == len(set(rules))
    assert stats.divergent > len(findings)
    assert all(f["expected"]["valid"] is False and f["got"]["valid"] is True for f in findings)


def test_only_claimed_kinds_and_classes_are_sent() -> None:
    sent: list[str] = []

    def spy(kind: str, text: str) -> dict[str, Any]:
        sent.append(kind)
        return _reference_on_bytes(kind, text)

    info = ImplInfo("spy", "1", "python", kinds=("progress", "worker"), classes=("progress",))
    stats = FuzzStats()
    assert list(fuzz(InProcess(spy, info=info), examples=300, seed=1, stats=stats)) == []
    assert set(sent) == {"progress"} and len(sent) == 300
    assert stats.kinds == ["progress", "worker"]


def test_nothing_is_fuzzed_outside_the_claim() -> None:
    info = ImplInfo("spy", "1", "python", kinds=("worker",), classes=("core",))
    stats = FuzzStats()
    assert list(fuzz(InProcess(_always_valid, info=info), examples=50, kinds=["job"], stats=stats)) == []
    assert stats.examples == 0 and stats.outside_claim == ["job"]


@pytest.mark.slow
def test_the_same_seed_gives_the_same_findings() -> None:
    fn = FAKES["accepts_feb_30"][0]
    a = list(fuzz(InProcess(fn), examples=1500, seed=9))
    b = list(fuzz(InProcess(fn), examples=1500, seed=9))
    assert [(f["id"], f["examples"]) for f in a] == [(f["id"], f["examples"]) for f in b]


def test_replay_says_whether_a_finding_still_diverges() -> None:
    finding, _ = first_finding(FAKES["accepts_feb_30"][0], "timestamp.valid")
    fake = InProcess(FAKES["accepts_feb_30"][0])
    fixed = InProcess(_reference_on_bytes)
    for impl in (fake, fixed):
        impl.start()
    assert replay_finding(fake, finding)["diverges"] is True
    assert replay_finding(fixed, finding)["diverges"] is False


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"examples": -1}, "examples=-1"),
        ({"duration": 0}, "duration=0"),
        ({"level": "informational"}, "level='informational'"),
        ({"kinds": ["jobs"]}, "kind='jobs'"),
        ({"classes": ["cores"]}, "class='cores'"),
    ],
)
def test_bad_arguments_name_the_argument(kw: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        list(fuzz(InProcess(_always_valid), **kw))


def _rejects_empty_message(kind: str, text: str) -> dict[str, Any]:
    """Takes an empty progress message for a missing one."""
    try:
        value = json.loads(text) if kind == "progress" else None
    except (ValueError, RecursionError):
        value = None
    if isinstance(value, dict) and value.get("message") == "":
        return {"valid": False, "errors": [{"pointer": "/message", "message": "message is required"}]}
    return _reference_on_bytes(kind, text)


@pytest.mark.slow
def test_the_hypothesis_engine_finds_and_shrinks_a_rejected_valid_document() -> None:
    stats = FuzzStats()
    impl = InProcess(_rejects_empty_message)
    findings = list(
        fuzz(impl, engine="hypothesis", examples=100, kinds=["progress"], classes=["progress"], stats=stats)
    )
    assert [f["rule"] for f in findings] == ["progress.message"]
    doc = json.loads(finding_bytes(findings[0]))
    assert findings[0]["expected"]["valid"] is True and findings[0]["got"]["valid"] is False
    # Hypothesis shrank it to the smallest progress event: required members only, each at its minimum.
    assert doc == {"job_id": "", "timestamp": "1970-01-01T00:00:00Z", "sequence": 0, "phase": "", "message": ""}
