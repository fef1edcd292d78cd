"""The corpus generator: the case families (:mod:`.families`) written to ``corpus/`` deterministically.

Generated files carry ``"generated": true``; the generator rewrites only those and never touches a
hand-written (curated) file. New ids are appended to the ledger ``corpus/ids.txt``; ids are never removed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import families
from .builder import Corpus
from .format import LEDGER, LEDGER_HEADER, canonical_text, read_ledger
from .loader import load_corpus

FILE_DESCRIPTIONS = {
    "capabilities/match.json": "Capability matching: exact, case-sensitive, empty requirements, duplicates, "
    "missing ones reported in order.",
    "roundtrip/preserve.json": "Round trip: every member survives a write-back, unknown members at every level "
    "included.",
    "roundtrip/no-defaults.json": "Round trip: writing a document back injects no default.",
}


def file_description(path: str, cases: list[dict[str, Any]]) -> str:
    if path in FILE_DESCRIPTIONS:
        return FILE_DESCRIPTIONS[path]
    kind = path.split("/")[0]
    rules = sorted({c["rule"] for c in cases})
    return f"{kind} documents, generated cases for: {', '.join(rules)}."


def build() -> Corpus:
    """Every generated case, in a deterministic order."""
    corpus = Corpus()
    families.generate(corpus)
    return corpus


@dataclass
class GenerateReport:
    written: list[str]
    removed: list[str]
    new_ids: list[str]
    vanished: list[str]


def is_generated(path: Path) -> bool:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(body, dict) and body.get("generated") is True


def generate(root: Path) -> GenerateReport:
    """Rewrite the generated files under ``root``; append new ids to the ledger; report vanished ids."""
    corpus = build()
    written, removed = [], []
    wanted = set(corpus.files)
    for path in sorted(root.rglob("*.json")):
        rel = path.relative_to(root).as_posix()
        if rel not in wanted and is_generated(path):
            path.unlink()
            removed.append(rel)
    for rel, cases in sorted(corpus.files.items()):
        body = {"description": file_description(rel, cases), "generated": True, "cases": cases}
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = canonical_text(body)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(rel)
    ledger = read_ledger(root)
    issued = set(ledger)
    # Curated files count too: their ids are issued by the first `generate` that sees them.
    present = {c.id for c in load_corpus(root)}
    new_ids = sorted((corpus.ids | present) - issued)
    if new_ids:
        if not (root / LEDGER).exists():
            (root / LEDGER).write_text(LEDGER_HEADER, encoding="utf-8")
        with (root / LEDGER).open("a", encoding="utf-8") as fh:
            for i in new_ids:
                fh.write(i + "\n")
    vanished = sorted(i for i, retired in ledger.items() if not retired and i not in present)
    return GenerateReport(written, removed, new_ids, vanished)
