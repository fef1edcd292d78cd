"""The certification manifest (the JSON report), rebuilt from a run's results stream.

A run writes ``RESULTS.jsonl`` as it goes (record types: :mod:`conformance.model`). Every report is a pure
function of those records, so ``vmjob report`` can rebuild any of them later, from a run that finished or
from one that was killed halfway (its report says ``interrupted`` and it is never conformant: a run that
did not finish certifies nothing). The JSON report is the certification manifest; its shape is stated by
``conformance/schemas/report.schema.json``.

Steps and their one exception, :class:`ReportError` (the message names the file, line or record):
:func:`read_stream` (missing file, corrupt line), :func:`build_report` (no header, malformed record),
:func:`write_reports` (a path that cannot be written).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import safejson
from ..corpus import Case, CorpusError, digest, load_corpus
from ..model import OUTCOMES
from ..records import CaseResult, Finding, Footer, Header, RecordError
from ..summary import counted_levels, summarize
from .util import BAD_OUTCOMES, worst

#: Version of the JSON report's shape; bumped on any change a reader must know about.
REPORT_VERSION = 1
#: Records are a few levels deep (a result's ``got`` holds a list of issues); a deeper line is corrupt.
RECORD_DEPTH = 32


class ReportError(Exception):
    """A results stream or report cannot be read, built or written; the message says where and why."""


# --- reading the stream ------------------------------------------------------------------------------


def read_stream(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The records of a JSONL results stream, in order.

    A last line that does not parse is what a killed run leaves behind: it is dropped and replaced by a
    ``{"type": "truncated", "line": N, "size": BYTES}`` record, which :func:`build_report` reads as an
    interrupted run. A bad line anywhere else is corruption and raises :class:`ReportError`.
    """
    p = Path(path)
    try:
        fh = p.open("rb")
    except FileNotFoundError as err:
        raise ReportError(f"{p}: no such results stream") from err
    except OSError as err:
        raise ReportError(f"{p}: cannot read the results stream: {err.strerror or err}") from err
    records: list[dict[str, Any]] = []
    pending: tuple[int, int, str] | None = None  # (line, size, problem) of a bad line, unless it is the last
    with fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            if pending is not None:
                raise ReportError(f"{p}:{pending[0]}: corrupt results record: {pending[2]}")
            try:
                record = safejson.loads(raw, max_depth=RECORD_DEPTH)
            except ValueError as err:
                pending = (lineno, len(raw), str(err))
                continue
            if not isinstance(record, dict) or not isinstance(record.get("type"), str):
                pending = (lineno, len(raw), "a record is a JSON object with a string 'type'")
                continue
            records.append(record)
    if pending is not None:
        records.append({"type": "truncated", "line": pending[0], "size": pending[1]})
    return records


# --- building the report -----------------------------------------------------------------------------


def build_report(
    records: Iterable[dict[str, Any]],
    level: str = "required",
    *,
    cases: Iterable[Case] | Mapping[str, Case] | None = None,
) -> dict[str, Any]:
    """The JSON report (certification manifest) of a run, at certification ``level``.

    Non-passing results carry the document they were run on, taken from the record's own ``document`` /
    ``document_base64`` (top level or in ``extra``) or from ``cases``; when ``cases`` is None the installed
    corpus is used, and only if its digest is the run's ``corpus_digest``.
    """
    try:
        counted_levels(level)
    except ValueError as err:
        raise ReportError(str(err)) from err
    header: Header | None = None
    footer: Footer | None = None
    truncated: dict[str, Any] | None = None
    results: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    for n, rec in enumerate(records, 1):
        if not isinstance(rec, dict):
            raise ReportError(f"record {n}: expected a JSON object, got {type(rec).__name__}")
        kind = rec.get("type")
        try:
            if kind == "header":
                if header is not None:
                    raise ReportError(f"record {n}: a second header: the streams of two runs were joined")
                header = Header.from_json(rec)
            elif kind == "result":
                results.append(_result_item(CaseResult.from_json(rec)))
            elif kind == "finding":
                findings.append(_finding_item(Finding.from_json(rec)))
            elif kind == "footer":
                footer = Footer.from_json(rec)
            elif kind == "truncated":
                truncated = rec
            # Other record types are left for newer readers.
        except RecordError as err:
            raise ReportError(f"record {n} ({err.what}): {err.why}") from err
    if header is None:
        raise ReportError("the results stream has no header record: the run did not start, or this is not one")

    notes: list[str] = []
    if truncated is not None:
        notes.append(
            f"The stream's last line (line {truncated.get('line')}, {truncated.get('size')} bytes) was cut short: "
            "the run was killed while writing it."
        )
    if footer is None:
        notes.append("The stream has no footer: the run was killed before it finished.")
    interrupted = footer is None or truncated is not None or footer.interrupted
    head, foot = header.to_json(), footer.to_json() if footer is not None else None
    notes.extend(_attach_documents(results, header, cases))

    summary = summarize(results, findings, level, header=head, footer=foot, interrupted=interrupted)
    impl = header.implementation.to_json()
    return {
        "report_version": REPORT_VERSION,
        "suite_version": header.suite_version,
        "corpus_digest": header.corpus_digest,
        "seed": header.seed,
        "started_at": header.started_at,
        "finished_at": footer.finished_at if footer else None,
        "interrupted": interrupted,
        "implementation": impl,
        "claimed": {"kinds": impl["kinds"], "classes": impl["classes"]},
        "claim": summary["claim"],
        "transport": header.transport,
        "level": level,
        "run_level": header.level,
        "filters": head["filters"],
        "fuzz": header.fuzz or None,
        "conformant": bool(summary["conformant"]),
        "summary": summary,
        "rules": _rule_table(results, findings),
        "results": results,
        "findings": findings,
        "stderr": footer.stderr if footer else "",
        "fuzz_stats": footer.fuzz if footer else None,
        "notes": notes,
    }


def _result_item(r: CaseResult) -> dict[str, Any]:
    """A result as the report lists it: its document and description beside it, other extras apart."""
    item = r.to_json()
    del item["type"]
    extra = item.pop("extra")
    for key in ("document", "document_base64", "description"):
        value = extra.pop(key, None)
        if isinstance(value, str):
            item[key] = value
    if extra:
        item["extra"] = extra
    return item


def _finding_item(f: Finding) -> dict[str, Any]:
    item = f.to_json()
    del item["type"]
    if f.rule is None:  # a fault on a plain valid document, which no rule labels
        item["rule"] = f"fault on a generated {f.kind} document" if f.kind else "fault on a generated document"
    return item


def _attach_documents(
    results: list[dict[str, Any]], header: Header, cases: Iterable[Case] | Mapping[str, Case] | None
) -> list[str]:
    """Give each non-passing result its document and description; the notes say when that was impossible."""
    wanted = [r for r in results if r["outcome"] in BAD_OUTCOMES]
    if not wanted:
        return []
    if cases is None:
        try:
            if digest() != header.corpus_digest:
                if any("document" not in r and "document_base64" not in r for r in wanted):
                    return [
                        "Documents of failed cases are not shown: the installed corpus is not the one this run "
                        f"used (corpus digest {header.corpus_digest})."
                    ]
                return []
            cases = load_corpus()
        except (CorpusError, OSError) as err:
            return [f"Documents of failed cases are not shown: the corpus cannot be read: {err}"]
    by_id = cases if isinstance(cases, Mapping) else {c.id: c for c in cases}
    for r in wanted:
        case = by_id.get(r["id"])
        if case is None:
            continue
        r.setdefault("description", case.description)
        if "document" in r or "document_base64" in r:
            continue
        if case.data is not None:
            text = case.text
            if text is not None:
                r["document"] = text
            else:
                r["document_base64"] = base64.b64encode(case.data).decode("ascii")
        elif case.mode == "match":
            r["input"] = {"required": list(case.required), "available": list(case.available)}
    return []


def _rule_table(results: list[dict[str, Any]], findings: list[dict[str, Any]]) -> dict[str, Any]:
    from reference import CLASSES, RULES

    table: dict[str, dict[str, Any]] = {}

    def entry(item: dict[str, Any]) -> dict[str, Any]:
        rule_id = item["rule"]
        if rule_id not in table:
            rule = RULES.get(rule_id)
            table[rule_id] = {
                "level": rule.level if rule else item["level"],
                "class": rule.klass if rule else item["class"],
                "classes": [],
                "statement": rule.statement if rule else "",
                "counts": dict.fromkeys(OUTCOMES, 0),
                "findings": 0,
                "worst": "not-run",
            }
        e = table[rule_id]
        if item["class"] not in e["classes"]:
            e["classes"].append(item["class"])
        return e

    for r in results:
        entry(r)["counts"][r["outcome"]] += 1
    for f in findings:
        entry(f)["findings"] += 1
    order = {c: i for i, c in enumerate(("common", *CLASSES))}
    out: dict[str, Any] = {}
    for rule_id in sorted(table, key=lambda k: (order.get(table[k]["class"], len(order)), k)):
        e = table[rule_id]
        e["classes"].sort(key=lambda c: order.get(c, len(order)))
        e["worst"] = worst(e["counts"])
        if e["findings"]:
            e["worst"] = "fail"  # a finding is a divergence on the rule, the worst there is
        out[rule_id] = e
    return out
