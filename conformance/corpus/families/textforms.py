"""RFC 8259 text around and inside values, in every kind (rules ``parse.syntax`` and ``parse.encoding``): every
character Unicode or a lenient reader takes for white space that RFC 8259 does not, before, after and between
the tokens; each of the four RFC 8259 white-space characters between every token; every control character raw
inside a string; every escape form in a value and in a member name; the number literals RFC 8259 allows in
forms a writer rarely emits; the document in UTF-16 and UTF-32 without a byte-order mark.

Which characters are white space or controls is derived (``str.isspace``, code points below U+0020), not listed.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from typing import Any

from ..builder import Corpus, dumps, raw
from .documents import BASE, FREE_AT, free

#: RFC 8259's white space: the only characters allowed between tokens.
JSON_SPACE = " \t\n\r"
#: Characters that are white space to ``str.isspace`` (Python's str.strip, JS trim, Go's unicode.IsSpace...)
#: but not to RFC 8259, and the zero-width ones some readers skip.
OTHER_SPACE = tuple(chr(c) for c in range(0x3001) if chr(c).isspace() and chr(c) not in JSON_SPACE) + (
    "\u200b",
    "\u2060",
    "\ufeff",
)


def spaced(v: Any, space: str) -> str:
    """``v`` as JSON text with ``space`` around every token."""
    if isinstance(v, dict):
        inner = ",".join(
            f"{space}{json.dumps(k, ensure_ascii=False)}{space}:{space}{spaced(x, space)}{space}" for k, x in v.items()
        )
        return "{" + (inner or space) + "}"
    if isinstance(v, list):
        return "[" + (",".join(f"{space}{spaced(x, space)}{space}" for x in v) or space) + "]"
    return json.dumps(v, ensure_ascii=False)


def cases(c: Corpus, kind: str) -> None:
    base = BASE[kind]
    text = dumps(base)
    k = kind
    note = f"{FREE_AT[k]}/note"
    # Every non-RFC 8259 white space character, before, after and between the tokens: invalid JSON.
    places: tuple[tuple[str, str, Callable[[str], str]], ...] = (
        ("before", "before the document", lambda ch: ch + text),
        ("after", "after the document", lambda ch: text + ch),
        ("between", "between two tokens", lambda ch: text.replace(":", ":" + ch, 1)),
    )
    for i, ch in enumerate(OTHER_SPACE):
        # Every character in every place for a job; for the other kinds each character in one place (in turn).
        chosen = places if k == "job" else (places[i % 3],)
        for where, what, make in chosen:
            if ch == "\ufeff" and where == "before":
                continue  # a byte-order mark: parse.encoding's own case
            c.doc(
                k,
                "parse.syntax",
                f"space-u{ord(ch):04x}-{where}",
                f"{k}: U+{ord(ch):04X} {where_name(ch)} {what} is invalid JSON (not RFC 8259 white space)",
                valid=False,
                text=make(ch),
                pointer="",
            )
    for ch, name in ((" ", "space"), ("\t", "tab"), ("\n", "lf"), ("\r", "cr"), ("\r\n", "crlf")):
        c.doc(
            k,
            "parse.syntax",
            f"json-space-{name}-everywhere",
            f"{k}: {json.dumps(ch)[1:-1]} around every token is valid",
            valid=True,
            text=ch + spaced(base, ch) + ch,
        )
    # Every control character raw inside a string: invalid; DEL and the C1 controls raw: valid.
    for cp in range(0x20):
        c.doc(
            k,
            "parse.syntax",
            f"raw-control-u{cp:04x}",
            f"{k}: the control character U+{cp:04X} raw inside a string is invalid JSON",
            valid=False,
            text=raw(free(k, "note", ""), note, f'"a{chr(cp)}b"'),
            pointer="",
        )
    for cp in (0x7F, 0x80, 0x85, 0x9F, 0xA0, 0x2028, 0x2029, 0xFEFF):
        c.doc(
            k,
            "parse.syntax",
            f"raw-allowed-u{cp:04x}",
            f"{k}: U+{cp:04X} raw inside a string is valid (RFC 8259 escapes only U+0000-U+001F)",
            valid=True,
            text=raw(free(k, "note", ""), note, f'"a{chr(cp)}b"'),
        )
    # Every escape form, in a value and in a member name.
    escapes = (
        ('\\"', "quote"),
        ("\\\\", "backslash"),
        ("\\/", "solidus"),
        ("\\b", "backspace"),
        ("\\f", "form-feed"),
        ("\\n", "newline"),
        ("\\r", "return"),
        ("\\t", "tab"),
        ("\\u0000", "u0000"),
        ("\\u001f", "u001f"),
        ("\\u00E9", "upper-hex"),
        ("\\u00e9", "lower-hex"),
        ("\\uD83D\\uDE00", "pair-upper"),
        ("\\ud83d\\ude00", "pair-lower"),
        ("\\uFFFF", "uffff"),
    )
    for esc, name in escapes:
        c.doc(
            k,
            "parse.syntax",
            f"escape-{name}-value",
            f"{k}: the escape {esc} inside a string value is valid",
            valid=True,
            text=raw(free(k, "note", ""), note, f'"a{esc}b"'),
        )
        c.doc(
            k,
            "parse.syntax",
            f"escape-{name}-name",
            f"{k}: the escape {esc} inside a free-form member name is valid",
            valid=True,
            text=raw(free(k, "note", ""), FREE_AT[k], '{"a' + esc + 'b":1}'),
        )
    # Members of the protocol spelt with escapes: the same names, valid.
    first = next(iter(base))
    escaped = "".join(f"\\u{ord(ch):04x}" for ch in first)
    c.doc(
        k,
        "parse.syntax",
        "escaped-member-name",
        f"{k}: the member name `{first}` spelt entirely with \\u escapes is valid",
        valid=True,
        text=text.replace(f'"{first}"', f'"{escaped}"', 1),
    )
    every_solidus = text.replace("/", "\\/")
    if every_solidus != text:
        c.doc(
            k,
            "parse.syntax",
            "escaped-solidus-everywhere",
            f"{k}: every / of the document written \\/ is valid",
            valid=True,
            text=every_solidus,
        )
    # Number literals RFC 8259 allows, in free-form data.
    for lit in ("1.0", "1e2", "1E2", "1E+2", "1e-2", "-0", "-0.0", "0.0e0", "0e-0", "10.50", "1.0E-0", "-1.5e-3"):
        c.doc(
            k,
            "parse.syntax",
            f"number-{_lit_name(lit)}",
            f"{k}: the number {lit} in free-form data is valid",
            valid=True,
            text=raw(free(k, "n", 0), f"{FREE_AT[k]}/n", lit),
        )
    for lit in (".5", "1.", "-", "--1", "1e", "1e+", "- 1", "01.5", "1_000", "0b1", "1.0.0", "Inf"):
        c.doc(
            k,
            "parse.syntax",
            f"number-bad-{_lit_name(lit)}",
            f"{k}: the number literal {lit!r} in free-form data is invalid JSON",
            valid=False,
            text=raw(free(k, "n", 0), f"{FREE_AT[k]}/n", lit),
            pointer="",
        )
    for lit in ("True", "FALSE", "Null", "None", "nil", "undefined", "tru", "nulll"):
        c.doc(
            k,
            "parse.syntax",
            f"literal-{lit}",
            f"{k}: the literal {lit} in free-form data is invalid JSON",
            valid=False,
            text=raw(free(k, "n", 0), f"{FREE_AT[k]}/n", lit),
            pointer="",
        )
    # The document in another Unicode encoding, no byte-order mark: only UTF-8 is JSON on the wire, and read as
    # UTF-8 the text holds NUL bytes between its tokens.
    for enc in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        c.doc(
            k,
            "parse.syntax",
            f"{enc}-no-bom",
            f"{k}: the document in {enc.upper()} without a byte-order mark is invalid (NUL bytes between tokens)",
            valid=False,
            data=text.encode(enc),
            pointer="",
        )
    for enc, bom in (("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00")):
        c.doc(
            k,
            "parse.encoding",
            f"{enc}-bom",
            f"{k}: the document in {enc.upper()} with its byte-order mark is invalid",
            valid=False,
            data=bom + text.encode(enc),
            pointer="",
        )


def where_name(ch: str) -> str:
    return f"({unicodedata.name(ch, 'control').lower()})"


def _lit_name(lit: str) -> str:
    """An id fragment that tells every literal apart (case, signs and spaces kept as words)."""
    for ch, word in (("E", "cap-e"), ("+", "-plus-"), (" ", "-space-"), ("_", "-underscore-")):
        lit = lit.replace(ch, word)
    return lit
