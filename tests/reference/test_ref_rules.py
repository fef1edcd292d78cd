"""Every rule of the SPEC, kept and broken: one table, one test per rule and side.

Each row gives a base document and two edits: one that exercises the rule and keeps it (the document stays
valid, or free of that warning) and one single fault that breaks it (the reference reports exactly that
rule, or for a warning rule exactly that warning). ``accept`` rules have only the keeping side; the
capability and round-trip rules are not document verdicts and are tested through their own functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from _refdocs import DELETE, Raw, document, dumps, edit, example, kind_of

import reference
from reference import RULES

Side = dict[str, Any] | Callable[[str], str | bytes] | None
SHA = "a" * 64


def _nest(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = {"n": value}
    return value


# job-minimal nests payload.data at level 3; the data value itself adds one level per wrapper.
_DEPTH_OK = {"/payload/data/x": _nest(125)}  # 3 + 125 = 128 levels
_DEPTH_BAD = {"/payload/data/x": _nest(126)}  # 129 levels

#: rule id -> (base, keep, break)
TABLE: dict[str, tuple[str, Side, Side]] = {
    # --- parse ---------------------------------------------------------------------------------------
    "parse.encoding": ("job", lambda t: t.encode("utf-8"), lambda t: b"\xef\xbb\xbf" + t.encode("utf-8")),
    "parse.syntax": ("job", lambda t: " \n" + t + "\r\n\t", lambda t: t + " x"),
    "parse.top-level-object": ("job", lambda t: t, lambda t: "[" + t + "]"),
    "parse.duplicate-member": (
        "job",
        lambda t: t.replace('"version"', '"Version": 1, "version"', 1),
        lambda t: t.replace('"version"', '"version": "1.0", "version"', 1),
    ),
    "parse.integer.literal": ("job", {"/execution/priority": Raw("5")}, {"/execution/priority": Raw("5.0")}),
    "parse.integer.width": ("job", {"/execution/priority": 10}, {"/execution/priority": 256}),
    "parse.number.range": ("job", {"/payload/data/x": [Raw("1e400"), Raw("-1e400"), Raw("9" * 500)]}, None),
    "parse.depth": ("job", _DEPTH_OK, _DEPTH_BAD),
    # --- job envelope ----------------------------------------------------------------------------------
    "core.unknown-members": (
        "job-full",
        {
            "/x-top": 1,
            "/metadata/x": [1],
            "/execution/x": {},
            "/constraints/x": None,
            "/routing/x": "y",
            "/observability/x": True,
            "/audit/x": 2,
            "/audit/authorization/x": 3,
            "/payload/x": 4,
        },
        None,
    ),
    "core.version": ("job", {"/version": "1.0"}, {"/version": "2.0"}),
    "core.job_id": ("job", {"/job_id": "éééééééé"}, {"/job_id": "éééé"}),
    "core.job_id.charset": ("job", {"/job_id": "job-01 a.b_c"}, {"/job_id": "job/0123456"}),
    "core.created_at": ("job", {"/created_at": "2026-11-27T09:30:00+05:30"}, {"/created_at": 20261127}),
    "core.kind": ("job", {"/kind": "VMOperation"}, {"/kind": "vmoperation"}),
    "core.operation": (
        "job",
        {"/operation": "a.b.c", "/payload/type": "a.b.c.v1"},
        {"/operation": "guestkit."},
    ),
    "core.operation.charset": (
        "job",
        {"/operation": "my-org.do_it2", "/payload/type": "my-org.do_it2.v1"},
        {"/operation": "Guestkit.inspect", "/payload/type": "Guestkit.inspect.v1"},
    ),
    "core.payload": ("job", {"/payload/extra": 1}, {"/payload": "guestkit.inspect.v1"}),
    "core.payload.data": ("job", {"/payload/data/x": None}, {"/payload/data": None}),
    "core.payload.type": (
        "job",
        {"/operation": "a.b", "/payload/type": "a.b.v10"},
        {"/payload/type": "guestkit.inspect.vX"},
    ),
    "core.payload.type.matches-operation": (
        "job",
        {"/operation": "guestkit.inspect", "/payload/type": "guestkit.inspect.v2"},
        {"/operation": "guestkit.fix"},
    ),
    "core.$schema": ("job", {"/$schema": None}, {"/$schema": 1}),
    "core.metadata": ("job", {"/metadata": None}, {"/metadata": []}),
    "core.metadata.name": ("job", {"/metadata/name": "n"}, {"/metadata/name": 1}),
    "core.metadata.namespace": ("job", {"/metadata/namespace": None}, {"/metadata/namespace": ["ns"]}),
    "core.metadata.labels": ("job", {"/metadata/labels": {"a": "b"}}, {"/metadata/labels": {"a": 1}}),
    "core.metadata.annotations": ("job", {"/metadata/annotations": {}}, {"/metadata/annotations": {"a": None}}),
    "core.execution": ("job", {"/execution": None}, {"/execution": "fast"}),
    "core.execution.attempt": (
        "job",
        {"/execution/attempt": 2, "/execution/max_attempts": 2},
        {"/execution/attempt": 0},
    ),
    "core.execution.max_attempts": ("job", {"/execution/max_attempts": 4294967295}, {"/execution/max_attempts": 0}),
    "core.execution.attempt-within-max": (
        "job",
        {"/execution/attempt": 3, "/execution/max_attempts": 3},
        {"/execution/attempt": 3},
    ),
    "core.execution.timeout_seconds": ("job", {"/execution/timeout_seconds": 1}, {"/execution/timeout_seconds": 0}),
    "core.execution.timeout_seconds.long": (
        "job",
        {"/execution/timeout_seconds": 86400},
        {"/execution/timeout_seconds": 86401},
    ),
    "core.execution.priority": ("job", {"/execution/priority": 1}, {"/execution/priority": 11}),
    "core.execution.cancellable": ("job", {"/execution/cancellable": False}, {"/execution/cancellable": None}),
    "core.execution.idempotency_key": (
        "job",
        {"/execution/idempotency_key": None},
        {"/execution/idempotency_key": 7},
    ),
    "core.execution.deadline": ("job", {"/execution/deadline": None}, {"/execution/deadline": 1}),
    "core.execution.deadline.after-created": (
        "job",
        {"/execution/deadline": "2026-11-27T09:30:01Z"},
        {"/execution/deadline": "2026-11-27T10:30:00+01:00"},
    ),
    "core.constraints": ("job", {"/constraints": {}}, {"/constraints": 0}),
    "core.constraints.required_capabilities": (
        "job",
        {"/constraints/required_capabilities": []},
        {"/constraints/required_capabilities": ["a", 1]},
    ),
    "core.constraints.required_features": (
        "job",
        {"/constraints/required_features": None},
        {"/constraints/required_features": "lvm"},
    ),
    "core.constraints.allowed_worker_pools": (
        "job",
        {"/constraints/allowed_worker_pools": ["a"]},
        {"/constraints/allowed_worker_pools": [None]},
    ),
    "core.constraints.minimum_worker_version": (
        "job",
        {"/constraints/minimum_worker_version": None},
        {"/constraints/minimum_worker_version": ""},
    ),
    "core.constraints.minimum_worker_version.semver": (
        "job",
        {"/constraints/minimum_worker_version": "1.2.3-rc.1+build.5"},
        {"/constraints/minimum_worker_version": "1.2"},
    ),
    "core.constraints.maximum_disk_size_gb": (
        "job",
        {"/constraints/maximum_disk_size_gb": 0},
        {"/constraints/maximum_disk_size_gb": "500"},
    ),
    "core.constraints.maximum_disk_size_gb.large": (
        "job",
        {"/constraints/maximum_disk_size_gb": 100000},
        {"/constraints/maximum_disk_size_gb": 100001},
    ),
    "core.constraints.require_privileged": (
        "job",
        {"/constraints/require_privileged": True},
        {"/constraints/require_privileged": "yes"},
    ),
    "core.routing": ("job", {"/routing": None}, {"/routing": ["pool"]}),
    "core.routing.worker_id": ("job", {"/routing/worker_id": "w"}, {"/routing/worker_id": 1}),
    "core.routing.worker_pool": ("job", {"/routing/worker_pool": None}, {"/routing/worker_pool": False}),
    "core.routing.affinity": ("job", {"/routing/affinity": {"z": "a"}}, {"/routing/affinity": {"z": ["a"]}}),
    "core.routing.anti_affinity": (
        "job",
        {"/routing/anti_affinity": {"host": []}},
        {"/routing/anti_affinity": {"host": "h1"}},
    ),
    "core.observability": ("job", {"/observability": None}, {"/observability": "trace"}),
    "core.audit": ("job", {"/audit": None}, {"/audit": True}),
    "core.audit.submitted_by": ("job", {"/audit/submitted_by": None}, {"/audit/submitted_by": {}}),
    "core.audit.submitted_from": ("job", {"/audit/submitted_from": "h"}, {"/audit/submitted_from": 1}),
    "core.audit.authorization": (
        "job",
        {"/audit/authorization": None},
        {"/audit/authorization": {"method": "oidc"}},
    ),
    # --- every kind ------------------------------------------------------------------------------------
    "timestamp.valid": ("job", {"/created_at": "2024-02-29T23:59:60Z"}, {"/created_at": "2026-02-30T10:00:00Z"}),
    "timestamp.strict": ("job", {"/created_at": "2026-11-27t09:30:00.5z"}, {"/created_at": "2026-11-27 09:30:00Z"}),
    "observability.trace_id": ("progress", {"/observability/trace_id": None}, {"/observability/trace_id": 1}),
    "observability.span_id": ("result", {"/observability/span_id": "s"}, {"/observability/span_id": []}),
    "observability.parent_span_id": (
        "job",
        {"/observability/parent_span_id": "p"},
        {"/observability/parent_span_id": 2},
    ),
    "observability.correlation_id": (
        "job",
        {"/observability/correlation_id": None},
        {"/observability/correlation_id": True},
    ),
    # --- known payloads --------------------------------------------------------------------------------
    "payload.unknown-members": (
        "fix",
        {
            "/payload/data/x": 1,
            "/payload/data/image/x": 2,
            "/payload/data/operations/0/x": 3,
            "/payload/data/output/x": 4,
        },
        None,
    ),
    "payload.path": ("job", {"/payload/data/image/path": "/vms/a..b"}, {"/payload/data/image/path": "/vms/../x"}),
    "payload.path.absolute": ("job", {"/payload/data/image/path": "/a"}, {"/payload/data/image/path": "vms/a"}),
    "payload.image": ("job", {"/payload/data/image/format": "raw"}, {"/payload/data/image/format": DELETE}),
    "payload.image.format": ("job", {"/payload/data/image/format": "ova"}, {"/payload/data/image/format": "iso"}),
    "payload.image.checksum": (
        "job",
        {"/payload/data/image/checksum": "SHA256:" + SHA.upper()},
        {"/payload/data/image/checksum": "md5:" + SHA[:32]},
    ),
    "payload.image.size_bytes": (
        "job",
        {"/payload/data/image/size_bytes": None},
        {"/payload/data/image/size_bytes": "10"},
    ),
    "payload.output.format": (
        "job",
        {"/payload/data/output": {"format": "yaml", "destination": "/out"}},
        {"/payload/data/output": {"format": "xml", "destination": "/out"}},
    ),
    "payload.inspect.image": (
        "job",
        {"/payload/data/image/read_only": False},
        {"/payload/data/image/read_only": None},
    ),
    "payload.inspect.options": (
        "job",
        {"/payload/data/options": {"deep_scan": True, "include_databases": False}},
        {"/payload/data/options": {"deep_scan": "yes"}},
    ),
    "payload.inspect.output": (
        "job",
        {"/payload/data/output": {"format": "json", "destination": "/o", "compression": None}},
        {"/payload/data/output": {"format": "json", "destination": "/o", "compression": 9}},
    ),
    "payload.profile.image": ("profile", {"/payload/data/image/size_bytes": 1}, {"/payload/data/image": DELETE}),
    "payload.profile.profiles": ("profile", {"/payload/data/profiles": ["migration"]}, {"/payload/data/profiles": []}),
    "payload.profile.options": (
        "profile",
        {"/payload/data/options": None},
        {"/payload/data/options/severity_threshold": "extreme"},
    ),
    "payload.profile.output": (
        "profile",
        {"/payload/data/output": {}},
        {"/payload/data/output/include_remediation": "yes"},
    ),
    "payload.fix.image": (
        "fix",
        {"/payload/data/image/create_backup": False},
        {"/payload/data/image/create_backup": 1},
    ),
    "payload.fix.operations": (
        "fix",
        {"/payload/data/operations": [{"type": "t", "options": None}]},
        {"/payload/data/operations": []},
    ),
    "payload.fix.execution_policy": (
        "fix",
        {"/payload/data/execution_policy": None},
        {"/payload/data/execution_policy/stop_on_error": "true"},
    ),
    "payload.fix.output": ("fix", {"/payload/data/output": None}, {"/payload/data/output/report_format": 1}),
    "payload.convert.source": (
        "convert",
        {"/payload/data/source/checksum": None},
        {"/payload/data/source": DELETE},
    ),
    "payload.convert.target": (
        "convert",
        {"/payload/data/target/compression": False},
        {"/payload/data/target/compression": "zstd"},
    ),
    "payload.convert.options": (
        "convert",
        {"/payload/data/options": None},
        {"/payload/data/options/preserve_sparse": 1},
    ),
    "payload.compare.baseline": (
        "compare",
        {"/payload/data/baseline/size_bytes": 5},
        {"/payload/data/baseline": DELETE},
    ),
    "payload.compare.target": ("compare", {"/payload/data/target/checksum": SHA}, {"/payload/data/target": DELETE}),
    "payload.compare.options": (
        "compare",
        {"/payload/data/options": {}},
        {"/payload/data/options/compare_files": None},
    ),
    "payload.compare.output": (
        "compare",
        {"/payload/data/output": None},
        {"/payload/data/output/include_recommendations": "no"},
    ),
    # --- result ------------------------------------------------------------------------------------------
    "result.job_id": ("result", {"/job_id": "j"}, {"/job_id": 1}),
    "result.status": ("failed", {"/status": "failed"}, {"/status": "done"}),
    "result.worker_id": ("result", {"/worker_id": ""}, {"/worker_id": None}),
    "result.execution_summary": (
        "result",
        {"/execution_summary/idempotency_key": None},
        {"/execution_summary/started_at": DELETE},
    ),
    "result.completed_at": ("result", {"/completed_at": "2026-11-27T09:31:42.5+00:00"}, {"/completed_at": 1}),
    "result.failed_at": ("result", {"/failed_at": None}, {"/failed_at": False}),
    "result.outputs": ("result", {"/outputs": {"primary": "p"}}, {"/outputs": {"artifacts": []}}),
    "result.metrics": ("result", {"/metrics/cpu_seconds": None}, {"/metrics/cpu_seconds": "88"}),
    "result.error": ("failed", {"/error/phase": None, "/error/details": None}, {"/error/recoverable": "yes"}),
    "result.observability": ("result", {"/observability": None}, {"/observability": 1}),
    "result.data": ("result", {"/data": [1, "x", None, Raw("1e400")]}, None),
    "result.failed.consistency": ("failed", {"/error/code": "E"}, {"/failed_at": DELETE}),
    "result.completed.consistency": (
        "result",
        {"/error": None},
        {"/error": {"code": "W", "message": "m", "recoverable": True, "retry_recommended": False}},
    ),
    # --- progress ----------------------------------------------------------------------------------------
    "progress.job_id": ("progress", {"/job_id": "j"}, {"/job_id": None}),
    "progress.timestamp": ("progress", {"/timestamp": "2026-11-27T09:30:40Z"}, {"/timestamp": DELETE}),
    "progress.sequence": ("progress", {"/sequence": 18446744073709551615}, {"/sequence": "3"}),
    "progress.phase": ("progress", {"/phase": ""}, {"/phase": 1}),
    "progress.message": ("progress", {"/message": "m"}, {"/message": DELETE}),
    "progress.progress_percent": ("progress", {"/progress_percent": 100}, {"/progress_percent": 101}),
    "progress.details": ("progress", {"/details": None}, {"/details": "d"}),
    "progress.observability": ("progress", {"/observability": None}, {"/observability": []}),
    # --- worker --------------------------------------------------------------------------------------------
    "worker.worker_id": ("worker", {"/worker_id": "w"}, {"/worker_id": 1}),
    "worker.version": ("worker", {"/version": "1"}, {"/version": 1}),
    "worker.hostname": ("worker", {"/hostname": "h"}, {"/hostname": DELETE}),
    "worker.registered_at": ("worker", {"/registered_at": "2026-11-27T08:00:00Z"}, {"/registered_at": None}),
    "worker.capabilities": ("worker", {"/capabilities": {}}, {"/capabilities/operations": "guestkit.inspect"}),
    "worker.resources": ("worker", {"/resources/cpu_cores": 0}, {"/resources/cpu_cores": DELETE}),
    "worker.configuration": (
        "worker",
        {"/configuration/data_locality": None},
        {"/configuration/privileged": DELETE},
    ),
    "worker.status": ("worker", {"/status/state": "draining"}, {"/status/state": "sleeping"}),
    "worker.status.within-capacity": ("worker", {"/status/current_jobs": 4}, {"/status/current_jobs": 5}),
}

#: Rules that are not a verdict on one document: tested through their own API below.
NOT_DOCUMENT_RULES = {"capabilities.match", "roundtrip.preserve", "roundtrip.no-defaults"} | {
    r for r, rule in RULES.items() if rule.klass == "behaviour"
}


def _build(base: str, side: Side) -> str | bytes:
    if callable(side):
        return side(document(base))
    return dumps(edit(example(_base_file(base)), side or {}))


def _base_file(base: str) -> str:
    from _refdocs import BASES

    return BASES[base]


def test_every_rule_of_the_spec_is_in_the_table() -> None:
    assert set(TABLE) | NOT_DOCUMENT_RULES == set(RULES)
    assert not set(TABLE) & NOT_DOCUMENT_RULES


def test_accept_rules_have_no_breaking_side_and_the_others_have_one() -> None:
    for rule_id, (_base, _keep, breaking) in TABLE.items():
        assert (breaking is None) == (RULES[rule_id].polarity == "accept"), rule_id


@pytest.mark.parametrize("rule_id", sorted(TABLE))
def test_keeping_the_rule(rule_id: str) -> None:
    base, keep, _ = TABLE[rule_id]
    result = reference.validate(_build(base, keep), kind_of(base))
    assert result.valid, result.errors
    assert rule_id not in {w.rule for w in result.warnings}


@pytest.mark.parametrize("rule_id", sorted(r for r, (_b, _k, br) in TABLE.items() if br is not None))
def test_breaking_the_rule(rule_id: str) -> None:
    base, _, breaking = TABLE[rule_id]
    result = reference.validate(_build(base, breaking), kind_of(base))
    rule = RULES[rule_id]
    if rule.polarity == "warning":
        assert result.valid, result.errors
        assert [w.rule for w in result.warnings] == [rule_id]
        assert result.warnings[0].level == rule.level
    else:
        assert not result.valid
        assert {e.rule for e in result.errors} == {rule_id}, result.errors
        assert all(e.level == rule.level for e in result.errors)


def test_the_base_documents_are_valid_and_free_of_warnings() -> None:
    from _refdocs import BASES

    for base, name in BASES.items():
        result = reference.validate(document(base), kind_of(base))
        assert result.valid and not result.warnings, (name, result)


# --- the rules that are not a verdict on one document -------------------------------------------------


def test_capabilities_match_exact_case_sensitive_and_reports_the_missing() -> None:
    assert reference.match_capabilities([], []) == ()
    assert reference.match_capabilities(["a"], ["a", "b"]) == ()
    assert reference.match_capabilities(["a", "B", "c", "B"], ["a", "b"]) == ("B", "c")
    reference.JobValidator.check_capabilities(["guestkit.inspect"], ["guestkit.inspect"])
    with pytest.raises(reference.MissingCapabilities) as info:
        reference.JobValidator.check_capabilities(["guestkit.inspect", "lvm"], ["Guestkit.inspect"])
    assert info.value.missing == ("guestkit.inspect", "lvm")
    assert str(info.value) == "missing required capabilities: guestkit.inspect, lvm"


def test_roundtrip_preserves_unknown_members_at_every_level() -> None:
    base, keep, _ = TABLE["core.unknown-members"]
    text = _build(base, keep)
    assert isinstance(text, str)
    import json

    assert json.loads(reference.roundtrip(text)) == json.loads(text)


def test_roundtrip_injects_no_default() -> None:
    text = document("job", {"/execution": {"attempt": 1}})
    out = reference.roundtrip(text)
    assert '"max_attempts"' not in out and '"priority"' not in out
    assert out == dumps(edit(example("job-minimal.json"), {"/execution": {"attempt": 1}})).replace(" ", "")


# --- levels: written in the rule table only -------------------------------------------------------------


def test_an_issue_takes_its_level_from_the_rule_table() -> None:
    assert reference.level_of("timestamp.strict") == RULES["timestamp.strict"].level == "recommended"
    issue = reference.Issue.of("parse.depth", "/x", "deep")
    assert issue == reference.Issue("parse.depth", "informational", "/x", "deep")
    with pytest.raises(KeyError, match="'no.such.rule' is not a rule id"):
        reference.level_of("no.such.rule")


def test_no_module_of_the_reference_writes_a_level_beside_a_rule_id() -> None:
    """A call given both a rule id and a level restates what the rule table says; ``Issue.of`` reads it."""
    import ast
    from pathlib import Path

    found = []
    for path in sorted(Path(reference.__file__).parent.glob("*.py")):
        if path.name == "_rules.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                texts = {a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
                if texts & set(RULES) and texts & set(reference.LEVELS):
                    found.append(f"{path.name}:{node.lineno}")
    assert not found, f"a level written beside a rule id: {found}"


def test_a_rule_is_looked_up_by_id_and_a_common_rule_takes_its_kinds_class() -> None:
    assert reference.rule_of("core.version") is RULES["core.version"]
    with pytest.raises(KeyError, match="'core.nope' is not a rule id of the SPEC"):
        reference.rule_of("core.nope")
    assert reference.class_of("core.version", "job") == "core"
    assert reference.class_of("payload.image", "job") == "payload"
    assert [reference.class_of("parse.syntax", kind) for kind in reference.KINDS] == [
        reference.KIND_CLASS[kind] for kind in reference.KINDS
    ]
    with pytest.raises(ValueError, match="kind='jobs' is not a document kind"):
        reference.class_of("parse.syntax", "jobs")
