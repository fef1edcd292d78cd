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
    #: missing), ``roundtrip``, ``match``, or ``fault:<status>`` for a fault. "" otherwise.
    direction: str = ""
    #: For a round trip or a match: the corpus judge's outcome (``pass``, ``fail``, a fault) and message.
    outcome: str = ""
    message: str = ""

    @property
    def diverges(self) -> bool:
        """Whether the reply is anything but an answer that agrees (or a request that could not be sent)."""
        return self.verdict in (Verdict.DIVERGENT, Verdict.FAULT, Verdict.DECLINED)


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
        watched = warnings and (bool(expected.warnings) or rule is not None)
        if reply.valid != expected.valid or (watched and misses_warning(reply, expected, rule)):
            return Judgement(Verdict.DIVERGENT, direction(expected, reply))
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
    first = expected.warnings[0].rule if expected.warnings else rule
    if first is None or reference.RULES[first].polarity != "warning":
        return False
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
    return evaluate(case, reply)[0] == "fail"


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
