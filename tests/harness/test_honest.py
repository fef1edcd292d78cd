"""A certificate only an honest, complete run can earn: the claim is stated, every claimed case must be
answered, nothing an implementation sends can crash the harness, and no run destroys another's results."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from conformance import reference_impl
from conformance.corpus import Case
from conformance.evaluate import evaluate
from conformance.model import ImplInfo, Reply
from conformance.reports import build_report, read_stream, render_html, render_junit, render_markdown, render_text
from conformance.reports.badge import badge_endpoint
from conformance.runner import ResultsStream, RunConfig, Runner, StreamExists, bounded_stderr
from conformance.transports import InProcess, TransportOptions

from .conftest import REFERENCE_CMD


def _run(impl: InProcess, tmp_path: Path, **config: Any) -> dict[str, Any]:
    """Certify ``impl`` over the installed corpus; the report rebuilt from the stream."""
    impl.start()
    path = tmp_path / "results.jsonl"
    stream = ResultsStream(path)
    try:
        Runner(impl, RunConfig(transport={"kind": "python", "target": "test"}, **config), stream).run()
    finally:
        stream.close()
        impl.close()
    return build_report(read_stream(path))


def _info(
    name: str = "narrow", kinds: tuple[str, ...] = ("worker",), classes: tuple[str, ...] = ("worker",)
) -> ImplInfo:
    return ImplInfo(name=name, version="1", language="python", kinds=kinds, classes=classes)


# --- the claim ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_narrow_claim_is_certified_for_what_it_claims_and_says_so_everywhere(tmp_path: Path) -> None:
    # Before: "CONFORMANT", badge "conformant 341/341": a worker-only claim looked like a full one.
    report = _run(InProcess(reference_impl.validate, info=_info()), tmp_path)
    assert report["conformant"] is True
    assert report["claim"] == {
        "kinds": ["worker"],
        "classes": ["worker"],
        "rules": [],
        "full": False,
        "text": "worker documents, class worker (1 of 7)",
    }
    verdict = "CONFORMANT at level required for worker documents, class worker (1 of 7) (partial claim)"
    assert render_text(report).splitlines()[-1] == verdict
    assert render_markdown(report).splitlines()[0] == f"## ✅ vmjob: {verdict}"
    passed = report["summary"]["outcomes"]["pass"]
    assert badge_endpoint(report)["message"] == f"conformant (worker only) {passed}/{passed}"
    assert '<div class="sub" id="claim">for <b>worker documents, class worker (1 of 7) (partial claim)</b></div>' in (
        render_html(report)
    )


def test_the_full_claim_is_named_as_such(tmp_path: Path) -> None:
    info = _info("full", ("job", "result", "progress", "worker"), ("core", "payload", "result", "progress", "worker",
                                                                   "capabilities", "roundtrip"))  # fmt: skip
    report = _run(InProcess(reference_impl.validate, info=info), tmp_path, kinds=("progress",))
    # Filters narrow the certificate as the claim does.
    assert report["claim"]["text"] == "progress documents, classes core + payload + result + progress + worker + " \
        "capabilities + roundtrip (7 of 7)"  # fmt: skip
    assert report["claim"]["full"] is False


# --- answered ----------------------------------------------------------------------------------------------


def _declines_json(kind: str, text: str) -> Any:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return {"skipped": True, "reason": "JSON documents are not supported yet"}


def test_declining_inside_the_claim_is_not_an_answer(tmp_path: Path) -> None:
    # Before: rejecting what does not parse and declining the rest was CONFORMANT.
    report = _run(InProcess(_declines_json, info=_info()), tmp_path)
    outcomes = report["summary"]["outcomes"]
    assert outcomes["declined"] > 300
    assert all(r["message"].startswith("outside the claim") for r in report["results"] if r["outcome"] == "skip")
    assert report["conformant"] is False and report["summary"]["complete"] is False
    assert report["summary"]["incomplete"] == [f"{outcomes['declined']:,} corpus cases not answered "
                                               f"({outcomes['declined']:,} declined)"]  # fmt: skip
    assert badge_endpoint(report)["message"].startswith("incomplete (worker only) ")
    first = next(r for r in report["results"] if r["outcome"] == "declined")
    assert first["message"] == "declined by the implementation: JSON documents are not supported yet"


def _hangs(kind: str, text: str) -> bool:
    threading.Event().wait(30)
    return True


@pytest.mark.slow
def test_an_in_process_function_that_hangs_is_a_timeout_and_then_not_run(tmp_path: Path) -> None:
    impl = InProcess(_hangs, TransportOptions(timeout=0.2, max_restarts=1), info=_info())
    report = _run(impl, tmp_path)
    outcomes = report["summary"]["outcomes"]
    assert outcomes["timeout"] == 2 and outcomes["pass"] == outcomes["fail"] == 0
    assert outcomes["not-run"] == report["summary"]["total"] - outcomes["skip"] - 2
    assert report["conformant"] is False


def _deep_and_cyclic(kind: str, text: str) -> Any:
    loop: list[Any] = []
    loop.append(loop)
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    return {"valid": reference_impl.validate(kind, text)["valid"], "errors": [loop, deep, {"pointer": 5}]}


def test_in_process_replies_are_reduced_to_bounded_data() -> None:
    reply = InProcess(_deep_and_cyclic, info=_info()).validate("worker", b"{}")
    assert reply.status == "ok" and reply.valid is False
    assert reply.errors[0] == {"message": "[[[[...]]]]"} and reply.errors[2] == {}
    assert len(reply.errors[1]["message"]) < 100


# --- warnings where none are due --------------------------------------------------------------------------


def _case(warnings: tuple[str, ...]) -> Case:
    return Case(id="t", kind="job", klass="core", rule="core.execution.timeout_seconds.long", level="recommended",
                description="", valid=True, warnings=warnings)  # fmt: skip


def test_a_warning_at_a_warning_rule_s_boundary_where_the_reference_gives_none_fails() -> None:
    warned = Reply("ok", valid=True, warnings=({"pointer": "/execution/timeout_seconds"},))
    assert evaluate(_case(()), warned) == (
        "fail",
        {"valid": True, "warnings": [{"pointer": "/execution/timeout_seconds"}]},
        "expected no warning; got a warning at /execution/timeout_seconds",
    )
    assert evaluate(_case(()), Reply("ok", valid=True))[0] == "pass"
    extra = Reply("ok", valid=True, warnings=({"pointer": "/execution/timeout_seconds"}, {"pointer": "/job_id"}))
    assert evaluate(_case(("/execution/timeout_seconds",)), extra)[2] == (
        "expected warnings at /execution/timeout_seconds only; got a warning at /job_id"
    )
    # A transport that cannot carry warnings is judged on the verdict alone.
    assert evaluate(_case(()), Reply("ok", valid=True), warnings=False)[0] == "pass"


# --- nothing lost --------------------------------------------------------------------------------------------


def test_two_runs_never_share_a_results_stream(tmp_path: Path) -> None:
    first = ResultsStream(tmp_path / "r.jsonl")
    first.write({"type": "header"})
    with pytest.raises(StreamExists, match=r"r\.jsonl already exists \(the stream of another run"):
        ResultsStream(tmp_path / "r.jsonl")
    beside = ResultsStream(tmp_path / "r.jsonl", beside=True)
    assert beside.path == tmp_path / "r-2.jsonl"
    for s in (first, beside):
        s.close()
    assert (tmp_path / "r.jsonl").read_text() == '{"type": "header"}\n'


def _vmjob(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "conformance", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


@pytest.mark.slow
def test_certify_refuses_a_results_path_that_exists_and_writes_beside_the_default(corpus: Path, tmp_path: Path) -> None:
    # Before: the second run truncated the first one's stream.
    stream = tmp_path / "mine.jsonl"
    stream.write_text("an earlier run\n")
    proc = _vmjob("certify", "--cmd", REFERENCE_CMD, "--corpus", corpus, "--fuzz", "0", "--results", stream,
                  cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr == (
        f"vmjob certify: error: --results: {stream} already exists (the stream of another run, finished or still "
        "going); give another --results path, or move that file away\n"
    )
    assert stream.read_text() == "an earlier run\n"
    for _ in (1, 2):
        proc = _vmjob("certify", "--cmd", REFERENCE_CMD, "--corpus", corpus, "--fuzz", "0", cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
    name = "results-2.jsonl"
    assert f"results stream: vmjob-results/{name} " in proc.stdout
    assert sorted(p.name for p in (tmp_path / "vmjob-results").iterdir()) == ["results-2.jsonl", "results.jsonl"]


# --- every byte received is bounded ---------------------------------------------------------------------------


def test_a_transport_s_note_of_dropped_stderr_survives_the_record_s_cut() -> None:
    # Before: a 1 GiB flood was reported as "4,145 more characters".
    flood = "x" * 8192 + "\n... (1,073,733,632 more bytes of stderr dropped)"
    kept = bounded_stderr(flood)
    assert kept.endswith("more characters not kept here)\n... (1,073,733,632 more bytes of stderr dropped)")
    assert len(kept) < 4200


def test_a_results_line_nested_deeply_is_corrupt_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"type": "header"}\n' + "[" * 50_000 + "]" * 50_000 + '\n{"type": "footer"}\n')
    proc = _vmjob("report", path, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == (
        f"vmjob report: error: {path}:2: corrupt results record: nested more than 32 levels deep (arrays and "
        "objects); that is the limit\n"
    )


def test_report_reads_a_header_of_mistyped_fields(tmp_path: Path) -> None:
    # Before: TypeError: 'int' object is not iterable.
    header = {"type": "header", "implementation": {"name": ["x"], "kinds": 3, "classes": 1.5}, "filters": 7,
              "level": {}, "fuzz": "many", "seed": [1]}  # fmt: skip
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(header) + "\n" + json.dumps({"type": "footer", "fuzz": [], "stopped": 4}) + "\n")
    proc = _vmjob("report", path, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == (
        "NOT CONFORMANT at level required for nothing (the claim and the filters leave no kind or no class) "
        "(partial claim) (no case was run)"
    )


@pytest.mark.slow
def test_names_cannot_forge_lines_or_drive_the_terminal(tmp_path: Path) -> None:
    # Before: an implementation named "x\nCONFORMANT at level required" printed that line on its own.
    info = _info("x\nCONFORMANT at level required\x1b[2J\r\x9b31m")
    report = _run(InProcess(_declines_json, info=info), tmp_path)
    text = render_text(report)
    assert "\x1b" not in text and "\r" not in text and "\x9b" not in text
    assert text.splitlines()[0].startswith(r"x CONFORMANT at level required\x1b[2J\x0d\x9b31m 1 (python) over ")
    assert [line for line in text.splitlines() if line.startswith("CONFORMANT")] == []
    md = render_markdown(report)
    assert "\x1b" not in md and "\nCONFORMANT" not in md
    ET.fromstring(render_junit(report))  # well-formed XML


# --- promote and replay ----------------------------------------------------------------------------------------


def _finding(**fields: Any) -> dict[str, Any]:
    return {"type": "finding", "id": "fuzz-1", "kind": "job", "class": "core", "level": "required",
            "rule": "core.execution.priority", "document": '{"a": 1}', **fields}  # fmt: skip


@pytest.mark.parametrize("klass", ["../../x", "/tmp/elsewhere", "payload"])
def test_promote_takes_the_folder_from_the_rule_never_from_the_file(klass: str, tmp_path: Path) -> None:
    # Before: "class": "../../x" wrote promoted.json outside the corpus.
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    findings = tmp_path / "f.jsonl"
    findings.write_text(json.dumps([_finding(**{"class": klass})]) + "\n")
    proc = _vmjob("corpus", "promote", findings, "--corpus", corpus, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == (
        f"vmjob corpus: error: finding 'fuzz-1': class={klass!r} is not the class of rule "
        "core.execution.priority in a job (core)\n"
    )
    assert [p for p in tmp_path.rglob("promoted.json")] == []


def test_replay_of_a_deeply_nested_line_is_a_clean_error(tmp_path: Path) -> None:
    findings = tmp_path / "f.jsonl"
    findings.write_text('{"type": "finding", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    proc = _vmjob("fuzz", "--python", "conformance.reference_impl:validate", "--replay", findings, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == (
        f"vmjob fuzz: error: {findings}: nested more than 32 levels deep (arrays and objects); that is the limit\n"
    )


def test_a_start_reply_nested_deeply_cannot_start_with_a_clear_message(tmp_path: Path) -> None:
    # Before: an uncaught RecursionError, exit 1 ("not conformant").
    deep = tmp_path / "deep_start.py"
    deep.write_text("import sys\nsys.stdin.readline()\nprint('[' * 100000 + ']' * 100000, flush=True)\n")
    proc = _vmjob("certify", "--cmd", f"{sys.executable} {deep}", "--fuzz", "0", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith(
        f"vmjob certify: error: cannot start '{sys.executable} {deep}': its reply to 'start' is nested more than "
        "64 levels deep (arrays and objects); that is the limit; received: '[[[["
    )
    assert "Traceback" not in proc.stderr and len(proc.stderr) < 1000
    assert not (tmp_path / "vmjob-results" / "results.jsonl").exists()
