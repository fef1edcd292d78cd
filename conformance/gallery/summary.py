"""One implementation's gallery row, from its two reports: verdicts, failing rules, its most instructive failure.

All of it is a pure function of the reports and holds no time, so the same run gives the same row: the
published table can be checked against a fresh run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reference import CLASSES, KINDS

from ..reports.util import brief, one_line, state

#: Outcomes that make a rule failing (a wrong verdict, or a fault); declined and not-run make a run incomplete.
FAILING = ("fail", "crash", "timeout", "errored")
#: The words for each certificate's state, in the table.
STATE_WORDS = {"conformant": "conformant", "failed": "not conformant", "incomplete": "incomplete"}


def failing_rules(report: dict[str, Any]) -> dict[str, list[str]]:
    """The rules with a failing case or a fuzz finding, by the rule's level, in the report's rule order."""
    out: dict[str, list[str]] = {"required": [], "recommended": [], "informational": []}
    for rule_id, e in (report.get("rules") or {}).items():
        if e.get("findings") or any(e["counts"].get(o) for o in FAILING):
            out.setdefault(e["level"], []).append(rule_id)
    return out


def claim_short(report: dict[str, Any]) -> str:
    claim = report["summary"].get("claim") or {}
    if claim.get("full"):
        return f"full ({len(KINDS)} kinds, {len(CLASSES)} classes)"
    return one_line(str(claim.get("text") or "unstated"), 120)


def instructive(report: dict[str, Any], shared: Mapping[str, int] | None = None) -> str:
    """The failure that says most about the implementation, in one line.

    Of the rules failing at the most demanding level there are failures at, the one that sets this
    implementation apart — failed by the fewest implementations of the gallery (``shared``: rule -> how many
    fail it) — then the one with the most failing cases (a gap, not an accident); of its cases, the smallest
    document. A fuzz finding (already shrunk) when no corpus case failed at that level.
    """
    shared = shared or {}
    for levels in (("required",), ("recommended",), ("informational",)):
        cases = [r for r in report["results"] if r["outcome"] in FAILING and r["level"] in levels]
        if cases:
            per_rule: dict[str, list[dict[str, Any]]] = {}
            for r in cases:
                per_rule.setdefault(r["rule"], []).append(r)
            rule = min(per_rule, key=lambda k: (shared.get(k, 1), -len(per_rule[k]), k))
            case = min(per_rule[rule], key=lambda r: (len(_document(r)), r["id"]))
            what = case.get("description") or _document(case)
            return _line(rule, len(per_rule[rule]), what, case)
        found = [f for f in report["findings"] if f["level"] in levels or (levels == ("required",) and f.get("fault"))]
        if found:
            f = min(found, key=lambda f: (shared.get(str(f["rule"]), 1), len(_document(f)), str(f["rule"])))
            return _line(str(f["rule"]), 0, f"generated document `{one_line(_document(f), 80)}`", f)
    return ""


def _document(item: dict[str, Any]) -> str:
    doc = item.get("document")
    if isinstance(doc, str):
        return doc
    if isinstance(item.get("input"), dict):
        return str(item["input"])
    return str(item.get("document_base64") or "")


def _line(rule: str, n: int, what: str, item: dict[str, Any]) -> str:
    count = f" ({n} cases)" if n > 1 else ""
    outcome = item.get("outcome") or ("fault" if item.get("fault") else "fail")
    got = f"got {brief(item.get('got'), 60)}" if outcome == "fail" else outcome
    return f"`{rule}`{count}: {one_line(str(what), 120)} — expected {brief(item.get('expected'), 60)}, {got}"


def short_verdict(report: dict[str, Any]) -> str:
    """One certificate in a few words: its level, its state, how many blocking, why incomplete."""
    s = report["summary"]
    why = [f"{s['blocking']} blocking"] if s.get("blocking") else []
    why += [f"incomplete: {one_line(str(r), 200)}" for r in s.get("incomplete") or []]
    return f"{report['level']}: {STATE_WORDS[state(report)]}" + (f" ({'; '.join(why)})" if why else "")


def entry_summary(reports: dict[str, dict[str, Any]], shared: Mapping[str, int] | None = None) -> dict[str, Any]:
    """What the table shows of one certified implementation (``reports``: level -> report; ``shared``: how
    many implementations of the gallery fail each rule)."""
    full = reports["recommended"]
    rules = failing_rules(full)
    return {
        "claim": claim_short(full),
        "verdicts": {level: STATE_WORDS[state(r)] for level, r in reports.items()},
        "failing": len(rules["required"]) + len(rules["recommended"]),
        "failing_rules": rules,
        "instructive": instructive(full, shared),
        "cases": full["summary"]["total"],
        "findings": len(full["findings"]),
    }
