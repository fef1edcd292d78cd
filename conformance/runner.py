"""The runner: the corpus (and the fuzzer) against one implementation, streamed to a results file.

Memory stays flat however large the corpus: cases are read file by file, at most a window of them is in
flight, and every result goes to disk as soon as it is known (one JSON line, flushed), so a run killed
halfway loses nothing already done. The verdict is computed from the stream, not from memory.

Validate cases go first, pipelined through ``validate_many``; match and roundtrip cases follow, one by one.
Cases outside the implementation's claim are ``skip`` with the reason; once ``--max-fail`` is reached or the
restart budget is spent, every remaining case is ``not-run`` with the reason.

The fuzz campaign runs as fixed slices (:mod:`conformance.fuzz.slices`), so that this one-worker run and a
run over several workers (:mod:`conformance.parallel`, which hands out the same work as :data:`Unit` s:
spans of corpus cases and slices) find the same things. ``RunConfig.shard`` ``(K, N)`` keeps one N-th of
it: the cases whose index in their pass is ``K - 1`` modulo N, and the slices ``i % N == K - 1``.
"""

from __future__ import annotations

import base64
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol, cast

from . import __version__
from .corpus import MODES, Case, CorpusError, case_from_json, corpus_files, default_root, digest, read_file
from .evaluate import evaluate
from .model import ImplInfo, Outcome, Reply
from .records import CaseResult, Footer, Header
from .safejson import dumps_utf8
from .summary import summarize
from .transports.base import Implementation, ImplementationGone, TransportOptions

if TYPE_CHECKING:
    from .fuzz.slices import Campaign

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
    #: How a worker process reaches it again (:mod:`conformance.parallel`); not recorded.
    options: TransportOptions | None = None
    #: ``(K, N)``: shard K of N (1-based), recorded in the header; None: the whole run.
    shard: tuple[int, int] | None = None


#: A share of a run's work: ``("validate", lo, hi)`` and ``("other", lo, hi)`` the cases of that pass whose
#: index (within the pass, and the shard) is in ``[lo, hi)``; ``("slice", i, ms)`` slice ``i`` of the
#: campaign (``ms``: milliseconds left of a campaign bounded by time; 0 for one bounded by its budget).
Unit = tuple[str, int, int]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class SliceGone(ImplementationGone):
    """The implementation went away during a slice: ``stats`` is what the slice did until then."""

    def __init__(self, message: str, stats: dict[str, Any]) -> None:
        super().__init__(message)
        self.stats = stats


class RecordSink(Protocol):
    """Where a run's records go: a :class:`ResultsStream`, or a worker's line to its coordinator."""

    def write(self, record: dict[str, Any]) -> None: ...


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
        self._fh.write(dumps_utf8(record, default=str) + "\n")
        self._fh.flush()

    def close(self) -> None:
        self._fh.close()


#: (file, its size and change time, the filters) -> how many cases of each pass it holds, as
#: :func:`pass_counts` and :func:`selected` counted them: a span (a worker's unit) skips the files that hold
#: none of its cases instead of reading the whole corpus again. A changed file has another key.
_FILE_COUNTS: dict[tuple[Any, ...], tuple[int, int]] = {}
_FILE_COUNTS_MAX = 100_000


def _counts_key(path: Path, config: RunConfig) -> tuple[Any, ...] | None:
    try:
        st = path.stat()
    except OSError:
        return None  # read_file says why, when the run reads it
    return (str(path), st.st_size, st.st_mtime_ns, config.kinds, config.classes, config.rules)


def _remember(key: tuple[Any, ...] | None, counts: tuple[int, int]) -> None:
    if key is None:
        return
    if len(_FILE_COUNTS) >= _FILE_COUNTS_MAX:
        _FILE_COUNTS.clear()
    _FILE_COUNTS[key] = counts


def _outside(
    counts: tuple[int, int],
    index: dict[str, int],
    passes: set[str],
    span: tuple[int, int],
    shard: tuple[int, int] | None,
) -> bool:
    """Whether a file holding ``counts`` (validate, other) cases, the first at ``index``, has none in ``span``."""
    step = 1 if shard is None else shard[1]
    lo, hi = span[0] * step, span[1] * step  # the span as indices before the shard's cut
    for what, count in zip(("validate", "other"), counts, strict=True):
        if what in passes and count and index[what] < hi and index[what] + count > lo:
            return False
    return True


def selected(
    config: RunConfig,
    modes: tuple[str, ...] = ("validate", "match", "roundtrip"),
    span: tuple[int, int] | None = None,
) -> Iterator[Case]:
    """The cases the filters (and the shard) keep, in corpus order, read file by file; only cases of ``modes``
    are built (building a case encodes its document: the second pass, over match and roundtrip cases, skips
    that), and with ``span`` only those whose index in their pass (:func:`pass_counts`) is in it (a file
    already counted in this process that holds none of them is not read again)."""
    root = config.corpus or default_root()
    kinds, classes, rules = set(config.kinds), set(config.classes), config.rules
    index = {"validate": 0, "other": 0}
    passes = {pass_of(m) for m in modes}
    for path in corpus_files(root):
        rel = path.relative_to(root).as_posix()
        key = _counts_key(path, config) if span is not None else None
        known = _FILE_COUNTS.get(key) if key is not None else None
        if known is not None and span is not None and _outside(known, index, passes, span, config.shard):
            index["validate"] += known[0]
            index["other"] += known[1]
            continue
        start = dict(index)
        for i, raw in enumerate(read_file(path, root)):
            if not isinstance(raw, dict):
                raise CorpusError(f"{rel}: case #{i} is not an object: {raw!r:.80}")
            klass, rule = raw.get("class"), raw.get("rule")
            if (
                (kinds and raw.get("kind") not in kinds)
                or (classes and klass not in classes)
                or (rules and not any(rule == r or str(rule).startswith(r + ".") for r in rules))
            ):
                continue
            mode = MODES.get(str(klass), "validate")
            n = index[pass_of(mode)]
            index[pass_of(mode)] += 1
            if config.shard is not None:
                if n % config.shard[1] != config.shard[0] - 1:
                    continue
                n //= config.shard[1]
            if mode not in modes or (span is not None and not span[0] <= n < span[1]):
                continue
            try:
                yield case_from_json(raw, rel)
            except (KeyError, TypeError, ValueError) as err:
                raise CorpusError(
                    f"{rel}: case #{i} ({raw.get('id', 'no id')}) is malformed: {type(err).__name__}: {err}"
                ) from err
        _remember(key, (index["validate"] - start["validate"], index["other"] - start["other"]))


def pass_of(mode: str) -> str:
    """The pass a case of ``mode`` runs in: ``validate`` (pipelined) first, then ``other`` (one by one)."""
    return "validate" if mode == "validate" else "other"


def pass_counts(config: RunConfig) -> dict[str, int]:
    """How many cases (of the shard) each pass holds, counted without building them."""
    root = config.corpus or default_root()
    kinds, classes, rules = set(config.kinds), set(config.classes), config.rules
    counts = {"validate": 0, "other": 0}
    for path in corpus_files(root):
        here = {"validate": 0, "other": 0}
        whole = True
        for raw in read_file(path, root):
            if not isinstance(raw, dict):
                whole = False
                continue  # selected() says which, when the run reads it
            klass, rule = raw.get("class"), raw.get("rule")
            if (
                (kinds and raw.get("kind") not in kinds)
                or (classes and klass not in classes)
                or (rules and not any(rule == r or str(rule).startswith(r + ".") for r in rules))
            ):
                continue
            here[pass_of(MODES.get(str(klass), "validate"))] += 1
        counts["validate"] += here["validate"]
        counts["other"] += here["other"]
        if whole:
            _remember(_counts_key(path, config), (here["validate"], here["other"]))
    if config.shard is not None:
        k, n = config.shard
        counts = {p: len(range(k - 1, c, n)) for p, c in counts.items()}
    return counts


def pass_pairs(config: RunConfig) -> list[tuple[str, int]]:
    """The passes in the order they run, with their number of cases."""
    counts = pass_counts(config)
    return [("validate", counts["validate"]), ("other", counts["other"])]


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
        stream: RecordSink,
        on_record: Callable[[dict[str, Any]], None] | None = None,
        *,
        campaign: Campaign | None = None,
    ) -> None:
        self.impl = impl
        #: The fuzz campaign, when it is not the certification's own (``vmjob fuzz``).
        self._campaign = campaign
        self.config = config
        self.stream = stream
        self.on_record = on_record
        self.failures = 0
        self.stopped: str | None = None
        #: (outcome, class, level) -> cases: all the verdict needs, bounded whatever the number of cases.
        self._tally: Counter[tuple[str, str, str]] = Counter()
        self._findings: list[dict[str, Any]] = []
        #: What the fuzz campaign did (examples sent, agreed, faults ...), for the footer.
        self.fuzz_stats: dict[str, Any] | None = None

    def emit(self, rec: dict[str, Any]) -> None:
        """Write ``rec`` to the stream, count it for the verdict, show it (:mod:`conformance.parallel` writes
        its workers' records through this)."""
        self._emit(rec)

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
            shard=cfg.shard,
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
                fuzz=self.fuzz_stats,
            ).to_json()
            self._emit(footer)
        return self.summary(header, footer)

    def summary(self, header: dict[str, Any], footer: dict[str, Any]) -> dict[str, Any]:
        """The verdict of the records emitted so far (:func:`conformance.summary.summarize`)."""
        results = ({"outcome": o, "class": c, "level": lv} for (o, c, lv), n in self._tally.items() for _ in range(n))
        return summarize(results, self._findings, self.config.level, header=header, footer=footer)

    def run_unit(self, unit: Unit) -> dict[str, Any] | None:
        """Run one share of the work (a worker of :mod:`conformance.parallel` does this); a slice's figures.

        Raises :class:`ImplementationGone` once the implementation is gone: the unit's remaining cases have
        their ``not-run`` records by then; a slice's findings so far are emitted, its figures are lost."""
        what, lo, hi = unit
        if what == "slice":
            from .fuzz.slices import run_slice
            from .fuzz.stats import FuzzStats

            stats = FuzzStats()
            deadline = time.monotonic() + hi / 1000 if hi else None
            try:
                for finding in run_slice(self.impl, self.campaign(), lo, stats, deadline=deadline):
                    self._emit({"type": "finding", **finding})
            except ImplementationGone as err:
                raise SliceGone(str(err), stats.to_json()) from err
            return stats.to_json()
        if what == "validate":
            self._validate_cases((lo, hi))
        else:
            self._other_cases((lo, hi))
        if self.stopped:
            raise ImplementationGone(self.stopped.removeprefix("not run: "))
        return None

    def campaign(self) -> Campaign:
        """The run's fuzz campaign: its seed, budget and scope (the claim, narrowed by the filters)."""
        from .fuzz.slices import Campaign

        if self._campaign is not None:
            return self._campaign
        cfg = self.config
        seed = cfg.seed if cfg.seed is not None else 0
        return Campaign(
            seed, cfg.fuzz, None, cfg.kinds or self.info.kinds, cfg.classes or self.info.classes, cfg.level, cfg.shard
        )

    def _validate_cases(self, span: tuple[int, int] | None = None) -> None:
        cases = selected(self.config, ("validate",), span)
        # Cases in corpus order, sent or not: a case outside the claim waits here for the replies to the cases
        # before it, so that records are written in corpus order whatever the replies' timing.
        inflight: deque[tuple[Case, float, str | None]] = deque()

        def feed() -> Iterator[tuple[str, bytes]]:
            for case in cases:
                why = claimed(self.info, case)
                inflight.append((case, time.perf_counter(), why))
                if why:
                    continue
                assert case.data is not None
                yield case.kind, case.data
                if self.stopped:
                    return

        replies = self.impl.validate_many(feed())
        last = time.perf_counter()
        try:
            for reply in replies:
                while inflight[0][2]:
                    skipped, _, why = inflight.popleft()
                    self._emit(record(skipped, "skip", message=why or ""))
                case, sent, _ = inflight.popleft()
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
        for case, _, _ in inflight:
            self._not_run(case)  # skip for a case outside the claim, not-run for the others
        for case in cases:
            self._not_run(case)

    def _other_cases(self, span: tuple[int, int] | None = None) -> None:
        for case in selected(self.config, ("match", "roundtrip"), span):
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
        """The campaign's slices one after the other, put together as :mod:`conformance.parallel` does."""
        # Imported here, not at the top: `vmjob certify --help` imports this module, and the fuzzer would
        # add about a third to its start.
        from .fuzz.slices import Merger, merge_stats, run_slice
        from .fuzz.stats import FuzzStats

        cfg = self.config
        if cfg.seed is None:
            self.config = cfg = replace(cfg, seed=random.randrange(2**32))
        campaign = self.campaign()
        merger = Merger()
        order = list(campaign.slices())
        parts: list[tuple[int, dict[str, Any] | None]] = [(campaign.budget_of(i), None) for i in order]
        t0 = time.monotonic()
        try:
            for n, i in enumerate(order):
                stats = FuzzStats()
                try:
                    for finding in run_slice(self.impl, campaign, i, stats):
                        if merger.add(finding) is not None:
                            self._emit({"type": "finding", **finding})
                finally:
                    parts[n] = (parts[n][0], stats.to_json())
        except ImplementationGone as err:
            self.stopped = f"fuzzing stopped: {err}"
        self.fuzz_stats = merge_stats(
            parts, findings=merger.kept, seconds=time.monotonic() - t0, stopped=self.stopped or ""
        )
