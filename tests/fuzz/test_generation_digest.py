"""Generation is a pure function of the seed: the documents and labels of the fast generator, the mutation
planners and the cases they make are pinned by digests, so that a change meant only to make generation
cheaper (caching per-schema derivations, fewer copies) is proven to change no document, label or order.

A digest that changes on purpose (a new operator, a new generator choice) is updated here in the same
commit, with the reason in its message."""

from __future__ import annotations

import hashlib
import random

import pytest

import reference
from conformance.fuzz import _boundary, _gen, _mutate, _textmut

KINDS = ("job", "result", "worker")
#: Base documents per kind: enough to reach every planner branch (the tests of each planner say which).
BASES = 60


def _bases(kind: str) -> list[tuple[int, dict[str, object]]]:
    out = []
    for i in range(BASES):
        host = reference.PAYLOAD_TYPES[i % 6] if kind == "job" and i % 6 < 5 else None
        out.append((i, _gen.document(kind, random.Random(i), fill=(0.2, 0.5, 0.9, 1.0)[i % 4], payload_type=host)))
    return out


def _digest_plans(planner: object) -> str:
    h = hashlib.sha256()
    for kind in KINDS:
        for i, doc in _bases(kind):
            available = planner(kind, doc)  # type: ignore[operator]
            for j, p in enumerate(available):
                h.update(repr((p.rule, p.operator, p.path)).encode())
                m = p.apply(random.Random(f"{i}-{j}"))
                if m is None:
                    h.update(b"none")
                    continue
                h.update(repr((m.rule, m.expect, m.operator, m.pin, m.raw, m.prefix, m.suffix)).encode())
                try:
                    h.update(m.render())
                except _mutate.RenderError:
                    h.update(b"render-error")
    return h.hexdigest()[:16]


def test_generated_documents_are_pinned() -> None:
    h = hashlib.sha256()
    for kind in KINDS:
        rng = random.Random(f"digest-{kind}")
        for fill in (0.2, 0.5, 0.9):
            for _ in range(200):
                h.update(_mutate.Mutant(kind, _gen.document(kind, rng, fill=fill)).render())
        h.update(repr(rng.random()).encode())  # the generator's state after: as many draws as before
    assert h.hexdigest()[:16] == GENERATED


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    ["mutate", "boundary", "textmut"],
)
def test_planned_mutations_are_pinned(name: str) -> None:
    planner = {"mutate": _mutate.plans, "boundary": _boundary.plans, "textmut": _textmut.plans}[name]
    assert _digest_plans(planner) == PLANNED[name]


GENERATED = "44e6131865095991"
PLANNED = {"mutate": "defe1812ab897e67", "boundary": "64e9abc46c3b9046", "textmut": "535243cc5471d151"}
