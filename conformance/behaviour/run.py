"""One worker certification: plan the scenarios, run them a few at a time, stream one record per verdict.

The records are the results stream of ``vmjob certify`` (:mod:`conformance.records`): a header claiming the
class ``behaviour``, one ``result`` per (scenario, rule) judged, a footer; every report is built from it
as for a validator. A scenario that did not pass keeps its evidence in the record's ``extra``: the job
sent (``document``) and ``behaviour`` (the binding, the exchanges or files seen, the rule's statement).
A generated job that fails is shrunk first: the record holds the smallest job that still fails the rule.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import reference

from .. import __version__
from ..corpus import Case, digest, load_corpus
from ..fuzz import _gen
from ..fuzz._mutate import Mutant, RenderError, confirm, mutate, set_at
from ..fuzz._shrink import shrink
from ..fuzz.cases import MUTATED
from ..model import ImplInfo, Outcome
from ..records import CaseResult, Footer, Header
from ..runner import ResultsStream, now
from ..summary import summarize
from .bindings import Binding, Fault
from .scenarios import (
    ACCEPT,
    FIXED,
    REFUSE_INVALID,
    REFUSE_OPERATION,
    Context,
    Job,
    Verdict,
    created_at,
    judge_job,
)

#: Corpus job cases submitted by default (a fixed sample by the seed; 0 submits them all).
DEFAULT_CASES = 300
#: Generated jobs submitted by default.
DEFAULT_FUZZ = 60
#: Predicate calls (each a job sent to the worker) spent shrinking one failing generated job.
SHRINK_BUDGET = 40
#: Rules of the job a retargeted corpus case may not break (retargeting rewrites operation and payload).
_RETARGET_KEEPS = ("core.operation", "core.payload", "payload.")


@dataclass(frozen=True)
class WorkerRunConfig:
    level: str = "required"
    seed: int = 0
    corpus: Path | None = None
    cases: int = DEFAULT_CASES
    fuzz: int = DEFAULT_FUZZ
    deadline: float = 10.0
    threads: int = 8
    max_fail: int | None = None
    transport: dict[str, Any] = field(default_factory=dict)


@dataclass
class Planned:
    id: str
    rule: str
    about: str
    run: Callable[[Context, str], list[Verdict]]
    job: Job | None = None
    source: str = ""
    mutant: Mutant | None = None


def _freshen(tree: dict[str, Any], ctx: Context, rule: str) -> None:
    """A fresh ``job_id`` and idempotency key, unless the case is about them."""
    if not rule.startswith("core.job_id") and isinstance(tree.get("job_id"), str) and len(tree["job_id"]) >= 8:
        tree["job_id"] = ctx.new_id("case")
    ex = tree.get("execution")
    if isinstance(ex, dict) and isinstance(ex.get("idempotency_key"), str) and "idempotency" not in rule:
        ex["idempotency_key"] = f"key-{ctx.new_id('idem')}"


def corpus_job(case: Case, ctx: Context) -> Job:
    """The case's job as sent: its bytes, with a fresh job_id where the document parses (section 5 of SPEC)."""
    assert case.data is not None
    value, faults = reference.parse(case.data)
    if faults or not isinstance(value, dict):
        return Job.of(case.data)
    _freshen(value, ctx, case.rule)
    return Job.of(reference.dumps(value).encode("utf-8"))


def retargeted(case: Case, ctx: Context) -> Job | None:
    """An invalid case's fault carried by a ``test.echo`` job (which a worker could run): None when the
    fault is in what retargeting rewrites, or the reference no longer finds it invalid at the required level."""
    if case.valid or case.data is None or case.rule.startswith(_RETARGET_KEEPS) or case.rule.startswith("parse."):
        return None
    value, faults = reference.parse(case.data)
    if faults or not isinstance(value, dict):
        return None
    _freshen(value, ctx, case.rule)
    value["operation"] = "test.echo"
    value["payload"] = {"type": "test.echo.v1", "data": {"case": case.id}}
    j = Job.of(reference.dumps(value).encode("utf-8"))
    return j if j.verdict == "refuse" else None


def generated(rng: random.Random, ctx: Context) -> Mutant:
    """A generated ``test.echo`` job: valid, or mutated to break one rule (confirmed by the reference)."""
    doc = _gen.document("job", rng, fill=rng.choice((0.2, 0.5, 0.9)))
    doc["job_id"] = ctx.new_id("fuzz")
    doc["created_at"] = created_at()
    doc["operation"] = "test.echo"
    doc["payload"] = {"type": "test.echo.v1", "data": _gen.freeform_object(rng)}
    ex = doc.get("execution")
    if isinstance(ex, dict):
        if isinstance(ex.get("idempotency_key"), str):
            ex["idempotency_key"] = f"key-{ctx.new_id('idem')}"
        if isinstance(ex.get("timeout_seconds"), int):
            ex["timeout_seconds"] = max(30, ex["timeout_seconds"])
    cons = doc.get("constraints")
    if isinstance(cons, dict):
        for name in ("required_capabilities", "required_features"):
            if name in cons and cons[name] is not None:
                cons[name] = rng.choice(([], ["test"]))
    base = Mutant("job", doc)
    if not confirm(base):
        base = Mutant(
            "job",
            {k: v for k, v in doc.items() if k in ("version", "job_id", "created_at", "kind", "operation", "payload")},
        )
    if rng.random() < 0.4:
        return base
    m = mutate("job", base.tree, rng, MUTATED)
    return m if m is not None and confirm(m) else base


def plan(cfg: WorkerRunConfig, ctx: Context) -> list[Planned]:
    out = [Planned(f"scenario/{name}", rule, about, fn, source="fixed") for name, (rule, fn, about) in FIXED.items()]
    cases = [c for c in load_corpus(cfg.corpus) if c.kind == "job" and c.mode == "validate"]
    if cfg.cases and cfg.cases < len(cases):
        keep = set(random.Random(cfg.seed).sample(range(len(cases)), cfg.cases))
        cases = [c for i, c in enumerate(cases) if i in keep]
    for case in cases:
        for prefix, j in (("corpus", corpus_job(case, ctx)), ("corpus-echo", retargeted(case, ctx))):
            if j is None:
                continue
            rule = (
                REFUSE_INVALID if j.verdict == "refuse" else REFUSE_OPERATION if j.operation != "test.echo" else ACCEPT
            )
            about = case.description if prefix == "corpus" else f"{case.description} (as a test.echo job)"
            out.append(
                Planned(f"{prefix}/{case.id}", rule, about, _judging(j, prefix == "corpus-echo"), j, case.source)
            )
    rng = random.Random(cfg.seed)
    for n in range(cfg.fuzz):
        m = generated(rng, ctx)
        j = Job.of(m.render())
        rule = REFUSE_INVALID if j.verdict == "refuse" else ACCEPT
        about = f"a generated test.echo job breaking {m.rule}" if m.rule else "a generated valid test.echo job"
        out.append(Planned(f"fuzz/{n}", rule, about, _judging(j, True), j, f"generated (seed {cfg.seed})", m))
    return out


def _judging(j: Job, probe: bool) -> Callable[[Context, str], list[Verdict]]:
    return lambda ctx, tag: judge_job(ctx, j, tag, probe)


# --- running --------------------------------------------------------------------------------------------


def _records(
    p: Planned,
    verdicts: list[Verdict],
    ctx: Context,
    evidence: list[dict[str, Any]],
    job: Job | None,
    ms: float,
    extra: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    out = []
    seen: Counter[str] = Counter()
    for v in verdicts:
        seen[v.rule] += 1
        rid = f"{p.id}#{v.rule.removeprefix('behaviour.')}" + (f"-{seen[v.rule]}" if seen[v.rule] > 1 else "")
        more: dict[str, Any] = {"description": p.about, "source": p.source, **(extra or {})}
        if v.outcome not in ("pass", "skip"):
            if job is not None:
                more["document"] = job.data.decode("utf-8", "replace")
            more["behaviour"] = {
                "binding": ctx.binding.name,
                "exchange": evidence,
                "rule": reference.RULES[v.rule].statement,
            }
        out.append(
            CaseResult(
                rid,
                "job",
                "behaviour",
                reference.RULES[v.rule].level,
                v.rule,
                v.expected,
                v.got,
                cast(Outcome, v.outcome),
                v.message,
                "",
                round(ms, 3),
                more,
            ).to_json()
        )
    return out


def _attempt(p: Planned, ctx: Context, tag: str) -> tuple[list[Verdict], list[dict[str, Any]]]:
    ctx.binding.begin()
    try:
        verdicts = p.run(ctx, tag)
    except Fault as fault:
        verdicts = [Verdict(p.rule, fault.outcome, "an answer in the binding's terms", None, fault.message)]
    return verdicts, ctx.binding.evidence()


def _shrunk(p: Planned, ctx: Context, failing: str) -> tuple[Job, list[Verdict], list[dict[str, Any]], int] | None:
    """The smallest job derived from ``p``'s mutant that still fails ``failing``, with what it showed."""
    assert p.mutant is not None
    best: list[Any] = []
    keep_id = (p.mutant.rule or "").startswith("core.job_id")

    def still(cand: Mutant, data: bytes) -> bool:
        if not keep_id:
            try:
                cand = replace(cand, tree=set_at(cand.tree, ("job_id",), ctx.new_id("shrink")))
                data = cand.render()
            except (RenderError, TypeError, KeyError, IndexError):
                return False
        j = Job.of(data)
        verdicts, evidence = _attempt(Planned(p.id, p.rule, p.about, _judging(j, True)), ctx, ctx.new_id("t"))
        if any(v.rule == failing and v.outcome == "fail" for v in verdicts):
            best[:] = [j, verdicts, evidence]
            return True
        return False

    _, calls = shrink(p.mutant, still, SHRINK_BUDGET)
    return (best[0], best[1], best[2], calls) if best else None


def execute(p: Planned, ctx: Context) -> list[dict[str, Any]]:
    started = time.perf_counter()
    verdicts, evidence = _attempt(p, ctx, p.id.replace("/", "-").replace("#", "-"))
    job, extra = p.job, None
    failed = next((v.rule for v in verdicts if v.outcome == "fail"), None)
    if failed is not None and p.mutant is not None:
        found = _shrunk(p, ctx, failed)
        if found is not None and p.job is not None and len(found[0].data) < len(p.job.data):
            extra = {"original_size": len(p.job.data), "size": len(found[0].data), "shrink_calls": found[3]}
            job, verdicts, evidence = found[0], found[1], found[2]
    return _records(p, verdicts, ctx, evidence, job, (time.perf_counter() - started) * 1000, extra)


def describe(binding: Binding, doc: Any, name: str) -> ImplInfo:
    """The worker's self-description for the header: the adapter's, else its worker document's worker_id and
    version; and the claim (kind job, class behaviour)."""
    impl = getattr(binding, "implementation", None)
    if not isinstance(impl, dict) and isinstance(doc, dict) and isinstance(doc.get("worker_id"), str):
        impl = {"name": doc["worker_id"], "version": doc.get("version", "unknown")}
    if isinstance(impl, dict):
        return ImplInfo(
            str(impl.get("name", name)),
            str(impl.get("version", "unknown")),
            str(impl.get("language", "unknown")),
            kinds=("job",),
            classes=("behaviour",),
        )
    return ImplInfo(name, "unknown", "unknown", kinds=("job",), classes=("behaviour",))


def advertised(binding: Binding) -> tuple[Any, Fault | None]:
    """The worker document (or capabilities section) the worker advertises, and the fault that kept it
    from being read (the doc is then None)."""
    try:
        return binding.capabilities(), None
    except Fault as fault:
        return None, fault


def offered(doc: Any) -> tuple[str, ...]:
    """The operations the worker advertises (test.echo always: every certifiable worker offers it)."""
    section = doc.get("capabilities", doc) if isinstance(doc, dict) else None
    ops = section.get("operations") if isinstance(section, dict) else None
    listed = tuple(o for o in ops if isinstance(o, str)) if isinstance(ops, list) else ()
    return tuple(dict.fromkeys(("test.echo", *listed)))


class WorkerRunner:
    """One worker certification; :meth:`run` returns the summary (as :func:`conformance.summary.summarize`)."""

    def __init__(
        self,
        binding: Binding,
        cfg: WorkerRunConfig,
        stream: ResultsStream,
        name: str,
        on_record: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.binding, self.cfg, self.stream, self.on_record = binding, cfg, stream, on_record
        self.ctx = Context(binding, deadline=cfg.deadline)
        self.name = name
        self.failures = 0
        self.stopped = ""
        self._lock = threading.Lock()

    def _emit(self, rec: dict[str, Any]) -> None:
        self.stream.write(rec)
        if self.on_record is not None:
            self.on_record(rec)

    def _one(self, p: Planned) -> list[dict[str, Any]]:
        if self.stopped:
            return [
                CaseResult(
                    f"{p.id}#{p.rule.removeprefix('behaviour.')}",
                    "job",
                    "behaviour",
                    reference.RULES[p.rule].level,
                    p.rule,
                    None,
                    None,
                    "not-run",
                    self.stopped,
                    extra={"description": p.about, "source": p.source},
                ).to_json()
            ]
        records = execute(p, self.ctx)
        fails = sum(r["outcome"] == "fail" for r in records)
        if fails and self.cfg.max_fail is not None:
            with self._lock:
                self.failures += fails
                if self.failures >= self.cfg.max_fail:
                    self.stopped = f"not run: --max-fail {self.cfg.max_fail} reached"
        return records

    def run(self) -> dict[str, Any]:
        doc, fault = advertised(self.binding)
        self.ctx.offered = offered(doc)
        planned = plan(self.cfg, self.ctx)
        header = Header(
            suite_version=__version__,
            corpus_digest=digest(self.cfg.corpus),
            seed=self.cfg.seed,
            started_at=now(),
            implementation=describe(self.binding, doc, self.name),
            transport=self.cfg.transport,
            level=self.cfg.level,
            timeout=self.cfg.deadline,
        ).to_json()
        self._emit(header)
        results: list[dict[str, Any]] = []
        if fault is not None:  # the first request failed: a fault of its own, before any scenario
            rec = CaseResult(
                "scenario/advertised#capabilities",
                "job",
                "behaviour",
                reference.RULES["behaviour.capabilities"].level,
                "behaviour.capabilities",
                "the advertised capabilities",
                None,
                cast(Outcome, fault.outcome),
                fault.message,
                extra={"description": "reading what the worker offers, before any scenario"},
            ).to_json()
            self._emit(rec)
            results.append({"outcome": rec["outcome"], "class": rec["class"], "level": rec["level"]})
        interrupted = True
        pool = ThreadPoolExecutor(self.cfg.threads)
        try:
            for records in pool.map(self._one, planned):
                for rec in records:
                    self._emit(rec)
                    results.append({"outcome": rec["outcome"], "class": rec["class"], "level": rec["level"]})
            interrupted = False
        finally:
            if interrupted:  # the scenarios running end (each within its deadline); the queued ones never start
                self.stopped = self.stopped or "not run: the run was interrupted"
            pool.shutdown(wait=True, cancel_futures=True)
            footer = Footer(
                finished_at=now(),
                interrupted=interrupted,
                stopped=self.stopped,
                stderr=str(getattr(self.binding, "stderr", ""))[:16384],
            ).to_json()
            self._emit(footer)
        return summarize(results, (), self.cfg.level, header=header, footer=footer)
