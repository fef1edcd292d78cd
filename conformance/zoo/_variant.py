"""What a zoo member is: a named implementation, the rules it breaks (none for an equivalent), the level at
which it is judged, and a witness: one input on which it visibly differs from the reference."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reference import KIND_CLASS, RULES

from ._impl import Impl

WitnessMode = Literal["validate", "warnings", "roundtrip", "match"]


@dataclass(frozen=True)
class Witness:
    """An input that exhibits a mutant's mistake: the document (or capability lists) that a corpus case or a
    fuzz example must contain to catch it, and which of the mutant's answers differs from the reference's."""

    mode: WitnessMode
    kind: str = "job"
    data: bytes = b""
    required: tuple[str, ...] = ()
    available: tuple[str, ...] = ()

    def describe(self, limit: int = 600) -> str:
        """One line: the request that shows the mistake (bounded; bytes that are not UTF-8 escaped)."""
        if self.mode == "match":
            return f"match required={list(self.required)} available={list(self.available)}"
        text = self.data.decode("utf-8", "backslashreplace")
        shown = text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"
        return f"{self.mode} {self.kind} {shown}"

    def to_json(self) -> dict[str, object]:
        if self.mode == "match":
            return {"mode": self.mode, "required": list(self.required), "available": list(self.available)}
        return {"mode": self.mode, "kind": self.kind, "document": self.data.decode("utf-8", "backslashreplace")}


@dataclass(frozen=True)
class Variant:
    """One implementation of the zoo. ``breaks`` is empty for an equivalent variant."""

    name: str
    description: str
    impl: Impl
    breaks: tuple[str, ...] = ()
    witness: Witness | None = None
    #: The level it is judged at; by default the strongest level among the rules it breaks, and
    #: ``recommended`` (strict) for an equivalent, which must raise no alarm even in strict mode.
    judged_at: str = ""

    @property
    def equivalent(self) -> bool:
        return not self.breaks

    @property
    def level(self) -> str:
        if self.judged_at:
            return self.judged_at
        if self.equivalent:
            return "recommended"
        return "required" if any(RULES[r].level == "required" for r in self.breaks) else "recommended"

    @property
    def classes(self) -> tuple[str, ...]:
        """The conformance classes of the rules it breaks (a parse rule takes its witness's kind's class)."""
        kind = self.witness.kind if self.witness else "job"
        out = [KIND_CLASS[kind] if RULES[r].klass == "common" else RULES[r].klass for r in self.breaks]
        return tuple(dict.fromkeys(out))

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "description": self.description,
            "equivalent": self.equivalent,
            "breaks": list(self.breaks),
            "classes": list(self.classes),
            "level": self.level,
            "witness": self.witness.to_json() if self.witness else None,
        }
