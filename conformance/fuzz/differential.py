"""Differential fuzzing: the same generated documents to the implementation and to the reference.

Every document is generated valid from the schema files, or mutated to break exactly one rule (confirmed by
the reference); it goes to the implementation in batches (``validate_many``, which the persistent
transport pipelines). A verdict that differs from the reference's is a divergence; at the ``recommended``
level, over a transport that carries warnings, so is an expected warning missing. The first divergence of
each rule (and direction: accepting an invalid document, rejecting a valid one, missing a warning) is
shrunk to a minimal document and yielded as a ``finding`` record (format: :mod:`conformance.model`); later
ones of the same rule only count as hits, so one bug gives one finding.

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
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import time
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, partial
from typing import Any, TypeGuard

import reference
from reference import KIND_CLASS

from ..corpus import Case
from ..evaluate import evaluate
from ..model import FAULT_OUTCOMES, Reply
from ..transports import Implementation, ImplementationGone, TransportOptions, open_implementation
from . import _capabilities, _gen, _roundtrip
from ._mutate import Mutant, agrees, plans
from ._schemas import node_at, payload_rules, rule_class
from ._shrink import shrink

__all__ = ["DEFAULT_EXAMPLES", "FuzzCase", "FuzzStats", "cases", "fuzz", "replay_finding"]

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
BATCH = 128
#: Rules the mutators can break (every rule but capability matching and round trip, which have their own cases).
MUTATED = frozenset(r for r in reference.RULES if reference.RULES[r].klass not in ("capabilities", "roundtrip"))
#: Every rule the fuzzer exercises: the mutated ones, capability matching and round trip.
GENERATED = MUTATED | frozenset(r for r in reference.RULES if reference.RULES[r].klass in ("capabilities", "roundtrip"))
#: Shares of the cases that are capability matches and round trips (when the implementation claims the class):
#: each such mutant needs a few dozen cases at most, and the rest of the budget stays with the 118 rules.
MATCH_SHARE = 0.03
ROUNDTRIP_SHARE = 0.05
#: Predicate calls allowed to shrink one round-trip finding (each costs a validate and a round trip).
ROUNDTRIP_SHRINK_BUDGET = 1000
#: Shrinks of unlabelled divergences (valid documents rejected) per run: each costs predicate calls, and
#: an implementation rejecting many valid documents would otherwise spend the run shrinking them.
MAX_UNLABELLED_SHRINKS = 25


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

    def to_json(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "hits"}
        out["unanswered"] = self.unanswered
        out["hits"] = dict(self.hits)
        out["rate"] = round(self.examples / self.seconds, 1) if self.seconds else None
        return out


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


def _plan_rules(kinds: Sequence[str], classes: set[str]) -> dict[str, tuple[frozenset[str], bool]]:
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


def cases(
    seed: int, kinds: Sequence[str] = reference.KINDS, classes: Sequence[str] = (), stats: FuzzStats | None = None
) -> Iterator[FuzzCase]:
    """An endless stream of confirmed cases (valid documents and one-rule mutations) from ``seed``.

    Each round aims at one (kind, rule) pair drawn uniformly, so that every rule comes up about as often
    as every other whatever the size of its kind; the base document is generated with most optional
    members present (and, for a payload rule, a payload that has it) until the rule can be broken in it.
    """
    stats = stats if stats is not None else FuzzStats()
    plan = _plan_rules(kinds, set(classes or reference.CLASSES))
    targets = [(k, r) for k in kinds for r in sorted(plan[k][0])]
    valid_kinds = [k for k in kinds if plan[k][1]]
    if not targets and not valid_kinds:
        raise ValueError(f"nothing to fuzz: no rule of classes {sorted(classes)} applies to kinds {list(kinds)}")
    hosts = {r: [t for t in reference.PAYLOAD_TYPES if r in payload_rules(t)] for _k, r in targets}
    rng = random.Random(seed)
    while True:
        batch: list[Mutant] = []
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
            for p in chosen:
                m = p.apply(rng)
                if m is not None:
                    batch.append(m)
        for m in batch:
            stats.generated += 1
            data = m.render()
            expected = reference.validate(data, m.kind)
            if not agrees(m, expected):
                stats.discarded += 1
                continue
            klass = rule_class(m.rule, m.kind) if m.rule else KIND_CLASS[m.kind]
            yield FuzzCase(m, data, expected, klass)


def _document_fields(data: bytes) -> dict[str, Any]:
    try:
        return {"document": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"document_base64": base64.b64encode(data).decode("ascii")}


def _got(reply: Reply) -> dict[str, Any]:
    if reply.status != "ok":
        return {"outcome": reply.status, "message": reply.message}
    return {"valid": reply.valid, "errors": list(reply.errors)[:5]}


def _disagrees(reply: Reply, expected: reference.ValidationResult, warnings: bool = False) -> bool:
    """A fault, another verdict, or (``warnings``: strict level, a transport that carries them, a document
    labelled with a warning rule) an expected warning missing from the reply, judged as a corpus case
    expecting those warnings is."""
    if reply.status in FAULT_OUTCOMES or reply.status == "declined":
        return True
    if reply.status == "ok" and reply.valid != expected.valid:
        return True
    return warnings and reply.status == "ok" and bool(expected.warnings) and _misses_warning(reply, expected)


def _misses_warning(reply: Reply, expected: reference.ValidationResult) -> bool:
    case = Case(
        id="fuzz-warning",
        kind=expected.kind,
        klass="core",
        rule=expected.warnings[0].rule,
        level=expected.warnings[0].level,
        description="",
        valid=expected.valid,
        warnings=tuple(w.pointer for w in expected.warnings),
    )
    return evaluate(case, reply)[0] == "fail"


def _rule_from_pointers(kind: str, tree: Any, reply: Reply) -> str | None:
    for err in reply.errors:
        ptr = err.get("pointer") if isinstance(err, dict) else None
        if not isinstance(ptr, str) or not ptr.startswith("/"):
            continue
        steps: list[Any] = []
        cur = tree
        for raw in ptr[1:].split("/"):
            step: Any = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(cur, list) and step.isdigit():
                step = int(step)
            steps.append(step)
            cur = cur[step] if isinstance(cur, (dict, list)) and _has(cur, step) else None
        node = node_at(kind, tree, tuple(steps))
        if node is None:
            unknown = _unknown_rule(kind, tree, tuple(steps))
            if unknown is not None:
                return unknown
        elif node.rule != "parse.top-level-object":
            return node.rule
    return None


def _unknown_rule(kind: str, tree: Any, path: tuple[Any, ...]) -> str | None:
    """The accept rule of a member the schema does not define at ``path``, if that is what it is."""
    if kind != "job" or not path:
        return None
    parent = node_at(kind, tree, path[:-1])
    if parent is None or not parent.props or parent.extra is not None or path[-1] in parent.props:
        return None
    return "payload.unknown-members" if path[:2] == ("payload", "data") else "core.unknown-members"


def _has(c: Any, step: Any) -> bool:
    return step in c if isinstance(c, dict) else isinstance(step, int) and 0 <= step < len(c)


def _rule_from_shrunk(kind: str, tree: Any) -> str:
    """The rule of the deepest member a minimal document would not have: what the rejection hangs on."""
    context = {("operation",), ("payload", "type"), ("payload",), ("payload", "data")}
    best: tuple[int, str] | None = None
    stack: list[tuple[tuple[Any, ...], Any]] = [((), tree)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, dict):
            stack.extend(((*path, k), c) for k, c in v.items())
        elif isinstance(v, list):
            stack.extend(((*path, i), c) for i, c in enumerate(v))
        if not path or path in context:
            continue
        node = node_at(kind, tree, path)
        unknown = _unknown_rule(kind, tree, path) if node is None else None
        if unknown is not None:
            return unknown
        p = path
        while node is None and p:
            p = p[:-1]
            node = node_at(kind, tree, p)
        if node is None:
            continue
        if isinstance(v, (dict, list)) and v:
            continue
        if v == _gen.minimal_value(node) and type(v) is type(_gen.minimal_value(node)):
            continue
        if best is None or len(path) > best[0]:
            best = (len(path), node.rule)
    if best is not None:
        return best[1]
    return "core.payload.data" if kind == "job" else next(iter(_first_rules(kind)))


def _first_rules(kind: str) -> list[str]:
    from ._schemas import kind_root

    root = kind_root(kind)
    return [root.props[n].rule for n in root.required]


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
    if engine not in ("fast", "hypothesis"):
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
    run = _run_hypothesis if engine == "hypothesis" else _run
    try:
        yield from run(target, examples, duration, seed, kinds, classes, level, stats)
    finally:
        if owned:
            target.close()


def _run(
    impl: Implementation,
    examples: int | None,
    duration: float | None,
    seed: int,
    kinds: Sequence[str],
    classes: Sequence[str],
    level: str,
    stats: FuzzStats,
) -> Iterator[dict[str, Any]]:
    info = impl.info or impl.start()
    claimed_kinds = set(info.kinds or reference.KINDS)
    claimed_classes = set(info.classes or reference.CLASSES)
    wanted = list(kinds or reference.KINDS)
    stats.kinds = [k for k in wanted if k in claimed_kinds]
    stats.outside_claim = [k for k in wanted if k not in claimed_kinds]
    allowed = [c for c in (classes or reference.CLASSES) if c in claimed_classes]
    counted = reference.LEVELS[: reference.LEVELS.index(level) + 1]
    if not stats.kinds:
        return
    stats.asked = examples or 0
    shares = {
        "match": MATCH_SHARE if "capabilities" in allowed else 0.0,
        "roundtrip": ROUNDTRIP_SHARE if "roundtrip" in allowed else 0.0,
    }
    try:
        first = cases(seed, stats.kinds, allowed, stats)
        pending = [next(first)]
        stream: Iterator[FuzzCase] | None = first
    except ValueError:
        if not any(shares.values()):
            stats.asked = 0
            return  # nothing within the claim: every case would be skipped
        stream, pending = None, []
        shares = {k: v / sum(shares.values()) for k, v in shares.items()}
    side = random.Random(f"{seed}-match-roundtrip")
    judge = _Judge(impl, stats, seed, counted, warnings=level != "required" and impl.reports_warnings)
    t0 = time.monotonic()
    try:
        while True:
            if examples is not None and stats.examples >= examples:
                break
            if duration is not None and time.monotonic() - t0 >= duration:
                break
            n = BATCH if examples is None else min(BATCH, examples - stats.examples)
            draws = [side.random() for _ in range(n)]
            n_match = sum(d < shares["match"] for d in draws)
            n_rt = sum(shares["match"] <= d < shares["match"] + shares["roundtrip"] for d in draws)
            n_val = n - n_match - n_rt if stream is not None else 0
            if stream is None:
                n_match = n - n_rt
            while len(pending) < n_val:
                assert stream is not None
                pending.append(next(stream))
            batch, pending = pending[:n_val], pending[n_val:]
            for _ in range(n_rt):
                kind = side.choice(stats.kinds)
                m = _roundtrip.document(kind, side)
                data = m.render()
                batch.append(FuzzCase(m, data, reference.validate(data, kind), KIND_CLASS[kind], roundtrip=True))
            # All of a batch's replies are collected before any is judged (shrinking sends requests of its
            # own); those that came before the implementation was gone are judged all the same.
            replies: list[Reply] = []
            gone: ImplementationGone | None = None
            try:
                replies.extend(impl.validate_many((c.kind, c.data) for c in batch))
            except ImplementationGone as err:
                gone = err
            for case, reply in zip(batch, replies, strict=False):
                stats.examples += 1
                if case.roundtrip and case.klass not in allowed:
                    record = None  # validated only to know the implementation holds it valid
                else:
                    record = judge.validate(case, reply)
                if record is None and case.roundtrip and reply.status == "ok" and reply.valid:
                    record = judge.roundtrip(case)
                if record is not None:
                    yield record
            if gone is not None:
                raise gone
            for _ in range(n_match):
                stats.examples += 1
                record = judge.match(*_capabilities.lists(side))
                if record is not None:
                    yield record
    except ImplementationGone as err:
        stats.stopped = str(err)
        raise
    finally:
        stats.seconds = time.monotonic() - t0


class _Judge:
    """Compares replies with the reference's expectations, turns each new divergence into a finding (shrunk,
    attributed, deduplicated by rule and direction) and counts the rest as hits."""

    def __init__(
        self, impl: Implementation, stats: FuzzStats, seed: int, counted: tuple[str, ...], warnings: bool
    ) -> None:
        self.impl, self.stats, self.seed, self.counted, self.warnings = impl, stats, seed, counted, warnings
        self.found: dict[tuple[str | None, str], dict[str, Any]] = {}
        self.unlabelled_shrinks = 0

    def _seen(self, key: tuple[str | None, str]) -> bool:
        if key[0] is not None and key in self.found:
            self.stats.hits[_key_text(key)] += 1
            return True
        return False

    def _keep(self, key: tuple[str | None, str], record: dict[str, Any]) -> dict[str, Any]:
        self.found[key] = record
        self.stats.hits[_key_text(key)] += 1
        self.stats.findings += 1
        return record

    def _unanswered(self, reply: Reply) -> bool:
        """Count a reply that is no answer and that no finding is made of: a skip the transport makes, or
        the implementation declining (which makes the campaign incomplete)."""
        if reply.status == "skipped":
            self.stats.skipped += 1
        elif reply.status == "declined":
            self.stats.declined += 1
        else:
            return False
        return True

    def validate(self, case: FuzzCase, reply: Reply) -> dict[str, Any] | None:
        stats = self.stats
        if self._unanswered(reply):
            return None
        if not _disagrees(reply, case.expected, self.warnings and case.mutant.expect == "warning"):
            stats.agreed += 1
            return None
        m = case.mutant
        if reply.status != "ok":
            stats.faults += 1
            key: tuple[str | None, str] = (m.rule, "fault:" + reply.status)
            if key in self.found:
                stats.hits[_key_text(key)] += 1
                return None
            record = _finding(case, m, case.data, reply, stats, self.seed, self.counted, fault=reply.status)
            return self._keep(key, record)
        stats.divergent += 1
        if not case.expected.valid or reply.valid:
            # An invalid document accepted, or a warning missed: the label is the rule.
            key = (m.rule, _direction(case.expected, reply))
            if self._seen(key):
                return None
            missed = case.expected.valid
            small, data, last = _shrink_case(self.impl, case, stats, m, missed, seen=reply)
            return self._keep(key, _finding(case, small, data, last, stats, self.seed, self.counted, rule=m.rule))
        # A valid document rejected: a label (unknown member, free-form data, a warning) need not be the cause.
        hint = _rule_from_pointers(case.kind, m.tree, reply)
        if self._seen((hint, "valid")):
            return None
        if self.unlabelled_shrinks >= MAX_UNLABELLED_SHRINKS:
            return None
        self.unlabelled_shrinks += 1
        start = m if m.expect == "warning" else plain(m)
        small, data, last = _shrink_case(self.impl, case, stats, start, seen=reply)
        rule = attribute(case.kind, m, small, last)
        key = (rule, "valid")
        if self._seen(key):
            return None
        return self._keep(key, _finding(case, small, data, last, stats, self.seed, self.counted, rule=rule))

    def roundtrip(self, case: FuzzCase) -> dict[str, Any] | None:
        """Round-trip ``case`` (a valid document the implementation holds valid) and judge what comes back."""
        stats = self.stats
        stats.roundtrips += 1
        reply = self.impl.roundtrip(case.kind, case.data)
        if self._unanswered(reply):
            return None
        outcome, message = _roundtrip.judge(case.kind, case.data, reply)
        if outcome == "pass":
            return None
        rule = _roundtrip.rule_of(message) if outcome == "fail" else _roundtrip.PRESERVE
        if outcome != "fail":
            stats.faults += 1
            key: tuple[str | None, str] = (rule, "fault:" + reply.status)
            if self._seen(key):
                return None
            return self._keep(key, self._roundtrip_finding(case, case.mutant, case.data, reply, message, fault=outcome))
        stats.divergent += 1
        key = (rule, "roundtrip")
        if self._seen(key):
            return None
        last: dict[str, Any] = {}

        def still(cand: Mutant, data: bytes) -> bool:
            if not agrees(cand, reference.validate(data, cand.kind)):
                return False
            checked = self.impl.validate(cand.kind, data)
            if checked.status != "ok" or not checked.valid:
                return False
            back = self.impl.roundtrip(cand.kind, data)
            verdict, why = _roundtrip.judge(cand.kind, data, back)
            if verdict == "fail" and _roundtrip.rule_of(why) == rule:
                last.update(reply=back, message=why)
                return True
            return False

        try:
            small, calls = shrink(plain(case.mutant), still, budget=ROUNDTRIP_SHRINK_BUDGET)
        except ImplementationGone:  # gone while shrinking: the divergence stands unshrunk
            small, calls = plain(case.mutant), 0
            last.clear()
        stats.shrink_calls += calls
        data = small.render()
        record = self._roundtrip_finding(
            case, small, data, last.get("reply", reply), last.get("message", message), rule=rule
        )
        return self._keep(key, record)

    def _roundtrip_finding(
        self,
        case: FuzzCase,
        small: Mutant,
        data: bytes,
        reply: Reply,
        message: str,
        *,
        rule: str = "roundtrip.preserve",
        fault: str | None = None,
    ) -> dict[str, Any]:
        level = reference.RULES[rule].level
        digest = hashlib.sha256(f"{rule}\0{case.kind}\0".encode() + data).hexdigest()[:16]
        got: dict[str, Any] = (
            {"document": (reply.document or "")[:2000]}
            if fault is None
            else {"outcome": reply.status, "message": reply.message}
        )
        return {
            "type": "finding",
            "id": f"fuzz-{digest}",
            "mode": "roundtrip",
            "kind": case.kind,
            "class": "roundtrip",
            "level": level,
            "rule": rule,
            "counted": fault is not None or level in self.counted,
            "fault": fault,
            "expected": {"preserved": True},
            "got": got,
            **_document_fields(data),
            "original_size": len(case.data),
            "size": len(data),
            "examples": self.stats.examples,
            "seed": self.seed,
            "operator": "roundtrip",
            "pointer": None,
            "message": f"the implementation's round trip of a valid {case.kind} document differs: {message}"[:500],
        }

    def match(self, required: list[str], available: list[str]) -> dict[str, Any] | None:
        stats = self.stats
        stats.matches += 1
        reply = self.impl.match(required, available)
        if self._unanswered(reply):
            return None
        outcome, message = _capabilities.judge(required, available, reply)
        if outcome == "pass":
            stats.agreed += 1
            return None
        rule = _capabilities.RULE
        if outcome != "fail":
            stats.faults += 1
            key: tuple[str | None, str] = (rule, "fault:" + reply.status)
            if self._seen(key):
                return None
            return self._keep(key, self._match_finding(required, available, required, available, reply, message))
        stats.divergent += 1
        key = (rule, "match")
        if self._seen(key):
            return None
        last: dict[str, Any] = {}

        def still(req: list[str], avail: list[str]) -> bool:
            back = self.impl.match(req, avail)
            verdict, why = _capabilities.judge(req, avail, back)
            if verdict == "fail":
                last.update(reply=back, message=why)
                return True
            return False

        try:
            small_req, small_avail, calls = _capabilities.shrink(required, available, still)
        except ImplementationGone:  # gone while shrinking: the divergence stands unshrunk
            small_req, small_avail, calls = required, available, 0
            last.clear()
        stats.shrink_calls += calls
        record = self._match_finding(
            required, available, small_req, small_avail, last.get("reply", reply), last.get("message", message)
        )
        return self._keep(key, record)

    def _match_finding(
        self,
        required: list[str],
        available: list[str],
        small_req: list[str],
        small_avail: list[str],
        reply: Reply,
        message: str,
    ) -> dict[str, Any]:
        rule = _capabilities.RULE
        level = reference.RULES[rule].level
        expected = _capabilities.case(small_req, small_avail)
        fault = None if reply.status == "ok" else reply.status
        lists = json.dumps([small_req, small_avail], ensure_ascii=False)
        digest = hashlib.sha256(f"{rule}\0".encode() + lists.encode()).hexdigest()[:16]
        got: dict[str, Any] = (
            {"ok": reply.valid, "missing": list(reply.missing)}
            if fault is None
            else {"outcome": reply.status, "message": reply.message}
        )
        return {
            "type": "finding",
            "id": f"fuzz-{digest}",
            "mode": "match",
            "kind": "job",
            "class": "capabilities",
            "level": level,
            "rule": rule,
            "counted": fault is not None or level in self.counted,
            "fault": fault,
            "expected": {"ok": expected.ok, "missing": list(expected.missing)},
            "got": got,
            "required": small_req,
            "available": small_avail,
            "original_size": len(json.dumps([required, available], ensure_ascii=False)),
            "size": len(lists),
            "examples": self.stats.examples,
            "seed": self.seed,
            "operator": "match",
            "pointer": None,
            "message": (
                f"the implementation's capability match differs for required {small_req}, available "
                f"{small_avail}: {message}"
            )[:500],
        }


def plain(m: Mutant) -> Mutant:
    """``m`` as a plain valid document: no label, nothing pinned (shrinking may then drop the labelled member)."""
    return replace(m, rule=None, expect="valid", operator="valid", pin=())


def attribute(kind: str, label: Mutant, small: Mutant, reply: Reply) -> str:
    """The rule a rejected valid document breaks in the implementation's eyes, from its shrunk form ``small``.

    In order: a warning label whose member the implementation's errors point at; the rule of the schema node
    at the implementation's error pointers in the shrunk document; the label, while its member survived
    shrinking; the deepest member a minimal document would not have.
    """
    pointers = {e.get("pointer") for e in reply.errors if isinstance(e, dict)}
    if label.rule is not None and label.expect == "warning" and label.pointer in pointers:
        return label.rule
    found = _rule_from_pointers(kind, small.tree, reply)
    if found is not None:
        return found
    if label.rule is not None and _exists(small.tree, label.pin):
        return label.rule
    return _rule_from_shrunk(kind, small.tree)


def _exists(tree: Any, path: tuple[Any, ...]) -> bool:
    for step in path:
        if not isinstance(tree, (dict, list)) or not _has(tree, step):
            return False
        tree = tree[step]
    return True


def _scope(
    impl: Implementation, kinds: Sequence[str], classes: Sequence[str], stats: FuzzStats
) -> tuple[list[str], dict[str, tuple[frozenset[str], bool]]]:
    info = impl.info or impl.start()
    claimed_kinds = set(info.kinds or reference.KINDS)
    claimed_classes = set(info.classes or reference.CLASSES)
    wanted = list(kinds or reference.KINDS)
    stats.kinds = [k for k in wanted if k in claimed_kinds]
    stats.outside_claim = [k for k in wanted if k not in claimed_kinds]
    allowed = {c for c in (classes or reference.CLASSES) if c in claimed_classes}
    return stats.kinds, _plan_rules(stats.kinds, allowed)


#: Findings the Hypothesis engine looks for per kind before moving on (each is one ``find`` call).
HYPOTHESIS_FINDS = 5


def _run_hypothesis(
    impl: Implementation,
    examples: int | None,
    duration: float | None,
    seed: int,
    kinds: Sequence[str],
    classes: Sequence[str],
    level: str,
    stats: FuzzStats,
) -> Iterator[dict[str, Any]]:
    from hypothesis import HealthCheck, find, settings
    from hypothesis import strategies as st
    from hypothesis.errors import HypothesisWarning, NoSuchExample

    from .. import strategies as vs

    chosen, plan = _scope(impl, kinds, classes, stats)
    counted = reference.LEVELS[: reference.LEVELS.index(level) + 1]
    strict = level != "required" and impl.reports_warnings
    found: set[tuple[str | None, str]] = set()
    t0 = time.monotonic()
    budget = examples if examples is not None else DEFAULT_EXAMPLES
    last: dict[str, Any] = {}
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

            def diverges(m: Mutant) -> bool:
                data = m.render()
                expected = reference.validate(data, m.kind)
                if not agrees(m, expected):
                    stats.discarded += 1
                    return False
                stats.examples += 1
                reply = impl.validate(m.kind, data)
                if reply.status in ("skipped", "declined"):
                    stats.skipped += reply.status == "skipped"
                    stats.declined += reply.status == "declined"
                    return False
                if not _disagrees(reply, expected, strict and m.expect == "warning"):
                    stats.agreed += 1
                    return False
                rule = m.rule if not expected.valid or reply.valid else _rule_from_pointers(m.kind, m.tree, reply)
                key = (rule, "fault:" + reply.status if reply.status != "ok" else _direction(expected, reply))
                if key in found:
                    stats.hits[_key_text(key)] += 1
                    return False
                last.update(mutant=m, data=data, reply=reply, expected=expected)
                return True

            config = settings(
                max_examples=max(1, budget // len(chosen)),
                database=None,
                deadline=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            for _ in range(HYPOTHESIS_FINDS):
                try:
                    with warnings.catch_warnings():
                        # Deep-nesting documents make Hypothesis warn about the size of their repr.
                        warnings.simplefilter("ignore", HypothesisWarning)
                        m = find(st.one_of(options), diverges, settings=config)
                except NoSuchExample:
                    break
                if not diverges(m):  # Hypothesis's minimal example, asked again so its reply is the one kept
                    continue
                data, reply = last["data"], last["reply"]
                first_reply = reply
                case = FuzzCase(m, data, last["expected"], rule_class(m.rule, kind) if m.rule else KIND_CLASS[kind])
                direction = "fault:" + reply.status if reply.status != "ok" else _direction(case.expected, reply)
                if reply.status != "ok":
                    stats.faults += 1
                    record = _finding(case, m, data, reply, stats, seed, counted, fault=reply.status)
                elif direction == "valid":  # a valid document rejected: Hypothesis shrank it; attributed
                    stats.divergent += 1
                    record = _finding(case, m, data, reply, stats, seed, counted, rule=attribute(kind, m, m, reply))
                else:
                    stats.divergent += 1
                    small, data, reply = _shrink_case(impl, case, stats, m, direction == "warning", seen=reply)
                    record = _finding(case, small, data, reply, stats, seed, counted, rule=m.rule)
                key = (record["rule"], direction)
                found.add(key)
                hint = _rule_from_pointers(kind, m.tree, first_reply) if direction == "valid" else m.rule
                found.add((hint, direction))
                stats.hits[_key_text(key)] += 1
                stats.findings += 1
                record["engine"] = "hypothesis"
                yield record
    finally:
        stats.seconds = time.monotonic() - t0


def _direction(expected: reference.ValidationResult, reply: Reply | None = None) -> str:
    if expected.valid and reply is not None and reply.status == "ok" and reply.valid:
        return "warning"
    return "valid" if expected.valid else "invalid"


def _key_text(key: tuple[str | None, str]) -> str:
    return f"{key[0] or '(valid document)'} {key[1]}"


def _shrink_case(
    impl: Implementation,
    case: FuzzCase,
    stats: FuzzStats,
    start: Mutant | None = None,
    missed: bool = False,
    *,
    seen: Reply,
) -> tuple[Mutant, bytes, Reply]:
    """The smallest document derived from ``start`` (default: the case's) on which the implementation still
    diverges the same way: another verdict than the reference's or, ``missed``, the right verdict with an
    expected warning missing. ``seen`` is the reply that showed the divergence: should the implementation
    be gone (its restart budget spent) while shrinking, the divergence stands unshrunk, with that reply."""
    last: dict[str, Reply] = {}
    first = (start or case.mutant).valid

    def still(cand: Mutant, data: bytes) -> bool:
        expected = reference.validate(data, cand.kind)
        if not agrees(cand, expected) or expected.valid != first:
            return False
        reply = impl.validate(cand.kind, data)
        if reply.status != "ok":
            return False
        if missed:
            diverges = reply.valid == expected.valid and bool(expected.warnings) and _misses_warning(reply, expected)
        else:
            diverges = reply.valid != expected.valid
        if diverges:
            last["reply"] = reply
        return diverges

    try:
        small, calls = shrink(start or case.mutant, still)
        stats.shrink_calls += calls
        data = small.render()
        reply = last.get("reply") or impl.validate(case.kind, data)
    except ImplementationGone:
        small = start or case.mutant
        return small, small.render(), seen
    return small, data, reply


def _finding(
    case: FuzzCase,
    small: Mutant,
    data: bytes,
    reply: Reply,
    stats: FuzzStats,
    seed: int,
    counted: tuple[str, ...],
    *,
    rule: str | None = None,
    fault: str | None = None,
) -> dict[str, Any]:
    rule = rule or small.rule
    level = reference.RULES[rule].level if rule else "required"
    klass = rule_class(rule, case.kind) if rule else case.klass
    expected = reference.validate(data, case.kind)
    exp: dict[str, Any] = {"valid": expected.valid}
    if expected.errors:
        exp["pointer"] = expected.errors[0].pointer
        exp["errors"] = [e.to_json() for e in expected.errors[:5]]
    if expected.warnings:
        exp["warnings"] = [w.pointer for w in expected.warnings]
    if fault is not None:
        what = f"the implementation's reply was a {fault}: {reply.message}"[:500]
    elif expected.valid and reply.valid:
        seen = ", ".join(str(w.get("pointer", "?")) for w in reply.warnings if isinstance(w, dict))
        what = (
            f"the implementation gives the right verdict but not the warning of {rule} at "
            f"{', '.join(w.pointer for w in expected.warnings if w.rule == rule) or '/'}"
            + (f"; it warns at {seen}" if seen else "; it reports no warning")
        )
    elif expected.valid:
        where = ", ".join(
            f"{e.get('pointer', '?')}: {e.get('message', '')}" for e in reply.errors[:2] if isinstance(e, dict)
        )
        what = f"the implementation rejects a valid document ({rule}){'; it says ' + where if where else ''}"
    else:
        first = expected.errors[0]
        what = f"the implementation accepts a document that breaks {rule}: {first.message} at {first.pointer or '/'!r}"
    digest = hashlib.sha256(f"{rule}\0{case.kind}\0".encode() + data).hexdigest()[:16]
    return {
        "type": "finding",
        "id": f"fuzz-{digest}",
        "kind": case.kind,
        "class": klass,
        "level": level,
        "rule": rule,
        "counted": fault is not None or level in counted,
        "fault": fault,
        "expected": exp,
        "got": _got(reply),
        **_document_fields(data),
        "original_size": len(case.data),
        "size": len(data),
        "examples": stats.examples,
        "seed": seed,
        "operator": small.operator,
        "pointer": small.pointer if small.rule else (expected.errors[0].pointer if expected.errors else None),
        "message": what,
    }


def finding_bytes(record: dict[str, Any]) -> bytes:
    """The exact bytes of a finding's document."""
    if "document_base64" in record:
        return base64.b64decode(record["document_base64"], validate=True)
    doc = record.get("document")
    if not isinstance(doc, str):
        raise ValueError(f"finding {record.get('id', '?')!r} has no 'document' or 'document_base64'")
    return doc.encode("utf-8", "surrogatepass")


def replay_finding(impl: Implementation, record: dict[str, Any]) -> dict[str, Any]:
    """Re-run one finding: ``{"id", "rule", "level", "diverges", "expected", "got"}`` (reference re-asked).

    A validate finding's document is validated again; a ``match`` finding's lists are matched again; a
    ``roundtrip`` finding's document is round-tripped again and judged as a corpus round-trip case is.
    """
    mode = record.get("mode", "validate")
    base = {"id": record.get("id"), "rule": record.get("rule"), "level": record.get("level")}
    if mode == "match":
        raw_required, raw_available = record.get("required"), record.get("available")
        if not _strings(raw_required) or not _strings(raw_available):
            raise ValueError(f"finding {record.get('id', '?')!r} is a match finding without string lists")
        required, available = [str(r) for r in raw_required], [str(a) for a in raw_available]
        reply = impl.match(required, available)
        outcome, _message = _capabilities.judge(required, available, reply)
        want = _capabilities.case(required, available)
        got = {"ok": reply.valid, "missing": list(reply.missing)} if reply.status == "ok" else _got(reply)
        return {
            **base,
            "diverges": outcome not in ("pass", "skip"),
            "expected": {"ok": want.ok, "missing": list(want.missing)},
            "got": got,
        }
    data = finding_bytes(record)
    kind = record.get("kind")
    if kind not in reference.KINDS:
        raise ValueError(f"finding {record.get('id', '?')!r} has kind={kind!r}, not a document kind")
    if mode == "roundtrip":
        reply = impl.roundtrip(kind, data)
        outcome, message = _roundtrip.judge(kind, data, reply)
        got = {"preserved": outcome == "pass", "message": message} if reply.status == "ok" else _got(reply)
        return {**base, "diverges": outcome not in ("pass", "skip"), "expected": {"preserved": True}, "got": got}
    expected = reference.validate(data, kind)
    reply = next(iter(impl.validate_many([(kind, data)])))
    return {
        **base,
        "diverges": _disagrees(reply, expected),
        "expected": {"valid": expected.valid},
        "got": _got(reply),
    }


def _strings(value: Any) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
