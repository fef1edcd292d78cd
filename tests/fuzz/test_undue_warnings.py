"""A warning given where none is due is filed under the rule of that warning, with the message the corpus case
of that rule gives; a warning missed is filed, as before, under the rule of the warning missed."""

from __future__ import annotations

import json
from typing import Any

import pytest

import reference
from conformance.fuzz import _gen
from conformance.fuzz._mutate import Mutant
from conformance.fuzz.cases import FuzzCase
from conformance.fuzz.differential import fuzz
from conformance.fuzz.findings import Findings
from conformance.fuzz.judge import Verdict, judge
from conformance.fuzz.shrinking import warning_start
from conformance.fuzz.stats import FuzzStats
from conformance.model import Reply
from conformance.zoo import Impl, Variant
from conformance.zoo._impl import at, issues_json
from conformance.zoo.score import ZooInProcess
from reference import Issue

TIMEOUT = "core.execution.timeout_seconds.long"
DEADLINE = "core.execution.deadline.after-created"
DISK = "core.constraints.maximum_disk_size_gb.large"


def _impl(**hooks: Any) -> ZooInProcess:
    impl = ZooInProcess(Variant("fake", "a fake for the fuzzer's tests", Impl(**hooks)))
    impl.start()
    return impl


def _warns_at_one_day(kind: str, document: Any) -> list[Issue]:
    """``>=`` for ``>``: the timeout warning at exactly 86400 seconds, where the reference gives none."""
    t = at(document, "/execution/timeout_seconds")
    if kind == "job" and type(t) is int and t == 86400:
        return [Issue(TIMEOUT, "recommended", "/execution/timeout_seconds", "a day or more")]
    return []


def _job(**members: Any) -> bytes:
    return json.dumps({**_gen.minimal("job"), **members}).encode()


#: A deadline before its creation (the deadline warning is due) and a timeout of exactly one day (none is).
BOTH = _job(created_at="2000-01-01T00:00:00Z", execution={"timeout_seconds": 86400, "deadline": "1999-01-01T00:00:00Z"})


def _reply(data: bytes, *extra: dict[str, str]) -> Reply:
    result = reference.validate(data, "job")
    return Reply("ok", valid=True, warnings=(*issues_json(result.warnings), *extra))


# --- the judge ---------------------------------------------------------------------------------------------


def test_a_warning_of_another_rule_than_the_label_is_filed_under_its_own_rule() -> None:
    expected = reference.validate(BOTH, "job")
    assert [w.rule for w in expected.warnings] == [DEADLINE]
    reply = _reply(BOTH, {"pointer": "/execution/timeout_seconds", "message": "a day"})
    got = judge(expected, reply, warnings=True, rule=DEADLINE)
    assert (got.verdict, got.direction) == (Verdict.DIVERGENT, "warning")
    assert got.slip is not None
    assert (got.slip.rule, got.slip.pointer, got.slip.missing) == (TIMEOUT, "/execution/timeout_seconds", False)
    # The corpus judge's own words for a case of the deadline rule on this document.
    assert (
        got.slip.message == "expected warnings at /execution/deadline only; got a warning at /execution/timeout_seconds"
    )


def test_a_missed_warning_is_filed_under_the_missed_rule_whatever_else_the_reply_warns_about() -> None:
    expected = reference.validate(BOTH, "job")
    reply = Reply("ok", valid=True, warnings=({"pointer": "/execution/timeout_seconds", "rule": TIMEOUT},))
    slip = judge(expected, reply, warnings=True, rule=DEADLINE).slip
    assert slip is not None and (slip.rule, slip.pointer, slip.missing) == (DEADLINE, "/execution/deadline", True)
    assert slip.message == "expected a warning at /execution/deadline; got warnings at /execution/timeout_seconds"


def test_the_pointer_names_the_rule_then_the_rule_the_reply_names_then_the_label() -> None:
    data = _job(execution={"timeout_seconds": 86400})
    expected = reference.validate(data, "job")
    assert not expected.warnings

    def slip_of(*warnings: dict[str, str]) -> tuple[str, str]:
        slip = judge(expected, Reply("ok", valid=True, warnings=warnings), warnings=True, rule=TIMEOUT).slip
        assert slip is not None and not slip.missing
        return slip.rule, slip.pointer

    # The member it points at is the disk's, whatever rule the reply says it is.
    assert slip_of({"pointer": "/constraints/maximum_disk_size_gb", "rule": TIMEOUT}) == (
        DISK,
        "/constraints/maximum_disk_size_gb",
    )
    # A member no warning rule is about: the warning rule the reply names, else the document's label.
    assert slip_of({"pointer": "/execution/priority", "rule": DISK}) == (DISK, "/execution/priority")
    assert slip_of({"pointer": "/execution/priority", "rule": "core.execution.priority"}) == (
        TIMEOUT,
        "/execution/priority",
    )
    assert slip_of({"pointer": "/execution/priority"}) == (TIMEOUT, "/execution/priority")


def test_agreeing_warnings_are_no_slip_and_unwatched_ones_are_not_compared() -> None:
    expected = reference.validate(BOTH, "job")
    assert judge(expected, _reply(BOTH), warnings=True, rule=DEADLINE).verdict is Verdict.AGREED
    extra = _reply(BOTH, {"pointer": "/execution/timeout_seconds"})
    assert judge(expected, extra, warnings=False, rule=DEADLINE).verdict is Verdict.AGREED


def test_the_shrink_of_a_warning_of_another_rule_starts_from_that_rule_pinned_at_its_member() -> None:
    label = Mutant("job", json.loads(BOTH), DEADLINE, "warning", "instant-edge", ("execution", "deadline"))
    reply = _reply(BOTH, {"pointer": "/execution/timeout_seconds"})
    slip = judge(reference.validate(BOTH, "job"), reply, warnings=True, rule=DEADLINE).slip
    assert slip is not None
    start = warning_start(label, slip)
    assert (start.rule, start.expect, start.pin) == (TIMEOUT, "valid", ("execution", "timeout_seconds"))
    missed = judge(reference.validate(BOTH, "job"), Reply("ok", valid=True), warnings=True, rule=DEADLINE).slip
    assert missed is not None and warning_start(label, missed) is label


# --- the finding's message -----------------------------------------------------------------------------------


def _finding_message(data: bytes, reply: Reply, rule: str) -> str:
    m = Mutant("job", json.loads(data), rule, "valid", "integer-edge", ("execution", "timeout_seconds"))
    case = FuzzCase(m, data, reference.validate(data, "job"), "core")
    return Findings(FuzzStats(), 1, "recommended").validate(case, m, data, reply, rule=rule).message


def test_the_message_of_an_undue_warning_says_which_rule_where_and_that_the_reference_gives_none() -> None:
    data = _job(execution={"timeout_seconds": 86400})
    reply = Reply("ok", valid=True, warnings=({"pointer": "/execution/timeout_seconds", "rule": TIMEOUT},))
    assert _finding_message(data, reply, TIMEOUT) == (
        f"the implementation gives the right verdict but an unexpected warning of {TIMEOUT} at "
        "/execution/timeout_seconds, where the reference gives none: expected no warning; got a warning at "
        "/execution/timeout_seconds"
    )


def test_the_message_of_a_missed_warning_is_unchanged() -> None:
    data = _job(execution={"timeout_seconds": 86401})
    message = _finding_message(data, Reply("ok", valid=True), TIMEOUT)
    assert message == (
        f"the implementation gives the right verdict but not the warning of {TIMEOUT} at "
        "/execution/timeout_seconds; it reports no warning"
    )


# --- campaigns against fakes -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_warning_of_another_rule_at_a_boundary_value_is_found_under_that_rule() -> None:
    """The regression: a fake warning at ``timeout_seconds == 86400`` was filed under the deadline rule (the
    label of the first document it showed on, which had a deadline warning of its own)."""
    for seed in (1, 2):
        findings = list(fuzz(_impl(extra_warnings=_warns_at_one_day), examples=5000, seed=seed, level="recommended"))
        assert [f["rule"] for f in findings] == [TIMEOUT]
        (finding,) = findings
        assert finding["level"] == "recommended" and finding["counted"] is True
        assert f"an unexpected warning of {TIMEOUT} at /execution/timeout_seconds" in finding["message"]
        assert "where the reference gives none: expected no warning; got a warning at" in finding["message"]
        assert finding["pointer"] == "/execution/timeout_seconds"
        assert [w["pointer"] for w in finding["got"]["warnings"]] == ["/execution/timeout_seconds"]
        # The minimal document: the boundary value, no warning from the reference, nothing of the deadline left.
        doc = json.loads(finding["document"])
        assert doc["execution"] == {"timeout_seconds": 86400}
        assert not reference.validate(finding["document"].encode(), "job").warnings


@pytest.mark.slow
def test_a_missed_warning_is_found_under_the_missed_rule_as_before() -> None:
    def above_100_tib_only(issue: Issue, document: Any, kind: str) -> bool:
        v = at(document, issue.pointer)
        return issue.rule == DISK and type(v) is int and v <= 102_400

    findings = list(fuzz(_impl(forgive_warning=above_100_tib_only), examples=3000, seed=1, level="recommended"))
    assert [f["rule"] for f in findings] == [DISK]
    (finding,) = findings
    assert (
        "the right verdict but not the warning of " + DISK + " at /constraints/maximum_disk_size_gb"
        in (finding["message"])
    )
    assert finding["expected"]["warnings"] == ["/constraints/maximum_disk_size_gb"]


@pytest.mark.slow
def test_a_warning_missed_and_one_of_another_rule_given_are_two_findings() -> None:
    """One reply missing the one and adding the other is filed under the one missed (as the corpus judge says
    the missing one first); the other shows on a document of its own (a budget that reaches one)."""
    impl = _impl(extra_warnings=_warns_at_one_day, forgive_warning=lambda i, d, k: i.rule == DEADLINE)
    findings = list(fuzz(impl, examples=10000, seed=1, level="recommended"))
    assert sorted(f["rule"] for f in findings) == [DEADLINE, TIMEOUT]
    by_rule = {f["rule"]: f["message"] for f in findings}
    assert "not the warning of " + DEADLINE in by_rule[DEADLINE]
    assert "an unexpected warning of " + TIMEOUT in by_rule[TIMEOUT]


def test_the_hypothesis_engine_files_it_under_the_same_rule() -> None:
    """Its search looks the divergence up, and its finding is filed, under the rule of the warning given."""
    from conformance.fuzz.hypothesis_engine import _Search

    stats = FuzzStats()
    findings = Findings(stats, 1, "recommended", engine="hypothesis")
    search = _Search(_impl(extra_warnings=_warns_at_one_day), stats, findings, True)
    labelled = Mutant("job", json.loads(BOTH), DEADLINE, "warning", "instant-edge", ("execution", "deadline"))
    assert search.diverges(labelled) and search.last is not None
    record = search.finding(search.last)
    assert record["rule"] == TIMEOUT and "an unexpected warning of " + TIMEOUT in record["message"]
    assert json.loads(record["document"])["execution"] == {"timeout_seconds": 86400}
    # Found: the same divergence on another document is a hit of it, not a new finding.
    assert findings.seen((TIMEOUT, "warning")) and not search.diverges(labelled)
