"""The reference implementation of the VM Operations Job Protocol v1: the oracle of the conformance suite."""

from ._issues import Issue, ValidationResult
from ._roundtrip import dumps, roundtrip
from ._rules import CLASSES, KINDS, LEVELS, RULES, Rule
from ._schema import PAYLOAD_TYPES, payload_schema, schema
from ._validator import (
    JobValidator,
    MissingCapabilities,
    ValidationError,
    match_capabilities,
    validate,
    validate_value,
)

__version__ = "0.1.0"

__all__ = [
    "CLASSES",
    "KINDS",
    "LEVELS",
    "PAYLOAD_TYPES",
    "RULES",
    "Issue",
    "JobValidator",
    "MissingCapabilities",
    "Rule",
    "ValidationError",
    "ValidationResult",
    "dumps",
    "match_capabilities",
    "roundtrip",
    "payload_schema",
    "schema",
    "validate",
    "validate_value",
]
