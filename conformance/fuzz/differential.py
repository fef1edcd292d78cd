"""Differential fuzzing: the same generated documents to the implementation and to the reference.

Every document is generated valid from the schema files, or mutated to break exactly one rule (confirmed by
the reference); it goes to the implementation in batches (``validate_many``, which the persistent
transport pipelines). A verdict that differs from the reference's is a divergence; at the ``recommended``
level, over a transport that carries warnings, so is an expected warning missing. The first divergence of
each rule (and direction: accepting an invalid document, rejecting a valid one, missing a warning) is
shrunk to a minimal document and yielded as a ``finding`` record (:class:`conformance.records.Finding`);
later ones of the same rule only count as hits, so one bug gives one finding.

A valid document the implementation rejects is shrunk first (its label, an unknown member or free-form
data, may have nothing to do with the rejection), then attributed to the rule of the schema node at the
implementation's error pointers, else to its label while the labelled member survived shrinking, else to
what the shrunk document holds that a minimal document lacks.

When the implementation claims them, capability matches (:mod:`._capabilities`) and round trips
(:mod:`._roundtrip`) take a small share of the cases; they are judged as the corpus judges its match and
round-trip cases (:func:`conformance.evaluate.evaluate`) and shrunk the same way.

Timeouts, crashes and errored replies are findings too (with ``fault`` set, counted at every level), never
agreement; a generated document the implementation declines (``skipped``) is counted as ``declined``. Either
makes the campaign incomplete, and so does a campaign cut short (the implementation gone after its restart
budget): :attr:`FuzzStats.unanswered` says how many of the documents asked for were not answered.

This module is the public face; the parts, one job each: :mod:`.cases` (what is generated), :mod:`.judge`
(what a reply amounts to, for both engines), :mod:`.shrinking`, :mod:`.attribution`, :mod:`.findings`
(the records), :mod:`.fast` and :mod:`.hypothesis_engine` (the campaigns), :mod:`.stats`, :mod:`.replay`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import reference

from ..transports import Implementation, TransportOptions, open_implementation
from . import fast, hypothesis_engine
from .cases import DEFAULT_EXAMPLES, GENERATED, MUTATED, FuzzCase, cases
from .replay import finding_bytes, replay_finding
from .stats import ExitReason, FuzzStats

__all__ = [
    "DEFAULT_EXAMPLES",
    "GENERATED",
    "MUTATED",
    "ExitReason",
    "FuzzCase",
    "FuzzStats",
    "cases",
    "finding_bytes",
    "fuzz",
    "replay_finding",
]

Engine = Callable[
    [Implementation, "int | None", "float | None", int, Sequence[str], Sequence[str], str, FuzzStats],
    Iterator[dict[str, Any]],
]
#: The campaigns by name: each takes (impl, examples, duration, seed, kinds, classes, level, stats).
ENGINES: dict[str, Engine] = {"fast": fast.run, "hypothesis": hypothesis_engine.run}


def fuzz(
    impl: Implementation | tuple[str, str],
    *,
    examples: int | None = None,
    duration: float | None = None,
    seed: int = 0,
    kinds: Sequence[str] = (),
    classes: Sequence[str] = (),
    level: str = "required",
    timeout: float = 5.0,
    stats: FuzzStats | None = None,
    engine: str = "fast",
) -> Iterator[dict[str, Any]]:
    """Fuzz ``impl`` differentially against the reference; yield one ``finding`` record per distinct fault.

    ``impl`` is a started or unstarted :class:`Implementation`, or ``(transport, target)`` to open one
    with ``timeout``. The run stops after ``examples`` cases or ``duration`` seconds (whichever comes first;
    neither given: :data:`DEFAULT_EXAMPLES`). Kinds and classes outside the implementation's claim are not
    generated. Each record's ``counted`` says whether it counts at ``level``.

    ``engine="hypothesis"`` draws schema-derived documents through :mod:`conformance.strategies` and lets
    Hypothesis shrink each divergence (then the JSON shrinker polishes labelled ones): far slower (a few job
    documents a second), it explores the schema the way hypothesis-jsonschema does; ``examples`` bounds
    the documents tried per kind, ``duration`` is not supported, and runs are derandomized (``seed`` unused).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine={engine!r} is not an engine; expected 'fast' or 'hypothesis'")
    if engine == "hypothesis" and duration is not None:
        raise ValueError("duration is not supported with engine='hypothesis'; give examples")
    if examples is not None and examples < 0:
        raise ValueError(f"examples={examples} must be >= 0")
    if duration is not None and duration <= 0:
        raise ValueError(f"duration={duration} must be > 0")
    if level not in ("required", "recommended"):
        raise ValueError(f"level={level!r} is not a certification level; expected 'required' or 'recommended'")
    for k in kinds:
        if k not in reference.KINDS:
            raise ValueError(f"kind={k!r} is not a document kind; expected one of {', '.join(reference.KINDS)}")
    for c in classes:
        if c not in reference.CLASSES:
            raise ValueError(f"class={c!r} is not a conformance class; expected one of {', '.join(reference.CLASSES)}")
    if examples is None and duration is None:
        examples = DEFAULT_EXAMPLES
    stats = stats if stats is not None else FuzzStats()
    owned = isinstance(impl, tuple)
    if isinstance(impl, tuple):
        target = open_implementation(impl[0], impl[1], TransportOptions(timeout=timeout))
    else:
        target = impl
    try:
        yield from ENGINES[engine](target, examples, duration, seed, kinds, classes, level, stats)
    finally:
        if owned:
            target.close()
