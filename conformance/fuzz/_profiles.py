"""What a one-rule value mutation needs of a schema node (its rule, the types it does not allow, its
constraints), derived once per node, and the values those mutations draw from (:mod:`._mutate`)."""

from __future__ import annotations

from dataclasses import dataclass

from . import _gen
from ._schemas import SNode

#: A value of each JSON type: what a wrong-type mutation puts in place of a member.
WRONG = {"string": "x", "integer": 7, "boolean": True, "array": [], "object": {}, "null": None}
#: Timestamps no calendar or clock has, or not timestamps at all.
BAD_TIMESTAMPS = (
    "2023-02-29T10:00:00Z", "2024-02-30T10:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z",
    "2024-00-10T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z", "2024-01-01T23:59:61Z",
    "2024-01-01T10:00:00", "2024-01-01T10:00Z", "2024-01-01", "yesterday", "", "2024-01-01T10:00:00+24:00",
    "1700000000",
)  # fmt: skip
#: Timestamps a lenient parser reads that RFC 3339's strict form does not allow.
LENIENT_TIMESTAMPS = (
    "2024-01-01 10:00:00Z", "2024-01-01T10:00:00+0530", "2024-01-01T10:00:00UTC", "2024-1-1T10:00:00Z",
    "2024-01-01T9:00:00Z", " 2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z ", "2024-01-01T10:00:00 Z",
)  # fmt: skip


BAD_BY_PATTERN = {
    _gen._OPERATION: (".", "a.", ".a", "nodot", "a..b", ""),
    _gen._PAYLOAD_TYPE: ("a.b.vX", "a..v1", "a.b.v", "a.v1", "a.b.1", "a.b.V1"),
    _gen._CHECKSUM: ("sha256:" + "0" * 63, "md5:" + "0" * 64, "0" * 63 + "g", "sha1:" + "a" * 40, "0" * 65),
}
TRAVERSALS = ("/a/../b", "../etc/passwd", "/srv/..", "a\\..\\b", "/a/\x00b", "..")
RELATIVE = ("a/b", "vm.qcow2", "./x", "~/x", "C:\\vm.img")


@dataclass(frozen=True)
class Profile:
    """What the value plans need of a schema node, derived once per node (a node is a subschema: its rule,
    the types it does not allow, its constraints)."""

    rule: str
    wrong: tuple[str, ...]
    allowed: frozenset[str] | None
    min_length: int
    bad_pattern: tuple[str, ...] | None
    timestamp: bool
    path: bool
    min_items: int
    bounds: tuple[int, int, int] | None


_PROFILES: dict[SNode, Profile] = {}


def profile(node: SNode) -> Profile:
    """``node``'s profile, derived on first use (nodes live as long as their cached schema tree)."""
    p = _PROFILES.get(node)
    if p is None:
        s, types = node.schema, node.types
        wrong: tuple[str, ...] = ()
        if types is not None:
            wrong = tuple(t for t in WRONG if t not in types and not (t == "integer" and "number" in types))
        allowed = frozenset({s["const"]} if "const" in s else s["enum"]) if "const" in s or "enum" in s else None
        p = _PROFILES[node] = Profile(
            node.rule,
            wrong,
            allowed,
            s.get("minLength", 0),
            BAD_BY_PATTERN.get(s.get("pattern")),  # type: ignore[arg-type]
            s.get("format") == "date-time",
            bool(s.get("x-path")),
            s.get("minItems", 0),
            node.integer_bounds,
        )
    return p
