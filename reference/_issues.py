"""What the validator reports: one :class:`Issue` per broken rule occurrence, and the whole verdict.

Validation stays linear in the document's size whatever the document holds, which takes three bounds:

* **Lazy pointers.** A check is handed a :data:`Path`, not a JSON Pointer string: a rendered pointer, or a
  ``(parent path, member name or index)`` pair, so descending costs one small tuple, never a copy of the
  parent's pointer (a hundred levels of 10 KB member names would otherwise copy a megabyte per child).
  The pointer is rendered only when an issue is kept.
* **Capped lists.** An :class:`IssueSink` keeps the first :data:`MAX_ISSUES` issues of a list, fewer when their
  pointers and messages pass :data:`MAX_ISSUE_TEXT` code points (the first issue is always kept), and only
  counts the rest: :attr:`ValidationResult.truncated` says how many were left out, and of which rules.
* **Bounded messages.** A message quotes an excerpt of a long value (:func:`describe`, :func:`quote`,
  :func:`quote_pointer`), and :data:`MAX_MESSAGE` caps any message as a last resort.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, TypeAlias

from ._numbers import BigNumber, FloatLiteral, IntLiteral, describe_digits
from ._pointer import escape_token
from ._rules import LEVELS, RULES, Level, level_of

_SHORT = 60
#: An issue list keeps at most this many issues; the rest are counted (``ValidationResult.truncated``).
MAX_ISSUES = 100
#: ... and stops keeping once its pointers and messages reach this many code points (the first is always kept).
MAX_ISSUE_TEXT = 1 << 20
#: No message is longer than this (a message quotes excerpts, so this is a backstop).
MAX_MESSAGE = 2000
#: A pointer quoted inside a message is shown whole up to this length, else as an excerpt.
_POINTER_SHOWN = 1000

#: Where a value lies: a rendered JSON Pointer, or (the parent's path, a member name or an array index).
Path: TypeAlias = str | tuple["Path", Any]


def _token(segment: Any) -> str:
    if type(segment) is str:
        return escape_token(segment)
    if type(segment) is int:
        return str(segment)  # an array index: small
    # A key no JSON object has (a mapping given directly may hold anything): described, never raised on.
    return escape_token(segment if isinstance(segment, str) else describe(segment))


def render(path: Path) -> str:
    """The RFC 6901 JSON Pointer of ``path``."""
    if type(path) is str:
        return path
    tokens: list[str] = []
    while type(path) is tuple:
        path, segment = path
        # The common member name needs no escape: test for it rather than call the escape.
        plain = type(segment) is str and "~" not in segment and "/" not in segment
        tokens.append(segment if plain else _token(segment))
    tokens.append(path if isinstance(path, str) else "")
    tokens.reverse()
    return "/".join(tokens)


@dataclass(frozen=True, slots=True)
class Issue:
    """One error or warning: the rule it breaks, that rule's level, where (RFC 6901) and what."""

    rule: str
    level: Level
    pointer: str
    message: str

    @classmethod
    def of(cls, rule: str, pointer: str, message: str) -> Issue:
        """The issue of ``rule`` at ``pointer``, at the level the rule table gives the rule (the one place a
        level is written: the reference never states one beside a rule id)."""
        return cls(rule, level_of(rule), pointer, message)

    def to_json(self) -> dict[str, str]:
        return {"rule": self.rule, "level": self.level, "pointer": self.pointer, "message": self.message}


@dataclass(frozen=True, slots=True)
class Truncation:
    """What a capped verdict left out: how many errors and warnings, and the rules of the errors left out."""

    errors: int = 0
    warnings: int = 0
    error_rules: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """The verdict on one document. ``valid`` is the reference's verdict: no error at any level.

    ``errors`` and ``warnings`` list at most :data:`MAX_ISSUES` issues each; ``truncated`` counts those left out
    (None when nothing was). ``rules`` and ``valid_at`` count the errors left out too.
    """

    kind: str
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()
    truncated: Truncation | None = None

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def errors_omitted(self) -> int:
        return self.truncated.errors if self.truncated is not None else 0

    @property
    def warnings_omitted(self) -> int:
        return self.truncated.warnings if self.truncated is not None else 0

    def valid_at(self, level: Level) -> bool:
        """Valid when only errors of rules weaker than ``level`` are counted (``required`` ignores SHOULDs)."""
        counted = LEVELS[: LEVELS.index(level) + 1]
        if self.truncated is not None and any(RULES[r].level in counted for r in self.truncated.error_rules):
            return False
        return not any(e.level in counted for e in self.errors)

    @property
    def rules(self) -> frozenset[str]:
        kept = frozenset(e.rule for e in self.errors)
        return kept | self.truncated.error_rules if self.truncated is not None else kept

    def to_json(self) -> dict[str, Any]:
        """The verdict as JSON; ``errors_omitted`` / ``warnings_omitted`` appear only when a list was capped."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "valid": self.valid,
            "errors": [e.to_json() for e in self.errors],
            "warnings": [w.to_json() for w in self.warnings],
        }
        if self.truncated is not None:
            if self.truncated.errors:
                out["errors_omitted"] = self.truncated.errors
            if self.truncated.warnings:
                out["warnings_omitted"] = self.truncated.warnings
        return out


class IssueSink(list[Issue]):
    """The issues of one list as checks find them: the first ones kept, the rest counted (see the module doc).

    A list of the kept :class:`Issue` objects; checks call :meth:`add`, which renders the pointer only for an
    issue it keeps.
    """

    #: Issues found but not kept, and their rules (set on the first one left out).
    omitted = 0
    omitted_rules: set[str]
    #: Code points of pointers and messages that may still be kept.
    _room = MAX_ISSUE_TEXT

    def add(self, rule: str, path: Path, message: str) -> None:
        """Keep (or count) an issue of ``rule`` at ``path``; its level is the rule's, read only when it is kept."""
        room = self._room
        if room > 0 and len(self) < MAX_ISSUES:
            pointer = path if type(path) is str else render(path)
            if len(message) > MAX_MESSAGE:
                message = _cut(message)
            room -= len(pointer) + len(message)
            if room >= 0 or not self:
                self._room = room
                self.append(Issue(rule, level_of(rule), pointer, message))
                return
            self._room = 0  # full: nothing more is rendered
        self.omit(1, rule)

    def omit(self, count: int, rule: str) -> None:
        """Count ``count`` issues of ``rule`` as found but not kept."""
        if not count:
            return
        if not self.omitted:
            self.omitted_rules = set()
        self.omitted += count
        self.omitted_rules.add(rule)

    @property
    def full(self) -> bool:
        """True when the next issue would only be counted."""
        return self._room <= 0 or len(self) >= MAX_ISSUES


def verdict(kind: str, errors: IssueSink, warnings: IssueSink | None = None) -> ValidationResult:
    """The result of a validation, with what the sinks left out."""
    if not errors.omitted and (warnings is None or not warnings.omitted):
        return ValidationResult(kind, tuple(errors), tuple(warnings) if warnings else ())
    return ValidationResult(
        kind,
        tuple(errors),
        tuple(warnings) if warnings else (),
        Truncation(
            errors.omitted,
            warnings.omitted if warnings is not None else 0,
            frozenset(errors.omitted_rules) if errors.omitted else frozenset(),
        ),
    )


def _cut(message: str) -> str:
    return message[: MAX_MESSAGE - 40] + f"... ({len(message)} characters)"


_TEXTUAL: tuple[type, ...] = ()


def _textual() -> tuple[type, ...]:
    """The parser's number types that keep their literal (imported late: the parser imports this module)."""
    global _TEXTUAL
    if not _TEXTUAL:
        _TEXTUAL = (BigNumber, FloatLiteral, IntLiteral)
    return _TEXTUAL


def quote(text: str, ensure_ascii: bool = True) -> str:
    """``text`` as a JSON string, shortened to its first 60 code points and its length when longer."""
    if len(text) > _SHORT:
        return json.dumps(text[:_SHORT], ensure_ascii=ensure_ascii)[:-1] + f'..." ({len(text)} code points)'
    return json.dumps(text, ensure_ascii=ensure_ascii)


def quote_pointer(pointer: str) -> str:
    """A JSON Pointer quoted in a message (``'/'`` for the whole document), shortened when long."""
    if len(pointer) > _POINTER_SHOWN:
        return repr(pointer[:_SHORT] + "...") + f" ({len(pointer)} code points)"
    return repr(pointer or "/")


#: ``str()`` of an int this wide (3,900 digits) is well under Python's 4,300-digit limit, and fast.
_STR_BITS = 13_000


def _describe_int(value: int) -> str:
    """A Python int: whole up to 40 digits (as a parsed literal would be), then its first and last digits.

    A mapping given directly may hold an int too long for ``str()`` (over 4,300 digits, and converting is
    quadratic): that one is described by its size alone.
    """
    bits = value.bit_length()
    if bits <= 128:
        return json.dumps(value)
    if bits <= _STR_BITS:
        text = str(int(value))
        return json.dumps(value) if len(text.lstrip("-")) <= 40 else describe_digits(text)
    digits = math.floor(bits * math.log10(2))  # within one of the true count
    return f"{'a negative' if value < 0 else 'an'} integer of about {digits:,} digits"


def describe(value: Any) -> str:
    """A short JSON rendering of ``value`` for a message, bounded whatever its size or type."""
    if isinstance(value, _textual()):
        literal: Any = value  # a BigNumber, FloatLiteral or IntLiteral (-0): its text is the literal as written
        return describe_digits(literal.text)
    if isinstance(value, str):
        return quote(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{}" if not value else f"{{...}} (an object of {len(value)} members)"
    if isinstance(value, list):
        return "[]" if not value else f"[...] (an array of {len(value)} items)"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return _describe_int(value)
    if isinstance(value, float):
        return (
            repr(value) if value == value and value not in (float("inf"), float("-inf")) else "a number beyond a double"
        )
    # Not JSON at all (a mapping given directly may hold anything): named by its type, never rendered.
    return f"a Python {quote(type(value).__name__)} value"
