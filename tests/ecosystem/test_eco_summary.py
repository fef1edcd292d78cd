"""The terminal summary of ``vmjob certify``: its counts add up, one block per blocking rule, colour only
where it belongs, the paths and the rerun commands."""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from conformance.reports import build_report, render_text
from conformance.reports.text import blocking_rules, corpus_counts, fuzz_counts, rerun_commands, use_colour

from ._cli import vmjob

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))
from report_streams import CASES, always_valid, make_records  # noqa: E402


def _report(**options: Any) -> dict[str, Any]:
    return build_report(make_records(**options), "required", cases=CASES)


REPORTS: dict[str, dict[str, Any]] = {
    "good": {},
    "always-valid": {"fn": always_valid},
    "everything-wrong": {"fn": always_valid, "faults": True, "hostile": True, "findings": True},
}


def _numbers(line: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", line)]


@pytest.mark.parametrize("name", list(REPORTS))
def test_the_corpus_line_adds_up(name: str) -> None:
    report = _report(**REPORTS[name])
    c = corpus_counts(report)
    assert c["total"] == c["pass"] + c["fail"] + c["skip"] + c["fault"] + c["declined"] == len(report["results"])
    line = next(li for li in render_text(report).splitlines() if li.startswith("corpus: "))
    total, *parts = _numbers(line.split(" (")[0] + (" + " + line.rsplit(") + ", 1)[1] if ") + " in line else ""))
    assert total == sum(parts) == c["total"]


@pytest.mark.parametrize("name", list(REPORTS))
def test_the_blocking_blocks_add_up_to_the_verdicts_count(name: str) -> None:
    report = _report(**REPORTS[name])
    rules = blocking_rules(report)
    blocking = sum(len(e["cases"]) + len(e["findings"]) for e in rules)
    assert blocking == report["summary"]["blocking"]
    text = render_text(report)
    blocks = [li for li in text.splitlines() if li.startswith("✗ ")]
    assert len(blocks) == len(rules)
    assert len({li.split(" (")[0] for li in blocks}) == len(blocks)  # one block per rule
    if blocking:
        assert f"{blocking} blocking on " in text and f"({blocking} blocking" in text.splitlines()[-1]
        heading_total = sum(sum(_numbers(li.split("): ", 1)[1])) for li in blocks)
        assert heading_total == blocking
    else:
        assert "blocking" not in text


#: How the tests reach the implementations of _wrong.py.
WRONG = {"PYTHONPATH": str(Path(__file__).parent)}


@pytest.mark.slow
def test_the_fuzz_line_adds_up_on_a_real_campaign(tmp_path: Path) -> None:
    """``vmjob certify`` of an implementation wrong on every invalid progress event, as a user runs it:
    generated = agreed + disagreed + faults + declined, the disagreements grouped into one finding per rule,
    one block per rule, the paths and the rerun commands named."""
    done = vmjob("certify", "--python", "_wrong:progress_always_valid", "--class", "progress", "--fuzz", "300",
                 "--seed", "7", "--results", str(tmp_path / "r.jsonl"), "--json", str(tmp_path / "r.json"),
                 cwd=tmp_path, env=WRONG)  # fmt: skip
    assert done.returncode == 1, done.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    f = fuzz_counts(report)
    assert f is not None and f["generated"] == 300
    assert f["generated"] == f["agreed"] + f["disagreed"] + f["faults"] + f["declined"] + f["unsendable"]
    assert f["disagreed"] > 0 and f["findings"] == len({x["rule"] for x in report["findings"]}) > 0
    lines = done.stdout.splitlines()
    fuzz_line = next(li for li in lines if li.startswith("fuzz:   "))
    generated, *parts = _numbers(fuzz_line)
    assert generated == sum(parts) == 300
    assert f"        {f['disagreed']} disagreements → {f['findings']} finding" in done.stdout
    corpus_line = next(li for li in lines if li.startswith("corpus: "))
    total, *parts = _numbers(corpus_line)
    assert total == sum(parts) == len(report["results"])
    blocks = [li for li in lines if li.startswith("✗ ")]
    assert len(blocks) == min(len(blocking_rules(report)), 10)
    assert f"reports: JSON {tmp_path / 'r.json'}" in lines
    replay = f"  vmjob fuzz --python _wrong:progress_always_valid --class progress --replay {tmp_path / 'r.jsonl'}"
    assert replay in lines
    assert "\x1b" not in done.stdout  # not a terminal: plain


@pytest.mark.slow
def test_json_dash_writes_the_report_to_standard_output(tmp_path: Path) -> None:
    done = vmjob("certify", "--python", "_wrong:reference", "--class", "worker", "--fuzz", "0", "--json", "-",
                 cwd=tmp_path, env=WRONG)  # fmt: skip
    report = json.loads(done.stdout)  # the report alone: the summary went to standard error
    assert done.returncode == (0 if report["conformant"] else 1)
    assert done.stderr.splitlines()[-1].startswith(("CONFORMANT", "NOT CONFORMANT"))
    assert not (tmp_path / "-").exists()
    two = vmjob("certify", "--python", "_wrong:reference", "--json", "-", "--junit", "-", cwd=tmp_path, env=WRONG)
    assert two.returncode == 2 and two.stderr == "vmjob certify: error: --json, --junit: only one report can go to -\n"


def test_the_rerun_commands_select_just_the_blocking_rules() -> None:
    report = _report(fn=always_valid, findings=True)
    commands = rerun_commands(report, "run/results.jsonl")
    certify = shlex.split(commands[0])
    rules = [certify[i + 1] for i, a in enumerate(certify) if a == "--rule"]
    assert sorted(rules) == sorted(e["rule"] for e in blocking_rules(report) if e["cases"])
    assert "core.operation.charset" not in rules  # recommended: not blocking at level required
    assert shlex.split(commands[1])[-2:] == ["--replay", "run/results.jsonl"]
    assert commands[0] in render_text(report, stream="run/results.jsonl")


def test_paths_of_the_stream_and_every_report_are_named() -> None:
    text = render_text(_report(), stream="out/r.jsonl", reports={"json": "out/r.json", "html": "out/r.html"})
    assert "results stream: out/r.jsonl " in text
    assert "reports: JSON out/r.json, HTML out/r.html\n" in text
    assert ("rerun just the failures:" in text) == bool(blocking_rules(_report()))


def test_colour_marks_only_the_summarys_own_words() -> None:
    report = _report(fn=always_valid, hostile=True)
    plain, coloured = render_text(report), render_text(report, colour=True)
    assert "\x1b" not in plain
    assert "\x1b[1;31mNOT CONFORMANT" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    # the hostile id's escape stays an escape, never a real one
    assert "\\x1b[31m" in coloured


class _Tty:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    assert use_colour(_Tty(True), {})  # type: ignore[arg-type]
    assert not use_colour(_Tty(False), {})  # type: ignore[arg-type]
    assert not use_colour(_Tty(True), {"NO_COLOR": "1"})  # type: ignore[arg-type]
    assert use_colour(_Tty(True), {"NO_COLOR": ""})  # type: ignore[arg-type]  # set but empty: ignored


def test_a_long_rerun_selects_by_prefix() -> None:
    from conformance.reports.text import rule_selection

    rules = [f"core.execution.r{i}" for i in range(9)] + ["parse.syntax", "core.kind"]
    assert rule_selection(rules[:3]) == rules[:3]
    assert rule_selection(rules) == ["core.execution", "parse.syntax", "core.kind"]
