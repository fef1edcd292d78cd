"""A JSON-aware delta-debugging shrinker: the smallest document that still shows a finding.

It works on the mutant's tree, never on its text, so raw faults (``5.0``, a duplicate member, invalid UTF-8)
survive: a candidate that loses its raw substitution fails to render and is rejected. Candidates, biggest
cut first: drop a member or an item (every one, before any value is touched); replace a value by the
smallest valid value of its schema node (or an empty container); shorten a string; lower an integer (a
string or an integer by halves, then by powers of two, so one that holds only beyond a bound comes down to
it in a logarithmic number of steps). A candidate is kept only when the caller's predicate
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
        for cut in _steps(len(v)):
            yield v[:-cut]
    elif isinstance(v, bool):
        yield False
    elif isinstance(v, int):
        for c in (0, 1, v // 2, *(v - cut if v > 0 else v + cut for cut in _steps(abs(v)))):
            if abs(c) < abs(v):
                yield c
    elif isinstance(v, float):
        yield 0
        yield int(v) if v == v and abs(v) < 1e300 else 0


def _steps(n: int) -> Iterator[int]:
    """Cuts for an integer or a string length ``n`` past its halving: every power of two below ``n / 2``,
    biggest first, down to 1. A value that holds only beyond a bound (a warning threshold, a length limit)
    comes down to the bound in a logarithmic number of steps: with its half and one less alone, 131,019 above
    a threshold of 86,400 was lowered one at a time, each step a new pass, until the budget ran out."""
    cut = 1 << max((n // 2).bit_length() - 1, 0)
    while cut >= 1 and n > 1:
        if cut < n - n // 2:
            yield cut
        cut //= 2


def _candidates(m: Mutant) -> Iterator[tuple[Mutant, bool]]:
    """Candidates, each with whether it is a canonical replacement (a minimal value), which may keep the size."""
    pin = m.pin
    tree = m.tree
    if m.kind == "job" and isinstance(tree, dict) and pin[:1] not in (("operation",), ("payload",)):
        if "operation" in tree and "payload" in tree:
            small = _gen.minimal("job")
            yield replace(m, tree={**tree, "operation": small["operation"], "payload": small["payload"]}), False
    paths = [path for path in _paths(tree) if path and _exists(tree, path)]
    # Every cut first (a member or an item dropped), then every value made simpler: a value that keeps
    # holding when lowered (a number beyond a warning threshold) must not take each pass, and the budget,
    # before the members after it are dropped.
    for path in paths:
        if pin[: len(path)] != path:
            yield _prune(replace(m, tree=delete_at(tree, path))), False
    for path in paths:
        if pin[: len(path)] == path and path != pin:
            continue
        v = get(tree, path)
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
    return len(data), _total(tree)


def _total(tree: Any) -> int:
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
    return total


def _smaller(best: Mutant, best_key: tuple[int, int]) -> Iterator[tuple[Mutant, bytes]]:
    """The candidates of ``best`` worth a predicate call: they render, and their key is smaller (or they are
    canonical and their key no bigger), in the order they are tried. The integers are summed only where the
    lengths tie (a shorter candidate is smaller, a longer one never worth it, whatever its integers)."""
    best_len, best_total = best_key
    for cand, canonical in _candidates(best):
        try:
            data = cand.render()
        except RenderError:
            continue
        if len(data) > best_len:
            continue
        if len(data) == best_len:
            total = _total(cand.tree)
            if total > best_total or (total == best_total and not canonical):
                continue
        yield cand, data


def shrink(m: Mutant, still: Predicate, budget: int = 3000) -> tuple[Mutant, int]:
    """The smallest mutant derived from ``m`` for which ``still`` holds, and the predicate calls spent."""
    best = m
    best_key = _key(m.render(), m.tree)
    calls = 0
    improved = True
    while improved and calls < budget:
        improved = False
        for cand, data in _smaller(best, best_key):
            if calls >= budget:
                break
            calls += 1
            if still(cand, data):
                best, best_key, improved = cand, _key(data, cand.tree), True
                break
    return best, calls


#: A batched shrink's window, first and largest: it doubles while no candidate of a batch holds and goes back
#: to the first after one does (early candidates, whole members dropped, often hold at once; late ones rarely).
WINDOW = (1, 64)
#: A batched shrink's local check: None when the candidate is not worth asking about, else what the remote
#: check needs of it (the reference's verdict, say).
Local = Callable[[Mutant, bytes], Any]
#: A batched shrink's remote check: per candidate (with its local result), whether it still holds.
Remote = Callable[[list[tuple[Mutant, bytes, Any]]], list[bool]]


def shrink_batched(
    m: Mutant, local: Local, remote: Remote, budget: int = 3000, window: tuple[int, int] = WINDOW
) -> tuple[Mutant, int]:
    """:func:`shrink` with the predicate in two parts: ``local`` (cheap, here) and ``remote`` (asked of an
    implementation for a batch of candidates at once, which a pipelined transport answers in little more than
    the time of one). Candidates that pass ``local`` are gathered, in order, up to the window; ``remote``
    answers them together; the first that holds is the new best, exactly as :func:`shrink` would have chosen
    it for a deterministic implementation, and the calls counted are those :func:`shrink` would have made
    (the candidates after it count for nothing). Returns the smallest mutant and the calls spent."""
    first, most = window
    best = m
    best_key = _key(m.render(), m.tree)
    calls = 0
    improved = True
    size = first
    while improved and calls < budget:
        improved = False
        cands = _smaller(best, best_key)
        exhausted = False
        while not improved and not exhausted:
            batch: list[tuple[Mutant, bytes, Any, int]] = []
            while len(batch) < size and calls < budget:
                nxt = next(cands, None)
                if nxt is None:
                    exhausted = True
                    break
                cand, data = nxt
                calls += 1
                checked = local(cand, data)
                if checked is not None:
                    batch.append((cand, data, checked, calls))
            if calls >= budget:
                exhausted = True
            if not batch:
                continue
            answers = remote([(c, d, x) for c, d, x, _n in batch])
            for (cand, data, _x, at), holds in zip(batch, answers, strict=True):
                if holds:
                    best, best_key, improved, calls = cand, _key(data, cand.tree), True, at
                    break
            size = first if improved else min(most, size * 2)
    return best, calls
