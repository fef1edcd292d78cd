"""What every report format shares: outcome order and colours, safe text, short forms of expected / got.

Report content comes from implementations under test and from documents built to break parsers, so every
string is cleaned before it reaches a format: control characters (C0 but tab and newline, DEL, C1), lone
surrogates and U+FFFE / U+FFFF become visible escapes such as ``\\x1b``, so the evidence stays readable, the
output stays valid UTF-8, valid XML and sane HTML, and no text can move a terminal's cursor or colour it.
Single-line fields (names, ids, messages in a list) go through :func:`one_line`, which also folds line
breaks: an implementation named ``"x\\nCONFORMANT"`` cannot print a line of its own.
"""

from __future__ import annotations

import json
from typing import Any

from reference import CLASSES, KIND_CLASS, KINDS

from ..model import OUTCOMES
from ..safetext import escape_block

#: Severity of each outcome for the "worst outcome" of a rule: a failed verdict first, then the faults.
SEVERITY: dict[str, int] = {
    "fail": 7, "crash": 6, "timeout": 5, "errored": 4, "declined": 3, "not-run": 2, "pass": 1, "skip": 0,
}  # fmt: skip
#: Outcomes that are neither a pass nor outside the claim: what "failures first" lists.
BAD_OUTCOMES: tuple[str, ...] = ("fail", "crash", "timeout", "errored", "declined", "not-run")
#: One colour per outcome (GitHub's palette), shared by the HTML page and the badge.
COLOURS: dict[str, str] = {
    "pass": "#1a7f37",
    "fail": "#cf222e",
    "crash": "#8250df",
    "timeout": "#bc4c00",
    "errored": "#9a6700",
    "declined": "#953800",
    "not-run": "#6e7781",
    "skip": "#afb8c1",
}
assert set(SEVERITY) == set(OUTCOMES) == set(COLOURS)


def clean(value: Any) -> str:
    """``value`` as text that XML 1.0, UTF-8 and a terminal take as it is, unsafe characters shown as escapes
    (:func:`conformance.safetext.escape_block`: tabs and newlines kept)."""
    return escape_block(value if isinstance(value, str) else "" if value is None else str(value))


def truncate(text: str, limit: int) -> tuple[str, int]:
    """The first ``limit`` characters of ``text`` and how many were left out."""
    if len(text) <= limit:
        return text, 0
    return text[:limit], len(text) - limit


def worst(counts: dict[str, int]) -> str:
    present = [o for o, n in counts.items() if n]
    return max(present, key=SEVERITY.__getitem__) if present else "not-run"


def brief(value: Any, limit: int = 160) -> str:
    """A one-line form of an ``expected`` or ``got`` value: ``invalid at /job_id``, ``ok``, ``missing [a]``."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "valid" if value else "invalid"
    if isinstance(value, dict):
        parts: list[str] = []
        if isinstance(value.get("valid"), bool):
            parts.append("valid" if value["valid"] else "invalid")
            pointer = value.get("pointer")
            errors = value.get("errors")
            if pointer is None and not value["valid"] and isinstance(errors, list) and errors:
                first = errors[0]
                pointer = first.get("pointer") if isinstance(first, dict) else None
            if isinstance(pointer, str):
                parts.append(f"at {pointer}" if pointer else "at the root")  # "/" is another pointer
            if value.get("warnings"):
                parts.append(f"warnings {_short_json(value['warnings'])}")
        elif isinstance(value.get("ok"), bool):
            parts.append("ok" if value["ok"] else "not ok")
            if value.get("missing"):
                parts.append(f"missing {_short_json(value['missing'])}")
        elif isinstance(value.get("preserved"), bool):
            parts.append("preserved" if value["preserved"] else "not preserved")
            for key in ("lost", "gained", "changed"):
                if value.get(key):
                    parts.append(f"{key} {_short_json(value[key])}")
        if parts:
            return one_line(" ".join(parts), limit)
    return one_line(_short_json(value), limit)


def _short_json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        return repr(value)


def one_line(text: str, limit: int = 160) -> str:
    """``text`` on one line, cleaned, cut to ``limit`` characters."""
    text = clean(text.replace("\n", " ").replace("\t", " ").replace("\u2028", " ").replace("\u2029", " "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def expected_got(item: dict[str, Any], limit: int = 160) -> str:
    return f"expected {brief(item.get('expected'), limit)}, got {brief(item.get('got'), limit)}"


def extra_message(item: dict[str, Any]) -> str:
    """The item's message, or "" when it only repeats the expected / got line shown beside it."""
    message = str(item.get("message") or "")
    return "" if one_line(message, 10_000) == expected_got(item, 10_000) else message


def counted(report: dict[str, Any], item: dict[str, Any]) -> bool:
    """Whether ``item`` (a result or finding) counts towards the verdict at the report's level."""
    levels = ("required",) if report.get("level") == "required" else ("required", "recommended")
    return item.get("level") in levels


def failures(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Results that are not a pass or a skip, the ones that count at the report's level first."""
    bad = [r for r in report["results"] if r["outcome"] in BAD_OUTCOMES]
    return sorted(bad, key=lambda r: (not counted(report, r), -SEVERITY[r["outcome"]]))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def impl_line(report: dict[str, Any]) -> str:
    impl = report.get("implementation") or {}
    name = one_line(str(impl.get("name") or "unnamed implementation"), 120)
    version = one_line(str(impl.get("version") or ""), 60)
    language = one_line(str(impl.get("language") or ""), 60)
    text = f"{name} {version}".strip()
    return f"{text} ({language})" if language else text


def transport_line(report: dict[str, Any]) -> str:
    t = report.get("transport") or {}
    if not isinstance(t, dict) or not t:
        return "unknown transport"
    kind = one_line(str(t.get("kind", "?")), 40)
    target = t.get("target")
    return f"{kind} '{one_line(str(target), 200)}'" if target else kind


def claim_text(report: dict[str, Any]) -> str:
    """What the certificate covers, in words: "all 4 document kinds, all 7 classes", or the narrower claim
    followed by "(partial claim)"; "" for a stream that does not say (a stream made by hand)."""
    claim = report["summary"].get("claim") or report.get("claim")
    if not isinstance(claim, dict) or not isinstance(claim.get("text"), str):
        return ""
    return one_line(claim["text"], 300) + ("" if claim.get("full") else " (partial claim)")


def incomplete(report: dict[str, Any]) -> list[str]:
    """Why the run is incomplete (cases or generated documents not answered, interrupted); [] when it is not."""
    reasons = report["summary"].get("incomplete")
    if isinstance(reasons, list):
        return [one_line(str(r), 400) for r in reasons]
    return ["the run was interrupted before it finished"] if report.get("interrupted") else []


def state(report: dict[str, Any]) -> str:
    """``conformant``; ``failed`` when a verdict was wrong (a case failed, the fuzzer found a divergence);
    else ``incomplete`` when cases were left unanswered; else ``failed`` (e.g. nothing was run)."""
    if report["conformant"]:
        return "conformant"
    if not report["summary"].get("failed", 1) and incomplete(report):
        return "incomplete"
    return "failed"


def verdict_line(report: dict[str, Any]) -> str:
    """The certificate in one line: verdict, level, what it covers, and why not when it is not."""
    level = report["level"]
    covers = claim_text(report)
    scope = f" for {covers}" if covers else ""
    if report["conformant"]:
        return f"CONFORMANT at level {level}{scope}"
    why = []
    blocking = report["summary"].get("blocking", 0)
    if blocking:
        why.append(f"{blocking} blocking")
    gaps = incomplete(report)
    if gaps:
        why.append("incomplete: " + "; ".join(gaps))
    executed = report["summary"]["total"] - report["summary"]["outcomes"].get("skip", 0)
    if not executed:
        why.append("no case was run")
    elif not blocking and not gaps:
        why.append(f"no case of a rule counted at level {level} was run")
    return f"NOT CONFORMANT at level {level}{scope}" + (f" ({', '.join(why)})" if why else "")


def score(report: dict[str, Any]) -> tuple[int, int]:
    """Passed cases and cases run (skips left out): the ``712/712`` of the badge."""
    outcomes = report["summary"]["outcomes"]
    return outcomes.get("pass", 0), report["summary"]["total"] - outcomes.get("skip", 0)


def short_claim(report: dict[str, Any]) -> str:
    """The claim in a few characters for a badge: "" when full, else e.g. "worker only", "5/7 classes" or
    "own corpus" (a corpus not the installed one)."""
    claim = report["summary"].get("claim") or report.get("claim")
    if not isinstance(claim, dict) or claim.get("full"):
        return ""
    classes = [c for c in claim.get("classes") or [] if isinstance(c, str)]
    kinds = [k for k in claim.get("kinds") or [] if isinstance(k, str)]
    if claim.get("rules"):
        return "some rules"
    # Named when fewer than every kind and the classes do not say it already (class worker: worker documents).
    # Without it, result documents alone under every class read "7/7 classes", a full claim's look.
    docs = ""
    if kinds and len(kinds) < len(KINDS) and not set(classes) <= {KIND_CLASS.get(k) for k in kinds}:
        docs = " + ".join(kinds) + " docs" if len(kinds) <= 2 else f"{len(kinds)}/{len(KINDS)} kinds"
    if 0 < len(classes) <= 2:
        return (f"{docs}, " if docs else "") + " + ".join(classes) + " only"
    if claim.get("corpus") and len(classes) == len(CLASSES):
        return f"{docs}, own corpus" if docs else "own corpus"
    if docs and len(classes) == len(CLASSES):
        return docs
    return (f"{docs}, " if docs else "") + f"{len(classes)}/{len(CLASSES)} classes"
