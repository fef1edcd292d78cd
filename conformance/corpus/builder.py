"""What the case families write with: :class:`Corpus`, which files each case by kind, class and rule and
refuses a duplicate id or description, and the edits that make a case's document from a base document.

Each family states its expectation by hand (verdict, rule, fault pointer, warnings); nothing here asks the
reference, so ``vmjob corpus check`` comparing the two is a real check.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from reference import KIND_CLASS, RULES

from .format import needs_text

_ID_SAFE = re.compile(r"[^a-z0-9.-]+")
_RAW = "@@RAW@@"
# Families whose file name is not the rule id's second segment.
_FAMILY = {
    "result.failed.consistency": "consistency",
    "result.completed.consistency": "consistency",
    "worker.status.within-capacity": "status",
    "core.$schema": "dollar-schema",  # not schema.json: too easily taken for case.schema.json
}


def slug(text: str) -> str:
    """An id fragment: lowercase, ``[a-z0-9.-]`` only."""
    return _ID_SAFE.sub("-", text.lower().replace("$", "dollar-").replace("_", "-")).strip("-.")


def family_of(rule_id: str) -> str:
    if rule_id in _FAMILY:
        return _FAMILY[rule_id]
    parts = rule_id.split(".")
    if RULES[rule_id].klass == "common" or len(parts) == 1:
        return parts[0]
    return parts[1].lstrip("$").replace("_", "-")


def class_of(rule_id: str, kind: str) -> str:
    """The class of a case of ``rule_id`` in a document of ``kind``: a common rule's is the kind's."""
    klass = RULES[rule_id].klass
    return KIND_CLASS[kind] if klass == "common" else klass


#: A document (or part of one) that an edit copies: the copy has its type.
Doc = TypeVar("Doc")


def put(doc: Doc, pointer: str, value: Any) -> Doc:
    """A deep copy of ``doc`` with ``value`` at ``pointer`` (missing parent objects are created)."""
    out = copy.deepcopy(doc)
    parts = pointer.split("/")[1:]
    node: Any = out
    for part in parts[:-1]:
        if isinstance(node, list):
            node = node[int(part)]
            continue
        if not isinstance(node.get(part), (dict, list)):
            node[part] = {}
        node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


def drop(doc: Doc, pointer: str) -> Doc:
    """A deep copy of ``doc`` without the member at ``pointer``."""
    out = copy.deepcopy(doc)
    parts = pointer.split("/")[1:]
    node: Any = out
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    del node[parts[-1]]
    return out


def raw(doc: Any, pointer: str, literal: str) -> str:
    """Compact JSON text of ``doc`` with the exact ``literal`` at ``pointer`` (5e0, a 400-digit number...)."""
    return dumps(put(doc, pointer, _RAW)).replace(json.dumps(_RAW), literal, 1)


def dumps(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Corpus:
    """The cases being generated, grouped into files; refuses a duplicate id or description at once."""

    files: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    descriptions: set[str] = field(default_factory=set)

    def _add(self, path: str, case: dict[str, Any]) -> None:
        if case["id"] in self.ids:
            raise ValueError(f"generator bug: id {case['id']!r} issued twice")
        if case["description"] in self.descriptions:
            raise ValueError(f"generator bug: description {case['description']!r} used twice ({case['id']})")
        if re.search(r"\bshould\b", case["description"], re.I):
            raise ValueError(f"generator bug: description of {case['id']!r} says 'should'")
        self.ids.add(case["id"])
        self.descriptions.add(case["description"])
        self.files.setdefault(path, []).append(case)

    def doc(
        self,
        kind: str,
        rule: str,
        name: str,
        description: str,
        *,
        valid: bool,
        doc: Any = None,
        text: str | None = None,
        data: bytes | None = None,
        pointer: str | None = None,
        warnings: Iterable[str] = (),
        family: str | None = None,
    ) -> None:
        """A ``validate`` case. Exactly one of ``doc`` / ``text`` / ``data`` is the document."""
        r = RULES[rule]
        klass = class_of(rule, kind)
        case: dict[str, Any] = {
            "id": f"{kind}.{slug(rule)}.{slug(name)}",
            "kind": kind,
            "class": klass,
            "rule": rule,
            "level": r.level,
            "description": description,
            "valid": valid,
        }
        if not valid:
            if pointer is None:
                raise ValueError(f"generator bug: invalid case {case['id']} has no pointer")
            case["pointer"] = pointer
        warnings = list(warnings)
        if warnings:
            case["warnings"] = warnings
        if data is not None:
            try:
                data.decode("utf-8")
                case["document_text"] = data.decode("utf-8")
            except UnicodeDecodeError:
                case["document_base64"] = base64.b64encode(data).decode("ascii")
        elif text is not None:
            case["document_text"] = text
        elif needs_text(doc):
            case["document_text"] = dumps(doc)
        else:
            case["document"] = doc
        self._add(f"{kind}/{klass}/{family or family_of(rule)}.json", case)

    def match(self, name: str, description: str, required: list[str], available: list[str]) -> None:
        """A ``match`` case (class capabilities); the expectation is computed here by the protocol's definition."""
        have = set(available)
        missing = list(dict.fromkeys(r for r in required if r not in have))
        case = {
            "id": f"job.capabilities.match.{slug(name)}",
            "kind": "job",
            "class": "capabilities",
            "rule": "capabilities.match",
            "level": RULES["capabilities.match"].level,
            "description": description,
            "required": required,
            "available": available,
            "ok": not missing,
            "missing": missing,
        }
        self._add("capabilities/match.json", case)

    def roundtrip(self, kind: str, rule: str, name: str, description: str, text: str) -> None:
        """A ``roundtrip`` case: a valid document whose members all survive a write-back."""
        case = {
            "id": f"{kind}.{slug(rule)}.{slug(name)}",
            "kind": kind,
            "class": "roundtrip",
            "rule": rule,
            "level": RULES[rule].level,
            "description": description,
            "document_text": text,
        }
        self._add(f"roundtrip/{rule.split('.', 1)[1]}.json", case)
