"""Base documents and a tiny edit language for the reference's tests.

A case is a base document (one of the shipped examples) and edits ``{pointer: value}``; ``DELETE`` removes
the member, :class:`Raw` puts a literal number text in place (``1e400``, a 5,000-digit integer).
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

DELETE: Any = object()


class Raw:
    """A JSON literal written as is (numbers json.dumps cannot write: 1e400, 5.0e0, huge integers)."""

    def __init__(self, text: str) -> None:
        self.text = text


def example(name: str) -> Any:
    text = resources.files("reference").joinpath("examples", name).read_text(encoding="utf-8")
    return json.loads(text)


BASES = {
    "job": "job-minimal.json",
    "job-full": "job-complete.json",
    "profile": "job-builder.json",
    "fix": "job-fix.json",
    "convert": "job-convert.json",
    "compare": "job-compare.json",
    "result": "result-completed.json",
    "failed": "result-failed.json",
    "progress": "progress.json",
    "worker": "worker.json",
}
KIND_OF_BASE = {"result": "result", "failed": "result", "progress": "progress", "worker": "worker"}


def kind_of(base: str) -> str:
    return KIND_OF_BASE.get(base, "job")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def edit(doc: Any, edits: dict[str, Any]) -> Any:
    doc = copy.deepcopy(doc)
    for pointer, value in edits.items():
        parts = [_unescape(p) for p in pointer.split("/")[1:]]
        node = doc
        for part in parts[:-1]:
            if isinstance(node, list):
                node = node[int(part)]
            else:
                if not isinstance(node.get(part), (dict, list)):
                    node[part] = {}
                node = node[part]
        last = parts[-1]
        if value is DELETE:
            del node[last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return doc


def dumps(doc: Any) -> str:
    """JSON text of a document that may hold :class:`Raw` literals."""
    raws: list[str] = []

    def default(o: Any) -> Any:
        if isinstance(o, Raw):
            raws.append(o.text)
            return f"@@raw{len(raws) - 1}@@"
        raise TypeError(type(o).__name__)

    text = json.dumps(doc, default=default, ensure_ascii=False)
    for i, raw in enumerate(raws):
        text = text.replace(f'"@@raw{i}@@"', raw)
    return text


def document(base: str, edits: dict[str, Any] | None = None) -> str:
    return dumps(edit(example(BASES[base]), edits or {}))


def deep_and_wide(*, duplicated: bool = False, depth: int = 100, name_length: int = 10_000, width: int = 20_000) -> str:
    """The hostile job of "a reference that stays linear": ``/payload/data/x`` holds ``depth`` nested objects
    whose member names are ``name_length`` characters long (a megabyte of names), the innermost holding
    ``width`` sibling arrays. Rendering every container's JSON Pointer up front costs 20 GB.

    ``duplicated``: every level's member name appears twice, and each sibling is an object with a duplicated
    member, so ``parse.duplicate-member`` fires ``depth + width`` times.
    """
    sibling = '{"":[],"":[]}' if duplicated else "[]"
    inner = "[" + ",".join([sibling] * width) + "]"
    for level in reversed(range(depth)):
        name = json.dumps(f"{level:03d}" + "x" * (name_length - 3))
        inner = "{" + (f"{name}:0," if duplicated else "") + f"{name}:{inner}" + "}"
    return document("job", {"/payload/data/x": Raw(inner)})


def long_name_many_items(*, name_length: int = 100_000, items: int = 100_000) -> str:
    """A job whose ``routing.anti_affinity`` maps one long name to an array of ``items`` integers (each should
    be a string): one structural error per item, every pointer holding the long name."""
    name = json.dumps("n" * name_length)
    return document("job", {"/routing/anti_affinity": Raw("{" + name + ":[" + ",".join(["1"] * items) + "]}")})
