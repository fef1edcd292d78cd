"""The reference validator: parse, structure, semantics, in that order.

A parse fault ends validation (nothing below it can be trusted); structural and semantic checks then run
together, and every error and warning is reported, each naming its SPEC rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from . import _semantics
from ._fastpath import passes, passes_payload
from ._issues import Issue, IssueSink, ValidationResult, describe, quote_pointer, verdict
from ._numbers import BigNumber
from ._parse import parse_document
from ._rules import KINDS
from ._schema import PAYLOAD_TYPES, compiled, compiled_payload

__all__ = ["validate", "validate_value", "JobValidator", "ValidationError", "MissingCapabilities", "match_capabilities"]


def validate(document: str | bytes | Mapping[str, Any], kind: str = "job") -> ValidationResult:
    """Validate one document of ``kind``, given as JSON text or bytes, or as an already-parsed mapping.

    Never raises on a hostile document; raises ``ValueError`` only for an unknown ``kind``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind={kind!r} is not a document kind; expected one of {', '.join(KINDS)}")
    if isinstance(document, (str, bytes, bytearray)):
        value, faults = parse_document(bytes(document) if isinstance(document, bytearray) else document)
        if faults:
            return verdict(kind, faults)
    else:
        value = document
    return validate_value(value, kind)


def _json_kind(value: Any) -> str:
    """What a top-level value that is no object is, for its message (which starts with the value itself)."""
    if isinstance(value, bool):
        kind = "a boolean"
    elif value is None:
        return "not a JSON object"
    elif isinstance(value, (int, BigNumber)):
        kind = "an integer"
    elif isinstance(value, float):
        kind = "a number"
    elif isinstance(value, str):
        kind = "a string"
    elif isinstance(value, list):
        kind = "an array"
    else:
        return "not a JSON value, nor a JSON object"
    return f"{kind}, not a JSON object"


def validate_value(value: Any, kind: str = "job") -> ValidationResult:
    """Validate a parsed JSON value (the structure and semantic layers alone).

    Never raises on any value (a mapping given directly may hold ints beyond ``str()``, any nesting depth,
    objects that are not JSON at all).
    """
    if type(value) is not dict:
        if not isinstance(value, Mapping):
            return ValidationResult(
                kind, (Issue.of("parse.top-level-object", "", f"{describe(value)} is {_json_kind(value)}"),)
            )
        value = dict(value)
    structure = passes(kind)(value)
    if structure and _payload_passes(kind, value) and _semantics.quiet(kind, value):
        return _VALID[kind]  # the valid document's path: no path built, no sink made, no issue list sorted out
    return _checked(value, kind, structure)


def _checked(value: dict[str, Any], kind: str, structure: bool | None = None) -> ValidationResult:
    """Every structural, payload and semantic check run on an object, every issue kept (or counted).

    ``structure``: None runs every check; otherwise whether the structural checks are known to find nothing
    (then they are skipped), and the payload and semantic checks run only where their shortcuts say they
    might find something (a mutated document breaks one rule: the other layers need not be walked in full).
    """
    errors = IssueSink()
    warnings = IssueSink()
    if not structure:
        compiled(kind)(value, "", errors, warnings)
    if kind == "job" and (structure is None or not _payload_passes(kind, value)):
        _check_known_payload(value, errors, warnings)
    if structure is None or not _semantics.quiet(kind, value):
        _semantics.run(kind, value, errors, warnings)
    if errors.omitted or warnings.omitted:
        return verdict(kind, errors, warnings)
    return ValidationResult(kind, tuple(errors) if errors else (), tuple(warnings) if warnings else ())


#: The verdict on every document without an issue (immutable, so one per kind serves them all).
_VALID = {kind: ValidationResult(kind) for kind in KINDS}


def _payload_passes(kind: str, value: dict[str, Any]) -> bool:
    """True when the checks of a job's known payload type would find nothing in its data (or there are none)."""
    if kind != "job":
        return True
    payload = value.get("payload")
    if type(payload) is not dict:
        return True
    ptype, data = payload.get("type"), payload.get("data")
    return not (ptype in PAYLOAD_TYPES and type(data) is dict) or passes_payload(ptype)(data)


def _passes(kind: str, value: dict[str, Any]) -> bool:
    """True when the structural, payload and semantic checks would find nothing (false: run them to know)."""
    return passes(kind)(value) and _payload_passes(kind, value) and _semantics.quiet(kind, value)


def _check_known_payload(job: dict[str, Any], errors: IssueSink, warnings: IssueSink) -> None:
    payload = job.get("payload")
    if type(payload) is not dict:
        return
    ptype, data = payload.get("type"), payload.get("data")
    if ptype in PAYLOAD_TYPES and type(data) is dict:
        compiled_payload(ptype)(data, "/payload/data", errors, warnings)


class ValidationError(ValueError):
    """A document is invalid; ``result`` holds every error. The message names the first."""

    def __init__(self, result: ValidationResult) -> None:
        self.result = result
        first = result.errors[0]
        others = len(result.errors) - 1 + result.errors_omitted
        more = f" (and {others} more)" if others else ""
        super().__init__(f"{first.message} at {quote_pointer(first.pointer)} [{first.rule}]{more}")


class MissingCapabilities(ValueError):
    """A worker lacks capabilities a job requires; ``missing`` lists them in the job's order."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        self.missing = missing
        super().__init__(f"missing required capabilities: {', '.join(missing)}")


def match_capabilities(required: Iterable[str], available: Iterable[str]) -> tuple[str, ...]:
    """The required capabilities that ``available`` lacks (exact, case-sensitive), without repeats."""
    have = set(available)
    return tuple(dict.fromkeys(r for r in required if r not in have))


class JobValidator:
    """The seed crate's validator API: ``validate`` and ``check_capabilities``."""

    @staticmethod
    def validate(doc: Any, kind: str = "job") -> ValidationResult:
        """Validate a job (text, bytes, mapping or model). Returns the result (with any warnings) when the
        document is valid; raises :class:`ValidationError` when it is not."""
        to_json = getattr(doc, "to_json", None)
        if callable(to_json) and not isinstance(doc, Mapping):
            doc = to_json()
        result = validate(doc, kind)
        if not result.valid:
            raise ValidationError(result)
        return result

    @staticmethod
    def check_capabilities(required: Iterable[str], available: Iterable[str]) -> None:
        """Return when every required capability is available; raise :class:`MissingCapabilities` otherwise."""
        missing = match_capabilities(required, available)
        if missing:
            raise MissingCapabilities(missing)
