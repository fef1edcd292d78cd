"""Equivalent variants: implementations that are right in a different way, which the suite must not flag.

Messages, pointers and the order of errors are evidence for people, not pass criteria; a round trip may
choose its own whitespace, member order and string escapes; missing capabilities may come in any order;
an implementation may claim only part of the protocol; informational rules are implementation-defined.
"""

from __future__ import annotations

import json
import math
from typing import Any

from reference import MAX_DEPTH, ValidationResult, parse
from reference import parse_int as _big_int

from ._impl import Impl, dumps, issues_json, reference_match
from ._variant import Variant

EQUIVALENTS: list[Variant] = []


def equivalent(name: str, description: str, judged_at: str = "", **hooks: Any) -> None:
    EQUIVALENTS.append(Variant(name, description, Impl(**hooks), judged_at=judged_at))


def _other_messages(result: ValidationResult) -> dict[str, Any]:
    def one(i: Any) -> dict[str, str]:
        return {"pointer": i.pointer, "message": f"invalid value (see {i.rule})"}

    return {
        "valid": result.valid,
        "errors": [one(e) for e in result.errors],
        "warnings": [one(w) for w in result.warnings],
    }


def _reversed(result: ValidationResult) -> dict[str, Any]:
    return {
        "valid": result.valid,
        "errors": issues_json(result.errors[::-1]),
        "warnings": issues_json(result.warnings[::-1]),
    }


def _parent(pointer: str) -> str:
    return pointer.rsplit("/", 1)[0] if pointer else ""


def _other_pointers(result: ValidationResult) -> dict[str, Any]:
    # Warnings keep their pointers: a warning is identified by where it is, an error only by the verdict.
    return {
        "valid": result.valid,
        "errors": [{"pointer": _parent(e.pointer), "message": e.message} for e in result.errors],
        "warnings": issues_json(result.warnings),
    }


def _no_error_list(result: ValidationResult) -> dict[str, Any]:
    return {"valid": result.valid, "warnings": [{"pointer": w.pointer} for w in result.warnings]}


def _missing_reversed(required: list[str], available: list[str]) -> tuple[bool, list[str]]:
    ok, missing = reference_match(required, available)
    return ok, missing[::-1]


def _plain_numbers(kind: str, value: Any) -> str:
    """Numbers written in the writer's own form (``1E+2`` as ``100.0``, ``0.10`` as ``0.1``): same values."""
    from reference import FloatLiteral

    def plain(v: Any) -> Any:
        if type(v) is FloatLiteral and math.isfinite(v):
            return float(v)
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, list):
            return [plain(x) for x in v]
        return v

    return dumps(plain(value), ensure_ascii=False)


def _nested_deeper(data: bytes) -> tuple[Any, list[Any]]:
    """Read documents nested deeper than the reference's limit, as far as Python's stack allows."""
    value, faults = parse(data)
    if faults and faults[0].rule == "parse.depth":
        try:
            return json.loads(data, parse_int=_big_int), []
        except (ValueError, RecursionError):
            return value, faults
    return value, faults


equivalent(
    "eq-other-messages",
    "phrases every error and warning in its own words",
    phrase=_other_messages,
)
equivalent(
    "eq-other-order",
    "reports errors and warnings in the reverse order",
    phrase=_reversed,
)
equivalent(
    "eq-other-pointers",
    "locates each error at the parent of the member at fault (error pointers are evidence, not a criterion)",
    phrase=_other_pointers,
)
equivalent(
    "eq-no-error-list",
    "reports the verdict and the warnings' locations, no error list, no messages",
    phrase=_no_error_list,
)
equivalent(
    "eq-bare-verdict",
    "answers valid or invalid and nothing else (judged at the required level: it reports no warnings)",
    judged_at="required",
    phrase=lambda result: {"valid": result.valid},
)
equivalent(
    "eq-roundtrip-indented",
    "writes a document back indented, one member a line",
    writer=lambda kind, value: dumps(value, indent=2, ensure_ascii=False),
)
equivalent(
    "eq-roundtrip-sorted",
    "writes a document back with its members sorted by name",
    writer=lambda kind, value: dumps(value, sort_keys=True, ensure_ascii=False),
)
equivalent(
    "eq-roundtrip-escaped",
    "writes a document back in ASCII, every other character and every '/' as an escape",
    writer=lambda kind, value: dumps(value, ensure_ascii=True).replace("/", "\\/"),
)
equivalent(
    "eq-roundtrip-number-forms",
    "writes numbers back in its own form (1E+2 as 100.0, 0.10 as 0.1): the same values",
    writer=_plain_numbers,
)
equivalent(
    "eq-missing-other-order",
    "lists the missing capabilities in reverse order",
    matcher=_missing_reversed,
)
equivalent(
    "eq-narrow-claim",
    "claims only jobs, in classes core and payload: every other case is outside its claim, skipped",
    classes=("core", "payload"),
    kinds=("job",),
)
equivalent(
    "eq-deeper-nesting",
    f"accepts documents nested deeper than {MAX_DEPTH} levels (parse.depth is informational)",
    reader=_nested_deeper,
)

NAMES = frozenset(e.name for e in EQUIVALENTS)
