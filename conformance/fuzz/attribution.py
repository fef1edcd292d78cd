"""Which rule a valid document the implementation rejects breaks in the implementation's eyes.

Its label (an unknown member, free-form data, a warning) may have nothing to do with the rejection, so the
document is shrunk first and then attributed: to the rule of the schema node at the implementation's error
pointers, else to its label while the labelled member survived shrinking, else to what the shrunk document
holds that a minimal document lacks.

A warning given where none is due is attributed too (:func:`warning_rule`): to the warning rule of the member
it points at, else to the warning rule the reply names.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import reference
from reference import KIND_CLASS

from ..model import Reply
from . import _gen
from ._mutate import Mutant
from ._schemas import kind_root, node_at


def attribute(kind: str, label: Mutant, small: Mutant, reply: Reply) -> str:
    """The rule a rejected valid document breaks in the implementation's eyes, from its shrunk form ``small``.

    In order: the rule of the schema node at the implementation's error pointers in the shrunk document; the
    label, while its member survived shrinking; the deepest member a minimal document would not have. A
    warning label is no exception: warnings never make a document invalid, so a rejection at the member a
    warning is about (a timeout above a day, read as too long, or as too wide for 32 bits) breaks the rule of
    the member's values, at its level, not the recommended rule that asks for the warning.
    """
    found = rule_from_pointers(kind, small.tree, reply)
    if found is not None:
        return found
    if label.rule is not None and _exists(small.tree, label.pin):
        return label.rule
    return _rule_from_shrunk(kind, small.tree)


def rule_from_pointers(kind: str, tree: Any, reply: Reply) -> str | None:
    """The rule of the schema node (or the unknown member) at the first of the reply's error pointers that
    names one in ``tree``; None when none does."""
    for err in reply.errors:
        ptr = err.get("pointer") if isinstance(err, dict) else None
        if not isinstance(ptr, str) or not ptr.startswith("/"):
            continue
        steps: list[Any] = []
        cur = tree
        for raw in ptr[1:].split("/"):
            step: Any = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(cur, list) and step.isdigit():
                step = int(step)
            steps.append(step)
            cur = cur[step] if isinstance(cur, (dict, list)) and _has(cur, step) else None
        node = node_at(kind, tree, tuple(steps))
        if node is None:
            unknown = _unknown_rule(kind, tree, tuple(steps))
            if unknown is not None:
                return unknown
        elif node.rule != "parse.top-level-object":
            return node.rule
    return None


def _unknown_rule(kind: str, tree: Any, path: tuple[Any, ...]) -> str | None:
    """The accept rule of a member the schema does not define at ``path``, if that is what it is."""
    if kind != "job" or not path:
        return None
    parent = node_at(kind, tree, path[:-1])
    if parent is None or not parent.props or parent.extra is not None or path[-1] in parent.props:
        return None
    return "payload.unknown-members" if path[:2] == ("payload", "data") else "core.unknown-members"


def _has(c: Any, step: Any) -> bool:
    return step in c if isinstance(c, dict) else isinstance(step, int) and 0 <= step < len(c)


def _exists(tree: Any, path: tuple[Any, ...]) -> bool:
    for step in path:
        if not isinstance(tree, (dict, list)) or not _has(tree, step):
            return False
        tree = tree[step]
    return True


def _rule_from_shrunk(kind: str, tree: Any) -> str:
    """The rule of the deepest member a minimal document would not have: what the rejection hangs on."""
    context = {("operation",), ("payload", "type"), ("payload",), ("payload", "data")}
    best: tuple[int, str] | None = None
    stack: list[tuple[tuple[Any, ...], Any]] = [((), tree)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, dict):
            stack.extend(((*path, k), c) for k, c in v.items())
        elif isinstance(v, list):
            stack.extend(((*path, i), c) for i, c in enumerate(v))
        if not path or path in context:
            continue
        node = node_at(kind, tree, path)
        unknown = _unknown_rule(kind, tree, path) if node is None else None
        if unknown is not None:
            return unknown
        p = path
        while node is None and p:
            p = p[:-1]
            node = node_at(kind, tree, p)
        if node is None:
            continue
        if isinstance(v, (dict, list)) and v:
            continue
        if v == _gen.minimal_value(node) and type(v) is type(_gen.minimal_value(node)):
            continue
        if best is None or len(path) > best[0]:
            best = (len(path), node.rule)
    if best is not None:
        return best[1]
    return "core.payload.data" if kind == "job" else next(iter(_first_rules(kind)))


def _first_rules(kind: str) -> list[str]:
    root = kind_root(kind)
    return [root.props[n].rule for n in root.required]


@cache
def _warning_members() -> dict[tuple[str, str], str]:
    """(kind, pointer) -> the warning rule about that member, from the rule table: each warning rule's
    statement opens with the member it warns at (``\\`execution.timeout_seconds\\` above 86400 ...``)."""
    out: dict[tuple[str, str], str] = {}
    for rid, rule in reference.RULES.items():
        found = re.match(r"`([\w.]+)`", rule.statement)
        if rule.polarity != "warning" or found is None:
            continue
        where = "".join("/" + step for step in found.group(1).split("."))
        for kind, klass in KIND_CLASS.items():
            if rule.klass in ("common", klass):
                out.setdefault((kind, where), rid)
    return out


def warning_rule(kind: str, pointer: str, named: str | None = None) -> str | None:
    """The warning rule a warning at ``pointer`` of a ``kind`` document is one of: the rule about the member
    there (what the corpus judge compares is the pointer), else ``named`` (the rule the reply gives it) when
    that is a warning rule; None when neither says."""
    found = _warning_members().get((kind, pointer))
    if found is not None:
        return found
    rule = reference.RULES.get(named) if named is not None else None
    return named if rule is not None and rule.polarity == "warning" else None
