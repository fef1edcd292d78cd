"""The schema files as a tree of small nodes the generators, mutators and shrinker walk.

Each node carries the SPEC rule it answers to, resolved the way the reference's compiler resolves it
(``x-rule``, inherited from the enclosing subschema; ``x-inner-rule`` for a missing member), so a label the
fuzzer computes from the schema is independent of the validator's verdict and can be checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import reference

WIDTHS = {"u8": 255, "u32": 4294967295, "u64": 18446744073709551615}


@dataclass(eq=False)
class SNode:
    """One resolved subschema. ``types`` None means any JSON value (free-form data)."""

    schema: dict[str, Any]
    rule: str
    types: tuple[str, ...] | None
    props: dict[str, SNode] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    #: The rule reported when a required member is missing, per member.
    missing_rule: dict[str, str] = field(default_factory=dict)
    extra: SNode | None = None
    items: SNode | None = None

    @property
    def freeform_object(self) -> bool:
        """An object the protocol leaves open (``payload.data`` of an unknown type, ``details``)."""
        return self.types is not None and "object" in self.types and not self.props and self.extra is None

    @property
    def integer_bounds(self) -> tuple[int, int, int] | None:
        """(minimum, maximum, width top) of an integer member, or None."""
        width = self.schema.get("x-width")
        if width is None:
            return None
        top = WIDTHS[width]
        return self.schema.get("minimum", 0), self.schema.get("maximum", top), top


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in node:
        return node
    target: Any = root
    for part in node["$ref"][2:].split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return {**_resolve(target, root), **{k: v for k, v in node.items() if k != "$ref"}}


def build(raw: dict[str, Any], root: dict[str, Any], rule: str) -> SNode:
    node = _resolve(raw, root)
    rule = node.get("x-rule", rule)
    t = node.get("type")
    types = (t,) if isinstance(t, str) else tuple(t) if t else None
    out = SNode(node, rule, types)
    props = node.get("properties", {})
    out.props = {name: build(sub, root, rule) for name, sub in props.items()}
    out.required = tuple(node.get("required", ()))
    inner = node.get("x-inner-rule")
    out.missing_rule = {n: inner or props.get(n, {}).get("x-rule", rule) for n in out.required}
    if isinstance(node.get("additionalProperties"), dict):
        out.extra = build(node["additionalProperties"], root, rule)
    if "items" in node:
        out.items = build(node["items"], root, rule)
    return out


@cache
def kind_root(kind: str) -> SNode:
    root = reference.schema(kind)
    return build(root, root, "parse.top-level-object")


@cache
def payload_root(payload_type: str) -> SNode:
    root = reference.payload_schema(payload_type)
    return build(root, root, "core.payload.data")


def node_at(kind: str, doc: Any, path: tuple[Any, ...]) -> SNode | None:
    """The schema node governing the value at ``path`` of ``doc`` (None inside free-form data)."""
    node: SNode | None = kind_root(kind)
    cur = doc
    for i, step in enumerate(path):
        if node is None:
            return None
        if isinstance(step, int):
            node = node.items
        else:
            nxt = node.props.get(step)
            if nxt is None:
                nxt = node.extra
            node = nxt
        if kind == "job" and path[: i + 1] == ("payload", "data") and isinstance(cur, dict):
            ptype = cur.get("type")
            if ptype in reference.PAYLOAD_TYPES:
                node = payload_root(ptype)
        cur = cur[step] if isinstance(cur, (dict, list)) and _has(cur, step) else None
    return node


def _has(container: Any, step: Any) -> bool:
    if isinstance(container, dict):
        return step in container
    return isinstance(step, int) and 0 <= step < len(container)


def pointer(path: tuple[Any, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def rule_class(rule: str, kind: str) -> str:
    """The conformance class a case exercising ``rule`` in a document of ``kind`` belongs to."""
    from reference import KIND_CLASS

    klass = reference.RULES[rule].klass
    return KIND_CLASS[kind] if klass == "common" else klass


@cache
def payload_rules(payload_type: str) -> frozenset[str]:
    """The rules a mutation inside ``payload.data`` of this known type can break."""
    found = {"payload.unknown-members", "parse.integer.width", "parse.integer.literal"}
    stack = [payload_root(payload_type)]
    while stack:
        node = stack.pop()
        found.add(node.rule)
        found.update(node.missing_rule.values())
        if node.schema.get("x-path"):
            found.update(("payload.path", "payload.path.absolute"))
        stack.extend(node.props.values())
        stack.extend(n for n in (node.extra, node.items) if n is not None)
    return frozenset(r for r in found if r.startswith("payload."))
