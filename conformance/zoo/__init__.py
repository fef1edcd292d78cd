"""A zoo of implementations that are each wrong in one plausible way, and equivalent ones that are right.

The zoo measures the suite's power: ``vmjob selftest`` certifies every member through the real persistent
transport (``python -m conformance.zoo NAME``) and reports which mutants the corpus and the fuzzer catch,
and whether any equivalent variant raises a false alarm.
"""

from __future__ import annotations

from ._impl import REFERENCE, Impl
from ._variant import Variant, Witness
from .blind import BLIND, BLIND_EQUIVALENTS
from .equivalents import EQUIVALENTS
from .independent import INDEPENDENT, INDEPENDENT_EQUIVALENTS
from .mutants import MUTANTS

#: The zoo's families, scored apart: the first mutants and equivalents, and the second family written
#: independently from the protocol text alone (:mod:`.independent`), with its own equivalents, and the third
#: written blind, from the protocol documents without reading the corpus, the fuzzer or the other mutants
#: (:mod:`.blind`), with its own equivalents.
FAMILIES: dict[str, list[Variant]] = {
    "zoo": MUTANTS,
    "equivalents": EQUIVALENTS,
    "independent": INDEPENDENT,
    "independent-equivalents": INDEPENDENT_EQUIVALENTS,
    "blind": BLIND,
    "blind-equivalents": BLIND_EQUIVALENTS,
}

#: Every member of the zoo, mutants first, by name.
VARIANTS: dict[str, Variant] = {
    v.name: v for v in (*MUTANTS, *EQUIVALENTS, *INDEPENDENT, *INDEPENDENT_EQUIVALENTS, *BLIND, *BLIND_EQUIVALENTS)
}
if len(VARIANTS) != sum(map(len, FAMILIES.values())):  # pragma: no cover - a table edit error, caught at import
    raise RuntimeError("two members of the zoo share a name")


def get(name: str) -> Variant:
    """The zoo member called ``name``; a KeyError that lists the names when there is none."""
    try:
        return VARIANTS[name]
    except KeyError:
        raise KeyError(f"{name!r} is not in the zoo; `python -m conformance.zoo --list` lists its members") from None


__all__ = [
    "BLIND",
    "BLIND_EQUIVALENTS",
    "EQUIVALENTS",
    "FAMILIES",
    "INDEPENDENT",
    "INDEPENDENT_EQUIVALENTS",
    "MUTANTS",
    "REFERENCE",
    "VARIANTS",
    "Impl",
    "Variant",
    "Witness",
    "get",
]
