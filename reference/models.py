"""Typed models of the four documents and their sections, faithful to the bytes they came from.

The protocol promises that a document read and written back keeps every member, unknown ones at every
level included, and gains no default it did not carry (the crate breaks this: it drops nested unknown
members). So every model keeps an ``extra`` mapping of the members it does not define and the order in
which the members came; ``to_json`` writes them back in that order. Defaults are applied only on request,
by :meth:`Model.normalize`, which returns a copy.

Documents parse through the reference parser and validator (``from_json``): an invalid document raises
:class:`~reference.ValidationError`, so a model always holds a valid document unless built by hand.

``payload.data`` stays a plain mapping, known payload types included: the payload schemas are the single
source of its structure, the upstream worker already disagrees with the spec on ``guestkit.convert.v1``'s
shape, and a mapping keeps unknown members and huge numbers without a second model layer.
Integer literals too long to convert stay :class:`~reference._parse.BigNumber` and are written back digit
for digit.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Self

from ._issues import Issue, ValidationResult, verdict
from ._parse import parse_document
from ._validator import ValidationError, validate_value
from ._writer import dumps

__all__ = [
    "Audit",
    "Authorization",
    "Capabilities",
    "Configuration",
    "Constraints",
    "Document",
    "Execution",
    "ExecutionSummary",
    "JobDocument",
    "JobResult",
    "Metadata",
    "Metrics",
    "Model",
    "Observability",
    "Outputs",
    "Payload",
    "ProgressEvent",
    "Resources",
    "ResultError",
    "Routing",
    "WorkerCapabilities",
    "WorkerStatus",
    "model_for",
]


def _f(default: Any = None, *, json: str | None = None, model: type[Model] | None = None) -> Any:
    """A model field: optional (None means absent), its JSON member name when it differs, its section model."""
    return field(default=default, metadata={"json": json, "model": model})


def _req(*, json: str | None = None, model: type[Model] | None = None) -> Any:
    """A member the document must carry."""
    return field(metadata={"json": json, "model": model})


@dataclass(kw_only=True)
class Model:
    """A JSON object of the protocol: known members as attributes, the others in ``extra``, order kept."""

    #: Members this model does not define, with their values as parsed.
    extra: dict[str, Any] = field(default_factory=dict)
    #: Member names in document order (known and unknown); members set later are written after them.
    member_order: list[str] = field(default_factory=list, repr=False, compare=False)

    _KNOWN: ClassVar[dict[str, tuple[str, type[Model] | None]]]

    @classmethod
    def _known(cls) -> dict[str, tuple[str, type[Model] | None]]:
        """JSON member name -> (attribute, section model), from the dataclass fields."""
        known = cls.__dict__.get("_KNOWN")
        if known is None:
            known = {
                (f.metadata.get("json") or f.name): (f.name, f.metadata.get("model"))
                for f in fields(cls)
                if f.name not in ("extra", "member_order")
            }
            cls._KNOWN = known
        return known

    @classmethod
    def from_value(cls, value: Mapping[str, Any]) -> Self:
        """Build from a parsed JSON object, without validating it (see ``from_json`` for documents)."""
        if not isinstance(value, Mapping):
            raise TypeError(f"{cls.__name__}.from_value takes a JSON object, not {type(value).__name__}")
        known = cls._known()
        kwargs: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for name, v in value.items():
            spec = known.get(name)
            if spec is None:
                extra[name] = v
            else:
                attr, sub = spec
                kwargs[attr] = sub.from_value(v) if sub is not None and isinstance(v, Mapping) else v
        try:
            obj = cls(**kwargs, extra=extra)
        except TypeError as err:  # a required member is absent: only from an unvalidated mapping
            raise TypeError(f"{cls.__name__}: {err}") from None
        obj.member_order = list(value)
        return obj

    def to_json(self) -> dict[str, Any]:
        """The JSON object: members in their original order, unknown ones kept, no default added."""
        known = self._known()
        out: dict[str, Any] = {}
        for name in self.member_order:
            spec = known.get(name)
            if spec is not None:
                out[name] = _dump(getattr(self, spec[0]))
            elif name in self.extra:
                out[name] = self.extra[name]
        for name, (attr, _sub) in known.items():
            if name not in out:
                v = getattr(self, attr)
                if v is not None:
                    out[name] = _dump(v)
        for name, v in self.extra.items():
            if name not in out:
                out[name] = v
        return out

    def to_text(self) -> str:
        """Compact JSON text; long integer literals written back digit for digit."""
        return dumps(self.to_json())

    def normalize(self) -> Self:
        """A copy with every protocol default applied (the original is left as it is)."""
        twin = copy.deepcopy(self)
        twin._apply_defaults()
        return twin

    def _apply_defaults(self) -> None:
        for attr, _sub in self._known().values():
            v = getattr(self, attr)
            if isinstance(v, Model):
                v._apply_defaults()


def _dump(value: Any) -> Any:
    return value.to_json() if isinstance(value, Model) else value


class Document(Model):
    """A top-level document: parsed and validated by the reference."""

    KIND: ClassVar[str]

    @classmethod
    def from_json(cls, document: str | bytes | Mapping[str, Any]) -> Self:
        """Parse and validate ``document``; raise :class:`ValidationError` when the reference finds it invalid."""
        if isinstance(document, (str, bytes, bytearray)):
            value, faults = parse_document(bytes(document) if isinstance(document, bytearray) else document)
            result = verdict(cls.KIND, faults) if faults else validate_value(value, cls.KIND)
        else:
            value = document
            result = validate_value(value, cls.KIND)
        if not result.valid:
            raise ValidationError(result)
        return cls.from_value(value)

    def validate(self) -> ValidationResult:
        """The reference's verdict on this model as it now stands (it may have been edited)."""
        return validate_value(self.to_json(), self.KIND)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return self.validate().warnings


# --- job -----------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Payload(Model):
    type: str = _req()
    #: The payload data as a mapping, known payload types included (see the module docstring).
    data: dict[str, Any] = _req()


@dataclass(kw_only=True)
class Metadata(Model):
    name: str | None = _f()
    namespace: str | None = _f()
    labels: dict[str, str] | None = _f()
    annotations: dict[str, str] | None = _f()


@dataclass(kw_only=True)
class Execution(Model):
    attempt: int | None = _f()
    max_attempts: int | None = _f()
    timeout_seconds: int | None = _f()
    priority: int | None = _f()
    cancellable: bool | None = _f()
    idempotency_key: str | None = _f()
    deadline: str | None = _f()

    DEFAULTS: ClassVar[dict[str, Any]] = {
        "attempt": 1,
        "max_attempts": 1,
        "timeout_seconds": 3600,
        "priority": 5,
        "cancellable": True,
    }

    def _apply_defaults(self) -> None:
        for attr, default in self.DEFAULTS.items():
            if getattr(self, attr) is None:
                setattr(self, attr, default)


@dataclass(kw_only=True)
class Constraints(Model):
    required_capabilities: list[str] | None = _f()
    required_features: list[str] | None = _f()
    allowed_worker_pools: list[str] | None = _f()
    minimum_worker_version: str | None = _f()
    maximum_disk_size_gb: int | None = _f()
    require_privileged: bool | None = _f()


@dataclass(kw_only=True)
class Routing(Model):
    worker_id: str | None = _f()
    worker_pool: str | None = _f()
    affinity: dict[str, str] | None = _f()
    anti_affinity: dict[str, list[str]] | None = _f()


@dataclass(kw_only=True)
class Observability(Model):
    trace_id: str | None = _f()
    span_id: str | None = _f()
    parent_span_id: str | None = _f()
    correlation_id: str | None = _f()


@dataclass(kw_only=True)
class Authorization(Model):
    method: str = _req()
    subject: str = _req()


@dataclass(kw_only=True)
class Audit(Model):
    submitted_by: str | None = _f()
    submitted_from: str | None = _f()
    authorization: Authorization | None = _f(model=Authorization)


@dataclass(kw_only=True)
class JobDocument(Document):
    """A job envelope (kind ``job``)."""

    KIND: ClassVar[str] = "job"

    schema: str | None = _f(json="$schema")
    version: str = _req()
    job_id: str = _req()
    created_at: str = _req()
    kind: str = _req()
    operation: str = _req()
    payload: Payload = _req(model=Payload)
    metadata: Metadata | None = _f(model=Metadata)
    execution: Execution | None = _f(model=Execution)
    constraints: Constraints | None = _f(model=Constraints)
    routing: Routing | None = _f(model=Routing)
    observability: Observability | None = _f(model=Observability)
    audit: Audit | None = _f(model=Audit)

    def _apply_defaults(self) -> None:
        # The execution defaults are the job's effective settings, so an absent section gets them too.
        if self.execution is None:
            self.execution = Execution()
        super()._apply_defaults()
        data = self.payload.data if isinstance(self.payload, Payload) else None
        if self.payload.type == "guestkit.inspect.v1" and isinstance(data, dict):
            image = data.get("image")
            if isinstance(image, dict) and "read_only" not in image:
                image["read_only"] = True


# --- result --------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class ExecutionSummary(Model):
    started_at: str = _req()
    duration_seconds: int = _req()
    attempt: int = _req()
    idempotency_key: str | None = _f()


@dataclass(kw_only=True)
class Outputs(Model):
    primary: str = _req()
    artifacts: list[str] | None = _f()

    def _apply_defaults(self) -> None:
        if self.artifacts is None:
            self.artifacts = []


@dataclass(kw_only=True)
class Metrics(Model):
    disk_read_bytes: int | None = _f()
    disk_write_bytes: int | None = _f()
    peak_memory_mb: int | None = _f()
    cpu_seconds: int | None = _f()


@dataclass(kw_only=True)
class ResultError(Model):
    code: str = _req()
    message: str = _req()
    recoverable: bool = _req()
    retry_recommended: bool = _req()
    phase: str | None = _f()
    details: dict[str, Any] | None = _f()


@dataclass(kw_only=True)
class JobResult(Document):
    """What a worker reports at the end of a job (kind ``result``)."""

    KIND: ClassVar[str] = "result"

    job_id: str = _req()
    status: str = _req()
    worker_id: str = _req()
    execution_summary: ExecutionSummary = _req(model=ExecutionSummary)
    completed_at: str | None = _f()
    failed_at: str | None = _f()
    outputs: Outputs | None = _f(model=Outputs)
    metrics: Metrics | None = _f(model=Metrics)
    error: ResultError | None = _f(model=ResultError)
    observability: Observability | None = _f(model=Observability)
    #: Any JSON value; absent and null are told apart by ``member_order``.
    data: Any = _f()


# --- progress ------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class ProgressEvent(Document):
    """An event while a job runs (kind ``progress``)."""

    KIND: ClassVar[str] = "progress"

    job_id: str = _req()
    timestamp: str = _req()
    sequence: int = _req()
    phase: str = _req()
    message: str = _req()
    progress_percent: int | None = _f()
    details: dict[str, Any] | None = _f()
    observability: Observability | None = _f(model=Observability)


# --- worker --------------------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Capabilities(Model):
    operations: list[str] | None = _f()
    features: list[str] | None = _f()
    disk_formats: list[str] | None = _f()

    def _apply_defaults(self) -> None:
        for attr in ("operations", "features", "disk_formats"):
            if getattr(self, attr) is None:
                setattr(self, attr, [])


@dataclass(kw_only=True)
class Resources(Model):
    max_concurrent_jobs: int = _req()
    max_disk_size_gb: int = _req()
    available_disk_gb: int = _req()
    cpu_cores: int = _req()
    memory_gb: int = _req()


@dataclass(kw_only=True)
class Configuration(Model):
    privileged: bool = _req()
    worker_pool: str | None = _f()
    data_locality: list[str] | None = _f()


@dataclass(kw_only=True)
class WorkerStatus(Model):
    state: str = _req()
    current_jobs: int = _req()
    last_heartbeat: str = _req()


@dataclass(kw_only=True)
class WorkerCapabilities(Document):
    """A worker's capability advertisement (kind ``worker``)."""

    KIND: ClassVar[str] = "worker"

    worker_id: str = _req()
    version: str = _req()
    hostname: str = _req()
    registered_at: str = _req()
    capabilities: Capabilities = _req(model=Capabilities)
    resources: Resources = _req(model=Resources)
    configuration: Configuration = _req(model=Configuration)
    status: WorkerStatus = _req(model=WorkerStatus)


_MODELS: dict[str, type[Document]] = {
    "job": JobDocument,
    "result": JobResult,
    "progress": ProgressEvent,
    "worker": WorkerCapabilities,
}


def model_for(kind: str) -> type[Document]:
    """The document model of ``kind``."""
    try:
        return _MODELS[kind]
    except KeyError:
        raise ValueError(f"kind={kind!r} is not a document kind; expected one of {', '.join(_MODELS)}") from None
