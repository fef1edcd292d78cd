"""``vmjob validate`` run as a user runs it: a subprocess, files and stdin, text and JSON Lines, exit statuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

EXAMPLES = resources.files("reference").joinpath("examples")
#: The installed console script, as a user runs it; ``python -m conformance`` where it is not installed.
_SCRIPT = Path(sys.executable).with_name("vmjob")
VMJOB = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "conformance"]


def _vmjob(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [*VMJOB, "validate", *args],
        input=stdin.decode("utf-8", "surrogateescape") if stdin is not None else None,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )
    return done


def _example(name: str) -> str:
    return str(EXAMPLES.joinpath(name))


def test_valid_file_text_output_exit_0() -> None:
    done = _vmjob(_example("job-complete.json"))
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{_example('job-complete.json')}: valid (job)\n"
    assert done.stderr == ""


def test_invalid_file_lists_every_error_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    job = json.loads(Path(_example("job-minimal.json")).read_text())
    job["execution"] = {"priority": 11, "timeout_seconds": 100000}
    bad.write_text(json.dumps(job))
    done = _vmjob(str(bad))
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{bad}: invalid (job)",
        "  error at /execution/priority: 11 is greater than the maximum of 10 [core.execution.priority, required]",
        "  warning at /execution/timeout_seconds: 100000 seconds is longer than a day (86400) "
        "[core.execution.timeout_seconds.long, recommended]",
    ]


def test_json_lines_format_one_object_per_document() -> None:
    done = _vmjob("--format", "json", _example("job-health-check.json"), _example("job-as-array.json"))
    assert done.returncode == 1
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first == {
        "file": _example("job-health-check.json"),
        "kind": "job",
        "valid": True,
        "errors": [],
        "warnings": [
            {
                "rule": "core.execution.timeout_seconds.long",
                "level": "recommended",
                "pointer": "/execution/timeout_seconds",
                "message": "172800 seconds is longer than a day (86400)",
            }
        ],
    }
    assert second["valid"] is False
    assert second["errors"] == [
        {
            "rule": "parse.top-level-object",
            "level": "required",
            "pointer": "",
            "message": "the document is an array, not a JSON object",
        }
    ]


@pytest.mark.parametrize(
    ("kind", "name"), [("result", "result-failed.json"), ("progress", "progress.json"), ("worker", "worker.json")]
)
def test_other_kinds(kind: str, name: str) -> None:
    assert _vmjob("--kind", kind, _example(name)).returncode == 0
    assert _vmjob(_example(name)).returncode == 1  # read as a job, it is not one


def test_stdin_with_dash() -> None:
    data = Path(_example("progress.json")).read_bytes()
    done = _vmjob("--kind", "progress", "--format", "json", "-", stdin=data)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert json.loads(done.stdout)["file"] == "-"
    done = _vmjob("-", stdin=b"{")
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stdout.startswith("<stdin>: invalid (job)\n  error at /: "), (done.stdout, done.stderr)


def test_missing_file_is_a_clear_message_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    done = _vmjob(str(missing), _example("job-minimal.json"))
    assert done.returncode == 2
    assert done.stderr == f"vmjob validate: error: cannot read {str(missing)!r}: No such file or directory\n"
    assert "Traceback" not in done.stderr
    assert f"{_example('job-minimal.json')}: valid (job)" in done.stdout  # the others still validated


def test_a_directory_is_an_io_error(tmp_path: Path) -> None:
    done = _vmjob(str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.startswith("vmjob validate: error: cannot read")


def test_usage_errors_exit_2() -> None:
    assert _vmjob().returncode == 2
    done = _vmjob("--kind", "jobs", _example("job-minimal.json"))
    assert done.returncode == 2 and "invalid choice: 'jobs'" in done.stderr


def test_several_files_end_with_a_summary() -> None:
    done = _vmjob(_example("job-minimal.json"), _example("job-as-array.json"))
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == "1 valid, 1 invalid"


def test_invalid_utf8_gets_a_verdict_not_a_crash(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"a": "\xff"}')
    done = _vmjob("--format", "json", str(bad))
    assert done.returncode == 1
    assert json.loads(done.stdout)["errors"][0]["rule"] == "parse.encoding"
