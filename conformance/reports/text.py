"""The terminal summary of a report, to be read at a glance.

From the top: what was certified (implementation, transport, claim, level, corpus, seed); the counts, as
sums that add up (corpus: ``total = pass + fail + skip + fault + declined``; fuzz: ``generated = agreed +
disagreed + faults + declined``, and the disagreements grouped into findings, one per rule); one block per
blocking rule (its level, how many cases and findings block on it, the first of them with expected vs got
and its document, once); what failed without counting at this level; notes and gaps; where the results
stream and every report went; the commands to rerun just the failures; and the verdict, on the last line.

Colour (``colour=True``, for a terminal; :func:`use_colour` says when) only marks the summary's own words:
every text that comes from a report is cleaned first (:mod:`.util`), so no implementation can colour it.
"""

from __future__ import annotations

import os
import shlex
import unicodedata
from collections.abc import Mapping
from typing import Any, TextIO

from .util import (
    BAD_OUTCOMES,
    SEVERITY,
    claim_text,
    clean,
    counted,
    expected_got,
    extra_message,
    impl_line,
    incomplete,
    one_line,
    plural,
    transport_line,
    verdict_line,
)

#: How many blocking rules get a block of their own (the rest are named on one line).
TEXT_RULES = 10
#: How many other case ids a block names beside its first.
ALSO = 3
#: How many rules the rerun command names one by one (past that, by prefix).
RERUN_RULES = 8
#: Characters of a document shown in a block.
DOCUMENT_CHARS = 240
#: Outcomes counted as a fault in the corpus line (each named beside the total when there is any).
FAULTS = ("timeout", "crash", "errored", "not-run")
#: The reports of ``vmjob certify``, by option, as the summary names them.
REPORT_LABELS = {
    "json": "JSON",
    "junit": "JUnit",
    "markdown": "Markdown",
    "html": "HTML",
    "badge": "badge",
    "badge_endpoint": "badge endpoint",
}

#: What happened to a case, by outcome, as a block's heading says it.
_DONE = {"fail": "failed", "crash": "crashed", "timeout": "timed out", "not-run": "not run"}

_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


def use_colour(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Colour for a terminal, unless ``NO_COLOR`` is set to anything but "" (https://no-color.org)."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR", ""):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class _Paint:
    def __init__(self, on: bool) -> None:
        self.on = on

    def __call__(self, text: str, *styles: str) -> str:
        if not self.on or not styles:
            return text
        return f"\x1b[{';'.join(_SGR[s] for s in styles)}m{text}\x1b[0m"


def blocking(report: dict[str, Any], item: dict[str, Any], finding: bool = False) -> bool:
    """Whether a result (or, with ``finding``, a finding) blocks the certificate: a wrong verdict on a rule
    counted at the report's level, or, at any level, an unanswered case or a fault (conformance.summary)."""
    if finding:
        return bool(item.get("fault")) or counted(report, item)
    outcome = item.get("outcome")
    if outcome in ("pass", "skip"):
        return False
    return counted(report, item) or outcome != "fail"


def blocking_rules(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per blocking rule, worst first: ``{"rule", "level", "cases", "findings", "outcomes"}``.
    Their ``len(cases) + len(findings)`` add up to the summary's ``blocking``."""
    rules: dict[str, dict[str, Any]] = {}

    def entry(item: dict[str, Any]) -> dict[str, Any]:
        rule = str(item.get("rule"))
        return rules.setdefault(rule, {"rule": rule, "level": item.get("level"), "cases": [], "findings": []})

    for r in report["results"]:
        if blocking(report, r):
            entry(r)["cases"].append(r)
    for f in report["findings"]:
        if blocking(report, f, finding=True):
            entry(f)["findings"].append(f)
    for e in rules.values():
        outcomes: dict[str, int] = {}
        for r in e["cases"]:
            outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
        e["outcomes"] = outcomes

    def worst(e: dict[str, Any]) -> int:
        return max([SEVERITY.get(o, 0) for o in e["outcomes"]] + [SEVERITY["fail"]] * bool(e["findings"]))

    return sorted(rules.values(), key=lambda e: (-worst(e), -(len(e["cases"]) + len(e["findings"])), e["rule"]))


def corpus_counts(report: dict[str, Any]) -> dict[str, int]:
    """``total``, ``pass``, ``fail``, ``skip``, ``fault``, ``declined``: the last five add up to the first."""
    s = report["summary"]
    outcomes = s["outcomes"]
    return {
        "total": s["total"],
        "pass": outcomes.get("pass", 0),
        "fail": outcomes.get("fail", 0),
        "skip": outcomes.get("skip", 0),
        "fault": sum(outcomes.get(o, 0) for o in FAULTS),
        "declined": outcomes.get("declined", 0),
    }


def fuzz_counts(report: dict[str, Any]) -> dict[str, int] | None:
    """``asked``, ``generated`` (sent) = ``agreed + disagreed + faults + declined + unsendable``, and the
    ``findings`` the disagreements were grouped into; None when no campaign ran."""
    stats = report.get("fuzz_stats")
    if not isinstance(stats, dict):
        return None

    def n(key: str) -> int:
        value = stats.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    return {
        "asked": n("asked"),
        "generated": n("examples"),
        "agreed": n("agreed"),
        "disagreed": n("divergent"),
        "faults": n("faults"),
        "declined": n("declined"),
        "unsendable": n("skipped"),
        "findings": sum(1 for f in report["findings"] if not f.get("fault")),
        "fault_findings": sum(1 for f in report["findings"] if f.get("fault")),
    }


def _visible(text: str) -> str:
    """Invisible format characters (a byte-order mark, a zero-width space) as ``\\uXXXX``: in a minimal
    document they are often the whole point."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) == "Cf" else ch for ch in text)


def _document(item: dict[str, Any]) -> str:
    if "document" in item:
        return one_line(_visible(str(item["document"])[: DOCUMENT_CHARS + 1]), DOCUMENT_CHARS)
    if "document_base64" in item:
        return "(base64) " + one_line(str(item["document_base64"]), DOCUMENT_CHARS)
    return ""


def _block(report: dict[str, Any], e: dict[str, Any], paint: _Paint) -> list[str]:
    cases, findings = e["cases"], e["findings"]
    what = [
        f"{plural(n, 'corpus case')} {_DONE.get(o, o)}"
        for o, n in sorted(e["outcomes"].items(), key=lambda kv: -SEVERITY.get(kv[0], 0))
    ]
    if findings:
        what.append(plural(len(findings), "fuzz finding"))
    head = f"{one_line(e['rule'], 120)} ({one_line(str(e['level']), 40)}): {', '.join(what)}"
    lines = [paint("✗ ", "red", "bold") + paint(head, "bold")]
    if cases:
        first = cases[0]
        lines.append(f"    {one_line(str(first['id']), 120)}: {expected_got(first)}")
        extra = extra_message(first)
        if extra:
            lines.append(f"    {one_line(extra, 300)}")
        others = [one_line(str(r["id"]), 120) for r in cases[1:]]
        if others:
            more = len(others) - ALSO
            lines.append(f"    also {', '.join(others[:ALSO])}" + (f" and {more:,} more" if more > 0 else ""))
        if not findings and _document(first):
            lines.append(f"    document: {_document(first)}")
    if findings:
        finding = findings[0]
        said = expected_got(finding)
        if not cases or said != expected_got(cases[0]):
            lines.append(f"    {one_line(str(finding['id']), 120)}: {said}")
        if _document(finding):
            lines.append(f"    minimal document ({one_line(str(finding['id']), 60)}): {_document(finding)}")
    return lines


def _not_counted(report: dict[str, Any]) -> str:
    rules: dict[str, int] = {}
    for item in [*report["results"], *report["findings"]]:
        is_finding = "outcome" not in item
        if is_finding and blocking(report, item, finding=True):
            continue
        if not is_finding and (item["outcome"] not in BAD_OUTCOMES or blocking(report, item)):
            continue
        key = f"{one_line(str(item['rule']), 120)} ({one_line(str(item['level']), 40)})"
        rules[key] = rules.get(key, 0) + 1
    if not rules:
        return ""
    total = sum(rules.values())
    listed = ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in list(rules.items())[:6])
    more = f" and {len(rules) - 6} more" if len(rules) > 6 else ""
    return f"not counted at level {report['level']}: {plural(total, 'wrong verdict')} on {listed}{more}"


def rule_selection(rules: list[str], most: int = RERUN_RULES) -> list[str]:
    """``--rule`` values that select ``rules``: the rules themselves, or, past ``most`` of them, their dotted
    prefixes of two parts (``core.execution``), which select a few passing rules too but keep a line short."""
    if len(rules) <= most:
        return rules
    prefixes: list[str] = []
    for rule in rules:
        prefix = ".".join(rule.split(".")[:2])
        if prefix not in prefixes:
            prefixes.append(prefix)
    return prefixes


def rerun_commands(report: dict[str, Any], stream: str | os.PathLike[str] | None) -> list[str]:
    """The commands that run again just what blocks: the corpus cases of each blocking rule (``--rule``),
    and the fuzz findings replayed from the results stream."""
    t = report.get("transport") or {}
    kind, target = t.get("kind"), t.get("target")
    if not isinstance(kind, str) or not isinstance(target, str) or not kind:
        return []
    if kind.startswith("worker-"):  # vmjob worker certify: the same scenarios again, by the run's seed
        worker = ["vmjob", "worker", "certify", "--" + kind.removeprefix("worker-")]
        worker += target.split(" ", 1) if kind == "worker-files" else [target]
        worker += ["--seed", str(report["seed"])] if report.get("seed") is not None else []
        return [one_line(shlex.join(worker), 2000)] if blocking_rules(report) else []
    base = ["--" + kind, target]
    if report.get("level") == "recommended":
        base += ["--level", "recommended"]
    filters = report.get("filters") or {}
    for option, key in (("--kind", "kinds"), ("--class", "classes")):
        for value in filters.get(key) or []:
            base += [option, str(value)]
    rules = blocking_rules(report)
    commands = []
    case_rules = rule_selection([e["rule"] for e in rules if e["cases"]])
    if case_rules:
        args = ["vmjob", "certify", *base, *(a for r in case_rules for a in ("--rule", r))]
        commands.append(one_line(shlex.join(args), 2000))
    if any(e["findings"] for e in rules) and stream is not None:
        args = ["vmjob", "fuzz", *base, "--replay", str(stream)]
        commands.append(one_line(shlex.join(args), 2000))
    return commands


def render_text(
    report: dict[str, Any],
    stream: str | os.PathLike[str] | None = None,
    *,
    reports: Mapping[str, str | os.PathLike[str]] | None = None,
    colour: bool = False,
) -> str:
    """The terminal summary (the verdict on the last line): ``stream`` is where the results stream went,
    ``reports`` the reports written (``{"json": path, ...}``, keys of :data:`REPORT_LABELS`)."""
    paint = _Paint(colour)
    s = report["summary"]
    seed = clean(report.get("seed"))
    lines = [
        paint(f"{impl_line(report)} over {transport_line(report)}", "bold"),
        f"claim: {claim_text(report) or 'not stated'} · level {report['level']}",
        f"corpus {clean(report.get('corpus_digest'))} · seed {seed}",
        "",
    ]
    c = corpus_counts(report)
    faults = ", ".join(f"{s['outcomes'][o]:,} {o}" for o in FAULTS if s["outcomes"].get(o))
    # vmjob worker certify: one verdict per (scenario, rule); its generated jobs are scenarios (fuzz/N) too
    worker = str((report.get("transport") or {}).get("kind") or "").startswith("worker-")
    lines.append(
        f"{'worker' if worker else 'corpus'}: {c['total']:,} {'verdicts' if worker else 'cases'} = {c['pass']:,} "
        f"pass + {c['fail']:,} fail + {c['skip']:,} skip + "
        f"{c['fault']:,} fault{f' ({faults})' if faults else ''} + {c['declined']:,} declined"
    )
    f = fuzz_counts(report)
    if worker:
        pass
    elif f is None:
        asked = (s.get("fuzz") or {}).get("asked") or 0
        lines.append("fuzz:   not run" + (f" ({asked:,} asked)" if asked else " (--fuzz 0)"))
    else:
        of = f" of {f['asked']:,} asked" if f["asked"] != f["generated"] else ""
        tail = f" + {f['unsendable']:,} not sendable" if f["unsendable"] else ""
        lines.append(
            f"fuzz:   {f['generated']:,} generated{of} = {f['agreed']:,} agreed + {f['disagreed']:,} disagreed + "
            f"{f['faults']:,} faults + {f['declined']:,} declined{tail}"
        )
        if f["disagreed"] or f["findings"]:
            lines.append(
                f"        {plural(f['disagreed'], 'disagreement')} → {plural(f['findings'], 'finding')} "
                f"(one per rule, each shrunk to a minimal document)"
            )
    rules = blocking_rules(report)
    if rules:
        lines.append("")
        cases = sum(len(e["cases"]) for e in rules)
        found = sum(len(e["findings"]) for e in rules)
        parts = [plural(cases, "corpus case")] * bool(cases) + [plural(found, "fuzz finding")] * bool(found)
        lines.append(
            paint(f"{cases + found:,} blocking on {plural(len(rules), 'rule')}: {' + '.join(parts)}", "red", "bold")
        )
        for e in rules[:TEXT_RULES]:
            lines.extend(_block(report, e, paint))
        if len(rules) > TEXT_RULES:
            rest = [one_line(e["rule"], 120) for e in rules[TEXT_RULES:]]
            lines.append(f"  and {plural(len(rest), 'more rule')}: {', '.join(rest)}")
    uncounted = _not_counted(report)
    if uncounted:
        lines.append("")
        lines.append(paint(uncounted, "yellow"))
    for note in report.get("notes", []):
        lines.append("")
        lines.append(f"note: {one_line(note, 1000)}")
    gaps = incomplete(report)
    if gaps:
        lines.append("")
        lines.append(paint("Incomplete: a certificate needs every case inside the claim answered.", "yellow"))
        lines.extend(f"  {gap}" for gap in gaps)
    where = []
    if stream is not None:
        where.append(
            f"results stream: {one_line(str(stream), 500)} (vmjob report FILE --html r.html rebuilds any report)"
        )
    written = [f"{REPORT_LABELS.get(k, k)} {one_line(str(p), 300)}" for k, p in (reports or {}).items()]
    if written:
        where.append(f"reports: {', '.join(written)}")
    commands = rerun_commands(report, stream) if rules else []
    if commands:
        where.append("rerun just the failures:")
        where.extend(paint(f"  {command}", "cyan") for command in commands)
    if where:
        lines.append("")
        lines.extend(where)
    lines.append("")
    verdict = verdict_line(report)
    lines.append(paint(verdict, "bold", "green" if report["conformant"] else "red"))
    return "\n".join(lines) + "\n"
