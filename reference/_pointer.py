"""RFC 6901 JSON Pointers: the address every issue carries, and what a harness reads it with.

An issue's ``pointer`` is rendered by the validator (lazily, :func:`reference._issues.render`); these are the
same rules in the other direction: a pointer to its reference tokens, and to the value it names.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["escape_token", "unescape_token", "parse_pointer", "resolve_pointer"]

#: An array index as RFC 6901 writes one: no sign, no leading zero.
_INDEX = re.compile(r"0|[1-9][0-9]*", re.ASCII)
_RAISE: Any = object()


def escape_token(key: str) -> str:
    """One RFC 6901 reference token: ``~`` as ``~0``, ``/`` as ``~1``."""
    return key.replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """The member name a reference token stands for (``~1`` before ``~0``, as RFC 6901 section 4 says)."""
    return token.replace("~1", "/").replace("~0", "~")


def parse_pointer(pointer: str) -> list[str]:
    """The reference tokens of ``pointer``, unescaped: ``""`` is the whole document (no token), ``"/"`` the
    member named ``""``. Raises ``ValueError`` for text that is no JSON Pointer (one not starting with ``/``)."""
    if not pointer:
        return []
    if pointer[0] != "/":
        raise ValueError(f"pointer={pointer[:60]!r} is not a JSON Pointer: a non-empty one starts with '/'")
    return [unescape_token(token) for token in pointer[1:].split("/")]


def resolve_pointer(document: Any, pointer: str, default: Any = _RAISE) -> Any:
    """The value ``pointer`` names in ``document``: a token selects an object's member by name, or an array's
    item by an index written as RFC 6901 writes it (``0``, ``12``; not ``01``, ``-`` or ``+1``).

    Where nothing is found, returns ``default`` when given, else raises ``LookupError`` naming the pointer and
    the token that found nothing.
    """
    tokens = pointer[1:].split("/") if pointer else []
    if pointer and pointer[0] != "/":
        parse_pointer(pointer)  # raises the ValueError
    node = document
    for depth, raw in enumerate(tokens):
        token = unescape_token(raw)
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and _INDEX.fullmatch(token) and int(token) < len(node):
            node = node[int(token)]
        elif default is not _RAISE:
            return default
        else:
            where = "/".join(["", *tokens[:depth]]) or "/"
            what = "object" if isinstance(node, dict) else "array" if isinstance(node, list) else "value"
            raise LookupError(f"{pointer[:200]!r} names nothing: the {what} at {where[:200]!r} has no {raw[:60]!r}")
    return node
