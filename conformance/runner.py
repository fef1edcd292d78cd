"""The runner: the corpus (and the fuzzer) against one implementation, streamed to a results file.

Memory stays flat however large the corpus: cases are read file by file, at most a window of them is in
flight, and every result goes to disk as soon as it is known (one JSON line, flushed), so a run killed
halfway loses nothing already done. The verdict is computed from the stream, not from memory.

Validate cases go first, pipelined through ``validate_many``; match and roundtrip cases follow, one by one.
Cases outside the implementation's claim are ``skip`` with the reason; once ``--max-fail`` is reached or the
restart budget is spent, every remaining case is ``not-run`` with the reason.
"""

from __future__ import annotations

import base64
import json
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from . import __version__
from .corpus import MODES, Case, CorpusError, case_from_json, corpus_files, default_root, digest, read_file
from .evaluate import evaluate
from .model import ImplInfo, Outcome, Reply
from .records import CaseResult, Footer, Header
from .summary import summarize
from .transports.base import Implementation, ImplementationGone

if TYPE_CHECKING:
    from .fuzz.differential import FuzzStats

#: Documents larger than this are not copied into non-passing results (the report finds them by id).
DOCUMENT_IN_RECORD = 64 * 1024
STDERR_IN_RECORD = 4 * 1024


@dataclass(frozen=True)
class RunConfig:
    level: str = "required"
    kinds: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    max_fail: int | None = None
    seed: int | None = None
    fuzz: int = 0
    timeout: float = 5.0
    corpus: Path | None = None
    #: How the implementation is reached, for the header (``{"kind": "cmd", "target": "..."}``).
    transport: dict[str, Any] = field(default_factory=dict)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StreamExists(FileExistsError):
    """The results stream's path is taken: by an earlier run, or by a run going on now."""


class ResultsStream:
    """The JSON Lines results file, one flushed line per record.

    It is created exclusively (``O_EXCL``), never truncated: two runs given the same path cannot destroy each
    other's stream, at the same time or one after the other. With ``beside=True`` (the default path of
    ``vmjob certify``) a taken path gives way to the first free ``NAME-2.jsonl``, ``NAME-3.jsonl`` ...;
    otherwise :class:`StreamExists` says the path is taken.
    """

    def __init__(self, path: Path, *, beside: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        for n in range(1, 10_000):
            candidate = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
            try:
                self._fh: IO[str] = candidate.open("x", encoding="utf-8")
                break
            except FileExistsError:
                if not beside:
                    raise StreamExists(
                        f"{path} already exists (the stream of another run, finished or still going); "
                        "give another --results path, or move that file away"
                    ) from None
        else:
            raise StreamExists(f"{path} and 9,998 numbered names beside it are taken; clear some away")
        self.path = candidate

    def write(self, record: dict[str, Any]) -> None:
        self._fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


def selected(config: RunConfig, modes: tuple[str, ...] = ("validate", "match", "roundtrip")) -> Iterator[Case]:
    """The cases the filters keep, in corpus order, read file by file; only cases of ``modes`` are built
    (building a case encodes its document: the second pass, over match and roundtrip cases, skips that)."""
    root = config.corpus or default_root()
    kinds, classes, rules = set(config.kinds), set(config.classes), config.rules
    for path in corpus_files(root):
        rel = path.relative_to(root).as_posix()
        for i, raw in enumerate(read_file(path, root)):
            if not isinstance(raw, dict):
                raise CorpusError(f"{rel}: case #{i} is not an object: {raw!r:.80}")
            klass, rule = raw.get("class"), raw.get("rule")
            if (
                (kinds and raw.get("kind") not in kinds)
                or (classes and klass not in classes)
                or (rules and not any(rule == r or str(rule).startswith(r + ".") for r in rules))
                or MODES.get(str(klass), "validate") not in modes
            ):
                continue
            try:
                yield case_from_json(raw, rel)
            except (KeyError, TypeError, ValueError) as err:
                raise CorpusError(
                    f"{rel}: case #{i} ({raw.get('id', 'no id')}) is malformed: {type(err).__name__}: {err}"
                ) from err


def count_selected(config: RunConfig) -> int:
    return sum(1 for _ in selected(config))


def any_selected(config: RunConfig) -> bool:
    return next(selected(config), None) is not None


def claimed(info: ImplInfo, case: Case) -> str | None:
    """Why ``case`` is outside the implementation's claim, or None."""
    if case.kind not in info.kinds:
        return f"outside the claim: the implementation does not claim kind {case.kind!r}"
    if case.klass not in info.classes:
        return f"outside the claim: the implementation does not claim class {case.klass!r}"
    return None


def bounded_stderr(text: str, limit: int = STDERR_IN_RECORD) -> str:
    """``text`` cut to ``limit`` characters; the transport's own last line saying how much it dropped
    (``... (1,073,741,824 bytes ...)``) is kept, so a flood is reported at its real size."""
    if len(text) <= limit:
        return text
    body, _, last = text.rpartition("\n")
    note = last if body and last.startswith("... (") else ""
    if note:
        text = body
    kept = text[:limit]
    return kept + f"\n... ({len(text) - limit:,} more characters not kept here)" + (f"\n{note}" if note else "")


def record(
    case: Case, outcome: str, got: Any = None, message: str = "", stderr: str = "", duration_ms: float = 0.0
) -> dict[str, Any]:
    """The ``result`` record of ``case`` (:class:`conformance.records.CaseResult`), as the stream's JSON."""
    extra: dict[str, Any] = {"description": case.description, "source": case.source}
    if outcome not in ("pass", "skip") and case.data is not None and len(case.data) <= DOCUMENT_IN_RECORD:
        text = case.text
        if text is not None:
            extra["document"] = text
        else:
            extra["document_base64"] = base64.b64encode(case.data).decode("ascii")
    if stderr and len(stderr) > STDERR_IN_RECORD:
        stderr = bounded_stderr(stderr)
    return CaseResult(
        case.id, case.kind, case.klass, case.level, case.rule, case.expected(), got, cast(Outcome, outcome),
        message, stderr, round(duration_ms, 3), extra,
    ).to_json()  # fmt: skip


class Runner:
    """One certification run; :meth:`run` returns the summary (as :func:`conformance.summary.summarize`)."""

    def __init__(
        self,
        impl: Implementation,
        config: RunConfig,
        stream: ResultsStream,
        on_record: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.impl = impl
        self.config = config
        self.stream = stream
        self.on_record = on_record
        self.failures = 0
        self.stopped: str | None = None
        #: (outcome, class, level) -> cases: all the verdict needs, bounded whatever the number of cases.
        self._tally: Counter[tuple[str, str, str]] = Counter()
        self._findings: list[dict[str, Any]] = []
        #: What the fuzz campaign did (examples sent, agreed, faults ...), for the footer.
        self.fuzz_stats: FuzzStats | None = None

    def _emit(self, rec: dict[str, Any]) -> None:
        self.stream.write(rec)
        kind = rec["type"]
        if kind == "result":
            self._tally[(rec["outcome"], rec["class"], rec["level"])] += 1
        elif kind == "finding":
            self._findings.append({"level": rec.get("level"), "fault": rec.get("fault")})
        if self.on_record is not None:
            self.on_record(rec)

    def _judge(self, case: Case, reply: Reply, started: float) -> None:
        outcome, got, message = evaluate(case, reply, self.impl.reports_warnings)
        if outcome == "fail":
            self.failures += 1
        self._emit(record(case, outcome, got, message, reply.stderr, (time.perf_counter() - started) * 1000))
        if self.config.max_fail is not None and self.failures >= self.config.max_fail and not self.stopped:
            self.stopped = f"not run: --max-fail {self.config.max_fail} reached"

    def _not_run(self, case: Case) -> None:
        why = claimed(self.info, case)
        self._emit(record(case, "skip", message=why) if why else record(case, "not-run", message=self.stopped or ""))

    def header(self) -> dict[str, Any]:
        cfg = self.config
        return Header(
            suite_version=__version__,
            corpus_digest=digest(cfg.corpus),
            seed=cfg.seed,
            started_at=now(),
            implementation=self.info,
            transport=cfg.transport,
            level=cfg.level,
            kinds=cfg.kinds,
            classes=cfg.classes,
            rules=cfg.rules,
            fuzz=cfg.fuzz,
            timeout=cfg.timeout,
        ).to_json()

    def run(self) -> dict[str, Any]:
        info = self.impl.info
        if info is None:
            info = self.impl.start()
        self.info = info
        header = self.header()
        self._emit(header)
        interrupted = True
        try:
            self._validate_cases()
            self._other_cases()
            if self.config.fuzz and not self.stopped:
                self._fuzz()
            interrupted = False
        finally:
            footer = Footer(
                finished_at=now(),
                interrupted=interrupted,
                # Why cases (or the fuzz campaign) were not run: the verdict says it beside "incomplete".
                stopped=self.stopped or "",
                stderr=str(getattr(self.impl, "stderr", "") or "")[:16384],
                restarts=getattr(self.impl, "restarts", 0),
                fuzz=self.fuzz_stats.to_json() if self.fuzz_stats is not None else None,
            ).to_json()
            self._emit(footer)
        results = ({"outcome": o, "class": c, "level": lv} for (o, c, lv), n in self._tally.items() for _ in range(n))
        return summarize(results, self._findings, self.config.level, header=header, footer=footer)

    def _validate_cases(self) -> None:
        cases = selected(self.config, ("validate",))
        inflight: deque[tuple[Case, float]] = deque()

        def feed() -> Iterator[tuple[str, bytes]]:
            for case in cases:
                why = claimed(self.info, case)
                if why:
                    self._emit(record(case, "skip", message=why))
                    continue
                assert case.data is not None
                inflight.append((case, time.perf_counter()))
                yield case.kind, case.data
                if self.stopped:
                    return

        replies = self.impl.validate_many(feed())
        last = time.perf_counter()
        try:
            for reply in replies:
                case, sent = inflight.popleft()
                self._judge(case, reply, max(sent, last))
                last = time.perf_counter()
                if self.stopped:
                    break
        except ImplementationGone as err:
            self.stopped = f"not run: {err}"
        finally:
            close = getattr(replies, "close", None)
            if close is not None:
                close()
        for case, _ in inflight:
            self._not_run(case)
        for case in cases:
            self._not_run(case)

    def _other_cases(self) -> None:
        for case in selected(self.config, ("match", "roundtrip")):
            why = claimed(self.info, case)
            if why or self.stopped:
                self._not_run(case)
                continue
            started = time.perf_counter()
            try:
                if case.mode == "match":
                    reply = self.impl.match(list(case.required), list(case.available))
                else:
                    assert case.data is not None
                    reply = self.impl.roundtrip(case.kind, case.data)
            except ImplementationGone as err:
                self.stopped = f"not run: {err}"
                self._not_run(case)
                continue
            self._judge(case, reply, started)

    def _fuzz(self) -> None:
        # Imported here, not at the top: `vmjob certify --help` imports this module, and the fuzzer would
        # add about a third to its start.
        from .fuzz.differential import FuzzStats, fuzz

        cfg = self.config
        self.fuzz_stats = stats = FuzzStats()
        seed = cfg.seed if cfg.seed is not None else random.randrange(2**32)
        try:
            for finding in fuzz(
                self.impl,
                examples=cfg.fuzz,
                seed=seed,
                kinds=cfg.kinds or self.info.kinds,
                classes=cfg.classes or self.info.classes,
                level=cfg.level,
                timeout=cfg.timeout,
                stats=stats,
            ):
                self._emit({"type": "finding", **finding})
        except ImplementationGone as err:
            self.stopped = f"fuzzing stopped: {err}"
