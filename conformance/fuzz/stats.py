"""What a fuzz campaign did beside its findings, and why it ended (the CLI writes both in the report footer)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .judge import Verdict


class ExitReason(Enum):
    """Why a campaign ended."""

    #: Every case asked for was sent (the fast engine), or every search ran its course (Hypothesis).
    BUDGET = "budget"
    #: The time given (``duration``) ran out.
    DURATION = "duration"
    #: The implementation was gone (its restart budget spent): the campaign was cut short.
    GONE = "gone"
    #: Nothing within the implementation's claim could be generated: no case was owed.
    NOTHING = "nothing"


@dataclass
class FuzzStats:
    """What a run did, beside its findings (the CLI writes it in the report footer)."""

    #: Cases the campaign set out to send (its budget; 0 when nothing within the claim can be generated).
    asked: int = 0
    examples: int = 0
    agreed: int = 0
    divergent: int = 0
    faults: int = 0
    #: Requests the transport cannot carry (``--wrap`` of a document that is not JSON text): plain skips.
    skipped: int = 0
    #: Requests the implementation answered ``skipped``: inside its claim, not an answer.
    declined: int = 0
    #: Why the campaign ended before its budget ("" when it did not).
    stopped: str = ""
    #: Why the campaign ended (None while it runs, or when its caller stopped reading it).
    exit_reason: ExitReason | None = None
    #: Mutations the reference did not attribute to exactly their label (discarded, never sent).
    discarded: int = 0
    #: Rounds whose aimed rule found no place in BASE_TRIES base documents.
    unplaced: int = 0
    generated: int = 0
    #: Capability matches and round trips among the examples.
    matches: int = 0
    roundtrips: int = 0
    shrink_calls: int = 0
    findings: int = 0
    seconds: float = 0.0
    kinds: list[str] = field(default_factory=list)
    outside_claim: list[str] = field(default_factory=list)
    hits: Counter[str] = field(default_factory=Counter)

    @property
    def unanswered(self) -> int:
        """Cases asked for that got no answer: never sent (the campaign cut short), declined, or a fault."""
        return max(0, self.asked - self.examples) + self.declined + self.faults

    def count(self, verdict: Verdict) -> None:
        """Count one reply by what the judge made of it."""
        if verdict is Verdict.AGREED:
            self.agreed += 1
        elif verdict is Verdict.DIVERGENT:
            self.divergent += 1
        elif verdict is Verdict.FAULT:
            self.faults += 1
        elif verdict is Verdict.DECLINED:
            self.declined += 1
        else:
            self.skipped += 1

    def exit(self, reason: ExitReason, stopped: str = "") -> None:
        """Record why the campaign ended; ``stopped`` says why it ended before its budget."""
        self.exit_reason = reason
        if stopped:
            self.stopped = stopped

    def to_json(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "hits"}
        out["exit_reason"] = self.exit_reason.value if self.exit_reason is not None else None
        out["unanswered"] = self.unanswered
        out["hits"] = dict(self.hits)
        out["rate"] = round(self.examples / self.seconds, 1) if self.seconds else None
        return out
