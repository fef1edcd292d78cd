"""One small compile function per JSON Schema keyword the published schemas use, and the table of them.

In the manner of python-jsonschema's ``_keywords.py``: :data:`KEYWORDS` maps a keyword to the function that
compiles it, and the schema compiler (:func:`~reference._schema.compile_schema`) calls the function of each
keyword a subschema holds. Adding a keyword is one function and one entry. A function takes the keyword's
value and the :class:`Context` of its subschema and returns one :class:`Part` (a check of the values of one
JSON type) or None when the value asks for nothing.

The table's order is the order the checks run in, and so the order of the errors a value gets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._issues import IssueSink, Path, describe
from ._numbers import BigNumber, DuplicateMembers, FloatLiteral, IntLiteral
from ._values import is_absolute_path, is_strict_timestamp, is_valid_strict_timestamp, path_fault, timestamp_fault

#: A compiled check: (value, its path, errors, warnings) -> None; adds what it finds. The path is lazy (see
#: :data:`~reference._issues.Path`): a child's is ``(parent's path, member name or index)``, rendered only when
#: an issue is kept.
Check = Callable[[Any, Path, IssueSink, IssueSink], None]
#: A fast predicate beside a check: true means the check would find nothing (false: run the check).
Pred = Callable[[Any], Any]

WIDTHS = {"u8": 255, "u32": 4294967295, "u64": 18446744073709551615}

#: The JSON type of each Python type the parser produces.
JSON_TYPE: dict[type, str] = {
    dict: "object",
    DuplicateMembers: "object",
    list: "array",
    str: "string",
    int: "integer",
    IntLiteral: "integer",
    float: "number",
    FloatLiteral: "number",
    bool: "boolean",
    type(None): "null",
    BigNumber: "integer",
}


@dataclass(frozen=True, slots=True)
class Part:
    """What one keyword adds to its subschema's check: ``check`` runs on values of ``json_type``; ``pred(v)``
    true means it would find nothing (the fast path for the common, valid case), None that it must run."""

    json_type: str
    check: Check
    pred: Pred | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """What a keyword's function sees beside its own value: its subschema (for the keywords it reads
    alongside), the subschema's rule, and how to compile a subschema below it."""

    node: dict[str, Any]
    rule: str
    #: Compiles a subschema below this one, under this one's rule unless the subschema names its own.
    descend: Callable[[dict[str, Any]], Check]

    def error(self, errors: IssueSink, path: Path, message: str) -> None:
        """Report a broken keyword: an error of the subschema's rule."""
        errors.add(self.rule, path, message)


#: A keyword's compile function: (the keyword's value, its subschema's context) -> what it checks, or None.
Keyword = Callable[[Any, Context], Part | None]

#: A marker: no fast predicate is known for this Python type (run the check).
_SLOW: Any = object()


def const(value: Any, ctx: Context) -> Part:
    text = json.dumps(value)
    return Part(
        JSON_TYPE[type(value)],
        lambda v, p, e, w: None if v == value else ctx.error(e, p, f"{describe(v)} was expected to be {text}"),
        value.__eq__ if isinstance(value, str) else None,
    )


def enum(value: list[Any], ctx: Context) -> Part:
    allowed = frozenset(value)
    text = json.dumps(value)
    return Part(
        "string",
        lambda v, p, e, w: None if v in allowed else ctx.error(e, p, f"{describe(v)} is not one of {text}"),
        allowed.__contains__,
    )


def min_length(n: int, ctx: Context) -> Part:
    return Part(
        "string",
        lambda v, p, e, w: (
            None if len(v) >= n else ctx.error(e, p, f"{describe(v)} is too short: {len(v)} code points, at least {n}")
        ),
        lambda v: len(v) >= n,
    )


def _ecma(pattern: str) -> re.Pattern[str]:
    # ECMA-262 `$` (no multiline) matches only at the very end; Python's also before a final newline.
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


def pattern(value: str, ctx: Context) -> Part:
    rx = _ecma(value)
    text = json.dumps(value)
    return Part(
        "string",
        lambda v, p, e, w: None if rx.search(v) else ctx.error(e, p, f"{describe(v)} does not match {text}"),
        rx.search,
    )


def format_(value: str, ctx: Context) -> Part | None:
    """``date-time`` is a timestamp (``timestamp.valid``, ``timestamp.strict``); other formats only annotate."""
    if value != "date-time":
        return None
    return Part("string", _timestamp_check, is_valid_strict_timestamp)


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


def x_path(value: bool, ctx: Context) -> Part | None:
    """A path-like string: no NUL, no ``..`` segment (``payload.path``), absolute (``payload.path.absolute``)."""
    if not value:
        return None
    return Part("string", _path_check, _plain_absolute_path)


def _plain_absolute_path(v: str) -> bool:
    """True for the common case that needs no closer look: absolute, no NUL, no `..` anywhere."""
    return v[:1] == "/" and "\x00" not in v and ".." not in v


def _path_check(v: str, p: Path, e: IssueSink, w: IssueSink) -> None:
    if not v:
        return  # minLength reports it, under payload.path
    fault = path_fault(v)
    if fault is not None:
        e.add("payload.path", p, f"{describe(v)} {fault}")
    elif not is_absolute_path(v):
        e.add("payload.path.absolute", p, f"{describe(v)} is not an absolute path")


def x_width(width: str, ctx: Context) -> Part:
    """An unsigned integer of ``width`` (``parse.integer.width``), then ``minimum`` and ``maximum`` within it
    (the subschema's rule): one bad integer is one error."""
    top = WIDTHS[width]
    lo, hi = ctx.node.get("minimum", 0), ctx.node.get("maximum", top)

    def integer(v: Any, p: Path, e: IssueSink, w: IssueSink) -> None:
        if type(v) is BigNumber or not 0 <= v <= top:
            e.add("parse.integer.width", p, f"{describe(v)} is outside the range of {width} (0..{top})")
        elif v < lo:
            ctx.error(e, p, f"{v} is less than the minimum of {lo}")
        elif v > hi:
            ctx.error(e, p, f"{v} is greater than the maximum of {hi}")

    return Part("integer", integer, lambda v: lo <= v <= hi and 0 <= v <= top)


def min_items(k: int, ctx: Context) -> Part:
    return Part(
        "array",
        lambda v, p, e, w: None if len(v) >= k else ctx.error(e, p, f"{describe(v)} has {len(v)} items, at least {k}"),
        lambda v: len(v) >= k,
    )


def items(value: dict[str, Any], ctx: Context) -> Part:
    item_check = ctx.descend(value)

    def check(v: list[Any], p: Path, e: IssueSink, w: IssueSink) -> None:
        for i, item in enumerate(v):
            item_check(item, (p, i), e, w)

    return Part("array", check, _all_pass(item_check, list.__iter__))


def required(names: list[str], ctx: Context) -> Part | None:
    """A missing member is reported at its own pointer, under its own rule (its property's ``x-rule``), or
    under ``x-inner-rule`` when the object names one for all its members."""
    if not names:
        return None
    inner = ctx.node.get("x-inner-rule")
    props = ctx.node.get("properties", {})
    rules = tuple((name, inner or props.get(name, {}).get("x-rule", ctx.rule)) for name in names)
    wanted = frozenset(names)

    def check(v: dict[str, Any], p: Path, e: IssueSink, w: IssueSink) -> None:
        if v.keys() >= wanted:
            return
        for name, rule in rules:
            if name not in v:
                e.add(rule, (p, name), f"{json.dumps(name)} is a required property")

    return Part("object", check, lambda v: v.keys() >= wanted)


def properties(value: dict[str, Any], ctx: Context) -> Part | None:
    """Each named member against its subschema, and each other member against ``additionalProperties`` when
    that is a schema: one walk over the members, so that their errors come in the document's order."""
    # name -> (check, {Python type: None (nothing to check) or a predicate true when valid})
    table = {name: (check, getattr(check, "fast", {})) for name, check in _compiled(value, ctx)}
    extra = _additional(ctx)
    if not (table or extra):
        return None
    extra_fast: dict[type, Pred | None] = getattr(extra, "fast", {})

    def check(v: dict[str, Any], p: Path, e: IssueSink, w: IssueSink) -> None:
        for name, member in v.items():
            known = table.get(name)
            if known is not None:
                fast = known[1].get(type(member), _SLOW)
                if fast is None or (fast is not _SLOW and fast(member)):
                    continue
                known[0](member, (p, name), e, w)
            elif extra is not None:
                fast = extra_fast.get(type(member), _SLOW)
                if fast is None or (fast is not _SLOW and fast(member)):
                    continue
                extra(member, (p, name), e, w)

    fasts = {name: fast for name, (_check, fast) in table.items()}

    def passes(v: dict[str, Any]) -> bool:
        """The same walk without paths or sinks: true when every member passes its fast predicate."""
        for name, member in v.items():
            fast = fasts.get(name)
            if fast is None:
                if extra is None:
                    continue
                fast = extra_fast
            pred = fast.get(type(member), _SLOW)
            if pred is None:
                continue
            if pred is _SLOW or not pred(member):
                return False
        return True

    return Part("object", check, passes)


def _compiled(props: dict[str, Any], ctx: Context) -> list[tuple[str, Check]]:
    return [(name, ctx.descend(sub)) for name, sub in props.items()]


def _additional(ctx: Context) -> Check | None:
    """The compiled ``additionalProperties`` schema, or None (``false`` and ``true`` check nothing: the protocol
    accepts unknown members everywhere, ``core.unknown-members``)."""
    sub = ctx.node.get("additionalProperties")
    return ctx.descend(sub) if isinstance(sub, dict) else None


def additional_properties(value: Any, ctx: Context) -> Part | None:
    """Every member against one schema (a map such as ``labels``); beside ``properties``, that keyword's walk
    checks the other members (see :func:`properties`)."""
    if "properties" in ctx.node:
        return None
    extra = _additional(ctx)
    if extra is None:
        return None
    extra_fast: dict[type, Pred | None] = getattr(extra, "fast", {})

    def check(v: dict[str, Any], p: Path, e: IssueSink, w: IssueSink) -> None:
        for name, member in v.items():
            fast = extra_fast.get(type(member), _SLOW)
            if fast is None or (fast is not _SLOW and fast(member)):
                continue
            extra(member, (p, name), e, w)

    return Part("object", check, _all_pass(extra, dict.values))


def _all_pass(check: Check, members: Callable[[Any], Any]) -> Pred | None:
    """A predicate for a container: true when each of its members passes ``check``'s fast predicate of its
    type (a type test alone where the type needs nothing more). None when ``check`` has no fast predicate."""
    fast: dict[type, Pred | None] = getattr(check, "fast", {})
    if not fast:
        return None
    if all(p is None for p in fast.values()):
        ok = frozenset(fast)
        return lambda v: all(type(x) in ok for x in members(v))

    def passes(v: Any) -> bool:
        for x in members(v):
            pred = fast.get(type(x), _SLOW)
            if pred is None:
                continue
            if pred is _SLOW or not pred(x):
                return False
        return True

    return passes


#: keyword -> its compile function, in the order the checks run (and their errors come).
KEYWORDS: dict[str, Keyword] = {
    "const": const,
    "enum": enum,
    "minLength": min_length,
    "pattern": pattern,
    "format": format_,
    "x-path": x_path,
    "x-width": x_width,
    "minItems": min_items,
    "items": items,
    "required": required,
    "properties": properties,
    "additionalProperties": additional_properties,
}

#: Keywords read by another keyword's function, each with that keyword (which must be beside it).
COMPANIONS = {"minimum": "x-width", "maximum": "x-width", "x-inner-rule": "required"}

#: Keywords the compiler itself reads (``type``: the dispatch; ``x-rule``: the rule of every error below;
#: ``$ref``: a local reference), and annotations that check nothing.
STRUCTURE = frozenset({"type", "x-rule", "$ref"})
ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"})
