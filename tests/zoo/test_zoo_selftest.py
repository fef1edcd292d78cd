"""The mutation score machinery: a corpus of the mutants' witnesses catches every mutant without a false
alarm; a corpus missing a witness lets its mutant survive; ``vmjob selftest`` runs over the real subprocess
transport and its exit status follows the score."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.zoo import BLIND, EQUIVALENTS, INDEPENDENT, MUTANTS, VARIANTS, Variant, get
from conformance.zoo.score import Score, score_member, totals, witness_case, write_witness_corpus

#: The witnesses of every family's mutants: each member of any family is judged against all of them.
WITNESS_CASES = [witness_case(m) for m in (*MUTANTS, *INDEPENDENT, *BLIND)]


@pytest.mark.parametrize("variant", list(VARIANTS.values()), ids=list(VARIANTS))
def test_the_witness_corpus_catches_each_mutant_and_flags_no_equivalent(variant: Variant) -> None:
    score = score_member(variant, transport="python", cases=WITNESS_CASES)
    assert score.problems == []
    assert score.corpus_flagged is (not variant.equivalent)
    if not variant.equivalent:
        assert set(score.corpus_rules) & set(variant.breaks)


def test_a_mutant_whose_witness_is_missing_survives_and_the_target_is_not_met() -> None:
    cases = [c for c in WITNESS_CASES if c.id != "zoo-witness-priority-11-accepted"]
    scores = [score_member(v, transport="python", cases=cases) for v in (*MUTANTS, *EQUIVALENTS)]
    survivors = [s.name for s in scores if not s.equivalent and not s.corpus_flagged]
    assert survivors == ["priority-11-accepted"]
    total = totals(scores, fuzz_ran=False)
    assert (total.corpus_caught, total.false_alarms, total.met) == (len(MUTANTS) - 1, 0, False)
    assert total.line().startswith(f"mutation score: corpus caught {len(MUTANTS) - 1}/{len(MUTANTS)} (")
    assert total.line().endswith("target 100% / 0: NOT met")


def test_an_empty_corpus_catches_nothing_and_says_so() -> None:
    score = score_member(get("priority-0-accepted"), transport="python", cases=[])
    assert score.corpus_flagged is False
    assert score.problems == ["no corpus case was executed"]
    assert not totals([score], fuzz_ran=False).met


def test_a_fuzz_false_alarm_counts_against_the_score() -> None:
    alarm = Score("eq-x", True, "recommended", (), corpus_flagged=False, fuzz_flagged=True)
    caught = Score("m", False, "required", ("core.kind",), corpus_flagged=True, fuzz_flagged=True)
    total = totals([alarm, caught], fuzz_ran=True)
    assert (total.false_alarms, total.met) == (1, False)


def _selftest(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", "selftest", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_selftest_over_the_subprocess_transport_meets_the_target_on_the_witness_corpus(tmp_path: Path) -> None:
    corpus = write_witness_corpus(tmp_path / "corpus", MUTANTS)
    out = tmp_path / "score.json"
    names = ["job-id-bytes", "capability-prefix-match", "roundtrip-injects-defaults", "eq-other-pointers"]
    done = _selftest("--corpus-only", "--corpus", str(corpus), "--json", str(out), *(f"--only={n}" for n in names))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "job-id-bytes" in done.stdout and "yes: core.job_id" in done.stdout
    assert "mutation score: corpus caught 3/3 (100.0%), false alarms 0/1; target 100% / 0: met" in done.stdout
    body = json.loads(out.read_text())
    assert body["transport"] == "cmd" and body["totals"]["met"] is True
    assert [m["name"] for m in body["members"]] == names


@pytest.mark.slow
def test_selftest_exits_1_and_names_the_survivor_when_a_mutant_survives(tmp_path: Path) -> None:
    corpus = write_witness_corpus(tmp_path / "corpus", [get("kind-case-insensitive")])
    done = _selftest("--corpus-only", "--corpus", str(corpus), "--only=kind-case-insensitive", "--only=job-id-bytes")
    assert done.returncode == 1
    assert "survivor job-id-bytes (the corpus): rule core.job_id; caught by e.g. validate job" in done.stdout


def test_selftest_rejects_an_unknown_member_cleanly() -> None:
    done = _selftest("--corpus-only", "--only", "no-such")
    assert done.returncode == 2
    assert "--only 'no-such' is not in the zoo" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_selftest_rejects_a_corpus_that_is_not_a_directory(tmp_path: Path) -> None:
    done = _selftest("--corpus-only", "--corpus", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert "is not a directory" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
def test_selftest_rejects_a_malformed_corpus_file_naming_it(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    done = _selftest("--corpus-only", "--corpus", str(tmp_path))
    assert done.returncode == 2
    assert "bad.json" in done.stderr and "Traceback" not in done.stderr


def test_a_member_that_crashes_is_a_problem_not_a_catch() -> None:
    from conformance.zoo import Impl

    def explode(result: object) -> dict[str, object]:
        raise RuntimeError("boom")

    broken = Variant("crashes", "crashes on every document", Impl(phrase=explode), ("core.kind",))
    score = score_member(broken, transport="python", cases=WITNESS_CASES)
    assert score.corpus_flagged is False
    assert any("ended in a fault" in p and "crash RuntimeError: boom" in p for p in score.problems)
    assert not totals([score], fuzz_ran=False).met


def test_fuzzing_alone_catches_a_mutant_and_counts_the_cases_it_needed() -> None:
    score = score_member(get("integer-float-accepted"), transport="python", cases=[], fuzz_budget=500)
    assert score.fuzz_flagged is True
    assert score.fuzz_rule == "parse.integer.literal"
    assert score.fuzz_examples is not None and 1 <= score.fuzz_examples <= 500


def test_fuzzing_alone_raises_no_false_alarm_on_an_equivalent() -> None:
    score = score_member(get("eq-other-pointers"), transport="python", cases=[], fuzz_budget=300)
    assert score.fuzz_flagged is False
    assert score.fuzz_examples is None
