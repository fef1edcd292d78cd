"""The families every member gets from its :class:`Field`: its type confused with each other JSON type, null
against absent, and for an integer the values at and past each bound and its width; an unknown member."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..builder import Corpus, drop, put, raw, slug
from .documents import BASE, JOB, U8, U32, U64, WIDTH

CONFUSIONS: tuple[tuple[str, str, Any], ...] = (
    ("string", "a string", "yes"),
    ("integer", "a number", 42),
    ("boolean", "a boolean", True),
    ("array", "an array", ["x"]),
    ("object", "an object", {"x": "y"}),
    ("null", "null", None),
)


@dataclass(frozen=True)
class Field:
    """A member and its expected type: the generic families (confusions, null vs absent, bounds) read it."""

    kind: str
    ptr: str
    rule: str
    types: tuple[str, ...]
    sample: Any
    required: bool = False
    base: Any = None
    #: integers: (minimum, maximum, width)
    bounds: tuple[int, int, str] | None = None
    #: warnings a valid value gives: value -> pointers
    warn_above: int | None = None
    items: str | None = None  # "string": an array of strings, "map": an object of strings
    #: False when another family states the case of this member's absence (under another rule).
    absent: bool = True

    @property
    def doc(self) -> Any:
        return self.base if self.base is not None else BASE[self.kind]

    @property
    def dotted(self) -> str:
        tail = self.ptr.split("/")[1:]
        if tail[:2] == ["payload", "data"]:
            tail = tail[2:]
        return ".".join(tail)

    def name(self, what: str) -> str:
        if self.ptr.startswith("/payload/data/"):
            short = self.doc["payload"]["type"].split(".")[1]
            return f"{short}.{slug(self.dotted.replace('.', '-'))}.{what}"
        last = self.ptr.rsplit("/", 1)[1]
        return what if self.rule.endswith(last) else f"{slug(last)}.{what}"

    def qname(self, what: str) -> str:
        """A name qualified by the member's whole path, for cases filed under a rule shared by many members."""
        short = self.doc["payload"]["type"].split(".")[1] + "." if self.ptr.startswith("/payload/data/") else ""
        return f"{short}{slug(self.dotted.replace('.', '-'))}.{what}"

    def label(self) -> str:
        prefix = ""
        if self.base is not None and self.kind == "job" and self.doc["payload"]["type"] != JOB["payload"]["type"]:
            prefix = self.doc["payload"]["type"] + " "
        return f"{self.kind} {prefix}`{self.dotted}`"

    def warns(self, value: Any) -> list[str]:
        if self.warn_above is not None and type(value) is int and value > self.warn_above:
            return [self.ptr]
        return []


def field_cases(c: Corpus, f: Field) -> None:
    doc = f.doc
    c.doc(
        f.kind,
        f.rule,
        f.name("valid"),
        f"{f.label()} holding {json.dumps(f.sample)} is valid",
        valid=True,
        doc=put(doc, f.ptr, f.sample),
        warnings=f.warns(f.sample),
    )
    if not f.absent:
        pass
    elif f.required:
        c.doc(
            f.kind,
            f.rule,
            f.name("absent"),
            f"{f.label()} absent is invalid: it is required",
            valid=False,
            doc=drop(put(doc, f.ptr, f.sample), f.ptr),
            pointer=f.ptr,
        )
    else:
        c.doc(
            f.kind,
            f.rule,
            f.name("absent"),
            f"{f.label()} absent is valid: it is optional",
            valid=True,
            doc=drop(put(doc, f.ptr, f.sample), f.ptr),
        )
    for json_type, what, value in CONFUSIONS:
        if json_type in f.types:
            if json_type == "null":
                c.doc(
                    f.kind,
                    f.rule,
                    f.name("null"),
                    f"{f.label()} null is valid, the same as absent",
                    valid=True,
                    doc=put(doc, f.ptr, None),
                )
            continue
        if json_type == "null":
            desc = f"{f.label()} null is invalid: null is not allowed there"
        else:
            desc = f"{f.label()} as {what} is invalid"
        c.doc(f.kind, f.rule, f.name(f"as-{slug(what)}"), desc, valid=False, doc=put(doc, f.ptr, value), pointer=f.ptr)
    if f.items == "string":
        c.doc(
            f.kind,
            f.rule,
            f.name("item-number"),
            f"{f.label()} with a number item is invalid",
            valid=False,
            doc=put(doc, f.ptr, ["a", 7]),
            pointer=f.ptr + "/1",
        )
        c.doc(
            f.kind,
            f.rule,
            f.name("item-null"),
            f"{f.label()} with a null item is invalid",
            valid=False,
            doc=put(doc, f.ptr, [None]),
            pointer=f.ptr + "/0",
        )
        c.doc(
            f.kind,
            f.rule,
            f.name("empty-array"),
            f"{f.label()} as an empty array is valid",
            valid=True,
            doc=put(doc, f.ptr, []),
        )
    if f.items == "map":
        c.doc(
            f.kind,
            f.rule,
            f.name("value-number"),
            f"{f.label()} with a number value is invalid",
            valid=False,
            doc=put(doc, f.ptr, {"tier": 1}),
            pointer=f.ptr + "/tier",
        )
        c.doc(
            f.kind,
            f.rule,
            f.name("value-null"),
            f"{f.label()} with a null value is invalid",
            valid=False,
            doc=put(doc, f.ptr, {"tier": None}),
            pointer=f.ptr + "/tier",
        )
        c.doc(
            f.kind,
            f.rule,
            f.name("empty-object"),
            f"{f.label()} as an empty object is valid",
            valid=True,
            doc=put(doc, f.ptr, {}),
        )
    if f.bounds is not None:
        integer_cases(c, f)


def integer_cases(c: Corpus, f: Field) -> None:
    assert f.bounds is not None
    lo, hi, width = f.bounds
    top = WIDTH[width]
    doc = f.doc
    seen: set[int] = set()

    def case(value: int, why: str) -> None:
        if value in seen:
            return
        seen.add(value)
        what = "u64 max" if value == U64 else "u32 max" if value == U32 else "u8 max" if value == U8 else str(value)
        name = f.name(f"n{value}".replace("-", "minus"))
        if value < 0 or value > top:
            wname = f.qname(f"n{value}".replace("-", "minus"))
            c.doc(
                f.kind,
                "parse.integer.width",
                wname,
                f"{f.label()} = {value} is invalid: {why}",
                valid=False,
                doc=put(doc, f.ptr, value),
                pointer=f.ptr,
            )
        elif value < lo or value > hi:
            c.doc(
                f.kind,
                f.rule,
                name,
                f"{f.label()} = {value} is invalid: {why}",
                valid=False,
                doc=put(doc, f.ptr, value),
                pointer=f.ptr,
            )
        else:
            c.doc(
                f.kind,
                f.rule,
                name,
                f"{f.label()} = {what} is valid: {why}",
                valid=True,
                doc=put(doc, f.ptr, value),
                warnings=f.warns(value),
            )

    case(lo, "its minimum")
    case(lo - 1, "one below its minimum" if lo > 0 else f"below the range of {width}")
    case(hi, "its maximum")
    case(hi + 1, "one above its maximum" if hi < top else f"one above {width} max")
    case(top, f"{width} max" if top <= hi else f"{width} max, above its maximum of {hi}")
    case(top + 1, f"one above {width} max")
    case(-1, f"below the range of {width}")
    sample = f.sample if type(f.sample) is int else lo
    for literal, what in ((f"{sample}.0", "a fraction"), (f"{sample}e0", "an exponent")):
        c.doc(
            f.kind,
            "parse.integer.literal",
            f.qname(f"literal-{slug(literal)}"),
            f"{f.label()} written {literal} is invalid: an integer takes no {what.split()[-1]}",
            valid=False,
            text=raw(doc, f.ptr, literal),
            pointer=f.ptr,
        )


def unknown_member(c: Corpus, kind: str, rule: str, at: str, base: Any) -> None:
    """A valid case of ``kind``: ``base`` with an unknown member in the object at ``at`` (filed under ``rule``)."""
    c.doc(
        kind,
        rule,
        f"unknown-member-{slug(at) or 'top'}",
        f"{kind} with an unknown member in {at[1:] or 'the top level'} is valid",
        valid=True,
        doc=put(base, f"{at}/x-vendor", {"a": [1]}),
    )
