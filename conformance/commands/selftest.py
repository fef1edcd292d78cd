"""``vmjob selftest``: the suite's power, measured: the mutation score over the mutant zoo.

Every mutant and every equivalent variant of ``conformance.zoo`` is certified through the real persistent
transport (``python -m conformance.zoo NAME``); the score says how many mutants the corpus catches, how
many the fuzzer catches alone (corpus switched off) and how many equivalents raise a false alarm, for each
family apart (the first mutants, the second family written from the protocol text alone when it is
installed, the equivalents of both) with the most fuzz cases a member of each needed. Then the
hostile members (:mod:`conformance.zoo.hostile`: crash, hang, decline or answer garbage on generated
documents while answering the corpus exactly) are certified with a small fuzz campaign: every one of them
must be refused certification.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..cli import UsageError
from ..corpus import CorpusError, default_root, load_corpus
from ..fuzz.differential import GENERATED
from ..zoo import VARIANTS, Variant
from ..zoo.hostile import HOSTILE, HOSTILE_FUZZ, Hostile
from ..zoo.hostile import certify as certify_hostile
from ..zoo.score import (
    DEFAULT_FUZZ_BUDGET,
    DEFAULT_SEED,
    EQUIVALENTS_FAMILY,
    FamilyScore,
    Score,
    family_scores,
    member_families,
    score_member,
    totals,
)
from .certify import MAX_TIMEOUT

_NAME_WIDTH = 32
_LEVEL_WIDTH = 12
_CORPUS_WIDTH = 46


def register(sub: Any) -> None:
    p = sub.add_parser(
        "selftest",
        help="measure the suite's power: the mutation score over the mutant zoo",
        description="Certify every implementation of the mutant zoo, and its equivalent variants, through "
        "the persistent transport; print per member whether the corpus and the fuzzer (alone) catch it, then "
        "the mutation score. Exit 0 when it meets the targets (100% caught by the corpus, 100% by fuzzing "
        "alone, no false alarm), 1 otherwise.",
    )
    p.add_argument(
        "--fuzz-budget",
        type=int,
        default=DEFAULT_FUZZ_BUDGET,
        metavar="N",
        help=f"fuzz examples per member, corpus switched off (default: {DEFAULT_FUZZ_BUDGET})",
    )
    p.add_argument("--corpus-only", action="store_true", help="score the corpus alone (fast; what CI runs)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"fuzz seed (default: {DEFAULT_SEED})")
    p.add_argument("--json", metavar="FILE", help="also write the per-member scores and the totals as JSON")
    p.add_argument("--only", action="append", default=[], metavar="NAME", help="score only this member (repeatable)")
    p.add_argument(
        "--family",
        action="append",
        default=[],
        metavar="NAME",
        help="score only this family: zoo, independent (when installed) or equivalents (repeatable)",
    )
    p.add_argument("--corpus", metavar="DIR", help="another corpus directory (default: the shipped corpus)")
    p.add_argument(
        "--in-process",
        action="store_true",
        help="drive the members in-process instead of through the persistent transport (faster, same verdicts)",
    )
    p.add_argument(
        "--workers",
        "--jobs",
        dest="jobs",
        type=int,
        default=None,
        metavar="N",
        help="members scored at once, each through its own implementation process; the scores and the output "
        "are the same whatever N (default: the number of cores; --jobs is the old name)",
    )
    p.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds per request (default: 10)")
    p.add_argument(
        "--no-hostile",
        action="store_true",
        help=f"skip certifying the hostile members (each gets {HOSTILE_FUZZ:,} generated documents, also with "
        "--corpus-only: they answer the corpus exactly, so only generated documents can expose them)",
    )
    p.set_defaults(func=run)


def _members(only: list[str], wanted: list[str], families: dict[str, str]) -> list[Variant]:
    """The members to score, mutant families first (each in its own order), then every equivalent."""
    unknown = [n for n in only if n not in VARIANTS]
    if unknown:
        raise UsageError(
            f"--only {unknown[0]!r} is not in the zoo; `python -m conformance.zoo --list` lists its members"
        )
    known = sorted(set(families.values()))
    for name in wanted:
        if name not in known:
            raise UsageError(f"--family {name!r} is not a family of the zoo; expected one of {', '.join(known)}")
    chosen = [VARIANTS[n] for n in only] if only else list(VARIANTS.values())
    if wanted:
        chosen = [v for v in chosen if families.get(v.name) in wanted]
    order = [f for f in dict.fromkeys(families.values()) if f != EQUIVALENTS_FAMILY] + [EQUIVALENTS_FAMILY]
    rank = {f: i for i, f in enumerate(order)}
    return sorted(chosen, key=lambda v: rank.get(families.get(v.name, ""), len(rank)))


def _rules(rules: tuple[str, ...], limit: int = 2) -> str:
    shown = ", ".join(rules[:limit])
    return shown + (f" +{len(rules) - limit}" if len(rules) > limit else "")


def _corpus_cell(s: Score) -> str:
    if s.corpus_flagged is None:
        return "-"
    if s.equivalent:
        return f"FALSE ALARM: {_rules(s.corpus_rules)}" if s.corpus_flagged else "no false alarm"
    return f"yes: {_rules(s.corpus_rules)}" if s.corpus_flagged else "NO"


def _fuzz_cell(s: Score, budget: int) -> str:
    if s.fuzz_flagged is None:
        return "-"
    if s.equivalent:
        return f"FALSE ALARM: {s.fuzz_rule} after {s.fuzz_examples}" if s.fuzz_flagged else "no false alarm"
    if s.fuzz_flagged:
        return f"yes, {s.fuzz_examples} cases: {s.fuzz_rule}"
    return f"NO (within {budget} cases)"


def _row(s: Score, budget: int) -> str:
    line = f"{s.name:<{_NAME_WIDTH}} {s.level:<{_LEVEL_WIDTH}} {_corpus_cell(s):<{_CORPUS_WIDTH}} "
    line += _fuzz_cell(s, budget)
    for problem in s.problems:
        line += f"\n{'':<{_NAME_WIDTH}} problem: {problem}"
    return line.rstrip()


def _header(title: str) -> str:
    return f"{title:<{_NAME_WIDTH}} {'LEVEL':<{_LEVEL_WIDTH}} {'CORPUS':<{_CORPUS_WIDTH}} FUZZ ALONE"


def _section(family: str) -> str:
    return "EQUIVALENT (both families)" if family == EQUIVALENTS_FAMILY else f"MUTANT ({family})"


_FAMILY_COLUMNS = ("FAMILY", "MEMBERS", "CORPUS ALONE", "FUZZ ALONE", "FALSE ALARMS", "WORST CASES-TO-FIND")


def family_table(families: list[FamilyScore], hostile: list[dict[str, Any]]) -> str:
    """The families side by side: each family's score for the corpus alone and for fuzzing alone, false alarms
    (equivalents), the most cases fuzzing needed to find a member; the hostile members' certification."""
    rows = [_FAMILY_COLUMNS]
    for f in families:
        rows.append((f.name, str(f.members), *f.cells()))
    if hostile:
        refused = sum(1 for h in hostile if not h["conformant"])
        rows.append(("hostile", str(len(hostile)), "-", "-", "-", f"refused {refused}/{len(hostile)}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(_FAMILY_COLUMNS))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def _survivor_notes(scores: list[Score], fuzz_ran: bool) -> Iterator[str]:
    generated = GENERATED if fuzz_ran else None
    for s in scores:
        v = VARIANTS[s.name]
        if s.equivalent or v.witness is None:
            continue
        gaps = []
        if s.corpus_flagged is False:
            gaps.append("the corpus")
        if fuzz_ran and s.fuzz_flagged is False:
            gaps.append("the fuzzer")
        if gaps:
            scope = ""
            if "the fuzzer" in gaps and generated is not None and not set(v.breaks) & generated:
                scope = " (no rule it breaks is among the fuzzer's generated rules)"
            yield (
                f"survivor {s.name} ({' and '.join(gaps)}): rule {', '.join(v.breaks)}{scope}; "
                f"caught by e.g. {v.witness.describe()}"
            )


def run(args: argparse.Namespace) -> int:
    if args.fuzz_budget < 0:
        raise UsageError(f"--fuzz-budget={args.fuzz_budget} must be 0 or more")
    if args.jobs is None:
        import os

        args.jobs = os.cpu_count() or 1
    if args.jobs < 1:
        raise UsageError(f"--workers={args.jobs} must be at least 1")
    if not 0 < args.timeout <= MAX_TIMEOUT:  # inf or huge: a hang, and an overflow in the transports' clocks
        raise UsageError(f"--timeout={args.timeout} must be > 0 and at most {MAX_TIMEOUT:,} seconds")
    corpus = Path(args.corpus) if args.corpus else None
    if corpus is not None and not corpus.is_dir():
        raise UsageError(f"--corpus {args.corpus!r} is not a directory")
    families = member_families()
    members = _members(args.only, args.family, families)
    budget = 0 if args.corpus_only else args.fuzz_budget
    transport = "python" if args.in_process else "cmd"
    try:
        corpus = corpus or default_root()
        cases = load_corpus(corpus)  # read once up front, so a broken corpus is one clear error
    except (CorpusError, OSError, ImportError) as err:
        raise UsageError(f"cannot read the corpus ({args.corpus or 'the shipped corpus'}): {err}") from err

    def one(v: Variant) -> Score:
        return score_member(
            v, transport=transport, cases=cases, corpus=corpus, fuzz_budget=budget, seed=args.seed,
            timeout=args.timeout,
        )  # fmt: skip

    scores: list[Score] = []
    section = None
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for s in pool.map(one, members):
            family = families.get(s.name, "")
            if family != section:
                print(("\n" if section is not None else "") + _header(_section(family)))
                section = family
            print(_row(s, budget), flush=True)
            scores.append(s)
    total = totals(scores, fuzz_ran=budget > 0)
    by_family = family_scores(scores, budget > 0, families)
    hostile = [] if args.no_hostile or args.only or args.family else _hostile(corpus, args.seed, args.jobs)
    print()
    for note in _survivor_notes(scores, budget > 0):
        print(note)
    print(family_table(by_family, hostile))
    print(total.line())
    refused = sum(1 for h in hostile if not h["conformant"])
    if hostile:
        print(f"hostile implementations: {refused}/{len(hostile)} refused certification")
    # The worker zoo: the behaviour mutation score (conformance/behaviour/score.py), scored in-process.
    from ..behaviour.score import behaviour_met, behaviour_score
    from ..behaviour.score import render as render_behaviour

    worker_zoo = None if args.only or args.family else behaviour_score(seed=args.seed, corpus=corpus)
    if worker_zoo is not None:
        print("\n".join(render_behaviour(worker_zoo)))
    if args.json:
        body = {
            "fuzz_budget": budget,
            "seed": args.seed,
            "transport": transport,
            "members": [{**VARIANTS[s.name].to_json(), **s.to_json(), "family": families.get(s.name)} for s in scores],
            "families": [f.to_json() for f in by_family]
            + ([{"family": "hostile", "members": len(hostile), "refused": refused}] if hostile else []),
            "totals": total.to_json(),
            "hostile": hostile,
            "behaviour": worker_zoo,
        }
        try:
            Path(args.json).write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        except OSError as err:
            raise UsageError(f"cannot write --json {args.json!r}: {err.strerror or err}") from err
    sys.stdout.flush()
    return 0 if total.met and refused == len(hostile) and behaviour_met(worker_zoo) else 1


def _hostile(corpus: Path, seed: int, jobs: int) -> list[dict[str, Any]]:
    """Certify every hostile member; one line each, as it is known."""
    print("\n" + f"{'HOSTILE':<{_NAME_WIDTH}}{'level':<{_LEVEL_WIDTH}}certification")

    def one(member: Hostile) -> dict[str, Any]:
        summary = certify_hostile(member, corpus, seed)
        why = "; ".join(summary["incomplete"]) or f"{summary['blocking']} blocking"
        return {"name": member.name, "level": member.level, "conformant": summary["conformant"], "why": why}

    out = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for h in pool.map(one, HOSTILE.values()):
            verdict = "CERTIFIED (a hole in the suite)" if h["conformant"] else "refused"
            print(f"{h['name']:<{_NAME_WIDTH}}{h['level']:<{_LEVEL_WIDTH}}{verdict}: {h['why'][:160]}", flush=True)
            out.append(h)
    return out
