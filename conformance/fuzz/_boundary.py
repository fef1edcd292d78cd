"""Boundary-seeking generation: documents whose values sit at a rule's edge, on both sides of it.

A random valid value rarely sits on a bound, and almost never *looks* like a violation while being valid;
an implementation whose bound is off by one, whose length counts bytes, or whose traversal check trips on
``..b`` survives such a fuzzer. Each plan here puts one value at an edge: the last valid and first invalid
value of every integer bound and width, and of every warning threshold and cross-field ordering the rule
table states; the last valid and first invalid length of every length bound, counted in code points as the
SPEC counts, with characters whose byte and UTF-16 counts differ; the neighbours of every character class a
charset rule draws; calendar edges (month ends, leap days, leap seconds, offsets, long fractions, equal
instants in other offsets); integer literals at the edges a double or a signed type loses (2**53 + 1,
u64 max, ``-0``); and valid strings that resemble violations (paths with dots and other separators, member
names with dots, slashes and ``__proto__``, look-alike characters).

The bounds come from the published schemas (``minimum``, ``maximum``, ``x-width``, ``minLength``,
``minItems``, ``pattern``, ``format``, ``x-path``) and the statements of the rule table (``above N``,
``<=``, ``not after``); only what no schema or statement says (the SemVer grammar, the character classes of
the two charset rules) is written here. Every plan labels its document with the rule whose edge it probes
and the side it expects (``valid``, ``invalid`` or ``warning``); the reference confirms it like any
mutation (:func:`._mutate.agrees`), and a document it does not confirm is discarded.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import random
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import cache
from typing import Any

import reference

from . import _gen
from ._mutate import _SENTINEL, Mutant, Plan, get, set_at, sites
from ._schemas import SNode, node_at

Json = Any
Path = tuple[Any, ...]
Label = tuple[str, str]
Apply = Callable[[random.Random], Mutant | None]

#: Characters a length counter sees differently: 1 code point each, but 1, 2, 3 and 4 UTF-8 bytes and 1 or
#: 2 UTF-16 units; a combining mark and a joiner (one grapheme with their neighbour, a code point each).
_UNITS = ("a", "é", "中", "😀", "\u0301", "\u200d", "𝔸")
#: Heavy units for the invalid side: one code point short, but as many bytes or UTF-16 units as a valid one.
_HEAVY = ("é", "中", "😀", "𝔸")
#: Look-alikes of separators, dots and spaces that are none of them: valid wherever a name is.
LOOKALIKES = (
    "\u2215",  # division slash
    "\u2044",  # fraction slash
    "\uff0f",  # fullwidth solidus
    "\u29f8",  # big solidus
    "\uff3c",  # fullwidth reverse solidus
    "\u2216",  # set minus
    "\u29f5",  # reverse solidus operator
    "\u2024",  # one dot leader
    "\uff0e",  # fullwidth full stop
    "\u2026",  # horizontal ellipsis
    "\u00a0",  # no-break space
    "\u200b",  # zero width space
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\ufeff",  # zero width no-break space (a byte-order mark only at the start of a text)
    "\u00ad",  # soft hyphen
    "\u202e",  # right-to-left override
)
#: Member names that look like something else: paths, pointers, dotted keys, prototype keys, protocol members.
TRICKY_NAMES = (
    "a.b",
    "a/b",
    "a\\b",
    "~0",
    "~1",
    "",
    " ",
    "..",
    ".",
    "__proto__",
    "constructor",
    "toString",
    "$ref",
    "job_id",
    "kind",
    "\u0000",
    "e\u0301",
    "é",
    "😀",
    "a" * 300,
)


def _dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


# --- what the rule table states -----------------------------------------------------------------------------


@cache
def thresholds() -> dict[str, tuple[int, str]]:
    """Warning thresholds the rule table states (``\\`m\\` above N is valid, with a warning``): member -> (N, rule)."""
    out = {}
    for rid, rule in reference.RULES.items():
        found = re.search(r"`([\w.]+)` above (\d+)", rule.statement)
        if rule.polarity == "warning" and found:
            out[found.group(1)] = (int(found.group(2)), rid)
    return out


@cache
def orderings() -> tuple[tuple[str, str, str], ...]:
    """Cross-field orderings the rule table states (``\\`a\\` <= \\`b\\```): (lesser, greater, rule)."""
    out = []
    for rid, rule in reference.RULES.items():
        found = re.search(r"`([\w.]+)` <= `([\w.]+)`", rule.statement)
        if found:
            out.append((found.group(1), found.group(2), rid))
    return tuple(out)


@cache
def not_after() -> tuple[tuple[str, str, str], ...]:
    """Temporal orderings whose breach is a warning (``\\`a\\` not after \\`b\\```): (later, earlier, rule)."""
    out = []
    for rid, rule in reference.RULES.items():
        found = re.search(r"`([\w.]+)` not after `([\w.]+)`", rule.statement)
        if rule.polarity == "warning" and found:
            out.append((found.group(1), found.group(2), rid))
    return tuple(out)


def _path_of(dotted: str) -> Path:
    return tuple(dotted.split("."))


def _default(kind: str, dotted: str) -> Json:
    node = node_at(kind, {}, _path_of(dotted))
    return None if node is None else node.schema.get("default")


# --- character classes at their edges ---------------------------------------------------------------------


def class_edges(allowed: Callable[[str], bool], span: int = 0x3000) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The code points on either side of every change between allowed and not allowed (below ``span``):
    the last allowed character before a forbidden run and the first after it, and the first forbidden ones."""
    inside: list[str] = []
    outside: list[str] = []
    prev = allowed(chr(0))
    for cp in range(1, span):
        now = allowed(chr(cp))
        if now != prev:
            for c in (chr(cp - 1), chr(cp)):
                (inside if allowed(c) else outside).append(c)
        prev = now
    return tuple(dict.fromkeys(inside)), tuple(dict.fromkeys(outside))


def _job_id_char(c: str) -> bool:
    """SPEC decision 13: ``core.job_id.charset`` forbids ``/``, ``\\`` and the category Cc."""
    return c not in "/\\" and unicodedata.category(c) != "Cc"


def _operation_char(c: str) -> bool:
    return c in _gen._OP_SEGMENT


JOB_ID_EDGES = class_edges(_job_id_char)
OPERATION_EDGES = class_edges(_operation_char, 0x80)

#: SemVer 2.0.0 at its edges: valid forms that look wrong, invalid ones that look right.
SEMVER_VALID = ("0.0.0", "1.0.0-0", "1.0.0+01", "1.0.0-x-y-z.--", "1.0.0+build.-1", "1.0.0-0A.is.legal",
                "99999999999999999999999.0.0", "1.2.3----RC-SNAPSHOT.12.9.1--.12+788")  # fmt: skip
SEMVER_INVALID = ("1.0.0-01", "01.0.0", "1.0.0-", "1.0.0+", "1.0.0-a..b", "1.0", "v1.0.0", "1.0.0 ", "1.0.0\n",
                  "1.0.0-α", "1.0.00", "1.0.0+a+b")  # fmt: skip


# --- integers -----------------------------------------------------------------------------------------------


def int_label(kind: str, node: SNode, path: Path, n: int) -> Label:
    """The rule an integer ``n`` at ``path`` answers to, and on which side of it ``n`` lies."""
    lo, hi, top = node.integer_bounds or (0, 2**64 - 1, 2**64 - 1)
    if n < 0 or n > top:
        return "parse.integer.width", "invalid"
    if n < lo or n > hi:
        return node.rule, "invalid"
    threshold = thresholds().get(_dotted(path)) if kind == "job" else None
    if threshold is not None and n > threshold[0]:
        return threshold[1], "warning"
    return node.rule, "valid"


def int_edges(kind: str, node: SNode, path: Path) -> list[int]:
    """Both sides of every edge of an integer member: its bounds, its width, its warning threshold, and the
    edges of the types an implementation may hold it in (a double's 2**53, i32, u32, i64)."""
    lo, hi, top = node.integer_bounds or (0, 2**64 - 1, 2**64 - 1)
    out = {lo - 1, lo, hi, hi + 1, top, top + 1}
    threshold = thresholds().get(_dotted(path)) if kind == "job" else None
    if threshold is not None:
        out |= {threshold[0], threshold[0] + 1}
    for edge in (2**31, 2**32, 2**53, 2**63):
        out |= {edge - 1, edge, edge + 1}
    return sorted(n for n in out if n <= top + 1)


def _repair_orderings(kind: str, tree: Json, path: Path, n: int) -> Json | None:
    """``tree`` with the partner of an ordering at ``path`` moved so that ``n`` keeps the ordering (None if it
    cannot: the partner's own bounds forbid it)."""
    dotted = _dotted(path)
    for lesser, greater, _rule in orderings():
        if dotted not in (lesser, greater):
            continue
        other = _path_of(greater if dotted == lesser else lesser)
        parent = get(tree, other[:-1]) if _has_path(tree, other[:-1]) else None
        if not isinstance(parent, dict):
            return None
        current = parent.get(other[-1], _default(kind, _dotted(other)))
        if not isinstance(current, int) or isinstance(current, bool):
            return None
        if dotted == lesser and current < n:
            tree = set_at(tree, other, n)
        elif dotted == greater and current > n:
            tree = set_at(tree, other, n)
    return tree


def _has_path(tree: Json, path: Path) -> bool:
    for step in path:
        if not isinstance(tree, dict) or step not in tree:
            return False
        tree = tree[step]
    return True


# --- strings ------------------------------------------------------------------------------------------------


def _plain(node: SNode) -> bool:
    """A string member with no rule beyond its type and length (no pattern, format, path, enum, sub-rule)."""
    plain = _PLAIN.get(node)
    if plain is None:  # derived once per node: a walk of the rule table
        extra = set(node.schema) - {"type", "x-rule", "minLength", "maxLength", "default", "description"}
        plain = _PLAIN[node] = not extra and not any(r.startswith(node.rule + ".") for r in reference.RULES)
    return plain


_PLAIN: dict[SNode, bool] = {}


def _length_string(rng: random.Random, n: int, heavy: bool) -> str:
    return "".join(rng.choice(_HEAVY if heavy else _UNITS) for _ in range(max(n, 0)))


def timestamp_at(when: dt.datetime, offset_minutes: int, frac: str = "", leap: bool = False, sep: str = "T") -> str:
    """``when`` (UTC) written in the given offset; ``leap`` writes second 60 of the minute before ``when``
    (``when`` must then be at second 0 of its minute, in UTC)."""
    local = when + dt.timedelta(minutes=offset_minutes)
    if leap:
        local -= dt.timedelta(seconds=1)
    sign = "-" if offset_minutes < 0 else "+"
    off = "Z" if offset_minutes == 0 else f"{sign}{abs(offset_minutes) // 60:02d}:{abs(offset_minutes) % 60:02d}"
    sec = 60 if leap else local.second
    return f"{local:%Y-%m-%d}{sep}{local:%H:%M}:{sec:02d}{frac}{off}"


def calendar_edge(rng: random.Random, years: tuple[int, ...]) -> tuple[str, bool]:
    """A timestamp at one calendar edge, and whether it is valid: a month's last day or the day after, the
    29th of February in leap and common years, hour/minute/second/offset at their last and first invalid
    values, fractions of any length."""
    y = rng.choice(years)
    mo = rng.randint(1, 12)
    last = calendar.monthrange(y, mo)[1]
    d, h, mi, s, off = last, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59), "Z"
    valid = True
    edge = rng.randrange(6)
    if edge == 0:
        d = last + rng.choice((0, 1))
        valid = d <= last
    elif edge == 1:
        mo, d = 2, 29
        valid = calendar.isleap(y)
    elif edge == 2:
        h, mi, s = rng.choice(((23, 59, 60), (23, 59, 59), (0, 0, 0), (24, 0, 0), (23, 60, 0), (23, 59, 61)))
        valid = h <= 23 and mi <= 59 and s <= 60
    elif edge == 3:
        oh, om = rng.choice(((23, 59), (0, 0), (24, 0), (0, 60), (23, 60), (14, 0)))
        off = f"{rng.choice('+-')}{oh:02d}:{om:02d}"
        valid = oh <= 23 and om <= 59
    elif edge == 4:
        h, mi, s, off = 23, 59, 60, rng.choice(("Z", "z", "+00:00", "-00:00", "+23:59", "-23:59"))
    frac = rng.choice(("", ".0", ".999999999", "." + "9" * 20, ".000000001")) if edge == 5 or valid else ""
    return f"{y:04d}-{mo:02d}-{d:02d}{rng.choice('Tt')}{h:02d}:{mi:02d}:{s:02d}{frac}{off}", valid


def path_edge(rng: random.Random) -> tuple[str, Label]:
    """A path-like value at an edge of ``payload.path`` / ``payload.path.absolute``, with its label: dotted
    names that are no ``..`` segment, other separators and look-alikes (valid), a ``..`` segment between
    either separator, NUL, empty (``payload.path``), a start other than ``/`` (``payload.path.absolute``)."""
    near = ("...", "..a", "a..", ".", ".. ", " ..", "..\u200b", "\uff0e\uff0e", "%2e%2e", "\u2024\u2024", "....")
    names = ("a", "vm.qcow2", "a b", "é", "a\x01b", "a:b", "a|b")
    seps = ("/", "\\", "//", "/./")
    r = rng.random()
    segs = [rng.choice(near) if rng.random() < 0.6 else rng.choice(names) for _ in range(rng.randint(1, 4))]
    if r < 0.45:
        joined = "".join(s + rng.choice(seps) for s in segs[:-1]) + segs[-1]
        if rng.random() < 0.3:
            joined = joined.replace("/", rng.choice(LOOKALIKES[:4]), 1) + rng.choice(LOOKALIKES[:7]) + ".."
        return "/" + joined + rng.choice(("", "/", "\\", "/.")), ("payload.path", "valid")
    if r < 0.75:
        at = rng.randint(0, len(segs))
        segs.insert(at, "..")
        joined = "".join(s + rng.choice(("/", "\\")) for s in segs[:-1]) + segs[-1]
        return "/" + joined + rng.choice(("", "/", "\\")), ("payload.path", "invalid")
    if r < 0.85:
        return rng.choice(("", "/a\x00b", "/a/\x00", "\x00")), ("payload.path", "invalid")
    start = rng.choice(("\\", " /", "./", "C:/", "C:\\", "\\\\srv\\share\\", "file:///", "~/", "\u2215", "a/"))
    return start + rng.choice(names), ("payload.path.absolute", "invalid")


# --- the plans ------------------------------------------------------------------------------------------------


def plans(kind: str, doc: Json) -> list[Plan]:
    """Every boundary this document admits, each a plan labelled with the rule whose edge it probes."""
    out: list[Plan] = []
    base = Mutant(kind, doc)

    def plan(rule: str, operator: str, path: Path, fn: Apply) -> None:
        out.append(Plan(rule, operator, path, fn))

    def at(path: Path, new: Json, label: Label, operator: str, tree: Json = None) -> Mutant:
        tree = set_at(doc if tree is None else tree, path, new)
        return replace(base, tree=tree, rule=label[0], expect=label[1], operator=operator, pin=path)

    for path, node, v in sites(kind, doc):
        if not path:
            continue
        if node is None:
            if isinstance(v, dict):
                plan("parse.number.range", "number-edge", path, _number_edge(base, path, v))
            continue
        for rule, operator, fn in _site_plans(kind, doc, path, node, v, at):
            plan(rule, operator, path, fn)
    for rule, operator, path, fn in _document_plans(kind, doc, base):
        plan(rule, operator, path, fn)
    return out


def _site_plans(
    kind: str, doc: Json, path: Path, node: SNode, v: Json, at: Callable[..., Mutant]
) -> Iterator[tuple[str, str, Apply]]:
    s = node.schema
    if node.integer_bounds is not None and isinstance(v, int) and not isinstance(v, bool):
        edges = int_edges(kind, node, path)

        def integer(r: random.Random) -> Mutant | None:
            n = r.choice(edges)
            label = int_label(kind, node, path, n)
            tree = _repair_orderings(kind, doc, path, n) if label[1] != "invalid" else doc
            if tree is None:
                return None
            if n == 0 and r.random() < 0.3:  # the same integer, written as a negative zero
                m = at(path, _SENTINEL.format(20), label, "integer-edge", tree)
                return replace(m, raw=((json.dumps(_SENTINEL.format(20)), b"-0"),))
            return at(path, n, label, "integer-edge", tree)

        yield node.rule, "integer-edge", integer
    if isinstance(v, str):
        yield from _string_plans(kind, path, node, v, at)
    least = s.get("minItems", 0)
    if isinstance(v, list) and node.items is not None and least > 0:
        item = node.items

        def items(r: random.Random) -> Mutant:
            n = least - r.choice((0, 0, 1))
            return at(path, [_gen.value(r, item) for _ in range(n)], (node.rule, "valid" if n >= least else "invalid"),
                      "length-edge")  # fmt: skip

        yield node.rule, "length-edge", items
    if isinstance(v, dict) and (node.extra is not None or node.freeform_object):
        extra = node.extra

        def tricky_key(r: random.Random) -> Mutant:
            new = dict(v)
            new[r.choice(TRICKY_NAMES)] = _gen.freeform(r) if extra is None else _gen.value(r, extra)
            return at(path, new, (node.rule, "valid"), "tricky-name")

        yield node.rule, "tricky-name", tricky_key
    if isinstance(v, dict) and node.freeform_object:
        yield "parse.number.range", "number-edge", _number_edge(Mutant(kind, doc), path, v)
    if isinstance(v, dict) and kind == "job" and node.props and node.extra is None:
        rule = "payload.unknown-members" if path[:2] == ("payload", "data") else "core.unknown-members"
        known = sorted(node.props)

        def look_alike(r: random.Random) -> Mutant | None:
            name = r.choice(known)
            fake = r.choice((name.upper(), name.title(), name + " ", " " + name, name + "\u200b", name + "\u0000"))
            if fake in v or fake in node.props:
                return None
            return at((*path, fake), _gen.freeform(r), (rule, "valid"), "look-alike-member")

        yield rule, "look-alike-member", look_alike


def _string_plans(
    kind: str, path: Path, node: SNode, v: str, at: Callable[..., Mutant]
) -> Iterator[tuple[str, str, Apply]]:
    s = node.schema
    n = s.get("minLength", 0)
    rule = node.rule
    if n > 0 and (_plain(node) or rule == "core.job_id"):

        def length(r: random.Random) -> Mutant:
            short = r.random() < 0.5
            return at(path, _length_string(r, n - 1 if short else n, short), (rule, "invalid" if short else "valid"),
                      "length-edge")  # fmt: skip

        yield rule, "length-edge", length
    if rule == "core.job_id":
        charset = rule + ".charset"
        inside, outside = JOB_ID_EDGES

        def job_id(r: random.Random) -> Mutant:
            bad = r.random() < 0.4
            pool = outside if bad else inside + LOOKALIKES + ("..", ".")
            text = "".join(r.choice(pool) if r.random() < 0.5 else r.choice(_UNITS) for _ in range(r.randint(8, 14)))
            if bad and not any(not _job_id_char(c) for c in text):
                text += r.choice(outside)
            return at(path, text, (charset, "invalid" if bad else "valid"), "charset-edge")

        yield charset, "charset-edge", job_id
    if rule == "core.constraints.minimum_worker_version":
        semver = rule + ".semver"

        def version(r: random.Random) -> Mutant:
            bad = r.random() < 0.5
            return at(path, r.choice(SEMVER_INVALID if bad else SEMVER_VALID), (semver, "invalid" if bad else "valid"),
                      "semver-edge")  # fmt: skip

        yield semver, "semver-edge", version
    pattern = s.get("pattern")
    if pattern == _gen._CHECKSUM:

        def checksum(r: random.Random) -> Mutant:
            prefix = r.choice(("", "sha256:", "SHA256:", "sHa256:", "ShA256:"))
            digits = r.choice((64, 64, 63, 65))
            hexes = "".join(
                r.choice(r.choice(("0123456789abcdef", "0123456789ABCDEF", _gen._HEX))) for _ in range(digits)
            )
            text = prefix + hexes
            if digits == 64 and r.random() < 0.3:
                text = r.choice((text + "\n", " " + text, prefix + "٠" + hexes[1:], prefix.rstrip(":") + hexes))
            ok = re.fullmatch(pattern, text) is not None and not text.endswith("\n")
            return at(path, text, (rule, "valid" if ok else "invalid"), "pattern-edge")

        yield rule, "pattern-edge", checksum
    if s.get("format") == "date-time":
        later = {a for a, _b, _r in not_after()}
        years = (2032, 2096, 2100, 2400, 9999) if _dotted(path) in later else (1900, 1970, 1972, 2000, 2016, 2024, 2025)

        def stamp(r: random.Random) -> Mutant:
            text, ok = calendar_edge(r, years)
            return at(path, text, ("timestamp.valid", "valid" if ok else "invalid"), "calendar-edge")

        yield "timestamp.valid", "calendar-edge", stamp
    if s.get("x-path"):

        def traversal(r: random.Random) -> Mutant:
            text, label = path_edge(r)
            return at(path, text, label, "path-edge")

        yield "payload.path", "path-edge", traversal


def _number_edge(base: Mutant, path: Path, v: dict[str, Json]) -> Apply:
    """Number literals at the edges a reader's number type loses, in free-form data where any is accepted."""
    lits = (b"9007199254740993", b"9007199254740992", b"-9007199254740993", b"18446744073709551615",
            b"18446744073709551616", b"9223372036854775808", b"-9223372036854775809", b"-0", b"-0.0", b"0e0",
            b"1E+2", b"1e-7", b"5e-324", b"2.2250738585072014e-308", b"1.7976931348623157e308",
            b"1.7976931348623159e308", b"1e309", b"-1e309", b"0.1e1", b"100000000000000000000000000000.0")  # fmt: skip

    def apply(r: random.Random) -> Mutant:
        token = _SENTINEL.format(21)
        new = dict(v)
        new[r.choice(("n", "x.y", "a/b"))] = token
        tree = set_at(base.tree, path, new)
        return replace(base, tree=tree, rule="parse.number.range", expect="valid", operator="number-edge",
                       pin=path, raw=((json.dumps(token), r.choice(lits)),))  # fmt: skip

    return apply


def _document_plans(kind: str, doc: Json, base: Mutant) -> Iterator[tuple[str, str, Path, Apply]]:
    for lesser, greater, rule in orderings():
        low, high = _path_of(lesser), _path_of(greater)
        low_node, high_node = node_at(kind, {}, low), node_at(kind, {}, high)
        if low_node is None or high_node is None or not (low_node.integer_bounds and high_node.integer_bounds):
            continue
        top = min(high_node.integer_bounds[1], low_node.integer_bounds[1])
        lo = max(high_node.integer_bounds[0], low_node.integer_bounds[0])

        def order(r: random.Random, low: Path = low, high: Path = high, rule: str = rule, lo: int = lo,
                  top: int = top) -> Mutant | None:  # fmt: skip
            n = r.choice((lo, top, r.randint(lo, min(top, lo + 20)), r.randint(lo, top)))
            implied = _default(kind, ".".join(high))
            if isinstance(implied, int) and r.random() < 0.35:
                n = implied  # the greater member left out: the ordering holds after its default applies
            over = r.random() < 0.4 and n < top
            tree = _ensure(doc, low[:-1])
            tree = _ensure(tree, high[:-1])
            tree = set_at(set_at(tree, low, n + 1 if over else n), high, n)
            if n == implied:
                tree = set_at(tree, high[:-1], {k: x for k, x in get(tree, high[:-1]).items() if k != high[-1]})
            return replace(base, tree=tree, rule=rule, expect="invalid" if over else "valid", operator="ordering-edge",
                           pin=low)  # fmt: skip

        yield rule, "ordering-edge", low, order
    if kind == "job":
        yield "core.operation", "operation-edge", ("operation",), _operation_plan(doc, base)
        for later, earlier, rule in not_after():

            def pair(r: random.Random, later: str = later, earlier: str = earlier, rule: str = rule) -> Mutant:
                created, deadline, ok = instant_pair(r)
                tree = set_at(doc, _path_of(earlier), created)
                tree = set_at(_ensure(tree, _path_of(later)[:-1]), _path_of(later), deadline)
                return replace(base, tree=tree, rule=rule, expect="valid" if ok else "warning", operator="instant-edge",
                               pin=_path_of(later))  # fmt: skip

            yield rule, "instant-edge", _path_of(later), pair


def _ensure(tree: Json, path: Path) -> Json:
    """``tree`` with an object at ``path`` (an absent or null section becomes an empty one)."""
    if not path:
        return tree
    parent = _ensure(tree, path[:-1])
    holder = get(parent, path[:-1])
    if not isinstance(holder.get(path[-1]), dict):
        return set_at(parent, path, {})
    return parent


def instant_pair(r: random.Random) -> tuple[str, str, bool]:
    """Two timestamps one tick apart, equal, or the wrong way round, written in other offsets, with leap
    seconds and fractions beyond a microsecond; and whether the second is after the first."""
    day = dt.datetime(r.randint(2000, 2030), 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=r.randint(0, 364))
    midnight = day.replace(hour=0, minute=0, second=0)
    offsets = (0, 0, 60, -300, 330, 345, -(23 * 60 + 59), 23 * 60 + 59)
    o1, o2 = r.choice(offsets), r.choice(offsets)
    shape = r.randrange(4)
    if shape == 0:  # a leap second against its neighbours: 23:59:59 < 23:59:60 < next day 00:00:00
        nxt = midnight + dt.timedelta(days=1)
        forms = [(timestamp_at(nxt - dt.timedelta(seconds=1), o1), 0), (timestamp_at(nxt, o1, leap=True), 1),
                 (timestamp_at(nxt, o1), 2)]  # fmt: skip
        (a, ra), (b, rb) = r.choice(forms), r.choice(forms)
        if o1 != o2 and r.random() < 0.5:
            b = timestamp_at(nxt, o2, leap=True) if rb == 1 else timestamp_at(nxt - dt.timedelta(seconds=rb == 0), o2)
        return a, b, rb > ra
    when = midnight + dt.timedelta(seconds=r.randint(0, 86399))
    if shape == 1:  # one second apart, or the same instant, in two offsets
        delta = r.choice((-1, 0, 0, 1))
        return timestamp_at(when, o1), timestamp_at(when + dt.timedelta(seconds=delta), o2), delta > 0
    if shape == 2:  # fractions of other lengths, equal or a nanosecond apart
        digits = "".join(r.choice("0123456789") for _ in range(8))
        a = "." + digits + "0"
        b = r.choice(("." + digits, "." + digits + "00", "." + digits[:-1] + str(int(digits[-1]) + 1)
                      if digits[-1] != "9" else "." + digits))  # fmt: skip
        return timestamp_at(when, o1, a), timestamp_at(when, o1, b), b.rstrip("0") > a.rstrip("0")
    # a fraction against the next whole second
    return timestamp_at(when, o1, ".999999999"), timestamp_at(when + dt.timedelta(seconds=1), o2), True


def operation_edge(r: random.Random) -> tuple[str, str, Label]:
    """An operation and its payload type at their edges: one-character and many segments, the characters on
    either side of each range the charset allows, version segments with leading zeros or beyond u64 (valid),
    and version segments that only a lenient pattern takes (``V1``, a trailing newline, a non-ASCII digit)."""
    inside, outside = OPERATION_EDGES
    segs = ["".join(r.choice(inside) for _ in range(r.choice((1, 1, 2, 5, 64)))) for _ in range(r.choice((2, 2, 3, 9)))]
    label: Label = ("core.operation", "valid")
    if r.random() < 0.35:
        bad = r.choice([c for c in outside if c != "."] + ["A", "Z", "é", "ａ"])
        i = r.randrange(len(segs))
        segs[i] = segs[i][: len(segs[i]) // 2] + bad + segs[i][len(segs[i]) // 2 :]
        label = ("core.operation.charset", "invalid")
    op = ".".join(segs)
    version = r.choice(("v0", "v1", "v00", "v007", "v" + "9" * 25))
    if label[1] == "valid" and r.random() < 0.35:
        version = r.choice(("V1", "v1\n", "v\u0661", "v", "v1 ", "v-1", "v1.", "v\uff11", "1"))
        label = ("core.payload.type", "invalid")
    return op, f"{op}.{version}", label


def _operation_plan(doc: Json, base: Mutant) -> Apply:
    def apply(r: random.Random) -> Mutant:
        op, ptype, label = operation_edge(r)
        data = doc["payload"]["data"] if isinstance(doc["payload"].get("data"), dict) else {}
        tree = {**doc, "operation": op, "payload": {**doc["payload"], "type": ptype, "data": data}}
        return replace(base, tree=tree, rule=label[0], expect=label[1], operator="operation-edge", pin=("operation",))

    return apply
