"""``vmjob corpus promote REPORT [--out FILE]``: fuzz findings become corpus cases, so a bug stays fixed.

Each finding's minimal document becomes one case: its id is stable (kind, class, rule and a hash of the
rule and the exact bytes), its expectation is the reference's verdict *now* (valid, pointer, warnings),
its document is kept as exact text (``document_text``) or, when not UTF-8, as ``document_base64``. Cases
go to ``corpus/<kind>/<class>/promoted.json`` by default (or ``--out``), merged with what is there without
duplicates, written in the corpus's canonical form, and their ids are appended to the id ledger, so the
result passes ``vmjob corpus check``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any, cast

import reference

from ..cli import UsageError
from ..fuzz.differential import finding_bytes
from .builder import class_of, slug
from .format import LEDGER, LEDGER_HEADER, canonical_text, read_ledger
from .loader import CorpusError, cases_of, read_text_and_json

_SHOULD = re.compile(r"\b[Ss][Hh][Oo][Uu][Ll][Dd]\b")
FILE_NAME = "promoted.json"
FILE_DESCRIPTION = "Regression cases promoted from `vmjob fuzz` findings (minimal documents, reference verdicts)."


def case_of(finding: dict[str, Any]) -> dict[str, Any]:
    """The corpus case for one finding; ValueError naming the finding when it cannot be one."""
    fid = finding.get("id", "?")
    kind, rule = finding.get("kind"), finding.get("rule")
    if kind not in reference.KINDS:
        raise ValueError(f"finding {fid!r}: kind={kind!r} is not a document kind")
    if rule not in reference.RULES:
        raise ValueError(f"finding {fid!r}: rule={rule!r} is not a rule id of the SPEC")
    mode = finding.get("mode", "validate")
    if mode == "match":
        return _match_case(finding)
    data = finding_bytes(finding)
    if mode == "roundtrip":
        return _roundtrip_case(finding, kind, rule, data)
    result = reference.validate(data, kind)
    # The class names a folder of the corpus: it comes from the rule, never from the file (a finding
    # saying "class": "../../x" must not choose where the case is written).
    klass = class_of(rule, kind)
    if finding.get("class") not in (None, klass):
        raise ValueError(
            f"finding {fid!r}: class={finding.get('class')!r} is not the class of rule {rule} in a {kind} ({klass})"
        )
    digest = hashlib.sha256(f"{rule}\0{kind}\0".encode() + data).hexdigest()[:12]
    case: dict[str, Any] = {
        "id": f"{kind}.{slug(rule)}.fuzz-{digest}",
        "kind": kind,
        "class": klass,
        "rule": rule,
        "level": reference.RULES[rule].level,
        "valid": result.valid,
    }
    if result.valid:
        what = f"a valid document an implementation rejected ({rule})"
    else:
        first = result.errors[0]
        what = f"{first.message} at {first.pointer or '/'}"
        case["pointer"] = first.pointer
    if result.warnings:
        case["warnings"] = [w.pointer for w in result.warnings]
    description = " ".join(f"Fuzz finding {digest}: {what}".split())
    case["description"] = _SHOULD.sub("must", description)
    try:
        case["document_text"] = data.decode("utf-8")
    except UnicodeDecodeError:
        case["document_base64"] = base64.b64encode(data).decode("ascii")
    return case


def _match_case(finding: dict[str, Any]) -> dict[str, Any]:
    fid = finding.get("id", "?")
    required, available = finding.get("required"), finding.get("available")
    for name, value in (("required", required), ("available", available)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"finding {fid!r}: a match finding needs {name!r} as a list of strings")
    assert isinstance(required, list) and isinstance(available, list)
    missing = list(reference.match_capabilities(required, available))
    rule = "capabilities.match"
    lists = json.dumps([required, available], ensure_ascii=False)
    digest = hashlib.sha256(f"{rule}\0".encode() + lists.encode()).hexdigest()[:12]
    return {
        "id": f"job.{slug(rule)}.fuzz-{digest}",
        "kind": "job",
        "class": "capabilities",
        "rule": rule,
        "level": reference.RULES[rule].level,
        "description": f"Fuzz finding {digest}: capability lists an implementation matched wrongly",
        "required": required,
        "available": available,
        "ok": not missing,
        "missing": missing,
    }


def _roundtrip_case(finding: dict[str, Any], kind: str, rule: str, data: bytes) -> dict[str, Any]:
    fid = finding.get("id", "?")
    if not reference.validate(data, kind).valid:
        raise ValueError(f"finding {fid!r}: a round-trip finding's document must be valid")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"finding {fid!r}: a round-trip finding's document is not UTF-8") from err
    digest = hashlib.sha256(f"{rule}\0{kind}\0".encode() + data).hexdigest()[:12]
    return {
        "id": f"{kind}.{slug(rule)}.fuzz-{digest}",
        "kind": kind,
        "class": "roundtrip",
        "rule": rule,
        "level": reference.RULES[rule].level,
        "description": f"Fuzz finding {digest}: a valid document an implementation did not write back as it came",
        "document_text": text,
    }


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"description": FILE_DESCRIPTION, "cases": []}
    try:
        body = read_text_and_json(path)[1]
        cases_of(body)
    except CorpusError as err:
        raise UsageError(f"{path}: the corpus file to merge into: {err}") from err
    if body.get("generated") is True:
        raise UsageError(f"{path} is written by `vmjob corpus generate`, which would drop promoted cases; use --out")
    return cast(dict[str, Any], body)  # cases_of(body) above checked that it is an object


def promote(records: list[dict[str, Any]], root: Path, out: Path | None = None) -> dict[Path, list[str]]:
    """Merge the findings among ``records`` into corpus files under ``root``; the new ids per file."""
    by_file: dict[Path, list[dict[str, Any]]] = {}
    for record in records:
        if record.get("type", "finding") != "finding":
            continue
        try:
            case = case_of(record)
        except ValueError as err:
            raise UsageError(str(err)) from err
        target = out or root / case["kind"] / case["class"] / FILE_NAME
        if out is None and not target.resolve().is_relative_to(root.resolve()):  # pragma: no cover - kind and
            raise UsageError(f"finding {record.get('id', '?')!r} would be written outside the corpus at {target}")
        by_file.setdefault(target, []).append(case)
    added: dict[Path, list[str]] = {}
    for path, cases in by_file.items():
        body = _read_file(path)
        have = {c.get("id") for c in body["cases"] if isinstance(c, dict)}
        new = []
        for case in cases:
            if case["id"] not in have:
                have.add(case["id"])
                body["cases"].append(case)
                new.append(case["id"])
        if new:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(canonical_text(body), encoding="utf-8")
        added[path] = new
    _issue(root, [i for path, ids in added.items() if path.resolve().is_relative_to(root.resolve()) for i in ids])
    return added


def _issue(root: Path, ids: list[str]) -> None:
    """Append ids to the ledger (append-only), once each."""
    issued = read_ledger(root)
    fresh = [i for i in ids if i not in issued]
    if not fresh:
        return
    ledger = root / LEDGER
    if not ledger.exists():
        ledger.write_text(LEDGER_HEADER, encoding="utf-8")
    with ledger.open("a", encoding="utf-8") as fh:
        for i in fresh:
            fh.write(i + "\n")
