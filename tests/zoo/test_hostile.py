"""Hostile implementations never earn a certificate, and never crash the harness: each is refused for what it
did, the report can be rebuilt from its stream, and nothing it started is left running."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conformance.corpus.loader import load_corpus
from conformance.zoo.hostile import HOSTILE, certify

#: What the verdict must say of each member: the reason it is refused, not merely that it is.
WHY = {
    "crash-on-generated": "generated documents not answered: ",
    "hang-on-generated": "generated documents not answered: ",
    "crash-sometimes": "generated documents not answered: ",
    # every corpus case but the first, however many the corpus holds
    "decline-after-one": f"corpus cases not answered ({len(load_corpus()) - 1:,} declined)",
    "decline-json": "declined); ",
    "decline-generated": "declined by the implementation",
    "errored-on-valid": "answered with a timeout, crash or protocol error",
    "deep-reply": "answered with a timeout, crash or protocol error",
    "crash-in-workers": "corpus cases not answered (",
}


#: Members the default test run certifies; the others (each a few seconds: hangs wait out their timeout)
#: run with the slow tests, as `vmjob selftest` runs them all.
QUICK = {"crash-on-generated", "decline-after-one", "errored-on-valid", "extra-warning"}


@pytest.mark.parametrize(
    "name", [n if n in QUICK else pytest.param(n, marks=pytest.mark.slow) for n in sorted(HOSTILE)]
)
def test_hostile_member_is_refused_for_what_it_did(name: str, left_behind: Callable[[], list[Any]]) -> None:
    summary = certify(HOSTILE[name], timeout=0.5)
    assert summary["conformant"] is False
    if name in WHY:
        assert summary["complete"] is False
        assert WHY[name] in "; ".join(summary["incomplete"])
    else:  # extra-warning answers everything; it is wrong, at the recommended level
        assert summary["complete"] is True and summary["failed"] >= 1
    assert summary["claim"]["full"] is True
    assert left_behind() == []


def _vmjob(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", ["crash-on-generated", "errored-on-valid", "deep-reply", "decline-after-one"])
def test_certify_refuses_with_exit_1_and_a_report_that_reads_back(
    name: str, tmp_path: Path, left_behind: Callable[[], list[Any]]
) -> None:
    # Before: crash-on-generated was CONFORMANT ("fuzz: 0 generated cases"), decline-after-one was CONFORMANT
    # ("conformant 1/1"), errored-on-valid died with exit 2 ("'rule' missing or not a string") and deep-reply
    # with a RecursionError.
    stream, report = tmp_path / "r.jsonl", tmp_path / "r.json"
    cmd = f"{sys.executable} -m conformance.zoo {name}"
    proc = _vmjob("certify", "--cmd", cmd, "--fuzz", "1000", "--seed", "1", "--timeout", "1",
                  "--results", stream, "--json", report, "--badge-endpoint", tmp_path / "badge.json")  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("NOT CONFORMANT at level required for all 4 document kinds, all 7 classes (")
    assert "incomplete: " in last
    manifest = json.loads(report.read_text())
    assert manifest["conformant"] is False and manifest["summary"]["complete"] is False
    badge = json.loads((tmp_path / "badge.json").read_text())
    assert badge["message"].startswith(("incomplete ", "not conformant "))
    again = _vmjob("report", stream)
    assert again.returncode == 1, again.stderr
    assert again.stdout.strip().splitlines()[-1] == last
    assert left_behind() == []
