"""``vmjob report`` and ``vmjob compare`` as a user runs them: exit statuses, files written, clean errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from report_streams import DIGEST, always_valid, make_records, write_stream

from conformance.reports import build_report
from conformance.reports.compare import compare_reports

#: What the in-process reference of these streams claims (a transport without match and round trip).
#: The streams of report_streams.py are made of cases of their own (corpus digest DIGEST): the claim says so.
CLAIM = (
    "for all 4 document kinds, classes core + payload + result + progress + worker (5 of 7), "
    f"on corpus {DIGEST[:19]}… (not the installed corpus) (partial claim)"
)


def vmjob(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", *map(str, args)], capture_output=True, text=True, timeout=60
    )


@pytest.fixture(scope="module")
def streams(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("streams")
    return {
        "good": write_stream(d / "good.jsonl", make_records()),
        "bad": write_stream(d / "bad.jsonl", make_records(always_valid, faults=True, findings=True, name="naive")),
    }


def test_report_of_a_conformant_run_exits_0_and_writes_every_file(tmp_path: Path, streams: dict[str, Path]) -> None:
    names = {"json": "r.json", "junit": "r.xml", "markdown": "r.md", "html": "r.html", "badge": "b.svg"}
    opts = [x for k, v in names.items() for x in (f"--{k}", tmp_path / "out" / v)]
    proc = vmjob("report", streams["good"], *opts, "--badge-endpoint", tmp_path / "out" / "b.json")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == f"CONFORMANT at level required {CLAIM}"
    assert proc.stderr == ""
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([*names.values(), "b.json"])
    assert json.loads((tmp_path / "out" / "r.json").read_text())["conformant"] is True


def test_report_of_a_failing_run_exits_1(streams: dict[str, Path]) -> None:
    proc = vmjob("report", streams["bad"])
    assert proc.returncode == 1
    assert "✗ core.version (required): " in proc.stdout
    assert "\n    core.version.two: expected invalid at /version, got valid\n" in proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("NOT CONFORMANT at level required")


def test_report_level_defaults_to_the_run_s_and_can_be_raised(tmp_path: Path) -> None:
    records = make_records(level="recommended")
    charset = next(r for r in records if r.get("id") == "core.operation.charset.upper")
    charset["outcome"] = "fail"
    path = write_stream(tmp_path / "r.jsonl", records)
    assert vmjob("report", path).returncode == 1  # the run was made at recommended
    proc = vmjob("report", path, "--level", "required")
    assert proc.returncode == 0 and proc.stdout.endswith(f"CONFORMANT at level required {CLAIM}\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "r.jsonl: no such results stream"),
        ("", "r.jsonl: the results stream has no header record"),
        ('{"type": "header"}\n{oops\n{"type": "footer"}\n', "r.jsonl:2: corrupt results record: not JSON"),
        ('{"type": "header"}\n{"type": "result", "id": "x"}\n', "r.jsonl: record 2 (result 'x'): 'kind', 'class'"),
    ],
    ids=["missing", "empty", "corrupt", "malformed"],
)
def test_report_of_unreadable_input_exits_2_with_a_clean_message(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "r.jsonl"
    if content is not None:
        path.write_text(content)
    proc = vmjob("report", path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("vmjob report: error: ") and message in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_report_to_an_unwritable_path_exits_2(tmp_path: Path, streams: dict[str, Path]) -> None:
    (tmp_path / "file").write_text("")
    proc = vmjob("report", streams["good"], "--html", tmp_path / "file" / "r.html")
    assert proc.returncode == 2 and "cannot write the HTML report to" in proc.stderr


def report(**options: Any) -> dict[str, Any]:
    return build_report(make_records(**options), options.get("level", "required"))


def test_compare_finds_new_failures_fixes_and_changes() -> None:
    a = report()
    b = report(fn=always_valid, faults=True)
    a["results"][0]["outcome"] = "fail"  # core.version.valid: failed in A, passes in B
    cmp = compare_reports(a, b)
    assert cmp["fixes"] == ["core.version.valid"]
    assert cmp["new_failures"] == [
        "core.version.two",
        "core.job_id.short",
        "core.execution.priority.eleven",
        "core.operation.charset.upper",
        "parse.encoding.ff",
        "core.kind.timeout",
        "core.kind.crash",
        "core.kind.errored",
        "core.kind.not-run",
    ]
    changes = {c["id"]: c["change"] for c in cmp["cases"]}
    assert changes["worker.skip"] == "only in B"
    rules = {r["rule"]: r for r in cmp["rules"]}
    assert rules["core.kind"]["a"] is None and rules["core.kind"]["b"] == "crash"
    assert rules["core.version"]["a"] == "pass" and rules["core.version"]["b"] == "fail"
    assert "parse.encoding" in rules and len(rules) == 7


def test_compare_of_a_report_with_itself_shows_no_difference() -> None:
    a = report(fn=always_valid)
    cmp = compare_reports(a, a)
    assert (cmp["cases"], cmp["rules"], cmp["new_failures"], cmp["fixes"]) == ([], [], [], [])


def test_compare_command_prints_both_sides_and_exits_0(tmp_path: Path) -> None:
    pa, pb = tmp_path / "a.json", tmp_path / "b.json"
    pa.write_text(json.dumps(report()))
    pb.write_text(json.dumps(report(fn=always_valid, name="naive")))
    proc = vmjob("compare", pa, pb)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert re.search(r"^  implementation +vmjob-reference 1\.2\.3 \(python\) +naive 1\.2\.3 \(python\)$", out, re.M)
    assert re.search(r"^  pass +6 +1 +-5$", out, re.M)
    assert re.search(r"^  core.version +required +pass \(2 pass\) +fail \(1 pass, 1 fail\)$", out, re.M)
    assert re.search(r"^  core.version.two +core.version +required +pass +fail +new failure$", out, re.M)
    assert out.endswith("5 new failures in B, 0 fixes in B\n")
    md = vmjob("compare", pa, pb, "--markdown")
    assert md.returncode == 0 and md.stdout.startswith("## vmjob compare: 5 new failures, 0 fixes\n")
    assert "| core.version.two | core.version | required | pass | fail | new failure |" in md.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "a.json: no such report"),
        ("{", "a.json: not a JSON report"),
        ("[]", "a.json: not a vmjob report: the top level is list, not an object"),
        ('{"results": [], "summary": {}, "conformant": true}', "a.json: not a vmjob report: 'level' is missing"),
        (
            '{"results": [{"id": "x", "outcome": "meh"}], "summary": {}, "conformant": true, "level": "required"}',
            "results[0] has no string 'id' or a known 'outcome'",
        ),
    ],
    ids=["missing", "not-json", "not-object", "no-level", "bad-result"],
)
def test_compare_of_unreadable_input_exits_2(tmp_path: Path, content: str | None, message: str) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    if content is not None:
        a.write_text(content)
    b.write_text(json.dumps(report()))
    proc = vmjob("compare", a, b)
    assert proc.returncode == 2
    assert proc.stderr.startswith("vmjob compare: error: ") and message in proc.stderr
    assert "Traceback" not in proc.stderr
