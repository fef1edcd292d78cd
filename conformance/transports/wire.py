"""The adapter protocol's messages, checked against ``conformance/schemas/*.json`` on every send and receive.

The schemas are the contract (conformance/ADAPTER.md); this module compiles the small subset of JSON Schema
they use into closures once, because the persistent transport checks two messages per case and a general
validator (~25 µs a message) would cost more than the rest of the harness together. ``tests/harness``
checks that the closures agree with ``jsonschema`` on the same schemas.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

#: The message names: one schema file each.
MESSAGES = (
    "start-request",
    "start-reply",
    "validate-request",
    "validate-reply",
    "roundtrip-request",
    "roundtrip-reply",
    "match-request",
    "match-reply",
    "stop-request",
)

#: A compiled check: the first error as text (``at /errors/0: ...``), or None when the value conforms.
Check = Callable[[Any, str], "str | None"]

#: JSON type -> the Python types json.loads gives it (bool is not an integer: ``type(v)``, not isinstance).
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}
_KNOWN = {
    "$schema", "$id", "$defs", "title", "description", "type", "const", "enum", "required", "properties",
    "additionalProperties", "items", "minimum", "minLength", "pattern", "oneOf", "anyOf", "$ref",
}  # fmt: skip


class SchemaError(Exception):
    """A wire schema uses a keyword this compiler does not know (a bug in the suite, caught by its tests)."""


def load(name: str) -> dict[str, Any]:
    text = resources.files("conformance").joinpath("schemas", f"{name}.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    if not isinstance(schema, dict):
        raise SchemaError(f"{name}.json is not a JSON object")
    return schema


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def compile_schema(node: dict[str, Any], root: dict[str, Any]) -> Check:
    unknown = set(node) - _KNOWN
    if unknown:
        raise SchemaError(f"{root.get('title')}: unsupported keywords {sorted(unknown)}")
    checks: list[Check] = []
    if "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/$defs/"):
            raise SchemaError(f"{root.get('title')}: only local $defs references are supported, not {ref!r}")
        name = ref.removeprefix("#/$defs/")
        cell: list[Check] = []

        def by_ref(v: Any, p: str) -> str | None:
            if not cell:
                cell.append(compile_schema(root["$defs"][name], root))
            return cell[0](v, p)

        checks.append(by_ref)
    if "type" in node:
        names = node["type"] if isinstance(node["type"], list) else [node["type"]]
        allowed = frozenset(t for n in names for t in _TYPES[n])
        want = " or ".join(names)
        checks.append(lambda v, p: None if type(v) in allowed else f"at {p or '/'}: {_short(v)} is not {want}")
    if "const" in node:
        c = node["const"]
        checks.append(lambda v, p: None if _same(v, c) else f"at {p or '/'}: {_short(v)} should be {_short(c)}")
    if "enum" in node:
        options = node["enum"]
        checks.append(
            lambda v, p: (
                None
                if any(_same(v, o) for o in options)
                else f"at {p or '/'}: {_short(v)} is not one of {_short(options)}"
            )
        )
    if "minimum" in node:
        lo = node["minimum"]
        checks.append(lambda v, p: f"at {p or '/'}: {v} is below {lo}" if type(v) in (int, float) and v < lo else None)
    if "minLength" in node:
        n = node["minLength"]
        checks.append(
            lambda v, p: f"at {p or '/'}: {_short(v)} is too short" if type(v) is str and len(v) < n else None
        )
    if "pattern" in node:
        rx = re.compile(node["pattern"])
        checks.append(
            lambda v, p: (
                f"at {p or '/'}: {_short(v)} does not match {rx.pattern}"
                if type(v) is str and not rx.search(v)
                else None
            )
        )
    if "required" in node:
        req = tuple(node["required"])
        checks.append(
            lambda v, p: (
                next((f"at {p or '/'}: {k!r} is a required member" for k in req if k not in v), None)
                if type(v) is dict
                else None
            )
        )
    if "properties" in node or "additionalProperties" in node:
        props = {k: compile_schema(s, root) for k, s in node.get("properties", {}).items()}
        extra = node.get("additionalProperties", True)
        extra_check = compile_schema(extra, root) if isinstance(extra, dict) else None

        def members(v: Any, p: str) -> str | None:
            if type(v) is not dict:
                return None
            for k, item in v.items():
                sub = props.get(k)
                if sub is None:
                    if extra is False:
                        return f"at {p or '/'}: unexpected member {k!r}"
                    sub = extra_check
                if sub is not None:
                    err = sub(item, f"{p}/{k}")
                    if err:
                        return err
            return None

        checks.append(members)
    if "items" in node:
        item_check = compile_schema(node["items"], root)

        def items(v: Any, p: str) -> str | None:
            if type(v) is list:
                for i, item in enumerate(v):
                    err = item_check(item, f"{p}/{i}")
                    if err:
                        return err
            return None

        checks.append(items)
    for word in ("oneOf", "anyOf"):
        if word in node:
            branches = [compile_schema(s, root) for s in node[word]]
            one = word == "oneOf"

            def choice(v: Any, p: str, branches: list[Check] = branches, one: bool = one) -> str | None:
                errs = [b(v, p) for b in branches]
                ok = errs.count(None)
                if ok == 1 or (ok > 1 and not one):
                    return None
                if ok > 1:
                    return f"at {p or '/'}: the message matches {ok} of the alternatives; it must match exactly one"
                # The deepest error says most; on a tie the first alternative (the answer) is the one meant.
                return min((e for e in errs if e), key=lambda e: (-e.count("/"), errs.index(e)))

            checks.append(choice)
    if len(checks) == 1:
        return checks[0]

    def all_of(v: Any, p: str) -> str | None:
        for c in checks:
            err = c(v, p)
            if err:
                return err
        return None

    return all_of


@cache
def checker(name: str) -> Callable[[Any], str | None]:
    """The compiled check of one message schema (compiled once per process)."""
    root = load(name)
    check = compile_schema(root, root)
    return lambda value: check(value, "")


def problem(name: str, value: Any) -> str | None:
    """Why ``value`` breaks the ``name`` message schema (``validate-reply.json: at /seq: ...``), or None."""
    err = checker(name)(value)
    return f"{name}.json: {err}" if err else None
