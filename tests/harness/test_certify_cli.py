"""``vmjob certify`` and ``vmjob serve`` as a user runs them: as subprocesses, with exit codes and messages."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import REFERENCE_CMD, fake


def vmjob(*args: str, cwd: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


def test_reference_is_conformant_exit_0_with_a_summary_and_stream(corpus: Path, tmp_path: Path) -> None:
    proc = vmjob("certify", "--cmd", REFERENCE_CMD, "--corpus", str(corpus), "--fuzz", "0", "--json", "r.json",
                 cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "CONFORMANT" in proc.stdout
    recs = records(tmp_path / "vmjob-results" / "results.jsonl")
    assert [r["type"] for r in recs][0] == "header" and recs[-1]["type"] == "footer"
    assert sum(1 for r in recs if r["type"] == "result") == 9
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["conformant"] is True


def test_a_wrong_implementation_exits_1(corpus: Path, tmp_path: Path) -> None:
    proc = vmjob("certify", "--cmd", fake("always-valid"), "--corpus", str(corpus), "--fuzz", "0", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "NOT CONFORMANT" in proc.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cmd", fake("crash-at-start")], "exited with status 3 before answering 'start'"),
        (["--cmd", fake("wrong-protocol")], "speaks adapter protocol 2; this suite speaks protocol 1"),
        (["--cmd", fake("always-valid"), "--corpus", "no/such/dir"], "--corpus 'no/such/dir': no such directory"),
        (["--cmd", fake("always-valid"), "--rule", "core.versoin"], "did you mean core.version"),
        (["--cmd", fake("always-valid"), "--timeout", "0"], "--timeout=0.0 must be > 0"),
        (["--url", "ftp://x/{kind}"], "expected an http:// or https:// URL"),
        (["--python", "nosuchmodule:f"], "cannot import 'nosuchmodule'"),
        (["--url", "http://127.0.0.1:9/{kind}", "--header", "NoColon"], "--header 'NoColon': expected 'Name: value'"),
    ],
)
def test_usage_and_harness_errors_exit_2_with_one_clear_line(
    args: list[str], message: str, corpus: Path, tmp_path: Path
) -> None:
    if "--corpus" not in args:
        args = [*args, "--corpus", str(corpus)]
    proc = vmjob("certify", *args, "--start-timeout", "5", cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("vmjob certify: error: ")


def test_max_fail_stops_and_the_rest_is_not_run(corpus: Path, tmp_path: Path) -> None:
    proc = vmjob("certify", "--cmd", fake("always-valid"), "--corpus", str(corpus), "--max-fail", "1", cwd=tmp_path)
    assert proc.returncode == 1
    outcomes = [r["outcome"] for r in records(tmp_path / "vmjob-results" / "results.jsonl") if r["type"] == "result"]
    assert outcomes.count("fail") == 1 and outcomes.count("not-run") >= 5 and len(outcomes) == 9


@pytest.mark.slow
def test_filters_and_claims(corpus: Path, tmp_path: Path) -> None:
    proc = vmjob("certify", "--one-shot", f"{sys.executable} -m conformance.reference_impl {{kind}}", "--corpus",
                 str(corpus), "--kind", "job", "--class", "core", "--class", "capabilities", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = [r for r in records(tmp_path / "vmjob-results" / "results.jsonl") if r["type"] == "result"]
    assert {r["class"] for r in results} == {"core", "capabilities"}
    skipped = {r["id"]: r["message"] for r in results if r["outcome"] == "skip"}
    assert skipped["capabilities-missing-one"] == (
        "outside the claim: the implementation does not claim class 'capabilities'"
    )


@pytest.mark.slow
def test_a_run_killed_halfway_keeps_what_was_done(corpus: Path, tmp_path: Path) -> None:
    """The stream is flushed per line: after a kill, `vmjob report` still builds a (non-conformant) report."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "conformance", "certify", "--cmd", fake("hang-after", "3"), "--corpus", str(corpus),
         "--timeout", "60", "--window", "1", "--quiet"],
        cwd=tmp_path, start_new_session=True,
    )  # fmt: skip
    stream = tmp_path / "vmjob-results" / "results.jsonl"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not stream.exists() or stream.read_text().count('"type": "result"') < 3):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    recs = records(stream)
    assert recs[0]["type"] == "header" and recs[-1]["type"] == "result"
    assert sum(1 for r in recs if r["type"] == "result") == 3
    report = vmjob("report", str(stream), "--json", "r.json", cwd=tmp_path)
    assert report.returncode in (0, 1), report.stderr
    assert json.loads((tmp_path / "r.json").read_text())["conformant"] is False


@pytest.mark.slow
def test_serve_prints_its_address_and_certify_url_drives_it(corpus: Path, tmp_path: Path) -> None:
    server = subprocess.Popen([sys.executable, "-m", "conformance", "serve", "--port", "0"], stdout=subprocess.PIPE,
                              text=True, start_new_session=True)  # fmt: skip
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line.startswith("vmjob serve: listening on http://127.0.0.1:")
        url = line.split()[-1]
        proc = vmjob("certify", "--url", url + "/{kind}", "--corpus", str(corpus), "--level", "recommended",
                     "--fuzz", "0", cwd=tmp_path)  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        wrapped = vmjob("certify", "--url", url + "/api/v1/jobs", "--wrap", "job", "--corpus", str(corpus),
                        "--fuzz", "0", cwd=tmp_path)  # fmt: skip
        # The reference validates the wrapper object itself, so wrapped jobs are not valid jobs: exit 1, and the
        # documents that are not JSON text are skipped with the reason.
        assert wrapped.returncode == 1
        # The first run's stream is kept: the second goes beside it.
        results = [r for r in records(tmp_path / "vmjob-results" / "results-2.jsonl") if r["type"] == "result"]
        reasons = {r["id"]: r["message"] for r in results if r["outcome"] == "skip"}
        assert reasons["parse-not-utf8-is-invalid"].startswith("--wrap job: cannot wrap this document: it is not JSON")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(5)


@pytest.mark.slow
def test_ctrl_c_ends_the_run_with_an_interrupted_footer_and_status_130(corpus: Path, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "conformance", "certify", "--cmd", fake("hang-after", "3"), "--corpus", str(corpus),
         "--timeout", "60", "--window", "1", "--quiet"],
        cwd=tmp_path, stderr=subprocess.PIPE, text=True,
        # A test run started in the background (nohup, `&`) inherits SIGINT ignored, and vmjob keeps an ignored
        # signal ignored on purpose: give it the default, as a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    stream = tmp_path / "vmjob-results" / "results.jsonl"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not stream.exists() or stream.read_text().count('"type": "result"') < 3):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130 and "vmjob certify: interrupted" in err and "Traceback" not in err
    recs = records(stream)
    assert recs[-1]["type"] == "footer" and recs[-1]["interrupted"] is True


@pytest.mark.slow
def test_python_target_in_the_current_directory_is_importable_from_the_console_script(
    corpus: Path, tmp_path: Path
) -> None:
    # `python -m` puts the current directory on sys.path; the `vmjob` script does not, so the transport does.
    (tmp_path / "my_validator.py").write_text("def validate(kind, text):\n    return True\n", encoding="utf-8")
    script = Path(sys.executable).with_name("vmjob")
    proc = subprocess.run(
        [str(script), "certify", "--python", "my_validator:validate", "--corpus", str(corpus), "--fuzz", "0"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "NOT CONFORMANT" in proc.stdout


@pytest.mark.slow
def test_certify_fuzzes_by_default_with_the_fuzzers_own_budget(corpus: Path, tmp_path: Path) -> None:
    from conformance.commands.certify import DEFAULT_FUZZ
    from conformance.fuzz.differential import DEFAULT_EXAMPLES

    assert DEFAULT_FUZZ == DEFAULT_EXAMPLES
    proc = vmjob("certify", "--cmd", fake("always-valid"), "--corpus", str(corpus), cwd=tmp_path, timeout=120)
    assert proc.returncode == 1, proc.stderr
    recs = records(tmp_path / "vmjob-results" / "results.jsonl")
    assert recs[0]["fuzz"] == DEFAULT_FUZZ
    assert any(r["type"] == "finding" for r in recs)
    stats = recs[-1]["fuzz"]
    assert stats["examples"] == DEFAULT_FUZZ and stats["findings"] >= 1
    assert (
        f"fuzz:   {DEFAULT_FUZZ:,} generated = {stats['agreed']:,} agreed + {stats['divergent']:,} disagreed"
        in proc.stdout
    )
