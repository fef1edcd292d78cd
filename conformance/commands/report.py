"""``vmjob report RESULTS.jsonl``: rebuild any report from a run's results stream and print its summary."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..cli import UsageError
from ..reports import ReportError, build_report, read_stream, render_text, write_reports


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="rebuild reports (JSON, JUnit, Markdown, HTML, badge) from a results stream",
        description="Rebuild reports from a run's results stream (JSON Lines), also from a run that was "
        "killed halfway, and print the summary. Exit 0 conformant, 1 not conformant, 2 unreadable input.",
    )
    p.add_argument("stream", metavar="RESULTS.jsonl", help="the results stream written by vmjob certify")
    p.add_argument(
        "--level",
        choices=("required", "recommended"),
        help="certification level (default: the level the run was made at)",
    )
    p.add_argument("--json", metavar="F", help="write the JSON report (certification manifest) to F")
    p.add_argument("--junit", metavar="F", help="write JUnit XML to F")
    p.add_argument("--markdown", metavar="F", help="write Markdown (for a CI step summary) to F")
    p.add_argument("--html", metavar="F", help="write the self-contained HTML report to F")
    p.add_argument("--badge", metavar="F", help="write the SVG badge to F")
    p.add_argument("--badge-endpoint", metavar="F", help="write a shields.io endpoint JSON to F")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        records = read_stream(args.stream)
        level = args.level or _run_level(records)
        try:
            report = build_report(records, level)
        except ReportError as err:
            raise ReportError(f"{args.stream}: {err}") from err
        write_reports(
            report,
            json=args.json,
            junit=args.junit,
            markdown=args.markdown,
            html=args.html,
            badge=args.badge,
            badge_endpoint=args.badge_endpoint,
        )
    except ReportError as err:
        raise UsageError(str(err)) from err
    sys.stdout.write(render_text(report))
    return 0 if report["conformant"] else 1


def _run_level(records: list[dict[str, Any]]) -> str:
    for rec in records:
        if rec.get("type") == "header" and rec.get("level") in ("required", "recommended"):
            return str(rec["level"])
    return "required"
