"""The harness's data: what an implementation says, what a case's outcome is, what a run records.

Results are data, not exceptions (as in Bowtie): a timeout, a crash, a protocol error are recorded
outcomes with their evidence, never a pass.

The results stream (``RESULTS.jsonl``) is written line by line as a run goes, so a run killed halfway
loses nothing already done. Each line is one JSON object with a ``type``:

* ``header`` (first): ``suite_version``, ``corpus_digest``, ``seed``, ``started_at`` (RFC 3339),
  ``implementation`` (:meth:`ImplInfo.to_json`), ``transport`` (e.g. ``{"kind": "cmd", "target": "..."}``),
  ``level``, ``filters`` (``{"kinds": [...], "classes": [...], "rules": [...]}``), ``fuzz`` (examples asked);
* ``result``: :meth:`CaseResult.to_json`, one per corpus case;
* ``finding``: one per fuzz divergence after shrinking and deduplication: ``id``, ``kind``, ``class``,
  ``level``, ``rule``, ``expected``, ``got``, ``document`` (text) or ``document_base64``, ``original_size``,
  ``size`` (bytes of the minimal document), ``examples`` (cases tried before it was found), ``seed``,
  ``message``; ``mode`` (``validate``, ``match`` or ``roundtrip``); a ``match`` finding carries ``required``
  and ``available`` (the minimal capability lists) instead of a document;
* ``footer`` (last, absent when the run was killed): ``finished_at``, ``interrupted`` (bool),
  ``stderr`` (what the implementation wrote outside any request, bounded).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: Every outcome a case can have. Only ``pass`` counts as conformance; ``skip`` is a case outside the claim
#: (or one the transport cannot carry); ``declined`` is a case inside the claim that the implementation
#: answered ``skipped``: not an answer, so it blocks certification as a fault does.
Outcome = Literal["pass", "fail", "skip", "declined", "timeout", "crash", "errored", "not-run"]
OUTCOMES: tuple[str, ...] = ("pass", "fail", "skip", "declined", "timeout", "crash", "errored", "not-run")
#: Outcomes that are the harness's or the implementation's fault, not a verdict on a rule.
FAULT_OUTCOMES = frozenset({"timeout", "crash", "errored", "not-run"})
#: Outcomes of a case inside the claim that was not answered: any of them makes a run incomplete.
UNANSWERED = frozenset({"declined", "timeout", "crash", "errored", "not-run"})


@dataclass(frozen=True, slots=True)
class ImplInfo:
    """An implementation's self-description, from its reply to ``start``."""

    name: str
    version: str
    language: str
    homepage: str | None = None
    kinds: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "language": self.language,
            "homepage": self.homepage,
            "kinds": list(self.kinds),
            "classes": list(self.classes),
        }


@dataclass(frozen=True, slots=True)
class Reply:
    """What an implementation answered to one request, normalised across transports.

    ``status`` is ``ok`` when the implementation answered in the protocol's terms; ``declined`` when it
    answered ``skipped`` (its own word: not an answer); ``skipped`` when the transport itself cannot carry
    the request (``--wrap`` of a document that is not JSON text, a round trip over HTTP); otherwise it is the
    fault (``errored``, ``timeout``, ``crash``). ``message`` says what was seen.
    """

    status: Literal["ok", "declined", "skipped", "errored", "timeout", "crash"]
    #: ``validate``: the verdict. ``match``: whether the capabilities matched.
    valid: bool | None = None
    errors: tuple[dict[str, Any], ...] = ()
    warnings: tuple[dict[str, Any], ...] = ()
    #: ``roundtrip``: the re-serialised document text.
    document: str | None = None
    #: ``match``: the capabilities reported missing.
    missing: tuple[str, ...] = ()
    message: str = ""
    #: What the implementation wrote to stderr while it handled this request (bounded).
    stderr: str = ""


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One line of the results stream: one corpus case (or fuzz example) run against an implementation."""

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
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["class"] = d.pop("klass")
        d["type"] = "result"
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> CaseResult:
        d = {k: v for k, v in d.items() if k != "type"}
        d["klass"] = d.pop("class")
        return cls(**d)
