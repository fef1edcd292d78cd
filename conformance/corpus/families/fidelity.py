"""Round-trip text fidelity (class roundtrip, rule ``roundtrip.preserve``), swept over every kind: strings in
every Unicode normalisation form and with characters a writer might fold (compatibility characters, a sign
that looks like a letter, zero-width joiners, noncharacters), each in free-form data and in a protocol string;
every array of strings in an order that is not sorted and with a repeated item.

The round trip keeps values, not bytes: ``é`` decomposed (``e`` and U+0301) is another string than ``é`` composed,
and an array is a sequence (order and repeats are the writer's to keep).
"""

from __future__ import annotations

from typing import Any

from ..builder import Corpus, dumps, put
from . import core, payload, worker
from .documents import BASE, FREE_AT

#: Strings a normalising or case-folding writer changes: (slug, value).
TEXTS = (
    ("nfd", "cafe\u0301"),
    ("nfc", "caf\u00e9"),
    ("nfd-hangul", "\u1112\u1161\u11ab"),
    ("angstrom-sign", "\u212b"),
    ("kelvin-sign", "\u212a"),
    ("ligature-fi", "\ufb01le"),
    ("fullwidth", "\uff41\uff42\uff43"),
    ("zwj-sequence", "\U0001f468\u200d\U0001f469\u200d\U0001f467"),
    ("zero-width-space", "a\u200bb"),
    ("noncharacter", "a\ufffeb\uffff"),
    ("combining-stack", "a\u0301\u0300\u0302"),
    ("rtl-mark", "\u202eabc"),
    ("nul-char", "a\u0000b"),
    ("del-c1", "a\u007f\u0085b"),
    ("trailing-space", "name "),
    ("line-separators", "a\u2028b\u2029c"),
)
#: Arrays whose items are taken from a closed set: only repeats of a valid item.
CLOSED: frozenset[str] = frozenset()
#: Protocol strings no rule constrains, per kind: where a writer's string handling shows too.
PROTOCOL_TEXT = {
    "job": "/metadata/name",
    "result": "/worker_id",
    "progress": "/message",
    "worker": "/hostname",
}


def cases(c: Corpus) -> None:
    pre = "roundtrip.preserve"
    for kind, doc in BASE.items():
        for name, text in TEXTS:
            c.roundtrip(
                kind,
                pre,
                f"text-{name}-free",
                f"{kind} round trip keeps the free-form string {text!r} ({name}) code point for code point",
                dumps(put(doc, f"{FREE_AT[kind]}/s", text)),
            )
            c.roundtrip(
                kind,
                pre,
                f"text-{name}-member",
                f"{kind} round trip keeps `{PROTOCOL_TEXT[kind][1:]}` = {text!r} ({name}) code point for code point",
                dumps(put(doc, PROTOCOL_TEXT[kind], "x" + text)),
            )
        c.roundtrip(
            kind,
            pre,
            "free-array-order",
            f"{kind} round trip keeps a free-form array unsorted, its repeated items included",
            dumps(put(doc, f"{FREE_AT[kind]}/list", ["b", "a", "c", "a", 2, 1, 1])),
        )
        c.roundtrip(
            kind,
            pre,
            "free-member-names-nfd",
            f"{kind} round trip keeps two member names equal only once normalised (NFC and NFD)",
            dumps(put(doc, FREE_AT[kind], {"caf\u00e9": 1, "cafe\u0301": 2})),
        )
    # Every array of strings of the protocol, in reverse order and with a repeat.
    for f in core.fields() + worker.fields() + payload.fields():
        if f.items != "string" or not isinstance(f.sample, list) or not f.sample:
            continue
        first: Any = f.sample[0]
        value = ["zz.last", first, "aa.first", first] if f.ptr not in CLOSED else [first, first]
        c.roundtrip(
            f.kind,
            pre,
            f.qname("array-order"),
            f"{f.label()} round trip keeps {value} in its order, the repeat included",
            dumps(put(f.doc, f.ptr, value)),
        )
