"""The reference implementation of the VM Operations Job Protocol v1: the oracle of the conformance suite.

API: the names below, listed in ``__all__``. Modules named ``_*`` are private; the harness and its tests
reach the reference only through these names (``tests/test_public_api.py`` checks that, and that this list
and ``__all__`` agree).

Validating
    validate, validate_value, ValidationResult, Issue, Truncation, ValidationError, JobValidator,
    match_capabilities, MissingCapabilities
Telling a document's kind
    detect_kind, Detection
Writing a document back
    roundtrip, dumps
The parse layer (strict RFC 8259; never raises on hostile input)
    parse, decode, parse_int, parse_float, BigNumber, FloatLiteral, MAX_DEPTH
Values a schema cannot state
    timestamp_fault
The rule table
    RULES, Rule, rule_of, level_of, class_of, Level, LEVELS, CLASSES, KINDS, KIND_CLASS
JSON Pointers (RFC 6901)
    escape_token, unescape_token, parse_pointer, resolve_pointer
The published schemas
    schema, payload_schema, PAYLOAD_TYPES
Models
    Model, Document, JobDocument, JobResult, ProgressEvent, WorkerCapabilities, Metadata, Execution,
    Constraints, Routing, Audit, Authorization, Observability, Payload, ExecutionSummary, Outputs, Metrics,
    ResultError, Capabilities, Resources, Configuration, WorkerStatus, model_for
Building jobs
    JobBuilder, BuilderError, inspect_job, new_ulid, SCHEMA_URL, OPERATIONS, GUESTKIT_COMPARE,
    GUESTKIT_CONVERT, GUESTKIT_FIX, GUESTKIT_INSPECT, GUESTKIT_PROFILE, HYPER2KVM_CONVERT,
    HYPER2KVM_VALIDATE, SYSTEM_CAPABILITY_PROBE, SYSTEM_HEALTH_CHECK
"""

from ._detect import Detection, detect_kind
from ._issues import Issue, Truncation, ValidationResult
from ._numbers import BigNumber, FloatLiteral, parse_float
from ._parse import MAX_DEPTH, decode, parse, parse_int
from ._pointer import escape_token, parse_pointer, resolve_pointer, unescape_token
from ._roundtrip import roundtrip
from ._rules import CLASSES, KIND_CLASS, KINDS, LEVELS, RULES, Level, Rule, class_of, level_of, rule_of
from ._schema import PAYLOAD_TYPES, payload_schema, schema
from ._validator import (
    JobValidator,
    MissingCapabilities,
    ValidationError,
    match_capabilities,
    validate,
    validate_value,
)
from ._values import timestamp_fault
from ._writer import dumps
from .builder import (
    GUESTKIT_COMPARE,
    GUESTKIT_CONVERT,
    GUESTKIT_FIX,
    GUESTKIT_INSPECT,
    GUESTKIT_PROFILE,
    HYPER2KVM_CONVERT,
    HYPER2KVM_VALIDATE,
    OPERATIONS,
    SCHEMA_URL,
    SYSTEM_CAPABILITY_PROBE,
    SYSTEM_HEALTH_CHECK,
    BuilderError,
    JobBuilder,
    inspect_job,
    new_ulid,
)
from .models import (
    Audit,
    Authorization,
    Capabilities,
    Configuration,
    Constraints,
    Document,
    Execution,
    ExecutionSummary,
    JobDocument,
    JobResult,
    Metadata,
    Metrics,
    Model,
    Observability,
    Outputs,
    Payload,
    ProgressEvent,
    Resources,
    ResultError,
    Routing,
    WorkerCapabilities,
    WorkerStatus,
    model_for,
)

__version__ = "0.1.0"

__all__ = [
    # validating
    "validate",
    "validate_value",
    "ValidationResult",
    "Issue",
    "Truncation",
    "ValidationError",
    "JobValidator",
    "match_capabilities",
    "MissingCapabilities",
    # telling a document's kind
    "detect_kind",
    "Detection",
    # writing a document back
    "roundtrip",
    "dumps",
    # the parse layer
    "parse",
    "decode",
    "parse_int",
    "parse_float",
    "BigNumber",
    "FloatLiteral",
    "MAX_DEPTH",
    # values
    "timestamp_fault",
    # the rule table
    "RULES",
    "Rule",
    "rule_of",
    "level_of",
    "class_of",
    "Level",
    "LEVELS",
    "CLASSES",
    "KINDS",
    "KIND_CLASS",
    # JSON Pointers
    "escape_token",
    "unescape_token",
    "parse_pointer",
    "resolve_pointer",
    # the published schemas
    "schema",
    "payload_schema",
    "PAYLOAD_TYPES",
    # models
    "Model",
    "Document",
    "JobDocument",
    "JobResult",
    "ProgressEvent",
    "WorkerCapabilities",
    "Metadata",
    "Execution",
    "Constraints",
    "Routing",
    "Audit",
    "Authorization",
    "Observability",
    "Payload",
    "ExecutionSummary",
    "Outputs",
    "Metrics",
    "ResultError",
    "Capabilities",
    "Resources",
    "Configuration",
    "WorkerStatus",
    "model_for",
    # building jobs
    "JobBuilder",
    "BuilderError",
    "inspect_job",
    "new_ulid",
    "SCHEMA_URL",
    "OPERATIONS",
    "GUESTKIT_COMPARE",
    "GUESTKIT_CONVERT",
    "GUESTKIT_FIX",
    "GUESTKIT_INSPECT",
    "GUESTKIT_PROFILE",
    "HYPER2KVM_CONVERT",
    "HYPER2KVM_VALIDATE",
    "SYSTEM_CAPABILITY_PROBE",
    "SYSTEM_HEALTH_CHECK",
]
