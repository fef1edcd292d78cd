"""``vmjob report RESULTS.jsonl``: rebuild any report from a run's results stream and print its summary.

``vmjob report merge A.jsonl B.jsonl ... [--out MERGED.jsonl]``: the shards of one run (``vmjob certify
--shard K/N``) put back together (:mod:`conformance.reports.merge`), then reported as one run; streams that
are not the complete shards of one run are refused (exit 2) with the file and the mismatch.
"""

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
        "killed halfway, and print the summary. `vmjob report merge SHARD.jsonl ... [--out FILE]` puts the "
        "shards of one run (vmjob certify --shard K/N) back together first. Exit 0 conformant, 1 not "
        "conformant, 2 unreadable input (or streams that are not the complete shards of one run).",
    )
    p.add_argument(
        "stream",
        nargs="+",
        metavar="RESULTS.jsonl",
        help="the results stream written by vmjob certify; or `merge` and the streams of every shard of a run",
    )
    p.add_argument("--out", metavar="FILE", help="merge: write the merged results stream to FILE (created new)")
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
    streams: list[str] = args.stream
    merging = streams[0] == "merge"
    if merging and len(streams) < 2:
        raise UsageError("report merge: give the results stream of every shard")
    if not merging and len(streams) > 1:
        raise UsageError(f"report: one results stream, not {len(streams)} (to put shards together: vmjob report merge)")
    if args.out is not None and not merging:
        raise UsageError("--out is for vmjob report merge")
    try:
        records = _merged(streams[1:], args.out) if merging else read_stream(streams[0])
        name = "the merged stream" if merging else streams[0]
        level = args.level or _run_level(records)
        try:
            report = build_report(records, level)
        except ReportError as err:
            raise ReportError(f"{name}: {err}") from err
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


def _merged(paths: list[str], out: str | None) -> list[dict[str, Any]]:
    """The shards at ``paths`` merged (:func:`conformance.reports.merge.merge_files`); written to ``out``."""
    from pathlib import Path

    from ..reports.merge import merge_files
    from ..runner import ResultsStream, StreamExists

    records = merge_files(paths)
    if out is not None:
        try:
            stream = ResultsStream(Path(out))
        except StreamExists as err:
            raise UsageError(f"--out: {err}") from err
        except OSError as err:
            raise UsageError(f"--out {out!r}: cannot write: {err.strerror or err}") from err
        try:
            for rec in records:
                stream.write(rec)
        finally:
            stream.close()
    return records


def _run_level(records: list[dict[str, Any]]) -> str:
    for rec in records:
        if rec.get("type") == "header" and rec.get("level") in ("required", "recommended"):
            return str(rec["level"])
    return "required"
