"""Round-trip cases: valid documents rich in what a writer loses or adds, judged as a corpus ``roundtrip`` case.

A document from the fast generator is enriched with unknown members at every level (the top, each section,
inside payload data), with defaulted members left out (so a writer that injects defaults shows it), and
with numbers a double cannot hold or a writer rewrites (integers beyond 2**53 and beyond u64, ``1E+2``,
``0.10``, ``-0.0``, ``1e400``) inside free-form data and unknown members; names and strings are sometimes
wide or escaped. The reference must hold the result valid with no warning (else the plain document is
used). A reply is judged by :func:`conformance.evaluate.evaluate`, exactly as the corpus's round-trip cases
are; a member added is attributed to ``roundtrip.no-defaults``, anything lost or changed to
``roundtrip.preserve``.
"""

from __future__ import annotations

import json
import random
from typing import Any

import reference

from ..corpus import Case
from ..evaluate import evaluate
from ..model import Reply
from . import _gen
from ._mutate import _SENTINEL, Mutant, confirm, get, set_at, sites

PRESERVE = "roundtrip.preserve"
NO_DEFAULTS = "roundtrip.no-defaults"
#: Number literals a writer tends to rewrite; each reads back as a number of the same value only if kept.
LITERALS = (b"1E+2", b"0.10", b"-0.0", b"1e400", b"-1e400", b"1.5e308", b"123456789012345678901234567890.5")
_NAMES = ("x-vendor", "x-scheduler-hint", "future_field", "unknownField", "é-member", "中文", 'a"b', "a/b~c")


def _big_int(rng: random.Random) -> int:
    return rng.choice(
        (
            2**53 + rng.randint(1, 2**40) * 2 + 1,
            rng.randint(2**53, 2**64 - 1),
            18446744073709551615,
            18446744073709551616,
            -(2**63) - rng.randint(1, 999),
            int("9" * rng.randint(20, 39)),
            int("1" + "0" * rng.randint(40, 60)) + 7,
        )
    )


def _value(rng: random.Random) -> Any:
    r = rng.random()
    if r < 0.45:
        return _big_int(rng)
    if r < 0.6:
        return [_big_int(rng), _gen.text(rng)]
    if r < 0.75:
        return {_gen.text(rng, 1, 6): _big_int(rng)}
    return _gen.freeform(rng)


def _objects(kind: str, doc: Any) -> list[tuple[tuple[Any, ...], bool]]:
    """The objects of ``doc`` that accept any member (path, whether the schema knows their members): those
    with named members and free-form ones; not maps whose values are typed (labels, affinity)."""
    out = []
    for path, node, v in sites(kind, doc):
        if not isinstance(v, dict):
            continue
        if node is None or node.types is None or node.freeform_object:
            out.append((path, False))
        elif node.props and node.extra is None:
            out.append((path, True))
    return out


def document(kind: str, rng: random.Random) -> Mutant:
    """A plain valid document of ``kind`` (rule None), enriched; confirmed by the reference."""
    base = _gen.document(kind, rng, fill=rng.choice((0.3, 0.6, 0.9)))
    tree = base
    raw: list[tuple[str, bytes]] = []
    objects = _objects(kind, tree)
    for path, known in rng.sample(objects, min(len(objects), rng.randint(1, 4))):
        obj = dict(get(tree, path))
        name = rng.choice(_NAMES) if known else _gen.text(rng, 1, 6)
        if rng.random() < 0.3:
            token = _SENTINEL.format(10 + len(raw))
            raw.append((json.dumps(token), rng.choice(LITERALS)))
            obj[name] = token
        else:
            obj[name] = _value(rng)
        tree = set_at(tree, path, obj)
    m = Mutant(kind, tree, raw=tuple(raw))
    if confirm(m):
        return m
    return Mutant(kind, base)


def case(data: bytes, kind: str, cid: str = "fuzz-roundtrip") -> Case:
    return Case(
        id=cid,
        kind=kind,
        klass="roundtrip",
        rule=PRESERVE,
        level=reference.RULES[PRESERVE].level,
        description="round trip from the fuzzer",
        data=data,
        form="document_text",
    )


def judge(kind: str, data: bytes, reply: Reply) -> tuple[str, str]:
    """``(outcome, message)`` of ``reply`` to a round trip of ``data`` (``pass``, ``fail``, a fault)."""
    outcome, _got, message = evaluate(case(data, kind), reply)
    return outcome, message


def rule_of(message: str) -> str:
    """The rule a failed round trip breaks: a member added is an injected default, anything else a loss."""
    return NO_DEFAULTS if message.startswith("member ") and message.endswith(" was added") else PRESERVE
