"""JSON reports side by side: two implementations, or two versions of one; or N implementations at once.

Cases are matched by id and rules by id. Two reports (:func:`compare_reports`): a *new failure* is a case
that B fails (or faults on) which A passed, skipped or did not have; a *fix* is a case A failed that B
passes; every other difference of outcome is listed as a change. N reports (:func:`compare_many`): the rules
and the cases whose outcome is not the same in all of them, each with its outcome in every report. The HTML
form of either is the gallery's matrix (:mod:`conformance.gallery.matrix`).
"""

from __future__ import annotations

from typing import Any

from ..model import OUTCOMES
from .util import BAD_OUTCOMES, clean, impl_line, one_line, verdict_line

#: Differing cases listed in the text and Markdown forms; the dict keeps all of them.
MAX_LISTED = 500


def compare_reports(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """The differences between reports ``a`` and ``b`` (as built by :func:`conformance.reports.build_report`)."""
    cases_a = {r["id"]: r for r in a["results"]}
    cases_b = {r["id"]: r for r in b["results"]}
    cases: list[dict[str, Any]] = []
    for case_id in [*cases_a, *(k for k in cases_b if k not in cases_a)]:
        ra, rb = cases_a.get(case_id), cases_b.get(case_id)
        oa, ob = ra and ra["outcome"], rb and rb["outcome"]
        if oa == ob:
            continue
        some = rb or ra
        assert some is not None
        cases.append(
            {"id": case_id, "rule": some["rule"], "level": some["level"], "a": oa, "b": ob, "change": _change(oa, ob)}
        )
    rules: list[dict[str, Any]] = []
    rules_a, rules_b = a.get("rules") or {}, b.get("rules") or {}
    for rule_id in [*rules_a, *(k for k in rules_b if k not in rules_a)]:
        ea, eb = rules_a.get(rule_id), rules_b.get(rule_id)
        wa, wb = ea and ea["worst"], eb and eb["worst"]
        ca, cb = ea and ea["counts"], eb and eb["counts"]
        if wa != wb or ca != cb or (ea and ea["findings"]) != (eb and eb["findings"]):
            some = eb or ea
            assert some is not None
            rules.append({"rule": rule_id, "level": some["level"], "a": wa, "b": wb, "a_counts": ca, "b_counts": cb})
    return {
        "a": _side(a),
        "b": _side(b),
        "rules": rules,
        "cases": cases,
        "new_failures": [c["id"] for c in cases if c["change"] == "new failure"],
        "fixes": [c["id"] for c in cases if c["change"] == "fixed"],
    }


def _change(a: str | None, b: str | None) -> str:
    if b in BAD_OUTCOMES and a not in BAD_OUTCOMES:
        return "new failure"
    if a in BAD_OUTCOMES and b == "pass":
        return "fixed"
    if a is None:
        return "only in B"
    if b is None:
        return "only in A"
    return "changed"


def _side(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "implementation": impl_line(report),
        "verdict": verdict_line(report),
        "conformant": report["conformant"],
        "level": report["level"],
        "corpus_digest": report.get("corpus_digest"),
        "total": report["summary"]["total"],
        "outcomes": report["summary"]["outcomes"],
        "findings": len(report.get("findings") or []),
    }


def compare_many(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """The differences among ``reports`` (two or more): every rule whose worst outcome, counts or findings
    are not the same in all, and every case whose outcome is not (``None`` where a report lacks it)."""
    tables = [r.get("rules") or {} for r in reports]
    rules: list[dict[str, Any]] = []
    for rule_id in _union(tables):
        entries = [t.get(rule_id) for t in tables]
        shapes = {(e["worst"], tuple(sorted(e["counts"].items())), e["findings"]) if e else None for e in entries}
        if len(shapes) > 1:
            some = next(e for e in entries if e)
            rules.append({"rule": rule_id, "level": some["level"], "worst": [e and e["worst"] for e in entries],
                          "counts": [e and e["counts"] for e in entries]})  # fmt: skip
    by_id = [{r["id"]: r for r in report["results"]} for report in reports]
    cases: list[dict[str, Any]] = []
    for case_id in _union(by_id):
        items = [m.get(case_id) for m in by_id]
        outcomes = [i and i["outcome"] for i in items]
        if len(set(outcomes)) > 1:
            some = next(i for i in items if i)
            cases.append({"id": case_id, "rule": some["rule"], "level": some["level"], "outcomes": outcomes})
    return {"sides": [_side(r) for r in reports], "rules": rules, "cases": cases}


def _union(tables: list[dict[str, Any]]) -> list[str]:
    """The keys of all ``tables``, in first-seen order."""
    return list(dict.fromkeys(k for t in tables for k in t))


def render_compare_many(cmp: dict[str, Any], markdown: bool = False) -> str:
    """An N-way comparison as a terminal table or Markdown: a column per report (A, B, C ...)."""
    sides = cmp["sides"]
    letters = [_letter(i) for i in range(len(sides))]
    rows: list[list[str]] = [["", *letters]]
    for label, key in (("implementation", "implementation"), ("verdict", "verdict"), ("cases", "total")):
        rows.append([label, *(str(s[key]) for s in sides)])
    rows += [[o, *(str(s["outcomes"].get(o, 0)) for s in sides)] for o in OUTCOMES]
    rows.append(["findings", *(str(s["findings"]) for s in sides)])
    rule_rows = [["rule", "level", *letters]]
    rule_rows += [[r["rule"], r["level"], *map(_rule_cell, r["worst"], r["counts"])] for r in cmp["rules"]]
    case_rows = [["case", "rule", "level", *letters]]
    case_rows += [
        [c["id"], c["rule"], c["level"], *(o or "—" for o in c["outcomes"])] for c in cmp["cases"][:MAX_LISTED]
    ]
    sections = [
        ("summary", rows),
        (f"rules whose outcome differs ({len(cmp['rules'])})", rule_rows),
        (f"cases whose outcome differs ({len(cmp['cases'])})", case_rows),
    ]
    out: list[str] = []
    if markdown:
        out.append(f"## vmjob compare: {len(sides)} reports, {len(cmp['rules'])} rules differ")
    out += _sections(sections, len(cmp["cases"]), markdown)
    return "\n".join(out).lstrip("\n") + "\n"


def _sections(sections: list[tuple[str, list[list[str]]]], differing_cases: int, markdown: bool) -> list[str]:
    """Each titled table (``none`` for a table with its header alone), then how many differing cases were
    left out of the listing: the body of both the two-way and the N-way comparison."""
    out: list[str] = []
    for title, table in sections:
        if len(table) == 1:
            out += ["", f"{title}: none" if not markdown else f"**{title}**: none"]
            continue
        out += ["", f"### {title}" if markdown else f"{title}:", ""]
        out += markdown_table(table) if markdown else _text_table(table)
    if differing_cases > MAX_LISTED:
        out += ["", f"… and {differing_cases - MAX_LISTED} more differing cases."]
    return out


def _letter(i: int) -> str:
    """A, B, ... Z, then R27, R28 ...: a column's name."""
    return chr(ord("A") + i) if i < 26 else f"R{i + 1}"


def render_compare(cmp: dict[str, Any], markdown: bool = False) -> str:
    """The comparison as a terminal table, or as Markdown (for a pull request comment or a step summary)."""
    a, b = cmp["a"], cmp["b"]
    rows: list[list[str]] = [["", "A", "B", "change"]]
    for label, va, vb in (
        ("implementation", a["implementation"], b["implementation"]),
        ("verdict", a["verdict"], b["verdict"]),
        ("corpus", str(a["corpus_digest"])[:19], str(b["corpus_digest"])[:19]),
        ("cases", str(a["total"]), str(b["total"])),
        *((o, str(a["outcomes"].get(o, 0)), str(b["outcomes"].get(o, 0))) for o in OUTCOMES),
        ("findings", str(a["findings"]), str(b["findings"])),
    ):
        delta = ""
        if va.isdigit() and vb.isdigit() and va != vb:
            delta = f"{int(vb) - int(va):+d}"
        rows.append([label, va, vb, delta])
    sections = [("summary", rows)]
    rule_rows = [["rule", "level", "A", "B"]]
    for r in cmp["rules"]:
        rule_rows.append([r["rule"], r["level"], _rule_cell(r["a"], r["a_counts"]), _rule_cell(r["b"], r["b_counts"])])
    sections.append((f"rules whose outcome differs ({len(cmp['rules'])})", rule_rows))
    case_rows = [["case", "rule", "level", "A", "B", "change"]]
    for c in cmp["cases"][:MAX_LISTED]:
        case_rows.append([c["id"], c["rule"], c["level"], c["a"] or "—", c["b"] or "—", c["change"]])
    sections.append((f"cases whose outcome differs ({len(cmp['cases'])})", case_rows))
    out: list[str] = []
    if markdown:
        out.append(f"## vmjob compare: {len(cmp['new_failures'])} new failures, {len(cmp['fixes'])} fixes")
    out += _sections(sections, len(cmp["cases"]), markdown)
    if not markdown:
        out += ["", f"{len(cmp['new_failures'])} new failures in B, {len(cmp['fixes'])} fixes in B"]
    return "\n".join(out).lstrip("\n") + "\n"


def _rule_cell(worst: str | None, counts: dict[str, int] | None) -> str:
    if worst is None or counts is None:
        return "—"
    shown = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
    return f"{worst} ({shown})" if shown else worst


def _text_table(rows: list[list[str]]) -> list[str]:
    rows = [[one_line(c, 60) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def markdown_table(rows: list[list[str]], limit: int = 200) -> list[str]:
    """``rows`` (the first one the header) as Markdown table lines, each cell on one line and escaped."""

    def cell(text: str) -> str:
        return clean(one_line(text, limit)).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")

    head, *body = rows
    return [
        "| " + " | ".join(cell(c) for c in head) + " |",
        "|" + "---|" * len(head),
        *("| " + " | ".join(cell(c) for c in row) + " |" for row in body),
    ]
