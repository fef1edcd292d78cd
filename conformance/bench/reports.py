"""Bench part ``reports``: what the progress line and the reports cost a run, as ratios measured in one run.

The progress line is called once per case: at the harness's 10,000 cases/s target a case has 100 µs, and
the line's share of that budget must stay under 1%. Reports are built once per run: building and rendering
every format for a 10,000-case stream is compared with just reading that stream back (a cost no report
can avoid), so a slow renderer shows as a ratio, whatever the machine.
"""

from __future__ import annotations

import io
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..reports.progress import Progress
from .row import BenchRow

PART = "reports"
#: The per-case budget at 10,000 cases/s, in seconds.
CASE_BUDGET = 1e-4


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _records(n: int) -> list[dict[str, Any]]:
    outcomes = ["pass"] * 8 + ["fail", "skip"]
    records: list[dict[str, Any]] = [
        {
            "type": "header",
            "suite_version": "bench",
            "corpus_digest": "sha256:" + "0" * 64,
            "seed": 1,
            "started_at": "2026-11-27T09:00:00Z",
            "implementation": {"name": "bench", "version": "0", "language": "python", "kinds": [], "classes": []},
            "transport": {"kind": "python", "target": "bench"},
            "level": "required",
            "filters": {"kinds": [], "classes": [], "rules": []},
        }
    ]
    for i in range(n):
        outcome = outcomes[i % len(outcomes)]
        records.append(
            {
                "type": "result",
                "id": f"job.core.bench.{i:05d}",
                "kind": "job",
                "class": "core",
                "level": "required",
                "rule": f"core.bench.rule{i % 60}",
                "expected": {"valid": False, "pointer": "/execution/priority"},
                "got": {"valid": outcome == "pass", "errors": []},
                "outcome": outcome,
                "message": "",
                "stderr": "",
                "duration_ms": 0.1,
                "extra": {"document": json.dumps({"n": i, "pad": "x" * 200})} if outcome == "fail" else {},
            }
        )
    records.append({"type": "footer", "finished_at": "2026-11-27T09:00:01Z", "interrupted": False, "stderr": ""})
    return records


def run(quick: bool) -> list[BenchRow]:
    from ..reports import build_report, read_stream, render_html, render_json, render_junit, render_markdown

    updates = 20_000 if quick else 200_000
    record = {"type": "result", "outcome": "pass"}

    def progress() -> None:
        p = Progress(updates, _Terminal())
        for _ in range(updates):
            p.update(record)

    per_update = _best(progress, 3) / updates
    rows = [
        BenchRow(
            PART,
            "progress line: share of a case's budget at 10,000 cases/s",
            100 * per_update / CASE_BUDGET,
            "%",
            "< 1%",
            per_update < CASE_BUDGET / 100,
            f"{per_update * 1e9:,.0f} ns per update on a terminal",
        )
    ]
    n = 1_000 if quick else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "results.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in _records(n)))
        read = _best(lambda: read_stream(path), 3)

        def everything() -> None:
            report = build_report(read_stream(path), cases=[])
            for render in (render_json, render_junit, render_markdown, render_html):
                render(report)

        full = _best(everything, 3)
    rows.append(
        BenchRow(
            PART,
            f"all reports of a {n:,}-case stream / reading the stream",
            full / read,
            "x",
            "<= 10x",
            full / read <= 10,
            f"{n / full:,.0f} cases/s for read + build + JSON, JUnit, Markdown, HTML",
        )
    )
    return rows
