"""The parser's own value types: number literals kept as they came, and objects that repeat a member name.

Apart from the parser so that the issues (which describe such values) and the parser (which reports its
faults as issues) do not import each other.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BigNumber", "DuplicateMembers", "FloatLiteral", "IntLiteral", "describe_digits", "parse_float"]


class BigNumber:
    """An integer literal too long to convert: only its text is kept. Beyond every integer width."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"BigNumber({describe_digits(self.text)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BigNumber) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def describe_digits(text: str) -> str:
    digits = len(text.lstrip("-"))
    return text if len(text) <= 24 else f"{text[:12]}...{text[-6:]} ({digits} digits)"


class FloatLiteral(float):
    """A number literal with a fraction or exponent whose text a float would not write back as it came
    (``1E+2``, ``0.10``, ``1e400`` beyond a double): the value is the float, ``text`` the literal.

    A round trip is exact, and a number beyond a double in free-form data is accepted (``parse.number.range``)
    without breaking the writer.
    """

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> FloatLiteral:
        obj = super().__new__(cls, text)
        obj.text = text
        return obj

    def __repr__(self) -> str:
        return self.text


class IntLiteral(int):
    """An integer literal whose text an int would not write back as it came: ``-0`` (JSON forbids leading
    zeros, so it is the only one). The value is the int (0, within every width), ``text`` the literal, so a
    round trip writes ``-0`` back as ``-0`` (SPEC decision 16) and a message shows it as written.
    (No ``__slots__``: an int subclass cannot have them.)
    """

    text: str

    def __new__(cls, text: str) -> IntLiteral:
        obj = super().__new__(cls, text)
        obj.text = text
        return obj

    def __repr__(self) -> str:
        return self.text


def parse_float(text: str) -> float:
    """A number literal with a fraction or exponent, as the parser reads it (``json``'s ``parse_float`` hook):
    a float, or a :class:`FloatLiteral` when the float would not write back as the literal came."""
    value = float(text)
    return value if repr(value) == text else FloatLiteral(text)


class DuplicateMembers(dict[str, Any]):
    """An object in which at least one member name appeared twice; ``dups`` names them."""

    __slots__ = ("dups",)
    dups: list[str]
