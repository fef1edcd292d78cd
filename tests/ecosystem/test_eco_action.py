"""The CI action: action.yml's structure, and its script (action/certify.sh) run here as a runner runs it,
with fake GITHUB_* files, against implementations right and wrong."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ._cli import ROOT

SCRIPT = ROOT / "action" / "certify.sh"
WRONG = str(Path(__file__).parent)


def _action(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("INPUT_", "GITHUB_")) and key != "NO_COLOR"
    }
    env.update(
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(output),
        GITHUB_ACTION_PATH=str(ROOT),
        VMJOB_ACTION_PATH=str(ROOT),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=WRONG,
        INPUT_INSTALL="none",  # the vmjob under test, already installed
        INPUT_FUZZ="0",
    )
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    done = subprocess.run(["bash", str(SCRIPT)], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines()) if output.exists() else {}
    return done, outputs, summary.read_text() if summary.exists() else ""


@pytest.mark.slow
def test_a_conformance_run_writes_summary_outputs_and_reports(tmp_path: Path) -> None:
    done, outputs, summary = _action(tmp_path, python="_wrong:reference", args="--class worker")
    report = json.loads((tmp_path / "vmjob-reports" / "vmjob.json").read_text())
    assert done.returncode == (0 if report["conformant"] else 1), done.stderr
    assert outputs == {
        "exit-code": str(done.returncode),
        "conformant": "true" if report["conformant"] else "false",
        "verdict": done.stdout.strip().splitlines()[-1],
        "report": "vmjob-reports/vmjob.json",
    }
    assert summary.startswith("## ")  # the Markdown report, as the job summary
    assert summary == (tmp_path / "vmjob-reports" / "vmjob.md").read_text()
    names = sorted(p.name for p in (tmp_path / "vmjob-reports").iterdir())
    assert names == ["results.jsonl", "summary.txt", "vmjob.html", "vmjob.json", "vmjob.md", "vmjob.xml"]
    assert report["summary"]["claim"]["classes"] == ["worker"]  # args reached vmjob


@pytest.mark.slow
def test_non_conformance_fails_the_step_with_the_verdict(tmp_path: Path) -> None:
    done, outputs, summary = _action(tmp_path, python="_wrong:progress_always_valid", args="--class progress",
                                     level="recommended")  # fmt: skip
    assert done.returncode == 1
    assert outputs["conformant"] == "false" and outputs["exit-code"] == "1"
    assert outputs["verdict"].startswith("NOT CONFORMANT at level recommended")
    assert f"::error title=vmjob certify::{outputs['verdict']}" in done.stdout
    assert "NOT CONFORMANT" in summary
    assert (tmp_path / "vmjob-reports" / "vmjob.xml").exists()  # the reports are there to upload


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({}, "no implementation: set one of the inputs cmd, url, one-shot, python"),
        ({"cmd": "a", "url": "http://x/"}, "give one of the inputs cmd, url, one-shot, python; not cmd and url"),
        ({"python": "m:f", "level": "strict"}, "level 'strict': expected required or recommended"),
    ],
)
def test_bad_inputs_fail_with_one_error_line(tmp_path: Path, inputs: dict[str, str], message: str) -> None:
    done, outputs, _ = _action(tmp_path, **inputs)
    assert done.returncode == 2
    assert done.stdout == f"::error title=vmjob certify::{message}\n"
    assert outputs == {}


def test_a_harness_error_is_reported_and_fails(tmp_path: Path) -> None:
    done, outputs, summary = _action(tmp_path, cmd="no-such-command-anywhere --harness")
    assert done.returncode == 2 and outputs["exit-code"] == "2" and outputs["conformant"] == "false"
    assert "No report: vmjob certify exited 2" in summary
    assert "vmjob certify: error:" in done.stderr


def test_action_yml_passes_every_input_to_the_script_and_uploads_always() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML (installed with pre-commit) reads action.yml")
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    certify = next(s for s in steps if s.get("id") == "certify")
    assert certify["run"] == 'bash "$VMJOB_ACTION_PATH/action/certify.sh"'
    passed = {re.sub(r"^INPUT_", "", k).lower().replace("_", "-") for k in certify["env"] if k.startswith("INPUT_")}
    assert passed == set(action["inputs"]) - {"artifact-name", "python-version"}
    for name, value in certify["env"].items():
        if name.startswith("INPUT_"):
            assert value == "${{ inputs." + name[6:].lower().replace("_", "-") + " }}"
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["if"].startswith("always()") and upload["with"]["path"] == "${{ inputs.reports-dir }}"
    for output in action["outputs"].values():
        assert output["value"].startswith("${{ steps.certify.outputs.")
