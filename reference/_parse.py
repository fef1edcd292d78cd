"""The parse layer: strict RFC 8259 reading that never raises on hostile input.

Python's ``json`` module is lenient where the protocol is strict (NaN, duplicate members) and fragile where
the suite must be robust (the int-string digit limit raises ``ValueError``; deep nesting raises
``RecursionError``). This module turns every one of those into a clean :class:`~reference._issues.Issue`.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

from ._issues import Issue, IssueSink, Path, quote, quote_pointer, render
from ._numbers import BigNumber, DuplicateMembers, IntLiteral, parse_float
from ._pointer import escape_token

#: Nesting deeper than this many levels breaks ``parse.depth`` (informational: a reader may reject it).
MAX_DEPTH = 128
#: Integer literals longer than this are kept as :class:`BigNumber` rather than converted: converting a
#: long decimal string is quadratic, and past 4,300 digits Python refuses it outright.
_BIG_DIGITS = 40
_BOM = b"\xef\xbb\xbf"


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
            object_pairs_hook=_pairs_fast, parse_constant=_reject_constant, parse_float=parse_float, parse_int=parse_int
        )
    return decoder


def parse_int(text: str) -> int | BigNumber:
    """An integer literal, as the parser reads it (``json``'s ``parse_int`` hook): an int, a
    :class:`BigNumber` past 40 digits (converting a long literal is quadratic, and refused past 4,300), or an
    :class:`IntLiteral` for ``-0``, which an int would write back as ``0``."""
    if len(text) > _BIG_DIGITS:
        return BigNumber(text)
    return IntLiteral(text) if text == "-0" else int(text)


_escape = escape_token


def _syntax(message: str) -> Issue:
    return Issue.of("parse.syntax", "", message)


def decode(data: str | bytes) -> tuple[str | None, Issue | None]:
    """The text of ``data``: ``(text, None)``, or ``(None, the parse.encoding fault)`` for a byte-order mark or
    bytes that are not UTF-8. The first step of :func:`parse`, for a reader that goes on in its own way."""
    if isinstance(data, str):
        if data.startswith("\ufeff"):
            return None, Issue.of("parse.encoding", "", "U+FEFF at offset 0 is a byte-order mark")
        return data, None
    if data.startswith(_BOM):
        return None, Issue.of("parse.encoding", "", "EF BB BF at byte 0 is a UTF-8 byte-order mark")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as err:
        bad = data[err.start : err.end].hex(" ").upper()
        return None, Issue.of("parse.encoding", "", f"{bad} at byte {err.start} is not valid UTF-8 ({err.reason})")


def parse(data: str | bytes) -> tuple[Any, list[Issue]]:
    """Read one document. Returns ``(value, [])`` or ``(None, [the faults])``; never raises.

    Several duplicate members are each reported, the first :data:`~reference._issues.MAX_ISSUES` of them
    (see :func:`parse_document` for the count of the rest).
    """
    value, faults = parse_document(data)
    return value, list(faults)


def parse_document(data: str | bytes) -> tuple[Any, IssueSink]:
    """:func:`parse`, the faults in an :class:`~reference._issues.IssueSink` that counts those it leaves out.

    A document without a fault gets a shared empty sink (not to be added to).
    """
    text, fault = decode(data)
    if fault is not None or text is None:
        return None, _faults(fault)
    # Text decoded here from bytes is strict UTF-8, which cannot encode a surrogate: only an escape can hold one.
    raw = isinstance(data, str)
    value = _plain(text, raw)
    if value is not _NOT_PLAIN:
        return value, _NO_FAULTS
    return _read(text, raw)


def _read(text: str, raw: bool = True) -> tuple[Any, IssueSink]:
    """The full reading of a decoded text: every fault found and reported (:func:`_plain` is its shortcut).
    ``raw``: the text may hold a surrogate code point itself (it was given as text, not decoded from bytes)."""
    duplicates = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:  # the slow path: collect every duplicate
        nonlocal duplicates
        obj = dict(items)
        if len(obj) == len(items):
            return obj
        duplicates = True
        seen: set[str] = set()
        dup = DuplicateMembers(obj)
        dup.dups = []
        for k, _ in items:
            if k in seen:
                dup.dups.append(k)
            else:
                seen.add(k)
        return dup

    try:
        try:
            value = _decoder().decode(text)
        except _Duplicate:
            value = json.loads(
                text,
                object_pairs_hook=pairs,
                parse_constant=_reject_constant,
                parse_float=parse_float,
                parse_int=parse_int,
            )
    except json.JSONDecodeError as err:
        return None, _faults(_syntax(f"{err.msg} at line {err.lineno} column {err.colno} (character {err.pos})"))
    except _NotJson as err:
        return None, _faults(_syntax(str(err)))
    except RecursionError:
        # Deeper than the reader's stack: syntax comes first (SPEC section 3), checked without recursion.
        syntax = _syntax_fault(text)
        if syntax is not None:
            return None, _faults(syntax)
        return None, _faults(
            Issue.of(
                "parse.depth",
                "",
                f"the document nests deeper than {MAX_DEPTH} levels (deeper than this reader's stack)",
            )
        )
    except (ValueError, MemoryError) as err:  # pragma: no cover - defensive: json raises nothing else documented
        return None, _faults(_syntax(f"unreadable JSON: {str(err)[:200]}"))
    if _maybe_surrogate(text, raw):
        lone = _find_lone_surrogate(value)
        if lone is not None:
            return None, _faults(lone)
    if duplicates:
        faults = IssueSink()
        _find_duplicates(value, faults)
        return None, faults
    if (text.count("[") + text.count("{")) > MAX_DEPTH:
        deep = _too_deep(value)
        if deep is not None:
            return None, _faults(
                Issue.of("parse.depth", deep, f"this value lies deeper than {MAX_DEPTH} levels of nesting")
            )
    return value, _NO_FAULTS


#: What :func:`_plain` answers for text it leaves to the full reading.
_NOT_PLAIN: Any = object()


def _plain(text: str, raw: bool = True) -> Any:
    """The value of the common document, read straight through ``json``'s scanner: no surrogate (raw or
    escaped), not deep enough to need a depth check, no duplicate member and no syntax fault. Anything else —
    an exception of any kind on the way — is :data:`_NOT_PLAIN`, and :func:`parse_document` reads the text in
    full (:func:`_read`), with every message as it always was."""
    if _maybe_surrogate(text, raw):
        return _NOT_PLAIN
    if text.count("[") + text.count("{") > MAX_DEPTH:
        return _NOT_PLAIN
    try:
        start = 0 if text[:1] > " " else len(text) - len(text.lstrip(" \t\n\r"))
        value, end = _scanner()(text, start)
    except Exception:  # every fault of the text (and a duplicate member) is the full reading's to report
        return _NOT_PLAIN
    return value if end == len(text) or not text[end:].strip(" \t\n\r") else _NOT_PLAIN


def _scanner() -> Callable[[str, int], tuple[Any, int]]:
    """The thread's decoder's scanner, called directly: ``decode`` would add two calls and a regex match per
    document (the decoder keeps it as an instance attribute, which its type does not declare)."""
    scan: Callable[[str, int], tuple[Any, int]] | None = getattr(_LOCAL, "scan", None)
    if scan is None:
        scan = _LOCAL.scan = vars(_decoder())["scan_once"]
    return scan


_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERAL = re.compile(r"true|false|null")
_CONSTANT = re.compile(r"NaN|-?Infinity")
#: From an opening bracket: the run of opening brackets and whitespace (one character class: a tight loop).
_ARRAYS = re.compile(r"[\[ \t\n\r]*")
_CLOSER = {"[": "]", "{": "}"}
#: From a closing bracket: the run of that bracket and whitespace, so that a deep document closes a hundred
#: thousand levels in one match (the whitespace after the run is whitespace the reader skips next anyway).
_CLOSING_RUN = {"[": re.compile(r"[\] \t\n\r]*"), "{": re.compile(r"[} \t\n\r]*")}


def _syntax_fault(text: str) -> Issue | None:
    """The first syntax fault of ``text``, found without recursion, or None: for a document too deep for
    ``json``'s reader, whose syntax is still checked before its depth. Time linear in the text, and one step
    per run of brackets rather than per bracket (the open containers are kept as runs of one kind)."""

    def skip(at: int) -> int:
        return _WS.match(text, at).end()  # type: ignore[union-attr]

    def fault(message: str, at: int) -> Issue:
        err = json.JSONDecodeError(message, text, at)
        return _syntax(f"{err.msg} at line {err.lineno} column {err.colno} (character {err.pos})")

    def member_name(at: int) -> int | Issue:
        """Read a member name and its colon at ``at``: the position of the member's value, or the fault."""
        m = _STRING.match(text, at)
        if m is None:
            if text.startswith('"', at):
                return fault("Invalid string starting at", at)
            return fault("Expecting property name enclosed in double quotes", at)
        at = skip(m.end())
        if not text.startswith(":", at):
            return fault("Expecting ':' delimiter", at)
        return skip(at + 1)

    # The open containers, innermost last, as runs: kinds[i] ("[" or "{") open counts[i] times in a row.
    kinds: list[str] = []
    counts: list[int] = []

    def push(kind: str, n: int) -> None:
        if kinds and kinds[-1] == kind:
            counts[-1] += n
        else:
            kinds.append(kind)
            counts.append(n)

    def pop(n: int) -> None:
        counts[-1] -= n
        if not counts[-1]:
            kinds.pop()
            counts.pop()

    end = len(text)
    pos = skip(0)
    while True:
        # a value starts at pos
        c = text[pos : pos + 1]
        if c == "[" or c == "{":
            if c == "[":
                m = _ARRAYS.match(text, pos)
                assert m is not None
                push("[", m.group().count("["))
                pos = m.end()
            else:
                push("{", 1)
                pos = skip(pos + 1)
            if text.startswith(_CLOSER[kinds[-1]], pos):
                pop(1)
                pos += 1
            elif kinds[-1] == "{":
                at = member_name(pos)
                if isinstance(at, Issue):
                    return at
                pos = at
                continue
            else:
                continue
        else:
            m = _STRING.match(text, pos) or _NUMBER.match(text, pos) or _LITERAL.match(text, pos)
            if m is None:
                constant = _CONSTANT.match(text, pos)
                if constant is not None:
                    return _syntax(f"{constant.group()} is not JSON: RFC 8259 has no NaN or Infinity")
                return fault("Invalid string starting at" if c == '"' else "Expecting value", pos)
            pos = m.end()
        # a value ended before pos: a separator, a closing bracket or the end of the document follows
        while True:
            pos = skip(pos)
            if not kinds:
                return fault("Extra data", pos) if pos < end else None
            if text.startswith(_CLOSER[kinds[-1]], pos):
                run = _CLOSING_RUN[kinds[-1]].match(text, pos)
                assert run is not None
                closer = _CLOSER[kinds[-1]]
                closed = run.group().count(closer)
                if closed <= counts[-1]:
                    pop(closed)
                    pos = run.end()
                else:  # more closers than this run of containers: close the run; the next closer is a fault
                    n = counts[-1]
                    if text.count(closer, pos, pos + n) == n:
                        pos += n  # the run's first n characters are its closers (no whitespace between)
                    else:
                        for _ in range(n):
                            pos = text.index(closer, pos) + 1
                    pop(n)
                continue
            if not text.startswith(",", pos):
                return fault("Expecting ',' delimiter", pos)
            pos = skip(pos + 1)
            break
        if kinds[-1] == "{":
            at = member_name(pos)
            if isinstance(at, Issue):
                return at
            pos = at


#: The faults of every document that has none (shared: never added to).
_NO_FAULTS = IssueSink()


def _faults(fault: Issue | None) -> IssueSink:
    faults = IssueSink()
    if fault is not None:
        faults.append(fault)
    return faults


def _walk(value: Any) -> Iterator[tuple[Path, int, Any]]:
    """Every (path, depth, container) below ``value``, iteratively (no recursion limit).

    A path is a lazy (parent path, key) pair (see :data:`~reference._issues.Path`): rendering every
    container's pointer up front would cost the sum of all pointer lengths, quadratic in a deep document.
    """
    stack: list[tuple[Path, int, Any]] = [("", 1, value)]
    while stack:
        path, depth, node = stack.pop()
        yield path, depth, node
        if isinstance(node, dict):
            stack.extend(((path, k), depth + 1, v) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(((path, i), depth + 1, v) for i, v in enumerate(node) if isinstance(v, (dict, list)))


#: A raw surrogate code point (text given as str) or a \\u escape of one: only then is a walk needed.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89abcdefABCDEF]")


def _maybe_surrogate(text: str, raw: bool) -> bool:
    """Whether ``text`` holds a \\u escape of a surrogate, or (``raw``) a surrogate code point itself: only then
    is a walk of the value needed. (One regular expression for both took a character-class test per
    character, the slowest step of reading a long non-ASCII document; encoding finds a raw one in C.)"""
    if _ESCAPED_SURROGATE.search(text) is not None:
        return True
    if not raw or text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _find_lone_surrogate(value: Any) -> Issue | None:
    """The first string (member name or value) holding a lone surrogate, which is no Unicode character.

    RFC 8259's grammar lets ``\\ud800`` through but leaves its meaning open; I-JSON (RFC 7493) forbids it,
    serde_json rejects it, and a Rust ``String`` cannot hold it. A valid pair decodes to one character and
    is never reported.
    """
    for path, _depth, node in _walk(value):
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, v in items:
            for text in (key, v):
                if isinstance(text, str):
                    m = _SURROGATE.search(text)
                    if m is not None:
                        shown = json.dumps(text[:40])
                        what = "member name" if text is key else "string"
                        return Issue.of(
                            "parse.encoding",
                            render((path, key)).encode("utf-8", "backslashreplace").decode("utf-8"),
                            f"{shown} holds a lone surrogate U+{ord(m.group()):04X} at offset {m.start()} of this "
                            f"{what}: it is no Unicode character",
                        )
    if isinstance(value, str) and _SURROGATE.search(value):
        return Issue.of("parse.encoding", "", f"{json.dumps(value[:40])} holds a lone surrogate")
    return None


def _find_duplicates(value: Any, faults: IssueSink) -> None:
    """Report each duplicated member name once, in the order of the pointers, as many as ``faults`` keeps.

    Only the reported ones have their pointers rendered: the rest are counted. The order is the order of
    the pointer strings, found without rendering them: below one object, a member's own pointer sorts by
    its token and the pointers inside its value by its token and a ``/``, so a walk that visits each
    object's slots in that order meets the duplicates in pointer order (and can stop when ``faults`` is full).
    """
    marked, total = _duplicate_marks(value)
    kept = 0
    stack: list[tuple[Path, Iterator[tuple[str, bool, Any, Any]]]] = [("", iter(_slots(value, marked)))]
    while stack and not faults.full:
        path, slots = stack[-1]
        slot = next(slots, None)
        if slot is None:
            stack.pop()
            continue
        _key, inside, name, child = slot
        if inside:
            stack.append(((path, name), iter(_slots(child, marked))))
            continue
        where = render(path)
        faults.add(
            "parse.duplicate-member",
            f"{where}/{_escape(name)}",
            f"{quote(name)} appears more than once in the object at {quote_pointer(where)}",
        )
        kept += 1
    faults.omit(total - kept, "parse.duplicate-member")


def _duplicate_marks(value: Any) -> tuple[set[int], int]:
    """The ids of the containers holding a duplicate member at or below them, and how many names are duplicated."""
    marked: set[int] = set()
    parent: dict[int, Any] = {}
    total = 0
    stack = [value]
    while stack:
        node = stack.pop()
        for v in node.values() if isinstance(node, dict) else node:
            if isinstance(v, (dict, list)):
                parent[id(v)] = node
                stack.append(v)
        if type(node) is DuplicateMembers:
            total += len(dict.fromkeys(node.dups))
            up: Any = node
            while up is not None and id(up) not in marked:
                marked.add(id(up))
                up = parent.get(id(up))
    return marked, total


def _slots(node: Any, marked: set[int]) -> list[tuple[str, bool, Any, Any]]:
    """A container's duplicated names and its marked children, in the order of their pointers.

    Each is (sort key, inside, name or index, child): a duplicated name sorts by its token, the inside of a
    marked child by its token and ``/``.
    """
    slots: list[tuple[str, bool, Any, Any]] = []
    if isinstance(node, dict):
        if type(node) is DuplicateMembers:
            slots.extend((_escape(name), False, name, None) for name in dict.fromkeys(node.dups))
        slots.extend(
            (_escape(k) + "/", True, k, v) for k, v in node.items() if isinstance(v, (dict, list)) and id(v) in marked
        )
    else:
        slots.extend(
            (f"{i}/", True, i, v) for i, v in enumerate(node) if isinstance(v, (dict, list)) and id(v) in marked
        )
    slots.sort(key=_first)
    return slots


def _first(slot: tuple[str, bool, Any, Any]) -> str:
    return slot[0]


def _too_deep(value: Any) -> str | None:
    for path, depth, _node in _walk(value):
        if depth > MAX_DEPTH:
            return render(path)
    return None
