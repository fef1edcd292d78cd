"""End to end with the real runner: ``vmjob certify`` writes a stream and reports; ``vmjob report`` rebuilds
the same JSON report from that stream, and it validates against the report schema."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from test_report_build import SCHEMA

from conformance.corpus import default_root

HERE = Path(__file__).parent


def vmjob(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [sys.executable, "-m", "conformance", *map(str, args)], capture_output=True, text=True, timeout=120, env=env
    )


@pytest.mark.slow
def test_certify_and_report_agree_and_the_report_validates(tmp_path: Path) -> None:
    # A private copy of two classes of the corpus: the run does not depend on corpus edits made meanwhile.
    corpus = tmp_path / "corpus"
    for part in ("job/core", "capabilities"):
        shutil.copytree(default_root() / part, corpus / part)
    stream, first, again = tmp_path / "r.jsonl", tmp_path / "a.json", tmp_path / "b.json"
    proc = vmjob(
        "certify", "--python", "report_streams:always_valid", "--corpus", corpus,
        "--results", stream, "--json", first, "--html", tmp_path / "r.html", "--quiet",
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    rebuilt = vmjob("report", stream, "--json", again)
    assert rebuilt.returncode == 1, rebuilt.stderr
    assert first.read_bytes() == again.read_bytes()
    report = json.loads(first.read_text())
    errors = [e.message for e in jsonschema.Draft202012Validator(SCHEMA).iter_errors(report)]
    assert errors == []
    assert report["conformant"] is False
    classes = {r["class"] for r in report["results"]}
    assert classes == {"core", "capabilities"}
    # The in-process transport has no match request: capability cases are skipped, never passed or failed.
    capabilities = report["summary"]["classes"]["capabilities"]
    assert capabilities["skip"] > 0 and capabilities["pass"] == capabilities["fail"] == 0
    failed = [r for r in report["results"] if r["outcome"] == "fail"]
    assert failed and all(r["got"]["valid"] is True for r in failed)
    assert all(r["expected"]["valid"] is False or r["expected"].get("warnings") for r in failed)
    assert all("document" in r or "document_base64" in r for r in failed)
