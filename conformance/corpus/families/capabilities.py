"""Capability matching (class capabilities): exact, case-sensitive, empty requirements, duplicates, missing
ones reported once and in order; the expectation is computed by the protocol's definition as the case is made."""

from __future__ import annotations

from reference import OPERATIONS

from ..builder import Corpus


def cases(c: Corpus) -> None:
    m = c.match
    m("exact", "capabilities: one required, exactly available", ["guestkit.inspect"], ["guestkit.inspect"])
    m(
        "subset",
        "capabilities: two required among three available",
        ["guestkit.inspect", "guestkit.fix"],
        ["guestkit.fix", "guestkit.convert", "guestkit.inspect"],
    )
    m("empty-required", "capabilities: an empty requirement matches anything", [], ["guestkit.inspect"])
    m("empty-both", "capabilities: an empty requirement matches even no capability", [], [])
    m("none-available", "capabilities: one required, none available", ["guestkit.inspect"], [])
    m("case-sensitive", "capabilities: matching is case-sensitive", ["guestkit.inspect"], ["GuestKit.Inspect"])
    m("prefix", "capabilities: a prefix of the required name does not match", ["guestkit.inspect"], ["guestkit"])
    m("longer", "capabilities: a longer name does not match", ["guestkit"], ["guestkit.inspect"])
    m(
        "whitespace",
        "capabilities: surrounding whitespace makes another name",
        ["guestkit.inspect"],
        [" guestkit.inspect"],
    )
    m(
        "one-missing",
        "capabilities: one of two missing is reported",
        ["guestkit.inspect", "guestkit.fix"],
        ["guestkit.inspect"],
    )
    m(
        "order",
        "capabilities: the missing ones are reported in required order",
        ["c.three", "a.one", "b.two"],
        ["x.other"],
    )
    m(
        "duplicate-required",
        "capabilities: a requirement named twice and available matches",
        ["guestkit.inspect", "guestkit.inspect"],
        ["guestkit.inspect"],
    )
    m(
        "duplicate-missing",
        "capabilities: a missing requirement named twice is reported once",
        ["guestkit.fix", "guestkit.fix"],
        ["guestkit.inspect"],
    )
    m(
        "duplicate-available",
        "capabilities: a capability available twice matches",
        ["guestkit.inspect"],
        ["guestkit.inspect", "guestkit.inspect"],
    )
    m("unicode-nfc-nfd", "capabilities: composed é does not match decomposed e + U+0301", ["caf\u00e9"], ["cafe\u0301"])
    m("unicode-exact", "capabilities: a non-ASCII name available exactly matches", ["ёлка.v1"], ["ёлка.v1"])
    m("empty-string", "capabilities: the empty name required and available matches", [""], ["", "a"])
    m("empty-string-missing", "capabilities: the empty name required and not available is missing", [""], ["a"])
    m(
        "many",
        "capabilities: every builtin operation available covers three of them",
        ["guestkit.inspect", "hyper2kvm.convert", "system.health-check"],
        list(OPERATIONS),
    )
    m("all-missing", "capabilities: three required, all missing, all reported", ["a.x", "b.y", "c.z"], ["d.w"])
