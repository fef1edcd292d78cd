"""Batched shrinking: candidates the reference confirms go to the implementation together, and the first in
order that still diverges is kept, so the findings are those of the one-at-a-time shrinker (window 1) for a
deterministic implementation, with fewer requests."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from conformance.fuzz import _gen, shrinking
from conformance.fuzz._mutate import Mutant
from conformance.fuzz._shrink import shrink, shrink_batched
from conformance.fuzz.differential import fuzz
from conformance.model import ImplInfo, Reply
from conformance.transports import Implementation
from conformance.transports.inprocess import InProcess

from .fakes import FAKES


def _always_valid(kind: str, text: str) -> dict[str, Any]:
    """The trivial adapter's verdict: every document valid (every invalid one a finding to shrink)."""
    return {"valid": True, "errors": []}


class _Counting(InProcess):
    """An in-process implementation that counts its requests (one per document) and its batches."""

    def __init__(self, fn: Any) -> None:
        super().__init__(fn)
        self.requests = 0
        self.batches = 0

    def validate_many(self, items: Iterable[tuple[str, bytes]]) -> Iterator[Reply]:
        self.batches += 1

        def counted() -> Iterator[tuple[str, bytes]]:
            for item in items:
                self.requests += 1
                yield item

        return super().validate_many(counted())

    def validate(self, kind: str, data: bytes) -> Reply:
        return next(iter(self.validate_many([(kind, data)])))


#: The shrinker's window as the campaign uses it (read before a test changes it).
DEFAULT_WINDOW = shrinking.SHRINK_WINDOW
#: The fakes whose shrinks meet candidates the implementation no longer gets wrong.
FEWER_ROUND_TRIPS = ("last_wins_duplicates", "job_id_in_bytes")


def _campaign(
    fn: Any, window: tuple[int, int], examples: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[Any], int, int]:
    monkeypatch.setattr(shrinking, "SHRINK_WINDOW", window)
    impl = _Counting(fn)
    findings = list(fuzz(impl, examples=examples, seed=3))
    return findings, impl.requests, impl.batches


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    ["always-valid", "accepts_priority_11", "rejects_unknown_top_level", "last_wins_duplicates", "job_id_in_bytes"],
)
def test_batched_shrinking_finds_what_one_at_a_time_finds(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fn = _always_valid if name == "always-valid" else FAKES[name][0]
    examples = 600 if name == "always-valid" else 3000
    one, one_requests, one_batches = _campaign(fn, (1, 1), examples, monkeypatch)
    batched, requests, batches = _campaign(fn, DEFAULT_WINDOW, examples, monkeypatch)
    assert one, "the fake should give findings to shrink"
    assert batched == one
    # No more round trips, and fewer where the implementation turns candidates down (the window then grows);
    # an implementation that accepts every invalid candidate is asked one winner at a time, as before.
    assert batches < one_batches if name in FEWER_ROUND_TRIPS else batches <= one_batches
    assert requests >= one_requests  # the price: a few documents asked for nothing


def test_shrink_batched_chooses_as_shrink_does_within_any_budget() -> None:
    """The same best and the same calls counted as the sequential shrinker, whatever the budget cuts."""
    rng = random.Random(5)
    for i in range(30):
        doc = _gen.document("job", rng, fill=0.9)
        start = Mutant("job", doc)
        secret = rng.randrange(1, 7)

        def local(m: Mutant, data: bytes) -> Any:
            return None if len(data) % 5 == 0 else len(data)  # some candidates never reach the implementation

        def holds(m: Mutant, data: bytes, secret: int = secret) -> bool:
            return local(m, data) is not None and (len(data) % secret != 1 or "payload" in m.tree)

        def remote(batch: list[tuple[Mutant, bytes, Any]]) -> list[bool]:
            return [holds(m, d) for m, d, _ in batch]

        budget = (5, 40, 3000)[i % 3]
        expected, expected_calls = shrink(start, holds, budget=budget)
        for window in ((1, 1), (3, 3), (1, 16)):
            got, calls = shrink_batched(start, local, remote, budget=budget, window=window)
            assert (got.tree, calls) == (expected.tree, expected_calls)


class _OneByOne(Implementation):
    """A transport that does not pipeline (it keeps the base class's ``validate_many``), counting documents."""

    def __init__(self, fn: Any) -> None:
        self.inner_fn = InProcess(fn)
        self.reports_warnings = self.inner_fn.reports_warnings
        self.requests = 0

    def start(self) -> ImplInfo:
        self.info = self.inner_fn.start()
        return self.info

    def validate(self, kind: str, data: bytes) -> Reply:
        self.requests += 1
        return self.inner_fn.validate(kind, data)

    def close(self) -> None:
        self.inner_fn.close()


@pytest.mark.slow
def test_a_transport_that_does_not_pipeline_is_asked_one_candidate_at_a_time() -> None:
    fn = FAKES["job_id_in_bytes"][0]
    assert shrinking.pipelines(InProcess(fn)) and not shrinking.pipelines(_OneByOne(fn))
    counted = _Counting(fn)
    one_by_one = _OneByOne(fn)
    try:
        pipelined = list(fuzz(counted, examples=3000, seed=3))
        plain = list(fuzz(one_by_one, examples=3000, seed=3))
    finally:
        one_by_one.close()
    assert plain == pipelined
    # No document asked for nothing: the one-at-a-time shrinker's requests, fewer than the batched one's.
    assert one_by_one.requests < counted.requests
