"""Capability matching cases: random ``required`` / ``available`` lists, judged as a corpus ``match`` case.

Matching is exact and case-sensitive; an empty requirement always matches; the missing ones are reported
(compared as a set). The lists are built from realistic capability names and the near misses a wrong
matcher confuses with them: the same name in another case, a prefix of it (``guestkit`` for
``guestkit.inspect``), an extension of it, surrounding space, a glob that covers it (``guestkit.*``), its
decomposed Unicode form, duplicates and the empty string. The
expectation is the reference's (:func:`reference.match_capabilities`), and a reply is judged by
:func:`conformance.evaluate.evaluate`, exactly as the corpus's match cases are.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable

import reference

from ..corpus import Case
from ..evaluate import evaluate
from ..model import Reply

RULE = "capabilities.match"
#: Capability names as workers advertise them: the operations, and features of the kind jobs require.
NAMES: tuple[str, ...] = (
    *reference.OPERATIONS,
    "gpu",
    "nested-virt",
    "sriov",
    "guestkit",
    "hyper2kvm",
    "x-vendor.feature",
    "storage.ceph",
    "é-capability",
    "feature.café",
    "中文",
)


def near_miss(name: str, rng: random.Random) -> str:
    """A string a wrong matcher may take for ``name``: another case, a prefix, an extension, spaces, a glob or
    regular expression that matches it, its decomposed form."""
    forms = [name.upper(), name.title(), name.swapcase(), name.capitalize()]
    if "." in name:
        forms.append(name.split(".")[0])
        forms.append(name.rsplit(".", 1)[0] + ".")
    if len(name) > 1:
        forms.append(name[: rng.randint(1, len(name) - 1)])
    forms += [name + ".v2", name + "x", name + " ", " " + name, name.replace(".", "_")]
    # Names that are patterns to a glob or regular-expression matcher, and the other normalisation forms.
    forms += [name.rsplit(".", 1)[0] + ".*", "*", name[:-1] + "?", f"[{name[0]}]{name[1:]}", name[:1] + ".*"]
    forms += [unicodedata.normalize(form, name) for form in ("NFD", "NFKD")]
    return rng.choice([f for f in forms if f != name] or [name + "x"])


def lists(rng: random.Random) -> tuple[list[str], list[str]]:
    """One random (required, available) pair, biased towards near misses and partial matches."""
    pool = rng.sample(NAMES, rng.randint(1, 5))
    required = [n for n in pool if rng.random() < 0.7]
    available = [n for n in pool if n not in required or rng.random() < 0.6]
    for name in pool:
        r = rng.random()
        if r < 0.35:
            available.append(near_miss(name, rng))
        elif r < 0.45:
            required.append(near_miss(name, rng))
    if rng.random() < 0.15:
        (required if rng.random() < 0.5 else available).append("")
    for lst in (required, available):
        if lst and rng.random() < 0.15:
            lst.append(rng.choice(lst))  # a duplicate
        rng.shuffle(lst)
    if rng.random() < 0.08:
        required = []
    if rng.random() < 0.05:
        available = []
    return required, available


def case(required: list[str], available: list[str], cid: str = "fuzz-match") -> Case:
    """The corpus ``match`` case for these lists, with the reference's expectation."""
    missing = tuple(reference.match_capabilities(required, available))
    return Case(
        id=cid,
        kind="job",
        klass="capabilities",
        rule=RULE,
        level=reference.RULES[RULE].level,
        description="capability match from the fuzzer",
        required=tuple(required),
        available=tuple(available),
        ok=not missing,
        missing=missing,
    )


def judge(required: list[str], available: list[str], reply: Reply) -> tuple[str, str]:
    """``(outcome, message)`` of ``reply`` to a match request for these lists (``pass``, ``fail``, a fault)."""
    outcome, _got, message = evaluate(case(required, available), reply)
    return outcome, message


Still = Callable[[list[str], list[str]], bool]


def shrink(
    required: list[str], available: list[str], still: Still, budget: int = 500
) -> tuple[list[str], list[str], int]:
    """The shortest lists derived from these (items dropped one at a time) for which ``still`` holds."""
    calls = 0
    improved = True
    while improved and calls < budget:
        improved = False
        for which in (0, 1):
            lst = (required, available)[which]
            for i in range(len(lst)):
                cand = lst[:i] + lst[i + 1 :]
                req, avail = (cand, available) if which == 0 else (required, cand)
                calls += 1
                if still(req, avail):
                    required, available, improved = req, avail, True
                    break
                if calls >= budget:
                    break
            if improved:
                break
    return required, available, calls
