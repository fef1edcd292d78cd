"""``vmjob fuzz`` and ``vmjob corpus promote`` run as a user runs them: as subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.corpus import default_root
from conformance.corpus.check import check

ROOT = Path(__file__).resolve().parents[2]
FAKE = "tests.fuzz.fakes:accepts_priority_11"
REFERENCE = "tests.fuzz.test_differential:_reference_on_bytes"


def vmjob(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "conformance", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow
def test_a_divergence_exits_1_and_the_report_replays(tmp_path: Path) -> None:
    report = tmp_path / "fuzz.jsonl"
    run = vmjob("fuzz", "--python", FAKE, "--seed", "1", "--examples", "2000", "--report", str(report))
    assert run.returncode == 1, run.stderr
    assert "core.execution.priority" in run.stdout and '"priority":' in run.stdout
    recs = records(report)
    assert [r["type"] for r in recs][0] == "header" and recs[-1]["type"] == "footer"
    assert recs[0]["seed"] == 1 and recs[0]["transport"] == {"kind": "python", "target": FAKE}
    findings = [r for r in recs if r["type"] == "finding"]
    assert [f["rule"] for f in findings] == ["core.execution.priority"]
    assert recs[-1]["stats"]["examples"] == 2000 and recs[-1]["interrupted"] is False
    # Replay against the report's own transport: still diverges. Against the reference: agrees now.
    again = vmjob("fuzz", "--replay", str(report))
    assert again.returncode == 1 and "still diverges" in again.stdout
    fixed = vmjob("fuzz", "--replay", str(report), "--python", REFERENCE)
    assert fixed.returncode == 0 and "agrees now" in fixed.stdout


@pytest.mark.slow
def test_no_divergence_exits_0_and_a_json_report_is_one_list(tmp_path: Path) -> None:
    report = tmp_path / "fuzz.json"
    run = vmjob("fuzz", "--python", REFERENCE, "--seed", "3", "--examples", "1500", "--report", str(report))
    assert run.returncode == 0, run.stdout + run.stderr
    body = json.loads(report.read_text(encoding="utf-8"))
    assert [r["type"] for r in body] == ["header", "footer"]
    assert "1500 examples" in run.stdout and "0 finding(s)" in run.stdout


@pytest.mark.slow
def test_a_recommended_divergence_counts_only_at_level_recommended(tmp_path: Path) -> None:
    common = ("fuzz", "--python", "tests.fuzz.test_cli:_no_absolute_paths", "--seed", "1", "--class", "payload")
    required = vmjob(*common, "--examples", "1500")
    assert required.returncode == 0, required.stdout + required.stderr
    assert "payload.path.absolute" in required.stdout and "not counted at this level" in required.stdout
    strict = vmjob(*common, "--examples", "1500", "--level", "recommended")
    assert strict.returncode == 1


def _no_absolute_paths(kind: str, text: str) -> dict:
    from tests.fuzz.test_differential import _reference_on_bytes

    reply = _reference_on_bytes(kind, text)
    errors = [e for e in reply["errors"] if e["rule"] != "payload.path.absolute"]
    return {"valid": not errors, "errors": errors}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "one of --cmd, --one-shot, --url, --python is required"),
        (("--python", FAKE, "--examples", "0"), "--examples=0 must be >= 1"),
        (("--python", "no.such.module:fn"), "cannot import"),
        (("--python", FAKE, "--replay", "/nonexistent/report.jsonl"), "cannot read the report"),
        (("--python", FAKE, "--examples", "5", "--report", "/proc/nope/r.jsonl"), "--report"),
    ],
)
def test_usage_errors_exit_2_with_a_message_and_no_traceback(args: tuple[str, ...], message: str) -> None:
    run = vmjob("fuzz", *args)
    assert run.returncode == 2
    assert message in run.stderr and "Traceback" not in run.stderr


@pytest.mark.slow
def test_fuzzing_the_persistent_adapter_of_the_reference_finds_nothing() -> None:
    cmd = f"{sys.executable} -m conformance adapter"
    run = vmjob("fuzz", "--cmd", cmd, "--seed", "2", "--examples", "1000")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "vmjob-reference" in run.stdout and "0 finding(s)" in run.stdout


@pytest.mark.slow
def test_promoted_findings_pass_corpus_check_and_merge_without_duplicates(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(default_root(), corpus)
    reports = []
    for fake, seed in (("accepts_feb_30", "4"), ("rejects_unknown_top_level", "4"), ("accepts_integral_float", "1")):
        report = tmp_path / f"{fake}.jsonl"
        vmjob(
            "fuzz",
            "--python",
            f"tests.fuzz.fakes:{fake}",
            "--seed",
            seed,
            "--examples",
            "2000",
            "--report",
            str(report),
        )
        reports.append(report)
    for report in reports:
        run = vmjob("corpus", "promote", str(report), "--corpus", str(corpus))
        assert run.returncode == 0, run.stderr
    promoted = sorted(corpus.rglob("promoted.json"))
    assert promoted
    ids = [c["id"] for p in promoted for c in json.loads(p.read_text(encoding="utf-8"))["cases"]]
    assert len(ids) >= 3 and all(".fuzz-" in i for i in ids)
    assert check(corpus) == []
    before = [p.read_text(encoding="utf-8") for p in promoted]
    again = vmjob("corpus", "promote", str(reports[0]), "--corpus", str(corpus))
    assert again.returncode == 0 and "0 new case(s)" in again.stdout
    assert [p.read_text(encoding="utf-8") for p in promoted] == before
