"""The worker zoo: every mutant caught on the rule it breaks, no equivalent flagged, every member runnable."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from conformance.behaviour.score import behaviour_met, behaviour_score, certify_member, render
from conformance.zoo.workers import EQUIVALENTS, MUTANTS, WORKERS
from tests.worker.conftest import PYTHON, worker_process

#: A few members, one per kind of fault, certified in the default run; the whole zoo runs with the slow tests.
QUICK = ("executes-invalid", "path-escape", "progress-back", "strict", "refuses-by-result-files")


def test_the_zoo_has_at_least_twelve_mutants_each_breaking_one_behaviour_rule() -> None:
    assert len(MUTANTS) >= 12 and len(EQUIVALENTS) >= 3
    for m in MUTANTS:
        assert len(m.breaks) == 1 and m.breaks[0].startswith("behaviour."), m.name
    assert {m.breaks[0] for m in MUTANTS} >= {
        "behaviour.refuse-invalid",
        "behaviour.refuse-capabilities",
        "behaviour.refuse-operation",
        "behaviour.idempotency.completed",
        "behaviour.idempotency.running",
        "behaviour.path-safety",
        "behaviour.result",
        "behaviour.progress",
        "behaviour.timeout",
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", QUICK)
def test_a_zoo_worker_is_judged_as_it_should_be(name: str) -> None:
    member = WORKERS[name]
    score = certify_member(member, seed=7)
    if member.equivalent:
        assert score.conformant and not score.flagged, score.flagged
    else:
        assert score.caught and not score.conformant, score.flagged


@pytest.mark.slow
def test_every_mutant_is_caught_with_its_rule_and_no_equivalent_is_flagged() -> None:
    score = behaviour_score(seed=3)
    missed = [m for m in score["members"] if not m["equivalent"] and not m["caught"]]
    alarms = [m for m in score["members"] if m["false_alarm"]]
    assert not missed and not alarms, render(score)
    assert score["caught"] == score["mutants"] == len(MUTANTS) and behaviour_met(score)


def test_the_score_reports_a_mutant_that_survives() -> None:
    fake = {
        "mutants": 2,
        "caught": 1,
        "score": 0.5,
        "equivalents": 1,
        "false_alarms": 0,
        "members": [
            {
                "name": "m1",
                "equivalent": False,
                "breaks": ["behaviour.result"],
                "caught": False,
                "false_alarm": False,
                "flagged": {},
                "conformant": True,
            },
        ],
    }
    lines = render(fake)
    assert lines[0].startswith("behaviour mutation score (worker zoo): 1/2 mutants caught (50 %)")
    assert "NOT CAUGHT: m1 (breaks behaviour.result; flagged nothing)" in lines[1]
    assert not behaviour_met(fake)


def test_zoo_workers_are_listed_and_served_as_processes(left_behind: Any) -> None:
    import subprocess

    listed = subprocess.run(
        [sys.executable, "-m", "conformance.zoo.workers", "--list"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert len(listed) == len(WORKERS) and listed[0].split("\t")[:2] == ["executes-invalid", "mutant"]
    with worker_process(f"{PYTHON} -m conformance.zoo.workers hides-echo --port 0") as line:
        url = line.rsplit(" ", 1)[-1]
        import urllib.request

        with urllib.request.urlopen(f"{url}/api/v1/capabilities", timeout=5) as resp:
            doc = json.loads(resp.read())
    assert doc["data"]["capabilities"]["operations"] == ["test.sleep"]
    assert not left_behind()


def test_an_unknown_zoo_worker_is_a_one_line_error() -> None:
    import subprocess

    done = subprocess.run([sys.executable, "-m", "conformance.zoo.workers", "no-such"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "'no-such' is not in the worker zoo" in done.stderr
