"""``--workers N``: the same seed finds the same things, and writes the same stream, whatever N."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.fuzz.slices import Campaign, finding_key, run_slice
from conformance.fuzz.stats import FuzzStats
from conformance.reports import build_report, read_stream
from conformance.transports import TransportOptions, open_implementation

from .streams import MUTANT, PY, certify, findings, records

KILLER = Path(__file__).parent / "worker_killer.py"


@pytest.mark.slow
def test_one_worker_and_two_write_the_same_stream_and_verdict(tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    args = ["--cmd", MUTANT, "--seed", "11", "--fuzz", "2500"]
    assert certify(one, *args, "--workers", "1") == 1
    assert certify(two, *args, "--workers", "2") == 1
    a, b = records(one), records(two)
    assert findings(a), "the campaign found nothing: the comparison would prove little"
    assert a == b  # every record, in order: corpus results, findings, the footer's figures
    assert build_report(read_stream(one))["summary"] == build_report(read_stream(two))["summary"]


def _slices_alone(seed: int) -> list[list[dict[str, Any]]]:
    """What each slice of a 2,500-document campaign against the mutant finds on its own (run here)."""
    impl = open_implementation("cmd", MUTANT, TransportOptions(timeout=10))
    info = impl.start()
    try:
        campaign = Campaign(seed, 2500, kinds=info.kinds, classes=info.classes)
        return [list(run_slice(impl, campaign, i, FuzzStats())) for i in campaign.slices()]
    finally:
        impl.close()


@pytest.mark.slow
def test_a_finding_found_again_by_a_later_slice_is_kept_once_the_first_slices(tmp_path: Path) -> None:
    for seed in range(11, 16):  # a seed with a fault that two slices find, each on its own
        alone = _slices_alone(seed)
        keys = [finding_key(f) for found in alone for f in found]
        if len(keys) > len(set(keys)):
            break
    else:
        raise AssertionError("no seed in 11..15 has two slices find the same fault: the test needs another mutant")
    path = tmp_path / "r.jsonl"
    certify(path, "--cmd", MUTANT, "--seed", str(seed), "--fuzz", "2500", "--workers", "2")
    recs = records(path)
    kept = findings(recs)
    # Each fault once, the copy of the first slice that found it (the slices' own findings, renumbered).
    first: dict[str, dict[str, Any]] = {}
    for found in alone:
        for f in found:
            first.setdefault(finding_key(f), f)
    assert [finding_key(f) for f in kept] == list(first)
    assert kept == list(first.values())
    assert recs[-1]["fuzz"]["slices"] == 3 and recs[-1]["fuzz"]["findings"] == len(kept)


@pytest.mark.slow
def test_fuzz_command_finds_the_same_with_one_worker_or_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = []
    for n in ("1", "2"):
        report = tmp_path / f"fuzz-{n}.jsonl"
        code = main(["fuzz", "--cmd", MUTANT, "--seed", "4", "--examples", "2000", "--workers", n,
                     "--report", str(report), "--quiet"])  # fmt: skip
        assert code == 1
        reports.append([json.loads(line) for line in report.read_text(encoding="utf-8").split("\n") if line])
    one, two = ([r for r in rep if r["type"] == "finding"] for rep in reports)
    assert one and one == two
    assert reports[0][-1]["stats"]["examples"] == reports[1][-1]["stats"]["examples"] == 2000


@pytest.mark.slow
def test_a_worker_process_that_dies_loses_its_unit_to_not_run_never_silently(tmp_path: Path) -> None:
    marker = tmp_path / "killed"
    path = tmp_path / "r.jsonl"
    code = certify(path, "--cmd", f"{PY} {KILLER} {marker} 40", "--seed", "3", "--fuzz", "3000", "--workers", "2")
    assert marker.exists(), "no worker process was killed: the test proves nothing"
    assert code == 1
    whole = tmp_path / "whole.jsonl"
    certify(whole, "--cmd", f"{PY} -m conformance adapter", "--seed", "3", "--fuzz", "3000", "--workers", "1")
    recs, reference = records(path), records(whole)
    results = [r for r in recs if r["type"] == "result"]
    # Every corpus case has its record, in the same order as a run nobody killed.
    assert [r["id"] for r in results] == [r["id"] for r in reference if r["type"] == "result"]
    footer = recs[-1]
    dead = re.search(r"worker (\d) stopped unexpectedly \(exit code -9\)", footer["stopped"])
    assert dead, footer["stopped"]
    report = build_report(read_stream(path))
    assert report["conformant"] is False
    assert report["summary"]["complete"] is False
    lost_cases = [r for r in results if r["outcome"] == "not-run"]
    lost_documents = footer["fuzz"]["asked"] - footer["fuzz"]["examples"]
    # The unit the dead worker held: corpus cases not run, or a slice never sent; a worker took its place.
    assert lost_cases or lost_documents > 0
    assert all(f"worker {dead[1]} stopped unexpectedly" in r["message"] for r in lost_cases)
    assert lost_documents <= 1000  # one slice at most: the replacement ran the rest


@pytest.mark.parametrize("bad", ["0", "-1"])
def test_workers_below_one_is_a_usage_error(tmp_path: Path, bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = certify(tmp_path / "r.jsonl", "--cmd", f"{PY} -m conformance adapter", "--workers", bad)
    assert code == 2
    assert f"--workers={bad} must be >= 1" in capsys.readouterr().err
    assert not (tmp_path / "r.jsonl").exists()


@pytest.mark.slow
def test_selftest_scores_the_same_with_one_worker_or_two(capsys: pytest.CaptureFixture[str]) -> None:
    only = ["--only", "priority-0-accepted", "--only", "bom-accepted", "--only", "job-id-bytes"]
    outputs = []
    for n in ("1", "2"):
        assert main(["selftest", "--corpus-only", "--no-hostile", *only, "--workers", n]) == 0
        outputs.append(capsys.readouterr().out)
    assert "priority-0-accepted" in outputs[0]
    assert outputs[0] == outputs[1]


@pytest.mark.slow
def test_an_interrupted_run_over_workers_says_so_and_what_was_not_sent(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "conformance", "certify", "--cmd", f"{PY} -m conformance adapter", "--seed", "2",
         "--workers", "2", "--results", str(path), "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not path.exists() or path.read_text().count('"type": "result"') < 600):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) != 0
    footer = records(path)[-1]
    assert footer["type"] == "footer" and footer["interrupted"] is True
    # The campaign's whole budget is owed: what was not sent is counted, not dropped.
    assert footer["fuzz"]["asked"] == 10_000 and footer["fuzz"]["examples"] < 10_000
    report = build_report(read_stream(path))
    assert report["conformant"] is False and report["summary"]["interrupted"] is True


@pytest.mark.slow
def test_a_campaign_bounded_by_time_owes_nothing_whatever_the_workers(tmp_path: Path) -> None:
    report = tmp_path / "fuzz.jsonl"
    code = main(["fuzz", "--cmd", f"{PY} -m conformance adapter", "--seed", "5", "--duration", "2", "--workers", "2",
                 "--report", str(report), "--quiet"])  # fmt: skip
    assert code == 0
    stats = json.loads(report.read_text(encoding="utf-8").split("\n")[-2])["stats"]
    assert stats["exit_reason"] == "duration" and stats["examples"] > 0
    assert stats["asked"] == 0 and stats["unanswered"] == 0


@pytest.mark.slow
def test_a_worker_that_cannot_start_its_implementation_leaves_its_share_to_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Importable here (the test's sys.path), not in a worker process: that worker cannot start it.
    (tmp_path / "only_here.py").write_text("from conformance.reference_impl import validate\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    path = tmp_path / "r.jsonl"
    assert certify(path, "--python", "only_here:validate", "--seed", "8", "--fuzz", "2000", "--workers", "2") == 0
    footer = records(path)[-1]
    assert footer["stopped"] == "" and footer["fuzz"]["examples"] == 2000
    assert "worker 1 could not start the implementation" in footer["stderr"]
    report = build_report(read_stream(path))
    assert report["conformant"] is True and report["summary"]["complete"] is True
