"""The mutation score: how many mutants the corpus and the fuzzer catch, and whether any equivalent variant
raises a false alarm.

A mutant is *caught* when certification at its own level (``required``, or strict ``recommended`` for a
mutant that breaks only SHOULD rules) finds it not conformant; an equivalent variant raises a *false alarm*
when certification at its level does. The corpus and the fuzzer are scored apart: the fuzzer runs alone,
corpus switched off, and the number of cases it needed is kept.

Two ways to drive a member: through the real persistent transport (``python -m conformance.zoo NAME``,
what ``vmjob selftest`` does) or in-process (the same judgement, no subprocess: what the fast tests use).
"""

from __future__ import annotations

import shlex
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import Case
from ..evaluate import evaluate
from ..fuzz.differential import DEFAULT_EXAMPLES, fuzz
from ..model import FAULT_OUTCOMES, ImplInfo, Reply
from ..summary import counted_levels, summarize
from ..transports.base import Implementation, TransportOptions
from ..transports.inprocess import reply_from_value
from ._impl import Impl
from ._variant import Variant

#: Fuzz examples per member unless asked otherwise: the fuzzer's own default budget, as certify uses it.
DEFAULT_FUZZ_BUDGET = DEFAULT_EXAMPLES
DEFAULT_SEED = 20261127


def command(name: str) -> str:
    """The shell command that serves zoo member ``name`` over the persistent adapter protocol."""
    return f"{shlex.quote(sys.executable)} -m conformance.zoo {shlex.quote(name)}"


@dataclass
class Score:
    """What the suite made of one member. ``None`` where a stage did not run."""

    name: str
    equivalent: bool
    level: str
    breaks: tuple[str, ...]
    #: Corpus: did certification at ``level`` fail, and which cases' rules failed.
    corpus_flagged: bool | None = None
    corpus_rules: tuple[str, ...] = ()
    corpus_cases: int = 0
    #: Fuzz alone: did it find a divergence counted at ``level``, after how many examples, on which rule.
    fuzz_flagged: bool | None = None
    fuzz_examples: int | None = None
    fuzz_rule: str = ""
    fuzz_tried: int = 0
    #: A stage that could not run at all (cannot start, fuzzer unavailable): why.
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "equivalent": self.equivalent,
            "level": self.level,
            "breaks": list(self.breaks),
            "corpus": {"flagged": self.corpus_flagged, "rules": list(self.corpus_rules), "cases": self.corpus_cases},
            "fuzz": {
                "flagged": self.fuzz_flagged,
                "examples": self.fuzz_examples,
                "rule": self.fuzz_rule,
                "tried": self.fuzz_tried,
            },
            "problems": list(self.problems),
        }


# --- driving a member in-process -------------------------------------------------------------------------


class ZooInProcess(Implementation):
    """A zoo member as an :class:`Implementation`, without a subprocess: its replies exactly as the adapter
    server would send them, normalised as the persistent transport normalises them."""

    def __init__(self, variant: Variant) -> None:
        self.variant = variant
        self.impl: Impl = variant.impl

    def start(self) -> ImplInfo:
        self.info = ImplInfo(
            name=f"zoo:{self.variant.name}",
            version="in-process",
            language="python",
            kinds=self.impl.kinds,
            classes=self.impl.classes,
        )
        return self.info

    def validate(self, kind: str, data: bytes) -> Reply:
        return _guard(lambda: reply_from_value(self.impl.validate(kind, data)))

    def roundtrip(self, kind: str, data: bytes) -> Reply:
        return _guard(lambda: Reply("ok", document=self.impl.roundtrip(kind, data)))

    def match(self, required: list[str], available: list[str]) -> Reply:
        def run() -> Reply:
            ok, missing = self.impl.match(required, available)
            return Reply("ok", valid=ok, missing=tuple(missing))

        return _guard(run)


def _guard(fn: Callable[[], Reply]) -> Reply:
    try:
        return fn()
    except (KeyError, TypeError, ValueError) as err:  # what the adapter server turns into an errored reply
        return Reply("errored", message=f"{type(err).__name__}: {err}")
    except Exception as err:  # noqa: BLE001 - anything else ends the adapter process: a crash
        return Reply("crash", message=f"{type(err).__name__}: {err}")


def _claim(info: ImplInfo, case: Case) -> str | None:
    if case.kind not in info.kinds or case.klass not in info.classes:
        return "outside the claim"
    return None


def corpus_records_inprocess(variant: Variant, cases: Iterable[Case]) -> list[dict[str, Any]]:
    """The corpus run against ``variant`` in-process: one result record per case (the runner's shape, reduced
    to what the verdict reads)."""
    impl = ZooInProcess(variant)
    info = impl.start()
    out = []
    for case in cases:
        if _claim(info, case):
            outcome, message = "skip", "outside the claim"
        else:
            assert case.data is not None or case.mode == "match"
            if case.mode == "match":
                reply = impl.match(list(case.required), list(case.available))
            elif case.mode == "roundtrip":
                reply = impl.roundtrip(case.kind, case.data or b"")
            else:
                reply = impl.validate(case.kind, case.data or b"")
            outcome, _got, message = evaluate(case, reply)
        out.append(
            {
                "id": case.id,
                "class": case.klass,
                "level": case.level,
                "rule": case.rule,
                "outcome": outcome,
                "message": message,
            }  # fmt: skip
        )
    return out


# --- driving a member through the real persistent transport -----------------------------------------------


def corpus_records_persistent(
    variant: Variant, corpus: Path | None = None, timeout: float = 10.0
) -> list[dict[str, Any]]:
    """The corpus run against ``variant`` through ``--cmd``, exactly as ``vmjob certify`` runs it."""
    from ..runner import ResultsStream, RunConfig, Runner
    from ..transports.persistent import Persistent

    records: list[dict[str, Any]] = []
    config = RunConfig(
        level=variant.level,
        timeout=timeout,
        corpus=corpus,
        transport={"kind": "cmd", "target": command(variant.name)},
    )
    with tempfile.TemporaryDirectory(prefix="vmjob-selftest-") as tmp:
        stream = ResultsStream(Path(tmp) / "RESULTS.jsonl")
        impl = Persistent(command(variant.name), TransportOptions(timeout=timeout))
        try:
            Runner(impl, config, stream, on_record=lambda r: records.append(r) if r["type"] == "result" else None).run()
        finally:
            impl.close()
            stream.close()
    return records


def judge_corpus(score: Score, records: list[dict[str, Any]]) -> None:
    """Fill the corpus part of ``score`` from result records.

    Flagged means a case counted at the member's level did not pass; a run in which no case was executed
    flags nothing and is recorded as a problem (an empty corpus proves nothing either way).
    """
    summary = summarize(records, (), score.level)
    counted = counted_levels(score.level)
    # ``errored`` is how a member refuses a request on purpose (a round trip of a document it holds invalid:
    # the protocol has no other answer for that), so it counts as what the suite flagged. A crash, a hang or
    # a case not run is no verdict but a bug of the zoo: a mutant "caught" that way would prove nothing.
    failed = {r["rule"] for r in records if r["outcome"] in ("fail", "errored") and r["level"] in counted}
    score.corpus_flagged = bool(failed)
    score.corpus_cases = summary["total"]
    score.corpus_rules = tuple(sorted(failed))
    if summary["total"] - summary["outcomes"]["skip"] == 0:
        score.problems.append("no corpus case was executed")
    faults = [r for r in records if r["outcome"] in FAULT_OUTCOMES - {"errored"}]
    if faults:
        first = faults[0]
        score.problems.append(
            f"{len(faults)} corpus cases ended in a fault, e.g. {first['id']}: {first['outcome']} {first['message']}"[
                :300
            ]
        )


# --- fuzzing alone ----------------------------------------------------------------------------------------


def judge_fuzz(
    score: Score, impl: Implementation, budget: int, seed: int = DEFAULT_SEED, timeout: float = 10.0
) -> None:
    """Fuzz ``impl`` alone, for at most ``budget`` examples; a mutant stops at its first counted finding."""
    counted = counted_levels(score.level)
    info = impl.info or impl.start()
    score.fuzz_flagged = False
    for finding in fuzz(
        impl, examples=budget, seed=seed, kinds=info.kinds, classes=info.classes, level=score.level, timeout=timeout
    ):
        score.fuzz_tried = max(score.fuzz_tried, int(finding.get("examples") or 0))
        if finding.get("fault"):
            score.problems.append(f"fuzzing met a fault: {finding.get('fault')}: {finding.get('message', '')}"[:300])
            continue
        if finding.get("level") in counted:
            score.fuzz_flagged = True
            score.fuzz_examples = int(finding.get("examples") or 0)
            score.fuzz_rule = str(finding.get("rule", ""))
            if not score.equivalent:
                break


# --- the whole score --------------------------------------------------------------------------------------


def score_member(
    variant: Variant,
    *,
    transport: str = "cmd",
    cases: list[Case] | None = None,
    corpus: Path | None = None,
    fuzz_budget: int = 0,
    seed: int = DEFAULT_SEED,
    timeout: float = 10.0,
) -> Score:
    """Score one member: the corpus (unless ``cases`` is empty), then fuzzing alone (``fuzz_budget`` > 0)."""
    score = Score(variant.name, variant.equivalent, variant.level, variant.breaks)
    if transport == "cmd":
        judge_corpus(score, corpus_records_persistent(variant, corpus, timeout))
    else:
        from ..corpus import load_corpus

        judge_corpus(score, corpus_records_inprocess(variant, cases if cases is not None else load_corpus(corpus)))
    if fuzz_budget > 0:
        if transport == "cmd":
            from ..transports.persistent import Persistent

            with Persistent(command(variant.name), TransportOptions(timeout=timeout)) as impl:
                judge_fuzz(score, impl, fuzz_budget, seed, timeout)
        else:
            judge_fuzz(score, ZooInProcess(variant), fuzz_budget, seed, timeout)
    return score


@dataclass(frozen=True)
class Totals:
    mutants: int
    corpus_caught: int
    fuzz_ran: bool
    fuzz_caught: int
    equivalents: int
    false_alarms: int
    #: Members for which a stage could not run as asked: the score is then not met.
    problems: int = 0

    @property
    def corpus_rate(self) -> float:
        return 100.0 * self.corpus_caught / self.mutants if self.mutants else 100.0

    @property
    def fuzz_rate(self) -> float:
        return 100.0 * self.fuzz_caught / self.mutants if self.mutants else 100.0

    @property
    def met(self) -> bool:
        """100% caught by the corpus, 100% by fuzzing alone when it ran, no false alarm."""
        return (
            self.mutants + self.equivalents > 0
            and self.corpus_caught == self.mutants
            and (not self.fuzz_ran or self.fuzz_caught == self.mutants)
            and self.false_alarms == 0
            and self.problems == 0
        )

    def line(self) -> str:
        parts = [f"corpus caught {self.corpus_caught}/{self.mutants} ({self.corpus_rate:.1f}%)"]
        if self.fuzz_ran:
            parts.append(f"fuzz alone caught {self.fuzz_caught}/{self.mutants} ({self.fuzz_rate:.1f}%)")
        parts.append(f"false alarms {self.false_alarms}/{self.equivalents}")
        if self.problems:
            parts.append(f"{self.problems} members with problems")
        target = "100% / 100% / 0" if self.fuzz_ran else "100% / 0"
        return f"mutation score: {', '.join(parts)}; target {target}: {'met' if self.met else 'NOT met'}"

    def to_json(self) -> dict[str, Any]:
        return {
            "mutants": self.mutants,
            "corpus_caught": self.corpus_caught,
            "corpus_rate": round(self.corpus_rate, 1),
            "fuzz_ran": self.fuzz_ran,
            "fuzz_caught": self.fuzz_caught,
            "fuzz_rate": round(self.fuzz_rate, 1),
            "equivalents": self.equivalents,
            "false_alarms": self.false_alarms,
            "problems": self.problems,
            "met": self.met,
        }


def totals(scores: Iterable[Score], fuzz_ran: bool) -> Totals:
    scores = list(scores)
    mutants = [s for s in scores if not s.equivalent]
    equivalents = [s for s in scores if s.equivalent]
    return Totals(
        mutants=len(mutants),
        corpus_caught=sum(1 for s in mutants if s.corpus_flagged),
        fuzz_ran=fuzz_ran,
        fuzz_caught=sum(1 for s in mutants if s.fuzz_flagged),
        equivalents=len(equivalents),
        false_alarms=sum(1 for s in equivalents if s.corpus_flagged or s.fuzz_flagged),
        problems=sum(1 for s in scores if s.problems),
    )


# --- the witnesses as corpus cases ------------------------------------------------------------------------


def witness_case(variant: Variant) -> Case:
    """The corpus case a mutant's witness stands for, with the reference's expectation: the case a corpus
    needs (or one like it) to catch that mutant."""
    from reference import KIND_CLASS, RULES

    from ._impl import REFERENCE

    w = variant.witness
    if w is None:
        raise ValueError(f"{variant.name!r} is an equivalent variant: it has no witness")
    rule = variant.breaks[0]
    klass = KIND_CLASS[w.kind] if RULES[rule].klass == "common" else RULES[rule].klass
    base: dict[str, Any] = {"id": f"zoo-witness-{variant.name}", "kind": w.kind, "klass": klass, "rule": rule,
            "level": RULES[rule].level, "description": variant.description, "source": "zoo"}  # fmt: skip
    if w.mode == "match":
        ok, missing = REFERENCE.match(list(w.required), list(w.available))
        return Case(**base, required=w.required, available=w.available, ok=ok, missing=tuple(missing))
    if w.mode == "roundtrip":
        return Case(**base, data=w.data, form="document_text")
    result = REFERENCE.check(w.kind, w.data)
    return Case(
        **base,
        data=w.data,
        form="document_base64",
        valid=result.valid,
        pointer=result.errors[0].pointer if result.errors else None,
        warnings=tuple(x.pointer for x in result.warnings),
    )


def case_json(case: Case) -> dict[str, Any]:
    """A case as a corpus file writes it (``corpus/README.md``)."""
    import base64

    out: dict[str, Any] = {"id": case.id, "kind": case.kind, "class": case.klass, "rule": case.rule,
                           "level": case.level, "description": case.description}  # fmt: skip
    if case.data is not None:
        out["document_base64"] = base64.b64encode(case.data).decode("ascii")
    if case.mode == "match":
        out.update(required=list(case.required), available=list(case.available), ok=case.ok,
                   missing=list(case.missing))  # fmt: skip
    elif case.mode == "validate":
        out["valid"] = case.valid
        if case.pointer is not None:
            out["pointer"] = case.pointer
        if case.warnings:
            out["warnings"] = list(case.warnings)
    return out


def write_witness_corpus(root: Path, variants: Iterable[Variant]) -> Path:
    """A corpus directory holding one case per mutant witness (``root/zoo/witnesses.json``)."""
    import json

    path = root / "zoo" / "witnesses.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    cases = [case_json(witness_case(v)) for v in variants if not v.equivalent]
    body = {"description": "One case per mutant of the zoo: the document on which it differs.", "cases": cases}
    path.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return root


# --- the families, scored apart ---------------------------------------------------------------------------

#: Mutant families in the order they are reported; every equivalent, whatever its family, is scored in one.
MUTANT_FAMILIES = ("zoo", "independent")
EQUIVALENTS_FAMILY = "equivalents"


def member_families() -> dict[str, str]:
    """Each member's family: ``zoo`` (the first mutants), ``independent`` (the second family, written from the
    protocol text alone, when it is installed) or ``equivalents`` (both families' equivalents)."""
    from .. import zoo

    # The second family is optional: without it the zoo has the first mutants and their equivalents only.
    families = getattr(zoo, "FAMILIES", None) or {"zoo": zoo.MUTANTS, "equivalents": zoo.EQUIVALENTS}
    out: dict[str, str] = {}
    for family, members in families.items():
        for v in members:
            out[v.name] = EQUIVALENTS_FAMILY if v.equivalent else family
    return out


@dataclass(frozen=True)
class FamilyScore:
    """One family's score: mutants caught by the corpus alone and by fuzzing alone (a family of mutants), or
    false alarms raised by either (the equivalents), and the most fuzz cases any member needed to be found."""

    name: str
    members: int
    equivalent: bool
    corpus_flagged: int
    fuzz_ran: bool
    fuzz_flagged: int
    #: The most cases fuzzing alone needed to flag a member, and that member (None when it flagged none).
    worst: int | None = None
    worst_member: str = ""
    #: Members the corpus (resp. fuzzing alone) missed: mutants that survive; for equivalents, none.
    corpus_survivors: tuple[str, ...] = ()
    fuzz_survivors: tuple[str, ...] = ()
    problems: int = 0

    def cells(self) -> tuple[str, str, str, str]:
        """(corpus alone, fuzz alone, false alarms, worst cases-to-find) as the table shows them."""
        n = self.members

        def rate(k: int) -> str:
            return f"{k}/{n} ({100.0 * k / n if n else 100.0:.1f}%)"

        if self.equivalent:
            corpus, fuzz = f"{self.corpus_flagged}/{n} alarms", f"{self.fuzz_flagged}/{n} alarms"
            alarms = f"{self.corpus_flagged + self.fuzz_flagged}"
        else:
            corpus, fuzz, alarms = rate(self.corpus_flagged), rate(self.fuzz_flagged), "-"
        if not self.fuzz_ran:
            fuzz = "-"
        worst = f"{self.worst} ({self.worst_member})" if self.worst is not None else "-"
        if self.fuzz_survivors:
            worst += f"; {len(self.fuzz_survivors)} not found"
        return corpus, fuzz, alarms, worst

    def to_json(self) -> dict[str, Any]:
        return {
            "family": self.name,
            "members": self.members,
            "equivalent": self.equivalent,
            "corpus_flagged": self.corpus_flagged,
            "fuzz_ran": self.fuzz_ran,
            "fuzz_flagged": self.fuzz_flagged if self.fuzz_ran else None,
            "false_alarms": self.corpus_flagged + self.fuzz_flagged if self.equivalent else None,
            "worst_cases_to_find": self.worst,
            "worst_member": self.worst_member or None,
            "corpus_survivors": list(self.corpus_survivors),
            "fuzz_survivors": list(self.fuzz_survivors),
            "problems": self.problems,
        }


def family_scores(scores: Iterable[Score], fuzz_ran: bool, families: dict[str, str] | None = None) -> list[FamilyScore]:
    """One :class:`FamilyScore` per family that has a scored member, mutant families first."""
    families = families if families is not None else member_families()
    grouped: dict[str, list[Score]] = {}
    for s in scores:
        name = EQUIVALENTS_FAMILY if s.equivalent else families.get(s.name, MUTANT_FAMILIES[0])
        grouped.setdefault(name, []).append(s)
    order = [*MUTANT_FAMILIES, *sorted(set(grouped) - {*MUTANT_FAMILIES, EQUIVALENTS_FAMILY}), EQUIVALENTS_FAMILY]
    out = []
    for name in order:
        members = grouped.get(name)
        if not members:
            continue
        found = [s for s in members if s.fuzz_flagged and s.fuzz_examples is not None]
        equivalent = name == EQUIVALENTS_FAMILY
        # Cases-to-find measures how hard a mutant is to find; an equivalent's first false alarm is no such thing.
        worst = None if equivalent else max(found, key=lambda s: s.fuzz_examples or 0, default=None)
        out.append(
            FamilyScore(
                name=name,
                members=len(members),
                equivalent=equivalent,
                corpus_flagged=sum(1 for s in members if s.corpus_flagged),
                fuzz_ran=fuzz_ran,
                fuzz_flagged=sum(1 for s in members if s.fuzz_flagged),
                worst=worst.fuzz_examples if worst is not None else None,
                worst_member=worst.name if worst is not None else "",
                corpus_survivors=() if equivalent else tuple(s.name for s in members if s.corpus_flagged is False),
                fuzz_survivors=()
                if equivalent or not fuzz_ran
                else tuple(s.name for s in members if not s.fuzz_flagged),
                problems=sum(1 for s in members if s.problems),
            )
        )
    return out
