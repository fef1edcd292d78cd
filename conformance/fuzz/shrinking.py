"""The shrink phase: the smallest input on which the implementation still diverges the same way.

Each candidate is judged by :mod:`.judge`, as the divergence was. Should the implementation be gone (its
restart budget spent) while shrinking, the divergence stands unshrunk, with the reply that showed it.
"""

from __future__ import annotations

from dataclasses import replace

import reference

from ..model import Reply
from ..transports import Implementation, ImplementationGone
from . import _capabilities, _roundtrip
from ._mutate import Mutant, agrees
from ._schemas import pointer
from ._shrink import WINDOW, shrink, shrink_batched
from .cases import FuzzCase, plain
from .judge import Verdict, WarningSlip, judge, judge_match, judge_roundtrip
from .stats import FuzzStats

#: Predicate calls allowed to shrink one round-trip finding (each costs a validate and a round trip).
ROUNDTRIP_SHRINK_BUDGET = 1000
#: The window of candidates a validate shrink sends together, first and largest
#: (:func:`._shrink.shrink_batched`), when the transport pipelines; (1, 1) asks one at a time, as the
#: sequential shrinker did, with the same result for a deterministic implementation. The largest bounds what a
#: batch whose first candidate holds costs for nothing (the reference's verdict and an answer for the rest).
SHRINK_WINDOW = (WINDOW[0], 16)


def pipelines(impl: Implementation) -> bool:
    """Whether ``impl`` answers a batch faster than its documents one by one: its transport overrides
    ``validate_many`` (which transports that pipeline do); a wrapper (``inner``) is judged by what it wraps. A
    one-shot or HTTP implementation is asked one candidate at a time: a batch would only add documents."""
    inner = getattr(impl, "inner", None)
    if isinstance(inner, Implementation):
        return pipelines(inner)
    return type(impl).validate_many is not Implementation.validate_many


def warning_start(m: Mutant, slip: WarningSlip) -> Mutant:
    """Where the shrink of a warning divergence starts: ``m`` itself when it is filed under ``m``'s label, else
    ``m`` labelled with the rule of the warning given where none is due, on the rule's valid side, pinned at
    that warning's member (so shrinking may drop what the label was about, and keeps what the slip is about)."""
    if slip.rule == m.rule or slip.missing:
        return m
    missing = object()
    path: list[object] = []
    try:
        if reference.resolve_pointer(m.tree, slip.pointer, missing) is not missing:
            for token in reference.parse_pointer(slip.pointer):  # an item pinned by its index, a member by name
                parent = reference.resolve_pointer(m.tree, pointer(tuple(path)))
                path.append(int(token) if isinstance(parent, list) else token)
    except ValueError:
        path = []  # no JSON Pointer: nothing to pin (nor when the document lacks the member)
    return replace(m, rule=slip.rule, expect="valid", pin=tuple(path))


def shrink_validate(
    impl: Implementation,
    case: FuzzCase,
    stats: FuzzStats,
    start: Mutant,
    missed: bool = False,
    *,
    seen: Reply,
    rule: str | None = None,
) -> tuple[Mutant, bytes, Reply]:
    """The smallest document derived from ``start`` on which the implementation still diverges the same way:
    another verdict than the reference's or, ``missed``, the right verdict with an expected warning missing
    (or, for a document labelled with a warning rule, one given where none is due), filed under ``rule`` when
    given (a candidate whose slip is another rule's does not hold: :func:`warning_start`).
    ``seen`` is the reply that showed the divergence, kept if the implementation is gone meanwhile.

    Candidates the reference confirms go to the implementation in batches (one ``validate_many``); the first
    in order that still diverges is kept, so the result is the one-at-a-time shrinker's."""
    last: dict[str, Reply] = {}
    first = start.valid

    def local(cand: Mutant, data: bytes) -> reference.ValidationResult | None:
        expected = reference.validate(data, cand.kind)
        return expected if agrees(cand, expected) and expected.valid == first else None

    def remote(batch: list[tuple[Mutant, bytes, reference.ValidationResult]]) -> list[bool]:
        replies = list(impl.validate_many((cand.kind, data) for cand, data, _ in batch))
        out: list[bool] = []
        for (cand, _data, expected), reply in zip(batch, replies, strict=False):
            # Judged as the campaign judged the start: a warning rule's label also watches for a warning
            # given where none is due (without it, no candidate of such a finding would still diverge).
            verdict = judge(expected, reply, warnings=missed, rule=cand.rule)
            diverges = verdict.verdict is Verdict.DIVERGENT and (verdict.direction == "warning") == missed
            if diverges and rule is not None and missed:
                diverges = verdict.slip is not None and verdict.slip.rule == rule
            if diverges and not any(out):
                last["reply"] = reply  # the first that holds is the one kept
            out.append(diverges)
        return out + [False] * (len(batch) - len(out))

    try:
        window = SHRINK_WINDOW if pipelines(impl) else (1, 1)
        small, calls = shrink_batched(start, local, remote, window=window)
        stats.shrink_calls += calls
        data = small.render()
        reply = last.get("reply") or impl.validate(case.kind, data)
    except ImplementationGone:
        return start, start.render(), seen
    return small, data, reply


def shrink_roundtrip(
    impl: Implementation, case: FuzzCase, rule: str, stats: FuzzStats
) -> tuple[Mutant, Reply | None, str | None]:
    """The smallest valid document derived from ``case`` whose round trip still breaks ``rule``, with the reply
    and message that show it (None, None: the case's own, the implementation being gone)."""
    last: dict[str, Reply] = {}
    why: dict[str, str] = {}

    def still(cand: Mutant, data: bytes) -> bool:
        if not agrees(cand, reference.validate(data, cand.kind)):
            return False
        checked = impl.validate(cand.kind, data)
        if checked.status != "ok" or not checked.valid:
            return False
        back = impl.roundtrip(cand.kind, data)
        verdict = judge_roundtrip(cand.kind, data, back)
        if verdict.verdict is Verdict.DIVERGENT and _roundtrip.rule_of(verdict.message) == rule:
            last["reply"], why["message"] = back, verdict.message
            return True
        return False

    try:
        small, calls = shrink(plain(case.mutant), still, budget=ROUNDTRIP_SHRINK_BUDGET)
    except ImplementationGone:
        return plain(case.mutant), None, None
    stats.shrink_calls += calls
    return small, last.get("reply"), why.get("message")


def shrink_match(
    impl: Implementation, required: list[str], available: list[str], stats: FuzzStats
) -> tuple[list[str], list[str], Reply | None, str | None]:
    """The shortest lists derived from these on which the implementation's match still differs, with the
    reply and message that show it (None, None: the first ones, the implementation being gone)."""
    last: dict[str, Reply] = {}
    why: dict[str, str] = {}

    def still(req: list[str], avail: list[str]) -> bool:
        back = impl.match(req, avail)
        verdict = judge_match(req, avail, back)
        if verdict.verdict is Verdict.DIVERGENT:
            last["reply"], why["message"] = back, verdict.message
            return True
        return False

    try:
        small_req, small_avail, calls = _capabilities.shrink(required, available, still)
    except ImplementationGone:
        return required, available, None, None
    stats.shrink_calls += calls
    return small_req, small_avail, last.get("reply"), why.get("message")
