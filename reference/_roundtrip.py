"""Round trip: parse a valid document and write it back, every member kept, no default injected."""

from __future__ import annotations

from typing import Any

from ._issues import verdict
from ._parse import BigNumber, FloatLiteral, parse_document
from ._validator import ValidationError, validate_value


def dumps(value: Any) -> str:
    """Compact JSON text of a parsed value, long integer and unusual float literals written back as they came."""
    import json

    if not _has_big(value):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    parts: list[str] = []
    _emit(value, parts)
    return "".join(parts)


def _has_big(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        if type(v) is BigNumber or type(v) is FloatLiteral:
            return True
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def _emit(value: Any, parts: list[str]) -> None:
    import json

    if type(value) is BigNumber or type(value) is FloatLiteral:
        parts.append(value.text)
    elif isinstance(value, dict):
        parts.append("{")
        for i, (k, v) in enumerate(value.items()):
            parts.append(("," if i else "") + json.dumps(k, ensure_ascii=False) + ":")
            _emit(v, parts)
        parts.append("}")
    elif isinstance(value, list):
        parts.append("[")
        for i, v in enumerate(value):
            if i:
                parts.append(",")
            _emit(v, parts)
        parts.append("]")
    else:
        parts.append(json.dumps(value, ensure_ascii=False, allow_nan=False))


def roundtrip(document: str | bytes, kind: str = "job") -> str:
    """Parse ``document`` into its model and write it back: every member kept, in order, no default added.

    Raises :class:`ValidationError` for an invalid document.
    """
    from .models import model_for

    cls = model_for(kind)
    value, faults = parse_document(document)
    result = verdict(kind, faults) if faults else validate_value(value, kind)
    if not result.valid:
        raise ValidationError(result)
    return dumps(cls.from_value(value).to_json())
