"""The terminal summary of a report: manifest, counts per outcome and class, the first failures, findings,
where the results stream went, and the verdict on the last line."""

from __future__ import annotations

import os
from typing import Any

from ..model import OUTCOMES
from .util import (
    claim_text,
    clean,
    counted,
    expected_got,
    extra_message,
    failures,
    impl_line,
    incomplete,
    one_line,
    transport_line,
    verdict_line,
)

#: How many failures the text summary lists.
TEXT_FAILURES = 10


def render_text(report: dict[str, Any], stream: str | os.PathLike[str] | None = None) -> str:
    """The terminal summary: manifest, counts per outcome and class, the first failures, findings, where the
    results ``stream`` went, and the verdict (last line)."""
    s = report["summary"]
    lines = [
        f"{impl_line(report)} over {transport_line(report)}",
        f"claim: {claim_text(report) or 'not stated'}",
        f"corpus {clean(report.get('corpus_digest'))} · seed {clean(report.get('seed'))} · level {report['level']}",
        f"{s['total']} cases: " + ", ".join(f"{s['outcomes'][o]} {o}" for o in OUTCOMES if s["outcomes"][o])
        if s["total"]
        else "0 cases",
    ]
    if s["classes"]:
        shown = [o for o in OUTCOMES if any(c[o] for c in s["classes"].values())]
        width = max(len(k) for k in s["classes"]) + 2
        lines.append("")
        lines.append("class".ljust(width) + "".join(o.rjust(9) for o in shown))
        for name, counts in s["classes"].items():
            lines.append(clean(name).ljust(width) + "".join(str(counts[o]).rjust(9) for o in shown))
    stats = report.get("fuzz_stats")
    if stats:
        lines.append("")
        fuzz = s.get("fuzz") or {}
        asked = f" of {fuzz['asked']:,} asked" if fuzz.get("asked") else ""

        def n(key: str) -> str:
            value = stats.get(key)
            return f"{value:,}" if isinstance(value, int) else "0"

        lines.append(
            f"fuzz: {n('examples')} generated documents sent{asked} (seed {clean(report.get('seed'))}): "
            f"{n('agreed')} agreed with the reference, {n('findings')} findings, {n('faults')} faults"
            + (f", {n('declined')} declined" if stats.get("declined") else "")
        )
    bad = failures(report)
    if bad:
        lines.append("")
        lines.append(f"Failures ({len(bad)}{f', first {TEXT_FAILURES}' if len(bad) > TEXT_FAILURES else ''}):")
        for r in bad[:TEXT_FAILURES]:
            note = "" if counted(report, r) else f", not counted at level {report['level']}"
            lines.append(
                f"  {one_line(r['id'])}: {r['outcome']} — rule {one_line(r['rule'])} ({one_line(r['level'])}{note})"
            )
            lines.append(f"      {expected_got(r)}")
            if extra_message(r):
                lines.append(f"      {one_line(r['message'])}")
    if report["findings"]:
        lines.append("")
        lines.append(f"Findings of the fuzzer ({len(report['findings'])}):")
        for f in report["findings"][:TEXT_FAILURES]:
            lines.append(f"  {one_line(f['id'])}: rule {one_line(f['rule'])} ({one_line(f['level'])})")
            lines.append(f"      {expected_got(f)}")
    for note in report.get("notes", []):
        lines.append("")
        lines.append(f"note: {one_line(note, 1000)}")
    gaps = incomplete(report)
    if gaps:
        lines.append("")
        lines.append("Incomplete: a certificate needs every case inside the claim answered.")
        lines.extend(f"  {gap}" for gap in gaps)
    if stream is not None:
        lines.append("")
        lines.append(
            f"results stream: {one_line(str(stream), 500)} (vmjob report FILE --html r.html rebuilds any report)"
        )
    lines.append("")
    lines.append(verdict_line(report))
    return "\n".join(lines) + "\n"
