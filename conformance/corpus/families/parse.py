"""The parse layer, in every kind (the common rules ``parse.*``): encoding, syntax, a top-level object,
duplicate members, integer literals and widths, number range, depth."""

from __future__ import annotations

import json
from typing import Any

from ..builder import Corpus, dumps, put, raw, slug
from .documents import BASE, FREE_AT, U64, free

#: Per kind: an integer member (pointer, its base value), and a u64 member.
INT_AT = {
    "job": ("/execution/priority", 5),
    "result": ("/execution_summary/attempt", 1),
    "progress": ("/sequence", 7),
    "worker": ("/resources/cpu_cores", 8),
}
U64_AT = {
    "job": "/execution/timeout_seconds",
    "result": "/execution_summary/duration_seconds",
    "progress": "/sequence",
    "worker": "/resources/memory_gb",
}


def cases(c: Corpus, kind: str) -> None:
    base = BASE[kind]
    text = dumps(base)
    body = text.encode("utf-8")
    k = kind
    # parse.encoding
    c.doc(
        k,
        "parse.encoding",
        "utf8-non-ascii",
        f"{k}: non-ASCII UTF-8 text (é, 漢, 😀) is valid",
        valid=True,
        text=dumps(free(k, "note", "é 漢 😀")),
    )
    c.doc(
        k,
        "parse.encoding",
        "bom",
        f"{k}: a UTF-8 byte-order mark before the document is invalid",
        valid=False,
        data=b"\xef\xbb\xbf" + body,
        pointer="",
    )
    bad = {
        "byte-ff": (b"\xff", "the byte FF"),
        "latin1": (b"\xe9", "Latin-1 é (E9)"),
        "truncated": (b"\xc3", "a truncated two-byte sequence"),
        "overlong": (b"\xc0\xaf", "an overlong encoding of /"),
        "surrogate": (b"\xed\xa0\x80", "an encoded surrogate (CESU-8)"),
        "beyond-10ffff": (b"\xf4\x90\x80\x80", "a code point beyond U+10FFFF"),
    }
    for name, (junk, what) in bad.items():
        blob = dumps(free(k, "note", "@@X@@")).encode("utf-8").replace(b"@@X@@", b"ok" + junk)
        c.doc(
            k,
            "parse.encoding",
            name,
            f"{k}: {what} inside a string is invalid UTF-8",
            valid=False,
            data=blob,
            pointer="",
        )
    for name, escape, what in (
        ("lone-high-surrogate", "\\ud800", "a lone high surrogate escape"),
        ("lone-low-surrogate", "\\udc00", "a lone low surrogate escape"),
        ("reversed-surrogates", "\\ude00\\ud83d", "a low then a high surrogate escape"),
    ):
        c.doc(
            k,
            "parse.encoding",
            name,
            f"{k}: {what} ({escape}) in a string denotes no character and is invalid",
            valid=False,
            text=raw(free(k, "note", ""), f"{FREE_AT[k]}/note", f'"a{escape}b"'),
            pointer=f"{FREE_AT[k]}/note",
        )
    c.doc(
        k,
        "parse.encoding",
        "surrogate-pair",
        f"{k}: a surrogate pair escape (\\ud83d\\ude00) is one character and valid",
        valid=True,
        text=raw(free(k, "note", ""), f"{FREE_AT[k]}/note", '"a\\ud83d\\ude00b"'),
    )
    c.doc(
        k,
        "parse.encoding",
        "utf16",
        f"{k}: the document in UTF-16 is invalid",
        valid=False,
        data=b"\xff\xfe" + text.encode("utf-16-le"),
        pointer="",
    )
    # parse.syntax
    c.doc(
        k,
        "parse.syntax",
        "surrounding-whitespace",
        f"{k}: spaces, tabs and newlines around the document are valid",
        valid=True,
        text=" \t\r\n" + text + "\n\n ",
    )
    c.doc(
        k,
        "parse.syntax",
        "pretty",
        f"{k}: a pretty-printed document is valid",
        valid=True,
        text=json.dumps(base, indent=4, ensure_ascii=False),
    )
    c.doc(
        k,
        "parse.syntax",
        "escapes",
        f"{k}: escaped characters (\\u00e9, \\/, \\n) are valid",
        valid=True,
        text=text[:-1] + ',"x-note":"caf\\u00e9 \\/ \\n \\ud83d\\ude00"}',
    )
    broken = {
        "trailing-text": (text + " x", "trailing non-space text"),
        "two-documents": (text + text, "a second document after the first"),
        "trailing-comma-object": (text[:-1] + ",}", "a trailing comma in an object"),
        "line-comment": ("// job\n" + text, "a // comment"),
        "block-comment": (text[:-1] + "/* c */}", "a /* */ comment"),
        "single-quotes": (text[:-1] + ",'x':'y'}", "single-quoted strings"),
        "unquoted-key": (text[:-1] + ",x:1}", "an unquoted member name"),
        "empty": ("", "an empty text"),
        "whitespace-only": ("  \n", "whitespace alone"),
        "truncated": (text[:-1], "a truncated document"),
        "nan": (raw(free(k, "ratio", 0), f"{FREE_AT[k]}/ratio", "NaN"), "NaN"),
        "infinity": (raw(free(k, "ratio", 0), f"{FREE_AT[k]}/ratio", "Infinity"), "Infinity"),
        "minus-infinity": (raw(free(k, "ratio", 0), f"{FREE_AT[k]}/ratio", "-Infinity"), "-Infinity"),
        "leading-zero": (raw(base, INT_AT[k][0], "07"), "an integer with a leading zero (07)"),
        "plus-sign": (raw(base, INT_AT[k][0], "+7"), "an integer with a plus sign (+7)"),
        "hex": (raw(base, INT_AT[k][0], "0x7"), "a hexadecimal number (0x7)"),
        "raw-newline": (raw(free(k, "note", ""), f"{FREE_AT[k]}/note", '"a\nb"'), "a raw newline inside a string"),
        "bad-escape": (raw(free(k, "note", ""), f"{FREE_AT[k]}/note", '"a\\x41"'), "the escape \\x"),
    }
    for name, (doc, what) in broken.items():
        c.doc(k, "parse.syntax", name, f"{k}: {what} is invalid JSON", valid=False, text=doc, pointer="")
    arr_at = {
        "job": "/payload/data/list",
        "result": "/data/list",
        "progress": "/details/list",
        "worker": "/capabilities/features",
    }[k]
    c.doc(
        k,
        "parse.syntax",
        "trailing-comma-array",
        f"{k}: a trailing comma in an array is invalid JSON",
        valid=False,
        text=raw(put(base, arr_at, []), arr_at, '["a",]'),
        pointer="",
    )
    # parse.top-level-object
    c.doc(k, "parse.top-level-object", "object", f"{k}: a JSON object at the top level is valid", valid=True, doc=base)
    for name, doc, what in (
        ("array", dumps([base]), "an array holding the document"),
        ("string", json.dumps(text), "the document as a JSON string"),
        ("number", "42", "a number"),
        ("null", "null", "null"),
        ("true", "true", "true"),
        ("empty-array", "[]", "an empty array"),
    ):
        c.doc(
            k,
            "parse.top-level-object",
            name,
            f"{k}: {what} at the top level is invalid",
            valid=False,
            text=doc,
            pointer="",
        )
    if k == "job":
        fields_array = dumps([[key, value] for key, value in base.items()])
        c.doc(
            k,
            "parse.top-level-object",
            "array-of-fields",
            "job: the job given as an array of [name, value] pairs is invalid (the Rust crate accepts it)",
            valid=False,
            text=fields_array,
            pointer="",
        )
        c.doc(
            k,
            "parse.top-level-object",
            "array-of-values",
            "job: the job given as an array of its member values in order is invalid",
            valid=False,
            text=dumps(list(base.values())),
            pointer="",
        )
    # parse.duplicate-member
    first = next(iter(base))

    def dup(doc: Any, obj_ptr: str, name: str, literal: str) -> str:
        marker = put(doc, f"{obj_ptr}/@@DUP@@", 0)
        return dumps(marker).replace('"@@DUP@@":0', f"{json.dumps(name)}:{literal}", 1)

    c.doc(
        k,
        "parse.duplicate-member",
        "top-same-value",
        f"{k}: `{first}` twice at the top level with the same value is invalid",
        valid=False,
        text=dup(base, "", first, json.dumps(base[first])),
        pointer=f"/{first}",
    )
    c.doc(
        k,
        "parse.duplicate-member",
        "top-other-value",
        f"{k}: `{first}` twice at the top level with different values is invalid",
        valid=False,
        text=dup(base, "", first, '"other-0001"'),
        pointer=f"/{first}",
    )
    c.doc(
        k,
        "parse.duplicate-member",
        "escaped-name",
        f"{k}: `{first}` twice, once written with a \\u escape, is invalid",
        valid=False,
        text=dumps(base)[:-1]
        + ',"'
        + first[0]
        + "\\u00"
        + format(ord(first[1]), "02x")
        + first[2:]
        + '":'
        + json.dumps(base[first])
        + "}",
        pointer=f"/{first}",
    )
    nested = FREE_AT[k]
    c.doc(
        k,
        "parse.duplicate-member",
        "nested",
        f"{k}: a member twice in a nested free-form object is invalid",
        valid=False,
        text=dup(put(base, f"{nested}/mode", "a"), nested, "mode", '"b"'),
        pointer=f"{nested}/mode",
    )
    c.doc(
        k,
        "parse.duplicate-member",
        "in-array-item",
        f"{k}: a member twice inside an array item is invalid",
        valid=False,
        text=dup(put(base, f"{nested}/items", [{"id": 1}]), f"{nested}/items/0", "id", "2"),
        pointer=f"{nested}/items/0/id",
    )
    c.doc(
        k,
        "parse.duplicate-member",
        "siblings",
        f"{k}: one name in two sibling objects is valid",
        valid=True,
        doc=put(base, f"{nested}/pair", [{"id": 1}, {"id": 2}]),
    )
    c.doc(
        k,
        "parse.duplicate-member",
        "case-differs",
        f"{k}: names differing only in case are not duplicates",
        valid=True,
        doc=put(put(base, f"{nested}/mode", "a"), f"{nested}/Mode", "A"),
    )
    # parse.integer.literal
    at, value = INT_AT[k]
    c.doc(
        k,
        "parse.integer.literal",
        "plain",
        f"{k}: `{at[1:].replace('/', '.')}` written {value} is valid",
        valid=True,
        text=raw(base, at, str(value)),
    )
    for literal, what in (
        (f"{value}.0", "a zero fraction"),
        (f"{value}e0", "an exponent"),
        (f"{value}E+0", "a signed exponent"),
        (f"{value}.5", "a fraction"),
        (f"{value}0e-1", "an exponent that yields an integer"),
    ):
        c.doc(
            k,
            "parse.integer.literal",
            slug(literal),
            f"{k}: `{at[1:].replace('/', '.')}` written {literal} ({what}) is invalid",
            valid=False,
            text=raw(base, at, literal),
            pointer=at,
        )
    # parse.integer.width: very long literals
    u64 = U64_AT[k]
    for digits in (20, 400, 5000):
        literal = "9" * digits
        c.doc(
            k,
            "parse.integer.width",
            f"digits-{digits}",
            f"{k}: a {digits}-digit integer in `{u64[1:].replace('/', '.')}` is invalid (beyond u64)",
            valid=False,
            text=raw(base, u64, literal),
            pointer=u64,
        )
    c.doc(
        k,
        "parse.integer.width",
        "negative-400-digits",
        f"{k}: a negative 400-digit integer in `{u64[1:].replace('/', '.')}` is invalid",
        valid=False,
        text=raw(base, u64, "-" + "9" * 400),
        pointer=u64,
    )
    c.doc(
        k,
        "parse.integer.width",
        "u64-max-leading-digits",
        f"{k}: u64 max in `{u64[1:].replace('/', '.')}` is valid, its 20 digits notwithstanding",
        valid=True,
        text=raw(base, u64, str(U64)),
        warnings=["/execution/timeout_seconds"] if k == "job" else [],
    )
    # parse.number.range: free-form numbers of every size are accepted
    for name, literal in (
        ("double-max", "1.7976931348623157e308"),
        ("beyond-double", "1e400"),
        ("negative-beyond-double", "-1e400"),
        ("denormal", "5e-324"),
        ("underflow", "1e-400"),
        ("digits-400", "1" + "0" * 399),
        ("digits-5000", "7" * 5000),
        ("negative-zero", "-0.0"),
        ("exponent", "1E+2"),
    ):
        c.doc(
            k,
            "parse.number.range",
            name,
            f"{k}: the free-form number {literal[:24]}"
            f"{'... (' + str(len(literal)) + ' characters)' if len(literal) > 24 else ''} is accepted",
            valid=True,
            text=raw(free(k, "n", 0), f"{FREE_AT[k]}/n", literal),
        )
    # parse.depth
    depth = FREE_AT[k].count("/") + 1  # of the free-form member's value
    ok = 128 - depth
    c.doc(
        k,
        "parse.depth",
        "exactly-128",
        f"{k}: nesting exactly 128 levels deep is valid",
        valid=True,
        text=raw(free(k, "deep", 0), f"{FREE_AT[k]}/deep", "[" * ok + "]" * ok),
    )
    c.doc(
        k,
        "parse.depth",
        "129",
        f"{k}: nesting 129 levels deep is invalid",
        valid=False,
        text=raw(free(k, "deep", 0), f"{FREE_AT[k]}/deep", "[" * (ok + 1) + "]" * (ok + 1)),
        pointer=f"{FREE_AT[k]}/deep" + "/0" * ok,
    )
    obj = '{"a":' * (ok + 1) + "1" + "}" * (ok + 1)
    c.doc(
        k,
        "parse.depth",
        "objects-129",
        f"{k}: objects nested 129 levels deep are invalid",
        valid=False,
        text=raw(free(k, "deep", 0), f"{FREE_AT[k]}/deep", obj),
        pointer=f"{FREE_AT[k]}/deep" + "/a" * ok,
    )
    c.doc(
        k,
        "parse.depth",
        "10000",
        f"{k}: nesting 10000 levels deep is invalid, and no crash",
        valid=False,
        text=raw(free(k, "deep", 0), f"{FREE_AT[k]}/deep", "[" * 10000 + "]" * 10000),
        pointer="",
    )
    # syntax is checked before depth, even in a document too deep for the reader's stack (SPEC section 3)
    c.doc(
        k,
        "parse.syntax",
        "trailing-text-after-deep",
        f"{k}: trailing non-space text after nesting 2000 levels deep is invalid JSON",
        valid=False,
        text=raw(free(k, "deep", 0), f"{FREE_AT[k]}/deep", "[" * 2000 + "]" * 2000) + " x",
        pointer="",
    )
