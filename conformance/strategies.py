"""Hypothesis strategies for VM Operations Job Protocol v1 documents, for anyone's property-based tests.

Valid documents come from the project's own JSON Schemas through hypothesis-jsonschema's ``from_schema``
(so Hypothesis explores and shrinks them), then are made valid where the SPEC's semantic rules reach past
the schema: a payload whose type matches the operation and whose data follows its payload schema, attempt
within max_attempts, strict calendar-valid timestamps, safe absolute paths, a deadline after creation.
Every document they give is valid at every level, with no warning. ``fast=True`` draws from the fuzzer's
schema-compiled generator instead (hundreds of times faster; shrinking is coarser).

Labelled documents are one-rule mutations of a valid document (the fuzzer's mutators), each confirmed by
the reference: a :class:`LabelledDocument` carries the exact bytes and the rule they break.

Example::

    import json
    from hypothesis import given
    from conformance import strategies as vs

    @given(vs.jobs())
    def test_accepts_every_valid_job(job):
        assert my_validator(json.dumps(job)).ok

    @given(vs.invalid_jobs(rule="core.execution.priority"))
    def test_rejects_a_bad_priority(case):
        assert not my_validator(case.data).ok, case.rule
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

import reference

from .fuzz import _gen
from .fuzz._mutate import Mutant, agrees, plans, set_at, sites
from .fuzz._schemas import payload_rules, pointer

__all__ = [
    "LabelledDocument",
    "documents",
    "invalid_documents",
    "invalid_jobs",
    "jobs",
    "labelled_documents",
    "progress_events",
    "results",
    "workers",
]


@dataclass(frozen=True, slots=True)
class LabelledDocument:
    """A document that exercises one rule: its exact bytes, its kind, the rule, and the reference's verdict."""

    kind: str
    data: bytes
    rule: str
    #: ``invalid``, ``valid`` (an accept rule: unknown members, free-form numbers) or ``warning``.
    expect: str
    #: Where the fault is (RFC 6901).
    pointer: str
    #: How the document was made (``wrong-type``, ``duplicate-member``, ...).
    operator: str

    @property
    def valid(self) -> bool:
        return self.expect != "invalid"


def _check_kind(kind: str) -> None:
    if kind not in reference.KINDS:
        raise ValueError(f"kind={kind!r} is not a document kind; expected one of {', '.join(reference.KINDS)}")


def _check_rule(rule: str | None) -> None:
    if rule is not None and rule not in reference.RULES:
        raise ValueError(f"rule={rule!r} is not a rule id of the SPEC")


@cache
def _from_schema(kind: str) -> st.SearchStrategy[Any]:
    from hypothesis_jsonschema import from_schema

    return from_schema(reference.schema(kind))


@cache
def _payload_from_schema(payload_type: str) -> st.SearchStrategy[Any]:
    from hypothesis_jsonschema import from_schema

    return from_schema(reference.payload_schema(payload_type))


_timestamps = st.randoms(use_true_random=False).map(_gen.timestamp)
_paths = st.randoms(use_true_random=False).map(_gen.path)
_operations = st.from_regex(r"[a-z0-9_-]{1,8}(\.[a-z0-9_-]{1,8}){1,2}", fullmatch=True)
_job_ids = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="/\\"), min_size=8, max_size=24
)


@st.composite
def _valid_from_schema(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    doc = draw(_from_schema(kind))
    if kind == "job":
        doc["job_id"] = draw(_job_ids)
        ptype = draw(st.sampled_from((*reference.PAYLOAD_TYPES, None)))
        if ptype is not None:
            doc["operation"] = ptype.rpartition(".")[0]
            doc["payload"] = {"type": ptype, "data": draw(_payload_from_schema(ptype))}
        else:
            doc["operation"] = draw(_operations)
            doc["payload"] = {"type": doc["operation"] + ".v1", "data": doc["payload"]["data"]}
    # Values the schema states but from_schema cannot produce: strict timestamps, safe absolute paths.
    for path, node, value in list(sites(kind, doc)):
        if node is None or not isinstance(value, str):
            continue
        if node.schema.get("format") == "date-time":
            doc = set_at(doc, path, draw(_timestamps))
        elif node.schema.get("x-path"):
            doc = set_at(doc, path, draw(_paths))
    _semantic_fixes(kind, doc, draw)
    assert isinstance(doc, dict)  # a kind's root schema is an object
    return doc


def _semantic_fixes(kind: str, doc: dict[str, Any], draw: st.DrawFn) -> None:
    if kind == "job":
        ex = doc.get("execution")
        if isinstance(ex, dict):
            attempt, most = ex.get("attempt", 1), ex.get("max_attempts", 1)
            if attempt > most:
                ex["max_attempts"] = attempt
            if ex.get("timeout_seconds", 0) > 86400:
                ex["timeout_seconds"] = 86400
            if isinstance(ex.get("deadline"), str):
                ex["deadline"] = _gen.timestamp(random.Random(draw(st.integers(0, 2**32))), (2031, 2099))
        if isinstance(doc.get("created_at"), str):
            doc["created_at"] = _gen.timestamp(random.Random(draw(st.integers(0, 2**32))), (1970, 2029))
        cons = doc.get("constraints")
        if isinstance(cons, dict):
            if isinstance(cons.get("maximum_disk_size_gb"), int) and cons["maximum_disk_size_gb"] > 100000:
                cons["maximum_disk_size_gb"] = 100000
            if isinstance(cons.get("minimum_worker_version"), str):
                cons["minimum_worker_version"] = "0.4.0"
    elif kind == "result":
        if doc["status"] == "failed":
            if doc.get("error") is None:
                doc["error"] = {"code": "E1", "message": "failed", "recoverable": False, "retry_recommended": False}
            if doc.get("failed_at") is None:
                doc["failed_at"] = "2000-01-01T00:00:00Z"
        elif doc["status"] == "completed":
            doc.pop("error", None)
            if doc.get("completed_at") is None:
                doc["completed_at"] = "2000-01-01T00:00:00Z"
    elif kind == "worker" and doc["status"]["current_jobs"] > doc["resources"]["max_concurrent_jobs"]:
        doc["status"]["current_jobs"] = doc["resources"]["max_concurrent_jobs"]


def _is_clean(kind: str, doc: dict[str, Any]) -> bool:
    result = reference.validate(doc, kind)
    return result.valid and not result.warnings


def documents(kind: str, *, fast: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Valid documents of ``kind`` (``job``, ``result``, ``progress``, ``worker``) as parsed JSON objects.

    Each is valid at every level with no warning. ``fast=True`` uses the schema-compiled generator.
    """
    _check_kind(kind)
    if fast:
        return (
            st.integers(0, 2**32 - 1)
            .map(random.Random)
            .map(lambda r: _gen.document(kind, r, fill=r.choice((0.2, 0.5, 0.9))))
        )
    return _valid_from_schema(kind).filter(lambda d: _is_clean(kind, d))


def jobs(*, fast: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Valid job documents (known payloads included)."""
    return documents("job", fast=fast)


def results(*, fast: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Valid job results."""
    return documents("result", fast=fast)


def progress_events(*, fast: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Valid progress events."""
    return documents("progress", fast=fast)


def workers(*, fast: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Valid worker capability documents."""
    return documents("worker", fast=fast)


_TRIES = 20


@st.composite
def _mutants(draw: st.DrawFn, kind: str, rules: frozenset[str] | None, expect: frozenset[str]) -> Mutant:
    """A confirmed one-rule mutation of ``kind`` whose rule is in ``rules`` (None: any)."""
    # A seed, not st.randoms(): Hypothesis drives st.randoms() towards 0.0, which would make every nullable
    # section null and leave most rules nowhere to break.
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    aim = rng.choice(sorted(rules)) if rules else None
    hosts = [t for t in reference.PAYLOAD_TYPES if aim is not None and aim in payload_rules(t)]
    for _ in range(_TRIES):
        host = rng.choice(hosts) if kind == "job" and hosts else None
        doc = _gen.document(kind, rng, fill=0.9, payload_type=host)
        usable = [p for p in plans(kind, doc) if (aim is None or p.rule == aim) and _expect_of(p.rule) in expect]
        if usable:
            m = rng.choice(usable).apply(rng)
            if m is not None:
                break
    else:
        raise ValueError(
            f"rule={aim!r} cannot be broken in a {kind} document: it does not apply to this kind, or its "
            "member never appears; pick a rule of this kind (reference.RULES) or rule=None"
        )
    assume(m.expect in expect)
    assume(agrees(m, reference.validate(m.render(), kind)))
    return m


def _labelled(kind: str, rule: str | None, expect: frozenset[str]) -> st.SearchStrategy[LabelledDocument]:
    rules = frozenset({rule}) if rule is not None else None
    return _mutants(kind, rules, expect).map(lambda m: _labelled_of(m, m.render()))


def _expect_of(rule: str) -> str:
    polarity = reference.RULES[rule].polarity
    return {"accept": "valid", "warning": "warning"}.get(polarity, "invalid")


def _labelled_of(m: Mutant, data: bytes) -> LabelledDocument:
    assert m.rule is not None
    return LabelledDocument(m.kind, data, m.rule, m.expect, pointer(m.pin), m.operator)


def invalid_documents(kind: str, rule: str | None = None) -> st.SearchStrategy[LabelledDocument]:
    """Invalid documents of ``kind``, each breaking exactly one rule (``rule`` when given), as exact bytes.

    Faults a parsed value cannot hold (``5.0`` for an integer, duplicate members, a BOM, invalid UTF-8) are
    included, which is why documents are bytes. Raises ValueError at draw time for a rule the kind lacks.
    """
    _check_kind(kind)
    _check_rule(rule)
    if rule is not None and _expect_of(rule) != "invalid":
        raise ValueError(
            f"rule={rule!r} has no invalid side (polarity {reference.RULES[rule].polarity}); "
            "use labelled_documents() for it"
        )
    return _labelled(kind, rule, frozenset({"invalid"}))


def labelled_documents(kind: str, rule: str | None = None) -> st.SearchStrategy[LabelledDocument]:
    """Like :func:`invalid_documents`, plus documents that must be accepted (unknown members, any data) or
    accepted with a warning, each labelled with its rule."""
    _check_kind(kind)
    _check_rule(rule)
    return _labelled(kind, rule, frozenset({"invalid", "valid", "warning"}))


def invalid_jobs(rule: str | None = None) -> st.SearchStrategy[LabelledDocument]:
    """Invalid job documents, each breaking exactly one rule (``rule`` when given)."""
    return invalid_documents("job", rule)
