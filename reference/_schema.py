"""Loading the published JSON Schemas, and compiling them into fast checking functions.

The schema files are the single source of structural truth. Rather than interpret them for every document,
this module compiles the subset of JSON Schema they use into closures, once, the way fastjsonschema does;
unlike a generic validator it attributes every error to the SPEC rule that the subschema names in its
``x-rule`` annotation, and it knows the protocol's annotations:

* ``x-width`` (u8, u32, u64): an integer outside the width breaks ``parse.integer.width``;
* ``x-path``: a path-like string (``payload.path``, ``payload.path.absolute``);
* ``format: date-time``: a timestamp (``timestamp.valid``, ``timestamp.strict``);
* ``x-inner-rule``: the rule for a missing member of this object (an image's path or format).

A test proves the compiled checks agree with python-jsonschema on every corpus document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from ._issues import IssueSink, Path, describe
from ._parse import BigNumber, DuplicateMembers, FloatLiteral
from ._rules import RULES
from ._values import is_absolute_path, is_strict_timestamp, is_valid_strict_timestamp, path_fault, timestamp_fault

#: A compiled check: (value, its path, errors, warnings) -> None; adds what it finds. The path is lazy (see
#: :data:`~reference._issues.Path`): a child's is ``(parent's path, member name or index)``, rendered only when
#: an issue is kept.
Check = Callable[[Any, Path, IssueSink, IssueSink], None]
#: A fast predicate beside a check: true means the check would find nothing (false: run the check).
Pred = Callable[[Any], Any]
_SLOW: Any = object()

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
WIDTHS = {"u8": 255, "u32": 4294967295, "u64": 18446744073709551615}

JSON_TYPE: dict[type, str] = {
    dict: "object",
    DuplicateMembers: "object",
    list: "array",
    str: "string",
    int: "integer",
    float: "number",
    FloatLiteral: "number",
    bool: "boolean",
    type(None): "null",
    BigNumber: "integer",
}


def _read(name: str) -> dict[str, Any]:
    return json.loads(resources.files("reference").joinpath("schemas", name).read_text(encoding="utf-8"))


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


def _ecma(pattern: str) -> re.Pattern[str]:
    # ECMA-262 `$` (no multiline) matches only at the very end; Python's also before a final newline.
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


def compile_schema(node: dict[str, Any], root: dict[str, Any], rule: str | None = None) -> Check:
    """Compile one (sub)schema into a check. ``rule`` is the enclosing subschema's rule."""
    if "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"$ref={ref!r}: only local references are supported")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return compile_schema(merged, root, rule)
    rule = node.get("x-rule", rule)
    if rule is None:
        raise ValueError(f"a subschema has no x-rule and no enclosing one: {sorted(node)}")
    if rule not in RULES:
        raise ValueError(f"x-rule={rule!r} is not a rule id of the rule table")
    raw_types = node.get("type")
    types: tuple[str, ...] | None = (
        (raw_types,) if isinstance(raw_types, str) else tuple(raw_types) if raw_types else None
    )
    by_type: dict[str, list[Check]] = {}
    by_type_pred: dict[str, list[Pred | None]] = {}

    def add(json_type: str, check: Check, pred: Pred | None = None) -> None:
        """``pred(v)`` true means ``check`` would find nothing: the fast path for the common, valid case."""
        by_type.setdefault(json_type, []).append(check)
        by_type_pred.setdefault(json_type, []).append(pred)

    def err(errors: IssueSink, ptr: Path, message: str) -> None:
        errors.add(rule, ptr, message)  # type: ignore[arg-type]

    if "const" in node:
        const = node["const"]
        const_text = json.dumps(const)
        add(
            JSON_TYPE[type(const)],
            lambda v, p, e, w: None if v == const else err(e, p, f"{describe(v)} was expected to be {const_text}"),
            const.__eq__ if isinstance(const, str) else None,
        )
    if "enum" in node:
        allowed = node["enum"]
        allowed_set = frozenset(allowed)
        allowed_text = json.dumps(allowed)
        add(
            "string",
            lambda v, p, e, w: None if v in allowed_set else err(e, p, f"{describe(v)} is not one of {allowed_text}"),
            allowed_set.__contains__,
        )
    if "minLength" in node:
        n = node["minLength"]
        add(
            "string",
            lambda v, p, e, w: (
                None if len(v) >= n else err(e, p, f"{describe(v)} is too short: {len(v)} code points, at least {n}")
            ),
            lambda v: len(v) >= n,
        )
    if "pattern" in node:
        pattern = node["pattern"]
        rx = _ecma(pattern)
        pattern_text = json.dumps(pattern)
        add(
            "string",
            lambda v, p, e, w: None if rx.search(v) else err(e, p, f"{describe(v)} does not match {pattern_text}"),
            rx.search,
        )
    if node.get("format") == "date-time":
        add("string", _timestamp_check, is_valid_strict_timestamp)
    if node.get("x-path"):
        add("string", _path_check, _plain_absolute_path)
    _compile_integer(node, rule, add, err)
    if "minItems" in node:
        k = node["minItems"]
        add(
            "array",
            lambda v, p, e, w: None if len(v) >= k else err(e, p, f"{describe(v)} has {len(v)} items, at least {k}"),
            lambda v: len(v) >= k,
        )
    if "items" in node:
        item_check = compile_schema(node["items"], root, rule)

        def items(v: list[Any], p: Path, e: IssueSink, w: IssueSink) -> None:
            for i, item in enumerate(v):
                item_check(item, (p, i), e, w)

        add("array", items, _all_of_types(item_check, list.__iter__))
    _compile_object(node, root, rule, add, err)
    checks = {t: tuple(cs) for t, cs in by_type.items()}
    preds = {t: _all(ps) for t, ps in by_type_pred.items()}
    if types is not None and "integer" in types:
        checks.setdefault("integer", ())
    return _typed(types, checks, preds, rule)


def _all(preds: list[Pred | None]) -> Pred | None:
    """One predicate true when all are, or None when any check has no predicate."""
    if any(p is None for p in preds):
        return None
    if len(preds) == 1:
        return preds[0]
    chosen = tuple(p for p in preds if p is not None)
    return lambda v: all(p(v) for p in chosen)


#: The Python types of each JSON type, as the parser produces them (a duplicate-member object never reaches
#: the structural layer, but a mapping given directly might be any dict).
PY_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict, DuplicateMembers),
    "array": (list,),
    "string": (str,),
    "integer": (int, BigNumber),
    "number": (float, FloatLiteral, int, BigNumber),
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

    check.fast = fast  # type: ignore[attr-defined]
    return check


def _compile_integer(node: dict[str, Any], rule: str, add: Callable[..., None], err: Any) -> None:
    width = node.get("x-width")
    if width is None:
        return
    top = WIDTHS[width]
    lo, hi = node.get("minimum", 0), node.get("maximum", top)

    def integer(v: Any, p: Path, e: IssueSink, w: IssueSink) -> None:
        if type(v) is BigNumber or not 0 <= v <= top:
            e.add("parse.integer.width", p, f"{describe(v)} is outside the range of {width} (0..{top})")
        elif v < lo:
            err(e, p, f"{v} is less than the minimum of {lo}")
        elif v > hi:
            err(e, p, f"{v} is greater than the maximum of {hi}")

    add("integer", integer, lambda v: lo <= v <= hi and 0 <= v <= top)


def _compile_object(node: dict[str, Any], root: dict[str, Any], rule: str, add: Callable[..., None], err: Any) -> None:
    props = {name: compile_schema(sub, root, rule) for name, sub in node.get("properties", {}).items()}
    inner = node.get("x-inner-rule")
    required = tuple(
        (name, inner or node["properties"].get(name, {}).get("x-rule", rule)) for name in node.get("required", ())
    )
    extra = (
        compile_schema(node["additionalProperties"], root, rule)
        if isinstance(node.get("additionalProperties"), dict)
        else None
    )
    if not (props or required or extra):
        return

    # name -> (check, {Python type: None (nothing to check) or a predicate true when valid})
    table = {name: (check, getattr(check, "fast", {})) for name, check in props.items()}
    extra_fast: dict[type, Pred | None] = getattr(extra, "fast", {})

    required_names = frozenset(name for name, _ in required)

    def obj(v: dict[str, Any], p: Path, e: IssueSink, w: IssueSink) -> None:
        for name, name_rule in () if v.keys() >= required_names else required:
            if name not in v:
                e.add(name_rule, (p, name), f"{json.dumps(name)} is a required property")
        for name, value in v.items():
            known = table.get(name)
            if known is not None:
                fast = known[1].get(type(value), _SLOW)
                if fast is None or (fast is not _SLOW and fast(value)):
                    continue
                known[0](value, (p, name), e, w)
            elif extra is not None:
                fast = extra_fast.get(type(value), _SLOW)
                if fast is None or (fast is not _SLOW and fast(value)):
                    continue
                extra(value, (p, name), e, w)

    add("object", obj, _all_of_types(extra, dict.values) if extra is not None and not (props or required) else None)


def _timestamp_check(v: str, p: Path, e: IssueSink, w: IssueSink) -> None:
    fault = timestamp_fault(v)
    if fault is not None:
        e.add("timestamp.valid", p, f"{describe(v)} {fault}")
    elif not is_strict_timestamp(v):
        e.add(
            "timestamp.strict",
            p,
            f"{describe(v)} is not in the strict RFC 3339 form (T separator, Z or +HH:MM, zero-padded, no spaces)",
        )


def _plain_absolute_path(v: str) -> bool:
    """True for the common case that needs no closer look: absolute, no NUL, no `..` anywhere."""
    return v[:1] == "/" and "\x00" not in v and ".." not in v


def _all_of_types(check: Check, members: Callable[[Any], Any]) -> Pred | None:
    """A predicate for a container whose members need only a type test, or None."""
    fast: dict[type, Pred | None] = getattr(check, "fast", {})
    if not fast or any(p is not None for p in fast.values()):
        return None
    ok = frozenset(fast)
    return lambda v: all(type(x) in ok for x in members(v))


def _path_check(v: str, p: Path, e: IssueSink, w: IssueSink) -> None:
    if not v:
        return  # minLength reports it, under payload.path
    fault = path_fault(v)
    if fault is not None:
        e.add("payload.path", p, f"{describe(v)} {fault}")
    elif not is_absolute_path(v):
        e.add("payload.path.absolute", p, f"{describe(v)} is not an absolute path")


@cache
def compiled(kind: str) -> Check:
    """The compiled structural check of a document kind."""
    root = schema(kind)
    return compile_schema(root, root, "parse.top-level-object")


@cache
def compiled_payload(payload_type: str) -> Check:
    root = payload_schema(payload_type)
    return compile_schema(root, root, "core.payload.data")
