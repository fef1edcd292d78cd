"""Round trip: parse a valid document and write it back, every member kept, no default injected."""

from __future__ import annotations

from ._issues import verdict
from ._parse import parse_document
from ._validator import ValidationError, validate_value
from ._writer import dumps
from .models import model_for


def roundtrip(document: str | bytes, kind: str = "job") -> str:
    """Parse ``document`` into its model and write it back: every member kept, in order, no default added.

    Raises :class:`ValidationError` for an invalid document.
    """
    cls = model_for(kind)
    value, faults = parse_document(document)
    result = verdict(kind, faults) if faults else validate_value(value, kind)
    if not result.valid:
        raise ValidationError(result)
    return dumps(cls.from_value(value).to_json())
