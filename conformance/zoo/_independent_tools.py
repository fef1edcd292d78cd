"""The tools the independent family (:mod:`.independent`) is built with: witnesses, hooks that decide one rule
another way, lenient readers, and writers.

A mutant changes the reference's answer on one rule only: :func:`forgive` drops the reference's errors the
mistake would not see, :func:`flag` adds the errors (or warnings) it would wrongly give, :func:`redefine` does
both for a rule decided on strings (timestamps, paths, checksums), :func:`reread` reads a text the reference
refuses in the way a lenient parser does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from reference import Issue, ValidationResult, decode, parse, parse_float, parse_int, timestamp_fault
from reference import validate_value as _validate_value

from ._docs import edit
from ._docs import text as _doc_text
from ._impl import MISSING, Extra, Forgive, Impl, Reader, at, dumps, issues_json
from ._variant import Variant, Witness, WitnessMode

# --- witnesses --------------------------------------------------------------------------------------------


def doc(kind: str, **changes: Any) -> dict[str, Any]:
    """The plain document of ``kind`` with ``changes`` named for their pointer (``execution__priority``)."""
    return edit(kind, {"/" + k.replace("__", "/"): v for k, v in changes.items()})


def text(kind: str = "job", **changes: Any) -> str:
    return _doc_text(doc(kind, **changes))


def w(mode: WitnessMode, kind: str, data: str | bytes | dict[str, Any]) -> Witness:
    if isinstance(data, dict):
        data = _doc_text(data)
    return Witness(mode, kind, data.encode("utf-8") if isinstance(data, str) else data)


def valid_w(kind: str = "job", **changes: Any) -> Witness:
    return w("validate", kind, text(kind, **changes))


def warn_w(**changes: Any) -> Witness:
    return w("warnings", "job", text("job", **changes))


def rt_w(kind: str = "job", **changes: Any) -> Witness:
    return w("roundtrip", kind, text(kind, **changes))


def job_with(operation: str, data: dict[str, Any], ptype: str = "", **changes: Any) -> dict[str, Any]:
    """A job of ``operation`` whose payload is ``data`` (type ``operation.v1`` unless given)."""
    payload = {"type": ptype or operation + ".v1", "data": data}
    return doc("job", operation=operation, payload=payload, **changes)


IMAGE = {"path": "/vms/web-01.qcow2", "format": "qcow2"}
FIX_DATA = {"image": dict(IMAGE), "operations": [{"type": "fstab-repair"}]}
HEX64 = "ab" * 32


# --- small tools ------------------------------------------------------------------------------------------


def put(document: Any, pointer: str, value: Any) -> Any:
    """``document`` with the value at ``pointer`` replaced (or removed when ``value`` is MISSING), copying only
    the containers on the way."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]

    def go(node: Any, i: int) -> Any:
        key: Any = int(parts[i]) if isinstance(node, list) else parts[i]
        copy = list(node) if isinstance(node, list) else dict(node)
        if i == len(parts) - 1:
            if value is MISSING:
                del copy[key]
            else:
                copy[key] = value
        else:
            copy[key] = go(node[key], i + 1)
        return copy

    return go(document, 0)


def issue(rule: str, pointer: str, message: str) -> Issue:
    return Issue.of(rule, pointer, message)


def forgive(rule: str, ok: Callable[[Any, dict[str, Any]], bool], where: str = "") -> Forgive:
    """Forgive the reference's errors of ``rule`` (at pointers ending with ``where``) when ``ok(value, doc)``."""

    def fn(i: Issue, document: Any, kind: str) -> bool:
        return i.rule == rule and i.pointer.endswith(where) and ok(at(document, i.pointer), document)

    return fn


def flag(rule: str, find: Callable[[str, dict[str, Any]], Iterator[str]]) -> Extra:
    """Errors (or warnings) of ``rule`` at every pointer ``find(kind, doc)`` yields."""

    def fn(kind: str, document: dict[str, Any]) -> list[Issue]:
        return [
            issue(rule, p, f"{json.dumps(at(document, p), default=str)[:60]} breaks {rule}")
            for p in find(kind, document)
        ]

    return fn


def at_ptr(kind: str, pointer: str, test: Callable[[Any], bool]) -> Callable[[str, dict[str, Any]], Iterator[str]]:
    """A finder: ``pointer`` in documents of ``kind`` when its value passes ``test``."""

    def find(k: str, document: dict[str, Any]) -> Iterator[str]:
        if k == kind:
            v = at(document, pointer)
            if v is not MISSING and test(v):
                yield pointer

    return find


def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def walk(value: Any) -> Iterator[Any]:
    stack = [value]
    while stack:
        v = stack.pop()
        yield v
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def mapped(value: Any, fn: Callable[[Any], Any]) -> Any:
    """``value`` rebuilt with ``fn`` applied to every member value and item first (bottom-up)."""
    if isinstance(value, dict):
        return fn({k: mapped(v, fn) for k, v in value.items()})
    if isinstance(value, list):
        return fn([mapped(v, fn) for v in value])
    return fn(value)


def payload_type(document: dict[str, Any]) -> str | None:
    """``payload.type`` where it is a string."""
    p = document.get("payload")
    t = p.get("type") if isinstance(p, dict) else None
    return t if isinstance(t, str) else None


#: Where each kind holds timestamps, and each known payload its paths and its image objects.
TIMESTAMPS = {
    "job": ("/created_at", "/execution/deadline"),
    "result": ("/completed_at", "/failed_at", "/execution_summary/started_at"),
    "progress": ("/timestamp",),
    "worker": ("/registered_at", "/status/last_heartbeat"),
}
PATHS = {
    "guestkit.inspect.v1": ("/image/path", "/output/destination"),
    "guestkit.profile.v1": ("/image/path", "/output/destination"),
    "guestkit.fix.v1": ("/image/path", "/image/backup_path", "/output/fixed_image", "/output/log_path"),
    "guestkit.convert.v1": ("/source/path", "/target/path"),
    "guestkit.compare.v1": ("/baseline/path", "/target/path", "/output/destination"),
}
IMAGES = {
    "guestkit.inspect.v1": ("/image",),
    "guestkit.profile.v1": ("/image",),
    "guestkit.fix.v1": ("/image",),
    "guestkit.convert.v1": ("/source",),
    "guestkit.compare.v1": ("/baseline", "/target"),
}


def paths_of(kind: str, document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(pointer, text) of every path-like member the known payload of ``document`` holds as a string."""
    if kind == "job":
        for tail in PATHS.get(payload_type(document) or "", ()):
            v = at(document, "/payload/data" + tail)
            if isinstance(v, str):
                yield "/payload/data" + tail, v


def redefine(
    rule: str, mine: Callable[[str], bool | None], spots: Callable[[str, dict[str, Any]], Iterator[tuple[str, str]]]
) -> dict[str, Any]:
    """Hooks that decide ``rule`` on the strings ``spots`` yields by ``mine(text)``: True accepts (the
    reference's error there is forgiven), False rejects, None leaves it to the reference."""

    def fn(i: Issue, document: Any, kind: str) -> bool:
        if i.rule != rule:
            return False
        return any(p == i.pointer and mine(v) is True for p, v in spots(kind, document))

    def extra(kind: str, document: dict[str, Any]) -> list[Issue]:
        return [
            issue(rule, p, f"{json.dumps(v)[:60]} breaks {rule}") for p, v in spots(kind, document) if mine(v) is False
        ]

    return {"forgive": fn, "extra": extra}


def timestamps_of(kind: str, document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for p in TIMESTAMPS[kind]:
        v = at(document, p)
        if isinstance(v, str):
            yield p, v


_TS = re.compile(
    r"\s*(\d{4})-(\d{1,2})-(\d{1,2})[Tt ](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?\s*(?:[Zz]|UTC|([+-])(\d\d):?(\d\d))\s*",
    re.ASCII,
)


def fields(t: str) -> tuple[int, ...] | None:
    """(year, month, day, hour, minute, second) of a timestamp's text, or None."""
    m = _TS.fullmatch(t)
    return tuple(int(g) for g in m.groups()[:6]) if m else None


def instant(t: str, leap_as_60: bool = False, digits: int = 9) -> tuple[int, int, int] | None:
    """A sortable UTC instant (seconds, leap, fraction to ``digits``) of a valid timestamp, or None."""
    m = _TS.fullmatch(t)
    if m is None or timestamp_fault(t) is not None:
        return None
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    days = date(y, mo, d).toordinal() if y else date(2000, mo, d).toordinal() - date(2000, 12, 31).toordinal() - 1
    offset = 0 if m.group(8) is None else (int(m.group(9)) * 60 + int(m.group(10))) * (1 if m.group(8) == "+" else -1)
    leap = 0 if leap_as_60 else int(s == 60)
    frac = int(((m.group(7) or ".")[1:] + "0" * 9)[:9]) // 10 ** (9 - digits)
    return (((days * 24 + h) * 60 + mi - offset) * 60 + s - leap, leap, frac)


def not_after(deadline: str, created: str, leap_as_60: bool = False, digits: int = 9) -> bool:
    """Both valid timestamps, the deadline not after created_at (each read by :func:`instant`)."""
    d, c = instant(deadline, leap_as_60, digits), instant(created, leap_as_60, digits)
    return d is not None and c is not None and d <= c


def deadline_warning(before: Callable[[str, str], bool]) -> dict[str, Any]:
    """Hooks that give the deadline warning when ``before(deadline, created_at)`` says so."""

    def find(kind: str, document: dict[str, Any]) -> Iterator[str]:
        d, c = at(document, "/execution/deadline"), document.get("created_at")
        if kind == "job" and isinstance(d, str) and isinstance(c, str) and before(d, c):
            yield "/execution/deadline"

    rule = "core.execution.deadline.after-created"
    return {"forgive_warning": lambda i, d, k: i.rule == rule, "extra_warnings": flag(rule, find)}


# --- readers ----------------------------------------------------------------------------------------------

TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[^"]+|"', re.DOTALL)


def outside_strings(source: str, fn: Callable[[str], str], inside: Callable[[str], str] = lambda s: s) -> str:
    """``source`` with ``fn`` applied to the text between string literals and ``inside`` to the literals."""
    return "".join(inside(t) if t.startswith('"') and len(t) > 1 else fn(t) for t in TOKEN.findall(source))


def reread(
    rule: str, rewrite: Callable[[str], str | None], when: Callable[[list[Issue]], bool] = lambda f: True
) -> Callable[[bytes], tuple[Any, list[Issue]]]:
    """A reader that, where the reference finds a fault of ``rule``, reads ``rewrite(text)`` instead."""

    def reader(data: bytes) -> tuple[Any, list[Issue]]:
        value, faults = parse(data)
        if faults and faults[0].rule == rule and when(faults):
            source, _ = decode(data)
            try:
                again = rewrite(source) if source is not None else None
            except (ValueError, RecursionError):  # the lenient reader fails too: the reference's fault stands
                again = None
            if again is not None:
                return parse(again)
        return value, faults

    return reader


def loads_lenient(rule: str, when: Callable[[list[Issue]], bool] = lambda f: True) -> Reader:
    """A reader that trusts Python's ``json.loads`` (with the reference's number types) where the reference
    finds a fault of ``rule``: it takes NaN and Infinity, and keeps the last of two equal member names."""

    def constant(name: str) -> Any:
        if rule != "parse.syntax":
            raise ValueError(name)
        return float(name)

    def reader(data: bytes) -> tuple[Any, list[Issue]]:
        value, faults = parse(data)
        if not faults or faults[0].rule != rule or not when(faults):
            return value, faults
        try:
            return json.loads(
                data.decode("utf-8"), parse_int=parse_int, parse_float=parse_float, parse_constant=constant
            ), []
        except (ValueError, RecursionError):
            return value, faults

    return reader


def add_fault(rule: str, bad: Callable[[str], bool]) -> Callable[[bytes], tuple[Any, list[Issue]]]:
    """A reader that also faults (``rule``) every document whose text ``bad`` finds wrong."""

    def reader(data: bytes) -> tuple[Any, list[Issue]]:
        value, faults = parse(data)
        source, _ = decode(data)
        if not faults and source is not None and bad(source):
            return None, [issue(rule, "", "the text is refused by this reader")]
        return value, faults

    return reader


def go_fold(names: tuple[str, ...], section: str = "") -> Callable[[str, Any], Any]:
    """Go's encoding/json: a member whose name matches a field's case-insensitively fills that field (the
    last one wins); ``section`` is the object it reads ("" for the top level)."""
    lower = {n.lower(): n for n in names}

    def transform(kind: str, value: Any) -> Any:
        target = value.get(section) if section and isinstance(value, dict) else value
        if kind != "job" or not isinstance(target, dict):
            return value
        out: dict[str, Any] = {}
        for k, v in target.items():
            key = k if k in names else str(lower.get(k.lower(), k))
            out[key] = v
        return {**value, section: out} if section else out

    return transform


TOP = (
    "$schema",
    "version",
    "job_id",
    "created_at",
    "kind",
    "operation",
    "payload",
    "metadata",
    "execution",
    "constraints",
    "routing",
    "observability",
    "audit",
)
EXECUTION = ("attempt", "max_attempts", "timeout_seconds", "priority", "cancellable", "idempotency_key", "deadline")
SECTIONS = {
    "metadata": ("name", "namespace", "labels", "annotations"),
    "execution": EXECUTION,
    "constraints": (
        "required_capabilities",
        "required_features",
        "allowed_worker_pools",
        "minimum_worker_version",
        "maximum_disk_size_gb",
        "require_privileged",
    ),
    "routing": ("worker_id", "worker_pool", "affinity", "anti_affinity"),
    "observability": ("trace_id", "span_id", "parent_span_id", "correlation_id"),
    "audit": ("submitted_by", "submitted_from", "authorization"),
}


def to_integers(kind: str, value: Any) -> Any:
    """JS: a number literal ``5.0`` or ``5e0`` is the number 5, an integer like any other."""
    for e in _validate_value(value, kind).errors:
        v = at(value, e.pointer)
        if e.rule == "parse.integer.literal" and isinstance(v, float) and v.is_integer():
            value = put(value, e.pointer, int(v))
    return value


def images_of(kind: str, document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    if kind == "job":
        for tail in IMAGES.get(payload_type(document) or "", ()):
            v = at(document, "/payload/data" + tail)
            if isinstance(v, dict):
                yield "/payload/data" + tail, v


def checksums_of(kind: str, document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    return (
        (p + "/checksum", i["checksum"]) for p, i in images_of(kind, document) if isinstance(i.get("checksum"), str)
    )


# --- capability matching and the round trip


def matcher(same: Callable[[str, str], bool]) -> Callable[[list[str], list[str]], tuple[bool, list[str]]]:
    def match(required: list[str], available: list[str]) -> tuple[bool, list[str]]:
        missing = [r for r in required if not any(same(r, a) for a in available)]
        return not missing, missing

    return match


def match_w(required: list[str], available: list[str]) -> Witness:
    return Witness("match", "job", required=tuple(required), available=tuple(available))


def writer(fn: Callable[[Any], Any]) -> Callable[[str, Any], str]:
    return lambda kind, value: dumps(mapped(value, fn), ensure_ascii=False)


def _naive_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def naive_dumps(value: Any) -> str:
    """A hand-written writer that escapes only quotes and backslashes."""
    if isinstance(value, dict):
        return "{" + ",".join(_naive_string(k) + ":" + naive_dumps(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(naive_dumps(v) for v in value) + "]"
    return _naive_string(value) if isinstance(value, str) else dumps(value)


def inject_read_only(kind: str, value: Any) -> str:
    image = at(value, "/payload/data/image")
    if payload_type(value) == "guestkit.inspect.v1" and isinstance(image, dict) and "read_only" not in image:
        value = put(value, "/payload/data/image/read_only", True)
    return dumps(value, ensure_ascii=False)


def drop_unknown_in_sections(kind: str, value: Any) -> str:
    if kind == "job":
        for name, members in SECTIONS.items():
            if isinstance(value.get(name), dict):
                value = {**value, name: {k: v for k, v in value[name].items() if k in members}}
    return dumps(value, ensure_ascii=False)


def sorted_sets(kind: str, value: Any) -> str:
    c = value.get("constraints") if kind == "job" else None
    if isinstance(c, dict):
        value = {
            **value,
            "constraints": {
                k: sorted(set(v)) if k.startswith("required_") and isinstance(v, list) else v for k, v in c.items()
            },
        }
    return dumps(value, ensure_ascii=False)


# --- equivalents


class _NotStrict(Exception):
    pass


def _strict_pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(items)
    if len(obj) != len(items):
        raise _NotStrict
    return obj


def _no_constant(name: str) -> Any:
    raise _NotStrict


def own_reader(data: bytes) -> tuple[Any, list[Issue]]:
    """A reader of its own: json with strict hooks, then a walk for lone surrogates and depth; whatever it finds
    wrong, it asks the reference why (messages are the reference's, verdicts its own)."""
    source, fault = decode(data)
    if fault is not None or source is None:
        return parse(data)
    try:
        value = json.loads(
            source,
            object_pairs_hook=_strict_pairs,
            parse_constant=_no_constant,
            parse_int=parse_int,
            parse_float=parse_float,
        )
    except (ValueError, RecursionError, _NotStrict):
        return parse(data)
    depth, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        depth = max(depth, d)
        items = list(v.items()) if isinstance(v, dict) else [(None, x) for x in v] if isinstance(v, list) else []
        if any(isinstance(s, str) and re.search("[\ud800-\udfff]", s) for pair in items for s in pair):
            return parse(data)
        stack.extend((x, d + 1) for _, x in items if isinstance(x, (dict, list)))
    if depth > 128 or not isinstance(value, dict) or (isinstance(value, str) and re.search("[\ud800-\udfff]", value)):
        return parse(data)
    return value, []


def own_timestamp(strict: bool) -> Callable[[str], bool]:
    def ok(t: str) -> bool:
        m = _TS.fullmatch(t)
        if m is None:
            return False
        y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
        try:
            date(2000 if y == 0 else y, mo, d)
        except ValueError:
            return False
        if h > 23 or mi > 59 or s > 60 or (m.group(8) and (int(m.group(9)) > 23 or int(m.group(10)) > 59)):
            return False
        return (
            not strict
            or re.fullmatch(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", t, re.A) is not None
        )

    return ok


def combine(*hooks: dict[str, Any]) -> dict[str, Any]:
    forgivers = [h["forgive"] for h in hooks]
    extras = [h["extra"] for h in hooks]
    return {
        "forgive": lambda i, d, k: any(f(i, d, k) for f in forgivers),
        "extra": lambda k, d: [e for x in extras for e in x(k, d)],
    }


def first_error_only(result: ValidationResult) -> dict[str, Any]:
    return {"valid": result.valid, "errors": issues_json(result.errors[:1]), "warnings": issues_json(result.warnings)}


def escape_everything(kind: str, value: Any) -> str:
    """Every character of every string and member name as a \\u escape (surrogate pairs beyond the BMP)."""

    def esc(s: str) -> str:
        units = s.encode("utf-16-be")
        return '"' + "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2)) + '"'

    out = outside_strings(dumps(value, ensure_ascii=False), lambda t: t, lambda t: esc(json.loads(t)))
    return out


def is_absolute(p: str) -> bool:
    return p[:1] == "/"


# --- the registry -----------------------------------------------------------------------------------------


def registrar(into: list[Variant], equivalent: bool = False, prefix: str = "ind") -> Callable[..., None]:
    """A function that adds a member to ``into``: ``(name, description, breaks, witness, **hooks)`` for a
    mutant, ``(name, description, **hooks)`` for an equivalent; names get the family's ``prefix`` (``ind-``,
    ``ind-eq-`` for the independent family)."""

    def add_mutant(name: str, description: str, breaks: str | tuple[str, ...], witness: Witness, **hooks: Any) -> None:
        rules = (breaks,) if isinstance(breaks, str) else breaks
        into.append(Variant(f"{prefix}-{name}", description, Impl(**hooks), rules, witness))

    def add_equivalent(name: str, description: str, **hooks: Any) -> None:
        into.append(Variant(f"{prefix}-eq-{name}", description, Impl(**hooks)))

    return add_equivalent if equivalent else add_mutant
