"""Helpers of the scale tests: certify through the CLI, and a stream's records without what varies by run."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from conformance.bench.scale import records
from conformance.cli import main

PY = shlex.quote(sys.executable)
#: A mutant of the zoo over the persistent transport: it accepts priority 0, so a campaign finds it.
MUTANT = f"{PY} -m conformance.zoo priority-0-accepted"
#: The stream reader without timings is the bench's (the same comparison: runs equal record for record).
__all__ = ["MUTANT", "PY", "certify", "findings", "records"]


def certify(results: Path, *args: str) -> int:
    return main(["certify", "--results", str(results), "--quiet", *args])


def findings(recs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in recs if r["type"] == "finding"]
