"""``vmjob compare`` with more than two inputs, results streams as inputs, and ``--html`` (the N-way matrix)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from report_streams import always_valid, make_records, write_stream

from conformance.reports import build_report
from conformance.reports.compare import compare_many, render_compare_many


def vmjob(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", *map(str, args)], capture_output=True, text=True, timeout=120
    )


def report(**options: Any) -> dict[str, Any]:
    return build_report(make_records(**options), "required")


def never_valid(kind: str, text: str) -> bool:
    """Wrong on purpose the other way: it rejects everything."""
    return False


def test_compare_many_lists_each_differing_rule_and_case_with_every_outcome() -> None:
    good, naive = report(), report(fn=always_valid, name="naive")
    strict = report(fn=f"{__name__}:never_valid", name="strict")
    cmp = compare_many([good, naive, strict])
    assert [s["implementation"] for s in cmp["sides"]] == [
        "vmjob-reference 1.2.3 (python)", "naive 1.2.3 (python)", "strict 1.2.3 (python)"]  # fmt: skip
    cases = {c["id"]: c["outcomes"] for c in cmp["cases"]}
    assert cases["core.version.valid"] == ["pass", "pass", "fail"]
    assert cases["core.version.two"] == ["pass", "fail", "pass"]
    rules = {r["rule"]: r["worst"] for r in cmp["rules"]}
    assert rules["core.version"] == ["pass", "fail", "fail"]
    assert all(len(set(c["outcomes"])) > 1 for c in cmp["cases"])
    # A case all three agree on is not listed.
    agreed = {r["id"] for r in good["results"]} - set(cases)
    assert all(
        len({r["outcome"] for rep in (good, naive, strict) for r in rep["results"] if r["id"] == i}) == 1
        for i in agreed
    )


def test_compare_many_of_one_report_thrice_shows_no_difference() -> None:
    a = report(fn=always_valid)
    cmp = compare_many([a, a, a])
    assert (cmp["rules"], cmp["cases"]) == ([], [])
    assert "rules whose outcome differs (0): none" in render_compare_many(cmp)


@pytest.mark.slow
def test_compare_command_takes_three_inputs_streams_among_them_and_writes_the_matrix(tmp_path: Path) -> None:
    pa, pb = tmp_path / "a.json", tmp_path / "b.json"
    pa.write_text(json.dumps(report()))
    pb.write_text(json.dumps(report(fn=always_valid, name="naive")))
    pc = write_stream(tmp_path / "c.jsonl", make_records(f"{__name__}:never_valid", name="strict"))
    page = tmp_path / "html" / "matrix.html"
    proc = vmjob("compare", pa, pb, pc, "--html", page)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert re.search(
        r"^  implementation +vmjob-reference 1\.2\.3 \(python\) +naive 1\.2\.3 \(python\) +strict", out, re.M
    )
    assert re.search(r"^  core.version.two +core.version +required +pass +fail +pass$", out, re.M)
    assert re.search(r"^  core.version +required +pass \(2 pass\) +fail \(1 pass, 1 fail\) +fail \(1 pass, 1 fail\)$",
                     out, re.M)  # fmt: skip
    html = page.read_text()
    assert "<title>vmjob compare</title>" in html and "3 implementations × " in html
    for head in ("A: vmjob-reference 1.2.3 (python)", "B: naive 1.2.3 (python)", "C: strict 1.2.3 (python)"):
        assert f"<th>{head}</th>" in html
    assert 'href="#f-1-core.version"' in html and 'id="f-1-core.version"' in html
    md = vmjob("compare", pa, pb, pc, "--markdown")
    assert md.returncode == 0 and md.stdout.startswith("## vmjob compare: 3 reports, ")
    assert "| core.version.two | core.version | required | pass | fail | pass |" in md.stdout


def test_two_inputs_keep_the_pairwise_form_and_html_works_there_too(tmp_path: Path) -> None:
    pa = write_stream(tmp_path / "a.jsonl", make_records())
    pb = write_stream(tmp_path / "b.jsonl", make_records(always_valid, name="naive"))
    proc = vmjob("compare", pa, pb, "--html", tmp_path / "m.html")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith("new failures in B, 0 fixes in B\n")
    assert "2 implementations × " in (tmp_path / "m.html").read_text()


@pytest.mark.slow
def test_bad_inputs_exit_2_with_one_line(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(report()))
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"type": "result"}\n')
    proc = vmjob("compare", good, good, broken)
    assert proc.returncode == 2
    assert proc.stderr.startswith("vmjob compare: error: ") and "broken.jsonl: record 1 (result): " in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    proc = vmjob("compare", good, good, tmp_path / "missing.jsonl")
    assert proc.returncode == 2 and "missing.jsonl: no such results stream" in proc.stderr
    proc = vmjob("compare", good, good, "--html", tmp_path / "good.json" / "x.html")
    assert proc.returncode == 2 and "--html" in proc.stderr and "cannot write" in proc.stderr
    proc = vmjob("compare", good)
    assert proc.returncode == 2 and "the following arguments are required" in proc.stderr
