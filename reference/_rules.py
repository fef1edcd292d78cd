"""The rule table: every normative rule of the protocol, in one place.

Rule ids are the currency of the whole product: the validator's errors, the corpus cases, the reports
and the fuzzer's findings all name them. An id is never reused for another meaning.

``polarity`` says how a rule can be exercised:

* ``both``: documents that keep it are valid, documents that break it are invalid;
* ``accept``: the rule says something must be *accepted* (unknown members); it has no invalid side;
* ``warning``: breaking it leaves the document valid, with a warning naming the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["required", "recommended", "informational"]
Polarity = Literal["both", "accept", "warning"]

LEVELS: tuple[Level, ...] = ("required", "recommended", "informational")
CLASSES = ("core", "payload", "result", "progress", "worker", "capabilities", "roundtrip")
#: The class of a running worker's behaviour: certified by driving a worker (`vmjob worker certify`), never by
#: asking a validator, so it is kept out of :data:`CLASSES` (the classes a validator can claim).
WORKER_CLASSES = ("behaviour",)
KINDS = ("job", "result", "progress", "worker")
#: The conformance class a document of each kind belongs to, for rules that hold in every kind.
KIND_CLASS = {"job": "core", "result": "result", "progress": "progress", "worker": "worker"}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    level: Level
    #: ``common`` rules hold in every document kind; a case exercising one takes the class of its kind.
    klass: str
    statement: str
    decision: str = ""
    polarity: Polarity = "both"


def _r(id: str, level: Level, klass: str, statement: str, decision: str = "", polarity: Polarity = "both") -> Rule:
    return Rule(id, level, klass, statement, decision, polarity)


REQ: Level = "required"
REC: Level = "recommended"
INFO: Level = "informational"

_TABLE: list[Rule] = [
    # --- parse layer, every kind -------------------------------------------------------------------
    _r(
        "parse.encoding",
        REQ,
        "common",
        "The document is UTF-8 text with no byte-order mark, and every string in it is Unicode text.",
        "A \\u escape of a lone surrogate denotes no Unicode character: I-JSON (RFC 7493) forbids it and serde_json "
        "rejects it, so it breaks this rule.",
    ),
    _r(
        "parse.syntax",
        REQ,
        "common",
        "The text is one JSON value per RFC 8259 and nothing else: no NaN or Infinity, no comments, no trailing "
        "commas, no trailing non-space text.",
    ),
    _r(
        "parse.top-level-object",
        REQ,
        "common",
        "The top-level value is a JSON object.",
        "The Rust crate accepts a job given as a JSON array of its fields; that is a defect, not a feature.",
    ),
    _r(
        "parse.duplicate-member",
        REQ,
        "common",
        "No object anywhere has two members with the same name.",
        "Parser-differential safety: one parser keeps the first, another the last.",
    ),
    _r(
        "parse.integer.literal",
        REQ,
        "common",
        "A member typed integer holds a JSON integer literal: no fraction, no exponent (5.0 and 5e0 are invalid).",
    ),
    _r(
        "parse.integer.width",
        REQ,
        "common",
        "A member typed integer lies within its width (u8 0..255, u32 0..4294967295, u64 0..18446744073709551615), "
        "whatever the length of its literal.",
        "A number of 400 or 5,000 digits gets this verdict like any other overflow; it never crashes the reader.",
    ),
    _r(
        "parse.number.range",
        INFO,
        "common",
        "Inside free-form data (payload.data members the protocol does not define, details, result data) any JSON "
        "number is accepted; one beyond the range of a double may be rejected.",
        "The reference accepts every number there, of any size.",
        "accept",
    ),
    _r(
        "parse.depth",
        INFO,
        "common",
        "Nesting deeper than 128 levels may be rejected.",
        "The reference rejects a document nested deeper than 128 levels, and never crashes at any depth.",
    ),
    # --- job envelope --------------------------------------------------------------------------------
    _r(
        "core.unknown-members",
        REQ,
        "core",
        "A member the protocol does not define is accepted at every level, the top level included.",
        "The draft spec says unknown fields are allowed everywhere; the Rust crate rejects them at the top level, "
        "a defect.",
        "accept",
    ),
    _r("core.version", REQ, "core", '`version` is present and is exactly the string "1.0".'),
    _r(
        "core.job_id",
        REQ,
        "core",
        "`job_id` is present and is a string of at least 8 characters, counted in Unicode code points.",
        'The crate counts UTF-8 bytes, so "éééé" passes there: a defect.',
    ),
    _r(
        "core.job_id.charset",
        REC,
        "core",
        "`job_id` contains no `/`, `\\`, NUL or other control character (workers build file names from it).",
    ),
    _r("core.created_at", REQ, "core", "`created_at` is present and is a timestamp string."),
    _r("core.kind", REQ, "core", '`kind` is present and is exactly the string "VMOperation".'),
    _r(
        "core.operation",
        REQ,
        "core",
        "`operation` is present and is a string of at least two non-empty dot-separated segments.",
        'The crate only checks for a dot, so ".", "a." and ".a" pass there: a defect.',
    ),
    _r(
        "core.operation.charset",
        REC,
        "core",
        "The segments of `operation` use lowercase ASCII letters, digits, `-` and `_` only.",
    ),
    _r(
        "core.payload",
        REQ,
        "core",
        "`payload` is present and is an object with a string member `type` and a member `data`.",
    ),
    _r(
        "core.payload.data",
        REQ,
        "core",
        "`payload.data` is a JSON object.",
        "The crate accepts null, strings and arrays: a defect.",
    ),
    _r(
        "core.payload.type",
        REQ,
        "core",
        "`payload.type` has at least three non-empty dot-separated segments, the last being `v` and one or more "
        "digits.",
    ),
    _r(
        "core.payload.type.matches-operation",
        REQ,
        "core",
        "`payload.type` equals `operation`, a dot, and its version segment.",
        "Checked only when both `operation` and `payload.type` are well formed, so that one fault gives one error.",
    ),
    _r("core.$schema", REQ, "core", "`$schema` is a string or null."),
    _r("core.metadata", REQ, "core", "`metadata` is an object or null."),
    _r("core.metadata.name", REQ, "core", "`metadata.name` is a string or null."),
    _r("core.metadata.namespace", REQ, "core", "`metadata.namespace` is a string or null."),
    _r("core.metadata.labels", REQ, "core", "`metadata.labels` is an object whose values are all strings, or null."),
    _r(
        "core.metadata.annotations",
        REQ,
        "core",
        "`metadata.annotations` is an object whose values are all strings, or null.",
    ),
    _r("core.execution", REQ, "core", "`execution` is an object or null."),
    _r("core.execution.attempt", REQ, "core", "`execution.attempt` is an integer >= 1 (u32), default 1, never null."),
    _r(
        "core.execution.max_attempts",
        REQ,
        "core",
        "`execution.max_attempts` is an integer >= 1 (u32), default 1, never null.",
    ),
    _r(
        "core.execution.attempt-within-max",
        REQ,
        "core",
        "`execution.attempt` <= `execution.max_attempts`, after defaults apply.",
        '`{"attempt": 3}` alone is invalid, since max_attempts defaults to 1.',
    ),
    _r(
        "core.execution.timeout_seconds",
        REQ,
        "core",
        "`execution.timeout_seconds` is an integer >= 1 (u64), default 3600, never null.",
        "The crate accepts 0: a defect.",
    ),
    _r(
        "core.execution.timeout_seconds.long",
        REC,
        "core",
        "`execution.timeout_seconds` above 86400 is valid, with a warning.",
        polarity="warning",
    ),
    _r(
        "core.execution.priority",
        REQ,
        "core",
        "`execution.priority` is an integer 1..10 (u8), default 5, never null.",
        "The crate's builder clamps priority into 1..10; its validator rejects values outside it.",
    ),
    _r("core.execution.cancellable", REQ, "core", "`execution.cancellable` is a boolean, default true, never null."),
    _r("core.execution.idempotency_key", REQ, "core", "`execution.idempotency_key` is a string or null."),
    _r("core.execution.deadline", REQ, "core", "`execution.deadline` is a timestamp string or null."),
    _r(
        "core.execution.deadline.after-created",
        REC,
        "core",
        "`execution.deadline` not after `created_at` is valid, with a warning.",
        polarity="warning",
    ),
    _r("core.constraints", REQ, "core", "`constraints` is an object or null."),
    _r(
        "core.constraints.required_capabilities",
        REQ,
        "core",
        "`constraints.required_capabilities` is an array of strings, or null.",
    ),
    _r(
        "core.constraints.required_features",
        REQ,
        "core",
        "`constraints.required_features` is an array of strings, or null.",
    ),
    _r(
        "core.constraints.allowed_worker_pools",
        REQ,
        "core",
        "`constraints.allowed_worker_pools` is an array of strings, or null.",
    ),
    _r(
        "core.constraints.minimum_worker_version",
        REQ,
        "core",
        "`constraints.minimum_worker_version` is a non-empty string, or null.",
    ),
    _r(
        "core.constraints.minimum_worker_version.semver",
        REC,
        "core",
        "`constraints.minimum_worker_version` is a semantic version (SemVer 2.0.0, e.g. `0.4.0`).",
    ),
    _r(
        "core.constraints.maximum_disk_size_gb",
        REQ,
        "core",
        "`constraints.maximum_disk_size_gb` is an integer (u64), or null.",
    ),
    _r(
        "core.constraints.maximum_disk_size_gb.large",
        REC,
        "core",
        "`constraints.maximum_disk_size_gb` above 100000 is valid, with a warning.",
        polarity="warning",
    ),
    _r("core.constraints.require_privileged", REQ, "core", "`constraints.require_privileged` is a boolean or null."),
    _r("core.routing", REQ, "core", "`routing` is an object or null."),
    _r("core.routing.worker_id", REQ, "core", "`routing.worker_id` is a string or null."),
    _r("core.routing.worker_pool", REQ, "core", "`routing.worker_pool` is a string or null."),
    _r("core.routing.affinity", REQ, "core", "`routing.affinity` is an object whose values are strings, or null."),
    _r(
        "core.routing.anti_affinity",
        REQ,
        "core",
        "`routing.anti_affinity` is an object whose values are arrays of strings, or null.",
    ),
    _r("core.observability", REQ, "core", "`observability` is an object or null."),
    _r("core.audit", REQ, "core", "`audit` is an object or null."),
    _r("core.audit.submitted_by", REQ, "core", "`audit.submitted_by` is a string or null."),
    _r("core.audit.submitted_from", REQ, "core", "`audit.submitted_from` is a string or null."),
    _r(
        "core.audit.authorization",
        REQ,
        "core",
        "`audit.authorization` is null, or an object with members `method` and `subject`, both required strings.",
    ),
    # --- shared by every kind --------------------------------------------------------------------------
    _r(
        "timestamp.valid",
        REQ,
        "common",
        "Every timestamp is an RFC 3339 date-time with a date, a time with seconds and an offset, calendar-valid "
        "(no Feb 30, hour <= 23, minute <= 59, second <= 60).",
        "A reader as lenient as chrono's (space separator, `+0530`, `UTC`, unpadded fields, surrounding spaces) "
        "meets this rule; the strict form is the next rule.",
    ),
    _r(
        "timestamp.strict",
        REC,
        "common",
        "Every timestamp has the strict RFC 3339 ABNF form: `T` or `t` separator, `Z`, `z` or `+HH:MM`/`-HH:MM`, "
        "zero-padded fields, no surrounding whitespace.",
    ),
    _r("observability.trace_id", REQ, "common", "`observability.trace_id` is a string or null."),
    _r("observability.span_id", REQ, "common", "`observability.span_id` is a string or null."),
    _r("observability.parent_span_id", REQ, "common", "`observability.parent_span_id` is a string or null."),
    _r("observability.correlation_id", REQ, "common", "`observability.correlation_id` is a string or null."),
    # --- known payloads -------------------------------------------------------------------------------
    _r(
        "payload.unknown-members",
        REQ,
        "payload",
        "A member a known payload does not define is accepted at every level of its data.",
        polarity="accept",
    ),
    _r(
        "payload.path",
        REQ,
        "payload",
        "Every path-like member (`path`, `backup_path`, `destination`, `fixed_image`, `log_path`) is a non-empty "
        "string with no NUL and no `..` segment.",
        "The draft spec: workers MUST reject path traversal.",
    ),
    _r("payload.path.absolute", REC, "payload", "Every path-like member is an absolute path."),
    _r(
        "payload.image",
        REQ,
        "payload",
        "An image object is an object with a `path` and a `format` (an output target likewise).",
    ),
    _r("payload.image.format", REQ, "payload", "An image `format` is one of qcow2, vmdk, vdi, vhdx, raw, img, ova."),
    _r(
        "payload.image.checksum",
        REQ,
        "payload",
        "An image `checksum` is null or `sha256:` and 64 hex digits, or 64 bare hex digits (the algorithm name is "
        "case-insensitive).",
    ),
    _r("payload.image.size_bytes", REQ, "payload", "An image `size_bytes` is an integer (u64) or null."),
    _r("payload.output.format", REQ, "payload", "An output object's `format`, where present, is json or yaml."),
    _r(
        "payload.inspect.image",
        REQ,
        "payload",
        "guestkit.inspect.v1: `image` is required; its `read_only` is a boolean (default true).",
    ),
    _r(
        "payload.inspect.options",
        REQ,
        "payload",
        "guestkit.inspect.v1: `options` is null or an object whose members deep_scan, include_packages, "
        "include_services, include_users, include_network, include_security, include_storage, include_databases "
        "are booleans.",
    ),
    _r(
        "payload.inspect.output",
        REQ,
        "payload",
        "guestkit.inspect.v1: `output` is null or an object with `format` and `destination` required and "
        "`compression` a string or null.",
    ),
    _r("payload.profile.image", REQ, "payload", "guestkit.profile.v1: `image` is required."),
    _r(
        "payload.profile.profiles",
        REQ,
        "payload",
        "guestkit.profile.v1: `profiles` is a required non-empty array of security, compliance, hardening, "
        "performance, migration.",
    ),
    _r(
        "payload.profile.options",
        REQ,
        "payload",
        "guestkit.profile.v1: `options` is null or an object with `severity_threshold` one of low, medium, high, "
        "critical and `fail_on_critical` a boolean.",
    ),
    _r(
        "payload.profile.output",
        REQ,
        "payload",
        "guestkit.profile.v1: `output` is null or an object with `format`, `destination` and "
        "`include_remediation` a boolean.",
    ),
    _r(
        "payload.fix.image",
        REQ,
        "payload",
        "guestkit.fix.v1: `image` is required; its `create_backup` is a boolean and `backup_path` a path.",
    ),
    _r(
        "payload.fix.operations",
        REQ,
        "payload",
        "guestkit.fix.v1: `operations` is a required non-empty array of objects, each with a string `type` and "
        "an optional object `options`.",
    ),
    _r(
        "payload.fix.execution_policy",
        REQ,
        "payload",
        "guestkit.fix.v1: `execution_policy` is null or an object with `stop_on_error` and "
        "`validate_before_commit` booleans.",
    ),
    _r(
        "payload.fix.output",
        REQ,
        "payload",
        "guestkit.fix.v1: `output` is null or an object with paths `fixed_image`, `log_path` and a string "
        "`report_format`.",
    ),
    _r(
        "payload.convert.source",
        REQ,
        "payload",
        "guestkit.convert.v1: `source` is a required image.",
        "The spec's shape is certified; the upstream worker's {image, target_format, compression} is a known "
        "upstream divergence.",
    ),
    _r(
        "payload.convert.target",
        REQ,
        "payload",
        "guestkit.convert.v1: `target` is required, with `path` and `format` as in an image, `compression` a "
        "boolean and `compression_type` a string.",
    ),
    _r(
        "payload.convert.options",
        REQ,
        "payload",
        "guestkit.convert.v1: `options` is null or an object with `verify_after_convert` and `preserve_sparse` "
        "booleans.",
    ),
    _r("payload.compare.baseline", REQ, "payload", "guestkit.compare.v1: `baseline` is a required image."),
    _r("payload.compare.target", REQ, "payload", "guestkit.compare.v1: `target` is a required image."),
    _r(
        "payload.compare.options",
        REQ,
        "payload",
        "guestkit.compare.v1: `options` is null or an object with `compare_packages`, `compare_files`, "
        "`compare_config`, `ignore_timestamps` booleans.",
    ),
    _r(
        "payload.compare.output",
        REQ,
        "payload",
        "guestkit.compare.v1: `output` is null or an object with `format`, `destination` and "
        "`include_recommendations` a boolean.",
    ),
    # --- result ----------------------------------------------------------------------------------------
    _r("result.job_id", REQ, "result", "`job_id` is a required string."),
    _r(
        "result.status",
        REQ,
        "result",
        "`status` is required, one of pending, assigned, running, completed, failed, cancelled, timeout.",
    ),
    _r("result.worker_id", REQ, "result", "`worker_id` is a required string."),
    _r(
        "result.execution_summary",
        REQ,
        "result",
        "`execution_summary` is a required object with `started_at` (timestamp), `duration_seconds` (u64), "
        "`attempt` (u32 >= 1) required and `idempotency_key` a string or null.",
    ),
    _r("result.completed_at", REQ, "result", "`completed_at` is a timestamp string or null."),
    _r("result.failed_at", REQ, "result", "`failed_at` is a timestamp string or null."),
    _r(
        "result.outputs",
        REQ,
        "result",
        "`outputs` is null or an object with `primary` a required string and `artifacts` an array of strings.",
        "The crate's JobOutputs has `primary: String` and `artifacts: Vec<String>` with a default: "
        "`primary` is required, `artifacts` optional.",
    ),
    _r(
        "result.metrics",
        REQ,
        "result",
        "`metrics` is null or an object whose disk_read_bytes, disk_write_bytes, peak_memory_mb, cpu_seconds are "
        "integers (u64) or null.",
    ),
    _r(
        "result.error",
        REQ,
        "result",
        "`error` is null or an object with `code` and `message` strings and `recoverable` and "
        "`retry_recommended` booleans, all required, `phase` a string and `details` an object.",
    ),
    _r("result.observability", REQ, "result", "`observability` is an object or null."),
    _r("result.data", REQ, "result", "`data` may hold any JSON value.", polarity="accept"),
    _r("result.failed.consistency", REC, "result", "A `failed` result has `error` and `failed_at`."),
    _r("result.completed.consistency", REC, "result", "A `completed` result has `completed_at` and no `error`."),
    # --- progress --------------------------------------------------------------------------------------
    _r("progress.job_id", REQ, "progress", "`job_id` is a required string."),
    _r("progress.timestamp", REQ, "progress", "`timestamp` is a required timestamp string."),
    _r("progress.sequence", REQ, "progress", "`sequence` is a required integer (u64)."),
    _r("progress.phase", REQ, "progress", "`phase` is a required string."),
    _r("progress.message", REQ, "progress", "`message` is a required string."),
    _r(
        "progress.progress_percent",
        REQ,
        "progress",
        "`progress_percent` is an integer 0..100, or null.",
        "The crate types it u8 and accepts up to 255: a defect.",
    ),
    _r("progress.details", REQ, "progress", "`details` is an object or null."),
    _r("progress.observability", REQ, "progress", "`observability` is an object or null."),
    # --- worker ----------------------------------------------------------------------------------------
    _r("worker.worker_id", REQ, "worker", "`worker_id` is a required string."),
    _r("worker.version", REQ, "worker", "`version` is a required string."),
    _r("worker.hostname", REQ, "worker", "`hostname` is a required string."),
    _r("worker.registered_at", REQ, "worker", "`registered_at` is a required timestamp string."),
    _r(
        "worker.capabilities",
        REQ,
        "worker",
        "`capabilities` is a required object whose `operations`, `features` and `disk_formats` are arrays of "
        "strings (each default empty).",
        "The crate's struct has no Option on the four sections, so all four are required.",
    ),
    _r(
        "worker.resources",
        REQ,
        "worker",
        "`resources` is a required object with `max_concurrent_jobs` (u32), `max_disk_size_gb` (u64), "
        "`available_disk_gb` (u64), `cpu_cores` (u32) and `memory_gb` (u64), all required.",
    ),
    _r(
        "worker.configuration",
        REQ,
        "worker",
        "`configuration` is a required object with `privileged` a required boolean, `worker_pool` a string or "
        "null and `data_locality` an array of strings or null.",
    ),
    _r(
        "worker.status",
        REQ,
        "worker",
        "`status` is a required object with `state` (ready, busy, draining, offline), `current_jobs` (u32) and "
        "`last_heartbeat` (timestamp), all required.",
    ),
    _r("worker.status.within-capacity", REC, "worker", "`status.current_jobs` <= `resources.max_concurrent_jobs`."),
    # --- capability matching and round trip ------------------------------------------------------------
    _r(
        "capabilities.match",
        REQ,
        "capabilities",
        "Matching succeeds when every required string is among the available ones (exact, case-sensitive); an "
        "empty requirement always matches; on failure the missing ones are reported.",
    ),
    _r(
        "roundtrip.preserve",
        REQ,
        "roundtrip",
        "Parsing a valid document and writing it back keeps every member, unknown members at every level "
        "included, with their values.",
        "The crate drops nested unknown members: a defect against its own README's promise.",
    ),
    _r(
        "roundtrip.no-defaults",
        REQ,
        "roundtrip",
        "Writing a document back does not inject defaults unless asked to normalize.",
    ),
    # --- worker behaviour: what a running worker does with a job (certified by `vmjob worker certify`) -------
    _r(
        "behaviour.refuse-invalid",
        REQ,
        "behaviour",
        "A job the reference finds invalid at the required level is refused at submission (HTTP 4xx, an adapter "
        "`accepted: false`, or a `failed` result with `error.code` `VALIDATION_ERROR` and `error.phase` "
        "`validation`) and is never executed.",
        "A job invalid only at the recommended level may be accepted or refused; if accepted, every other "
        "behaviour rule holds for it (a `job_id` of `../x` breaks only `core.job_id.charset`: path safety is "
        "then the worker's duty).",
    ),
    _r(
        "behaviour.accept-valid",
        REQ,
        "behaviour",
        "A valid job for an offered operation whose requirements the worker meets is accepted and reaches a "
        "terminal status (completed, failed, cancelled, timeout); a `test.echo` job completes with its payload "
        "data in the result's `data`.",
    ),
    _r(
        "behaviour.result",
        REQ,
        "behaviour",
        "Every result a worker emits is a valid `result` document (required level) with the job's `job_id`, "
        "`execution_summary.attempt` equal to the job's attempt, `started_at` not before the job's "
        "`created_at`, and `completed_at` / `failed_at` not before `started_at`.",
        "The result of an idempotent duplicate is the first job's result, so it carries the first job's "
        "`job_id`. `started_at` is compared with `created_at` only when the job was created before it was "
        "submitted (a worker cannot start a job before a future creation time), and only when both are RFC 3339.",
    ),
    _r(
        "behaviour.progress",
        REQ,
        "behaviour",
        "Every progress event is a valid `progress` document with the job's `job_id`; `sequence` strictly "
        "increases and `progress_percent` never decreases from one event to the next.",
        "Progress is optional: a worker that emits none keeps this rule.",
    ),
    _r(
        "behaviour.refuse-operation",
        REQ,
        "behaviour",
        "A job whose operation the worker does not offer is refused, not executed, with an error that says so.",
    ),
    _r(
        "behaviour.refuse-capabilities",
        REQ,
        "behaviour",
        "A job whose `constraints.required_capabilities` or `constraints.required_features` are not all offered "
        "by the worker is refused, not executed.",
        "Offered means listed in the worker's advertised `capabilities.features` (for both lists): the crate "
        "has `check_capabilities` and the upstream worker never calls it.",
    ),
    _r(
        "behaviour.idempotency.completed",
        REQ,
        "behaviour",
        "A job whose `execution.idempotency_key` is the key of an earlier job that finished is not executed "
        "again: its result is the earlier job's result.",
        "Over HTTP the duplicate's submission is answered 200 and `GET /api/v1/jobs/{its id}/result` gives the "
        "first result; over the file binding it is written as `<its id>-result.json`; the adapter's `result` "
        "returns it. The promise outlives a restart of the worker.",
    ),
    _r(
        "behaviour.idempotency.running",
        REQ,
        "behaviour",
        "A job whose `execution.idempotency_key` is the key of an earlier job still running is refused as a "
        "duplicate, not executed.",
    ),
    _r(
        "behaviour.path-safety",
        REQ,
        "behaviour",
        "A `job_id` holding `/`, `\\` or `..` never makes the worker write outside its results directory.",
        "Observable over the file binding only (the suite lists the directory tree around the results "
        "directory); over HTTP and the adapter protocol the scenario is skipped.",
    ),
    _r(
        "behaviour.timeout",
        REC,
        "behaviour",
        "A job still running after `execution.timeout_seconds` is stopped and reported with status `timeout`.",
        "Checked with `test.sleep` (seconds 3, timeout 1) where the worker offers it; a terminal status is "
        "awaited for the timeout plus 3 seconds.",
    ),
    _r(
        "behaviour.capabilities",
        REC,
        "behaviour",
        "The capabilities a worker advertises are a valid `worker` document (over HTTP, `data` of "
        "`GET /api/v1/capabilities`) and list every operation it accepts.",
        "The file binding's worker document is `RESULTS/worker.json`, written by the worker when it starts.",
    ),
    _r(
        "behaviour.refusal-body",
        REC,
        "behaviour",
        'A refusal says why in JSON: over HTTP a body `{"success": false, "error": {"code", "message"}}`, '
        "over the adapter protocol a `reason` with `code` and `message`, in a refusal result its `error`.",
    ),
]

RULES: dict[str, Rule] = {}
for _rule in _TABLE:
    if _rule.id in RULES:  # pragma: no cover - a table edit error, caught at import
        raise RuntimeError(f"rule id {_rule.id!r} appears twice in the rule table")
    RULES[_rule.id] = _rule


def rule_of(rule_id: str) -> Rule:
    """The rule named ``rule_id``; a clear KeyError naming it when there is none."""
    try:
        return RULES[rule_id]
    except KeyError:
        raise KeyError(f"{rule_id!r} is not a rule id of the SPEC") from None


def level_of(rule_id: str) -> Level:
    """The level of the rule named ``rule_id``, as the table above states it: the one place a level is written."""
    return rule_of(rule_id).level


def class_of(rule_id: str, kind: str) -> str:
    """The conformance class of a case of ``kind`` exercising ``rule_id``: the rule's own, or for a rule that
    holds in every kind (``common``) the class of the kind (:data:`KIND_CLASS`)."""
    klass = rule_of(rule_id).klass
    if klass != "common":
        return klass
    if kind not in KIND_CLASS:
        raise ValueError(f"kind={kind!r} is not a document kind; expected one of {', '.join(KINDS)}")
    return KIND_CLASS[kind]
