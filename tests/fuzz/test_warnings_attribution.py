"""Warnings are compared in strict mode, and a rejected valid document is attributed to the rule the
implementation's rejection hangs on (after shrinking), not to whatever label the document happened to carry."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

import reference
from conformance.fuzz import _gen
from conformance.fuzz._mutate import Mutant, plans
from conformance.fuzz.attribution import attribute
from conformance.fuzz.differential import FuzzStats, finding_bytes, fuzz
from conformance.model import Reply
from conformance.zoo import Impl, Variant
from conformance.zoo._impl import at
from conformance.zoo.score import ZooInProcess
from reference import Issue

WARNING_RULES = {r for r, v in reference.RULES.items() if v.polarity == "warning"}


def _impl(**hooks: Any) -> ZooInProcess:
    impl = ZooInProcess(Variant("fake", "a fake for the fuzzer's tests", Impl(**hooks)))
    impl.start()
    return impl


# --- warnings ----------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_silent_implementation_is_found_in_strict_mode_under_the_warning_rule() -> None:
    findings = list(fuzz(_impl(silent=True), examples=2000, seed=1, level="recommended"))
    assert findings and {f["rule"] for f in findings} <= WARNING_RULES
    first = findings[0]
    assert first["counted"] is True and first["level"] == "recommended"
    assert first["expected"]["valid"] is True and first["got"]["valid"] is True
    assert "the right verdict but not the warning of " + first["rule"] in first["message"]
    # The minimal document still carries the warning, at the pointer the finding names.
    result = reference.validate(finding_bytes(first), first["kind"])
    assert {w.rule for w in result.warnings} == {first["rule"]} and first["pointer"] in first["expected"]["warnings"]
    assert len(finding_bytes(first)) <= len(json.dumps(_gen.minimal("job"))) + 80


@pytest.mark.slow
def test_warnings_are_not_compared_at_the_required_level() -> None:
    assert list(fuzz(_impl(silent=True), examples=2000, seed=1, level="required")) == []


@pytest.mark.slow
def test_warnings_are_not_compared_over_a_transport_that_cannot_carry_them() -> None:
    impl = _impl(silent=True)
    impl.reports_warnings = False
    assert list(fuzz(impl, examples=2000, seed=1, level="recommended")) == []


@pytest.mark.slow
def test_an_implementation_reporting_every_warning_gives_no_finding_in_strict_mode() -> None:
    stats = FuzzStats()
    assert list(fuzz(_impl(), examples=2000, seed=1, level="recommended", stats=stats)) == []
    assert stats.hits == {}


# --- attribution of a rejected valid document --------------------------------------------------------------


def _zero_size_rejected(kind: str, document: Any) -> list[Issue]:
    out = []
    data = at(document, "/payload/data")
    for name in ("image", "source", "baseline", "target"):
        if isinstance(data, dict) and isinstance(data.get(name), dict) and data[name].get("size_bytes") == 0:
            out.append(Issue("payload.image.size_bytes", "required", f"/payload/data/{name}/size_bytes", "0 bytes?"))
    return out


@pytest.mark.slow
def test_a_valid_document_rejected_for_one_member_is_attributed_to_that_members_rule() -> None:
    findings = list(fuzz(_impl(extra=_zero_size_rejected), examples=3000, seed=2))
    assert [f["rule"] for f in findings] == ["payload.image.size_bytes"]
    (finding,) = findings
    doc = json.loads(finding_bytes(finding))
    assert finding["expected"]["valid"] is True and finding["got"]["valid"] is False
    assert any(v.get("size_bytes") == 0 for v in doc["payload"]["data"].values() if isinstance(v, dict))


def _labelled_unknown_member_with(size: int) -> Mutant:
    """A valid job labelled ``payload.unknown-members`` (an unknown member added) with image size ``size``."""
    rng = random.Random(5)
    doc = _gen.document("job", rng, fill=0.9, payload_type="guestkit.inspect.v1")
    doc["payload"]["data"]["image"]["size_bytes"] = size
    plan = next(p for p in plans("job", doc) if p.operator == "unknown-member" and p.path == ("payload", "data"))
    m = plan.apply(rng)
    assert m is not None and m.rule == "payload.unknown-members"
    return m


def test_the_error_pointer_outranks_the_documents_label() -> None:
    m = _labelled_unknown_member_with(0)
    reply = Reply("ok", valid=False, errors=({"pointer": "/payload/data/image/size_bytes", "message": "0?"},))
    assert attribute("job", m, m, reply) == "payload.image.size_bytes"


def test_without_pointers_the_label_stands_only_while_its_member_survived_shrinking() -> None:
    m = _labelled_unknown_member_with(0)
    bare = Reply("ok", valid=False)
    assert attribute("job", m, m, bare) == "payload.unknown-members"
    # Shrinking dropped the unknown member: the label is not what the rejection hangs on.
    shrunk = {
        **_gen.minimal("job"),
        "operation": "guestkit.inspect",
        "payload": {
            "type": "guestkit.inspect.v1",
            "data": {"image": {"path": "/a", "format": "qcow2", "size_bytes": 0}},
        },
    }
    small = Mutant("job", shrunk)
    assert attribute("job", m, small, bare) == "payload.image.size_bytes"


def test_a_rejection_at_a_warned_member_is_the_members_rule_not_the_warnings() -> None:
    # Warnings never make a document invalid: rejecting a timeout above a day breaks the member's own (required)
    # rule. Filed under the recommended warning rule, a u32 reader was never counted at level required.
    doc = _gen.minimal("job")
    m = Mutant(
        "job",
        {**doc, "execution": {"timeout_seconds": 90000}},
        rule="core.execution.timeout_seconds.long",
        expect="warning",
        pin=("execution", "timeout_seconds"),
    )
    reply = Reply("ok", valid=False, errors=({"pointer": "/execution/timeout_seconds"},))
    assert attribute("job", m, m, reply) == "core.execution.timeout_seconds"
