"""Look-alike generation: documents whose text or values look like something they are not, each labelled with
the rule it exercises and the side it expects, and confirmed by the reference like any mutation.

An implementation built on a forgiving library shows its mistake only on such input, which neither a random
valid document nor a one-rule mutation is likely to hold:

- ``other-encoding``: the whole document in UTF-16 or UTF-32, with or without a byte-order mark (a reader
  that detects the encoding, as Python's ``json.loads(bytes)`` does, reads it);
- ``literal-type``: a string member whose text is itself a JSON literal written bare (``"1.0"`` as ``1.0``,
  ``"true"`` as ``true``), which a loosely typed comparison takes for the string;
- ``case-fold-name``: a member of the protocol spelt in another letter case, instead of the member (a required
  one is then absent) or beside it holding a value the member refuses (another member: valid);
- ``string-ends``: a constrained string with a line break or space at either end (a regular expression's
  ``$`` matches before a final newline);
- ``other-digits``: a constrained string's ASCII digits in another script's decimal digits (``\\d`` takes any
  Unicode digit); where nothing constrains the string they are just characters, and the document is valid;
- ``null-member``: an optional member set to null (valid where the schema allows null, else invalid);
- ``payload-version``: a known payload type with another version (``v2``, ``v10``, ``v01``), its data no longer
  what the known version asks: an unknown payload type, whose data is not checked;
- ``instant-precision``: the two instants of a "not after" warning rule one unit apart at each fraction digit
  (1 to 9), equal, or the wrong way round, written in other offsets, and around a leap second;
- ``nul-inside``: a constrained string with a NUL and more after it (a C string comparison stops at the NUL);
- ``literal-string``: a boolean or integer member as a string of its literal (``"false"``, ``"30"``), which a
  lenient binder converts;
- ``other-vocabulary``: an enumerated value in another vocabulary's word or spelling (``canceled``, ``yml``,
  ``info``, a doubled letter single);
- ``spaced-length``: a string at its minimum length only when its spaces count (a trimming check refuses it);
- ``machine-width``: an integer at a 32-bit, double or 64-bit edge the member allows (a narrower binder refuses);
- ``instant-form``: an instant in year 0000 or 9999, a leap second at another minute than 23:59, days 29-31,
  a decimal point with no digit;
- ``percent-path``: a path with a percent-encoded dot segment (text: no decoding is asked of a path);
- ``cesu-8``: a character beyond the BMP written as two encoded surrogates (Java's and MySQL's ``utf8``);
- ``type-case``: a payload type whose operation part is in another letter case.

Where only the reference knows the side (a null where a consistency rule may apply, an integer that may draw
a warning, a year 0000), the case carries :data:`._mutate.ANY` and the reference's verdict labels it.

What is constrained comes from the published schemas (``pattern``, ``const``, ``enum``, ``format``) and the rule
table (the "not after" orderings); the digits and case variants are derived (``str.isdigit``, ``str.upper``).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import Any

import reference

from ._boundary import _ensure, _path_of, not_after, timestamp_at
from ._mutate import _SENTINEL, ANY, Mutant, Plan, set_at, sites
from ._schemas import SNode

Json = Any
Path = tuple[Any, ...]
Apply = Callable[[random.Random], Mutant | None]
SYNTAX, ENCODING = "parse.syntax", "parse.encoding"
TYPE_RULE = "core.payload.type.matches-operation"

#: Zeros of decimal-digit runs (Unicode category Nd) of other scripts: Arabic-Indic, Extended Arabic-Indic,
#: Devanagari, Bengali, Thai, fullwidth, mathematical bold.
OTHER_ZEROS = (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0xFF10, 0x1D7CE)
#: What a string may carry at an end that a trimming or ``$``-anchored check overlooks.
ENDS = ("\n", "\r\n", "\r", " ", "\t", "\u00a0", "\u2028", "\x0b")
#: The document's encodings other than UTF-8, with their byte-order marks.
ENCODINGS = (("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00"),
             ("utf-32-be", b"\x00\x00\xfe\xff"))  # fmt: skip
#: Fraction lengths of the instant pairs: every digit down to the nanosecond, then finer (no limit applies).
FRACTION_DIGITS = (*range(1, 10), 12, 18)
#: Other vocabularies' words for enumerated values (a synonym, another spelling, a short form), beside the
#: spellings derived from the value itself (a doubled letter single, a vowel dropped).
ALIASES: dict[str, tuple[str, ...]] = {
    "cancelled": ("canceled", "cancel", "aborted"), "completed": ("complete", "succeeded", "success", "done"),
    "failed": ("failure", "error"), "timeout": ("timed_out", "expired"), "running": ("in_progress", "started"),
    "pending": ("queued", "waiting"), "assigned": ("scheduled",), "ready": ("idle", "online"), "busy": ("working",),
    "offline": ("down",), "yaml": ("yml",), "json": ("jsonl",), "low": ("info", "debug"), "medium": ("warning",),
    "high": ("error", "major"), "critical": ("fatal", "crit"), "qcow2": ("qcow",), "vhdx": ("vhd",),
}  # fmt: skip
#: Integers at the edges of machine widths (a signed or unsigned 32-bit binder, a double, a signed 64-bit one),
#: each side: used where the member allows them.
MACHINE = ((2**31 - 1, 2**31), (2**32 - 1, 2**32), (2**53, 2**53 + 1), (2**63 - 1, 2**63))
#: Instants at the calendar's edges: the first and last years, a leap second at minutes other than 23:59, days 29
#: to 31, an empty fraction.
INSTANTS = ("0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-03-01T10:00:60Z", "2026-06-30T12:59:60+01:00",
            "2026-02-29T10:00:00Z", "2024-02-29T10:00:00Z", "2100-02-29T10:00:00Z", "2026-04-31T10:00:00Z",
            "2026-01-31T10:00:00Z", "2026-03-01T10:01:00.Z", "2026-03-01T10:01:00.5Z")  # fmt: skip
#: Percent-encoded dot segments: text, never a parent directory (no decoding is asked of a path).
PERCENT = ("%2e%2e", "%2E%2E", "..%2f", "%2e%2e%2f")


def _constrained(node: SNode | None) -> bool:
    """A string member whose text a rule constrains beyond its type (a path's rules refuse no end or digit)."""
    if node is None or node.rule.startswith("payload.path"):
        return False
    return any(k in node.schema for k in ("pattern", "const", "enum", "format")) or bool(_children(node))


def _children(node: SNode) -> tuple[str, ...]:
    """The rules that refine the member's own (``core.job_id.charset`` of ``core.job_id``)."""
    return _refining(node.rule)


@cache
def _refining(rule: str) -> tuple[str, ...]:
    return tuple(r for r in reference.RULES if r.startswith(rule + ".") and reference.RULES[r].klass != "behaviour")


def _text_rule(node: SNode) -> str:
    """The rule a string that breaks the member's constraint breaks: a timestamp's, the one rule refining the
    member's, or the member's own."""
    if node.schema.get("format") == "date-time":
        return "timestamp.valid"
    if not any(k in node.schema for k in ("pattern", "const", "enum")) and len(_children(node)) == 1:
        return _children(node)[0]
    return node.rule


def _unknown_rule(kind: str, path: Path) -> str:
    if kind != "job":
        return {"result": "result.job_id", "progress": "progress.message", "worker": "worker.worker_id"}[kind]
    return "payload.unknown-members" if path[:2] == ("payload", "data") else "core.unknown-members"


def _fold(name: str) -> list[str]:
    return [v for v in dict.fromkeys((name[:1].upper() + name[1:], name.upper(), name.lower())) if v != name]


def plans(kind: str, doc: Json) -> list[Plan]:
    """Every look-alike this document admits, each labelled with the rule it exercises."""
    out: list[Plan] = []
    base = Mutant(kind, doc)
    every = list(sites(kind, doc))

    def plan(rule: str, operator: str, fn: Apply) -> None:
        out.append(Plan(rule, operator, (), fn))

    def raw(path: Path, text: bytes, rule: str, expect: str, operator: str) -> Mutant:
        token = _SENTINEL.format(40)
        return replace(base, tree=set_at(doc, path, token), rule=rule, expect=expect, operator=operator, pin=path,
                       raw=((json.dumps(token), text),))  # fmt: skip

    def encoded(r: random.Random) -> Mutant:
        enc, bom = r.choice(ENCODINGS)
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode(enc)
        data = (bom if r.random() < 0.3 else b"") + text
        # Read as UTF-8, text that decodes holds NUL bytes between tokens (a syntax error); other text is no UTF-8.
        try:
            data.decode("utf-8")
            rule = SYNTAX
        except UnicodeDecodeError:
            rule = ENCODING
        return raw((), data, rule, "invalid", "other-encoding")

    plan(SYNTAX, "other-encoding", encoded)
    strings = [(p, n, v) for p, n, v in every if p and isinstance(v, str) and n is not None]
    literal_like = [(p, n, v) for p, n, v in strings if _bare_literal(v) is not None]
    if literal_like:

        def literal_type(r: random.Random) -> Mutant:
            p, n, v = r.choice(literal_like)
            return raw(p, (_bare_literal(v) or v).encode(), n.rule if n else SYNTAX, "invalid", "literal-type")

        plan(SYNTAX, "literal-type", literal_type)
    constrained = [(p, n, v) for p, n, v in strings if _constrained(n) and n.schema.get("format") != "date-time"]
    if constrained:
        # Half the time a member a regular expression checks, and a final line feed: where ``$`` goes wrong.
        matched = [(p, n, v) for p, n, v in constrained if n is not None and "pattern" in n.schema]

        def ends(r: random.Random) -> Mutant:
            regex = bool(matched) and r.random() < 0.5
            p, n, v = r.choice(matched if regex else constrained)
            end = "\n" if r.random() < 0.5 else r.choice(ENDS)
            new = v + end if regex or r.random() < 0.7 else end + v
            return replace(base, tree=set_at(doc, p, new), rule=_text_rule(n) if n else SYNTAX, expect="invalid",
                           operator="string-ends", pin=p)  # fmt: skip

        plan(SYNTAX, "string-ends", ends)
    digits = [(p, n, v) for p, n, v in strings if any(c in "0123456789" for c in v)]
    # Half the time a member a regular expression checks: where ``\d`` takes any Unicode digit.
    checked = [(p, n, v) for p, n, v in digits if n is not None and "pattern" in n.schema]
    if digits:

        def other_digits(r: random.Random) -> Mutant:
            p, n, v = r.choice(checked if checked and r.random() < 0.5 else digits)
            zero = r.choice(OTHER_ZEROS)
            every_digit = r.random() < 0.5
            new, done = [], False
            for c in v:
                if c in "0123456789" and (every_digit or not done):
                    new.append(chr(zero + int(c)))
                    done = True
                else:
                    new.append(c)
            ok = not _constrained(n)
            return replace(base, tree=set_at(doc, p, "".join(new)), rule=_text_rule(n) if n else SYNTAX,
                           expect="valid" if ok else "invalid", operator="other-digits", pin=p)  # fmt: skip

        plan(SYNTAX, "other-digits", other_digits)
    objects = [(p, n, v) for p, n, v in every if isinstance(v, dict) and n is not None and n.props]
    foldable = [(p, n, v, k) for p, n, v in objects for k in v if k in n.props and _fold(k)]
    if foldable:

        def case_fold(r: random.Random) -> Mutant | None:
            p, n, v, k = r.choice(foldable)
            other = r.choice(_fold(k))
            if other in v:
                return None
            if k in n.required and r.random() < 0.6:  # instead of a required member: it is absent
                obj = {(other if name == k else name): x for name, x in v.items()}
                rule = n.missing_rule.get(k, n.props[k].rule)
                return replace(base, tree=set_at(doc, p, obj), rule=rule, expect="invalid", operator="case-fold-name",
                               pin=p)  # fmt: skip
            obj = dict(v)
            obj[other] = _refused(n.props[k], v[k])
            return replace(base, tree=set_at(doc, p, obj), rule=_unknown_rule(kind, p), expect="valid",
                           operator="case-fold-name", pin=(*p, other))  # fmt: skip

        plan(SYNTAX, "case-fold-name", case_fold)
    parents = {p: n for p, n, _v in every}
    optional = [(p, n) for p, n, _v in every if p and n is not None and n.types is not None and _optional(parents, p)]
    if optional:

        def null_member(r: random.Random) -> Mutant:
            p, n = r.choice(optional)
            return replace(base, tree=set_at(doc, p, None), rule=n.rule, expect=ANY, operator="null-member", pin=p)

        plan(SYNTAX, "null-member", null_member)
    ptype = doc.get("payload", {}).get("type") if kind == "job" and isinstance(doc.get("payload"), dict) else None
    if isinstance(ptype, str) and ptype in reference.PAYLOAD_TYPES:

        def payload_version(r: random.Random) -> Mutant:
            stem = ptype.rsplit(".", 1)[0]
            new = f"{stem}.{r.choice(('v2', 'v0', 'v10', 'v11', 'v01', 'v100'))}"
            data = r.choice(({}, {"image": "not-an-object"}, {"target": "/vms/a.qcow2"}, {"image": {"path": 7}}))
            tree = set_at(set_at(doc, ("payload", "type"), new), ("payload", "data"), data)
            return replace(base, tree=tree, rule="core.payload.type", expect="valid", operator="payload-version",
                           pin=("payload",))  # fmt: skip

        plan("core.payload.type", "payload-version", payload_version)

        def type_case(r: random.Random) -> Mutant | None:
            stem, version = ptype.rsplit(".", 1)
            new = r.choice([f for f in (stem.upper(), stem.title(), stem.capitalize()) if f != stem] or [stem])
            if new == stem:
                return None
            return replace(base, tree=set_at(doc, ("payload", "type"), f"{new}.{version}"), rule=TYPE_RULE,
                           expect=ANY, operator="type-case", pin=("payload",))  # fmt: skip

        plan(TYPE_RULE, "type-case", type_case)
    if constrained:

        def nul_inside(r: random.Random) -> Mutant:
            p, n, v = r.choice(constrained)
            new = v + "\x00" + r.choice(("", "admin", v))
            return replace(base, tree=set_at(doc, p, new), rule=_text_rule(n) if n else SYNTAX, expect="invalid",
                           operator="nul-inside", pin=p)  # fmt: skip

        plan(SYNTAX, "nul-inside", nul_inside)
    literal = [(p, n, v) for p, n, v in every if p and n is not None and n.types is not None
               and isinstance(v, (bool, int)) and "string" not in n.types]  # fmt: skip
    if literal:

        def literal_string(r: random.Random) -> Mutant:
            p, n, v = r.choice(literal)
            return replace(base, tree=set_at(doc, p, json.dumps(v)), rule=n.rule, expect="invalid",
                           operator="literal-string", pin=p)  # fmt: skip

        plan(SYNTAX, "literal-string", literal_string)
    enumerated = [(p, n, v) for p, n, v in strings if n is not None and "enum" in n.schema]
    if enumerated:

        def vocabulary(r: random.Random) -> Mutant | None:
            p, n, v = r.choice(enumerated)
            others = (w for value in n.schema["enum"] for w in ALIASES.get(value, ()))
            words = [w for w in (*others, *_spellings(v)) if w not in n.schema["enum"]]
            if not words:
                return None
            return replace(base, tree=set_at(doc, p, r.choice(words)), rule=_text_rule(n), expect="invalid",
                           operator="other-vocabulary", pin=p)  # fmt: skip

        plan(SYNTAX, "other-vocabulary", vocabulary)
    spaced = [(p, n, v) for p, n, v in strings if n is not None and n.schema.get("minLength", 0) > 2]
    if spaced:

        def spaced_length(r: random.Random) -> Mutant:
            p, n, v = r.choice(spaced)
            least = n.schema["minLength"]
            core = v.strip()[: least - 2] or "j"
            pad = " " * (least - len(core))
            new = pad + core if r.random() < 0.5 else core + pad
            return replace(base, tree=set_at(doc, p, new), rule=n.rule, expect=ANY, operator="spaced-length", pin=p)

        plan(SYNTAX, "spaced-length", spaced_length)
    integers = [(p, n) for p, n, v in every if p and n is not None and isinstance(v, int) and not isinstance(v, bool)
                and n.integer_bounds is not None]  # fmt: skip
    if integers:

        def machine_width(r: random.Random) -> Mutant | None:
            p, n = r.choice(integers)
            lo, hi, _top = n.integer_bounds or (0, 0, 0)
            edges = [[x for x in edge if lo <= x <= hi] for edge in MACHINE]
            inside = [edge for edge in edges if edge]
            if not inside:
                return None
            return replace(base, tree=set_at(doc, p, r.choice(r.choice(inside))), rule=n.rule, expect=ANY,
                           operator="machine-width", pin=p)  # fmt: skip

        plan(SYNTAX, "machine-width", machine_width)
    instants = [(p, n) for p, n, _v in strings if n is not None and n.schema.get("format") == "date-time"]
    if instants:

        def instant_form(r: random.Random) -> Mutant:
            p, n = r.choice(instants)
            return replace(base, tree=set_at(doc, p, r.choice(INSTANTS)), rule="timestamp.valid", expect=ANY,
                           operator="instant-form", pin=p)  # fmt: skip

        plan("timestamp.valid", "instant-form", instant_form)
    paths = [(p, n, v) for p, n, v in strings if n is not None and n.rule.startswith("payload.path") and "/" in v]
    if paths:

        def percent_path(r: random.Random) -> Mutant:
            p, n, v = r.choice(paths)
            head, _, tail = v.rpartition("/")
            new = f"{head}/{r.choice(PERCENT)}/{tail}"
            return replace(base, tree=set_at(doc, p, new), rule=n.rule, expect=ANY, operator="percent-path", pin=p)

        plan("payload.path", "percent-path", percent_path)
    texts = [(p, n) for p, n, v in strings if n is not None and not _constrained(n)]
    if texts:

        def cesu(r: random.Random) -> Mutant:
            p, _n = r.choice(texts)
            char = chr(r.randint(0x10000, 0x10FFFF) if r.random() < 0.5 else 0x1F600)
            return raw(p, b'"a' + cesu_8(char) + b'"', ENCODING, "invalid", "cesu-8")

        plan(ENCODING, "cesu-8", cesu)
    if kind == "job":
        for later, earlier, rule in not_after():

            def pair(r: random.Random, later: str = later, earlier: str = earlier, rule: str = rule) -> Mutant:
                first, second, after = instant_pair(r)
                tree = set_at(doc, _path_of(earlier), first)
                tree = set_at(_ensure(tree, _path_of(later)[:-1]), _path_of(later), second)
                return replace(base, tree=tree, rule=rule, expect="valid" if after else "warning",
                               operator="instant-precision", pin=_path_of(later))  # fmt: skip

            plan(rule, "instant-precision", pair)
    return out


def cesu_8(text: str) -> bytes:
    """``text`` in CESU-8 (Java's and MySQL's ``utf8``): each character beyond the BMP as its two UTF-16
    surrogates, each written as UTF-8 writes a code point; no UTF-8 reader may take it."""
    units = text.encode("utf-16-be")
    return "".join(chr(int.from_bytes(units[i : i + 2], "big")) for i in range(0, len(units), 2)).encode(
        "utf-8", "surrogatepass"
    )


def _spellings(v: str) -> list[str]:
    """``v`` spelt otherwise: each doubled letter single, each vowel but the first dropped."""
    out = [v[:i] + v[i + 1 :] for i in range(1, len(v)) if v[i] == v[i - 1] and v[i].isalpha()]
    out += [v[:i] + v[i + 1 :] for i in range(1, len(v)) if v[i] in "aeiou"]
    return [w for w in dict.fromkeys(out) if w and w != v]


def _bare_literal(v: str) -> str | None:
    """``v`` written as a JSON literal of another type when its text is one (``1.0``, ``true``), else None."""
    try:
        parsed = json.loads(v)
    except ValueError:
        return None
    return v if not isinstance(parsed, (str, dict, list)) and v.strip() == v else None


def _refused(node: SNode, current: Json) -> Json:
    """A value the member refuses: one of a type it does not take, or a string no constraint lets through."""
    types = node.types or ()
    for t, v in (("string", "\u0000 refused \u0000"), ("integer", -1), ("object", {"x": 1}), ("array", [{}])):
        if t not in types:
            return v
    return current


def _optional(parents: dict[Path, SNode | None], path: Path) -> bool:
    parent = parents.get(path[:-1])
    return parent is not None and isinstance(path[-1], str) and path[-1] not in parent.required


def instant_pair(r: random.Random) -> tuple[str, str, bool]:
    """Two instants (the earlier member's, then the later one's) one unit apart at a fraction digit, equal,
    or the wrong way round, in one or two offsets, or around a leap second; and whether the second is after."""
    offsets = (0, 0, 60, -300, 330, -(23 * 60 + 59), 23 * 60 + 59)
    o1, o2 = r.choice(offsets), r.choice(offsets)
    day = dt.datetime(r.randint(2000, 2030), 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=r.randint(0, 364))
    digits = r.choice(FRACTION_DIGITS)
    if r.random() < 0.35:  # a leap second: 23:59:59.x < 23:59:60.x < next day 00:00:00.x
        nxt = day.replace(hour=0, minute=0, second=0) + dt.timedelta(days=1)
        fa, fb = _fraction(r, digits), _fraction(r, digits)
        forms = [
            (timestamp_at(nxt - dt.timedelta(seconds=1), o1, "." + fa), (0, fa)),
            (timestamp_at(nxt, o1, "." + fa, leap=True), (1, fa)),
            (timestamp_at(nxt, o1, "." + fa), (2, fa)),
        ]
        (a, ka), (b, kb) = r.choice(forms), r.choice(forms)
        if r.random() < 0.5:
            rank = kb[0]
            b = (
                timestamp_at(nxt, o2, "." + fb, leap=True)
                if rank == 1
                else timestamp_at(nxt - dt.timedelta(seconds=rank == 0), o2, "." + fb)
            )
            kb = (rank, fb)
        return a, b, (kb[0], kb[1].ljust(9, "0")) > (ka[0], ka[1].ljust(9, "0"))
    when = day + dt.timedelta(seconds=r.randint(0, 86399))
    fa = _fraction(r, digits)
    step = r.choice((-1, 0, 1, 1))
    fb_int = int(fa) + step
    shift = 0
    if fb_int < 0:
        fb_int, shift = 10**digits - 1, -1
    elif fb_int >= 10**digits:
        fb_int, shift = 0, 1
    fb = f"{fb_int:0{digits}d}"
    a = timestamp_at(when, o1, "." + fa)
    b = timestamp_at(when + dt.timedelta(seconds=shift), o2, "." + fb)
    return a, b, step > 0


def _fraction(r: random.Random, digits: int) -> str:
    return "".join(r.choice("0123456789") for _ in range(digits))
