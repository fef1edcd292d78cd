"""The behaviour mutation score: every member of the worker zoo certified, each mutant caught on its rule?

A mutant is **caught** when some record of its certification on a rule it breaks did not pass; an
equivalent raises a **false alarm** when its certification is not conformant at level recommended (the
strict level: an equivalent must keep every rule). Members run in-process (each on its own HTTP server or
file binding in a temporary directory), a few at a time, with a small scenario budget.
"""

from __future__ import annotations

import tempfile
import threading
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..reports.stream import read_stream
from ..runner import ResultsStream
from ..worker.files import FileBinding as ServeFiles
from ..worker.http import create_server
from ..zoo.workers import EQUIVALENTS, MUTANTS, WORKERS, ZooWorker
from .bindings import Binding, FileBinding, HttpBinding
from .run import WorkerRunConfig, WorkerRunner

#: The scenario budget of a zoo certification: enough corpus cases and generated jobs for every mutant.
ZOO_CASES = 60
ZOO_FUZZ = 15
ZOO_DEADLINE = 5.0


@dataclass
class MemberScore:
    name: str
    equivalent: bool
    breaks: tuple[str, ...]
    conformant: bool
    #: Rule -> records that did not pass.
    flagged: dict[str, int] = field(default_factory=dict)

    @property
    def caught(self) -> bool:
        return not self.equivalent and any(self.flagged.get(r) for r in self.breaks)

    @property
    def false_alarm(self) -> bool:
        return self.equivalent and not self.conformant


def certify_member(
    member: ZooWorker, seed: int = 0, cases: int = ZOO_CASES, fuzz: int = ZOO_FUZZ, corpus: Path | None = None
) -> MemberScore:
    """Certify one zoo worker in-process, over its binding, and say what was flagged."""
    with tempfile.TemporaryDirectory(prefix="vmjob-zoo-worker-") as tmp:
        root = Path(tmp)
        worker = member.make(root / "state.sqlite")
        worker.log_errors = False  # a mutant's exceptions are its faults, seen in the verdict
        stop = threading.Event()
        server = None
        threads: list[threading.Thread] = []
        binding: Binding
        try:
            if member.binding == "files":
                jobs, results = root / "a" / "b" / "jobs", root / "a" / "b" / "results"
                jobs.mkdir(parents=True)
                results.mkdir()
                serving = ServeFiles(worker, jobs, results)
                threads.append(threading.Thread(target=serving.serve, args=(stop,), daemon=True))
                binding = FileBinding(jobs, results)
            else:
                server = create_server(worker)
                threads.append(threading.Thread(target=server.run, daemon=True))
                binding = HttpBinding(f"http://127.0.0.1:{server.effective_port}")
            for t in threads:
                t.start()
            cfg = WorkerRunConfig(
                level="recommended",
                seed=seed,
                corpus=corpus,
                cases=cases,
                fuzz=fuzz,
                deadline=ZOO_DEADLINE,
                transport={"kind": f"worker-{member.binding}", "target": f"zoo:{member.name}"},
            )
            stream = ResultsStream(root / "results.jsonl")
            try:
                summary = WorkerRunner(binding, cfg, stream, f"zoo:{member.name}").run()
            finally:
                stream.close()
            flagged: Counter[str] = Counter(
                r["rule"]
                for r in read_stream(root / "results.jsonl")
                if r.get("type") == "result" and r.get("outcome") not in ("pass", "skip")
            )
        finally:
            stop.set()
            if server is not None:
                server.close()
            for t in threads:
                t.join(5)
            worker.close()
    return MemberScore(member.name, member.equivalent, member.breaks, bool(summary["conformant"]), dict(flagged))


def behaviour_score(
    names: Iterable[str] | None = None, seed: int = 0, parallel: int = 8, corpus: Path | None = None
) -> dict[str, Any]:
    """Certify the worker zoo (or the members named) and score it: ``{"mutants", "caught", "score",
    "equivalents", "false_alarms", "members": [...]}``."""
    members = [WORKERS[n] for n in names] if names is not None else [*MUTANTS, *EQUIVALENTS]
    with ThreadPoolExecutor(parallel) as pool:
        scores = list(pool.map(lambda m: certify_member(m, seed, corpus=corpus), members))
    mutants = [s for s in scores if not s.equivalent]
    equivalents = [s for s in scores if s.equivalent]
    caught = sum(s.caught for s in mutants)
    return {
        "mutants": len(mutants),
        "caught": caught,
        "score": caught / len(mutants) if mutants else None,
        "equivalents": len(equivalents),
        "false_alarms": sum(s.false_alarm for s in equivalents),
        "members": [
            {
                "name": s.name,
                "equivalent": s.equivalent,
                "breaks": list(s.breaks),
                "conformant": s.conformant,
                "caught": s.caught,
                "false_alarm": s.false_alarm,
                "flagged": s.flagged,
            }
            for s in scores
        ],
    }


def behaviour_met(score: dict[str, Any] | None) -> bool:
    """Whether the targets are met: every mutant caught, no false alarm (True when it was not scored)."""
    return score is None or (score["caught"] == score["mutants"] and not score["false_alarms"])


def render(score: dict[str, Any]) -> list[str]:
    """The selftest's lines for the behaviour score."""
    lines = []
    pct = f"{100 * score['score']:.0f} %" if score["score"] is not None else "n/a"
    lines.append(
        f"behaviour mutation score (worker zoo): {score['caught']}/{score['mutants']} mutants caught "
        f"({pct}), {score['false_alarms']} false alarms in {score['equivalents']} equivalents"
    )
    for m in score["members"]:
        if (not m["equivalent"] and not m["caught"]) or m["false_alarm"]:
            what = "NOT CAUGHT" if not m["equivalent"] else "FALSE ALARM"
            flagged = ", ".join(f"{r} x{n}" for r, n in sorted(m["flagged"].items())) or "nothing"
            lines.append(f"  {what}: {m['name']} (breaks {', '.join(m['breaks']) or 'nothing'}; flagged {flagged})")
    return lines
