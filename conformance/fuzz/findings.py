"""A campaign's findings, built in one place as :class:`conformance.records.Finding` records.

One finding per distinct divergence: the first of each key (rule and direction, or rule and fault) is kept,
shrunk; a later one of the same key only counts as a hit, so one bug gives one finding. Validate, round-trip
and match findings are built here alike, and named by :func:`finding_id`, a digest of what they show.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import reference

from ..model import Reply
from ..records import Finding
from . import _capabilities
from ._mutate import Mutant
from ._schemas import rule_class
from .cases import FuzzCase
from .judge import warning_slip
from .stats import FuzzStats

#: What a finding is filed under: its rule (None for a fault on a plain valid document) and its direction
#: (:attr:`conformance.fuzz.judge.Judgement.direction`).
Key = tuple[str | None, str]


def finding_id(rule: str | None, data: bytes, kind: str | None = None) -> str:
    """A finding's id: a digest of its rule, its kind (match findings have none) and its minimal input."""
    head = f"{rule}\0" if kind is None else f"{rule}\0{kind}\0"
    return "fuzz-" + hashlib.sha256(head.encode() + data).hexdigest()[:16]


def document_fields(data: bytes) -> dict[str, Any]:
    """A document as a finding holds it: as text when it is UTF-8, else in base64."""
    try:
        return {"document": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"document_base64": base64.b64encode(data).decode("ascii")}


def got(reply: Reply) -> dict[str, Any]:
    """What a validate reply said: its verdict and first errors, or its fault."""
    if reply.status != "ok":
        return {"outcome": reply.status, "message": reply.message}
    out: dict[str, Any] = {"valid": reply.valid, "errors": list(reply.errors)[:5]}
    if reply.warnings:  # evidence of a warning finding: the warnings it gave (and where)
        out["warnings"] = list(reply.warnings)[:5]
    return out


def key_text(key: Key) -> str:
    return f"{key[0] or '(valid document)'} {key[1]}"


class Findings:
    """The findings of one campaign: which keys are taken, and the records of the new ones."""

    def __init__(self, stats: FuzzStats, seed: int, level: str, engine: str | None = None) -> None:
        self.stats, self.seed, self.engine = stats, seed, engine
        #: The levels a finding counts at (its ``counted``), at the campaign's level.
        self.counted = reference.LEVELS[: reference.LEVELS.index(level) + 1]
        self._taken: set[Key] = set()

    def seen(self, key: Key) -> bool:
        """Whether ``key`` has its finding already; if so, the divergence counts as a hit of it."""
        if key in self._taken:
            self.stats.hits[key_text(key)] += 1
            return True
        return False

    def keep(self, key: Key, finding: Finding, *also: Key) -> dict[str, Any]:
        """File ``finding`` under ``key`` (and the keys ``also``, under which the search looks it up); its record."""
        self._taken.add(key)
        self._taken.update(also)
        self.stats.hits[key_text(key)] += 1
        self.stats.findings += 1
        return finding.to_json()

    def _details(self, data: bytes, original_size: int, operator: str, pointer: str | None) -> dict[str, Any]:
        details = {
            **document_fields(data),
            "original_size": original_size,
            "size": len(data),
            "examples": self.stats.examples,
            "seed": self.seed,
            "operator": operator,
            "pointer": pointer,
        }
        if self.engine is not None:
            details["engine"] = self.engine
        return details

    def validate(
        self,
        case: FuzzCase,
        small: Mutant,
        data: bytes,
        reply: Reply,
        *,
        rule: str | None = None,
        fault: str | None = None,
    ) -> Finding:
        """A validate finding: ``case`` shrunk to ``small`` (rendered ``data``), on which ``reply`` diverges."""
        rule = rule or small.rule
        level = reference.RULES[rule].level if rule else "required"
        expected = reference.validate(data, case.kind)
        exp: dict[str, Any] = {"valid": expected.valid}
        if expected.errors:
            exp["pointer"] = expected.errors[0].pointer
            exp["errors"] = [e.to_json() for e in expected.errors[:5]]
        if expected.warnings:
            exp["warnings"] = [w.pointer for w in expected.warnings]
        return Finding(
            id=finding_id(rule, data, case.kind),
            kind=case.kind,
            klass=rule_class(rule, case.kind) if rule else case.klass,
            level=level,
            rule=rule,
            counted=fault is not None or level in self.counted,
            fault=fault,
            expected=exp,
            got=got(reply),
            message=_validate_message(expected, reply, rule, fault),
            details=self._details(
                data,
                len(case.data),
                small.operator,
                small.pointer if small.rule else (expected.errors[0].pointer if expected.errors else None),
            ),
        )

    def roundtrip(
        self,
        case: FuzzCase,
        small: Mutant,
        data: bytes,
        reply: Reply,
        message: str,
        *,
        rule: str = "roundtrip.preserve",
        fault: str | None = None,
    ) -> Finding:
        """A round-trip finding: the valid document ``case`` shrunk to ``small``, whose round trip differs."""
        level = reference.RULES[rule].level
        return Finding(
            id=finding_id(rule, data, case.kind),
            kind=case.kind,
            klass="roundtrip",
            level=level,
            rule=rule,
            counted=fault is not None or level in self.counted,
            fault=fault,
            expected={"preserved": True},
            got=(
                {"document": (reply.document or "")[:2000]}
                if fault is None
                else {"outcome": reply.status, "message": reply.message}
            ),
            message=f"the implementation's round trip of a valid {case.kind} document differs: {message}"[:500],
            details={"mode": "roundtrip", **self._details(data, len(case.data), "roundtrip", None)},
        )

    def match(
        self,
        required: list[str],
        available: list[str],
        small_req: list[str],
        small_avail: list[str],
        reply: Reply,
        message: str,
    ) -> Finding:
        """A match finding: the lists shrunk to ``small_req`` and ``small_avail``, on which ``reply`` differs."""
        rule = _capabilities.RULE
        level = reference.RULES[rule].level
        expected = _capabilities.case(small_req, small_avail)
        fault = None if reply.status == "ok" else reply.status
        lists = json.dumps([small_req, small_avail], ensure_ascii=False)
        return Finding(
            id=finding_id(rule, lists.encode()),
            kind="job",
            klass="capabilities",
            level=level,
            rule=rule,
            counted=fault is not None or level in self.counted,
            fault=fault,
            expected={"ok": expected.ok, "missing": list(expected.missing)},
            got=(
                {"ok": reply.valid, "missing": list(reply.missing)}
                if fault is None
                else {"outcome": reply.status, "message": reply.message}
            ),
            message=(
                f"the implementation's capability match differs for required {small_req}, available "
                f"{small_avail}: {message}"
            )[:500],
            details={
                "mode": "match",
                "required": small_req,
                "available": small_avail,
                "original_size": len(json.dumps([required, available], ensure_ascii=False)),
                "size": len(lists),
                "examples": self.stats.examples,
                "seed": self.seed,
                "operator": "match",
                "pointer": None,
            },
        )


def _validate_message(expected: reference.ValidationResult, reply: Reply, rule: str | None, fault: str | None) -> str:
    if fault is not None:
        return f"the implementation's reply was a {fault}: {reply.message}"[:500]
    if expected.valid and reply.valid:
        slip = warning_slip(reply, expected, rule)
        if slip is not None and not slip.missing:
            # As the corpus case of that rule says it (conformance.evaluate): which warnings it expected, where
            # the reply warned besides.
            return (
                f"the implementation gives the right verdict but an unexpected warning of {slip.rule} at "
                f"{slip.pointer}, where the reference gives none: {slip.message}"
            )[:500]
        seen = ", ".join(str(w.get("pointer", "?")) for w in reply.warnings if isinstance(w, dict))
        return (
            f"the implementation gives the right verdict but not the warning of {rule} at "
            f"{', '.join(w.pointer for w in expected.warnings if w.rule == rule) or '/'}"
            + (f"; it warns at {seen}" if seen else "; it reports no warning")
        )
    if expected.valid:
        where = ", ".join(
            f"{e.get('pointer', '?')}: {e.get('message', '')}" for e in reply.errors[:2] if isinstance(e, dict)
        )
        return f"the implementation rejects a valid document ({rule}){'; it says ' + where if where else ''}"
    first = expected.errors[0]
    return f"the implementation accepts a document that breaks {rule}: {first.message} at {first.pointer or '/'!r}"
