"""The fast engine generates a batch's documents as the transport takes them, so a pipelined implementation
answers the first while the next are made (the wall time of a case is about the greater of the two)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from conformance.fuzz.differential import FuzzStats, fuzz
from conformance.model import Reply
from conformance.transports.inprocess import InProcess


def _always_valid(kind: str, text: str) -> dict[str, Any]:
    return {"valid": True, "errors": []}


class _Watching(InProcess):
    """Records, as each document of a batch is taken, how many documents the campaign had generated."""

    def __init__(self, stats: FuzzStats) -> None:
        super().__init__(_always_valid)
        self.stats = stats
        self.batches: list[list[int]] = []

    def validate_many(self, items: Iterable[tuple[str, bytes]]) -> Iterator[Reply]:
        seen: list[int] = []
        self.batches.append(seen)

        def watched() -> Iterator[tuple[str, bytes]]:
            for item in items:
                seen.append(self.stats.generated)
                yield item

        return super().validate_many(watched())


@pytest.mark.slow
def test_documents_are_generated_as_the_transport_takes_them() -> None:
    stats = FuzzStats()
    impl = _Watching(stats)
    for _ in fuzz(impl, examples=300, seed=2, stats=stats):
        pass
    first = impl.batches[0]
    assert len(first) > 100  # the campaign's first batch (shrinking's batches come after it)
    # Generated one after another while the batch was being sent, not all before its first document went.
    assert first[0] < first[-1]
    assert first == sorted(first)
    assert stats.examples == 300
