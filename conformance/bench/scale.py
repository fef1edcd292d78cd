"""Bench rows of issue 14: certification over one worker and two, and shards merged against the single run.

Each run is ``vmjob certify`` of the reference over ``--cmd 'vmjob adapter'`` in a fresh process, timed end
to end, with one seed: the ratio is measured in one bench run (the machine is shared), and the streams are
compared record by record (timings aside), so a ratio is only reported as met when the findings and the
verdict are the same.
"""

from __future__ import annotations

import json
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .row import BenchRow

PART = "transports"
REFERENCE_CMD = f"{shlex.quote(sys.executable)} -m conformance adapter"
SEED = "20261201"
#: Fields that say when or how long, not what.
VARYING = ("duration_ms", "started_at", "finished_at")


def certify(args: list[str]) -> tuple[float, int]:
    """Wall time and exit status of ``vmjob certify ARGS`` in a fresh process."""
    seconds, rc, _ = certify_cpu(args)
    return seconds, rc


def certify_cpu(args: list[str]) -> tuple[float, int, float]:
    """Wall time, exit status and CPU time (user + system, every process of the run: the coordinator, its
    workers, their implementations) of ``vmjob certify ARGS`` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    rc = subprocess.run(
        [sys.executable, "-m", "conformance", "certify", "--quiet", *args], stdout=subprocess.DEVNULL
    ).returncode
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, rc, cpu


def records(path: Path) -> list[dict[str, Any]]:
    """A stream's records without timings (a campaign's seconds and rate included)."""
    out = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line:
            continue
        rec = json.loads(line)
        for key in VARYING:
            rec.pop(key, None)
        if rec.get("type") == "footer" and isinstance(rec.get("fuzz"), dict):
            rec["fuzz"] = {k: v for k, v in rec["fuzz"].items() if k not in ("seconds", "rate")}
        out.append(rec)
    return out


def differences(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> int:
    """Records that differ between two streams (and the difference in their lengths)."""
    return sum(x != y for x, y in zip(a, b, strict=False)) + abs(len(a) - len(b))


Figures = dict[int, float]


def over_one_and_two(args: list[str], stem: Path) -> tuple[Figures, dict[int, int], Figures, list[dict[str, Any]], int]:
    """``vmjob certify ARGS`` with ``--workers 1`` then 2: wall times, exit statuses and CPU times by number of
    workers, the one-worker stream's records, and how many records the two streams differ by."""
    times: Figures = {}
    rcs: dict[int, int] = {}
    cpus: Figures = {}
    streams = {n: stem.with_name(f"{stem.name}-{n}.jsonl") for n in (1, 2)}
    for n, path in streams.items():
        times[n], rcs[n], cpus[n] = certify_cpu([*args, "--workers", str(n), "--results", str(path)])
    one = records(streams[1])
    return times, rcs, cpus, one, differences(one, records(streams[2]))


def run(tmp: Path, quick: bool) -> list[BenchRow]:
    rows: list[BenchRow] = []
    base = ["--cmd", REFERENCE_CMD, "--seed", SEED]
    fuzz = ["--fuzz", "2000"] if quick else []  # the default budget (10,000) unless quick

    seconds, rc = certify([*base, "--fuzz", "0", "--workers", "1", "--results", str(tmp / "corpus.jsonl"),
                           "--json", str(tmp / "corpus.json")])  # fmt: skip
    rows.append(BenchRow(PART, "certify reference over --cmd, corpus only (--fuzz 0)", seconds, "s", "< 3 s",
                         seconds < 3 and rc == 0, f"end to end, report included, one worker; exit {rc}"))  # fmt: skip
    times, rcs, cpus, one, diff = over_one_and_two([*base, *fuzz], tmp / "workers")
    for n in (1, 2):
        budget = "2,000" if quick else "10,000 (default)"
        rows.append(BenchRow(PART, f"certify reference over --cmd, corpus + fuzz {budget}, --workers {n}", times[n],
                             "s", "", None,
                             f"end to end; exit {rcs[n]}; CPU {cpus[n]:.2f} s in all its processes "
                             f"({cpus[n] / times[n]:.2f} cores busy on average)"))  # fmt: skip
    ratio = times[2] / times[1]
    found = sum(1 for r in one if r.get("type") == "finding")
    rows.append(BenchRow(PART, "--workers 2 / --workers 1 (same seed)", ratio, "x", "<= 0.55x, same stream",
                         ratio <= 0.55 and diff == 0,
                         f"{diff} of {len(one):,} records differ (timings aside); {found} finding(s)"))  # fmt: skip
    rows.append(BenchRow(PART, "CPU of --workers 2 / --workers 1", cpus[2] / cpus[1], "x", "", None,
                         "the cost of the second worker (its process, its implementation's start)"))  # fmt: skip
    floor = cpus[2] / 2 / times[1]
    rows.append(BenchRow(PART, "lowest --workers 2 / --workers 1 this run's work allows on 2 cores", floor, "x", "",
                         None, f"CPU(2) / 2 / wall(1): with --workers 1 the implementation already runs beside the "
                         f"harness ({cpus[1] / times[1]:.2f} cores busy), so two workers on two cores cannot do better "
                         "even with no overhead"))  # fmt: skip
    rows.extend(_harness_bound(tmp, fuzz))

    shard_times = []
    for k in (1, 2):
        path = tmp / f"shard-{k}.jsonl"
        seconds, _ = certify([*base, *fuzz, "--workers", "1", "--shard", f"{k}/2", "--results", str(path)])
        shard_times.append(seconds)
    merged = tmp / "merged.jsonl"
    subprocess.run(
        [sys.executable, "-m", "conformance", "report", "merge", str(tmp / "shard-1.jsonl"), str(tmp / "shard-2.jsonl"),
         "--out", str(merged)],
        stdout=subprocess.DEVNULL,
        check=False,
    )  # fmt: skip
    diff = differences(records(merged), one) if merged.exists() else len(one)
    rows.append(BenchRow(PART, "shards 1/2 + 2/2 merged vs the single run", float(diff), "records differ",
                         "= 0", diff == 0,
                         f"shards {shard_times[0]:.2f} s + {shard_times[1]:.2f} s (one worker each) against "
                         f"{times[1]:.2f} s whole"))  # fmt: skip
    return rows


def _harness_bound(tmp: Path, fuzz: list[str]) -> list[BenchRow]:
    """The same two runs against the trivial implementation, which answers at once: the suite (generation,
    confirmation, shrinking its findings), not the implementation, sets the pace, the case ``--workers`` is for."""
    trivial = ["--cmd", f"{shlex.quote(sys.executable)} -m conformance.trivial_impl", "--seed", SEED, *fuzz]
    times, _, cpus, one, diff = over_one_and_two(trivial, tmp / "trivial-workers")
    found = sum(1 for r in one if r.get("type") == "finding")
    return [
        BenchRow(PART, "--workers 2 / --workers 1, trivial implementation (the suite sets the pace)",
                 times[2] / times[1], "x", "", None,
                 f"{times[1]:.2f} s and {times[2]:.2f} s; {diff} of {len(one):,} records differ; {found} finding(s); "
                 f"{cpus[1] / times[1]:.2f} and {cpus[2] / times[2]:.2f} cores busy"),
    ]  # fmt: skip
