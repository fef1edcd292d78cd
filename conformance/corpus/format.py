"""The corpus's one canonical file form, and its id ledger.

One canonical form keeps diffs readable and makes "formatted" checkable: members of a file and of a case
in a fixed order, two-space indentation, UTF-8 without ASCII escapes, one final newline.

The ledger ``corpus/ids.txt`` lists every id ever issued, one per line, in the order issued. It is
append-only: an id is retired by appending `` retired: REASON`` to its line, never by deleting the line,
so that a retired id can never be issued again for another meaning.

A document is written as JSON (``document``) only when a reader in any language keeps it exactly; otherwise
as its text (``document_text``), see :func:`needs_text`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LEDGER = "ids.txt"
FILE_ORDER = ("description", "generated", "cases")
CASE_ORDER = (
    "id",
    "kind",
    "class",
    "rule",
    "level",
    "description",
    "valid",
    "pointer",
    "warnings",
    "required",
    "available",
    "ok",
    "missing",
    "document",
    "document_text",
    "document_base64",
)
RETIRED = " retired:"
LEDGER_HEADER = (
    "# Every corpus case id ever issued, in the order issued. Append-only: `vmjob corpus generate` appends new\n"
    "# ids; to retire one, append ' retired: REASON' to its line. Never delete or reorder a line.\n"
)


def needs_text(value: Any) -> bool:
    """True when a JSON reader in another language might not keep ``value`` exactly (floats, big integers)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, float) or (type(v) is int and abs(v) > 2**53):
            return True
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


def _ordered(obj: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    rank = {k: i for i, k in enumerate(order)}
    return {k: obj[k] for k in sorted(obj, key=lambda k: (rank.get(k, len(order)), k))}


def canonical(body: Any) -> Any:
    """``body`` with file and case members in canonical order; documents are left exactly as they are."""
    if not isinstance(body, dict):
        return body
    out = _ordered(body, FILE_ORDER)
    if isinstance(out.get("cases"), list):
        out["cases"] = [_ordered(c, CASE_ORDER) if isinstance(c, dict) else c for c in out["cases"]]
    return out


def canonical_text(body: Any) -> str:
    return json.dumps(canonical(body), indent=2, ensure_ascii=False) + "\n"


def read_ledger(root: Path) -> dict[str, bool]:
    """Every id the ledger has issued, mapped to whether it is retired (a missing ledger is empty)."""
    path = root / LEDGER
    if not path.exists():
        return {}
    out: dict[str, bool] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ident, _, _ = line.partition(RETIRED)
        out[ident.strip()] = RETIRED in line
    return out


def ledger_lines(root: Path) -> list[tuple[int, str, bool]]:
    """(line number, id, retired) for every ledger entry, duplicates included."""
    path = root / LEDGER
    if not path.exists():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            ident, _, _ = line.partition(RETIRED)
            out.append((n, ident.strip(), RETIRED in line))
    return out
