"""``vmjob corpus list`` and ``show``: one line per case, id first; a clear message for an unknown id."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conformance.corpus import load_corpus, select

VMJOB = [sys.executable, "-m", "conformance", "corpus"]


def vmjob(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VMJOB, *args], capture_output=True, text=True, check=False)


def test_list_filters_and_puts_the_id_first() -> None:
    out = vmjob("list", "--kind", "job", "--class", "core", "--rule", "core.execution.priority")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    want = select(load_corpus(), ["job"], ["core"], ["core.execution.priority"])
    assert [line.split()[0] for line in lines] == [c.id for c in want]
    assert all("core.execution.priority" in line for line in lines)


@pytest.mark.slow
def test_show_prints_the_case_and_refuses_an_unknown_id() -> None:
    out = vmjob("show", "job.core.job-id.e-acute-4")
    assert out.returncode == 0
    shown = json.loads(out.stdout)
    assert shown["expected"] == {"valid": False, "pointer": "/job_id"}
    assert shown["document"]["job_id"] == "éééé"
    unknown = vmjob("show", "job.core.no-such-case")
    assert unknown.returncode == 2
    assert "id='job.core.no-such-case' is no case of the corpus" in unknown.stderr
    assert "Traceback" not in unknown.stderr


def test_stats_counts_every_case() -> None:
    out = vmjob("stats")
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert lines[0] == f"{len(load_corpus())} cases"
    by_kind = next(line for line in lines if line.startswith("by kind: "))
    assert sum(int(part.split()[1]) for part in by_kind.removeprefix("by kind: ").split(", ")) == len(load_corpus())
