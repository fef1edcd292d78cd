"""The corpus's self-checks: form, identity, agreement with the reference, coverage.

Each problem is one line naming the file and the case id, so a CI log points straight at the fault.
The reference is the oracle (PROTOCOL.md: "for every corpus case the expected verdict is the reference's
verdict"); the corpus states its expectations independently, so any disagreement is a finding for one side.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import reference
from reference import KIND_CLASS, KINDS, RULES, parse

from .format import LEDGER, canonical_text, ledger_lines, needs_text
from .loader import Case, CorpusError, case_from_json, corpus_files, read_text_and_json

SCHEMA_FILE = "case.schema.json"
#: Common rules and the kinds in which each must be covered both ways.
COMMON_KINDS: dict[str, tuple[str, ...]] = {
    rid: (("job", "result", "progress") if rid.startswith("observability.") else KINDS)
    for rid, r in RULES.items()
    if r.klass == "common"
}


@dataclass(frozen=True, slots=True)
class Problem:
    source: str
    case_id: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}: {self.case_id}" if self.case_id else self.source
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class CoverageRow:
    rule: str
    level: str
    klass: str
    polarity: str
    valid: int
    invalid: int
    warning: int
    #: Empty when covered; otherwise what is missing.
    gap: str


def _case_validator(root: Path) -> Any:
    path = root / SCHEMA_FILE
    if not path.exists():
        path = Path(__file__).resolve().parents[2] / "corpus" / SCHEMA_FILE
    return _validator_for(path.read_text(encoding="utf-8"))


@cache
def _validator_for(schema_text: str) -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(schema_text))


def read_cases(root: Path, problems: list[Problem], seen_ids: set[str] | None = None) -> list[Case]:
    """Every case whose file can be read; unreadable, invalid or non-canonical files become problems.

    ``seen_ids`` collects the ids of cases in files that break the case schema too, so that one bad file
    is reported once rather than again as a list of vanished ids.
    """
    validator = _case_validator(root)
    cases: list[Case] = []
    for path in corpus_files(root):
        rel = path.relative_to(root).as_posix()
        try:
            text, body = read_text_and_json(path)
        except CorpusError as err:
            problems.append(Problem(rel, "", str(err)))
            continue
        errors = _schema_errors(validator, text, body)
        for e in errors[:20]:
            at = "/" + "/".join(str(p) for p in e.absolute_path)
            case_id = _case_id_at(body, list(e.absolute_path))
            problems.append(Problem(rel, case_id, f"does not match case.schema.json at {at}: {e.message[:200]}"))
        if errors:
            if seen_ids is not None and isinstance(body, dict) and isinstance(body.get("cases"), list):
                seen_ids.update(c["id"] for c in body["cases"] if isinstance(c, dict) and isinstance(c.get("id"), str))
            continue
        if text != canonical_text(body):
            problems.append(Problem(rel, "", "is not in the canonical form; run `vmjob corpus format`"))
        for i, raw_case in enumerate(body["cases"]):
            try:
                cases.append(case_from_json(raw_case, rel))
            except (KeyError, TypeError, ValueError) as err:
                problems.append(Problem(rel, raw_case.get("id", f"case #{i}"), f"cannot be loaded: {err}"))
    return cases


#: Schema errors by (validator, file text): python-jsonschema is most of a check's time, and most files of a
#: corpus are unchanged between two checks in one process (the tests break one file of a copy at a time).
_SCHEMA_ERRORS: dict[tuple[int, str], list[Any]] = {}


def _schema_errors(validator: Any, text: str, body: Any) -> list[Any]:
    key = (id(validator), hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest())
    if key not in _SCHEMA_ERRORS:
        _SCHEMA_ERRORS[key] = sorted(validator.iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path])
    return _SCHEMA_ERRORS[key]


def _case_id_at(body: Any, path: list[Any]) -> str:
    if len(path) >= 2 and path[0] == "cases" and isinstance(path[1], int):
        try:
            case = body["cases"][path[1]]
            return str(case.get("id", f"case #{path[1]}")) if isinstance(case, dict) else f"case #{path[1]}"
        except (IndexError, TypeError):
            pass
    return ""


def check_identity(root: Path, cases: list[Case], problems: list[Problem], unloaded: Iterable[str] = ()) -> None:
    """Unique ids and descriptions; the ledger lists every id and loses none (``unloaded``: ids of cases
    whose file is reported already)."""
    for ident, n in Counter(c.id for c in cases).items():
        if n > 1:
            where = ", ".join(sorted({c.source for c in cases if c.id == ident}))
            problems.append(Problem(where, ident, f"id used by {n} cases; an id names one case"))
    for desc, n in Counter(c.description for c in cases).items():
        if n > 1:
            ids = sorted(c.id for c in cases if c.description == desc)
            problems.append(
                Problem(_source(cases, ids[0]), ids[0], f"description {desc!r} is also used by {', '.join(ids[1:])}")
            )
    entries = ledger_lines(root)
    if not entries:
        problems.append(Problem(LEDGER, "", "the id ledger is missing or empty; run `vmjob corpus generate`"))
        return
    seen: dict[str, int] = {}
    for line, ident, _retired in entries:
        if ident in seen:
            problems.append(Problem(f"{LEDGER}:{line}", ident, f"listed again (first at line {seen[ident]})"))
        seen.setdefault(ident, line)
    retired = {ident for _, ident, r in entries if r}
    present = {c.id for c in cases} | set(unloaded)
    for c in cases:
        if c.id not in seen:
            problems.append(
                Problem(
                    c.source,
                    c.id,
                    f"id not in the ledger {LEDGER}; run `vmjob corpus generate` (or append it) to issue it",
                )
            )
        elif c.id in retired:
            problems.append(Problem(c.source, c.id, "id was retired and is never reused; give the case a new id"))
    for line, ident, r in entries:
        if not r and ident not in present:
            problems.append(
                Problem(
                    f"{LEDGER}:{line}",
                    ident,
                    "id vanished from the corpus; restore the case, or "
                    "retire the id explicitly by appending ' retired: REASON' to its ledger line",
                )
            )


def _source(cases: list[Case], ident: str) -> str:
    return next((c.source for c in cases if c.id == ident), "")


def check_case(case: Case) -> list[str]:
    """What is wrong with one case against the rule table and the reference (empty: nothing)."""
    out: list[str] = []
    rule = RULES.get(case.rule)
    if rule is None:
        return [f"rule {case.rule!r} is not a rule id of the SPEC"]
    if case.level != rule.level:
        out.append(f"level {case.level!r} differs from the rule's level {rule.level!r}")
    want_class = KIND_CLASS[case.kind] if rule.klass == "common" else rule.klass
    if case.klass not in (want_class, "roundtrip") or (case.klass == "roundtrip") != (rule.klass == "roundtrip"):
        out.append(f"class {case.klass!r} does not fit rule {case.rule} (class {want_class!r} for kind {case.kind})")
    if case.mode == "match":
        missing = reference.match_capabilities(case.required, case.available)
        if (case.ok, case.missing) != (not missing, missing):
            out.append(
                f"expects ok={case.ok} missing={list(case.missing)}; the reference gives ok={not missing} "
                f"missing={list(missing)}"
            )
        return out
    if case.data is None:
        return out + ["has no document"]
    if case.mode == "roundtrip":
        return out + _check_roundtrip(case)
    result = reference.validate(case.data, case.kind)
    if result.valid != case.valid:
        got = "; ".join(f"{e.rule} at {e.pointer or '/'}" for e in result.errors) or "no error"
        out.append(
            f"expects {'valid' if case.valid else 'invalid'}; the reference says "
            f"{'valid' if result.valid else 'invalid'} ({got})"
        )
    elif not case.valid:
        reported = [(e.rule, e.pointer) for e in result.errors]
        if reported != [(case.rule, case.pointer)]:
            shown = "; ".join(f"{r} at {p or '/'}" for r, p in reported)
            out.append(
                f"not single-fault as stated: expects exactly {case.rule} at {case.pointer or '/'}; "
                f"the reference reports {shown}"
            )
    warned = [w.pointer for w in result.warnings]
    if warned != list(case.warnings):
        out.append(f"expects warnings at {list(case.warnings)}; the reference warns at {warned}")
    if case.warnings and rule.polarity == "warning" and not any(w.rule == case.rule for w in result.warnings):
        out.append(
            f"expects a warning of {case.rule}; the reference's warnings name "
            f"{sorted({w.rule for w in result.warnings})}"
        )
    if case.form == "document" and needs_text(json.loads(case.data)):
        out.append(
            "holds a float or an integer beyond 2**53 as `document`; readers in other languages may change "
            "it: use `document_text`"
        )
    return out


def _check_roundtrip(case: Case) -> list[str]:
    assert case.data is not None
    before, faults = parse(case.data)
    if faults:
        return [f"the document does not parse: {faults[0].message}"]
    try:
        written = reference.roundtrip(case.data, case.kind)
    except reference.ValidationError as err:
        return [f"a round-trip case holds a valid document; the reference says: {err}"]
    except Exception as err:  # the reference must not crash; report it as the case's problem, not ours
        return [f"the reference's roundtrip raised {type(err).__name__}: {err}"]
    after, faults = parse(written)
    if faults or after != before:
        return [f"does not survive the reference's round trip: wrote {written[:200]!r}"]
    return []


def coverage(cases: Iterable[Case]) -> list[CoverageRow]:
    """Per SPEC rule: valid / invalid / warning case counts, and what is missing for it to be covered."""
    cases = list(cases)
    rows = []
    for rid, rule in RULES.items():
        if rule.klass == "behaviour":  # a worker's behaviour has scenarios (vmjob worker certify), not cases
            continue
        mine = [c for c in cases if c.rule == rid]
        valid, invalid, warning = _counts(mine, rid)
        gap = _gap(rid, rule.polarity, mine)
        if not gap and rid in COMMON_KINDS:
            for kind in COMMON_KINDS[rid]:
                kind_gap = _gap(rid, rule.polarity, [c for c in mine if c.kind == kind])
                if kind_gap:
                    gap = f"{kind}: {kind_gap}"
                    break
        rows.append(CoverageRow(rid, rule.level, rule.klass, rule.polarity, valid, invalid, warning, gap))
    return rows


def _counts(cases: list[Case], rid: str) -> tuple[int, int, int]:
    valid = invalid = warning = 0
    for c in cases:
        if c.mode == "match":
            valid += bool(c.ok)
            invalid += not c.ok
        elif c.mode == "roundtrip":
            valid += 1
        elif c.valid:
            valid += 1
            warning += bool(c.warnings)
        else:
            invalid += 1
    return valid, invalid, warning


def _gap(rid: str, polarity: str, cases: list[Case]) -> str:
    valid, invalid, warning = _counts(cases, rid)
    klass = RULES[rid].klass
    if klass == "roundtrip":
        return "" if valid else "no round-trip case"
    if polarity == "accept":
        return "" if valid else "no accepted (valid) case"
    if polarity == "warning":
        missing = [
            w
            for w, n in (("a valid case with the warning", warning), ("a valid case without it", valid - warning))
            if not n
        ]
        return "; ".join(f"no {m[2:]}" for m in missing)
    missing = [w for w, n in (("valid", valid), ("invalid", invalid)) if not n]
    if klass == "capabilities":
        missing = [{"valid": "matching", "invalid": "non-matching"}[m] for m in missing]
    return "; ".join(f"no {m} case" for m in missing)


def check(root: Path) -> list[Problem]:
    """Every problem of the corpus at ``root``, in a stable order."""
    problems: list[Problem] = []
    if not root.is_dir():
        return [Problem(str(root), "", "is not a directory")]
    unloaded: set[str] = set()
    try:
        cases = read_cases(root, problems, unloaded)
    except CorpusError as err:
        return [Problem(str(root), "", str(err))]
    check_identity(root, cases, problems, unloaded)
    for case in cases:
        problems.extend(Problem(case.source, case.id, m) for m in check_case(case))
    for row in coverage(cases):
        if row.gap:
            problems.append(Problem("coverage", row.rule, f"not covered ({row.polarity}): {row.gap}"))
    return problems
