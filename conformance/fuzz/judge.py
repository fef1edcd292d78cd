"""The one judge of a fuzz campaign: what a reply is, set beside the reference's expectation.

Every reply either engine gets (and every reply a shrinker or a replay gets) goes through these functions,
and comes out as a :class:`Judgement`: agreement, a divergence (and which way it goes), a fault, a
declined request or a skipped one. A validate reply is compared as a corpus case is: the verdict, and at
the strict level the warnings (:func:`conformance.evaluate.evaluate`); round trips and capability matches
are judged exactly as the corpus's ``roundtrip`` and ``match`` cases are.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import reference

from ..corpus import Case
from ..evaluate import evaluate
from ..model import FAULT_OUTCOMES, Reply
from . import _capabilities, _roundtrip
from .attribution import warning_rule


class Verdict(Enum):
    """What one reply amounts to."""

    AGREED = "agreed"
    #: Another verdict than the reference's, an expected warning missing, a round trip or match that differs.
    DIVERGENT = "divergent"
    #: A timeout, a crash or an errored reply: never agreement.
    FAULT = "fault"
    #: The implementation answered ``skipped``: inside its claim, not an answer.
    DECLINED = "declined"
    #: The transport cannot carry the request: a plain skip.
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    #: Which way a divergence goes, the second half of a finding's key: ``invalid`` (an invalid document
    #: accepted), ``valid`` (a valid one rejected), ``warning`` (the right verdict, an expected warning
    #: missing or one given where none is due: :attr:`slip`), ``roundtrip``, ``match``, or ``fault:<status>``
    #: for a fault. "" otherwise.
    direction: str = ""
    #: For a round trip or a match: the corpus judge's outcome (``pass``, ``fail``, a fault) and message.
    outcome: str = ""
    message: str = ""
    #: For a ``warning`` divergence: what it is filed under (:class:`WarningSlip`).
    slip: WarningSlip | None = None

    @property
    def diverges(self) -> bool:
        """Whether the reply is anything but an answer that agrees (or a request that could not be sent)."""
        return self.verdict in (Verdict.DIVERGENT, Verdict.FAULT, Verdict.DECLINED)


@dataclass(frozen=True, slots=True)
class WarningSlip:
    """A warning divergence, as the corpus case of its rule reports it: an expected warning missing (filed
    under the missed warning's rule) or one given where the reference gives none (filed under the rule of
    the warning given: its pointer's, else the one the reply names, else the document's label)."""

    rule: str
    pointer: str
    #: True: the reference's warning at ``pointer`` is missing; False: the reply warns there, unduly.
    missing: bool
    #: The corpus judge's message (:func:`conformance.evaluate.evaluate`), e.g. ``expected no warning; got a
    #: warning at /execution/timeout_seconds``.
    message: str


#: Agreement carries nothing but its verdict: one (immutable) judgement serves every agreeing reply.
_AGREED = Judgement(Verdict.AGREED)


def _unanswered(reply: Reply) -> Verdict | None:
    if reply.status == "skipped":
        return Verdict.SKIPPED
    if reply.status == "declined":
        return Verdict.DECLINED
    return None


def direction(expected: reference.ValidationResult, reply: Reply | None = None) -> str:
    """Which way a validate reply diverges from ``expected``: ``warning``, ``valid`` or ``invalid``."""
    if expected.valid and reply is not None and reply.status == "ok" and reply.valid:
        return "warning"
    return "valid" if expected.valid else "invalid"


def judges_warnings(rule: str | None, expect: str) -> bool:
    """Whether a document so labelled is judged on its warnings: it expects one, or it is labelled with a
    warning rule (a document at the rule's edge that must draw none, as the rule's corpus cases are)."""
    return expect == "warning" or (rule in reference.RULES and reference.RULES[rule].polarity == "warning")


def judge(
    expected: reference.ValidationResult, reply: Reply, *, warnings: bool = False, rule: str | None = None
) -> Judgement:
    """A validate reply beside the reference's result. ``warnings`` (the strict level, a transport that
    carries them, a document labelled with a warning rule): an expected warning missing, or one given where
    the warning rule ``rule`` gives none, is a divergence, judged as a corpus case of that rule is."""
    if reply.status == "ok":  # the common reply first: an answer, most often agreeing
        if reply.valid != expected.valid:
            return Judgement(Verdict.DIVERGENT, direction(expected, reply))
        if warnings and (expected.warnings or rule is not None):
            slip = warning_slip(reply, expected, rule)
            if slip is not None:
                return Judgement(Verdict.DIVERGENT, direction(expected, reply), slip=slip)
        return _AGREED
    unanswered = _unanswered(reply)
    if unanswered is not None:
        return Judgement(unanswered)
    if reply.status in FAULT_OUTCOMES:
        return Judgement(Verdict.FAULT, "fault:" + reply.status)
    return _AGREED


def misses_warning(reply: Reply, expected: reference.ValidationResult, rule: str | None = None) -> bool:
    """Whether ``reply`` lacks a warning of ``expected`` (or adds one), as a corpus case of its first rule
    (of the warning rule ``rule`` when ``expected`` has none)."""
    return warning_slip(reply, expected, rule) is not None


def warning_slip(reply: Reply, expected: reference.ValidationResult, rule: str | None = None) -> WarningSlip | None:
    """How ``reply`` (the right verdict) departs from the warnings of ``expected``, judged as a corpus case of
    their first rule (of the warning rule ``rule`` when ``expected`` has none): None when it does not.

    The first missing warning is filed under its own rule; else the first warning given where the reference
    gives none (in pointer order, as the corpus judge lists them) under the rule of that warning
    (:func:`.attribution.warning_rule`), falling back on the case's rule."""
    first = expected.warnings[0].rule if expected.warnings else rule
    if first is None or first not in reference.RULES or reference.RULES[first].polarity != "warning":
        return None
    case = Case(
        id="fuzz-warning",
        kind=expected.kind,
        klass="core",
        rule=first,
        level=reference.RULES[first].level,
        description="",
        valid=expected.valid,
        warnings=tuple(w.pointer for w in expected.warnings),
    )
    outcome, _got, message = evaluate(case, reply)
    if outcome != "fail":
        return None
    given: dict[str, str | None] = {}
    for w in reply.warnings:
        if isinstance(w, dict) and isinstance(w.get("pointer"), str):
            named = w.get("rule")
            given.setdefault(w["pointer"], named if isinstance(named, str) else None)
    for due in expected.warnings:
        if due.pointer not in given:
            return WarningSlip(due.rule, due.pointer, True, message)
    expected_at = {w.pointer for w in expected.warnings}
    extra = sorted(p for p in given if p not in expected_at)
    if not extra:
        return None  # the corpus judge failed it for its verdict, which the caller has already compared
    at = extra[0]
    return WarningSlip(warning_rule(expected.kind, at, given[at]) or first, at, False, message)


def _outcome(outcome: str, message: str, reply: Reply, divergent: str) -> Judgement:
    if outcome == "pass":
        return Judgement(Verdict.AGREED, outcome=outcome, message=message)
    if outcome == "fail":
        return Judgement(Verdict.DIVERGENT, divergent, outcome, message)
    return Judgement(Verdict.FAULT, "fault:" + reply.status, outcome, message)


def judge_roundtrip(kind: str, data: bytes, reply: Reply) -> Judgement:
    """A reply to a round trip of the valid document ``data``, judged as a corpus round-trip case."""
    unanswered = _unanswered(reply)
    if unanswered is not None:
        return Judgement(unanswered)
    outcome, message = _roundtrip.judge(kind, data, reply)
    return _outcome(outcome, message, reply, "roundtrip")


def judge_match(required: list[str], available: list[str], reply: Reply) -> Judgement:
    """A reply to a capability match of these lists, judged as a corpus match case."""
    unanswered = _unanswered(reply)
    if unanswered is not None:
        return Judgement(unanswered)
    outcome, message = _capabilities.judge(required, available, reply)
    return _outcome(outcome, message, reply, "match")
