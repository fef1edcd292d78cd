"""Red team: options that would make the suite hang or crash (an endless timeout, from the command line or
from a configuration file) are one-line errors, exit 2."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from conformance.cli import main

ADAPTER = f"{shlex.quote(sys.executable)} -m conformance adapter"


def _one_line_error(capsys: pytest.CaptureFixture[str], code: int) -> str:
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("vmjob certify: options from")]
    assert code == 2 and len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize("value", ["inf", "1e300", "nan", "0", "86400.5"])
@pytest.mark.parametrize("option", ["--timeout", "--start-timeout"])
def test_an_endless_timeout_is_refused(
    option: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: --timeout inf died with "OverflowError: cannot convert float infinity to integer", 1e300 with
    # "OverflowError: timestamp out of range for platform time_t" (tracebacks, after the stream was begun).
    argv = [
        "certify",
        "--no-config",
        "--cmd",
        ADAPTER,
        option,
        value,
        "--fuzz",
        "0",
        "--results",
        str(tmp_path / "r.jsonl"),
    ]
    line = _one_line_error(capsys, main(argv))
    assert line.startswith(f"vmjob certify: error: {option}=")
    assert not (tmp_path / "r.jsonl").exists()


@pytest.mark.slow
def test_a_day_is_still_a_timeout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["certify", "--no-config", "--cmd", ADAPTER, "--timeout", "86400", "--rule", "core.audit",
            "--results", str(tmp_path / "r.jsonl"), "--quiet"]  # fmt: skip
    assert main(argv) == 0


@pytest.mark.parametrize("value", ["inf", "nan", "1e300"])
def test_an_endless_timeout_in_the_configuration_names_the_file(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "vmjob.toml"
    cfg.write_text(f"cmd = {ADAPTER!r}\ntimeout = {value}\n", encoding="utf-8")
    line = _one_line_error(capsys, main(["certify", "--config", str(cfg), "--results", str(tmp_path / "r.jsonl")]))
    assert f"vmjob.toml: timeout = {value if value != '1e300' else '1e+300'}: expected a number of seconds" in line


@pytest.mark.parametrize("value", ["inf", "nan"])
def test_an_endless_fuzz_duration_is_refused(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Before: vmjob fuzz --duration inf died with "OverflowError: cannot convert float infinity to integer".
    code = main(["fuzz", "--cmd", ADAPTER, "--duration", value, "--workers", "1"])
    assert "--duration=" in _one_line_error(capsys, code)


def test_an_endless_gallery_timeout_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert "--timeout=inf" in _one_line_error(capsys, main(["gallery", "--timeout", "inf"]))


@pytest.mark.parametrize("value", ["inf", "nan", "1e300"])
def test_an_endless_selftest_timeout_is_refused(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Before: vmjob selftest --timeout inf went on to an OverflowError traceback in the transports' clocks.
    assert "--timeout=" in _one_line_error(capsys, main(["selftest", "--timeout", value]))


@pytest.mark.parametrize("value", ["0/0", "1/0", "2/1", "1/2/3", "a/b", "/"])
def test_a_shard_that_is_no_shard_is_refused(value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["certify", "--no-config", "--cmd", ADAPTER, "--shard", value, "--results", str(tmp_path / "r.jsonl")]
    assert f"--shard {value!r}" in _one_line_error(capsys, main(argv))


def test_a_results_path_that_is_a_symbolic_link_is_not_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A link planted where the stream goes (to a file to be overwritten, or created elsewhere): refused.
    target = tmp_path / "elsewhere" / "victim"
    link = tmp_path / "r.jsonl"
    link.symlink_to(target)
    argv = ["certify", "--no-config", "--cmd", ADAPTER, "--rule", "core.audit", "--results", str(link)]
    assert "already exists" in _one_line_error(capsys, main(argv))
    assert not target.exists()


@pytest.mark.parametrize("option", ["--timeout", "--deadline"])
def test_an_endless_worker_certify_timeout_is_refused(
    option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: vmjob worker certify --timeout inf died with "OverflowError: timestamp out of range".
    argv = ["worker", "certify", "--url", "http://127.0.0.1:9", option, "inf", "--results", str(tmp_path / "r.jsonl")]
    assert f"{option}=inf" in _one_line_error(capsys, main(argv))
