"""``vmjob corpus``: generate, format, check, measure and browse the fixture corpus."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from reference import CLASSES, KINDS

from ..cli import UsageError
from ..corpus import Case, CorpusError, corpus_files, default_root, load_corpus, read_text_and_json, select

# The verbs import what they run (the generator, the checker, the promoter and the fuzzer behind it) when
# they run: `vmjob --help` imports every command module, and stays fast.


def register(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "corpus",
        help="generate, check and browse the fixture corpus",
        description="The fixture corpus: every SPEC rule, both ways, at its boundaries.",
    )
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)

    def verb(name: str, help: str, func: Any) -> argparse.ArgumentParser:
        v = verbs.add_parser(name, help=help, description=help)
        v.add_argument("--corpus", metavar="DIR", type=Path, help="the corpus directory (default: the shipped one)")
        v.set_defaults(func=func)
        return v

    verb(
        "generate", "rewrite the generated corpus files and issue new ids (curated files are left alone)", run_generate
    )
    verb("format", "rewrite every corpus file in the canonical form", run_format)
    verb(
        "check",
        "check the corpus: form, ids, agreement with the reference, coverage (exit 1 on any problem)",
        run_check,
    )
    v = verb(
        "coverage", "print the coverage table: rules x valid / invalid / warning cases (exit 1 on a gap)", run_coverage
    )
    v.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    verb("stats", "count the cases per kind, class, level and expected outcome", run_stats)
    v = verb("list", "list cases, one line each, id first", run_list)
    v.add_argument("--kind", action="append", default=[], choices=KINDS, help="only this kind (repeatable)")
    v.add_argument(
        "--class", dest="klass", action="append", default=[], choices=CLASSES, help="only this class (repeatable)"
    )
    v.add_argument("--rule", action="append", default=[], help="only this rule id or rule-id prefix (repeatable)")
    v = verb("show", "show one case in full", run_show)
    v.add_argument("id", metavar="ID", help="a case id (see `vmjob corpus list`)")
    v = verb("promote", "turn a fuzz or zoo finding report into corpus cases", run_promote)
    v.add_argument("report", metavar="REPORT", help="a findings report (JSON Lines)")
    v.add_argument("--out", metavar="FILE", help="the corpus file to write the new cases to")


def _root(args: argparse.Namespace) -> Path:
    root: Path = args.corpus or default_root()
    if not root.is_dir():
        raise UsageError(f"--corpus={str(root)!r} is not a directory")
    return root


def _cases(args: argparse.Namespace) -> list[Case]:
    try:
        return load_corpus(_root(args))
    except CorpusError as err:
        raise UsageError(f"{err} (run `vmjob corpus check` for every problem)") from err


def run_generate(args: argparse.Namespace) -> int:
    from ..corpus.generate import generate

    report = generate(_root(args))
    print(
        f"{len(report.written)} file(s) written, {len(report.removed)} removed, {len(report.new_ids)} new id(s) issued"
    )
    for ident in report.vanished:
        print(f"vanished id: {ident} (restore the case or retire the id in ids.txt)", file=sys.stderr)
    return 1 if report.vanished else 0


def run_format(args: argparse.Namespace) -> int:
    from ..corpus.format import canonical_text

    root = _root(args)
    changed = bad = 0
    for path in corpus_files(root):
        rel = path.relative_to(root).as_posix()
        try:
            text, body = read_text_and_json(path)
        except CorpusError as err:
            print(f"{rel}: {err}", file=sys.stderr)
            bad += 1
            continue
        canonical = canonical_text(body)
        if canonical != text:
            path.write_text(canonical, encoding="utf-8")
            changed += 1
    print(f"{changed} file(s) reformatted")
    return 1 if bad else 0


def run_check(args: argparse.Namespace) -> int:
    from ..corpus.check import check

    problems = check(_root(args))
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("corpus ok")
    return 0


def run_coverage(args: argparse.Namespace) -> int:
    from ..corpus.check import coverage

    rows = coverage(_cases(args))
    if args.format == "json":
        for r in rows:
            print(
                json.dumps(
                    {
                        "rule": r.rule,
                        "level": r.level,
                        "class": r.klass,
                        "polarity": r.polarity,
                        "valid": r.valid,
                        "invalid": r.invalid,
                        "warning": r.warning,
                        "covered": not r.gap,
                        "gap": r.gap,
                    }
                )
            )
    else:
        width = max(len(r.rule) for r in rows)
        print(
            f"{'rule':<{width}}  {'level':<13} {'class':<12} {'polarity':<8} {'valid':>5} {'invalid':>7} "
            f"{'warning':>7}  covered"
        )
        for r in rows:
            print(
                f"{r.rule:<{width}}  {r.level:<13} {r.klass:<12} {r.polarity:<8} {r.valid:>5} {r.invalid:>7} "
                f"{r.warning:>7}  {'yes' if not r.gap else 'NO: ' + r.gap}"
            )
        both = sum(1 for r in rows if not r.gap)
        print(f"{both} of {len(rows)} rules covered")
    return 1 if any(r.gap for r in rows) else 0


def _outcome(case: Case) -> str:
    if case.mode == "match":
        return "match ok" if case.ok else "match missing"
    if case.mode == "roundtrip":
        return "roundtrip"
    if not case.valid:
        return "invalid"
    return "valid with warnings" if case.warnings else "valid"


def run_stats(args: argparse.Namespace) -> int:
    from collections import Counter

    from ..corpus.check import coverage

    cases = _cases(args)
    print(f"{len(cases)} cases")
    for title, key in (
        ("kind", lambda c: c.kind),
        ("class", lambda c: c.klass),
        ("kind/class", lambda c: f"{c.kind}/{c.klass}"),
        ("level", lambda c: c.level),
        ("expected", _outcome),
    ):
        counts = Counter(key(c) for c in cases)
        print(f"by {title}: " + ", ".join(f"{k} {n}" for k, n in sorted(counts.items())))
    rows = coverage(cases)
    for level in ("required", "recommended", "informational"):
        mine = [r for r in rows if r.level == level]
        print(f"{level} rules covered: {sum(1 for r in mine if not r.gap)} of {len(mine)}")
    return 0


def _expected(case: Case) -> str:
    if case.mode == "match":
        return f"ok={str(case.ok).lower()}"
    if case.mode == "roundtrip":
        return "preserved"
    return "valid" if case.valid else f"invalid at {case.pointer or '/'}"


def run_list(args: argparse.Namespace) -> int:
    cases = select(_cases(args), args.kind, args.klass, args.rule)
    for c in cases:
        print(f"{c.id}  {c.kind}/{c.klass}  {c.rule}  {_expected(c)}  {c.description}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    cases = {c.id: c for c in _cases(args)}
    case = cases.get(args.id)
    if case is None:
        near = sorted(i for i in cases if args.id in i)[:5]
        hint = f"; ids containing it: {', '.join(near)}" if near else "; `vmjob corpus list` shows every id"
        raise UsageError(f"id={args.id!r} is no case of the corpus{hint}")
    out: dict[str, Any] = {
        "id": case.id,
        "source": case.source,
        "kind": case.kind,
        "class": case.klass,
        "rule": case.rule,
        "level": case.level,
        "description": case.description,
        "expected": case.expected(),
    }
    if case.mode == "match":
        out["required"], out["available"] = list(case.required), list(case.available)
    else:
        out["form"] = case.form
        text = case.text
        if case.form == "document" and text is not None:
            out["document"] = json.loads(text)
        elif text is None:
            out["document_bytes"] = (case.data or b"").hex(" ")
        elif len(text) > 2000:
            out["document_text"] = text[:2000] + f"... ({len(text)} characters in all)"
        else:
            out["document_text"] = text
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def run_promote(args: argparse.Namespace) -> int:
    from ..corpus.format import LEDGER
    from ..corpus.promote import promote
    from .fuzz import read_records

    root = _root(args)
    out = Path(args.out) if args.out else None
    records = list(read_records(args.report))
    findings = [r for r in records if r.get("type", "finding") == "finding"]
    if not findings:
        print(f"vmjob corpus promote: {args.report} holds no finding; nothing to promote")
        return 0
    added = promote(findings, root, out)
    for path, ids in sorted(added.items()):
        inside = path.resolve().is_relative_to(root.resolve())
        where = path.resolve().relative_to(root.resolve()).as_posix() if inside else str(path)
        note = "" if inside else f" (outside the corpus at {root}: issue the ids in its {LEDGER} when moving it in)"
        print(f"{where}: {len(ids)} new case(s){note}")
        for i in ids:
            print(f"  {i}")
    total = sum(len(v) for v in added.values())
    print(f"vmjob corpus promote: {total} new case(s) from {len(findings)} finding(s); run `vmjob corpus check`")
    return 0
