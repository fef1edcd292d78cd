"""A failing worker's reports: the job sent, what the worker did and what the rule expects, in every format."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conformance.worker.http import create_server
from conformance.zoo.workers import WORKERS
from tests.worker.conftest import vmjob


@pytest.fixture
def executes_invalid() -> Iterator[str]:
    """The zoo's executes-invalid worker on a free port, in this process."""
    worker = WORKERS["executes-invalid"].make(None)
    worker.log_errors = False
    server = create_server(worker)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(5)
        worker.close()


@pytest.mark.slow
def test_a_failing_worker_gets_every_report_with_its_evidence(tmp_path: Path, executes_invalid: str) -> None:
    out = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "html", "junit", "markdown", "badge")}
    done = vmjob(
        "worker",
        "certify",
        "--url",
        executes_invalid,
        "--seed",
        "9",
        "--cases",
        "60",
        "--fuzz",
        "20",
        "--results",
        tmp_path / "r.jsonl",
        *(a for f, p in out.items() for a in (f"--{f}", p)),
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.rstrip().splitlines()[-1].startswith("NOT CONFORMANT at level required for worker behaviour")
    assert f"vmjob worker certify --url {executes_invalid} --seed 9" in done.stdout  # the rerun command
    report: dict[str, Any] = json.loads(out["json"].read_text(encoding="utf-8"))
    failed = [r for r in report["results"] if r["outcome"] == "fail"]
    assert failed and {r["rule"] for r in failed} <= {"behaviour.refuse-invalid", "behaviour.result"}
    first = next(r for r in failed if r["rule"] == "behaviour.refuse-invalid")
    assert json.loads(first["document"])["operation"] == "test.echo"  # the job sent
    exchange = first["extra"]["behaviour"]["exchange"]
    assert exchange[0]["request"] == "POST /api/v1/jobs" and exchange[0]["status"] == 200
    html = out["html"].read_text(encoding="utf-8")
    assert "job sent" in html and "what the worker did (http)" in html and "what the rule expects" in html
    assert "POST /api/v1/jobs -&gt; HTTP 200" in html
    assert "behaviour.refuse-invalid" in out["junit"].read_text(encoding="utf-8")
    assert "behaviour.refuse-invalid" in out["markdown"].read_text(encoding="utf-8")
    assert "<svg" in out["badge"].read_text(encoding="utf-8")
    # a generated job that failed was shrunk before it was recorded
    shrunk = [r for r in failed if r["id"].startswith("fuzz/") and "original_size" in r.get("extra", {})]
    assert shrunk and all(r["extra"]["size"] < r["extra"]["original_size"] for r in shrunk)
    # the stream and the report keep the suite's published schemas, as for vmjob certify
    for name, docs in (
        ("results-stream", [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]),
        ("report", [report]),
    ):
        text = resources.files("conformance").joinpath("schemas", f"{name}.schema.json").read_text(encoding="utf-8")
        validator = jsonschema.Draft202012Validator(json.loads(text))
        for doc in docs:
            validator.validate(doc)
    # the report can be rebuilt from the stream alone, as for vmjob certify
    again = vmjob("report", tmp_path / "r.jsonl", "--json", tmp_path / "again.json")
    assert again.returncode in (0, 1), again.stderr
    assert json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))["results"] == report["results"]


@pytest.mark.slow
def test_max_fail_stops_the_run_and_leaves_it_incomplete(tmp_path: Path, executes_invalid: str) -> None:
    done = vmjob(
        "worker",
        "certify",
        "--url",
        executes_invalid,
        "--seed",
        "9",
        "--cases",
        "60",
        "--fuzz",
        "0",
        "--threads",
        "1",
        "--max-fail",
        "1",
        "--results",
        tmp_path / "r.jsonl",
        "--json",
        tmp_path / "r.json",
    )
    assert done.returncode == 1, done.stdout + done.stderr
    report: dict[str, Any] = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    outcomes = [r["outcome"] for r in report["results"]]
    assert outcomes.count("fail") == 1 and "not-run" in outcomes
    assert not report["conformant"] and any("not-run" in why for why in report["summary"]["incomplete"])
