"""Several workers for one run: the same records, in the same order, whatever their number.

A run's work is cut into :data:`conformance.runner.Unit` s that do not depend on the number of workers:
spans of :data:`CHUNK` corpus cases of each pass, then the fuzz campaign's slices
(:mod:`conformance.fuzz.slices`). Each worker drives an implementation of its own. Worker 0 is this
process itself, with the implementation the command started; workers 1 … N-1 are processes (``python -m
conformance.parallel``, talking to this one over two pipes) that each start their own (``--cmd`` another
process, ``--url`` another connection, ``--python`` the function imported again in that process: real
parallelism for each transport). This process answers the other workers (hands out units, takes their
records, writes the stream) between two replies of its own implementation: one thread, so no lock is
handed back and forth at every record. A worker asks for the next unit
when it is free, so the cut, not the order the units finish in, decides what is found.

The coordinator writes each unit's records as soon as every earlier unit is written: the stream is one
file in the order a one-worker run writes it (corpus order, validate pass first, then findings in slice
order, the first of each key kept).

Failures follow the runner's policy (:mod:`conformance.summary`), never a silent drop:

* a worker whose implementation is gone (its restart budget spent) finishes its unit (the rest of it
  ``not-run`` with the reason) and stops; the others go on; once every worker has stopped, every case left
  is ``not-run`` and every slice left is asked and never sent;
* a worker process that dies (killed, out of memory) loses its unit: the cases of it not yet reported are
  ``not-run`` ("worker N stopped unexpectedly"), a slice counts as never sent (findings it reported are
  kept); a new worker process takes its place, at most :data:`WORKER_RESTARTS` times in a run.
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from .fuzz.slices import Campaign, Merger, merge_stats
from .model import ImplInfo, Reply
from .records import Footer
from .runner import RecordSink, RunConfig, Runner, SliceGone, Unit, claimed, now, pass_pairs, record, selected
from .transports import TransportError, TransportOptions, open_implementation
from .transports.base import Implementation, ImplementationGone

#: Corpus cases per unit: large enough to keep the pipeline full, small enough to share a corpus out.
CHUNK = 512
#: Worker processes started in a run to replace ones that died.
WORKER_RESTARTS = 2


def default_workers() -> int:
    """The default number of workers: one per core."""
    return os.cpu_count() or 1


def plan(config: RunConfig, campaign: Campaign | None) -> Iterator[Unit]:
    """The run's units, in the order their records are written: the corpus spans, then the slices."""
    for what, count in pass_pairs(config):
        for lo in range(0, count, CHUNK):
            yield (what, lo, min(lo + CHUNK, count))
    if campaign is not None:
        yield from slice_units(campaign)


def slice_units(campaign: Campaign) -> Iterator[Unit]:
    """The campaign's slices as units; for a campaign bounded by time, handed out until the time is up."""
    deadline = None if campaign.duration is None else time.monotonic() + campaign.duration
    for i in campaign.slices():
        if deadline is None:
            yield ("slice", i, 0)
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            return
        yield ("slice", i, max(1, int(left * 1000)))


class _Sink:
    """A worker's results stream: each record goes to the coordinator as it is made (a run killed halfway
    keeps what its first unfinished unit had done), with the unit it belongs to."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.unit = -1

    def write(self, rec: dict[str, Any]) -> None:
        self.conn.send(("rec", self.unit, rec))

    def flush(self) -> None:
        """Nothing is held back (a hook for a worker that would batch its records)."""


def _serve(conn: Any, runner: Runner, sink: _Sink) -> None:
    """A worker's loop: ask for a unit, run it, say so; until told to stop or the implementation is gone."""
    try:
        while True:
            conn.send(("next",))
            msg = conn.recv()
            if msg[0] != "unit":
                break
            sink.unit = n = msg[1]
            try:
                stats = runner.run_unit(msg[2])
            except SliceGone as err:
                sink.flush()
                conn.send(("gone", n, f"fuzzing stopped: {err}", err.stats))
                break
            except ImplementationGone as err:
                sink.flush()
                conn.send(("gone", n, runner.stopped or f"not run: {err}", None))
                break
            except Exception as err:  # noqa: BLE001 - reported to the coordinator, which counts the unit lost
                sink.flush()
                conn.send(("crash", n, f"{type(err).__name__}: {err}"))
                break
            sink.flush()
            conn.send(("done", n, stats))
    finally:
        conn.send(("bye", str(getattr(runner.impl, "stderr", "") or "")[:16384], getattr(runner.impl, "restarts", 0)))


class _Here:
    """Worker 0's results stream: its records go straight to their unit."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.unit = -1

    def write(self, rec: dict[str, Any]) -> None:
        self.pool.units[self.unit].records.append(rec)


class _Serviced(Implementation):
    """This process's implementation, with the other workers answered (and the records made so far written)
    before each request: a request that hangs holds up nothing already done."""

    def __init__(self, inner: Implementation, tick: Callable[[], None]) -> None:
        self.inner, self.tick = inner, tick
        self.info = inner.info
        self.reports_warnings = inner.reports_warnings

    def start(self) -> ImplInfo:
        self.info = self.inner.start()
        return self.info

    def validate(self, kind: str, data: bytes) -> Reply:
        self.tick()
        return self.inner.validate(kind, data)

    def validate_many(self, items: Iterable[tuple[str, bytes]]) -> Iterator[Reply]:
        self.tick()
        for reply in self.inner.validate_many(items):
            yield reply
            self.tick()  # the reply judged: its record is written before the next is waited for

    def roundtrip(self, kind: str, data: bytes) -> Reply:
        self.tick()
        return self.inner.roundtrip(kind, data)

    def match(self, required: list[str], available: list[str]) -> Reply:
        self.tick()
        return self.inner.match(required, available)


class _Duplex:
    """Two one-way connections (over the pipes a worker process was given) used as one."""

    def __init__(self, receive: Connection, send: Connection) -> None:
        self._receive, self._send = receive, send

    def send(self, msg: Any) -> None:
        self._send.send(msg)

    def recv(self) -> Any:
        return self._receive.recv()

    def fileno(self) -> int:
        return self._receive.fileno()

    def close(self) -> None:
        self._receive.close()
        self._send.close()


def _child(conn: Any, config: RunConfig, campaign: Campaign | None, worker: int, claim: ImplInfo | None) -> None:
    """A worker process: its own implementation, then :func:`_serve`. Ctrl-C is the coordinator's to handle.

    Cases are judged inside or outside the run's claim (``claim``: what the first implementation claimed,
    the header's), and slices generate for it, never for this implementation's own reply to ``start``: one
    that claims less in a worker process would otherwise have claimed cases recorded ``skip`` (neither
    answered nor counted) and its slices would leave out the kinds and classes it dropped."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    transport = config.transport
    try:
        impl = open_implementation(
            str(transport["kind"]), str(transport["target"]), config.options or TransportOptions(config.timeout)
        )
        info = impl.start()
    except TransportError as err:
        conn.send(("error", f"worker {worker} could not start the implementation: {err}"))
        conn.send(("bye", "", 0))
        return
    sink = _Sink(conn)
    runner = Runner(impl, config, sink, campaign=campaign)
    if claim is not None:  # the implementation's too: a fuzz slice generates for what its implementation claims
        impl.info = info = claim
    runner.info = info
    try:
        _serve(conn, runner, sink)
    finally:
        impl.close()
        conn.close()


@dataclass
class _Unit:
    unit: Unit
    records: list[dict[str, Any]] = field(default_factory=list)
    written: int = 0
    done: bool = False
    #: A slice's figures (None: never run, or lost).
    stats: dict[str, Any] | None = None


@dataclass
class _Worker:
    number: int
    conn: Any  # the _Duplex of a worker process (None: worker 0, this process)
    process: Any  # the worker's subprocess.Popen (None: worker 0)
    current: int | None = None
    stopped: bool = False
    #: Why it stopped before it was told to, for the footer's stderr.
    note: str = ""
    stderr: str = ""
    restarts: int = 0


@dataclass
class PoolResult:
    """What the workers did beside their records: the campaign's figures, why work was not done, the rest."""

    fuzz: dict[str, Any] | None
    stopped: str
    stderr: str
    restarts: int


class Pool:
    """``workers`` workers running the units of one run; ``emit`` gets every record, in the stream's order."""

    def __init__(
        self,
        impl: Implementation,
        config: RunConfig,
        campaign: Campaign | None,
        emit: Callable[[dict[str, Any]], None],
        workers: int,
    ) -> None:
        if workers > 1 and not {"kind", "target"} <= set(config.transport):
            raise ValueError("several workers need the run's transport (kind and target) to start theirs")
        self.impl, self.config, self.campaign, self.emit = impl, config, campaign, emit
        self.workers = max(1, workers)
        self.units: list[_Unit] = []
        self.merger = Merger()
        #: Why work was left undone: the first implementation gone, else the first worker lost.
        self.stopped = ""
        self.lost = ""
        self._written = 0
        #: Live workers by their connection (what :func:`multiprocessing.connection.wait` hands back).
        self._pool: dict[Any, _Worker] = {}
        self._respawns = WORKER_RESTARTS
        self._numbers = self.workers - 1
        self._finished: list[_Worker] = []
        self._t0 = time.monotonic()

    # --- workers --------------------------------------------------------------------------------------

    def _start_process(self, number: int) -> None:
        down_r, down_w = os.pipe()  # coordinator -> worker
        up_r, up_w = os.pipe()  # worker -> coordinator
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "conformance.parallel", str(down_r), str(up_w)],
                pass_fds=(down_r, up_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
        finally:
            os.close(down_r)
            os.close(up_w)
        conn = _Duplex(Connection(up_r, writable=False), Connection(down_w, readable=False))
        conn.send((self.config, self.campaign, number, self.impl.info))
        self._pool[conn] = _Worker(number, conn, proc)

    # --- the run --------------------------------------------------------------------------------------

    def run(self, units: Iterator[Unit]) -> PoolResult:
        t0 = self._t0 = time.monotonic()
        self._source = units
        for number in range(1, self.workers):
            self._start_process(number)
        done = False
        try:
            self._run_here()
            while self._pool:
                self._service(None)
            self._abandon()
            self._flush()
            done = True
        finally:
            for w in [*self._pool.values(), *self._finished]:
                self._reap(w, wait=done)
        return self._result(self._finished, time.monotonic() - t0)

    def _run_here(self) -> None:
        """Worker 0: units run in this process, the other workers answered at every reply."""
        sink = _Here(self)
        runner = Runner(_Serviced(self.impl, self._tick), self.config, sink, campaign=self.campaign)
        runner.info = self.impl.info or self.impl.start()
        while True:
            unit = self._take()
            if unit is None:
                return
            n = sink.unit = len(self.units)
            self.units.append(_Unit(unit))
            try:
                stats = runner.run_unit(unit)
            except SliceGone as err:
                self.stopped = self.stopped or f"fuzzing stopped: {err}"
                self._finish(n, err.stats)
                return
            except ImplementationGone as err:
                self.stopped = self.stopped or runner.stopped or f"not run: {err}"
                self._finish(n, None)
                return
            self._finish(n, stats)
            self._tick()

    def _tick(self) -> None:
        """Answer whatever the other workers sent, without waiting; write what can be written."""
        if self._pool:
            self._service(0)
        else:
            self._flush()

    def _service(self, timeout: float | None) -> None:
        """Read every worker process that has something to say (waiting up to ``timeout``; None: until one has)."""
        live: list[Any] = list(self._pool)
        for ready in wait(live, timeout):
            w = self._pool[ready]
            try:
                msg = w.conn.recv()
            except (EOFError, OSError):
                self._lost(w, "stopped unexpectedly")
                self._finished.append(self._pool.pop(ready))
                continue
            if self._handle(w, msg):
                self._finished.append(self._pool.pop(ready))
        self._flush()

    def _handle(self, w: _Worker, msg: tuple[Any, ...]) -> bool:
        """Act on one message of ``w``; True once ``w`` has said goodbye."""
        what = msg[0]
        if what == "next":
            unit = None if w.stopped else self._take()
            if unit is None:
                w.conn.send(("stop",))
            else:
                w.current = len(self.units)
                self.units.append(_Unit(unit))
                w.conn.send(("unit", w.current, unit))
        elif what == "rec":
            self.units[msg[1]].records.append(msg[2])
        elif what == "done":
            self._finish(msg[1], msg[2])
            w.current = None
        elif what == "gone":
            self.stopped = self.stopped or msg[2]
            self._finish(msg[1], msg[3])
            w.current, w.stopped = None, True
        elif what == "error":  # it could not start its implementation: the others do its share
            w.stopped = True
            w.note = msg[1]
        elif what == "crash":
            w.stopped = True
            self._lose_unit(w, f"failed: {msg[2]}")
        elif what == "bye":
            w.stderr = "\n".join(x for x in (w.note, msg[1]) if x)
            w.restarts = msg[2]
            if w.current is not None:
                self._lose_unit(w, "stopped before finishing its work")
            return True
        return False

    def _take(self) -> Unit | None:
        try:
            return next(self._source)
        except StopIteration:
            return None

    def _finish(self, n: int, stats: dict[str, Any] | None) -> None:
        self.units[n].done = True
        self.units[n].stats = stats

    def _lost(self, w: _Worker, why: str) -> None:
        """``w``'s connection closed without a goodbye: the process died. Its unit is lost; a new one starts."""
        code = None
        if isinstance(w.process, subprocess.Popen):
            try:
                code = w.process.wait(5)
            except subprocess.TimeoutExpired:
                w.process.kill()
                code = w.process.wait()
        reason = f"{why} (exit code {code})" if code is not None else why
        self._lose_unit(w, reason)
        if self._respawns > 0 and not w.stopped:  # a new worker asks for units; told to stop if none is left
            self._respawns -= 1
            self._numbers += 1
            self._start_process(self._numbers)

    def _lose_unit(self, w: _Worker, why: str) -> None:
        if w.current is None:
            return
        u = self.units[w.current]
        w.current = None
        if u.done:
            return
        self.lost = self.lost or f"worker {w.number} {why}"
        if u.unit[0] != "slice":
            self._not_run(u, f"not run: worker {w.number} {why}")
        u.done = True  # a slice's figures stay None: asked, never sent

    def _not_run(self, u: _Unit, why: str) -> None:
        """The cases of ``u`` not yet reported, recorded ``not-run`` (or ``skip``, outside the claim)."""
        what, lo, hi = u.unit
        modes = ("validate",) if what == "validate" else ("match", "roundtrip")
        info = self.impl.info
        assert info is not None
        for k, case in enumerate(selected(self.config, modes, (lo, hi))):
            if k < len(u.records):
                continue
            outside = claimed(info, case)
            u.records.append(record(case, "skip", message=outside) if outside else record(case, "not-run", message=why))

    def _abandon(self) -> None:
        """Every worker has stopped: units never handed out are not run, for the first reason known."""
        why = self.stopped or self.lost or "not run: no worker left"
        why = why if why.startswith(("not run", "fuzzing stopped")) else f"not run: {why}"
        for unit in self._source:
            u = _Unit(unit)
            self.units.append(u)
            if unit[0] != "slice":
                self._not_run(u, why)
            u.done = True

    def _flush(self) -> None:
        """Write what can be written: the records of the first unfinished unit and of every unit before it."""
        while self._written < len(self.units):
            u = self.units[self._written]
            for rec in u.records[u.written :]:
                if rec.get("type") != "finding" or self.merger.add(rec) is not None:
                    self.emit(rec)
            u.written = len(u.records)
            if not u.done:
                return
            u.records.clear()
            u.written = 0
            self._written += 1

    def _reap(self, w: _Worker, wait: bool) -> None:
        """End ``w``'s process: it exits by itself after its goodbye; an interrupted run does not wait for it."""
        if isinstance(w.process, subprocess.Popen):
            try:
                w.process.wait(5 if wait else 0.01)
            except subprocess.TimeoutExpired:
                w.process.terminate()
                try:
                    w.process.wait(5)
                except subprocess.TimeoutExpired:
                    w.process.kill()
                    w.process.wait()
        w.conn.close()

    def _here(self) -> _Worker:
        """Worker 0, for the figures: this process's implementation."""
        err = str(getattr(self.impl, "stderr", "") or "")[:16384]
        return _Worker(0, None, None, stderr=err, restarts=getattr(self.impl, "restarts", 0))

    def partial(self) -> PoolResult:
        """What the workers had done when the run was interrupted: slices not finished count as never sent."""
        if self.campaign is not None and self.campaign.examples is not None:  # a finite campaign: all it owed
            self.units.extend(_Unit(unit, done=True) for unit in self._source if unit[0] == "slice")
        return self._result([*self._finished, *self._pool.values()], time.monotonic() - self._t0)

    def _result(self, workers: list[_Worker], seconds: float) -> PoolResult:
        workers = [self._here(), *workers]
        stopped = self.stopped or self.lost
        fuzz = None
        slices = [u for u in self.units if u.unit[0] == "slice"]
        if self.campaign is not None and slices:
            parts = [(self.campaign.owed(u.unit[1]), u.stats) for u in slices]
            fuzz = merge_stats(
                parts,
                findings=self.merger.kept,
                seconds=seconds,
                stopped=stopped,
                timed=self.campaign.examples is None,
            )
        stderr = "\n".join(
            (f"[worker {w.number}]\n{w.stderr}" if w.number else w.stderr)
            for w in sorted(workers, key=lambda w: w.number)
            if w.stderr
        )
        return PoolResult(fuzz, stopped, stderr[:16384], sum(w.restarts for w in workers))


class ParallelRunner:
    """A certification run over ``workers`` workers: :class:`conformance.runner.Runner`'s records and verdict."""

    def __init__(
        self,
        impl: Implementation,
        config: RunConfig,
        stream: RecordSink,
        on_record: Callable[[dict[str, Any]], None] | None = None,
        workers: int = 2,
    ) -> None:
        self.main = Runner(impl, config, stream, on_record)
        self.workers = workers

    def run(self) -> dict[str, Any]:
        main = self.main
        main.info = main.impl.info or main.impl.start()
        if main.config.fuzz and main.config.seed is None:
            raise ValueError("a run over several workers needs its seed (RunConfig.seed)")
        header = main.header()
        main.emit(header)
        campaign = main.campaign() if main.config.fuzz else None
        pool = Pool(main.impl, main.config, campaign, main.emit, self.workers)
        interrupted = True
        result = None
        try:
            result = pool.run(plan(main.config, campaign))
            interrupted = False
        finally:
            result = result or pool.partial()
            footer = Footer(
                finished_at=now(),
                interrupted=interrupted,
                stopped=result.stopped,
                stderr=result.stderr,
                restarts=result.restarts,
                fuzz=result.fuzz,
            ).to_json()
            main.emit(footer)
        return main.summary(header, footer)


def _main(argv: list[str]) -> int:
    """``python -m conformance.parallel IN_FD OUT_FD``: a worker process (started by :class:`Pool` only)."""
    conn = _Duplex(Connection(int(argv[0]), writable=False), Connection(int(argv[1]), readable=False))
    try:
        config, campaign, number, claim = conn.recv()
    except (EOFError, OSError, pickle.UnpicklingError):
        return 2
    _child(conn, config, campaign, number, claim)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
