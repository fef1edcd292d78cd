"""The gallery's two certificates come from one run at the recommended level: its required certificate must
be the one a run at the required level gives (``vmjob certify --level required``, same seed), and its
recommended certificate the one ``vmjob certify --level recommended`` gives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conformance.gallery import Settings, certify
from conformance.gallery.manifest import Manifest
from conformance.gallery.summary import failing_rules

SEED, FUZZ = 7, 300


def zoo_manifest(member: str, folder: Path) -> Manifest:
    run = "{python} -m conformance.zoo " + member
    raw = {"name": member, "language": "Python", "version": "0", "represents": "a zoo member", "run": run}
    return Manifest(member, "Python", "0", "", "a zoo member", (), (), 60.0, run, folder, raw)


def certify_cli(member: str, level: str, tmp: Path, corpus: Path) -> dict[str, Any]:
    out = tmp / f"{member}-{level}.json"
    subprocess.run(
        [sys.executable, "-m", "conformance", "certify", "--cmd", f"{sys.executable} -m conformance.zoo {member}",
         "--level", level, "--seed", str(SEED), "--fuzz", str(FUZZ), "--timeout", "30", "--quiet",
         "--corpus", str(corpus), "--results", str(tmp / f"{member}-{level}.jsonl"), "--json", str(out)],
        check=False, timeout=300,
    )  # fmt: skip
    report: dict[str, Any] = json.loads(out.read_text())
    return report


def essentials(report: dict[str, Any]) -> dict[str, Any]:
    s = report["summary"]
    counted = ("required",) if report["level"] == "required" else ("required", "recommended")
    return {
        "conformant": report["conformant"],
        "blocking": s["blocking"],
        "failed": s["failed"],
        "outcomes": s["outcomes"],
        "failing": {lv: rules for lv, rules in failing_rules(report).items() if lv in counted},
        "counted_findings": sorted((f["rule"], f["level"]) for f in report["findings"] if f["level"] in counted),
    }


@pytest.mark.parametrize(
    "member",
    [
        "job-as-array",
        # About 10 s each on a busy machine: with the slow tests.
        pytest.param("timestamp-space-separator", marks=pytest.mark.slow),
        pytest.param("warnings-never-reported", marks=pytest.mark.slow),
    ],
)
def test_one_recommended_run_gives_both_certificates(member: str, tmp_path: Path, small_corpus: Path) -> None:
    settings = Settings(seed=SEED, fuzz=FUZZ, corpus=small_corpus)
    entry = certify(zoo_manifest(member, tmp_path), tmp_path / "gallery", settings)
    assert entry.status == "certified", entry.reason
    for level in ("required", "recommended"):
        assert essentials(entry.reports[level]) == essentials(certify_cli(member, level, tmp_path, small_corpus)), level
    # The recommended-level mutants are conformant at required and not at recommended: the levels differ.
    if member != "job-as-array":
        assert entry.reports["required"]["conformant"] and not entry.reports["recommended"]["conformant"]
