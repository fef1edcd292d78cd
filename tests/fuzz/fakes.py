"""Implementations wrong on purpose, one rule each, built on the reference (in-process transport functions).

Each fake is the reference with one rule switched off or bent the way real implementations get it wrong;
the fuzzer must find exactly that rule, and nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import reference
from reference import parse

Fake = Callable[[str, str], dict[str, Any]]


def _reply(
    result: reference.ValidationResult, drop: Callable[[reference.Issue, Any], bool], doc: Any
) -> dict[str, Any]:
    errors = [e for e in result.errors if not drop(e, doc)]
    return {"valid": not errors, "errors": [{"pointer": e.pointer, "message": e.message} for e in errors]}


def _bytes(text: str) -> bytes:
    """The exact bytes the in-process transport decoded (invalid UTF-8 arrives as surrogate escapes)."""
    return text.encode("utf-8", "surrogateescape")


def _bending(rule_drop: Callable[[reference.Issue, Any], bool]) -> Fake:
    def fake(kind: str, text: str) -> dict[str, Any]:
        data = _bytes(text)
        value, _faults = parse(data)
        return _reply(reference.validate(data, kind), rule_drop, value)

    return fake


def _at(doc: Any, pointer: str) -> Any:
    for step in pointer[1:].split("/") if pointer else ():
        if isinstance(doc, dict):
            doc = doc.get(step.replace("~1", "/").replace("~0", "~"))
        elif isinstance(doc, list) and step.isdigit() and int(step) < len(doc):
            doc = doc[int(step)]
        else:
            return None
    return doc


#: Accepts priority up to 255 (the u8 width) instead of 10.
accepts_priority_11 = _bending(
    lambda e, doc: (
        e.rule == "core.execution.priority" and isinstance(_at(doc, e.pointer), int) and _at(doc, e.pointer) > 10
    )
)
#: Counts job_id in UTF-8 bytes, as the Rust crate does: "éééé" passes.
job_id_in_bytes = _bending(
    lambda e, doc: (
        e.rule == "core.job_id"
        and isinstance(_at(doc, e.pointer), str)
        and len(_at(doc, e.pointer).encode("utf-8")) >= 8
    )
)
#: Checks the day against 31 for every month: accepts Feb 30, Apr 31.
accepts_feb_30 = _bending(
    lambda e, doc: e.rule == "timestamp.valid" and "has day" in e.message and "1..31" not in e.message
)
#: Reads 5.0 and 5e0 as the integer 5.
accepts_integral_float = _bending(
    lambda e, doc: (
        e.rule == "parse.integer.literal"
        and isinstance(_at(doc, e.pointer), float)
        and _at(doc, e.pointer) == int(_at(doc, e.pointer))
    )
)


def rejects_unknown_top_level(kind: str, text: str) -> dict[str, Any]:
    """Rejects a job with a top-level member the schema does not define, as the Rust crate does."""
    result = reference.validate(_bytes(text), kind)
    value, _ = parse(_bytes(text))
    if kind == "job" and isinstance(value, dict):
        known = set(reference.schema("job")["properties"])
        extra = [k for k in value if k not in known]
        if extra:
            return {"valid": False, "errors": [{"pointer": "/" + extra[0], "message": "unknown field"}]}
    return {"valid": result.valid}


def last_wins_duplicates(kind: str, text: str) -> dict[str, Any]:
    """Reads duplicate members the way Python's json does (the last one wins) and validates what it kept."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return {"valid": reference.validate(_bytes(text), kind).valid}
    faults = parse(_bytes(text))[1]
    if faults and faults[0].rule == "parse.duplicate-member":
        return {"valid": reference.validate_value(value, kind).valid}
    return {"valid": reference.validate(_bytes(text), kind).valid}


def strips_bom(kind: str, text: str) -> dict[str, Any]:
    """Reads the document as utf-8-sig, as Python programs often do: a byte-order mark passes unnoticed."""
    data = _bytes(text)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return {"valid": reference.validate(data, kind).valid}


FAKES: dict[str, tuple[Fake, str]] = {
    "accepts_priority_11": (accepts_priority_11, "core.execution.priority"),
    "job_id_in_bytes": (job_id_in_bytes, "core.job_id"),
    "accepts_feb_30": (accepts_feb_30, "timestamp.valid"),
    "accepts_integral_float": (accepts_integral_float, "parse.integer.literal"),
    "rejects_unknown_top_level": (rejects_unknown_top_level, "core.unknown-members"),
    "last_wins_duplicates": (last_wins_duplicates, "parse.duplicate-member"),
    "strips_bom": (strips_bom, "parse.encoding"),
}
