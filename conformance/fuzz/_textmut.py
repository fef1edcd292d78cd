"""Text-level mutations: the JSON text itself changed, not only the value tree.

A reader that accepts what RFC 8259 forbids, or rejects what it allows, shows it only on text a JSON
writer never produces: whitespace other than the four RFC 8259 characters (or many of those four, around
and between every token), escapes (``\\u`` in either case, surrogate pairs, lone surrogates, an escaped
``/``, a member name spelt with escapes), literal forms (``1.0``, ``1e2``, ``-0``, leading zeros, ``+1``,
``.5``, ``NaN``, ``True``), raw control characters in strings, invalid and edge UTF-8 sequences, comments,
trailing and missing commas, and duplicate member names that are equal only once their escapes are
decoded. Each plan rewrites the text of one value (carried as a raw substitution, as :mod:`._mutate` does:
the tree holds a sentinel where the rewritten text goes, so the shrinker keeps it) and labels the document
with its rule and the side it expects; the reference confirms it like any mutation.

Which characters are whitespace, controls or surrogates is derived (``str.isspace``, the category Cc, the
UTF-8 encoder), not listed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import Any

import reference

from . import _gen
from ._boundary import LOOKALIKES
from ._mutate import _SENTINEL, Mutant, Plan, set_at, sites
from ._schemas import SNode

Json = Any
Path = tuple[Any, ...]
Apply = Callable[[random.Random], Mutant | None]

#: RFC 8259's whitespace: the only characters allowed between tokens.
JSON_SPACE = " \t\n\r"
SYNTAX, ENCODING = "parse.syntax", "parse.encoding"


@cache
def other_spaces() -> tuple[str, ...]:
    """Every character Unicode or a lenient reader takes for white space that RFC 8259 does not: all of
    ``str.isspace`` but the four, and the zero-width ones (``\\u200b``; ``\\ufeff`` where it is no BOM)."""
    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace() and chr(c) not in JSON_SPACE]
    return (*spaces, "\u200b", "\ufeff", "\x00")


def json_space(r: random.Random) -> str:
    """A run of RFC 8259 whitespace: nothing, one character, CRLF, or a long mixed run."""
    return r.choice(("", " ", "\t", "\n", "\r", "\r\n", "\n\t  ", "".join(r.choice(JSON_SPACE) for _ in range(200))))


# --- a writer with knobs: whitespace between tokens, escapes in strings ----------------------------------


def escape(s: str, r: random.Random, share: float = 1.0) -> str:
    """``s`` as a JSON string whose characters are escaped in every form RFC 8259 allows: ``\\u`` in lower or
    upper hex, surrogate pairs for characters beyond the BMP, ``\\/``, the two-character escapes."""
    short = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    out = ['"']
    for c in s:
        cp = ord(c)
        if r.random() >= share and cp >= 0x20 and c not in '"\\':
            out.append(c)
        elif c in short and r.random() < 0.5:
            out.append(short[c])
        else:
            hexes = (f"{cp:04x}",) if cp < 0x10000 else _pair(cp)
            upper = r.random() < 0.5
            out.append("".join("\\u" + (h.upper() if upper else h) for h in hexes))
    return "".join(out) + '"'


def _pair(cp: int) -> tuple[str, str]:
    v = cp - 0x10000
    return f"{0xD800 + (v >> 10):04x}", f"{0xDC00 + (v & 0x3FF):04x}"


def write(v: Json, r: random.Random, space: Callable[[], str], esc: float = 0.0) -> str:
    """``v`` as JSON text with ``space()`` around every token and a share ``esc`` of string characters escaped."""

    def string(s: str) -> str:
        return escape(s, r, esc) if esc else json.dumps(s, ensure_ascii=False)

    if isinstance(v, dict):
        members = [
            space() + string(k) + space() + ":" + space() + write(x, r, space, esc) + space() for k, x in v.items()
        ]
        return "{" + ",".join(members) + (space() if not members else "") + "}"
    if isinstance(v, list):
        items = [space() + write(x, r, space, esc) + space() for x in v]
        return "[" + ",".join(items) + (space() if not items else "") + "]"
    if isinstance(v, str):
        return string(v)
    return json.dumps(v, allow_nan=False)


# --- the plans ---------------------------------------------------------------------------------------------


def _plain_string(node: SNode | None) -> bool:
    """A string whose content no rule constrains (free-form data, names, messages): any character may go in."""
    if node is None:
        return True
    plain = _PLAIN.get(node)
    if plain is None:
        # Derived once per schema node (nodes live as long as the schema tree): a walk of the rule table.
        extra = set(node.schema) - {"type", "x-rule", "default", "description"}
        plain = _PLAIN[node] = not extra and not any(r.startswith(node.rule + ".") for r in reference.RULES)
    return plain


_PLAIN: dict[SNode, bool] = {}


def plans(kind: str, doc: Json) -> list[Plan]:
    """Every text-level mutation this document admits, each labelled with the rule it exercises."""
    out: list[Plan] = []
    base = Mutant(kind, doc)
    every = [(p, n, v) for p, n, v in sites(kind, doc) if p]
    if not every:
        return out

    def raw(path: Path, text: bytes, rule: str, expect: str, operator: str) -> Mutant:
        token = _SENTINEL.format(30)
        return replace(base, tree=set_at(doc, path, token), rule=rule, expect=expect, operator=operator, pin=path,
                       raw=((json.dumps(token), text),))  # fmt: skip

    def plan(rule: str, operator: str, fn: Apply) -> None:
        out.append(Plan(rule, operator, (), fn))

    containers = [(p, v) for p, _n, v in every if isinstance(v, (dict, list)) and v]
    plain = [(p, v) for p, n, v in every if isinstance(v, str) and _plain_string(n)]
    strings = [(p, v) for p, _n, v in every if isinstance(v, str)]
    numbers = [(p, n, v) for p, n, v in every if isinstance(v, (int, float)) and not isinstance(v, bool)]
    free = [p for p, n, v in every if isinstance(v, dict) and (n is None or n.freeform_object)]

    def whitespace(r: random.Random) -> Mutant:
        if r.random() < 0.2 or not containers:
            return replace(base, rule=SYNTAX, expect="valid", operator="json-whitespace", prefix=json_space(r).encode(),
                           suffix=json_space(r).encode())  # fmt: skip
        p, v = r.choice(containers)
        return raw(p, write(v, r, lambda: json_space(r)).encode(), SYNTAX, "valid", "json-whitespace")

    def bad_space(r: random.Random) -> Mutant:
        odd = r.choice(other_spaces())
        if r.random() < 0.15:
            return replace(base, rule=SYNTAX, expect="invalid", operator="other-whitespace", suffix=odd.encode())
        p, _n, v = r.choice(every)
        text = json.dumps(v, ensure_ascii=False)
        return raw(p, (r.choice((odd + text, text + odd, odd + text + " "))).encode(), SYNTAX, "invalid",
                   "other-whitespace")  # fmt: skip

    plan(SYNTAX, "json-whitespace", whitespace)
    plan(SYNTAX, "other-whitespace", bad_space)

    def escapes(r: random.Random) -> Mutant:
        if containers and r.random() < 0.5:  # names and values of a whole object or array, escaped
            p, c = r.choice(containers)
            return raw(p, write(c, r, lambda: "", esc=r.choice((0.3, 1.0))).encode(), SYNTAX, "valid", "escapes")
        p, s = r.choice(strings)
        return raw(p, escape(s, r, r.choice((0.3, 1.0))).encode(), SYNTAX, "valid", "escapes")

    plan(SYNTAX, "escapes", escapes)

    def surrogates(r: random.Random) -> Mutant:
        p, v = r.choice(strings)
        lone = r.choice(
            ("\\ud800", "\\uDBFF", "\\udc00", "\\uDFFF", "\\udc00\\ud800", "\\ud800\\u0041", "\\ud800\\ud800")
        )
        at = r.randint(0, len(v))
        text = escape(v[:at], r, 0.0)[:-1] + lone + escape(v[at:], r, 0.0)[1:]
        return raw(p, text.encode(), ENCODING, "invalid", "lone-surrogate")

    def bad_escape(r: random.Random) -> Mutant:
        p, v = r.choice(strings)
        bad = r.choice(("\\x41", "\\'", "\\U00000041", "\\u12", "\\u12G4", "\\a", "\\0", "\\ ", "\\u{41}", "\\"))
        text = escape(v, r, 0.0)[:-1] + bad + '"'
        return raw(p, text.encode(), SYNTAX, "invalid", "bad-escape")

    plan(ENCODING, "lone-surrogate", surrogates)
    plan(SYNTAX, "bad-escape", bad_escape)

    def control(r: random.Random) -> Mutant:
        p, v = r.choice(strings)
        c = chr(r.choice((0, 1, 9, 10, 13, 0x1F)))
        at = r.randint(0, len(v))
        text = json.dumps(v[:at], ensure_ascii=False)[:-1] + c + json.dumps(v[at:], ensure_ascii=False)[1:]
        return raw(p, text.encode(), SYNTAX, "invalid", "raw-control")

    plan(SYNTAX, "raw-control", control)
    if plain:

        def allowed_raw(r: random.Random) -> Mutant:
            # Unescaped characters RFC 8259 allows in a string that look like controls, spaces or separators.
            p, v = r.choice(plain)
            c = r.choice(("\x7f", "\x80", "\x9f", "\u0085", *LOOKALIKES))
            at = r.randint(0, len(v))
            return raw(p, json.dumps(v[:at] + c + v[at:], ensure_ascii=False).encode(), SYNTAX, "valid", "raw-allowed")

        def utf8_edge(r: random.Random) -> Mutant:
            p, v = r.choice(plain)
            ok = r.random() < 0.5
            seq = r.choice(_UTF8_VALID if ok else _UTF8_INVALID)
            text = json.dumps(v[:2], ensure_ascii=False).encode()[:-1] + seq + b'"'
            return raw(p, text, ENCODING, "valid" if ok else "invalid", "utf8-edge")

        plan(SYNTAX, "raw-allowed", allowed_raw)
        plan(ENCODING, "utf8-edge", utf8_edge)

    def literal(r: random.Random) -> Mutant:
        p, _n, v = r.choice(every)
        lit = r.choice(_BAD_LITERALS)
        return raw(p, lit, SYNTAX, "invalid", "bad-literal")

    plan(SYNTAX, "bad-literal", literal)
    if numbers:

        def integer_form(r: random.Random) -> Mutant:
            p, n, v = r.choice(numbers)
            if n is not None and n.integer_bounds is not None and isinstance(v, int):
                form = r.choice((f"{v}.0", f"{v}e0", f"{v}E+0", f"{v * 10}e-1", f"{v}.00"))
                return raw(p, form.encode(), "parse.integer.literal", "invalid", "number-form")
            return raw(p, r.choice(_NUMBER_FORMS), SYNTAX, "valid", "number-form")

        plan("parse.integer.literal", "number-form", integer_form)
    if free:

        def free_number(r: random.Random) -> Mutant:
            p = r.choice(free)
            token = _SENTINEL.format(31)
            tree = set_at(doc, (*p, "n"), token)
            return replace(base, tree=tree, rule=SYNTAX, expect="valid", operator="number-form", pin=(*p, "n"),
                           raw=((json.dumps(token), r.choice(_NUMBER_FORMS)),))  # fmt: skip

        plan(SYNTAX, "number-form", free_number)

    def comment(r: random.Random) -> Mutant:
        p, _n, v = r.choice(every)
        note = r.choice(("/* c */", "// c\n", "# c\n", "<!-- c -->", "/**/"))
        text = json.dumps(v, ensure_ascii=False)
        return raw(p, (r.choice((note + text, text + note))).encode(), SYNTAX, "invalid", "comment")

    plan(SYNTAX, "comment", comment)
    if containers:

        def punctuation(r: random.Random) -> Mutant:
            p, v = r.choice(containers)
            text = write(v, r, lambda: "")
            close = text[-1]
            text = r.choice((text[:-1] + "," + close, text[0] + "," + text[1:], text[:-1] + ",," + close if len(v) else
                             text[:-1] + ",", text[:-1], text + close))  # fmt: skip
            if len(v) > 1 and r.random() < 0.3:  # a missing comma between members or items
                parts = [write(x, r, lambda: "") for x in v.values()] if isinstance(v, dict) else []
                if isinstance(v, dict):
                    parts = [json.dumps(k, ensure_ascii=False) + ":" + x for k, x in zip(v, parts, strict=True)]
                else:
                    parts = [write(x, r, lambda: "") for x in v]
                at = r.randrange(1, len(parts))
                text = close.replace("}", "{").replace("]", "[") + ",".join(parts[:at]) + " " + ",".join(parts[at:])
                text += close
            return raw(p, text.encode(), SYNTAX, "invalid", "punctuation")

        plan(SYNTAX, "punctuation", punctuation)
    objects = [(p, v) for p, v in containers if isinstance(v, dict)]
    if objects:

        def escaped_duplicate(r: random.Random) -> Mutant:
            # The same name twice, spelt differently: equal only once escapes are decoded.
            p, v = r.choice(objects)
            name = r.choice(sorted(v))
            members = [
                json.dumps(k, ensure_ascii=False) + ":" + json.dumps(x, ensure_ascii=False) for k, x in v.items()
            ]
            members.append(escape(name, r, 1.0) + ":" + json.dumps(v[name], ensure_ascii=False))
            r.shuffle(members)
            return raw(p, ("{" + ",".join(members) + "}").encode(), "parse.duplicate-member", "invalid",
                       "escaped-duplicate")  # fmt: skip

        plan("parse.duplicate-member", "escaped-duplicate", escaped_duplicate)
    if free:

        def near_duplicate(r: random.Random) -> Mutant:
            # Names equal after Unicode normalisation or case folding, but not code point by code point: no
            # duplicate.
            p = r.choice(free)
            a, b = r.choice((("é", "e\u0301"), ("Å", "\u212b"), ("k", "K"), ("ﬁ", "fi"), ("a", "a\u200b")))
            tree = set_at(doc, p, {a: _gen.freeform(r), b: _gen.freeform(r)})
            return replace(base, tree=tree, rule="parse.duplicate-member", expect="valid", operator="near-duplicate",
                           pin=p)  # fmt: skip

        plan("parse.duplicate-member", "near-duplicate", near_duplicate)
    return out


#: UTF-8 at its edges: the first and last code point of each encoded length, around the surrogates,
#: noncharacters, and U+FEFF inside a string (no byte-order mark there).
_UTF8_VALID = tuple(chr(c).encode() for c in (0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFE, 0xFFFF,
                                              0xFEFF, 0x10000, 0x10FFFF))  # fmt: skip
#: Sequences no UTF-8 decoder may accept: overlong forms, encoded surrogates, beyond U+10FFFF, truncated,
#: stray continuation bytes, bytes that never occur.
_UTF8_INVALID = (b"\xc0\xaf", b"\xc1\xbf", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf", b"\xed\xa0\x80", b"\xed\xbf\xbf",
                 b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xe2\x82", b"\xf0\x9f\x98", b"\x80", b"\xbf", b"\xfe",
                 b"\xff", b"\xf8\x88\x80\x80\x80")  # fmt: skip
#: Literals no RFC 8259 value is spelt as.
_BAD_LITERALS = (b"NaN", b"Infinity", b"-Infinity", b"+1", b".5", b"1.", b"01", b"-01", b"00", b"0x1F", b"1_000",
                 b"--1", b"1e", b"1e+", b"- 1", b"True", b"FALSE", b"Null", b"None", b"nil", b"undefined", b"tru",
                 b"nulll", b"'x'", b"x", b"1.0.0", b"\xe2\x88\x9e")  # fmt: skip
#: Number literals RFC 8259 allows in forms a writer rarely emits (valid wherever any number is).
_NUMBER_FORMS = (b"1.0", b"1e2", b"1E2", b"1E+2", b"1e-2", b"-0", b"-0.0", b"0.0e0", b"0e-0", b"10.50",
                 b"1.0E-0", b"123456789.000000000", b"-1.5e-3")  # fmt: skip
