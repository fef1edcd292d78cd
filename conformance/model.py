"""The harness's data: what an implementation says of itself, what it answered, what a case's outcome is.

Results are data, not exceptions (as in Bowtie): a timeout, a crash, a protocol error are recorded
outcomes with their evidence, never a pass. The records a run writes are in :mod:`conformance.records`.
"""

from __future__ import annotations

from dataclasses import dataclass
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
