"""The VM Operations Job Protocol v1 as pydantic v2 models, written from the protocol text.

Default (lax) mode, unknown members allowed everywhere (``extra="allow"``), and only what a model can
say: types, required members, defaults, bounds, enumerations and patterns. No validator functions.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

U32 = Annotated[int, Field(ge=0, le=4_294_967_295)]
U64 = Annotated[int, Field(ge=0, le=18_446_744_073_709_551_615)]
Timestamp = AwareDatetime  # RFC 3339: a date, a time with seconds and an offset
PathLike = Annotated[str, Field(min_length=1)]
ImageFormat = Literal["qcow2", "vmdk", "vdi", "vhdx", "raw", "img", "ova"]
Checksum = Annotated[str, Field(pattern=r"^((?i:sha256):)?[0-9a-fA-F]{64}$")]
OutputFormat = Literal["json", "yaml"]


class Model(BaseModel):
    model_config = ConfigDict(extra="allow")


# --- job envelope -----------------------------------------------------------------------------------------


class Metadata(Model):
    name: str | None = None
    namespace: str | None = None
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None


class Execution(Model):
    idempotency_key: str | None = None
    attempt: Annotated[int, Field(ge=1, le=4_294_967_295)] = 1
    max_attempts: Annotated[int, Field(ge=1, le=4_294_967_295)] = 1
    timeout_seconds: Annotated[int, Field(ge=1, le=18_446_744_073_709_551_615)] = 3600
    deadline: Timestamp | None = None
    priority: Annotated[int, Field(ge=1, le=10)] = 5
    cancellable: bool = True


class Constraints(Model):
    required_capabilities: list[str] | None = None
    required_features: list[str] | None = None
    minimum_worker_version: Annotated[str, Field(min_length=1)] | None = None
    maximum_disk_size_gb: U64 | None = None
    require_privileged: bool | None = None
    allowed_worker_pools: list[str] | None = None


class Routing(Model):
    worker_id: str | None = None
    worker_pool: str | None = None
    affinity: dict[str, str] | None = None
    anti_affinity: dict[str, list[str]] | None = None


class Observability(Model):
    trace_id: str | None = None
    span_id: str | None = None
    parent_span_id: str | None = None
    correlation_id: str | None = None


class Authorization(Model):
    method: str
    subject: str


class Audit(Model):
    submitted_by: str | None = None
    submitted_from: str | None = None
    authorization: Authorization | None = None


class Payload(Model):
    type: Annotated[str, Field(pattern=r"^[^.]+\.[^.]+(\.[^.]+)*\.v[0-9]+$")]
    data: dict[str, Any]


class Job(Model):
    schema_: str | None = Field(default=None, alias="$schema")
    version: Literal["1.0"]
    job_id: Annotated[str, Field(min_length=8)]
    created_at: Timestamp
    kind: Literal["VMOperation"]
    operation: Annotated[str, Field(pattern=r"^[^.]+(\.[^.]+)+$")]
    payload: Payload
    metadata: Metadata | None = None
    execution: Execution | None = None
    constraints: Constraints | None = None
    routing: Routing | None = None
    observability: Observability | None = None
    audit: Audit | None = None


# --- known payloads (payload.data by payload.type) ----------------------------------------------------------


class Image(Model):
    path: PathLike
    format: ImageFormat
    checksum: Checksum | None = None
    size_bytes: U64 | None = None


class InspectImage(Image):
    read_only: bool = True


class InspectOptions(Model):
    deep_scan: bool = False
    include_packages: bool = False
    include_services: bool = False
    include_users: bool = False
    include_network: bool = False
    include_security: bool = False
    include_storage: bool = False
    include_databases: bool = False


class InspectOutput(Model):
    format: OutputFormat
    destination: PathLike
    compression: str | None = None


class InspectPayload(Model):
    image: InspectImage
    options: InspectOptions | None = None
    output: InspectOutput | None = None


class ProfileOptions(Model):
    severity_threshold: Literal["low", "medium", "high", "critical"] = "low"
    fail_on_critical: bool = False


class ProfileOutput(Model):
    format: OutputFormat = "json"
    destination: PathLike | None = None
    include_remediation: bool = False


class ProfilePayload(Model):
    image: Image
    profiles: Annotated[
        list[Literal["security", "compliance", "hardening", "performance", "migration"]], Field(min_length=1)
    ]
    options: ProfileOptions | None = None
    output: ProfileOutput | None = None


class FixImage(Image):
    create_backup: bool = False
    backup_path: PathLike | None = None


class FixOperation(Model):
    type: str
    options: dict[str, Any] = {}


class FixExecutionPolicy(Model):
    stop_on_error: bool = True
    validate_before_commit: bool = True


class FixOutput(Model):
    fixed_image: PathLike | None = None
    log_path: PathLike | None = None
    report_format: OutputFormat = "json"


class FixPayload(Model):
    image: FixImage
    operations: Annotated[list[FixOperation], Field(min_length=1)]
    execution_policy: FixExecutionPolicy | None = None
    output: FixOutput | None = None


class ConvertTarget(Model):
    path: PathLike
    format: ImageFormat
    compression: bool = False
    compression_type: str | None = None


class ConvertOptions(Model):
    verify_after_convert: bool = False
    preserve_sparse: bool = True


class ConvertPayload(Model):
    source: Image
    target: ConvertTarget
    options: ConvertOptions | None = None


class CompareImage(Model):
    path: PathLike
    format: ImageFormat
    checksum: Checksum | None = None


class CompareOptions(Model):
    compare_packages: bool = True
    compare_files: bool = True
    compare_config: bool = True
    ignore_timestamps: bool = True


class CompareOutput(Model):
    format: OutputFormat = "json"
    destination: PathLike | None = None
    include_recommendations: bool = False


class ComparePayload(Model):
    baseline: CompareImage
    target: CompareImage
    options: CompareOptions | None = None
    output: CompareOutput | None = None


PAYLOADS: dict[str, type[Model]] = {
    "guestkit.inspect.v1": InspectPayload,
    "guestkit.profile.v1": ProfilePayload,
    "guestkit.fix.v1": FixPayload,
    "guestkit.convert.v1": ConvertPayload,
    "guestkit.compare.v1": ComparePayload,
}


# --- result, progress, worker --------------------------------------------------------------------------------


class ExecutionSummary(Model):
    started_at: Timestamp
    duration_seconds: U64
    attempt: Annotated[int, Field(ge=1, le=4_294_967_295)]
    idempotency_key: str | None = None


class Outputs(Model):
    primary: str
    artifacts: list[str] | None = None


class Metrics(Model):
    disk_read_bytes: U64 | None = None
    disk_write_bytes: U64 | None = None
    peak_memory_mb: U64 | None = None
    cpu_seconds: U64 | None = None


class ExecutionError(Model):
    code: str
    message: str
    phase: str | None = None
    details: dict[str, Any] | None = None
    recoverable: bool
    retry_recommended: bool


class Result(Model):
    job_id: str
    status: Literal["pending", "assigned", "running", "completed", "failed", "cancelled", "timeout"]
    completed_at: Timestamp | None = None
    failed_at: Timestamp | None = None
    worker_id: str
    execution_summary: ExecutionSummary
    outputs: Outputs | None = None
    metrics: Metrics | None = None
    error: ExecutionError | None = None
    observability: Observability | None = None
    data: Any = None


class Progress(Model):
    job_id: str
    timestamp: Timestamp
    sequence: U64
    phase: str
    progress_percent: Annotated[int, Field(ge=0, le=100)] | None = None
    message: str
    details: dict[str, Any] | None = None
    observability: Observability | None = None


class WorkerCapabilitySet(Model):
    operations: list[str] = []
    features: list[str] = []
    disk_formats: list[str] = []


class WorkerResources(Model):
    max_concurrent_jobs: U32
    max_disk_size_gb: U64
    available_disk_gb: U64
    cpu_cores: U32
    memory_gb: U64


class WorkerConfiguration(Model):
    privileged: bool
    worker_pool: str | None = None
    data_locality: list[str] | None = None


class WorkerStatus(Model):
    state: Literal["ready", "busy", "draining", "offline"]
    current_jobs: U32
    last_heartbeat: Timestamp


class Worker(Model):
    worker_id: str
    version: str
    hostname: str
    registered_at: Timestamp
    capabilities: WorkerCapabilitySet
    resources: WorkerResources
    configuration: WorkerConfiguration
    status: WorkerStatus


KINDS: dict[str, type[Model]] = {"job": Job, "result": Result, "progress": Progress, "worker": Worker}
