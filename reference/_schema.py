"""Loading the published JSON Schemas, and compiling them into fast checking functions.

The schema files are the single source of structural truth. Rather than interpret them for every document,
this module compiles the subset of JSON Schema they use into closures, once, the way fastjsonschema does;
unlike a generic validator it attributes every error to the SPEC rule that the subschema names in its
``x-rule`` annotation, and it knows the protocol's annotations:

* ``x-width`` (u8, u32, u64): an integer outside the width breaks ``parse.integer.width``;
* ``x-path``: a path-like string (``payload.path``, ``payload.path.absolute``);
* ``format: date-time``: a timestamp (``timestamp.valid``, ``timestamp.strict``);
* ``x-inner-rule``: the rule for a missing member of this object (an image's path or format).

The compiler reads ``$ref``, ``x-rule`` and ``type`` itself; every other keyword is one function of the
keyword table, :data:`reference._keywords.KEYWORDS`. A keyword it does not know is a compile error, never
silently unchecked.

A test proves the compiled checks agree with python-jsonschema on every corpus document.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from ._issues import IssueSink, Path, describe
from ._keywords import ANNOTATIONS, COMPANIONS, JSON_TYPE, KEYWORDS, STRUCTURE, Check, Context, Pred
from ._numbers import BigNumber, DuplicateMembers, FloatLiteral, IntLiteral
from ._pointer import resolve_pointer
from ._rules import RULES

SCHEMA_FILES = {
    "job": "job-v1.json",
    "result": "result-v1.json",
    "progress": "progress-v1.json",
    "worker": "worker-v1.json",
}
PAYLOAD_TYPES = (
    "guestkit.inspect.v1",
    "guestkit.profile.v1",
    "guestkit.fix.v1",
    "guestkit.convert.v1",
    "guestkit.compare.v1",
)


def _read(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        resources.files("reference").joinpath("schemas", name).read_text(encoding="utf-8")
    )
    return loaded


@cache
def schema(kind: str) -> dict[str, Any]:
    """The published JSON Schema of a document kind (``job``, ``result``, ``progress``, ``worker``)."""
    if kind not in SCHEMA_FILES:
        raise ValueError(f"kind={kind!r} is not a document kind; expected one of {', '.join(SCHEMA_FILES)}")
    return _read(SCHEMA_FILES[kind])


@cache
def payload_schema(payload_type: str) -> dict[str, Any]:
    """The published JSON Schema of ``payload.data`` for a known payload type."""
    if payload_type not in PAYLOAD_TYPES:
        raise ValueError(f"payload_type={payload_type!r} is not a known payload type")
    return _read(f"payloads/{payload_type}.json")


def _type_name(types: tuple[str, ...]) -> str:
    return " or ".join(repr(t) for t in types)


def compile_schema(node: dict[str, Any], root: dict[str, Any], rule: str | None = None) -> Check:
    """Compile one (sub)schema into a check. ``rule`` is the enclosing subschema's rule."""
    if "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"$ref={ref!r}: only local references are supported")
        target = resolve_pointer(root, ref[1:])
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return compile_schema(merged, root, rule)
    rule = node.get("x-rule", rule)
    if rule is None:
        raise ValueError(f"a subschema has no x-rule and no enclosing one: {sorted(node)}")
    if rule not in RULES:
        raise ValueError(f"x-rule={rule!r} is not a rule id of the rule table")
    _known_keywords(node, rule)
    this_rule: str = rule
    ctx = Context(node, this_rule, lambda sub: compile_schema(sub, root, this_rule))
    by_type: dict[str, list[Check]] = {}
    by_type_pred: dict[str, list[Pred | None]] = {}
    for keyword, compile_keyword in KEYWORDS.items():
        if keyword in node:
            part = compile_keyword(node[keyword], ctx)
            if part is not None:
                by_type.setdefault(part.json_type, []).append(part.check)
                by_type_pred.setdefault(part.json_type, []).append(part.pred)
    raw_types = node.get("type")
    types: tuple[str, ...] | None = (
        (raw_types,) if isinstance(raw_types, str) else tuple(raw_types) if raw_types else None
    )
    checks = {t: tuple(cs) for t, cs in by_type.items()}
    preds = {t: _all(ps) for t, ps in by_type_pred.items()}
    if types is not None and "integer" in types:
        checks.setdefault("integer", ())
    return _typed(types, checks, preds, rule)


def _known_keywords(node: dict[str, Any], rule: str) -> None:
    """Refuse a keyword the compiler has no function for: a schema edit must not go silently unchecked."""
    for keyword in node:
        if keyword in KEYWORDS or keyword in STRUCTURE or keyword in ANNOTATIONS:
            continue
        lead = COMPANIONS.get(keyword)
        if lead is None:
            raise ValueError(
                f"keyword {keyword!r} (in a subschema of rule {rule!r}) has no compile function: "
                "add one to reference._keywords.KEYWORDS"
            )
        if lead not in node:
            raise ValueError(f"keyword {keyword!r} is read only beside {lead!r}, which this subschema lacks")


def _all(preds: list[Pred | None]) -> Pred | None:
    """One predicate true when all are, or None when any check has no predicate."""
    if any(p is None for p in preds):
        return None
    chosen = tuple(p for p in preds if p is not None)
    if len(chosen) == 1:
        return chosen[0]
    if len(chosen) == 2:  # an object's required and properties, a string's pattern and length: the usual pair
        first, second = chosen
        return lambda v: bool(first(v)) and bool(second(v))
    return lambda v: all(p(v) for p in chosen)


#: The Python types of each JSON type, as the parser produces them (a duplicate-member object never reaches
#: the structural layer, but a mapping given directly might be any dict).
PY_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict, DuplicateMembers),
    "array": (list,),
    "string": (str,),
    "integer": (int, IntLiteral, BigNumber),
    "number": (float, FloatLiteral, int, IntLiteral, BigNumber),
    "boolean": (bool,),
    "null": (type(None),),
}


def _typed(
    types: tuple[str, ...] | None,
    checks: dict[str, tuple[Check, ...]],
    preds: dict[str, Pred | None],
    rule: str,
) -> Check:
    wanted = frozenset(types) if types else frozenset(PY_TYPES)
    expected = _type_name(types) if types else ""
    integral = "integer" in wanted and "number" not in wanted
    # Dispatch on the Python type once: type -> the checks of its JSON type (an empty tuple: nothing more).
    by_py: dict[type, tuple[Check, ...]] = {}
    #: Python type -> None (no check needed) or a predicate whose truth means no check finds anything.
    fast: dict[type, Pred | None] = {}
    for json_type in wanted:
        for py in PY_TYPES[json_type]:
            json_of_py = JSON_TYPE[py] if JSON_TYPE[py] in wanted else json_type
            by_py[py] = checks.get(json_of_py, ())
            if not by_py[py]:
                fast[py] = None
            elif preds.get(json_of_py) is not None and py is not BigNumber:
                fast[py] = preds[json_of_py]

    def check(v: Any, p: Path, e: IssueSink, w: IssueSink) -> None:
        cs = by_py.get(type(v))
        if cs is None:
            if integral and isinstance(v, float):
                e.add(
                    "parse.integer.literal",
                    p,
                    f"{describe(v)} is not an integer literal: an integer member takes no fraction or exponent",
                )
            else:
                e.add(rule, p, f"{describe(v)} is not of type {expected}")
            return
        for c in cs:
            c(v, p, e, w)

    check.fast = fast  # type: ignore[attr-defined]  # the predicates ride on the check; _keywords reads them back
    return check


@cache
def compiled(kind: str) -> Check:
    """The compiled structural check of a document kind."""
    root = schema(kind)
    return compile_schema(root, root, "parse.top-level-object")


@cache
def compiled_payload(payload_type: str) -> Check:
    root = payload_schema(payload_type)
    return compile_schema(root, root, "core.payload.data")
