"""The one judge both engines, the shrinkers and the replay share: what a reply amounts to beside the reference,
and, for the campaign, why it ended (an enum in the stats, beside the ``stopped`` text)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

import reference
from conformance.fuzz import _gen
from conformance.fuzz.differential import ExitReason, FuzzStats, fuzz
from conformance.fuzz.judge import Verdict, judge, judge_match, judge_roundtrip
from conformance.model import ImplInfo, Reply
from conformance.transports import ImplementationGone
from conformance.transports.inprocess import InProcess

VALID = json.dumps(_gen.minimal("job")).encode()
INVALID = json.dumps({**_gen.minimal("job"), "execution": {"priority": 11}}).encode()
WARNED = json.dumps({**_gen.minimal("job"), "execution": {"timeout_seconds": 86401}}).encode()
SILENT = Reply("ok", valid=True)


@pytest.mark.parametrize(
    ("data", "reply", "warnings", "verdict", "direction"),
    [
        (VALID, SILENT, False, Verdict.AGREED, ""),
        (INVALID, Reply("ok", valid=False), False, Verdict.AGREED, ""),
        (INVALID, Reply("ok", valid=True), False, Verdict.DIVERGENT, "invalid"),
        (VALID, Reply("ok", valid=False), False, Verdict.DIVERGENT, "valid"),
        (WARNED, SILENT, False, Verdict.AGREED, ""),
        (WARNED, SILENT, True, Verdict.DIVERGENT, "warning"),
        (VALID, Reply("errored", message="boom"), False, Verdict.FAULT, "fault:errored"),
        (VALID, Reply("timeout"), False, Verdict.FAULT, "fault:timeout"),
        (VALID, Reply("declined"), False, Verdict.DECLINED, ""),
        (VALID, Reply("skipped"), False, Verdict.SKIPPED, ""),
    ],
    ids=[
        "valid-accepted",
        "invalid-rejected",
        "invalid-accepted",
        "valid-rejected",
        "warning-missing-not-compared",
        "warning-missing-compared",
        "errored",
        "timeout",
        "declined",
        "skipped",
    ],
)
def test_a_validate_reply_is_judged_beside_the_reference(
    data: bytes, reply: Reply, warnings: bool, verdict: Verdict, direction: str
) -> None:
    got = judge(reference.validate(data, "job"), reply, warnings=warnings)
    assert (got.verdict, got.direction) == (verdict, direction)
    # Anything but agreement (or a request the transport could not carry) is a divergence when replayed.
    assert got.diverges is (verdict not in (Verdict.AGREED, Verdict.SKIPPED))


def test_round_trips_and_matches_are_judged_as_the_corpus_judges_them() -> None:
    kept = judge_roundtrip("job", VALID, Reply("ok", document=VALID.decode()))
    lost = judge_roundtrip("job", VALID, Reply("ok", document="{}"))
    assert kept.verdict is Verdict.AGREED
    assert (lost.verdict, lost.direction, lost.outcome) == (Verdict.DIVERGENT, "roundtrip", "fail")
    assert "was lost" in lost.message
    crashed = judge_roundtrip("job", VALID, Reply("crash", message="gone"))
    assert (crashed.verdict, crashed.direction, crashed.outcome) == (Verdict.FAULT, "fault:crash", "crash")
    assert judge_match(["a"], ["a"], Reply("ok", valid=True)).verdict is Verdict.AGREED
    wrong = judge_match(["a"], ["A"], Reply("ok", valid=True))
    assert (wrong.verdict, wrong.direction) == (Verdict.DIVERGENT, "match")
    assert judge_match(["a"], ["a"], Reply("declined")).verdict is Verdict.DECLINED


def _reference(kind: str, text: str) -> dict[str, Any]:
    result = reference.validate(text.encode("utf-8", "surrogateescape"), kind)
    return {"valid": result.valid}


class _GoneAfter(InProcess):
    def __init__(self, n: int) -> None:
        super().__init__(_reference)
        self.left = n

    def validate_many(self, items: Iterable[tuple[str, bytes]]) -> Iterator[Reply]:
        for item in items:
            self.left -= 1
            if self.left < 0:
                raise ImplementationGone("the implementation exited (test)")
            yield from super().validate_many([item])


def test_a_campaign_that_spends_its_budget_says_so() -> None:
    stats = FuzzStats()
    assert list(fuzz(InProcess(_reference), examples=200, seed=1, stats=stats)) == []
    assert stats.exit_reason is ExitReason.BUDGET and stats.stopped == ""
    assert stats.to_json()["exit_reason"] == "budget"


def test_a_campaign_given_a_duration_ends_with_it() -> None:
    stats = FuzzStats()
    list(fuzz(InProcess(_reference), duration=0.05, seed=1, stats=stats))
    assert stats.exit_reason is ExitReason.DURATION


def test_a_campaign_cut_short_says_why_in_words_and_as_the_enum() -> None:
    stats = FuzzStats()
    with pytest.raises(ImplementationGone):
        list(fuzz(_GoneAfter(50), examples=500, seed=1, classes=["core"], stats=stats))
    assert stats.exit_reason is ExitReason.GONE and stats.stopped == "the implementation exited (test)"
    out = stats.to_json()
    assert (out["exit_reason"], out["stopped"]) == ("gone", "the implementation exited (test)")
    # The replies that came back before it was gone were judged all the same.
    assert stats.examples == stats.agreed == 50 and out["unanswered"] == 450


def test_a_campaign_with_nothing_within_the_claim_owes_nothing() -> None:
    stats = FuzzStats()
    info = ImplInfo("w", "1", "python", kinds=("worker",), classes=("worker",))
    assert list(fuzz(InProcess(_reference, info=info), examples=50, kinds=["job"], stats=stats)) == []
    assert stats.exit_reason is ExitReason.NOTHING and stats.asked == 0 and stats.unanswered == 0


@pytest.mark.slow
def test_the_hypothesis_engine_records_why_it_ended() -> None:
    stats = FuzzStats()
    found = list(fuzz(InProcess(_reference), engine="hypothesis", examples=10, kinds=["progress"], stats=stats))
    assert found == [] and stats.exit_reason is ExitReason.BUDGET and stats.agreed > 0
