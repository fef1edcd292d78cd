"""The Hypothesis engine: per kind, phases search → judge → shrink, up to :data:`FINDS` findings a kind.

*Search*: Hypothesis's ``find`` draws schema-derived documents (:mod:`conformance.strategies`) until one
diverges in a way not found yet, and shrinks it the way hypothesis-jsonschema does. *Judge*: the minimal
example is asked again, and its reply judged by :mod:`.judge` (as every reply of the search was). *Shrink*:
a labelled divergence (an invalid document accepted, a warning missed) is polished by the JSON shrinker
(:mod:`.shrinking`); a rejected valid document, already shrunk by Hypothesis, is attributed as is.
Far slower than the fast engine (a few job documents a second); runs are derandomized.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import reference
from reference import KIND_CLASS

from ..model import Reply
from ..transports import Implementation, ImplementationGone
from ._mutate import Mutant, agrees
from ._schemas import rule_class
from .attribution import attribute, rule_from_pointers
from .cases import DEFAULT_EXAMPLES, FuzzCase, claimed, plan_rules
from .findings import Findings, Key
from .judge import Judgement, Verdict, judge, judges_warnings
from .shrinking import shrink_validate, warning_start
from .stats import ExitReason, FuzzStats

#: Findings the Hypothesis engine looks for per kind before moving on (each is one ``find`` call).
FINDS = 5


@dataclass(frozen=True)
class _Asked:
    """One example asked of the implementation: the document, the reference's result, the reply, the judgement."""

    mutant: Mutant
    data: bytes
    expected: reference.ValidationResult
    reply: Reply
    verdict: Judgement


def run(
    impl: Implementation,
    examples: int | None,
    duration: float | None,
    seed: int,
    kinds: Sequence[str],
    classes: Sequence[str],
    level: str,
    stats: FuzzStats,
) -> Iterator[dict[str, Any]]:
    """Fuzz ``impl`` with up to ``examples`` documents per ``find`` (``duration`` and ``seed`` are unused)."""
    # Hypothesis and hypothesis-jsonschema take a tenth of a second to import: only this engine needs them.
    from hypothesis import HealthCheck, find, settings
    from hypothesis import strategies as st
    from hypothesis.errors import HypothesisWarning, NoSuchExample

    from .. import strategies as vs

    allowed = claimed(impl, kinds, classes, stats)
    chosen, plan = stats.kinds, plan_rules(stats.kinds, set(allowed))
    strict = level != "required" and impl.reports_warnings
    findings = Findings(stats, seed, level, engine="hypothesis")
    t0 = time.monotonic()
    budget = examples if examples is not None else DEFAULT_EXAMPLES
    try:
        for kind in chosen:
            rules, valid_ok = plan[kind]
            options: list[st.SearchStrategy[Mutant]] = []
            if valid_ok:
                options.append(vs.documents(kind).map(partial(Mutant, kind)))
            if rules:
                options.append(vs._mutants(kind, rules, frozenset({"invalid", "valid", "warning"})))
            if not options:
                continue
            search = _Search(impl, stats, findings, strict)
            config = settings(
                max_examples=max(1, budget // len(chosen)),
                database=None,
                deadline=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            for _ in range(FINDS):
                try:
                    with warnings.catch_warnings():
                        # Deep-nesting documents make Hypothesis warn about the size of their repr.
                        warnings.simplefilter("ignore", HypothesisWarning)
                        m = find(st.one_of(options), search.diverges, settings=config)
                except NoSuchExample:
                    break
                if not search.diverges(m):  # Hypothesis's minimal example, asked again so its reply is the one kept
                    continue
                assert search.last is not None
                yield search.finding(search.last)
        stats.exit(ExitReason.BUDGET if chosen else ExitReason.NOTHING)
    except ImplementationGone:
        stats.exit(ExitReason.GONE)  # the ``stopped`` text is the caller's to write, as it has always been here
        raise
    finally:
        stats.seconds = time.monotonic() - t0


class _Search:
    """One kind's search: the predicate Hypothesis searches with, and the finding made of what it found."""

    def __init__(self, impl: Implementation, stats: FuzzStats, findings: Findings, strict: bool) -> None:
        self.impl, self.stats, self.findings, self.strict = impl, stats, findings, strict
        #: The last example that diverged in a way not found yet.
        self.last: _Asked | None = None

    def diverges(self, m: Mutant) -> bool:
        """Whether ``m`` diverges in a way not found yet (the search phase; each reply judged, agreement counted)."""
        stats = self.stats
        data = m.render()
        expected = reference.validate(data, m.kind)
        if not agrees(m, expected):
            stats.discarded += 1
            return False
        stats.examples += 1
        reply = self.impl.validate(m.kind, data)
        verdict = judge(expected, reply, warnings=self.strict and judges_warnings(m.rule, m.expect), rule=m.rule)
        if verdict.verdict not in (Verdict.DIVERGENT, Verdict.FAULT):
            stats.count(verdict.verdict)
            return False
        # Looked up under its label (a warning divergence: the rule of the warning missed or given where none
        # is due), or for a rejected valid document the rule at the reply's error pointers.
        rule = m.rule if not expected.valid or reply.valid else rule_from_pointers(m.kind, m.tree, reply)
        if verdict.slip is not None:
            rule = verdict.slip.rule
        if self.findings.seen((rule, verdict.direction)):
            return False
        self.last = _Asked(m, data, expected, reply, verdict)
        return True

    def finding(self, asked: _Asked) -> dict[str, Any]:
        """The judge and shrink phases of what the search found: its finding, filed under its keys."""
        m, reply, verdict, kind = asked.mutant, asked.reply, asked.verdict, asked.mutant.kind
        case = FuzzCase(m, asked.data, asked.expected, rule_class(m.rule, kind) if m.rule else KIND_CLASS[kind])
        direction = verdict.direction
        self.stats.count(verdict.verdict)
        if verdict.verdict is Verdict.FAULT:
            finding = self.findings.validate(case, m, asked.data, reply, fault=reply.status)
        elif direction == "valid":  # a valid document rejected: Hypothesis shrank it; attributed
            finding = self.findings.validate(case, m, asked.data, reply, rule=attribute(kind, m, m, reply))
        else:
            slip = verdict.slip
            rule = m.rule if slip is None else slip.rule
            start = m if slip is None else warning_start(m, slip)
            missed = direction == "warning"
            small, data, last = shrink_validate(self.impl, case, self.stats, start, missed, seen=reply, rule=rule)
            finding = self.findings.validate(case, small, data, last, rule=rule)
        key: Key = (finding.rule, direction)
        # The search looks a rejected valid document up under the rule at its error pointers: file it there too.
        hint = rule_from_pointers(kind, m.tree, reply) if direction == "valid" else finding.rule
        return self.findings.keep(key, finding, (hint, direction))
