"""From a run's records to its verdict: counts per outcome and per class, and ``conformant``.

An implementation is conformant at a level when every case whose rule counts at that level passed (or was
skipped as outside its claim) and the fuzzer found no divergence counted at that level. Informational rules
never count. A timeout, a crash, a protocol error or a case not run is never a pass. A run in which no
case was executed proves nothing and is not conformant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from reference import LEVELS

from .model import OUTCOMES


def counted_levels(level: str) -> tuple[str, ...]:
    """The rule levels that count at ``level``: ``required`` alone, or ``required`` and ``recommended``."""
    if level not in ("required", "recommended"):
        raise ValueError(f"level={level!r} is not a certification level; expected 'required' or 'recommended'")
    return LEVELS[: LEVELS.index(level) + 1]


def summarize(
    results: Iterable[dict[str, Any]], findings: Iterable[dict[str, Any]] = (), level: str = "required"
) -> dict[str, Any]:
    """The ``summary`` object of a report, with ``conformant``, from result and finding records (as JSON)."""
    counted = counted_levels(level)
    by_outcome: Counter[str] = Counter()
    by_class: dict[str, Counter[str]] = {}
    by_level: dict[str, Counter[str]] = {}
    blocking = 0
    for r in results:
        by_outcome[r["outcome"]] += 1
        by_class.setdefault(r["class"], Counter())[r["outcome"]] += 1
        by_level.setdefault(r["level"], Counter())[r["outcome"]] += 1
        if r["outcome"] not in ("pass", "skip") and r["level"] in counted:
            blocking += 1
    finding_list = list(findings)
    blocking_findings = sum(1 for f in finding_list if f.get("level") in counted)
    executed = sum(n for o, n in by_outcome.items() if o != "skip")
    return {
        "level": level,
        "total": sum(by_outcome.values()),
        "outcomes": {o: by_outcome.get(o, 0) for o in OUTCOMES},
        "classes": {k: {o: v.get(o, 0) for o in OUTCOMES} for k, v in sorted(by_class.items())},
        "levels": {k: {o: v.get(o, 0) for o in OUTCOMES} for k, v in sorted(by_level.items())},
        "findings": len(finding_list),
        "blocking": blocking + blocking_findings,
        "conformant": executed > 0 and blocking == 0 and blocking_findings == 0,
    }
