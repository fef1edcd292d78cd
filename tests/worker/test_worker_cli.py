"""Bad input to ``vmjob worker serve`` and ``vmjob worker certify``: one line naming the problem, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.worker.conftest import vmjob


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["certify", "--url", "ftp://example"], "--url 'ftp://example': expected http://HOST[:PORT]"),
        (["certify", "--url", "http://127.0.0.1:1"], "cannot be reached"),
        (["certify", "--url", "http://127.0.0.1:1", "--cases", "-1"], "--cases=-1 must be >= 0"),
        (["certify", "--url", "http://127.0.0.1:1", "--deadline", "0"], "--deadline=0.0 must be > 0"),
        (["certify", "--url", "http://127.0.0.1:1", "--threads", "0"], "--threads=0 must be in 1..64"),
        (["certify", "--files", "no-such-dir", "x"], "--files JOBS 'no-such-dir': no such directory"),
        (["certify", "--cmd", " "], "--cmd: the target is empty"),
        (["certify", "--cmd", "exit 3"], "cannot be reached"),
        (["serve", "--port", "70000"], "--port=70000 is not a port number"),
        (["serve", "--files", "a", "b", "--adapter"], "--files and --adapter: choose one binding"),
    ],
)
def test_bad_input_is_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    done = vmjob("worker", *args, "--results", tmp_path / "r.jsonl") if args[0] == "certify" else vmjob("worker", *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "r.jsonl").exists()


@pytest.mark.slow
def test_a_results_path_that_exists_is_refused(tmp_path: Path) -> None:
    (tmp_path / "r.jsonl").write_text("x\n")
    jobs, results = tmp_path / "j", tmp_path / "r"
    jobs.mkdir()
    results.mkdir()
    done = vmjob("worker", "certify", "--files", jobs, results, "--results", tmp_path / "r.jsonl")
    assert done.returncode == 2 and "already exists" in done.stderr and done.stderr.count("\n") == 1
