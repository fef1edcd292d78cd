"""The one judge both engines, the shrinkers and the replay share: what a reply amounts to beside the reference."""

from __future__ import annotations

import json

import pytest

import reference
from conformance.fuzz import _gen
from conformance.fuzz.judge import Verdict, judge, judge_match, judge_roundtrip
from conformance.model import Reply

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
