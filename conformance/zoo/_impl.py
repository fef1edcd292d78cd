"""The reference's behaviour taken apart into steps, so that a variant changes exactly one of them.

A zoo implementation is the reference (parse, then structure and semantics, then a reply; write back;
match capabilities) with one hook replaced: a more lenient reader, errors it wrongly forgives, errors it
wrongly raises, a writer that loses or adds members, a matcher that compares differently, or (for the
equivalent variants) another but still correct way of phrasing the reply.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import reference
from reference import Issue, ValidationError, ValidationResult, parse, validate_value

from ..adapter_server import Handler

#: ``(data) -> (value, faults)``: the parse layer, as :func:`reference._parse.parse`.
Reader = Callable[[bytes], tuple[Any, list[Issue]]]
#: ``(issue, document, kind) -> True`` when the variant wrongly forgives this error.
Forgive = Callable[[Issue, Any, str], bool]
#: ``(kind, document) -> errors`` the variant wrongly raises on a structurally parsed document.
Extra = Callable[[str, Any], list[Issue]]
#: ``(kind, value) -> value``: a change the reader makes to the value before it is checked.
Transform = Callable[[str, Any], Any]
#: ``(kind, value) -> text``: how a round trip writes a valid document back.
Writer = Callable[[str, Any], str]
Matcher = Callable[[list[str], list[str]], tuple[bool, list[str]]]
#: ``(result) -> validate reply``: how the verdict is phrased on the wire.
Phrase = Callable[[ValidationResult], dict[str, Any]]

MISSING: Any = object()


def at(doc: Any, pointer: str) -> Any:
    """The value at an RFC 6901 ``pointer`` of ``doc``, or :data:`MISSING`."""
    node = doc
    if not pointer:
        return node
    for raw in pointer[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def issues_json(issues: tuple[Issue, ...] | list[Issue]) -> list[dict[str, str]]:
    return [{"pointer": i.pointer, "message": i.message, "rule": i.rule} for i in issues]


def reference_phrase(result: ValidationResult) -> dict[str, Any]:
    """The reply the reference gives (``vmjob adapter``)."""
    return {"valid": result.valid, "errors": issues_json(result.errors), "warnings": issues_json(result.warnings)}


def reference_match(required: list[str], available: list[str]) -> tuple[bool, list[str]]:
    missing = list(reference.match_capabilities(required, available))
    return not missing, missing


def reference_writer(kind: str, value: Any) -> str:
    return reference.dumps(value)


@dataclass(frozen=True)
class Impl:
    """An implementation of the protocol: the reference unless a hook says otherwise."""

    reader: Reader = parse
    transform: Transform | None = None
    forgive: Forgive | None = None
    extra: Extra | None = None
    #: Report no warnings at all (a reader that never learnt the SHOULD rules).
    silent: bool = False
    #: Warnings it wrongly leaves out, and warnings it wrongly gives (a bound off by one, another clock).
    forgive_warning: Forgive | None = None
    extra_warnings: Extra | None = None
    phrase: Phrase = reference_phrase
    writer: Writer = reference_writer
    matcher: Matcher = reference_match
    classes: tuple[str, ...] = field(default=reference.CLASSES)
    kinds: tuple[str, ...] = field(default=reference.KINDS)

    def check(self, kind: str, data: bytes | str) -> ValidationResult:
        """This implementation's verdict, with the reference's issue objects where it agrees."""
        return self._read(kind, data)[1]

    def _read(self, kind: str, data: bytes | str) -> tuple[Any, ValidationResult]:
        value, faults = self.reader(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
        if faults:
            return None, ValidationResult(kind, tuple(faults))
        if self.transform is not None:
            value = self.transform(kind, value)
        result = validate_value(value, kind)
        errors = list(result.errors)
        if self.forgive is not None:
            forgive = self.forgive
            errors = [e for e in errors if not forgive(e, value, kind)]
        if self.extra is not None and isinstance(value, dict):
            errors.extend(self.extra(kind, value))
        warnings = [] if self.silent else list(result.warnings)
        if self.forgive_warning is not None:
            forgive_warning = self.forgive_warning
            warnings = [w for w in warnings if not forgive_warning(w, value, kind)]
        if self.extra_warnings is not None and isinstance(value, dict):
            warnings.extend(self.extra_warnings(kind, value))
        return value, ValidationResult(kind, tuple(errors), tuple(warnings))

    def validate(self, kind: str, data: bytes) -> dict[str, Any]:
        return self.phrase(self.check(kind, data))

    def roundtrip(self, kind: str, data: bytes) -> str:
        """Write a valid document back; an invalid one is refused (an ``errored`` reply)."""
        value, result = self._read(kind, data)
        if not result.valid:
            raise ValidationError(result)
        return self.writer(kind, value)

    def match(self, required: list[str], available: list[str]) -> tuple[bool, list[str]]:
        return self.matcher(required, available)

    def handler(self, name: str, version: str = reference.__version__) -> Handler:
        return Handler(
            name=name,
            version=version,
            language="python",
            validate=self.validate,
            roundtrip=self.roundtrip,
            match=self.match,
            classes=list(self.classes),
            kinds=list(self.kinds),
        )


REFERENCE = Impl()


def dumps(value: Any, **options: Any) -> str:
    """JSON text of a parsed value with ``json.dumps`` options, number literals the reader kept as text
    (long integers, ``1E+2``, ``1e400``) written back as they came."""
    from reference import BigNumber, FloatLiteral

    marks: dict[str, str] = {}

    def swap(v: Any) -> Any:
        if type(v) in (BigNumber, FloatLiteral):
            key = f"\x00big{len(marks)}\x00"
            marks[key] = v.text
            return key
        if isinstance(v, dict):
            return {k: swap(x) for k, x in v.items()}
        if isinstance(v, list):
            return [swap(x) for x in v]
        return v

    text = json.dumps(swap(value), allow_nan=False, **options)
    for key, digits in marks.items():
        text = text.replace(json.dumps(key, ensure_ascii=options.get("ensure_ascii", True)), digits)
    return text
