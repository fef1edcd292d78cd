"""Replaying a finding: its input sent again, the reply judged again, against the reference asked again."""

from __future__ import annotations

import base64
from typing import Any, TypeGuard

import reference

from ..transports import Implementation
from . import _capabilities
from .findings import got
from .judge import judge, judge_match, judge_roundtrip


def finding_bytes(record: dict[str, Any]) -> bytes:
    """The exact bytes of a finding's document."""
    if "document_base64" in record:
        return base64.b64decode(record["document_base64"], validate=True)
    doc = record.get("document")
    if not isinstance(doc, str):
        raise ValueError(f"finding {record.get('id', '?')!r} has no 'document' or 'document_base64'")
    return doc.encode("utf-8", "surrogatepass")


def replay_finding(impl: Implementation, record: dict[str, Any]) -> dict[str, Any]:
    """Re-run one finding: ``{"id", "rule", "level", "diverges", "expected", "got"}`` (reference re-asked).

    A validate finding's document is validated again; a ``match`` finding's lists are matched again; a
    ``roundtrip`` finding's document is round-tripped again and judged as a corpus round-trip case is.
    """
    mode = record.get("mode", "validate")
    base = {"id": record.get("id"), "rule": record.get("rule"), "level": record.get("level")}
    if mode == "match":
        raw_required, raw_available = record.get("required"), record.get("available")
        if not _strings(raw_required) or not _strings(raw_available):
            raise ValueError(f"finding {record.get('id', '?')!r} is a match finding without string lists")
        required, available = [str(r) for r in raw_required], [str(a) for a in raw_available]
        reply = impl.match(required, available)
        verdict = judge_match(required, available, reply)
        want = _capabilities.case(required, available)
        return {
            **base,
            "diverges": verdict.diverges,
            "expected": {"ok": want.ok, "missing": list(want.missing)},
            "got": {"ok": reply.valid, "missing": list(reply.missing)} if reply.status == "ok" else got(reply),
        }
    data = finding_bytes(record)
    kind = record.get("kind")
    if kind not in reference.KINDS:
        raise ValueError(f"finding {record.get('id', '?')!r} has kind={kind!r}, not a document kind")
    if mode == "roundtrip":
        reply = impl.roundtrip(kind, data)
        verdict = judge_roundtrip(kind, data, reply)
        return {
            **base,
            "diverges": verdict.diverges,
            "expected": {"preserved": True},
            "got": (
                {"preserved": verdict.outcome == "pass", "message": verdict.message}
                if reply.status == "ok"
                else got(reply)
            ),
        }
    expected = reference.validate(data, kind)
    reply = next(iter(impl.validate_many([(kind, data)])))
    return {
        **base,
        "diverges": judge(expected, reply).diverges,
        "expected": {"valid": expected.valid},
        "got": got(reply),
    }


def _strings(value: Any) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
