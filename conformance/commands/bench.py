"""``vmjob bench [PART]``: the project's speed figures, each a ratio measured in one run, in one table.

Each part is a module function ``run(quick: bool) -> list[BenchRow]``; ``vmjob bench`` runs them all.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

from ..bench.row import BenchRow

#: Part name -> "module:function" (imported only when run).
PARTS = {
    "reference": "conformance.bench.reference:run",
    "transports": "conformance.bench.transports:run",
    "fuzz": "conformance.bench.fuzz:run",
    "reports": "conformance.bench.reports:run",
}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "bench",
        help="measure the suite's speed figures",
        description="Measure speed figures in one run and print them as one table.",
    )
    p.add_argument("part", nargs="?", choices=[*PARTS, "all"], default="all")
    p.add_argument("--quick", action="store_true", help="smaller samples (a smoke run, not for publishing)")
    p.add_argument("--json", action="store_true", help="print the rows as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rows: list[BenchRow] = []
    for name in PARTS if args.part == "all" else [args.part]:
        module, _, fn = PARTS[name].partition(":")
        print(f"measuring {name} ...", file=sys.stderr)
        rows.extend(getattr(importlib.import_module(module), fn)(args.quick))
    if args.json:
        print(json.dumps([r.to_json() for r in rows], indent=2))
    else:
        print(BenchRow.table(rows))
    return 0
