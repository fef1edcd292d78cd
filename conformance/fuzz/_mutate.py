"""Labelled mutations: a valid document changed so that it breaks exactly one SPEC rule, named.

A mutation is planned from the schema (the rule comes from the schema's annotations and the SPEC, never
from the validator), applied to a copy of the document, and then confirmed: the reference must attribute
the result to exactly that rule (:func:`confirm`). Mutations that fail confirmation are discarded and
counted; the tests keep the discard rate low, which is how a drift between the schema annotations, this
module and the validator gets noticed.

Faults a parsed value cannot hold (``5.0`` for an integer, a duplicate member, a byte-order mark, invalid
UTF-8, NaN, trailing text) are carried as *raw* substitutions: the tree holds a sentinel string, and
rendering replaces its JSON text with the exact bytes. The shrinker works on the tree and keeps them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, Protocol

import reference

from . import _gen
from ._profiles import BAD_TIMESTAMPS, LENIENT_TIMESTAMPS, RELATIVE, TRAVERSALS, WRONG, Profile, profile
from ._schemas import SNode, kind_root, payload_root, pointer

Json = Any
Path = tuple[Any, ...]
_SENTINEL = "@@vmjob-raw-{}@@"


class RenderError(ValueError):
    """A mutant's raw substitution no longer has exactly one place in its text (the shrinker removed it)."""


@dataclass(frozen=True)
class Mutant:
    """One generated document: its tree, its raw substitutions, and the rule it exercises.

    ``rule`` is None for a plain valid document. ``expect`` is what the reference must say: ``invalid``
    (errors naming exactly ``rule``), ``valid`` (no error, no warning) or ``warning`` (valid, warnings
    naming exactly ``rule``).
    """

    kind: str
    tree: Json
    rule: str | None = None
    expect: str = "valid"
    operator: str = "valid"
    #: Where the fault is; the shrinker never removes this member or its ancestors.
    pin: Path = ()
    raw: tuple[tuple[str, bytes], ...] = ()
    prefix: bytes = b""
    suffix: bytes = b""
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def pointer(self) -> str:
        return pointer(self.pin)

    @property
    def valid(self) -> bool:
        return self.expect != "invalid"

    def render(self) -> bytes:
        data = json.dumps(self.tree, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
        for find, raw in self.raw:
            token = find.encode("utf-8")
            if data.count(token) != 1:
                raise RenderError(f"the raw substitution {find!r} is not in the document exactly once")
            data = data.replace(token, raw)
        return self.prefix + data + self.suffix


def confirm(m: Mutant, data: bytes | None = None) -> bool:
    """Whether the reference attributes ``m`` to exactly its label (for a plain document: valid, no warning)."""
    try:
        result = reference.validate(data if data is not None else m.render(), m.kind)
    except RenderError:
        return False
    return agrees(m, result)


#: The expectation of a look-alike whose side only the reference knows (a year 0000, a null where a rule of
#: consistency may apply, an integer at a machine width that may draw a warning): labelled by its verdict.
ANY = "any"


def labelled(m: Mutant, expected: reference.ValidationResult) -> Mutant:
    """``m`` labelled with what the reference says of it: the one rule of its errors (or, valid, of its warnings),
    or valid; left unlabelled (so discarded) when the errors or warnings name several rules."""
    issues = expected.errors or expected.warnings
    rules = {i.rule for i in issues}
    if len(rules) > 1:
        return m
    if not rules:
        return replace(m, expect="valid")
    return replace(m, rule=rules.pop(), expect="invalid" if expected.errors else "warning")


def agrees(m: Mutant, result: reference.ValidationResult) -> bool:
    if m.expect == "invalid":
        return bool(result.errors) and all(e.rule == m.rule for e in result.errors)
    if m.expect == "warning":
        return result.valid and bool(result.warnings) and all(w.rule == m.rule for w in result.warnings)
    return result.valid and not result.warnings


# --- tree helpers: copy only the spine that changes -----------------------------------------------------


def get(tree: Json, path: Path) -> Json:
    for step in path:
        tree = tree[step]
    return tree


def set_at(tree: Json, path: Path, new: Json) -> Json:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(tree, dict):
        out = dict(tree)
        out[head] = set_at(tree[head], rest, new) if rest else new
        return out
    lst = list(tree)
    lst[head] = set_at(tree[head], rest, new) if rest else new
    return lst


def delete_at(tree: Json, path: Path) -> Json:
    parent = get(tree, path[:-1])
    if isinstance(parent, dict):
        new = {k: v for k, v in parent.items() if k != path[-1]}
    else:
        new = parent[: path[-1]] + parent[path[-1] + 1 :]
    return set_at(tree, path[:-1], new)


# --- the mutation plans -----------------------------------------------------------------------------------


class Plan(NamedTuple):
    """A mutation that can be applied to one document: the rule it breaks and how.

    A named tuple, not a dataclass: a document admits about a hundred plans and few are applied, so making
    one is on every case's path (a frozen dataclass's ``__init__`` cost twice as much)."""

    rule: str
    operator: str
    path: Path
    apply: Callable[[random.Random], Mutant | None]


Site = tuple[Path, SNode | None, Json]
#: Adds a plan: ``plan(rule, operator, path, apply)``.
AddPlan = Callable[[str, str, Path, Callable[[random.Random], Mutant | None]], None]


class ValueMutant(Protocol):
    """The document with ``new`` at ``path``, labelled with ``rule``."""

    def __call__(self, rule: str, operator: str, path: Path, new: Json, expect: str = "invalid") -> Mutant: ...


class RawMutant(Protocol):
    """The document with the exact bytes ``raw`` at ``path``, labelled with ``rule``."""

    def __call__(self, rule: str, operator: str, path: Path, raw: bytes, expect: str = "invalid") -> Mutant: ...


def sites(kind: str, doc: Json) -> Iterator[Site]:
    """Every (path, schema node, value) of a document, outermost first."""
    stack: list[tuple[Path, SNode | None, Json]] = [((), kind_root(kind), doc)]
    job = kind == "job"
    while stack:
        path, node, v = stack.pop()
        yield path, node, v
        if node is None:
            continue
        if isinstance(v, dict):
            props, extra = node.props, node.extra
            # A job's payload.data: the schema of its known type, when it has one.
            known = job and path == ("payload",) and v.get("type") in reference.PAYLOAD_TYPES
            for k, child in v.items():
                sub = payload_root(v["type"]) if known and k == "data" else props.get(k, extra)
                stack.append(((*path, k), sub, child))
        elif isinstance(v, list) and node.items is not None:
            for i, child in enumerate(v):
                stack.append(((*path, i), node.items, child))


def _types_of(v: Json) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def plans(kind: str, doc: Json) -> list[Plan]:
    """Every mutation this document admits, each with the rule it breaks."""
    out: list[Plan] = []
    base = Mutant(kind, doc)
    add = out.append

    def plan(rule: str, operator: str, path: Path, fn: Callable[[random.Random], Mutant | None]) -> None:
        add(Plan(rule, operator, path, fn))

    def value_mutant(rule: str, operator: str, path: Path, new: Json, expect: str = "invalid") -> Mutant:
        return replace(base, tree=set_at(doc, path, new), rule=rule, expect=expect, operator=operator, pin=path)

    def raw_mutant(rule: str, operator: str, path: Path, raw: bytes, expect: str = "invalid") -> Mutant:
        s = _SENTINEL.format(0)
        return replace(
            base,
            tree=set_at(doc, path, s),
            rule=rule,
            expect=expect,
            operator=operator,
            pin=path,
            raw=((json.dumps(s), raw),),
        )

    every = list(sites(kind, doc))
    for path, node, v in every:
        if node is None:
            continue
        if path:
            _value_plans(path, profile(node), v, plan, value_mutant, raw_mutant)
        if isinstance(v, dict) and node.types and "object" in node.types:
            _object_plans(kind, doc, path, node, v, plan, base)
    _document_plans(kind, doc, every, plan, base, value_mutant, raw_mutant)
    return out


def _value_plans(
    path: Path,
    prof: Profile,
    v: Json,
    plan: AddPlan,
    value_mutant: ValueMutant,
    raw_mutant: RawMutant,
) -> None:
    rule = prof.rule
    wrong = prof.wrong
    if wrong:
        plan(rule, "wrong-type", path, lambda r: value_mutant(rule, "wrong-type", path, WRONG[r.choice(wrong)]))
    if isinstance(v, str):
        allowed = prof.allowed
        if allowed is not None:
            plan(rule, "not-allowed", path, lambda r: value_mutant(rule, "not-allowed", path, v + r.choice("xZ ")))
            cased = sorted({f for f in case_variants(v) if f not in allowed})
            if cased:
                plan(rule, "case-change", path, lambda r: value_mutant(rule, "case-change", path, r.choice(cased)))
            near = sorted({f for f in near_misses(v) if f not in allowed})
            if near:
                plan(rule, "near-miss", path, lambda r: value_mutant(rule, "near-miss", path, r.choice(near)))
        n = prof.min_length
        if n > 0:

            def short(r: random.Random) -> Mutant:
                pool = r.choice(("a", "é", "中", "😀"))
                return value_mutant(rule, "too-short", path, pool * (n - 1))

            plan(rule, "too-short", path, short)
        bad = prof.bad_pattern
        if bad is not None:
            plan(rule, "pattern", path, lambda r: value_mutant(rule, "pattern", path, r.choice(bad)))
        if prof.timestamp:
            plan(
                "timestamp.valid",
                "bad-timestamp",
                path,
                lambda r: value_mutant("timestamp.valid", "bad-timestamp", path, _bad_timestamp(r)),
            )
            plan(
                "timestamp.strict",
                "lenient-timestamp",
                path,
                lambda r: value_mutant("timestamp.strict", "lenient-timestamp", path, _lenient_timestamp(r)),
            )
        if prof.path:
            plan(
                "payload.path",
                "path-traversal",
                path,
                lambda r: value_mutant("payload.path", "path-traversal", path, r.choice(TRAVERSALS)),
            )
            plan(
                "payload.path.absolute",
                "relative-path",
                path,
                lambda r: value_mutant("payload.path.absolute", "relative-path", path, r.choice(RELATIVE)),
            )
        return  # a string is no list and no integer
    least = prof.min_items
    if isinstance(v, list) and least > 0:
        plan(rule, "too-few-items", path, lambda r: value_mutant(rule, "too-few-items", path, v[: least - 1]))
    bounds = prof.bounds
    if bounds is not None and (isinstance(v, int) and not isinstance(v, bool)):
        lo, hi, top = bounds
        if lo > 0:
            plan(rule, "below-minimum", path, lambda r: value_mutant(rule, "below-minimum", path, r.randint(0, lo - 1)))
        if hi < top:
            plan(
                rule,
                "above-maximum",
                path,
                lambda r: value_mutant(rule, "above-maximum", path, r.choice((hi + 1, r.randint(hi + 1, top), top))),
            )

        def overflow(r: random.Random) -> Mutant:
            choice = r.random()
            if choice < 0.4:
                return value_mutant(
                    "parse.integer.width", "width-overflow", path, r.choice((top + 1, -1, -(2**63), top * 2 + 1))
                )
            digits = r.choice((25, 400, 5000))
            return raw_mutant("parse.integer.width", "width-overflow", path, ("9" * digits).encode())

        plan("parse.integer.width", "width-overflow", path, overflow)

        def floaty(r: random.Random) -> Mutant:
            n = r.choice((v, lo, min(hi, 5)))
            lit = r.choice((f"{n}.0", f"{n}e0", f"{n}E0", f"{n}.5" if n < hi else f"{n}.0", f"{n * 10}e-1"))
            return raw_mutant("parse.integer.literal", "float-literal", path, lit.encode())

        plan("parse.integer.literal", "float-literal", path, floaty)


def case_variants(v: str) -> list[str]:
    """``v`` in other cases: what a matcher that folds case takes for ``v`` (``VMOPERATION``, ``QCOW2``)."""
    return [f for f in (v.upper(), v.lower(), v.title(), v.swapcase(), v.capitalize(), v[:1].lower() + v[1:]) if f != v]


def near_misses(v: str) -> list[str]:
    """Strings a lenient matcher takes for ``v``: surrounding space, a prefix of it, it with a suffix."""
    out = [v + " ", " " + v, v + "\t", v + "\n"]
    if len(v) > 1:
        out.append(v[:-1])
        out.append(v[: max(1, len(v) // 2)])
    return [f for f in out if f != v]


def _object_plans(
    kind: str, doc: Json, path: Path, node: SNode, v: dict[str, Json], plan: AddPlan, base: Mutant
) -> None:
    for name in node.required:
        if name in v:
            rule = node.missing_rule[name]

            def drop(r: random.Random, name: str = name, rule: str = rule) -> Mutant:
                return replace(
                    base,
                    tree=delete_at(doc, (*path, name)),
                    rule=rule,
                    expect="invalid",
                    operator="drop-required",
                    pin=path,
                    meta={"member": name},
                )

            plan(rule, "drop-required", (*path, name), drop)
    if node.extra is not None or not node.props:
        return
    in_payload = kind == "job" and path[:2] == ("payload", "data")
    if kind == "job":
        rule = "payload.unknown-members" if in_payload else "core.unknown-members"

        def unknown(r: random.Random, rule: str = rule) -> Mutant:
            name = r.choice(("x-vendor", "future_field", "unknownField", "extra", "é-member", "zz"))
            new = dict(v)
            new[name] = _gen.freeform(r)
            return replace(
                base,
                tree=set_at(doc, path, new),
                rule=rule,
                expect="valid",
                operator="unknown-member",
                pin=(*path, name),
            )

        plan(rule, "unknown-member", path, unknown)
    # A duplicate member, first and last values differing: the second value breaks its own rule, so a
    # last-wins reader that validates what it kept disagrees with a first-wins one.
    if v:

        def duplicate(r: random.Random) -> Mutant:
            name = r.choice(sorted(v))
            s = _SENTINEL.format(1)
            other = WRONG[r.choice([t for t in WRONG if t != _types_of(v[name])])]
            second = json.dumps(other) if r.random() < 0.7 else json.dumps(v[name], ensure_ascii=False)
            new = dict(v)
            new[s] = s
            find = json.dumps(s) + ":" + json.dumps(s)
            raw = (json.dumps(name, ensure_ascii=False) + ":" + second).encode("utf-8")
            return replace(
                base,
                tree=set_at(doc, path, new),
                rule="parse.duplicate-member",
                expect="invalid",
                operator="duplicate-member",
                pin=(*path, s),
                raw=((find, raw),),
            )

        plan("parse.duplicate-member", "duplicate-member", path, duplicate)


def _bad_timestamp(r: random.Random) -> str:
    return r.choice(BAD_TIMESTAMPS)


def _lenient_timestamp(r: random.Random) -> str:
    return r.choice(LENIENT_TIMESTAMPS)


def _document_plans(
    kind: str,
    doc: Json,
    every: list[Site],
    plan: AddPlan,
    base: Mutant,
    value_mutant: ValueMutant,
    raw_mutant: RawMutant,
) -> None:
    def whole(rule: str, operator: str, **kw: Any) -> Callable[[random.Random], Mutant]:
        return lambda r: replace(base, rule=rule, expect="invalid", operator=operator, **kw)

    plan("parse.encoding", "bom", (), whole("parse.encoding", "bom", prefix=b"\xef\xbb\xbf"))

    def trailing(r: random.Random) -> Mutant:
        return replace(
            base,
            rule="parse.syntax",
            expect="invalid",
            operator="trailing-text",
            suffix=r.choice((b" x", b"}", b",", b"{}", b" // c", b"\x00")),
        )

    plan("parse.syntax", "trailing-text", (), trailing)

    def top_level(r: random.Random) -> Mutant:
        # Half the time the sequence form serde accepts for a struct (the Rust crate's defect): the members'
        # values in declaration order, without `$schema`, which would shift every field after it.
        fields = [v for k, v in doc.items() if k != "$schema"]
        if r.random() < 0.5:
            tree: Json = fields
        else:
            tree = r.choice(([[k, v] for k, v in doc.items()], list(doc.values()), "job", 1, None, []))
        return replace(base, tree=tree, rule="parse.top-level-object", expect="invalid", operator="top-level-array")

    plan("parse.top-level-object", "top-level-array", (), top_level)
    strings = [(p, v) for p, n, v in every if isinstance(v, str) and p]
    if strings:

        def bad_utf8(r: random.Random) -> Mutant:
            p, v = r.choice(strings)
            raw = (
                b'"'
                + v[:3].encode()
                + r.choice((b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf", b"\xe2\x82"))
                + b'"'
            )
            return replace(
                base,
                tree=set_at(doc, p, _SENTINEL.format(0)),
                rule="parse.encoding",
                expect="invalid",
                operator="invalid-utf8",
                pin=p,
                raw=((json.dumps(_SENTINEL.format(0)), raw),),
            )

        plan("parse.encoding", "invalid-utf8", (), bad_utf8)
    leaves = [(p, v) for p, n, v in every if p and not isinstance(v, (dict, list))]
    free_objects = [p for p, n, v in every if p and isinstance(v, dict) and n is not None and n.freeform_object]
    if leaves:

        def nan(r: random.Random) -> Mutant:
            lit = r.choice((b"NaN", b"Infinity", b"-Infinity", b"nan", b"01", b"+1", b".5", b"0x10", b"'x'"))
            if free_objects and r.random() < 0.5:
                # Where any number is allowed (free-form data), so that a reader that takes NaN for a number
                # is not saved by a type check that rejects the member anyway.
                at = r.choice(free_objects)
                new = dict(get(doc, at))
                new["n"] = _SENTINEL.format(0)
                return replace(
                    base,
                    tree=set_at(doc, at, new),
                    rule="parse.syntax",
                    expect="invalid",
                    operator="not-json-literal",
                    pin=(*at, "n"),
                    raw=((json.dumps(_SENTINEL.format(0)), lit),),
                )
            p, _v = r.choice(leaves)
            return raw_mutant("parse.syntax", "not-json-literal", p, lit)

        plan("parse.syntax", "not-json-literal", (), nan)

    def trailing_comma(r: random.Random) -> Mutant:
        s = _SENTINEL.format(2)
        find = "," + json.dumps(s) + ":" + json.dumps(s)
        return replace(
            base,
            tree={**doc, s: s},
            rule="parse.syntax",
            expect="invalid",
            operator="trailing-comma",
            pin=(s,),
            raw=((find, b","),),
        )

    if doc:
        plan("parse.syntax", "trailing-comma", (), trailing_comma)
    free = free_objects
    if isinstance(doc, dict):

        def deep(r: random.Random) -> Mutant:
            p = r.choice([(), *free])
            n = r.choice((129, 200, 1000, 100000))
            raw = (b"[" * n) + (b"]" * n)
            new = dict(get(doc, p))
            new["deep"] = _SENTINEL.format(0)
            return replace(
                base,
                tree=set_at(doc, p, new),
                rule="parse.depth",
                expect="invalid",
                operator="deep-nesting",
                pin=(*p, "deep"),
                raw=((json.dumps(_SENTINEL.format(0)), raw),),
            )

        plan("parse.depth", "deep-nesting", (), deep)
    if free:

        def big_number(r: random.Random) -> Mutant:
            p = r.choice(free)
            lit = r.choice((b"1e400", b"-1e400", b"9" * 400, b"1.5e308", b"-0", b"-0.0", b"1E-400", b"123456789" * 50))
            new = dict(get(doc, p))
            new["n"] = _SENTINEL.format(0)
            return replace(
                base,
                tree=set_at(doc, p, new),
                rule="parse.number.range",
                expect="valid",
                operator="big-number",
                pin=(*p, "n"),
                raw=((json.dumps(_SENTINEL.format(0)), lit),),
            )

        plan("parse.number.range", "big-number", (), big_number)
    _semantic_plans(kind, doc, plan, base, value_mutant)


def _semantic_plans(kind: str, doc: Json, plan: AddPlan, base: Mutant, value_mutant: ValueMutant) -> None:
    if kind == "job":
        ex = doc.get("execution") if isinstance(doc.get("execution"), dict) else None

        def over_attempts(r: random.Random) -> Mutant:
            new = dict(ex or {})
            most = new.get("max_attempts", 1)
            if most >= 4294967295:
                most = new["max_attempts"] = 5
            new["attempt"] = r.choice((most + 1, r.randint(most + 1, 4294967295)))
            if r.random() < 0.3 and most == 1:
                new.pop("max_attempts", None)
            return replace(
                base,
                tree={**doc, "execution": new},
                rule="core.execution.attempt-within-max",
                expect="invalid",
                operator="attempt-over-max",
                pin=("execution", "attempt"),
            )

        plan("core.execution.attempt-within-max", "attempt-over-max", ("execution",), over_attempts)
        op = doc["operation"]

        def mismatch(r: random.Random) -> Mutant:
            new_type = r.choice((f"zz.{op}.v1", f"{op}x.v1", f"{op}.extra.v2"))
            return replace(
                base,
                tree={**doc, "payload": {**doc["payload"], "type": new_type}},
                rule="core.payload.type.matches-operation",
                expect="invalid",
                operator="type-mismatch",
                pin=("payload", "type"),
            )

        plan("core.payload.type.matches-operation", "type-mismatch", ("payload", "type"), mismatch)

        def op_charset(r: random.Random) -> Mutant:
            new_op = r.choice((op.upper(), op.replace(".", ".A", 1), op + ".x y", op + ".é"))
            tree = {**doc, "operation": new_op, "payload": {"type": new_op + ".v1", "data": {}}}
            return replace(
                base,
                tree=tree,
                rule="core.operation.charset",
                expect="invalid",
                operator="operation-charset",
                pin=("operation",),
            )

        plan("core.operation.charset", "operation-charset", ("operation",), op_charset)

        def id_charset(r: random.Random) -> Mutant:
            jid = doc["job_id"]
            at = r.randint(0, len(jid))
            bad = jid[:at] + r.choice(("/", "\\", "\x00", "\x1f", "\n", "\x7f")) + jid[at:]
            return value_mutant("core.job_id.charset", "job-id-charset", ("job_id",), bad)

        plan("core.job_id.charset", "job-id-charset", ("job_id",), id_charset)

        def not_semver(r: random.Random) -> Mutant:
            cons = dict(doc["constraints"]) if isinstance(doc.get("constraints"), dict) else {}
            cons["minimum_worker_version"] = r.choice(("1.0", "v1.2.3", "01.2.3", "latest", "1.2.3.4"))
            return replace(
                base,
                tree={**doc, "constraints": cons},
                rule="core.constraints.minimum_worker_version.semver",
                expect="invalid",
                operator="not-semver",
                pin=("constraints", "minimum_worker_version"),
            )

        plan("core.constraints.minimum_worker_version.semver", "not-semver", ("constraints",), not_semver)

        def section_member(section: str, member: str, val: Json, rule: str, operator: str) -> Mutant:
            sec = dict(doc[section]) if isinstance(doc.get(section), dict) else {}
            sec[member] = val
            return replace(
                base, tree={**doc, section: sec}, rule=rule, expect="warning", operator=operator, pin=(section, member)
            )

        plan(
            "core.execution.timeout_seconds.long",
            "long-timeout",
            ("execution",),
            lambda r: section_member(
                "execution",
                "timeout_seconds",
                r.choice((86401, r.randint(86401, 2**64 - 1))),
                "core.execution.timeout_seconds.long",
                "long-timeout",
            ),
        )
        plan(
            "core.constraints.maximum_disk_size_gb.large",
            "large-disk",
            ("constraints",),
            lambda r: section_member(
                "constraints",
                "maximum_disk_size_gb",
                r.choice((100001, r.randint(100001, 2**64 - 1))),
                "core.constraints.maximum_disk_size_gb.large",
                "large-disk",
            ),
        )
        plan(
            "core.execution.deadline.after-created",
            "early-deadline",
            ("execution",),
            lambda r: section_member(
                "execution",
                "deadline",
                r.choice((doc["created_at"], "1969-12-31T23:59:59Z")),
                "core.execution.deadline.after-created",
                "early-deadline",
            ),
        )
    elif kind == "result":

        def failed_without(r: random.Random) -> Mutant:
            tree = {**doc, "status": "failed"}
            drop = r.choice(("error", "failed_at"))
            tree.setdefault("failed_at", "2000-01-01T00:00:00Z")
            if tree.get("failed_at") is None:
                tree["failed_at"] = "2000-01-01T00:00:00Z"
            if tree.get("error") is None:
                tree["error"] = {"code": "E", "message": "m", "recoverable": False, "retry_recommended": False}
            tree[drop] = None
            if r.random() < 0.5:
                del tree[drop]
            return replace(
                base,
                tree=tree,
                rule="result.failed.consistency",
                expect="invalid",
                operator="failed-inconsistent",
                pin=(),
            )

        plan("result.failed.consistency", "failed-inconsistent", (), failed_without)

        def completed_with(r: random.Random) -> Mutant:
            tree = {**doc, "status": "completed"}
            side = r.random()
            if side < 0.25:
                tree.pop("completed_at", None)
            elif side < 0.5:
                tree["completed_at"] = None  # present but null: a check for the key alone takes it
            else:
                tree["completed_at"] = tree.get("completed_at") or "2000-01-01T00:00:00Z"
                tree["error"] = {"code": "E", "message": "m", "recoverable": True, "retry_recommended": False}
            return replace(
                base,
                tree=tree,
                rule="result.completed.consistency",
                expect="invalid",
                operator="completed-inconsistent",
                pin=(),
            )

        plan("result.completed.consistency", "completed-inconsistent", (), completed_with)
        plan(
            "result.data",
            "any-data",
            ("data",),
            lambda r: replace(
                base,
                tree={**doc, "data": _gen.freeform(r)},
                rule="result.data",
                expect="valid",
                operator="any-data",
                pin=("data",),
            ),
        )
    elif kind == "worker":

        def over_capacity(r: random.Random) -> Mutant | None:
            most = doc["resources"]["max_concurrent_jobs"]
            if most >= 4294967295:
                return None
            status = {**doc["status"], "current_jobs": r.choice((most + 1, r.randint(most + 1, 4294967295)))}
            return replace(
                base,
                tree={**doc, "status": status},
                rule="worker.status.within-capacity",
                expect="invalid",
                operator="over-capacity",
                pin=("status", "current_jobs"),
            )

        plan("worker.status.within-capacity", "over-capacity", ("status",), over_capacity)


def mutate(kind: str, doc: Json, rng: random.Random, rules: frozenset[str] | None = None) -> Mutant | None:
    """One labelled mutation of ``doc`` (a rule drawn uniformly first, so rare rules come up often)."""
    available = plans(kind, doc)
    if rules is not None:
        available = [p for p in available if p.rule in rules]
    if not available:
        return None
    by_rule: dict[str, list[Plan]] = {}
    for p in available:
        by_rule.setdefault(p.rule, []).append(p)
    chosen = rng.choice(by_rule[rng.choice(sorted(by_rule))])
    return chosen.apply(rng)
