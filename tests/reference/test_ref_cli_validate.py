"""``vmjob validate`` run as a user runs it: a subprocess, files and stdin, text and JSON Lines, exit statuses."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

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
    assert done.stdout == f"{_example('job-complete.json')}: valid (job, detected)\n"
    assert done.stderr == ""


def test_invalid_file_lists_every_error_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    job = json.loads(Path(_example("job-minimal.json")).read_text())
    job["execution"] = {"priority": 11, "timeout_seconds": 100000}
    bad.write_text(json.dumps(job))
    done = _vmjob(str(bad))
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{bad}: invalid (job, detected)",
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
        "detected": True,
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
    assert second["valid"] is False and second["kind"] is None  # an array is no kind of document
    assert second["errors"] == [
        {
            "rule": "parse.top-level-object",
            "level": "required",
            "pointer": "",
            "message": "[...] (an array of 6 items) is an array, not a JSON object",
        }
    ]


@pytest.mark.parametrize(
    ("kind", "name"), [("result", "result-failed.json"), ("progress", "progress.json"), ("worker", "worker.json")]
)
def test_other_kinds(kind: str, name: str) -> None:
    assert _vmjob("--kind", kind, _example(name)).returncode == 0
    assert _vmjob("--kind", "job", _example(name)).returncode == 1  # read as a job, it is not one
    detected = _vmjob(_example(name))
    assert detected.returncode == 0, detected.stdout
    assert detected.stdout == f"{_example(name)}: valid ({kind}, detected)\n"


def test_stdin_with_dash() -> None:
    data = Path(_example("progress.json")).read_bytes()
    done = _vmjob("--kind", "progress", "--format", "json", "-", stdin=data)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert json.loads(done.stdout)["file"] == "-"
    done = _vmjob("-", stdin=b"{")
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert done.stdout.startswith("<stdin>: invalid\n  error at the root: "), (done.stdout, done.stderr)


def test_missing_file_is_a_clear_message_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    done = _vmjob(str(missing), _example("job-minimal.json"))
    assert done.returncode == 2
    assert done.stderr == f"vmjob validate: error: cannot read {str(missing)!r}: No such file or directory\n"
    assert "Traceback" not in done.stderr
    assert f"{_example('job-minimal.json')}: valid (job, detected)" in done.stdout  # the others still validated


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


def _run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    # The timeout is a safety net against a hang, not a measurement.
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([*VMJOB, "validate", *args], capture_output=True, text=True, env=env, timeout=600, **kwargs)


def test_an_endless_file_is_read_to_a_bound_then_refused_exit_2() -> None:
    done = _run(["/dev/zero", _example("job-minimal.json")])
    assert done.returncode == 2
    assert done.stderr == "vmjob validate: error: '/dev/zero': larger than 67,108,864 bytes; not validated\n"
    minimal = _example("job-minimal.json")
    assert done.stdout.splitlines() == [f"{minimal}: valid (job, detected)", "1 valid, 0 invalid, some not validated"]


def test_endless_standard_input_is_read_to_a_bound_then_refused_exit_2() -> None:
    with open("/dev/zero", "rb") as zero:
        done = _run(["-"], stdin=zero)
    assert done.returncode == 2
    assert done.stderr == "vmjob validate: error: '<stdin>': larger than 67,108,864 bytes; not validated\n"
    assert done.stdout == ""


@pytest.mark.slow
def test_the_read_bound_is_exact(tmp_path: Path) -> None:
    from conformance.commands.validate import MAX_BYTES

    at, past = tmp_path / "at.json", tmp_path / "past.json"
    for path, size in ((at, MAX_BYTES), (past, MAX_BYTES + 1)):
        with open(path, "wb") as fh:
            fh.truncate(size)  # sparse: NUL bytes, no disk
    done = _run([str(at)])
    assert done.returncode == 1, done.stderr  # read whole and validated: NUL is no JSON
    assert done.stdout.startswith(f"{at}: invalid\n  error at the root: ")
    assert _run([str(past)]).returncode == 2


def _labelled(tmp_path: Path, labels: dict[str, Any]) -> Path:
    job = json.loads(Path(_example("job-minimal.json")).read_text())
    job["metadata"] = {"labels": labels}
    path = tmp_path / "job.json"
    path.write_text(json.dumps(job))
    return path


def test_control_characters_in_member_names_are_escaped_in_text_output(tmp_path: Path) -> None:
    """A member name that would redraw the line as a valid verdict is shown escaped, on its own line."""
    name = "\x1b[2K\r/tmp/job.json: valid (job)\x9b\u202e\x7f\u2028"
    path = _labelled(tmp_path, {name: 1})
    done = _run([str(path)])
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{path}: invalid (job, detected)",
        "  error at /metadata/labels/\\x1b[2K\\x0d~1tmp~1job.json: valid (job)\\x9b\\u202e\\x7f\\u2028: "
        "1 is not of type 'string' [core.metadata.labels, required]",
    ]


def test_control_characters_in_a_file_name_are_escaped_in_text_output(tmp_path: Path) -> None:
    path = tmp_path / "a\x1b[31m\x85.json"
    path.write_bytes(Path(_example("job-minimal.json")).read_bytes())
    done = _run([str(path)])
    assert done.returncode == 0
    assert done.stdout == f"{tmp_path}/a\\x1b[31m\\x85.json: valid (job, detected)\n"


def test_json_output_writes_control_characters_and_lone_surrogates_as_json_escapes(tmp_path: Path) -> None:
    name = "\x1b[2K\x9b\u202e\x7f"
    path = _labelled(tmp_path, {name: 1})
    odd = tmp_path / os.fsdecode(b"odd-\xff.json")  # a lone surrogate in the file name (surrogateescape)
    odd.write_bytes(path.read_bytes())
    done = _run(["--format", "json", str(path), str(odd)])
    assert done.returncode == 1
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202e\ud800-\udfff]", done.stdout.replace("\n", ""))
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["errors"][0]["pointer"] == "/metadata/labels/" + name
    assert "\\u001b[2K\\u009b\\u202e\\u007f" in done.stdout
    assert second["file"] == str(odd)


def test_a_long_list_ends_with_the_count_of_the_rest(tmp_path: Path) -> None:
    path = _labelled(tmp_path, {f"k{i:03d}": i for i in range(150)})
    done = _run([str(path)])
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == 1 + 100 + 1
    assert lines[100] == "  error at /metadata/labels/k099: 99 is not of type 'string' [core.metadata.labels, required]"
    assert lines[-1] == "  ... and 50 more errors, not listed"
    as_json = json.loads(_run(["--format", "json", str(path)]).stdout)
    assert len(as_json["errors"]) == 100 and as_json["errors_omitted"] == 50
    assert "warnings_omitted" not in as_json


def test_a_hostile_megabyte_in_a_memory_ceiling(tmp_path: Path) -> None:
    """A hundred levels of 10 KB duplicated member names over 20,000 objects with a duplicate each: the CLI
    lists a few, counts the rest, and stays within 1 GiB of address space."""
    sys.path.insert(0, str(Path(__file__).parent))
    from _refdocs import deep_and_wide

    path = tmp_path / "hostile.json"
    path.write_text(deep_and_wide(duplicated=True))

    def ceiling() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    done = _run([str(path)], preexec_fn=ceiling)
    assert done.returncode == 1, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0] == f"{path}: invalid"  # duplicate members are parse faults: no kind is told
    listed = len(lines) - 2
    assert 1 <= listed <= 100
    assert all(line.startswith("  error at /payload/data/x/000xxx") for line in lines[1:-1])
    assert lines[-1] == f"  ... and {20_100 - listed:,} more errors, not listed"
