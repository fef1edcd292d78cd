"""The fast engine: a campaign of batches, each read as phases — generate → ask → judge (→ shrink).

*Generate*: a batch of confirmed cases (:func:`.cases.cases`), with a small share of round trips and
capability matches when the implementation claims their classes. *Ask*: the batch's documents go to the
implementation together (``validate_many``, which the persistent transport pipelines); the replies that
came back before the implementation was gone are judged all the same. *Judge*: each reply by
:mod:`.judge`; a new divergence is *shrunk* (:mod:`.shrinking`), attributed (:mod:`.attribution`) and
yielded as a finding (:mod:`.findings`). The campaign ends when the budget is spent, the time is up, or
the implementation is gone (:class:`.stats.ExitReason`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import reference
from reference import KIND_CLASS

from ..model import Reply
from ..transports import Implementation, ImplementationGone
from . import _capabilities, _roundtrip
from .attribution import attribute, rule_from_pointers
from .cases import FuzzCase, cases, claimed, plain
from .findings import Findings, Key
from .judge import Verdict, judge, judge_match, judge_roundtrip, judges_warnings
from .shrinking import shrink_match, shrink_roundtrip, shrink_validate, warning_start
from .stats import ExitReason, FuzzStats

BATCH = 128
#: Shares of the cases that are capability matches and round trips (when the implementation claims the class):
#: each such mutant needs a few dozen cases at most, and the rest of the budget stays with the 118 rules.
MATCH_SHARE = 0.03
ROUNDTRIP_SHARE = 0.05
#: Shrinks of unlabelled divergences (valid documents rejected) per run: each costs predicate calls, and
#: an implementation rejecting many valid documents would otherwise spend the run shrinking them.
MAX_UNLABELLED_SHRINKS = 25


@dataclass
class _Batch:
    """One batch's cases: documents to validate (some also to round-trip), then capability matches.

    The documents are generated as the transport takes them (:meth:`feed`), so that a pipelined transport
    has the first ones answered while the next are made: generation overlaps the implementation's work
    (wall time per case about the greater of the two, not their sum). Same documents, same order."""

    cases: list[FuzzCase] = field(default_factory=list)
    matches: list[tuple[list[str], list[str]]] = field(default_factory=list)
    #: The documents still to be generated, appended to :attr:`cases` as they are taken.
    source: Iterator[FuzzCase] = field(default_factory=lambda: iter(()))
    #: The matches, drawn once every document is (they share the generator of round trips).
    draw_matches: Callable[[], list[tuple[list[str], list[str]]]] = field(default=lambda: [])

    def feed(self) -> Iterator[tuple[str, bytes]]:
        for case in self.source:
            self.cases.append(case)
            yield case.kind, case.data


def run(
    impl: Implementation,
    examples: int | None,
    duration: float | None,
    seed: int,
    kinds: Sequence[str],
    classes: Sequence[str],
    level: str,
    stats: FuzzStats,
    findings: Findings | None = None,
) -> Iterator[dict[str, Any]]:
    """Fuzz ``impl`` for ``examples`` cases or ``duration`` seconds, whichever ends first; yield the findings.

    ``findings`` (default: a new :class:`Findings`) is where the campaign files them: a slice of a cluster
    campaign passes one that already knows the keys other slices found (:mod:`.slices`)."""
    info = impl.info or impl.start()
    if not info.kinds or not info.classes:
        # A claim with no kind or no class claims nothing, as the corpus reads it (every case "outside the
        # claim"): the campaign owes nothing and sends nothing (``claimed`` would read an empty list as all).
        stats.kinds, stats.outside_claim = [], list(kinds or reference.KINDS)
        stats.exit(ExitReason.NOTHING)
        return
    allowed = claimed(impl, kinds, classes, stats)
    if not stats.kinds:
        stats.exit(ExitReason.NOTHING)
        return
    stats.asked = examples or 0
    gen = _Generator(seed, stats, allowed)
    if gen.empty:
        stats.asked = 0
        stats.exit(ExitReason.NOTHING)
        return  # nothing within the claim: every case would be skipped
    filed = findings if findings is not None else Findings(stats, seed, level)
    campaign = _Judge(impl, stats, filed, level != "required" and impl.reports_warnings)
    t0 = time.monotonic()
    try:
        while True:
            if examples is not None and stats.examples >= examples:
                stats.exit(ExitReason.BUDGET)
                break
            if duration is not None and time.monotonic() - t0 >= duration:
                stats.exit(ExitReason.DURATION)
                break
            batch = gen.batch(BATCH if examples is None else min(BATCH, examples - stats.examples))
            replies, gone = _ask(impl, batch)
            for case, reply in zip(batch.cases, replies, strict=False):
                stats.examples += 1
                record = campaign.document(case, reply, allowed)
                if record is not None:
                    yield record
            if gone is not None:
                raise gone
            for required, available in batch.matches:
                stats.examples += 1
                record = campaign.match(required, available)
                if record is not None:
                    yield record
    except ImplementationGone as err:
        stats.exit(ExitReason.GONE, str(err))
        raise
    finally:
        stats.seconds = time.monotonic() - t0


def _ask(impl: Implementation, batch: _Batch) -> tuple[list[Reply], ImplementationGone | None]:
    """The replies to a batch, all collected before any is judged (shrinking sends requests of its own):
    those that came before the implementation was gone, and that it is gone. The batch's documents are
    generated as they are sent; its matches are drawn once they all are."""
    replies: list[Reply] = []
    try:
        replies.extend(impl.validate_many(batch.feed()))
    except ImplementationGone as err:
        return replies, err
    batch.matches = batch.draw_matches()
    return replies, None


class _Generator:
    """The generate phase: batches of confirmed cases, round trips and matches, from the campaign's seed."""

    def __init__(self, seed: int, stats: FuzzStats, allowed: list[str]) -> None:
        self.stats = stats
        self.shares = {
            "match": MATCH_SHARE if "capabilities" in allowed else 0.0,
            "roundtrip": ROUNDTRIP_SHARE if "roundtrip" in allowed else 0.0,
        }
        #: Nothing at all to generate within the claim.
        self.empty = False
        self.stream: Iterator[FuzzCase] | None
        try:
            first = cases(seed, stats.kinds, allowed, stats)
            self.pending = [next(first)]
            self.stream = first
        except ValueError:
            self.stream, self.pending = None, []
            if not any(self.shares.values()):
                self.empty = True
            else:
                self.shares = {k: v / sum(self.shares.values()) for k, v in self.shares.items()}
        self.side = random.Random(f"{seed}-match-roundtrip")

    def batch(self, n: int) -> _Batch:
        side, shares = self.side, self.shares
        draws = [side.random() for _ in range(n)]
        n_match = sum(d < shares["match"] for d in draws)
        n_rt = sum(shares["match"] <= d < shares["match"] + shares["roundtrip"] for d in draws)
        n_val = n - n_match - n_rt if self.stream is not None else 0
        if self.stream is None:
            n_match = n - n_rt
        return _Batch(
            source=self._cases(n_val, n_rt),
            draw_matches=lambda: [_capabilities.lists(side) for _ in range(n_match)],
        )

    def _cases(self, n_val: int, n_rt: int) -> Iterator[FuzzCase]:
        """The batch's documents, one at a time: ``n_val`` from the stream, then ``n_rt`` round trips."""
        for _ in range(n_val):
            if self.pending:
                yield self.pending.pop(0)
            else:
                assert self.stream is not None
                yield next(self.stream)
        side = self.side
        for _ in range(n_rt):
            kind = side.choice(self.stats.kinds)
            m = _roundtrip.document(kind, side)
            data = m.render()
            yield FuzzCase(m, data, reference.validate(data, kind), KIND_CLASS[kind], roundtrip=True)


class _Judge:
    """The judge phase: each reply judged; a new divergence shrunk, attributed and made a finding, a known one
    counted as a hit."""

    def __init__(self, impl: Implementation, stats: FuzzStats, findings: Findings, warnings: bool) -> None:
        self.impl, self.stats, self.findings, self.warnings = impl, stats, findings, warnings
        self.unlabelled_shrinks = 0

    def document(self, case: FuzzCase, reply: Reply, allowed: list[str]) -> dict[str, Any] | None:
        """A generated document's validate reply, then its round trip when it is one and holds valid."""
        if case.roundtrip and case.klass not in allowed:
            record = None  # validated only to know the implementation holds it valid
        else:
            record = self.validate(case, reply)
        if record is None and case.roundtrip and reply.status == "ok" and reply.valid:
            record = self.roundtrip(case)
        return record

    def validate(self, case: FuzzCase, reply: Reply) -> dict[str, Any] | None:
        m = case.mutant
        verdict = judge(case.expected, reply, warnings=self.warnings and judges_warnings(m.rule, m.expect), rule=m.rule)
        self.stats.count(verdict.verdict)
        if verdict.verdict is Verdict.FAULT:
            key: Key = (m.rule, verdict.direction)
            if self.findings.seen(key):
                return None
            return self.findings.keep(key, self.findings.validate(case, m, case.data, reply, fault=reply.status))
        if verdict.verdict is not Verdict.DIVERGENT:
            return None
        if verdict.direction != "valid":
            # An invalid document accepted, or a warning missed: the label is the rule. A warning given where
            # none is due: the rule of that warning (which need not be the label's).
            slip = verdict.slip
            rule = m.rule if slip is None else slip.rule
            key = (rule, verdict.direction)
            if self.findings.seen(key):
                return None
            missed = verdict.direction == "warning"
            start = m if slip is None else warning_start(m, slip)
            small, data, last = shrink_validate(self.impl, case, self.stats, start, missed, seen=reply, rule=rule)
            return self.findings.keep(key, self.findings.validate(case, small, data, last, rule=rule))
        # A valid document rejected: a label (unknown member, free-form data, a warning) need not be the cause.
        if self.findings.seen((rule_from_pointers(case.kind, m.tree, reply), "valid")):
            return None
        if self.unlabelled_shrinks >= MAX_UNLABELLED_SHRINKS:
            return None
        self.unlabelled_shrinks += 1
        start = m if m.expect == "warning" else plain(m)
        small, data, last = shrink_validate(self.impl, case, self.stats, start, seen=reply)
        rule = attribute(case.kind, m, small, last)
        key = (rule, "valid")
        if self.findings.seen(key):
            return None
        return self.findings.keep(key, self.findings.validate(case, small, data, last, rule=rule))

    def roundtrip(self, case: FuzzCase) -> dict[str, Any] | None:
        """Round-trip ``case`` (a valid document the implementation holds valid) and judge what comes back."""
        self.stats.roundtrips += 1
        reply = self.impl.roundtrip(case.kind, case.data)
        verdict = judge_roundtrip(case.kind, case.data, reply)
        if verdict.verdict is Verdict.AGREED:
            return None  # its document was counted as agreeing when it was validated
        self.stats.count(verdict.verdict)
        if verdict.verdict not in (Verdict.DIVERGENT, Verdict.FAULT):
            return None
        fault = verdict.verdict is Verdict.FAULT
        rule = _roundtrip.PRESERVE if fault else _roundtrip.rule_of(verdict.message)
        key: Key = (rule, verdict.direction)
        if self.findings.seen(key):
            return None
        if fault:
            finding = self.findings.roundtrip(
                case, case.mutant, case.data, reply, verdict.message, fault=verdict.outcome
            )
            return self.findings.keep(key, finding)
        small, last, message = shrink_roundtrip(self.impl, case, rule, self.stats)
        finding = self.findings.roundtrip(
            case,
            small,
            small.render(),
            reply if last is None else last,
            verdict.message if message is None else message,
            rule=rule,
        )
        return self.findings.keep(key, finding)

    def match(self, required: list[str], available: list[str]) -> dict[str, Any] | None:
        self.stats.matches += 1
        reply = self.impl.match(required, available)
        verdict = judge_match(required, available, reply)
        self.stats.count(verdict.verdict)
        if verdict.verdict not in (Verdict.DIVERGENT, Verdict.FAULT):
            return None
        key: Key = (_capabilities.RULE, verdict.direction)
        if self.findings.seen(key):
            return None
        if verdict.verdict is Verdict.FAULT:
            finding = self.findings.match(required, available, required, available, reply, verdict.message)
            return self.findings.keep(key, finding)
        small_req, small_avail, last, message = shrink_match(self.impl, required, available, self.stats)
        finding = self.findings.match(
            required,
            available,
            small_req,
            small_avail,
            reply if last is None else last,
            verdict.message if message is None else message,
        )
        return self.findings.keep(key, finding)
