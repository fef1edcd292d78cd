"""``vmjob compare A.json B.json [C.json ...]``: implementations, or versions of one, side by side.

Each input is a JSON report or a results stream (``.jsonl``, built into a report at ``--level``). Two
inputs: new failures and fixes of B against A; more: the rules and cases whose outcome is not the same in
all. ``--html FILE`` writes the N-way matrix (the gallery's page) for either.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..cli import UsageError
from ..model import OUTCOMES
from ..reports.compare import compare_many, compare_reports, render_compare, render_compare_many
from ..reports.util import impl_line


def register(sub: Any) -> None:
    p = sub.add_parser(
        "compare",
        help="compare JSON reports or results streams: per rule and per case where the outcomes differ",
        description="Show two or more JSON reports (from vmjob certify --json or vmjob report --json) or results "
        "streams (.jsonl) side by side: counts, rules and cases whose outcome differs; with two, the new "
        "failures and fixes in B. Exit 0, or 2 for unreadable input.",
    )
    p.add_argument("a", metavar="A.json", help="the first report (the baseline)")
    p.add_argument("others", nargs="+", metavar="B.json", help="the second report, and any more")
    p.add_argument("--markdown", action="store_true", help="print Markdown (for a pull request or step summary)")
    p.add_argument("--html", metavar="FILE", help="also write the N-way HTML matrix to FILE")
    p.add_argument(
        "--level",
        choices=("required", "recommended"),
        default="required",
        help="the level a results stream (.jsonl) is judged at (default required; a report keeps its own)",
    )
    p.set_defaults(func=run)


def load_report(path: str) -> dict[str, Any]:
    """A JSON report, with a clear :class:`UsageError` when it is missing, not JSON or not a report."""
    p = Path(path)
    try:
        report = json.loads(p.read_bytes())
    except FileNotFoundError as err:
        raise UsageError(f"{p}: no such report") from err
    except OSError as err:
        raise UsageError(f"{p}: cannot read the report: {err.strerror or err}") from err
    except (ValueError, RecursionError) as err:
        raise UsageError(f"{p}: not a JSON report: {err}") from err
    if not isinstance(report, dict):
        raise UsageError(f"{p}: not a vmjob report: the top level is {type(report).__name__}, not an object")
    for key, kind in (("results", list), ("summary", dict), ("conformant", bool), ("level", str)):
        if not isinstance(report.get(key), kind):
            raise UsageError(f"{p}: not a vmjob report: {key!r} is missing or not a {kind.__name__}")
    for i, r in enumerate(report["results"]):
        if not isinstance(r, dict) or r.get("outcome") not in OUTCOMES or not isinstance(r.get("id"), str):
            raise UsageError(f"{p}: not a vmjob report: results[{i}] has no string 'id' or a known 'outcome'")
        for key in ("rule", "level"):
            if not isinstance(r.get(key), str):
                raise UsageError(f"{p}: not a vmjob report: results[{i}] ({r['id']!r}) has no string {key!r}")
    summary = report["summary"]
    if not isinstance(summary.get("outcomes"), dict) or not isinstance(summary.get("total"), int):
        raise UsageError(f"{p}: not a vmjob report: summary has no 'outcomes' object or 'total' integer")
    rules = report.get("rules")
    if rules is not None and not (
        isinstance(rules, dict) and all(isinstance(e, dict) and "worst" in e and "counts" in e for e in rules.values())
    ):
        raise UsageError(f"{p}: not a vmjob report: 'rules' is not a table of rule entries")
    return report


def load_input(path: str, level: str) -> dict[str, Any]:
    """A report, or a results stream (``.jsonl``) built into one at ``level``."""
    if not path.endswith(".jsonl"):
        return load_report(path)
    from ..reports import ReportError, build_report, read_stream

    try:
        return build_report(read_stream(path), level)
    except ReportError as err:
        raise UsageError(f"{path}: {err}" if path not in str(err) else str(err)) from err


def run(args: argparse.Namespace) -> int:
    reports = [load_input(p, args.level) for p in (args.a, *args.others)]
    if len(reports) == 2:
        sys.stdout.write(render_compare(compare_reports(*reports), markdown=args.markdown))
    else:
        sys.stdout.write(render_compare_many(compare_many(reports), markdown=args.markdown))
    if args.html:
        from ..gallery.matrix import column, render_matrix

        letters = [chr(ord("A") + i) if i < 26 else f"R{i + 1}" for i in range(len(reports))]
        page = render_matrix(
            [column(r, f"{x}: {impl_line(r)}") for x, r in zip(letters, reports, strict=True)], "vmjob compare"
        )
        out = Path(args.html)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(page.encode("utf-8", "backslashreplace"))
        except OSError as err:
            raise UsageError(f"--html {args.html!r}: cannot write: {err.strerror or err}") from err
    return 0
