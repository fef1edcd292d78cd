"""The campaign's slices as Dask tasks: submitted a window at a time, each with the findings known so far."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..fuzz.findings import Findings, Key, key_text
from ..fuzz.replay import replay_finding
from ..fuzz.slices import Campaign, Merger, finding_key, finding_key_parts, merge_stats, run_slice
from ..fuzz.stats import FuzzStats
from ..runner import Unit
from ..transports import TransportError, TransportOptions, open_implementation
from ..transports.base import ImplementationGone

#: Tasks queued per worker beyond the one it runs. None: a task takes seconds, the driver's answer
#: milliseconds, and a task submitted later starts with more findings known.
AHEAD = 0
#: Times the scheduler runs a task again after its worker died.
RETRIES = 2


class ClusterError(Exception):
    """The cluster cannot be used (the extra not installed, the scheduler not reachable); one line."""


class _Known(Findings):
    """A slice's findings, told the keys other slices found already: those count as hits, never shrunk again."""

    def __init__(self, stats: FuzzStats, seed: int, level: str, known: set[Key]) -> None:
        super().__init__(stats, seed, level)
        self._known = known

    def seen(self, key: Key) -> bool:
        if key in self._known:
            self.stats.hits[key_text(key)] += 1
            return True
        return super().seen(key)


def run_task(
    transport: tuple[str, str], options: TransportOptions, campaign: Campaign, unit: Unit, known: list[dict[str, Any]]
) -> dict[str, Any]:
    """One slice, on a worker: the findings ``known`` replayed first, then the slice (known keys not shrunk)."""
    _, i, ms = unit
    impl = open_implementation(transport[0], transport[1], options)
    try:
        impl.start()
    except TransportError as err:
        impl.close()
        raise RuntimeError(f"the worker could not start the implementation: {err}") from err
    stats = FuzzStats()
    records: list[dict[str, Any]] = []
    replayed = diverging = 0
    gone = ""
    try:
        for finding in known:
            replayed += 1
            diverging += bool(replay_finding(impl, finding)["diverges"])
        findings = _Known(stats, campaign.seed_of(i), campaign.level, {finding_key_parts(f) for f in known})
        deadline = time.monotonic() + ms / 1000 if ms else None
        records.extend(run_slice(impl, campaign, i, stats, deadline=deadline, findings=findings))
    except ImplementationGone as err:
        gone = f"fuzzing stopped: {err}"
    finally:
        impl.close()
    return {"records": records, "stats": stats.to_json(), "gone": gone, "replayed": replayed, "diverging": diverging}


@dataclass
class ClusterResult:
    fuzz: dict[str, Any]
    stopped: str
    workers: int
    #: Known findings replayed first by later tasks, and how many of those still diverged.
    replayed: int
    diverging: int


def run_campaign(
    address: str,
    transport: tuple[str, str],
    options: TransportOptions,
    campaign: Campaign,
    units: Iterator[Unit],
    emit: Callable[[dict[str, Any]], None],
) -> ClusterResult:
    """Run ``units`` (slices of ``campaign``) on the Dask cluster at ``address``; ``emit`` each finding kept,
    in slice order, as soon as every earlier slice is in."""
    try:
        # Imported by name, as Any: the extra is optional, and distributed's API is untyped.
        distributed: Any = importlib.import_module("distributed")
    except ImportError as err:
        raise ClusterError(f"--cluster needs the cluster extra: pip install 'vmjob[cluster]' ({err})") from err
    try:
        # A malformed address checked first: a Client that fails on one is left half made, and closing it
        # (when it is collected) waits 30 s and prints a traceback after the one-line error.
        distributed.comm.get_address_host_port(address)
    except ValueError as err:
        raise ClusterError(f"--cluster {address!r}: not a scheduler address ({err}); e.g. tcp://HOST:8786") from err
    try:
        client = distributed.Client(address, timeout=15, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise ClusterError(f"cannot reach the Dask scheduler at {address!r}: {err}") from err
    t0 = time.monotonic()
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        known: dict[str, dict[str, Any]] = {}
        order: list[Unit] = []
        done: dict[int, dict[str, Any] | None] = {}
        stopped = ""
        replayed = diverging = 0
        merger = Merger()
        emitted = 0
        pending = distributed.as_completed(loop=client.loop)
        index: dict[Any, int] = {}

        def submit() -> bool:
            unit = next(units, None)
            if unit is None:
                return False
            future = client.submit(
                run_task, transport, options, campaign, unit, list(known.values()), retries=RETRIES, pure=False
            )
            index[future] = len(order)
            order.append(unit)
            pending.add(future)
            return True

        for _ in range(workers * (1 + AHEAD)):
            if not submit():
                break
        for future in pending:
            n = index.pop(future)
            try:
                result = future.result()
            except Exception as err:  # noqa: BLE001 - a task that failed after its retries: its slice is lost
                stopped = stopped or f"fuzzing stopped: slice {order[n][1]} failed on the cluster: {err}"
                done[n] = None
            else:
                done[n] = result
                stopped = stopped or result["gone"]
                replayed += result["replayed"]
                diverging += result["diverging"]
                for rec in result["records"]:
                    known.setdefault(finding_key(rec), rec)
            while emitted in done:
                part = done[emitted]
                for rec in part["records"] if part else []:
                    if merger.add(rec) is not None:
                        emit(rec)
                emitted += 1
            if not stopped:
                submit()
        for rest in units if stopped else ():
            order.append(rest)
            done[len(order) - 1] = None
        parts = [(campaign.owed(unit[1]), (done.get(n) or {}).get("stats")) for n, unit in enumerate(order)]
        fuzz = merge_stats(
            parts,
            findings=merger.kept,
            seconds=time.monotonic() - t0,
            stopped=stopped,
            timed=campaign.examples is None,
        )
        fuzz["replayed"], fuzz["replayed_diverging"] = replayed, diverging
        return ClusterResult(fuzz, stopped, workers, replayed, diverging)
    finally:
        client.close()
