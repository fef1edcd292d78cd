"""The parse layer: strict RFC 8259 reading that never raises on hostile input.

Python's ``json`` module is lenient where the protocol is strict (NaN, duplicate members) and fragile where
the suite must be robust (the int-string digit limit raises ``ValueError``; deep nesting raises
``RecursionError``). This module turns every one of those into a clean :class:`~reference._issues.Issue`.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from ._issues import Issue

MAX_DEPTH = 128
#: Integer literals longer than this are kept as :class:`BigNumber` rather than converted: converting a
#: long decimal string is quadratic, and past 4,300 digits Python refuses it outright.
_BIG_DIGITS = 40
_BOM = b"\xef\xbb\xbf"


class BigNumber:
    """An integer literal too long to convert: only its text is kept. Beyond every integer width."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"BigNumber({describe_digits(self.text)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BigNumber) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def describe_digits(text: str) -> str:
    digits = len(text.lstrip("-"))
    return text if len(text) <= 24 else f"{text[:12]}...{text[-6:]} ({digits} digits)"


class FloatLiteral(float):
    """A number literal with a fraction or exponent whose text a float would not write back as it came
    (``1E+2``, ``0.10``, ``1e400`` beyond a double): the value is the float, ``text`` the literal.

    A round trip is exact, and a number beyond a double in free-form data is accepted (``parse.number.range``)
    without breaking the writer.
    """

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> FloatLiteral:
        obj = super().__new__(cls, text)
        obj.text = text
        return obj

    def __repr__(self) -> str:
        return self.text


def _float(text: str) -> float:
    value = float(text)
    return value if repr(value) == text else FloatLiteral(text)


class DuplicateMembers(dict):  # type: ignore[type-arg]
    """An object in which at least one member name appeared twice; ``dups`` names them."""

    __slots__ = ("dups",)
    dups: list[str]


class _NotJson(Exception):
    pass


def _reject_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not JSON: RFC 8259 has no NaN or Infinity")


class _Duplicate(Exception):
    pass


def _pairs_fast(items: list[tuple[str, Any]]) -> dict[str, Any]:
    """The common path: no state, no closure; a duplicate member sends the parse to the slow path."""
    obj = dict(items)
    if len(obj) != len(items):
        raise _Duplicate
    return obj


_LOCAL = threading.local()


def _decoder() -> json.JSONDecoder:
    """A decoder per thread (the reference serves HTTP from threads), built once rather than per document."""
    decoder: json.JSONDecoder | None = getattr(_LOCAL, "decoder", None)
    if decoder is None:
        decoder = _LOCAL.decoder = json.JSONDecoder(
            object_pairs_hook=_pairs_fast, parse_constant=_reject_constant, parse_float=_float, parse_int=_big_int
        )
    return decoder


def _big_int(text: str) -> int | BigNumber:
    return int(text) if len(text) <= _BIG_DIGITS else BigNumber(text)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _syntax(message: str) -> Issue:
    return Issue("parse.syntax", "required", "", message)


def decode(data: str | bytes) -> tuple[str | None, Issue | None]:
    """Bytes to text, or the encoding fault."""
    if isinstance(data, str):
        if data.startswith("\ufeff"):
            return None, Issue("parse.encoding", "required", "", "U+FEFF at offset 0 is a byte-order mark")
        return data, None
    if data.startswith(_BOM):
        return None, Issue("parse.encoding", "required", "", "EF BB BF at byte 0 is a UTF-8 byte-order mark")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        bad = data[err.start : err.end].hex(" ").upper()
        return None, Issue(
            "parse.encoding", "required", "", f"{bad} at byte {err.start} is not valid UTF-8 ({err.reason})"
        )


def parse(data: str | bytes) -> tuple[Any, list[Issue]]:
    """Read one document. Returns ``(value, [])`` or ``(None, [the fault])``; never raises."""
    text, fault = decode(data)
    if fault is not None or text is None:
        return None, [fault] if fault else []
    duplicates = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:  # the slow path: collect every duplicate
        nonlocal duplicates
        obj = dict(items)
        if len(obj) == len(items):
            return obj
        duplicates = True
        seen: set[str] = set()
        dup = DuplicateMembers(obj)
        dup.dups = [k for k, _ in items if k in seen or seen.add(k)]  # type: ignore[func-returns-value]
        return dup

    try:
        try:
            value = _decoder().decode(text)
        except _Duplicate:
            value = json.loads(
                text, object_pairs_hook=pairs, parse_constant=_reject_constant, parse_float=_float, parse_int=_big_int
            )
    except json.JSONDecodeError as err:
        return None, [_syntax(f"{err.msg} at line {err.lineno} column {err.colno} (character {err.pos})")]
    except _NotJson as err:
        return None, [_syntax(str(err))]
    except RecursionError:
        return None, [
            Issue(
                "parse.depth",
                "informational",
                "",
                f"the document nests deeper than {MAX_DEPTH} levels (deeper than this reader's stack)",
            )
        ]
    except (ValueError, MemoryError) as err:  # pragma: no cover - defensive: json raises nothing else documented
        return None, [_syntax(f"unreadable JSON: {err}")]
    issues: list[Issue] = []
    if (not text.isascii() or "\\u" in text) and _MAYBE_SURROGATE.search(text) is not None:
        lone = _find_lone_surrogate(value)
        if lone is not None:
            return None, [lone]
    if duplicates:
        issues.extend(_find_duplicates(value))
        return None, issues
    if (text.count("[") + text.count("{")) > MAX_DEPTH:
        deep = _too_deep(value)
        if deep is not None:
            return None, [
                Issue(
                    "parse.depth", "informational", deep, f"this value lies deeper than {MAX_DEPTH} levels of nesting"
                )
            ]
    return value, issues


def _walk(value: Any):  # type: ignore[no-untyped-def]
    """Every (pointer, depth, container) below ``value``, iteratively (no recursion limit)."""
    stack = [("", 1, value)]
    while stack:
        ptr, depth, node = stack.pop()
        yield ptr, depth, node
        if isinstance(node, dict):
            stack.extend((f"{ptr}/{_escape(k)}", depth + 1, v) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((f"{ptr}/{i}", depth + 1, v) for i, v in enumerate(node) if isinstance(v, (dict, list)))


#: A raw surrogate code point (text given as str) or a \\u escape of one: only then is a walk needed.
_MAYBE_SURROGATE = re.compile(r"[\ud800-\udfff]|\\u[dD][89abcdefABCDEF]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _find_lone_surrogate(value: Any) -> Issue | None:
    """The first string (member name or value) holding a lone surrogate, which is no Unicode character.

    RFC 8259's grammar lets ``\\ud800`` through but leaves its meaning open; I-JSON (RFC 7493) forbids it,
    serde_json rejects it, and a Rust ``String`` cannot hold it. A valid pair decodes to one character and
    is never reported.
    """
    for ptr, _depth, node in _walk(value):
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, v in items:
            where = f"{ptr}/{_escape(key) if isinstance(key, str) else key}"
            for text in (key, v):
                if isinstance(text, str):
                    m = _SURROGATE.search(text)
                    if m is not None:
                        shown = json.dumps(text[:40])
                        what = "member name" if text is key else "string"
                        return Issue(
                            "parse.encoding",
                            "required",
                            where.encode("utf-8", "backslashreplace").decode("utf-8"),
                            f"{shown} holds a lone surrogate U+{ord(m.group()):04X} at offset {m.start()} of this "
                            f"{what}: it is no Unicode character",
                        )
    if isinstance(value, str) and _SURROGATE.search(value):
        return Issue("parse.encoding", "required", "", f"{json.dumps(value[:40])} holds a lone surrogate")
    return None


def _find_duplicates(value: Any) -> list[Issue]:
    found = []
    for ptr, _depth, node in _walk(value):
        if isinstance(node, DuplicateMembers):
            for name in dict.fromkeys(node.dups):
                found.append(
                    Issue(
                        "parse.duplicate-member",
                        "required",
                        f"{ptr}/{_escape(name)}",
                        f"{json.dumps(name)} appears more than once in the object at {ptr or '/'!r}",
                    )
                )
    found.sort(key=lambda i: i.pointer)
    return found


def _too_deep(value: Any) -> str | None:
    for ptr, depth, _node in _walk(value):
        if depth > MAX_DEPTH:
            return ptr
    return None
