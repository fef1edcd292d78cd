"""``vmjob fuzz (--cmd | --one-shot | --url | --python) TARGET``: differential fuzzing against the reference.

Exit status 0 when no divergence counts at ``--level``, 1 when one does, 2 for a usage or harness error.
``--report FILE`` keeps the header, every finding (with its minimal document) and a footer with the run's
figures; ``--replay FILE`` sends a report's findings to the implementation again and says which still
diverge (the transport defaults to the one the report names).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from reference import CLASSES, KINDS, LEVELS

from .. import __version__, safejson
from ..cli import UsageError
from ..safetext import escape_line
from ..transports import Implementation, TransportError, open_implementation
from ..transports.base import ImplementationGone
from .certify import TRANSPORT_OPTIONS, add_target_options, add_transport_options, add_workers_option, options, workers

#: Findings are a few levels deep; a deeper line is not one the suite wrote.
RECORD_DEPTH = 32

_SHOWN = 600


def register(sub: Any) -> None:
    p = sub.add_parser(
        "fuzz",
        help="fuzz an implementation differentially against the reference",
        description="Send generated documents (valid ones, and mutations that each break one rule) to an "
        "implementation and to the reference, and, when it claims those classes, capability matches and round "
        "trips; report every disagreement once per rule, shrunk to a minimal document (at --level recommended, "
        "a missing warning is one). Exit 0 when no divergence counts at --level, 1 when one does, 2 for a usage "
        "or harness error.",
    )
    add_target_options(p, required=False)  # --replay may take the transport from its report
    budget = p.add_mutually_exclusive_group()
    budget.add_argument("--examples", type=int, metavar="N", help="documents to send (default 10000)")
    budget.add_argument("--duration", type=float, metavar="SECONDS", help="fuzz for this long instead")
    p.add_argument("--seed", type=int, default=None, help="the generator's seed (default: random; it is printed)")
    p.add_argument(
        "--engine",
        choices=("fast", "hypothesis"),
        default="fast",
        help="fast: schema-compiled generator and JSON shrinker (default); hypothesis: hypothesis-jsonschema "
        "documents shrunk by Hypothesis (slow: give --examples in the hundreds)",
    )
    p.add_argument("--kind", dest="kinds", action="append", default=[], choices=KINDS, metavar="KIND")
    p.add_argument("--class", dest="classes", action="append", default=[], choices=CLASSES, metavar="CLASS")
    add_transport_options(p)
    add_workers_option(p)  # the fast engine's campaign is cut into slices shared out; --engine hypothesis runs on one
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run the campaign's slices as tasks of the Dask cluster whose scheduler is at ADDRESS "
        "(tcp://HOST:8786; needs pip install 'vmjob[cluster]'); findings are shared as it runs: each task "
        "replays those already found first. The implementation must be reachable from every worker",
    )
    p.add_argument("--report", metavar="FILE", help="write header, findings and footer (.jsonl, or .json)")
    p.add_argument("--replay", metavar="REPORT", help="re-run a report's findings instead of fuzzing")
    p.add_argument("--quiet", action="store_true", help="print only the summary line")
    p.set_defaults(func=run)


def _target(args: argparse.Namespace) -> tuple[str, str] | None:
    for name, _ in TRANSPORT_OPTIONS:
        value = getattr(args, name.replace("-", "_"))
        if value is not None:
            if not value.strip():
                raise UsageError(f"--{name}: the target is empty")
            return name, value
    return None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _open(transport: str, target: str, args: argparse.Namespace) -> Implementation:
    try:
        impl = open_implementation(transport, target, options(args))
        impl.start()
    except TransportError as err:
        raise UsageError(str(err)) from err
    return impl


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + f"... ({len(text)} characters)"


def _show(finding: dict[str, Any], n: int, out: IO[str]) -> None:
    counted = "" if finding.get("counted", True) else ", not counted at this level"
    print(f"\nfinding {n}: {finding['rule']} ({finding['level']}, {finding['class']}{counted})", file=out)
    print(f"  {escape_line(str(finding['message']))}", file=out)  # an implementation's words: made safe to show
    if finding.get("mode") == "match":
        lists = json.dumps({"required": finding["required"], "available": finding["available"]}, ensure_ascii=False)
        print(f"  found after {finding['examples']} examples; minimal lists:", file=out)
        print(f"    {escape_line(_short(lists))}", file=out)
        return
    doc = finding.get("document")
    if doc is None:
        shown = "base64:" + finding["document_base64"]
    else:
        shown = doc if doc.isprintable() else json.dumps(doc, ensure_ascii=False) + " (as a JSON string)"
    print(
        f"  found after {finding['examples']} examples; minimal {finding['kind']} document "
        f"({finding['size']} bytes, shrunk from {finding['original_size']}):",
        file=out,
    )
    print(f"    {escape_line(_short(shown))}", file=out)


class _Report:
    """The report file: JSON Lines written as the run goes (a killed run keeps its findings), or one JSON list."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.records: list[dict[str, Any]] = []
        self.fh: IO[str] | None = None
        if path is not None:
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                # Created new, never truncated: a second run on the same path must not destroy the first's findings.
                self.fh = open(path, "x", encoding="utf-8")  # noqa: SIM115 - closed in close()
            except FileExistsError:
                raise UsageError(
                    f"--report {path!r} already exists (the findings of another run); give another path, "
                    "or move that file away"
                ) from None
            except OSError as err:
                raise UsageError(f"--report {path!r}: cannot write: {err.strerror or err}") from err
        self.lines = path is not None and not path.endswith(".json")

    def add(self, record: dict[str, Any]) -> None:
        self.records.append(record)
        if self.fh is not None and self.lines:
            self.fh.write(safejson.dumps_utf8(record) + "\n")
            self.fh.flush()

    def close(self) -> None:
        if self.fh is not None:
            if not self.lines:
                self.fh.write(safejson.dumps_utf8(self.records, indent=1))
                self.fh.write("\n")
            self.fh.close()


def run(args: argparse.Namespace) -> int:
    if args.replay is not None:
        return replay(args)
    tgt = _target(args)
    if tgt is None:
        raise UsageError("one of --cmd, --one-shot, --url, --python is required (or --replay REPORT)")
    if args.examples is not None and args.examples < 1:
        raise UsageError(f"--examples={args.examples} must be >= 1")
    if args.duration is not None and not 0 < args.duration < float("inf"):  # inf: no clock reads a deadline at inf
        raise UsageError(f"--duration={args.duration} must be a finite number of seconds > 0 (Ctrl-C stops one)")
    if args.engine == "hypothesis" and args.duration is not None:
        raise UsageError("--duration is not supported with --engine hypothesis; give --examples")
    if args.cluster is not None and args.engine != "fast":
        raise UsageError("--cluster runs the fast engine's slices; it cannot run --engine hypothesis")
    # Imported here, not at the top: `vmjob fuzz --help` imports this module and does not need the fuzzer.
    from ..fuzz.differential import DEFAULT_EXAMPLES, FuzzStats, fuzz

    seed = args.seed if args.seed is not None else random.randrange(2**32)
    n = workers(args)
    impl = _open(*tgt, args)
    try:
        report = _Report(args.report)
    except UsageError:
        impl.close()
        raise
    out = sys.stdout
    stats = FuzzStats()
    counted = 0
    findings = 0
    info = impl.info
    assert info is not None
    examples = args.examples if args.examples is not None or args.duration is not None else DEFAULT_EXAMPLES
    report.add(
        {
            "type": "header",
            "suite_version": __version__,
            "corpus_digest": None,
            "seed": seed,
            "started_at": _now(),
            "implementation": info.to_json(),
            "transport": {"kind": tgt[0], "target": tgt[1]},
            "level": args.level,
            "filters": {"kinds": args.kinds, "classes": args.classes, "rules": []},
            "fuzz": examples,
            "duration": args.duration,
            "engine": args.engine,
            "timeout": args.timeout,
        }
    )
    stopped = ""
    interrupted = True
    sliced: dict[str, Any] | None = None

    def found(finding: dict[str, Any]) -> None:
        nonlocal findings, counted
        findings += 1
        counted += bool(finding["counted"])
        report.add(finding)
        if not args.quiet:
            _show(finding, findings, out)

    try:
        if args.engine == "fast":
            sliced, stopped = _sliced(impl, tgt, args, seed, examples, found, n)
            interrupted = False
        for finding in (
            ()
            if args.engine == "fast"
            else fuzz(
                impl,
                examples=examples,
                duration=args.duration,
                seed=seed,
                kinds=args.kinds,
                classes=args.classes,
                level=args.level,
                timeout=args.timeout,
                stats=stats,
                engine=args.engine,
            )
        ):
            found(finding)
        interrupted = False
    except ImplementationGone as err:
        stopped = f"fuzzing stopped: {err}"
        interrupted = False
    finally:
        impl.close()
        report.add(
            {
                "type": "footer",
                "finished_at": _now(),
                "interrupted": interrupted,
                "stopped": stopped,
                "stderr": "",
                "stats": sliced if sliced is not None else stats.to_json(),
            }
        )
        report.close()
    if sliced is not None:
        _count(stats, sliced)
    rate = f" ({stats.examples / stats.seconds:,.0f}/s)" if stats.seconds else ""
    where = f"; report: {args.report}" if args.report else ""
    skipped = f", {stats.skipped} the transport could not carry" if stats.skipped else ""
    skipped += f", {stats.declined} declined by the implementation" if stats.declined else ""
    outside = f"; kinds outside its claim: {', '.join(stats.outside_claim)}" if stats.outside_claim else ""
    print(
        f"\nvmjob fuzz: {stats.examples} examples in {stats.seconds:.1f} s{rate}, seed {seed}, against "
        f"{info.name} {info.version}: {findings} finding(s), {counted} counted at level {args.level}, "
        f"{stats.faults} fault(s){skipped}{outside}{where}",
        file=out,
    )
    if stopped:  # the implementation kept crashing or hanging: its faults are findings, the rest unanswered
        print(f"vmjob fuzz: {stopped}", file=sys.stderr)
        return 1
    if stats.declined:
        print(
            f"vmjob fuzz: {stats.declined} generated document(s) declined: the campaign is incomplete", file=sys.stderr
        )
        return 1
    if stats.examples == 0:
        print("vmjob fuzz: nothing was fuzzed: no kind or class within the implementation's claim", file=sys.stderr)
        return 2
    return 1 if counted else 0


def _sliced(
    impl: Implementation,
    tgt: tuple[str, str],
    args: argparse.Namespace,
    seed: int,
    examples: int | None,
    found: Any,
    n: int,
) -> tuple[dict[str, Any], str]:
    """The fast engine's campaign cut into slices over ``n`` workers (:mod:`conformance.parallel`): the same
    findings whatever ``n``; its figures and why it stopped early ("" when it did not)."""
    from ..fuzz.slices import Campaign
    from ..parallel import Pool, slice_units
    from ..runner import RunConfig

    campaign = Campaign(seed, examples, args.duration, tuple(args.kinds), tuple(args.classes), args.level)
    if args.cluster is not None:
        from ..cluster import ClusterError, run_campaign

        try:
            done = run_campaign(args.cluster, tgt, options(args), campaign, slice_units(campaign), found)
        except ClusterError as err:
            raise UsageError(str(err)) from err
        if not args.quiet:
            print(
                f"vmjob fuzz: {done.workers} cluster worker(s); {done.replayed} known finding(s) replayed first "
                f"by later tasks, {done.diverging} still diverging",
                file=sys.stderr,
            )
        return done.fuzz, done.stopped
    config = RunConfig(
        level=args.level,
        seed=seed,
        fuzz=examples or 0,
        timeout=args.timeout,
        transport={"kind": tgt[0], "target": tgt[1]},
        options=options(args),
    )
    result = Pool(impl, config, campaign, found, n).run(slice_units(campaign))
    assert result.fuzz is not None
    return result.fuzz, result.stopped


def _count(stats: Any, figures: dict[str, Any]) -> None:
    """``stats`` (a FuzzStats) given the figures of a sliced campaign, for the summary line."""
    for name in ("examples", "faults", "skipped", "declined", "seconds", "outside_claim"):
        if name in figures:
            setattr(stats, name, figures[name])


def read_records(path: str) -> Iterator[dict[str, Any]]:
    """The records of a fuzz report or a results stream: JSON Lines, a JSON list, or {"findings": [...]}."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read the report {path!r}: {getattr(err, 'strerror', None) or err}") from err
    stripped = text.lstrip()
    if stripped.startswith("[") or (stripped.startswith("{") and "\n{" not in stripped.rstrip()):
        try:
            body = safejson.loads(text, max_depth=RECORD_DEPTH)
        except ValueError as err:
            raise UsageError(f"{path}: {err}") from err
        items = body if isinstance(body, list) else body.get("findings", []) if isinstance(body, dict) else None
        if items is None:
            raise UsageError(f"{path}: expected a list of records or an object with 'findings'")
        for item in items:
            if isinstance(item, dict):
                yield item if "type" in item else {"type": "finding", **item}
        return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = safejson.loads(line, max_depth=RECORD_DEPTH)
        except ValueError as err:
            raise UsageError(f"{path}, line {n}: {err}") from err
        if isinstance(record, dict):
            yield record


def _versus(outcome: dict[str, Any]) -> str:
    """``reference valid=False, implementation valid=True`` (or ok/missing, or preserved) for a replay line."""
    expected, got = outcome["expected"], outcome["got"]
    if "outcome" in got:
        return f"implementation {got['outcome']}"
    if "ok" in expected:
        return (
            f"reference ok={expected['ok']} missing={expected['missing']}, "
            f"implementation ok={got.get('ok')} missing={got.get('missing')}"
        )
    if "preserved" in expected:
        return "the round trip keeps the document" if got.get("preserved") else f"round trip: {got.get('message')}"
    return f"reference valid={expected['valid']}, implementation valid={got.get('valid')}"


def replay(args: argparse.Namespace) -> int:
    from ..fuzz.differential import replay_finding  # here, not at the top: see run()

    records = list(read_records(args.replay))
    header = next((r for r in records if r.get("type") == "header"), {})
    findings = [r for r in records if r.get("type") == "finding"]
    if not findings:
        print(f"vmjob fuzz: {args.replay} holds no finding; nothing to replay")
        return 0
    tgt = _target(args)
    if tgt is None:
        transport = header.get("transport") or {}
        if not isinstance(transport, dict) or "kind" not in transport or "target" not in transport:
            raise UsageError(f"{args.replay} names no transport; give one of --cmd, --one-shot, --url, --python")
        tgt = (str(transport["kind"]), str(transport["target"]))
    impl = _open(*tgt, args)
    counted_levels = LEVELS[: LEVELS.index(args.level) + 1]
    still = fixed = 0
    try:
        for f in findings:
            try:
                outcome = replay_finding(impl, f)
            except ValueError as err:
                raise UsageError(f"{args.replay}: {err}") from err
            diverges = outcome["diverges"]
            if diverges and f.get("level") in counted_levels:
                still += 1
            fixed += not diverges
            state = "still diverges" if diverges else "agrees now"
            print(f"{f.get('id', '?')}: {f.get('rule')} ({f.get('level')}): {state} ({_versus(outcome)})")
    except ImplementationGone as err:
        print(f"vmjob fuzz: replay stopped: {err}", file=sys.stderr)
        return 2
    finally:
        impl.close()
    print(
        f"\nvmjob fuzz --replay: {len(findings)} finding(s): {still} still diverge at level {args.level}, {fixed} agree"
    )
    return 1 if still else 0
