"""Helpers of the scale tests: certify through the CLI, and a stream's records without what varies by run."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

from conformance.cli import main

PY = shlex.quote(sys.executable)
#: A mutant of the zoo over the persistent transport: it accepts priority 0, so a campaign finds it.
MUTANT = f"{PY} -m conformance.zoo priority-0-accepted"
#: Fields that say when or how long, not what: they differ between any two runs.
VARYING = ("duration_ms", "started_at", "finished_at")


def certify(results: Path, *args: str) -> int:
    return main(["certify", "--results", str(results), "--quiet", *args])


def records(path: Path) -> list[dict[str, Any]]:
    """The stream's records, without timings (a campaign's seconds and rate included)."""
    out = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line:
            continue
        rec = json.loads(line)
        for key in VARYING:
            rec.pop(key, None)
        if rec["type"] == "footer" and isinstance(rec.get("fuzz"), dict):
            rec["fuzz"] = {k: v for k, v in rec["fuzz"].items() if k not in ("seconds", "rate")}
        out.append(rec)
    return out


def findings(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in recs if r["type"] == "finding"]
