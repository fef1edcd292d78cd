"""``vmjob compare A.json B.json``: two implementations, or two versions of one, side by side."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..cli import UsageError
from ..model import OUTCOMES
from ..reports.compare import compare_reports, render_compare


def register(sub: Any) -> None:
    p = sub.add_parser(
        "compare",
        help="compare two JSON reports: per rule and per case where the outcomes differ",
        description="Show two JSON reports (from vmjob certify --json or vmjob report --json) side by side: "
        "counts, rules and cases whose outcome differs, new failures and fixes in B. Exit 0, or 2 for "
        "unreadable input.",
    )
    p.add_argument("a", metavar="A.json", help="the first report (the baseline)")
    p.add_argument("b", metavar="B.json", help="the second report")
    p.add_argument("--markdown", action="store_true", help="print Markdown (for a pull request or step summary)")
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


def run(args: argparse.Namespace) -> int:
    a, b = load_report(args.a), load_report(args.b)
    sys.stdout.write(render_compare(compare_reports(a, b), markdown=args.markdown))
    return 0
