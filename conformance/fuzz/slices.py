"""A fuzz campaign cut into fixed slices, so that any number of workers (or shards) finds the same things.

A campaign of ``examples`` generated documents is cut into slices of :data:`SLICE` documents; slice ``i``
has its own seed (:meth:`Campaign.seed_of`: slice 0 keeps the campaign's seed) and is run by the fast engine
as a campaign of its own, with no state shared with any other slice. What a slice finds is therefore a
function of the campaign's seed and the slice's index alone, never of which worker ran it, when, or beside
what: the cut depends on the budget only, not on the number of workers or shards.

The slices' results are put back together in slice order (:class:`Merger`): a finding whose key (rule and
direction, :func:`finding_key`) an earlier slice already has is dropped (one bug gives one finding; its
hits are still counted), and a finding's ``examples`` is made the campaign's own count (slice offset +
the slice's count) and its ``seed`` the campaign's seed. :func:`merge_stats` adds the slices' figures up;
a slice that was never run (its worker gone, a shard missing) counts as asked and never sent.

Shard ``K/N`` runs the slices ``i`` with ``i % N == K - 1``.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..transports import Implementation
from . import fast
from .findings import Findings
from .stats import ExitReason, FuzzStats

#: Generated documents per slice. Fixed (never derived from the number of workers), so the cut is the same
#: for every run of one budget; small enough that two workers share a default campaign (10,000) evenly.
SLICE = 1000
#: FuzzStats fields that add up over slices.
SUMMED = (
    "asked", "examples", "agreed", "divergent", "faults", "skipped", "declined", "discarded", "unplaced",
    "generated", "matches", "roundtrips", "shrink_calls",
)  # fmt: skip


@dataclass(frozen=True)
class Campaign:
    """What to fuzz: the seed, the budget (``examples``, or ``duration`` seconds), the scope, the shard."""

    seed: int
    examples: int | None
    duration: float | None = None
    kinds: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    level: str = "required"
    #: ``(K, N)``: only the slices of shard K of N (1-based K).
    shard: tuple[int, int] | None = None

    def slice_count(self) -> int | None:
        """Slices of the whole campaign (all shards); None for a campaign bounded by time alone."""
        return None if self.examples is None else math.ceil(self.examples / SLICE)

    def slices(self) -> Iterator[int]:
        """This campaign's (or shard's) slices, in order; endless for a campaign bounded by time alone."""
        count = self.slice_count()
        i = 0 if self.shard is None else self.shard[0] - 1
        step = 1 if self.shard is None else self.shard[1]
        while count is None or i < count:
            yield i
            i += step

    def budget_of(self, i: int) -> int:
        return SLICE if self.examples is None else max(0, min(SLICE, self.examples - i * SLICE))

    def owed(self, i: int) -> int:
        """Documents slice ``i`` owes: its budget, or none in a campaign bounded by time (as the engine counts)."""
        return 0 if self.examples is None else self.budget_of(i)

    def seed_of(self, i: int) -> int:
        return self.seed if i == 0 else random.Random(f"{self.seed}/slice/{i}").randrange(2**32)

    def asked(self) -> int:
        """Documents this campaign (or shard) owes; 0 for one bounded by time alone."""
        return 0 if self.examples is None else sum(self.budget_of(i) for i in self.slices())


def run_slice(
    impl: Implementation,
    campaign: Campaign,
    i: int,
    stats: FuzzStats,
    *,
    deadline: float | None = None,
    findings: Findings | None = None,
) -> Iterator[dict[str, Any]]:
    """Run slice ``i`` of ``campaign`` against ``impl``; yield its findings, numbered as the campaign's.

    ``deadline`` (a :func:`time.monotonic` time) ends the slice early; ``findings`` (the cluster's shared
    findings) may say which keys are already known. Raises :class:`ImplementationGone` as the engine does.
    """
    duration = None if deadline is None else max(0.001, deadline - time.monotonic())
    seed = campaign.seed_of(i)
    try:
        for record in fast.run(
            impl,
            campaign.budget_of(i),
            duration,
            seed,
            campaign.kinds,
            campaign.classes,
            campaign.level,
            stats,
            findings or Findings(stats, seed, campaign.level),
        ):
            yield renumber(record, campaign, i)
    finally:
        if campaign.examples is None:
            stats.asked = 0  # a campaign bounded by time owes no number of documents


def renumber(record: dict[str, Any], campaign: Campaign, i: int) -> dict[str, Any]:
    """A slice's finding as the campaign's: ``examples`` counted from the campaign's start, the campaign's seed."""
    out = dict(record)
    if isinstance(out.get("examples"), int):
        out["examples"] += i * SLICE
    if "seed" in out:
        out["seed"] = campaign.seed
    return out


def finding_key(record: dict[str, Any]) -> str:
    """A finding's key, read back from its record: its rule and the direction of the divergence (the key
    :mod:`.fast` files it under: a fault, a round trip, a match, or an invalid / valid / warning verdict)."""
    rule, direction = finding_key_parts(record)
    return f"{rule} {direction}"


def finding_key_parts(record: dict[str, Any]) -> tuple[str | None, str]:
    """:func:`finding_key` as the engine's own key: ``(rule, direction)``."""
    rule = record.get("rule") if isinstance(record.get("rule"), str) else None
    fault, mode = record.get("fault"), record.get("mode")
    if isinstance(fault, str) and fault:
        direction = "fault:" + fault
    elif mode in ("roundtrip", "match"):
        direction = str(mode)
    else:
        expected = record.get("expected") if isinstance(record.get("expected"), dict) else {}
        got = record.get("got") if isinstance(record.get("got"), dict) else {}
        assert isinstance(expected, dict) and isinstance(got, dict)
        if expected.get("valid") is False:
            direction = "invalid"
        else:
            direction = "warning" if got.get("valid") is True else "valid"
    return rule, direction


class Merger:
    """Findings of slices, taken in slice order: the first of each key is kept, later ones dropped."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.kept = 0

    def add(self, record: dict[str, Any]) -> dict[str, Any] | None:
        key = finding_key(record)
        if key in self.keys:
            return None
        self.keys.add(key)
        self.kept += 1
        return record


def merge_stats(
    parts: Iterable[tuple[int, dict[str, Any] | None]],
    *,
    findings: int,
    seconds: float | None = None,
    stopped: str = "",
    timed: bool = False,
) -> dict[str, Any]:
    """The figures of a campaign from its slices' (``(budget, FuzzStats.to_json() or None)``, in slice order;
    None: the slice never ran, so its budget was asked and never sent, for the reason ``stopped``). ``timed``:
    the campaign was bounded by time, so it ended for that reason even when no slice was cut by it (the
    time ran out between two slices)."""
    total = FuzzStats()
    reasons: set[str] = set()
    ran = 0
    for budget, part in parts:
        if part is None:
            total.asked += budget
            reasons.add(ExitReason.GONE.value if stopped else ExitReason.BUDGET.value)
            continue
        ran += part["slices"] if isinstance(part.get("slices"), int) else 1  # a shard's figures hold several
        for name in SUMMED:
            value = part.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                setattr(total, name, getattr(total, name) + value)
        if isinstance(part.get("seconds"), (int, float)):
            total.seconds += float(part["seconds"])
        if not total.stopped and isinstance(part.get("stopped"), str):
            total.stopped = part["stopped"]
        if not total.kinds:
            total.kinds = [k for k in part.get("kinds") or [] if isinstance(k, str)]
            total.outside_claim = [k for k in part.get("outside_claim") or [] if isinstance(k, str)]
        hits = part.get("hits")
        if isinstance(hits, dict):
            total.hits.update(Counter({str(k): v for k, v in hits.items() if isinstance(v, int)}))
        if isinstance(part.get("exit_reason"), str):
            reasons.add(part["exit_reason"])
    if not total.stopped and stopped and total.asked > total.examples:
        total.stopped = stopped
    total.findings = findings
    if seconds is not None:
        total.seconds = seconds
    if timed and ExitReason.BUDGET.value in reasons:
        reasons.add(ExitReason.DURATION.value)
    for reason in (ExitReason.GONE, ExitReason.DURATION, ExitReason.BUDGET, ExitReason.NOTHING):
        if reason.value in reasons:
            total.exit_reason = reason
            break
    out = total.to_json()
    out["slices"] = ran
    return out
