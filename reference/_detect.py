"""Which kind a document is, told from the members at its top level (SPEC.md, "Telling the kind").

Each kind has *own members*: the top-level properties its schema defines and no other kind's schema does
(a job's ``operation``, a result's ``execution_summary``, a progress event's ``phase``, a worker's
``hostname``). Members several kinds share (``job_id``, ``version``, ``status``, ``worker_id``,
``observability``) say nothing. The kind is the one whose own members the document has the most of; no own
member of any kind, or a tie, is ambiguous, and the answer says which members point where. A valid
document names its kind this way unless it also carries as many unknown members that another kind owns:
each kind requires at least one own member (every valid document of the corpus is told right).

The own members are computed from the published schemas, so a new property moves the rule with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ._parse import parse
from ._rules import KINDS
from ._schema import schema


@dataclass(frozen=True, slots=True)
class Detection:
    """The kind of a document, or ``None`` with ``reason`` saying why it cannot be told.

    ``evidence`` maps each kind to the own members of it found in the document (kinds with none left out);
    ``is_object`` is false for a text that does not parse or a value that is not an object, which no kind
    would take (its parse errors are the same whatever the kind).
    """

    kind: str | None
    evidence: Mapping[str, tuple[str, ...]]
    reason: str = ""
    is_object: bool = True

    def __bool__(self) -> bool:
        return self.kind is not None


@cache
def own_members() -> dict[str, frozenset[str]]:
    """Each kind's own members: the top-level properties of its schema that no other kind's schema has."""
    props = {kind: frozenset(schema(kind).get("properties", {})) for kind in KINDS}
    return {
        kind: names.difference(*(other for k, other in props.items() if k != kind)) for kind, names in props.items()
    }


def detect_kind(document: str | bytes | Mapping[str, Any]) -> Detection:
    """The kind of ``document`` (its text, or its value as parsed), told from its top-level members.

    Never raises: a text that does not parse, or a value that is not an object, has no kind
    (``Detection(None, {}, reason)``); so has an object with no own member of any kind, or with as many of
    two kinds' own members (``reason`` names them)."""
    if isinstance(document, str | bytes):
        value, issues = parse(document)
        if issues:
            return Detection(None, {}, "the document does not parse", is_object=False)
    else:
        value = document
    if not isinstance(value, Mapping):
        return Detection(None, {}, "the document is not a JSON object", is_object=False)
    present = set(value)
    evidence = {kind: tuple(sorted(own & present)) for kind, own in own_members().items() if own & present}
    if not evidence:
        return Detection(None, {}, "no member of the document belongs to one kind alone")
    most = max(len(names) for names in evidence.values())
    leaders = [kind for kind, names in evidence.items() if len(names) == most]
    if len(leaders) > 1:
        said = " as to ".join(f"{kind} ({', '.join(evidence[kind])})" for kind in leaders)
        return Detection(None, evidence, f"its members point as much to {said}")
    return Detection(leaders[0], evidence)
