"""The valid document's path: each schema compiled into one Python function that says whether a value passes.

:mod:`._schema` compiles a schema into checks that find every error, with its pointer and rule. Most
documents have none, and for them the question is only *whether* they pass; this module answers it the way
fastjsonschema does, with one generated function per schema in which the members are read by name, the
types tested inline and the nested objects, arrays and maps walked in place — no path built, no sink, no
call per member. The leaves keep their one definition: a string's, an integer's or a timestamp's test is
the fast predicate of its keyword's :class:`~._keywords.Part` (a keyword without one makes the function say
no for that type), and the types a subschema admits are those :func:`~._schema._typed` dispatches on.

A function's true means the compiled check finds nothing; its false only means the check must run (it may
still find nothing: a ``BigNumber`` under ``x-width`` is left to the check). ``tests/reference/
test_fast_path.py`` holds the two to the same verdicts on the corpus and on generated documents.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from ._keywords import JSON_TYPE, KEYWORDS, Context
from ._numbers import BigNumber
from ._pointer import resolve_pointer
from ._schema import PY_TYPES, payload_schema, schema

#: The order of the type tests: the types a document holds most first.
_ORDER = ("object", "string", "integer", "null", "boolean", "array", "number")
#: Keywords whose walk is written out here; every other keyword contributes its Part's predicate.
_CONTAINERS = frozenset({"required", "properties", "additionalProperties", "items"})

Passes = Callable[[Any], bool]


class _Descends(Exception):
    """A keyword asked to compile a subschema below it: one whose walk is not written out here."""


def _no_descend(sub: dict[str, Any]) -> Any:
    raise _Descends


class _Writer:
    """Writes one function's source; the objects it calls are bound to names in ``namespace``."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {"_MISSING": object()}
        self.names: dict[int, str] = {}
        self.count = 0

    def bind(self, obj: Any) -> str:
        name = self.names.get(id(obj))
        if name is None:
            name = self.names[id(obj)] = f"_c{len(self.names)}"
            self.namespace[name] = obj
        return name

    def fresh(self, stem: str) -> str:
        self.count += 1
        return f"{stem}{self.count}"

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def node(self, node: dict[str, Any], rule: str | None, var: str, indent: int) -> None:
        """Statements that ``return False`` unless ``var`` passes ``node`` (and fall through when it does)."""
        if "$ref" in node:
            target = resolve_pointer(self.root, node["$ref"][1:])
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        rule = node.get("x-rule", rule)
        ctx = Context(node, rule or "", _no_descend)
        # JSON type -> the conditions on a value of that type; None: a check there has no predicate.
        conds: dict[str, list[str] | None] = {}
        for keyword in KEYWORDS:
            if keyword not in node or keyword in _CONTAINERS:
                continue
            try:
                part = KEYWORDS[keyword](node[keyword], ctx)
            except _Descends:  # a keyword added to the table that walks below its subschema: left to the checks
                self.emit(indent, "return False")
                return
            if part is None:
                continue
            known = conds.setdefault(part.json_type, [])
            if part.pred is None or known is None:
                conds[part.json_type] = None
            else:
                known.append(f"{self.bind(part.pred)}({var})")
        if node.get("required"):
            conds.setdefault("object", [])
            listed = conds["object"]
            if listed is not None:
                listed.append(f"{var}.keys() >= {self.bind(frozenset(node['required']))}")
        walks: dict[str, bool] = {
            "object": "properties" in node or isinstance(node.get("additionalProperties"), dict),
            "array": "items" in node,
        }

        raw = node.get("type")
        types: tuple[str, ...] | None = (raw,) if isinstance(raw, str) else tuple(raw) if raw else None
        wanted = frozenset(types) if types else frozenset(PY_TYPES)
        # Python type -> the JSON type whose checks it gets (as _schema._typed dispatches).
        groups: dict[str, list[type]] = {}
        for json_type in sorted(wanted, key=_ORDER.index):
            for py in PY_TYPES[json_type]:
                groups.setdefault(JSON_TYPE[py] if JSON_TYPE[py] in wanted else json_type, []).append(py)
        t = self.fresh("t")
        self.emit(indent, f"{t} = type({var})")
        bare: list[type] = []
        first = True
        for json_type, pys in groups.items():
            cond = conds.get(json_type, [])
            if cond == [] and not walks.get(json_type):
                bare.extend(pys)  # a type test alone
                continue
            tests = " or ".join(f"{t} is {self.bind(py)}" for py in pys if py is not BigNumber)
            if not tests:  # a BigNumber is always left to the check (see _typed)
                continue
            self.emit(indent, f"{'if' if first else 'elif'} {tests}:")
            first = False
            if cond is None:
                self.emit(indent + 1, "return False")
                continue
            start = len(self.lines)
            conditions = [c for c in cond if c]
            if conditions:
                self.emit(indent + 1, f"if not ({' and '.join(conditions)}):")
                self.emit(indent + 2, "return False")
            if json_type == "object" and walks["object"]:
                self.members(node, rule, var, indent + 1)
            elif json_type == "array" and walks["array"]:
                item = self.fresh("i")
                self.emit(indent + 1, f"for {item} in {var}:")
                self.node(node["items"], rule, item, indent + 2)
            if len(self.lines) == start:
                self.emit(indent + 1, "pass")
        if bare:
            test = f"{t} in {self.bind(frozenset(bare))}"
            if len(bare) <= 2:
                test = " or ".join(f"{t} is {self.bind(py)}" for py in bare)
            self.emit(indent, f"{'if' if first else 'elif'} {test}:")
            self.emit(indent + 1, "pass")
            first = False
        if first:
            self.emit(indent, "return False")
        else:
            self.emit(indent, "else:")
            self.emit(indent + 1, "return False")

    def members(self, node: dict[str, Any], rule: str | None, var: str, indent: int) -> None:
        """The members of an object: each named one against its subschema, the others against
        ``additionalProperties`` when that is a schema (``true``, ``false`` and absent check nothing)."""
        props: dict[str, Any] = node.get("properties", {})
        extra = node.get("additionalProperties")
        for name, sub in props.items():
            member = self.fresh("m")
            self.emit(indent, f"{member} = {var}.get({name!r}, _MISSING)")
            self.emit(indent, f"if {member} is not _MISSING:")
            self.node(sub, rule, member, indent + 1)
        if isinstance(extra, dict):
            key, member = self.fresh("k"), self.fresh("m")
            if props:
                self.emit(indent, f"for {key}, {member} in {var}.items():")
                self.emit(indent + 1, f"if {key} not in {self.bind(frozenset(props))}:")
                self.node(extra, rule, member, indent + 2)
            else:
                self.emit(indent, f"for {member} in {var}.values():")
                self.node(extra, rule, member, indent + 1)

    def function(self, rule: str) -> Passes:
        self.lines = ["def passes(v0):"]
        self.node(self.root, rule, "v0", 1)
        self.emit(1, "return True")
        source = "\n".join(self.lines) + "\n"
        exec(compile(source, f"<passes {self.root.get('$id', 'schema')}>", "exec"), self.namespace)
        fn: Passes = self.namespace["passes"]
        fn.source = source  # type: ignore[attr-defined]  # for a reader (and a test) to see what was written
        return fn


@cache
def passes(kind: str) -> Passes:
    """Whether a value passes the structural checks of ``kind`` (true: they find nothing)."""
    return _Writer(schema(kind)).function("parse.top-level-object")


@cache
def passes_payload(payload_type: str) -> Passes:
    """Whether a value passes the checks of ``payload.data`` for a known payload type."""
    return _Writer(payload_schema(payload_type)).function("core.payload.data")
