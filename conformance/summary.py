"""From a run's records to its verdict: counts per outcome and per class, the claim, and ``conformant``.

The certification policy, in three parts:

* **claim** — a certificate covers what the implementation claimed (kinds and classes, narrowed by the run's
  filters, over the suite's corpus or, named, another) and says so: a narrow claim is never shown as a full one;
* **answered** — every case inside the claim, corpus or generated, was answered: a case the implementation
  declines (``skipped``), a fuzz campaign cut short, a run interrupted, one shard of a run (``--shard K/N``,
  N > 1: only the merged shards answer the claim) are *incomplete*, never conformant;
* **faults** — a timeout, a crash or a protocol error on any document, at any level, blocks.

Then: conformant at a level when, in addition, every case whose rule counts at that level passed and the
fuzzer found no divergence counted at that level. Informational rules are reported, never counted (but a
fault or a decline on one still makes the run incomplete). A run in which no case was executed proves
nothing and is not conformant; nor is one in which no case of a rule counted at the level was executed and
no generated document was sent (``--rule parse.depth`` alone, informational, at any level).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from reference import CLASSES, KINDS, LEVELS

from . import __version__
from .corpus import CorpusError, digest
from .model import OUTCOMES, UNANSWERED
from .records import Footer, Header


def counted_levels(level: str) -> tuple[str, ...]:
    """The rule levels that count at ``level``: ``required`` alone, or ``required`` and ``recommended``."""
    if level not in ("required", "recommended"):
        raise ValueError(f"level={level!r} is not a certification level; expected 'required' or 'recommended'")
    return LEVELS[: LEVELS.index(level) + 1]


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def claim(header: Mapping[str, Any] | None) -> dict[str, Any]:
    """What a certificate covers: the implementation's claimed kinds and classes, narrowed by the filters.

    ``{"kinds", "classes", "rules", "full", "text", "corpus"}``: ``full`` only when every kind and every class
    is covered with no rule filter, over the installed corpus; ``text`` says it in words ("job documents,
    classes core + payload (2 of 7)"); ``corpus`` the digest of a corpus known not to be the installed one
    (:func:`other_corpus`), absent otherwise.
    """
    head = Header.from_json(dict(header or {}))  # a stream is a file anyone can edit: read it leniently
    kinds, classes = set(head.implementation.kinds), set(head.implementation.classes)
    if head.kinds:
        kinds &= set(head.kinds)
    if head.classes:
        classes &= set(head.classes)
    rules = sorted(set(head.rules))
    corpus = other_corpus(head)
    own = {"corpus": head.corpus_digest} if corpus else {}  # the digest of a corpus not the installed one
    if classes == {"behaviour"}:  # a worker certification (vmjob worker certify): its one class, its own words
        return {"kinds": ["job"], "classes": ["behaviour"], "rules": rules, "full": not rules and not corpus,
                "text": "worker behaviour (class behaviour)" + corpus, **own}  # fmt: skip
    ordered_kinds = [k for k in KINDS if k in kinds]
    ordered_classes = [c for c in CLASSES if c in classes]
    full = len(ordered_kinds) == len(KINDS) and len(ordered_classes) == len(CLASSES) and not rules
    if full:
        text = f"all {len(KINDS)} document kinds, all {len(CLASSES)} classes"
    elif not ordered_kinds or not ordered_classes:
        text = "nothing (the claim and the filters leave no kind or no class)"
    else:
        kind_text = (
            f"all {len(KINDS)} document kinds"
            if len(ordered_kinds) == len(KINDS)
            else f"{_and(ordered_kinds)} documents"
        )
        word = "class" if len(ordered_classes) == 1 else "classes"
        text = f"{kind_text}, {word} {' + '.join(ordered_classes)} ({len(ordered_classes)} of {len(CLASSES)})"
        if rules:
            text += f", rules {', '.join(rules)} only"
    if corpus:
        full, text = False, text + corpus
    return {"kinds": ordered_kinds, "classes": ordered_classes, "rules": rules, "full": full, "text": text, **own}


@cache
def _installed_digest() -> str | None:
    try:
        return digest()
    except (CorpusError, OSError):
        return None


def other_corpus(head: Header) -> str:
    """``", on corpus sha256:…"`` when the run's corpus is known not to be the installed one (the same suite
    version, another digest: ``--corpus DIR``, or ``corpus =`` in a configuration file), else "". A
    certificate over a corpus of one's own choosing covers that corpus, not the protocol: never a full claim.
    """
    if not head.corpus_digest or head.suite_version != __version__:
        return ""  # no digest, or another suite version: whose corpus it was cannot be told here
    installed = _installed_digest()
    if installed is None or installed == head.corpus_digest:
        return ""
    return f", on corpus {head.corpus_digest[:19]}… (not the installed corpus)"


def _number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def fuzz_completeness(header: Mapping[str, Any] | None, footer: Mapping[str, Any] | None) -> dict[str, Any]:
    """What became of the generated documents a run asked for: ``{"asked", "sent", "declined", "faults",
    "unanswered", "reason"}`` (``reason`` says why some were not answered; "" when all were)."""
    asked = Header.from_json(dict(header or {})).fuzz
    foot = Footer.from_json(dict(footer or {}))
    stats, stopped = foot.fuzz, foot.stopped
    if stats is None:
        if not asked:
            return {"asked": 0, "sent": 0, "declined": 0, "faults": 0, "unanswered": 0, "reason": ""}
        return {"asked": asked, "sent": 0, "declined": 0, "faults": 0, "unanswered": asked,
                "reason": stopped or "the fuzz campaign did not run"}  # fmt: skip
    # The campaign's own budget: 0 when nothing inside the claim can be generated (then nothing is owed).
    owed = _number(stats.get("asked")) if "asked" in stats else asked
    sent, declined, faults = (_number(stats.get(k)) for k in ("examples", "declined", "faults"))
    unanswered = max(0, owed - sent) + declined + faults
    reasons = []
    if owed > sent:
        cut = stats.get("stopped") if isinstance(stats.get("stopped"), str) and stats.get("stopped") else stopped
        reasons.append(f"{owed - sent:,} never sent" + (f" ({cut})" if cut else ""))
    if declined:
        reasons.append(f"{declined:,} declined by the implementation")
    if faults:
        reasons.append(f"{faults:,} answered with a timeout, crash or protocol error")
    return {
        "asked": owed,
        "sent": sent,
        "declined": declined,
        "faults": faults,
        "unanswered": unanswered,
        "reason": "; ".join(reasons),
    }


def summarize(
    results: Iterable[Mapping[str, Any]],
    findings: Iterable[Mapping[str, Any]] = (),
    level: str = "required",
    *,
    header: Mapping[str, Any] | None = None,
    footer: Mapping[str, Any] | None = None,
    interrupted: bool = False,
) -> dict[str, Any]:
    """The ``summary`` object of a report, with ``conformant``, from result and finding records (as JSON).

    ``header`` and ``footer`` (the stream's records) give the claim and what the fuzz campaign did; without
    a header the claim is unknown (and the verdict rests on the records alone, as for the zoo's score).
    """
    counted = counted_levels(level)
    by_outcome: Counter[str] = Counter()
    by_class: dict[str, Counter[str]] = {}
    by_level: dict[str, Counter[str]] = {}
    blocking = failed = 0
    for r in results:
        by_outcome[r["outcome"]] += 1
        by_class.setdefault(r["class"], Counter())[r["outcome"]] += 1
        by_level.setdefault(r["level"], Counter())[r["outcome"]] += 1
        if r["outcome"] not in ("pass", "skip") and (r["level"] in counted or r["outcome"] in UNANSWERED):
            blocking += 1
            failed += r["outcome"] == "fail"
    finding_list = list(findings)
    # A fault on a generated document blocks at any level, as one on a corpus case does.
    blocking_findings = sum(1 for f in finding_list if f.get("fault") or f.get("level") in counted)
    failed += sum(1 for f in finding_list if not f.get("fault") and f.get("level") in counted)
    executed = sum(n for o, n in by_outcome.items() if o != "skip")
    unanswered_cases = sum(by_outcome.get(o, 0) for o in UNANSWERED)
    fuzz = fuzz_completeness(header, footer)
    if footer is None and header is not None:
        interrupted = True
    interrupted = interrupted or bool((footer or {}).get("interrupted"))
    reasons = []
    if unanswered_cases:
        parts = [f"{by_outcome[o]:,} {o}" for o in OUTCOMES if o in UNANSWERED and by_outcome.get(o)]
        reasons.append(f"{unanswered_cases:,} corpus cases not answered ({', '.join(parts)})")
    if fuzz["unanswered"]:
        reasons.append(
            f"{fuzz['unanswered']:,} of {fuzz['asked']:,} generated documents not answered: {fuzz['reason']}"
        )
    if interrupted:
        reasons.append("the run was interrupted before it finished")
    shard = Header.from_json(dict(header)).shard if header is not None else None
    if shard is not None and shard[1] > 1:  # one N-th of the claimed cases: only the merged shards certify
        k, n = shard
        reasons.append(f"shard {k}/{n} is 1 of the run's {n} parts (vmjob report merge puts them together)")
    complete = not reasons
    # A case of a rule that counts at the level, or a generated document (judged on every rule): without one,
    # nothing the level asks for was tested — filters leaving informational rules alone certify nothing.
    counted_run = sum(n for lv, c in by_level.items() if lv in counted for o, n in c.items() if o != "skip")
    tested = counted_run > 0 or fuzz["sent"] > 0
    return {
        "level": level,
        "total": sum(by_outcome.values()),
        "outcomes": {o: by_outcome.get(o, 0) for o in OUTCOMES},
        "classes": {k: {o: v.get(o, 0) for o in OUTCOMES} for k, v in sorted(by_class.items())},
        "levels": {k: {o: v.get(o, 0) for o in OUTCOMES} for k, v in sorted(by_level.items())},
        "findings": len(finding_list),
        "blocking": blocking + blocking_findings,
        # Of those, the wrong verdicts (cases failed, divergences found): the rest are unanswered cases.
        "failed": failed,
        "claim": claim(header) if header is not None else None,
        "fuzz": fuzz,
        "complete": complete,
        "incomplete": reasons,
        "interrupted": interrupted,
        "conformant": executed > 0 and tested and complete and blocking == 0 and blocking_findings == 0,
    }
