"""The corpus part of the mutation score, as CI runs it: the shipped corpus catches every mutant at its own
level and flags no equivalent variant (in-process, the same judgement as ``vmjob selftest --corpus-only``).

Known gaps live in the two tables below under strict xfail, each with its reason, so that closing one is
noticed (the test then passes unexpectedly and fails, until its entry is removed).
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.corpus import load_corpus
from conformance.zoo import EQUIVALENTS, MUTANTS, Variant
from conformance.zoo.score import score_member

CASES = load_corpus()

#: Mutants the shipped corpus does not catch: a missing case (the mutant's witness shows which).
KNOWN_SURVIVORS: dict[str, str] = {}
#: Equivalent variants the shipped corpus flags although they are right: a corpus or evaluation issue.
KNOWN_FALSE_ALARMS: dict[str, str] = {}


def _params(variants: list[Variant], known: dict[str, str]) -> list[Any]:
    return [
        pytest.param(
            v, id=v.name, marks=[pytest.mark.xfail(strict=True, reason=known[v.name])] if v.name in known else []
        )
        for v in variants
    ]


def test_the_shipped_corpus_is_there() -> None:
    assert len(CASES) > 100


@pytest.mark.slow
@pytest.mark.parametrize("variant", _params(MUTANTS, KNOWN_SURVIVORS))
def test_the_shipped_corpus_catches_mutant(variant: Variant) -> None:
    score = score_member(variant, transport="python", cases=CASES)
    assert score.corpus_flagged, f"{variant.name} survives the corpus: no case like its witness ({variant.breaks})"


@pytest.mark.parametrize("variant", _params(EQUIVALENTS, KNOWN_FALSE_ALARMS))
def test_the_shipped_corpus_raises_no_false_alarm_on(variant: Variant) -> None:
    score = score_member(variant, transport="python", cases=CASES)
    assert not score.corpus_flagged, f"{variant.name} is flagged by cases of {score.corpus_rules}"


def test_the_known_gap_tables_name_zoo_members() -> None:
    assert set(KNOWN_SURVIVORS) <= {m.name for m in MUTANTS}
    assert set(KNOWN_FALSE_ALARMS) <= {e.name for e in EQUIVALENTS}
