"""A zoo of implementations that are each wrong in one plausible way, and equivalent ones that are right.

The zoo measures the suite's power: ``vmjob selftest`` certifies every member through the real persistent
transport (``python -m conformance.zoo NAME``) and reports which mutants the corpus and the fuzzer catch,
and whether any equivalent variant raises a false alarm.
"""

from __future__ import annotations

from ._impl import REFERENCE, Impl
from ._variant import Variant, Witness
from .equivalents import EQUIVALENTS
from .mutants import MUTANTS

#: Every member of the zoo, mutants first, by name.
VARIANTS: dict[str, Variant] = {v.name: v for v in (*MUTANTS, *EQUIVALENTS)}
if len(VARIANTS) != len(MUTANTS) + len(EQUIVALENTS):  # pragma: no cover - a table edit error, caught at import
    raise RuntimeError("a mutant and an equivalent variant share a name")


def get(name: str) -> Variant:
    """The zoo member called ``name``; a KeyError that lists the names when there is none."""
    try:
        return VARIANTS[name]
    except KeyError:
        raise KeyError(f"{name!r} is not in the zoo; `python -m conformance.zoo --list` lists its members") from None


__all__ = ["EQUIVALENTS", "MUTANTS", "REFERENCE", "VARIANTS", "Impl", "Variant", "Witness", "get"]
