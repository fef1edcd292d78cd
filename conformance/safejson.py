"""JSON from untrusted sources, parsed with a bounded depth and size: never a RecursionError, never a hang.

Everything the harness receives from an implementation (reply lines, HTTP bodies, results streams, findings
files) may be built to break the reader: ``[`` nested a hundred thousand deep makes :func:`json.loads`
raise :class:`RecursionError`, and every walk of the value afterwards would recurse as deep. :func:`loads`
refuses such text with :class:`JSONBoundError`, a :class:`ValueError` whose message says what was seen, so
callers that already turn ``ValueError`` into an outcome need nothing more. A value that passed it is at
most ``max_depth`` deep, so recursive code downstream (schema checks, reports) is safe on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

#: Nesting allowed in anything an implementation sends (replies are two or three levels deep).
MAX_DEPTH = 64

_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_TOKENS_STR = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JSONBoundError(ValueError):
    """The text is not JSON, or is nested deeper or is larger than allowed; the message says which."""


def depth(data: bytes | str, limit: int = MAX_DEPTH) -> int:
    """How deeply the arrays and objects of ``data`` nest (brackets inside strings do not count), exact up
    to ``limit``; past it, the scan stops and returns ``limit + 1``. Text with no more than ``limit``
    brackets is not scanned at all (its count is returned: a bound that is enough)."""
    tokens: Iterator[re.Match[bytes]] | Iterator[re.Match[str]]
    if isinstance(data, bytes):
        openers = data.count(b"[") + data.count(b"{")
        opening: tuple[bytes | str, ...] = (b"[", b"{")
        tokens = _TOKENS.finditer(data)
    else:
        openers = data.count("[") + data.count("{")
        opening = ("[", "{")
        tokens = _TOKENS_STR.finditer(data)
    if openers <= limit:
        return openers
    level = deepest = 0
    for m in tokens:
        tok = m.group()
        if tok in opening:
            level += 1
            if level > deepest:
                deepest = level
                if deepest > limit:
                    break
        elif len(tok) == 1:
            level -= 1
    return deepest


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH, max_bytes: int | None = None) -> Any:
    """``json.loads(data)`` for text from an untrusted source; :class:`JSONBoundError` when it is not JSON,
    is nested deeper than ``max_depth`` or is longer than ``max_bytes``."""
    if max_bytes is not None and len(data) > max_bytes:
        raise JSONBoundError(f"{len(data):,} bytes, over the limit of {max_bytes:,}")
    if depth(data, max_depth) > max_depth:
        raise JSONBoundError(f"nested more than {max_depth} levels deep (arrays and objects); that is the limit")
    try:
        return json.loads(data)
    except RecursionError as err:  # pragma: no cover - the depth check comes first; kept as a last guard
        raise JSONBoundError(f"nested too deep to parse: {err}") from None
    except ValueError as err:
        raise JSONBoundError(f"not JSON: {err}") from None


def dumps_utf8(value: Any, **kwargs: Any) -> str:
    """``value`` as JSON text that encodes to UTF-8: readable characters as they are, unless a lone surrogate
    (an implementation's ``"\\ud800"`` in a message, a document's bad bytes passed through) is among them; then
    every character beyond ASCII is escaped, and the text reads back as the same value."""
    text = json.dumps(value, ensure_ascii=False, **kwargs)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, ensure_ascii=True, **kwargs)
    return text
