"""Writing a parsed value back as JSON text: long integers, `-0` and unusual float literals as they came, any depth."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ._numbers import BigNumber, FloatLiteral, IntLiteral

#: Ints wider than this are written by :class:`~decimal.Decimal`: ``str()`` refuses more than 4,300 digits.
_WIDE_BITS = 13_000
#: Values nested deeper than this are written by the iterative writer, not ``json.dumps`` (which recurses).
_DEEP = 200


def dumps(value: Any) -> str:
    """Compact JSON text of a parsed value, long integer and unusual float literals written back as they came.

    Never fails on a JSON value however deep, or on a Python int however long (written digit for digit).
    """
    if not _needs_own_writer(value):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    parts: list[str] = []
    _emit(value, parts)
    return "".join(parts)


def _needs_own_writer(value: Any) -> bool:
    """True when ``json.dumps`` would not write ``value`` as it came (or would fail on it)."""
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        t = type(v)
        if t is BigNumber or t is FloatLiteral or t is IntLiteral or depth > _DEEP:
            return True
        if isinstance(v, dict):
            stack.extend((x, depth + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, depth + 1) for x in v)
        elif isinstance(v, int) and v.bit_length() > _WIDE_BITS:
            return True
    return False


class _Raw:
    """Text written as is: a bracket, a separator, a member name and its colon."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


_COMMA, _END_ARRAY, _END_OBJECT = _Raw(","), _Raw("]"), _Raw("}")


def _emit(value: Any, parts: list[str]) -> None:
    """Write ``value`` into ``parts`` iteratively (no recursion limit)."""
    stack: list[Any] = [value]  # what is still to write, the next on top
    while stack:
        v = stack.pop()
        t = type(v)
        if t is _Raw or t is BigNumber or t is FloatLiteral or t is IntLiteral:
            parts.append(v.text)
        elif isinstance(v, dict):
            parts.append("{")
            stack.append(_END_OBJECT)
            items = list(v.items())
            for i in range(len(items) - 1, -1, -1):
                k, x = items[i]
                stack.append(x)
                stack.append(_Raw(("," if i else "") + json.dumps(k, ensure_ascii=False) + ":"))
        elif isinstance(v, list):
            parts.append("[")
            stack.append(_END_ARRAY)
            for i in range(len(v) - 1, -1, -1):
                stack.append(v[i])
                if i:
                    stack.append(_COMMA)
        elif isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > _WIDE_BITS:
            parts.append(str(Decimal(int(v))))  # exact, and not subject to str()'s digit limit
        else:
            parts.append(json.dumps(v, ensure_ascii=False, allow_nan=False))
