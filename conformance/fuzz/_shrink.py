"""A JSON-aware delta-debugging shrinker: the smallest document that still shows a finding.

It works on the mutant's tree, never on its text, so raw faults (``5.0``, a duplicate member, invalid UTF-8)
survive: a candidate that loses its raw substitution fails to render and is rejected. Candidates, biggest
cut first: drop a member or an item; replace a value by the smallest valid value of its schema node (or an
empty container); shorten a string; lower an integer. A candidate is kept only when the caller's predicate
still holds (the reference still gives the label, the implementation still disagrees) and the document got
strictly smaller. The member the mutation targeted (its ``pin``) and its ancestors are never removed. A plain
document (no label) may lose its raw substitutions with their members: they are no fault of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from . import _gen
from ._mutate import Mutant, RenderError, delete_at, get, set_at
from ._schemas import node_at

Path = tuple[Any, ...]
Predicate = Callable[[Mutant, bytes], bool]


def _paths(tree: Any) -> list[Path]:
    """Every path of the tree, outermost first (breadth-first), so big cuts are tried before small ones."""
    out: list[Path] = []
    frontier: list[tuple[Path, Any]] = [((), tree)]
    while frontier:
        nxt: list[tuple[Path, Any]] = []
        for path, v in frontier:
            out.append(path)
            if isinstance(v, dict):
                nxt.extend(((*path, k), c) for k, c in v.items())
            elif isinstance(v, list):
                nxt.extend(((*path, i), c) for i, c in enumerate(v))
        frontier = nxt
    return out


def _exists(tree: Any, path: Path) -> bool:
    for step in path:
        if isinstance(tree, dict) and isinstance(step, str) and step in tree:
            tree = tree[step]
        elif isinstance(tree, list) and isinstance(step, int) and 0 <= step < len(tree):
            tree = tree[step]
        else:
            return False
    return True


def _simpler_values(m: Mutant, path: Path, v: Any) -> Iterator[Any]:
    node = node_at(m.kind, m.tree, path) if m.kind else None
    yield _gen.minimal_value(node)
    if isinstance(v, dict) and v:
        yield {}
    elif isinstance(v, list) and v:
        yield []
    elif isinstance(v, str) and v:
        yield ""
        yield v[: len(v) // 2]
        yield v[:-1]
    elif isinstance(v, bool):
        yield False
    elif isinstance(v, int):
        for c in (0, 1, v // 2, v - 1 if v > 0 else v + 1):
            if abs(c) < abs(v):
                yield c
    elif isinstance(v, float):
        yield 0
        yield int(v) if v == v and abs(v) < 1e300 else 0


def _candidates(m: Mutant) -> Iterator[tuple[Mutant, bool]]:
    """Candidates, each with whether it is a canonical replacement (a minimal value), which may keep the size."""
    pin = m.pin
    tree = m.tree
    if m.kind == "job" and isinstance(tree, dict) and pin[:1] not in (("operation",), ("payload",)):
        if "operation" in tree and "payload" in tree:
            small = _gen.minimal("job")
            yield replace(m, tree={**tree, "operation": small["operation"], "payload": small["payload"]}), False
    for path in _paths(tree):
        if not path:
            continue
        ancestor_of_pin = pin[: len(path)] == path
        if not _exists(m.tree, path):
            continue
        if not ancestor_of_pin:
            yield _prune(replace(m, tree=delete_at(m.tree, path))), False
        if ancestor_of_pin and path != pin:
            continue
        v = get(m.tree, path)
        for i, s in enumerate(_simpler_values(m, path, v)):
            if s != v or type(s) is not type(v):
                yield _prune(replace(m, tree=set_at(m.tree, path, s))), i == 0


def _prune(m: Mutant) -> Mutant:
    """A plain document drops the raw substitutions whose member is gone (an unusual number in a round-trip
    document is no fault to keep); a labelled one keeps them, so that losing its fault fails to render."""
    if m.rule is not None or not m.raw:
        return m
    text = json.dumps(m.tree, ensure_ascii=False, separators=(",", ":"))
    kept = tuple((find, raw) for find, raw in m.raw if find in text)
    return m if len(kept) == len(m.raw) else replace(m, raw=kept)


def _size(m: Mutant) -> int | None:
    try:
        return len(m.render())
    except RenderError:
        return None


def _key(data: bytes, tree: Any) -> tuple[int, int]:
    """Smaller is simpler: fewer bytes, then smaller integers (so 200 can shrink to 11 at equal length)."""
    total = 0
    stack = [tree]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, int) and not isinstance(v, bool):
            total += min(abs(v), 2**64)
    return len(data), total


def shrink(m: Mutant, still: Predicate, budget: int = 3000) -> tuple[Mutant, int]:
    """The smallest mutant derived from ``m`` for which ``still`` holds, and the predicate calls spent."""
    best = m
    best_key = _key(m.render(), m.tree)
    calls = 0
    improved = True
    while improved and calls < budget:
        improved = False
        for cand, canonical in _candidates(best):
            if calls >= budget:
                break
            try:
                data = cand.render()
            except RenderError:
                continue
            key = _key(data, cand.tree)
            if key >= best_key and not (canonical and key[0] <= best_key[0] and key[1] <= best_key[1]):
                continue
            calls += 1
            if still(cand, data):
                best, best_key, improved = cand, key, True
                break
    return best, calls
