"""Fast generators compiled from the schema files: valid documents straight from a ``random.Random``.

hypothesis-jsonschema produces a few dozen job documents a second here, because it generates from the
schema and filters; this module walks the same schema once per document, choosing only values the schema
and the semantic rules allow, so nothing is ever thrown away. Every document it makes is valid at every
level with no warning (the tests check each one against the reference), which is what lets a mutation of
it break exactly one rule.

``minimal(kind)`` is the smallest valid document of a kind, and ``minimal_value(node)`` the smallest valid
value of a member: the shrinker replaces values with them.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable
from typing import Any

import reference

from ._schemas import SNode, kind_root, payload_root

Json = Any

_ASCII = "abcdefghijklmnopqrstuvwxyz0123456789"
_WIDE = "éßΩÅ中文😀"
_ODD = " -_.:'\"\\<>&%{}[],\t\n"
_SAFE_ID = _ASCII + "-_."
_OP_SEGMENT = "abcdefghijklmnopqrstuvwxyz0123456789-_"
_HEX = "0123456789abcdefABCDEF"

#: Patterns the schemas use, each with the generator of the strings it allows. A new pattern in a schema
#: fails loudly here rather than yielding invalid "valid" documents.
_CHECKSUM = "^([sS][hH][aA]256:)?[0-9a-fA-F]{64}$"
_OPERATION = "^[^.]+(\\.[^.]+)+$"
_PAYLOAD_TYPE = "^[^.]+\\.[^.]+(\\.[^.]+)*\\.v[0-9]+$"


def text(rng: random.Random, lo: int = 0, hi: int = 12) -> str:
    """A string of ``lo``..``hi`` code points, mostly ASCII, sometimes wide or JSON-escaped characters."""
    n = rng.randint(lo, hi)
    r = rng.random()
    pool = _ASCII if r < 0.6 else _ASCII + _WIDE if r < 0.85 else _ASCII + _ODD + _WIDE
    return "".join(rng.choices(pool, k=n))


def timestamp(rng: random.Random, years: tuple[int, int] = (1970, 2029)) -> str:
    """A strict, calendar-valid RFC 3339 timestamp (leap days and leap seconds included)."""
    y = rng.randint(*years)
    mo = rng.randint(1, 12)
    d = rng.randint(1, calendar.monthrange(y, mo)[1])
    h, mi = rng.randint(0, 23), rng.randint(0, 59)
    # Rare shapes on the high side of random(), so that a shrinking Hypothesis (random() -> 0) gets plain ones.
    s = 60 if rng.random() > 0.98 else rng.randint(0, 59)
    frac = "." + "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 9))) if rng.random() > 0.7 else ""
    r = rng.random()
    if r < 0.5:
        off = "Z"
    elif r < 0.55:
        off = "z"
    else:
        off = f"{rng.choice('+-')}{rng.randint(0, 23):02d}:{rng.choice((0, 30, 45, rng.randint(0, 59))):02d}"
    sep = "T" if rng.random() < 0.95 else "t"
    return f"{y:04d}-{mo:02d}-{d:02d}{sep}{h:02d}:{mi:02d}:{s:02d}{frac}{off}"


def path(rng: random.Random) -> str:
    """A safe absolute path: no NUL, no `..` segment."""
    segs = [text(rng, 1, 8).replace("/", "_").replace("\\", "_").replace("\x00", "_") for _ in range(rng.randint(1, 4))]
    segs = ["_" if s in (".", "..") else s for s in segs]
    return "/" + "/".join(segs)


def freeform(rng: random.Random, depth: int = 0) -> Json:
    """Any JSON value, small: free-form data (``payload.data`` of unknown types, ``details``, ``data``)."""
    r = rng.random()
    if depth >= 3 or r < 0.55:
        return rng.choice(
            (
                None,
                True,
                False,
                rng.randint(-(2**63), 2**64),
                rng.randint(-5, 100),
                rng.uniform(-1e6, 1e6),
                0.5,
                text(rng),
            )
        )
    if r < 0.75:
        return [freeform(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return freeform_object(rng, depth + 1)


def freeform_object(rng: random.Random, depth: int = 0) -> dict[str, Json]:
    return {text(rng, 1, 8): freeform(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def _integer(rng: random.Random, lo: int, hi: int) -> int:
    r = rng.random()
    if r < 0.15:
        return lo
    if r < 0.25:
        return hi
    if r < 0.7:
        return rng.randint(lo, min(hi, lo + 100))
    return rng.randint(lo, hi)


def _string(rng: random.Random, node: SNode) -> str:
    return _string_maker(node)(rng)


def _string_maker(node: SNode) -> Callable[[random.Random], str]:
    """The generator of ``node``'s strings, its schema read once (the choice of generator depends only on it)."""
    s = node.schema
    if "const" in s:
        const = str(s["const"])
        return lambda rng: const
    if "enum" in s:
        enum = s["enum"]
        return lambda rng: str(rng.choice(enum))
    if s.get("format") == "date-time":
        return timestamp
    if s.get("x-path"):
        return path
    pattern = s.get("pattern")
    if pattern == _CHECKSUM:
        return lambda rng: rng.choice(("", "sha256:", "SHA256:", "Sha256:")) + "".join(rng.choices(_HEX, k=64))
    if pattern == _OPERATION:
        return operation
    if pattern == _PAYLOAD_TYPE:
        return lambda rng: operation(rng) + f".v{rng.randint(0, 12)}"
    if pattern is not None:

        def unknown(rng: random.Random) -> str:
            raise ValueError(f"pattern={pattern!r}: the fast generator has no generator for this schema pattern")

        return unknown
    lo = s.get("minLength", 0)
    if node.rule == "core.job_id":
        return lambda rng: "".join(rng.choices(_SAFE_ID + "éß中", k=rng.randint(lo, lo + 24)))
    if node.rule == "core.constraints.minimum_worker_version":
        return lambda rng: (
            f"{rng.randint(0, 20)}.{rng.randint(0, 20)}.{rng.randint(0, 20)}" + rng.choice(("", "-rc.1", "+b5"))
        )
    hi = max(lo, 12)
    return lambda rng: text(rng, lo, hi)


def operation(rng: random.Random) -> str:
    segments = ("".join(rng.choices(_OP_SEGMENT, k=rng.randint(1, 9))) for _ in range(rng.randint(2, 3)))
    return ".".join(segments)


#: A value's generator: (rng, depth, fill) -> a valid value.
Maker = Callable[[random.Random, int, float], Json]
#: Each schema node's generator, made once (nodes live as long as their schema tree, which is cached).
_MAKERS: dict[SNode, Maker] = {}


def value(rng: random.Random, node: SNode, depth: int = 0, fill: float = 0.5) -> Json:
    """A random valid value for ``node`` (structure only; :func:`document` applies the semantic rules).

    ``fill`` is the chance that each optional member is present.
    """
    make = _MAKERS.get(node)
    if make is None:
        make = _MAKERS[node] = _maker(node)
    return make(rng, depth, fill)


def _maker(node: SNode) -> Maker:
    """``node``'s generator: what its schema says (types, bounds, members) read once, the random draws in the
    order a walk of the schema makes them."""
    types = node.types
    if types is None:
        return lambda rng, depth, fill: freeform(rng, depth)
    if len(types) == 1:
        return _typed(node, types[0])
    first = _typed(node, types[0])
    if "null" not in types:
        return first
    return lambda rng, depth, fill: None if rng.random() < 0.2 else first(rng, depth, fill)


def _typed(node: SNode, t: str) -> Maker:
    if t == "null":
        return lambda rng, depth, fill: None
    if t == "string":
        string = _string_maker(node)
        return lambda rng, depth, fill: string(rng)
    if t == "boolean":
        return lambda rng, depth, fill: rng.random() < 0.5
    if t == "integer":
        lo, hi, _top = node.integer_bounds or (0, 2**31, 0)
        return lambda rng, depth, fill: _integer(rng, lo, hi)
    if t == "array":
        item, least = node.items, node.schema.get("minItems", 0)

        def array(rng: random.Random, depth: int, fill: float) -> Json:
            n = rng.randint(least, 3)
            return [value(rng, item, depth + 1, fill) if item else freeform(rng, depth + 1) for _ in range(n)]

        return array
    if t == "object":
        if node.freeform_object:
            return lambda rng, depth, fill: freeform_object(rng, depth)
        members = [(name, name in node.required, sub) for name, sub in node.props.items()]
        extra = node.extra

        def obj(rng: random.Random, depth: int, fill: float) -> Json:
            out: dict[str, Json] = {}
            for name, required, sub in members:
                if required or rng.random() < fill:
                    out[name] = value(rng, sub, depth + 1, fill)
            if extra is not None:
                for _ in range(rng.randint(0, 3)):
                    out[text(rng, 1, 8)] = value(rng, extra, depth + 1, fill)
            return out

        return obj

    def unknown(rng: random.Random, depth: int, fill: float) -> Json:
        raise ValueError(f"type={t!r}: the fast generator has no generator for this schema type")

    return unknown


# --- the semantic rules, applied after the structural walk -------------------------------------------------


def _fix_job(rng: random.Random, doc: dict[str, Json], fill: float, payload_type: str | None) -> None:
    if payload_type is not None or rng.random() < 0.6:
        ptype = payload_type or rng.choice(reference.PAYLOAD_TYPES)
        doc["payload"] = {"type": ptype, "data": value(rng, payload_root(ptype), fill=fill)}
        doc["operation"] = ptype.rpartition(".")[0]
    else:
        op = operation(rng)
        doc["operation"] = op
        doc["payload"] = {"type": f"{op}.v{rng.randint(0, 12)}", "data": freeform_object(rng)}
    ex = doc.get("execution")
    if isinstance(ex, dict):
        attempt, most = ex.get("attempt", 1), ex.get("max_attempts", 1)
        if attempt > most:
            if "max_attempts" in ex:
                ex["attempt"], ex["max_attempts"] = most, attempt
            else:
                ex["max_attempts"] = attempt
        if ex.get("timeout_seconds", 0) > 86400:
            ex["timeout_seconds"] = _integer(rng, 1, 86400)
        if isinstance(ex.get("deadline"), str):
            ex["deadline"] = timestamp(rng, (2031, 2099))
    cons = doc.get("constraints")
    if isinstance(cons, dict) and isinstance(cons.get("maximum_disk_size_gb"), int):
        cons["maximum_disk_size_gb"] = _integer(rng, 0, 100000)


def _fix_result(rng: random.Random, doc: dict[str, Json], fill: float, payload_type: str | None) -> None:
    status = doc["status"]
    if status == "failed":
        if doc.get("error") is None:
            doc["error"] = {"code": text(rng), "message": text(rng), "recoverable": False, "retry_recommended": True}
        if doc.get("failed_at") is None:
            doc["failed_at"] = timestamp(rng)
    elif status == "completed":
        if doc.get("completed_at") is None:
            doc["completed_at"] = timestamp(rng)
        if doc.get("error") is not None:
            if rng.random() < 0.5:
                del doc["error"]
            else:
                doc["error"] = None


def _fix_worker(rng: random.Random, doc: dict[str, Json], fill: float, payload_type: str | None) -> None:
    res, status = doc["resources"], doc["status"]
    if status["current_jobs"] > res["max_concurrent_jobs"]:
        status["current_jobs"] = rng.randint(0, res["max_concurrent_jobs"])


_FIXES: dict[str, Callable[[random.Random, dict[str, Json], float, str | None], None]] = {
    "job": _fix_job,
    "result": _fix_result,
    "worker": _fix_worker,
}


def document(kind: str, rng: random.Random, fill: float = 0.5, payload_type: str | None = None) -> dict[str, Json]:
    """A random document of ``kind``, valid at every level and with no warning.

    ``fill`` is the chance that each optional member is present; ``payload_type`` (jobs) forces a known
    payload, so that a mutation aimed at one of its rules finds its member.
    """
    doc = value(rng, kind_root(kind), fill=fill)
    assert isinstance(doc, dict)  # a kind's root schema is an object
    fix = _FIXES.get(kind)
    if fix is not None:
        fix(rng, doc, fill, payload_type)
    return doc


def minimal_value(node: SNode | None) -> Json:
    """The smallest valid value of a member (None inside free-form data, where anything goes)."""
    if node is None or node.types is None:
        return None
    s = node.schema
    t = "null" if "null" in node.types else node.types[0]
    if t == "null":
        return None
    if t == "boolean":
        return False
    if t == "integer":
        return s.get("minimum", 0)
    if t == "string":
        if "const" in s:
            return s["const"]
        if "enum" in s:
            return s["enum"][0]
        if s.get("format") == "date-time":
            return "2000-01-01T00:00:00Z"
        if s.get("x-path"):
            return "/a"
        if s.get("pattern") == _CHECKSUM:
            return "0" * 64
        if s.get("pattern") == _OPERATION:
            return "a.a"
        if s.get("pattern") == _PAYLOAD_TYPE:
            return "a.a.v0"
        if node.rule == "core.constraints.minimum_worker_version":
            return "0.0.0"
        return "a" * s.get("minLength", 0)
    if t == "array":
        return [minimal_value(node.items) for _ in range(s.get("minItems", 0))]
    if t == "object":
        return {name: minimal_value(node.props.get(name)) for name in node.required}
    raise ValueError(f"type={t!r}: no minimal value")


def minimal(kind: str) -> dict[str, Json]:
    """The smallest valid document of ``kind`` (what a shrunk finding is measured against)."""
    doc = minimal_value(kind_root(kind))
    assert isinstance(doc, dict)  # a kind's root schema is an object
    if kind == "job":
        doc["payload"] = {"type": "a.a.v0", "data": {}}
    return doc
