"""The results stream's records: one class per record type, the one definition the runner writes, the reports
read back and ``conformance/schemas/results-stream.schema.json`` describes.

A stream (``RESULTS.jsonl``) is written line by line as a run goes, so a run killed halfway loses nothing
already done: a :class:`Header` first, one :class:`CaseResult` per corpus case, one :class:`Finding` per
distinct fuzz divergence or fault, a :class:`Footer` last (absent when the run was killed).

``to_json`` gives the line's object (with its ``type``); ``from_json`` reads one back and raises
:class:`RecordError` (a :class:`ValueError` naming the field) for a record no run could have written: a
stream is a file anyone can edit, and the reports must say what is wrong with it, never crash on it.
Fields that only describe (a message, a duration) are coerced to their type instead of refused.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from reference import LEVELS

from .model import OUTCOMES, ImplInfo, Outcome


class RecordError(ValueError):
    """A record that no run could have written: ``what`` names the record ("result 'x'"), ``why`` the field."""

    def __init__(self, what: str, why: str) -> None:
        super().__init__(f"{what}: {why}")
        self.what, self.why = what, why


def _text(value: Any) -> str:
    """A descriptive field as text ("" when absent; other JSON values as their JSON text)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _label(d: dict[str, Any], what: str) -> str:
    return f"{what} {d['id']!r}" if isinstance(d.get("id"), str) else what


def _require(d: dict[str, Any], keys: tuple[str, ...], what: str) -> None:
    missing = [k for k in keys if not isinstance(d.get(k), str)]
    if missing:
        raise RecordError(_label(d, what), f"{', '.join(repr(k) for k in missing)} missing or not a string")
    if "level" in keys and d["level"] not in LEVELS:
        raise RecordError(_label(d, what), f"level {d['level']!r} is not one of {', '.join(LEVELS)}")


@dataclass(frozen=True, slots=True)
class Header:
    """What was run, against what, how: everything needed to reproduce the run."""

    suite_version: str | None
    corpus_digest: str | None
    seed: int | str | None
    started_at: str | None
    implementation: ImplInfo
    transport: dict[str, str] | None
    level: str | None
    kinds: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    #: Generated documents asked for (0: no fuzz campaign).
    fuzz: int = 0
    timeout: float | None = None
    #: ``(K, N)``: the run is shard K of N (``vmjob certify --shard K/N``); None: a whole run.
    shard: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        out = {
            "type": "header",
            "suite_version": self.suite_version,
            "corpus_digest": self.corpus_digest,
            "seed": self.seed,
            "started_at": self.started_at,
            "implementation": self.implementation.to_json(),
            "transport": self.transport,
            "level": self.level,
            "filters": {"kinds": list(self.kinds), "classes": list(self.classes), "rules": list(self.rules)},
            "fuzz": self.fuzz,
            "timeout": self.timeout,
        }
        if self.shard is not None:
            out["shard"] = {"index": self.shard[0], "count": self.shard[1]}
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Header:
        impl = d.get("implementation") if isinstance(d.get("implementation"), dict) else {}
        filters = d.get("filters") if isinstance(d.get("filters"), dict) else {}
        assert isinstance(impl, dict) and isinstance(filters, dict)
        seed = d.get("seed")
        transport = d.get("transport")
        timeout = d.get("timeout")
        fuzz = d.get("fuzz")
        homepage = impl.get("homepage")
        return cls(
            suite_version=_text(d.get("suite_version")) or None,
            corpus_digest=_text(d.get("corpus_digest")) or None,
            seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else _text(seed) or None,
            started_at=_text(d.get("started_at")) or None,
            implementation=ImplInfo(
                name=_text(impl.get("name")),
                version=_text(impl.get("version")),
                language=_text(impl.get("language")),
                homepage=homepage if isinstance(homepage, str) else None,
                kinds=_strings(impl.get("kinds")),
                classes=_strings(impl.get("classes")),
            ),
            transport={str(k): _text(v) for k, v in transport.items()} if isinstance(transport, dict) else None,
            level=d["level"] if isinstance(d.get("level"), str) else None,
            kinds=_strings(filters.get("kinds")),
            classes=_strings(filters.get("classes")),
            rules=_strings(filters.get("rules")),
            fuzz=fuzz if isinstance(fuzz, int) and not isinstance(fuzz, bool) and fuzz > 0 else 0,
            timeout=float(timeout) if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) else None,
            shard=_shard(d.get("shard")),
        )


def _shard(value: Any) -> tuple[int, int] | None:
    """A header's ``shard`` (``{"index": K, "count": N}``, 1 <= K <= N), or None when absent or not one."""
    if not isinstance(value, dict):
        return None
    k, n = value.get("index"), value.get("count")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (k, n)):
        return None
    assert isinstance(k, int) and isinstance(n, int)
    return (k, n) if 1 <= k <= n else None


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One corpus case run against an implementation: its outcome and the evidence for it."""

    id: str
    kind: str
    klass: str
    level: str
    rule: str
    expected: Any
    got: Any
    outcome: Outcome
    message: str = ""
    stderr: str = ""
    duration_ms: float = 0.0
    #: ``description``, ``source``, and for a result that did not pass its ``document`` (or
    #: ``document_base64``), so that a report can show it without the corpus.
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "result",
            "id": self.id,
            "kind": self.kind,
            "class": self.klass,
            "level": self.level,
            "rule": self.rule,
            "expected": self.expected,
            "got": self.got,
            "outcome": self.outcome,
            "message": self.message,
            "stderr": self.stderr,
            "duration_ms": self.duration_ms,
            "extra": self.extra,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> CaseResult:
        _require(d, ("id", "kind", "class", "level", "rule", "outcome"), "result")
        if d["outcome"] not in OUTCOMES:
            raise RecordError(f"result {d['id']!r}", f"outcome {d['outcome']!r} is not one of {', '.join(OUTCOMES)}")
        duration = d.get("duration_ms")
        if not isinstance(duration, (int, float)) or isinstance(duration, bool) or not math.isfinite(duration):
            duration = 0.0
        extra = dict(d["extra"]) if isinstance(d.get("extra"), dict) else {}
        for key in ("document", "document_base64", "description"):  # older streams put them at the top level
            if isinstance(d.get(key), str):
                extra[key] = d[key]
        return cls(
            id=d["id"],
            kind=d["kind"],
            klass=d["class"],
            level=d["level"],
            rule=d["rule"],
            expected=d.get("expected"),
            got=d.get("got"),
            outcome=d["outcome"],
            message=_text(d.get("message")),
            stderr=_text(d.get("stderr")),
            duration_ms=max(0.0, float(duration)),
            extra=extra,
        )


#: A finding's fields beyond the ones every finding has, by name: kept as they are.
FINDING_DETAILS = (
    "mode", "document", "document_base64", "required", "available", "original_size", "size", "examples",
    "seed", "operator", "pointer", "engine",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Finding:
    """One distinct divergence (or fault) the fuzzer found, shrunk to a minimal document.

    ``rule`` is None only for a fault on a plain valid document, which breaks no rule; ``fault`` is the
    fault's outcome (``timeout``, ``crash``, ``errored``) or None for a wrong verdict. ``details`` holds the
    mode-specific evidence (:data:`FINDING_DETAILS`): the minimal ``document`` (or ``document_base64``) of a
    validate or round-trip finding, the minimal ``required`` / ``available`` lists of a match finding.
    """

    id: str
    kind: str
    klass: str
    level: str
    rule: str | None
    counted: bool
    fault: str | None
    expected: Any
    got: Any
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "finding",
            "id": self.id,
            "kind": self.kind,
            "class": self.klass,
            "level": self.level,
            "rule": self.rule,
            "counted": self.counted,
            "fault": self.fault,
            "expected": self.expected,
            "got": self.got,
            **self.details,
            "message": self.message,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Finding:
        fault = d.get("fault") if isinstance(d.get("fault"), str) and d.get("fault") else None
        _require(d, ("id", "class", "level") if fault else ("id", "class", "level", "rule"), "finding")
        if d.get("rule") is not None and not isinstance(d.get("rule"), str):
            raise RecordError(f"finding {d['id']!r}", "'rule' is not a string")
        return cls(
            id=d["id"],
            kind=d["kind"] if isinstance(d.get("kind"), str) else "",
            klass=d["class"],
            level=d["level"],
            rule=d.get("rule"),
            counted=d.get("counted") is not False,
            fault=fault,
            expected=d.get("expected"),
            got=d.get("got"),
            message=_text(d.get("message")),
            details={k: d[k] for k in FINDING_DETAILS if k in d},
        )


@dataclass(frozen=True, slots=True)
class Footer:
    """How the run ended: finished or interrupted, why cases were not run, what the fuzz campaign did."""

    finished_at: str | None
    interrupted: bool
    #: Why cases (or the fuzz campaign) were not run; "" when every case was.
    stopped: str = ""
    #: What the implementation wrote to stderr outside any request (bounded).
    stderr: str = ""
    restarts: int = 0
    #: The fuzz campaign's statistics (:meth:`conformance.fuzz.differential.FuzzStats.to_json`), if one ran.
    fuzz: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "footer",
            "finished_at": self.finished_at,
            "interrupted": self.interrupted,
            "stopped": self.stopped,
            "stderr": self.stderr,
            "restarts": self.restarts,
        }
        if self.fuzz is not None:
            out["fuzz"] = self.fuzz
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Footer:
        restarts = d.get("restarts")
        return cls(
            finished_at=_text(d.get("finished_at")) or None,
            interrupted=bool(d.get("interrupted")),
            stopped=_text(d.get("stopped")),
            stderr=_text(d.get("stderr")),
            restarts=restarts if isinstance(restarts, int) and not isinstance(restarts, bool) else 0,
            fuzz=d["fuzz"] if isinstance(d.get("fuzz"), dict) else None,
        )
