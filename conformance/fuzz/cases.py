"""Case generation: which rules a campaign can aim at, and the endless stream of confirmed cases it sends.

A case is a valid document generated from the schema files, or one mutated to break exactly one rule; the
reference confirms each (a mutation it does not attribute to exactly its label is discarded, never sent).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache

import reference
from reference import KIND_CLASS

from ..transports import Implementation
from . import _boundary, _gen, _lookalike, _textmut
from ._mutate import ANY, Mutant, agrees, labelled, plans
from ._mutate import Plan as Mutation
from ._schemas import payload_rules, rule_class
from .stats import FuzzStats

#: The default budget: enough for every rule to come up dozens of times (118 rules are generated; a rule
#: is drawn uniformly per mutation), measured to find each of the test fakes' faults well inside it.
DEFAULT_EXAMPLES = 10000
#: Share of plain valid documents among the cases (the rest are one-rule mutations).
VALID_SHARE = 0.25
#: Mutations drawn from one base document before a new one is generated.
MUTANTS_PER_BASE = 5
#: Base documents tried for one aimed rule before giving up on it for this round.
BASE_TRIES = 8
#: Chances of an optional member being present in plain valid documents (small and large ones).
FILLS = (0.2, 0.5, 0.9)
#: Rules the mutators can break (every document rule but capability matching and round trip, which have their
#: own cases; a worker's behaviour is no document's: vmjob worker certify has its scenarios).
MUTATED = frozenset(
    r for r in reference.RULES if reference.RULES[r].klass not in ("capabilities", "roundtrip", "behaviour")
)
#: Every rule the fuzzer exercises: the mutated ones, capability matching and round trip.
GENERATED = MUTATED | frozenset(r for r in reference.RULES if reference.RULES[r].klass in ("capabilities", "roundtrip"))
#: Chances, per round, of a boundary case (:mod:`._boundary`: a value at a rule's edge, either side) and of a
#: text-level mutation (:mod:`._textmut`) made from the round's base document.
BOUNDARY_SHARE = 0.6
TEXT_SHARE = 0.45
#: Chance, per round, of a look-alike (:mod:`._lookalike`), drawn with a generator of its own so that every
#: other case of a seed stays what it was.
LOOKALIKE_SHARE = 0.5
#: Chance that a valid one of those is also round-tripped (when the class is claimed): each round trip is a
#: request of its own, not pipelined, so only a share of them, enough for each kind of text to come up.
EDGE_ROUNDTRIP_SHARE = 0.4

#: Per kind: the rules a campaign aims at, and whether plain valid documents of the kind are in scope.
Plan = dict[str, tuple[frozenset[str], bool]]


@dataclass(frozen=True)
class FuzzCase:
    """One generated document, its bytes and the reference's verdict on them."""

    mutant: Mutant
    data: bytes
    expected: reference.ValidationResult
    klass: str
    #: Also round-trip the document once the implementation holds it valid.
    roundtrip: bool = False

    @property
    def kind(self) -> str:
        return self.mutant.kind


def plain(m: Mutant) -> Mutant:
    """``m`` as a plain valid document: no label, nothing pinned (shrinking may then drop the labelled member)."""
    return replace(m, rule=None, expect="valid", operator="valid", pin=())


def _applicable(rule: str, kind: str) -> bool:
    klass = reference.RULES[rule].klass
    return klass == "common" or klass == KIND_CLASS[kind] or (kind == "job" and klass == "payload")


@cache
def placeable(kind: str) -> frozenset[str]:
    """The rules a mutation can break in some document of ``kind`` (a worker has no free-form data, ...)."""
    found: set[str] = set()
    for i in range(40):
        host = reference.PAYLOAD_TYPES[i % 6] if kind == "job" and i % 6 < 5 else None
        doc = _gen.document(kind, random.Random(i), fill=1.0 if i % 2 else 0.5, payload_type=host)
        found.update(p.rule for p in plans(kind, doc))
    return frozenset(found)


def plan_rules(kinds: Sequence[str], classes: set[str]) -> Plan:
    """Per kind: the rules that apply to it and whose class is allowed, and whether plain valid documents are."""
    out = {}
    for kind in kinds:
        rules = frozenset(
            r
            for r in reference.RULES
            if _applicable(r, kind) and rule_class(r, kind) in classes and r in MUTATED and r in placeable(kind)
        )
        out[kind] = (rules, KIND_CLASS[kind] in classes)
    return out


def claimed(impl: Implementation, kinds: Sequence[str], classes: Sequence[str], stats: FuzzStats) -> list[str]:
    """The classes asked for that the implementation claims; records in ``stats`` the kinds asked for that it
    claims (the ones to fuzz) and those outside its claim."""
    info = impl.info or impl.start()
    claimed_kinds = set(info.kinds)  # an empty claim claims nothing (ADAPTER.md)
    claimed_classes = set(info.classes)
    wanted = list(kinds or reference.KINDS)
    stats.kinds = [k for k in wanted if k in claimed_kinds]
    stats.outside_claim = [k for k in wanted if k not in claimed_kinds]
    return [c for c in (classes or reference.CLASSES) if c in claimed_classes]


def cases(
    seed: int, kinds: Sequence[str] = reference.KINDS, classes: Sequence[str] = (), stats: FuzzStats | None = None
) -> Iterator[FuzzCase]:
    """An endless stream of confirmed cases (valid documents and one-rule mutations) from ``seed``.

    Each round aims at one (kind, rule) pair drawn uniformly, so that every rule comes up about as often
    as every other whatever the size of its kind; the base document is generated with most optional
    members present (and, for a payload rule, a payload that has it) until the rule can be broken in it.
    """
    stats = stats if stats is not None else FuzzStats()
    plan = plan_rules(kinds, set(classes or reference.CLASSES))
    targets = [(k, r) for k in kinds for r in sorted(plan[k][0])]
    valid_kinds = [k for k in kinds if plan[k][1]]
    if not targets and not valid_kinds:
        raise ValueError(f"nothing to fuzz: no rule of classes {sorted(classes)} applies to kinds {list(kinds)}")
    hosts = {r: [t for t in reference.PAYLOAD_TYPES if r in payload_rules(t)] for _k, r in targets}
    allowed = set(classes or reference.CLASSES)
    rng = random.Random(seed)
    looks = random.Random(f"lookalike-{seed}")
    roundtrips = "roundtrip" in allowed
    while True:
        batch: list[Mutant] = []
        #: Documents of the boundary and text-level families: when valid, also round-tripped (their text and
        #: values are what a writer loses: escapes, look-alike names, numbers at a type's edge).
        edges: list[Mutant] = []
        looked: list[Mutant] = []  # the look-alikes: their round trips are drawn with their own generator too
        if valid_kinds and (not targets or rng.random() < VALID_SHARE):
            kind = rng.choice(valid_kinds)
            batch.append(Mutant(kind, _gen.document(kind, rng, fill=rng.choice(FILLS))))
        if targets:
            kind, rule = rng.choice(targets)
            rules = plan[kind][0]
            for _ in range(BASE_TRIES):
                host = rng.choice(hosts[rule]) if kind == "job" and hosts[rule] else None
                doc = _gen.document(kind, rng, fill=0.9, payload_type=host)
                available = plans(kind, doc)
                aimed = [p for p in available if p.rule == rule]
                if aimed:
                    break
            else:
                stats.unplaced += 1
                aimed = []
            extra = [p for p in available if p.rule in rules]
            chosen = [rng.choice(aimed)] if aimed else []
            if extra:
                chosen += [rng.choice(extra) for _ in range(MUTANTS_PER_BASE - 1)]
            if rng.random() < BOUNDARY_SHARE:
                edges += _apply(_one(_boundary.plans(kind, doc), rng, kind, allowed, by_rule=True), rng)
            if rng.random() < TEXT_SHARE:
                edges += _apply(_one(_textmut.plans(kind, doc), rng, kind, allowed, by_rule=False), rng)
            if looks.random() < LOOKALIKE_SHARE:
                looked += _apply(_one(_lookalike.plans(kind, doc), looks, kind, allowed, by_rule=False), looks)
            batch += _apply(chosen, rng)
        sent = [
            *((m, False, rng) for m in batch),
            *((m, True, rng) for m in edges),
            *((m, True, looks) for m in looked),
        ]
        for m, edge, draw in sent:
            stats.generated += 1
            data = m.render()
            expected = reference.validate(data, m.kind)
            if m.expect == ANY:
                m = labelled(m, expected)
            klass = rule_class(m.rule, m.kind) if m.rule else KIND_CLASS[m.kind]
            if not agrees(m, expected) or klass not in allowed:  # relabelled outside the claim: not sent
                stats.discarded += 1
                continue
            trip = roundtrips and edge and expected.valid and draw.random() < EDGE_ROUNDTRIP_SHARE
            yield FuzzCase(m, data, expected, klass, roundtrip=trip)


def _apply(chosen: list[Mutation], rng: random.Random) -> list[Mutant]:
    return [m for m in (p.apply(rng) for p in chosen) if m is not None]


def _one(available: list[Mutation], rng: random.Random, kind: str, allowed: set[str], by_rule: bool) -> list[Mutation]:
    """One plan of ``available`` within the claimed classes, its rule (or operator) drawn uniformly first."""
    groups: dict[str, list[Mutation]] = {}
    for p in available:
        if rule_class(p.rule, kind) in allowed:
            groups.setdefault(p.rule if by_rule else p.operator, []).append(p)
    if not groups:
        return []
    return [rng.choice(groups[rng.choice(sorted(groups))])]
