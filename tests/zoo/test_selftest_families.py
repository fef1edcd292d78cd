"""`vmjob selftest` scores the families apart: the first mutants, the second family (when it is installed),
the equivalents of both, and the hostile members; each with the corpus alone, fuzzing alone, false alarms and
the most cases fuzzing needed to find a member; ``--json`` carries the same."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import conformance.zoo as zoo
from conformance.commands.selftest import family_table
from conformance.zoo.score import Score, family_scores, member_families

FAMILIES = {"m1": "zoo", "m2": "zoo", "m3": "independent", "m4": "independent", "eq1": "equivalents"}


def _scores() -> list[Score]:
    return [
        Score("m1", False, "required", ("core.kind",), corpus_flagged=True, fuzz_flagged=True, fuzz_examples=40),
        Score("m2", False, "required", ("core.kind",), corpus_flagged=True, fuzz_flagged=True, fuzz_examples=900),
        Score("m3", False, "required", ("core.kind",), corpus_flagged=False, fuzz_flagged=True, fuzz_examples=7),
        Score("m4", False, "required", ("core.kind",), corpus_flagged=True, fuzz_flagged=False),
        Score("eq1", True, "recommended", (), corpus_flagged=False, fuzz_flagged=True, fuzz_examples=3),
    ]


def test_each_family_gets_its_own_score_worst_case_and_survivors() -> None:
    zoo_f, independent, equivalents = family_scores(_scores(), True, FAMILIES)
    assert (zoo_f.name, zoo_f.members, zoo_f.corpus_flagged, zoo_f.fuzz_flagged) == ("zoo", 2, 2, 2)
    assert (zoo_f.worst, zoo_f.worst_member) == (900, "m2")
    assert (independent.corpus_survivors, independent.fuzz_survivors) == (("m3",), ("m4",))
    assert (independent.worst, independent.worst_member) == (7, "m3")
    assert independent.cells() == ("1/2 (50.0%)", "1/2 (50.0%)", "-", "7 (m3); 1 not found")
    assert equivalents.equivalent and equivalents.worst is None
    assert equivalents.cells() == ("0/1 alarms", "1/1 alarms", "1", "-")
    assert equivalents.to_json()["false_alarms"] == 1


def test_without_the_second_family_only_the_zoo_and_the_equivalents_are_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(zoo, "FAMILIES", raising=False)
    families = member_families()
    assert set(families.values()) == {"zoo", "equivalents"}
    assert {n for n, f in families.items() if f == "zoo"} == {v.name for v in zoo.MUTANTS}
    scores = [s for s in _scores() if FAMILIES[s.name] != "independent"]
    assert [f.name for f in family_scores(scores, False, FAMILIES)] == ["zoo", "equivalents"]


def test_the_family_table_has_a_row_per_family_and_the_hostile_members() -> None:
    hostile = [{"name": "h1", "conformant": False}, {"name": "h2", "conformant": True}]
    lines = family_table(family_scores(_scores(), True, FAMILIES), hostile).splitlines()
    assert lines[0].split()[:2] == ["FAMILY", "MEMBERS"]
    assert [line.split()[0] for line in lines[1:]] == ["zoo", "independent", "equivalents", "hostile"]
    assert lines[1].endswith("900 (m2)")
    assert lines[-1].endswith("refused 1/2")


def _selftest(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", "selftest", "--in-process", "--no-hostile", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_selftest_prints_and_writes_the_family_scores(tmp_path: Path) -> None:
    out = tmp_path / "score.json"
    names = ["job-id-bytes", "kind-case-insensitive", "eq-other-pointers"]
    done = _selftest("--corpus-only", "--json", str(out), *(f"--only={n}" for n in names))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "MUTANT (zoo)" in done.stdout and "EQUIVALENT (both families)" in done.stdout
    table = done.stdout[done.stdout.index("FAMILY ") :].splitlines()
    assert table[1].split()[:3] == ["zoo", "2", "2/2"]
    assert table[2].split()[:3] == ["equivalents", "1", "0/1"]
    body = json.loads(out.read_text())
    assert [(f["family"], f["members"], f["corpus_flagged"]) for f in body["families"]] == [
        ("zoo", 2, 2),
        ("equivalents", 1, 0),
    ]
    assert {m["name"]: m["family"] for m in body["members"]} == {
        "job-id-bytes": "zoo",
        "kind-case-insensitive": "zoo",
        "eq-other-pointers": "equivalents",
    }


@pytest.mark.slow
def test_selftest_family_filter_scores_one_family_and_rejects_an_unknown_one() -> None:
    done = _selftest("--corpus-only", "--family=equivalents", "--only=eq-other-pointers", "--only=job-id-bytes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "eq-other-pointers" in done.stdout and "job-id-bytes" not in done.stdout
    bad = _selftest("--corpus-only", "--family=nope")
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "--family 'nope' is not a family of the zoo" in bad.stderr
