"""What the validator reports: one :class:`Issue` per broken rule occurrence, and the whole verdict."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ._rules import LEVELS, Level

_SHORT = 60


@dataclass(frozen=True, slots=True)
class Issue:
    """One error or warning: the rule it breaks, that rule's level, where (RFC 6901) and what."""

    rule: str
    level: Level
    pointer: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"rule": self.rule, "level": self.level, "pointer": self.pointer, "message": self.message}


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """The verdict on one document. ``valid`` is the reference's verdict: no error at any level."""

    kind: str
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return not self.errors

    def valid_at(self, level: Level) -> bool:
        """Valid when only errors of rules weaker than ``level`` are counted (``required`` ignores SHOULDs)."""
        counted = LEVELS[: LEVELS.index(level) + 1]
        return not any(e.level in counted for e in self.errors)

    @property
    def rules(self) -> frozenset[str]:
        return frozenset(e.rule for e in self.errors)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "valid": self.valid,
            "errors": [e.to_json() for e in self.errors],
            "warnings": [w.to_json() for w in self.warnings],
        }


_TEXTUAL: tuple[type, ...] = ()


def _textual() -> tuple[type, ...]:
    """The parser's number types that keep their literal (imported late: the parser imports this module)."""
    global _TEXTUAL
    if not _TEXTUAL:
        from ._parse import BigNumber, FloatLiteral

        _TEXTUAL = (BigNumber, FloatLiteral)
    return _TEXTUAL


def describe(value: Any) -> str:
    """A short JSON rendering of ``value`` for a message, bounded whatever its size."""
    if isinstance(value, _textual()):
        from ._parse import describe_digits

        literal: Any = value  # a BigNumber or FloatLiteral: its text is the literal as written
        return describe_digits(literal.text)
    if isinstance(value, str):
        if len(value) > _SHORT:
            return json.dumps(value[:_SHORT], ensure_ascii=False)[:-1] + f'..." ({len(value)} code points)'
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{}" if not value else f"{{...}} (an object of {len(value)} members)"
    if isinstance(value, list):
        return "[]" if not value else f"[...] (an array of {len(value)} items)"
    if isinstance(value, float):
        return (
            repr(value) if value == value and value not in (float("inf"), float("-inf")) else "a number beyond a double"
        )
    return json.dumps(value)
