"""Red team, wave 3: implementations the suite had never seen — odd replies that say something other than
what the harness read, and honest programs that are merely odd (CRLF, a byte-order mark, replies written a
few bytes at a time, a chatty stderr, a slow start, output flushed only when the input runs dry). The first
must never be certified; the second must be, with no fault on their record.

Each adapter is a small script written to the test's folder and run through ``--cmd``, as a user's would be.
"""

from __future__ import annotations

import json
import random
import shlex
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.corpus import load_corpus
from conformance.fuzz.differential import fuzz
from conformance.fuzz.stats import ExitReason, FuzzStats
from conformance.model import ImplInfo
from conformance.reports.util import short_claim
from conformance.runner import ResultsStream
from conformance.summary import summarize
from conformance.transports import InProcess, Persistent, TransportOptions, _process
from conformance.transports.base import CannotStart
from conformance.transports.http import _json_text, wrappable
from conformance.transports.oneshot import Capped, _run
from reference import CLASSES, KINDS

#: The head of every script: the reference's replies, and a writer the script's mode can make odd.
HEAD = """
import json, os, sys, time
from conformance.adapter_server import handle
from conformance.reference_impl import handler

MODE = sys.argv[1]
ref = handler()
out = sys.stdout.buffer
"""

#: An adapter that answers as the reference, in one of several odd ways (its first argument).
ODD = (
    HEAD
    + """
def write(line):
    if MODE == "crlf":
        line = line[:-1] + b"\\r\\n"
    if MODE == "bom-each":
        line = b"\\xef\\xbb\\xbf" + line
    if MODE == "split":
        for i in range(0, len(line), 5):
            out.write(line[i : i + 5])
            out.flush()
        return
    out.write(line)
    if MODE != "flush-when-idle":
        out.flush()

if MODE == "slow-start":
    time.sleep(2)
if MODE == "never-flush":
    out.write(json.dumps(handle(ref, json.loads(sys.stdin.buffer.readline()))).encode() + b"\\n")
    time.sleep(30)
if MODE == "bom-first":
    out.write(b"\\xef\\xbb\\xbf")
inp = sys.stdin.buffer
while True:
    if MODE == "flush-when-idle":
        import select
        if not select.select([inp], [], [], 0)[0]:
            out.flush()  # replies sit in the buffer until no request is waiting: block buffering, done right
    raw = inp.readline()
    if not raw:
        break
    request = json.loads(raw)
    reply = handle(ref, request)
    if reply is None:
        break
    if MODE == "gap":
        time.sleep(0.1)
    if MODE == "dribble" and request.get("cmd") == "validate":
        out.flush()
        while True:  # a reply that never ends, a few bytes at a time, as fast as it can
            os.write(1, b"xxxx")
    if MODE == "chatty":
        sys.stderr.write("debug: handled a request " * 100 + "\\n")
        sys.stderr.flush()
    if MODE == "surrogate" and "valid" in reply:
        # Valid JSON with a lone surrogate escape in an issue: evidence, nothing the harness may choke on.
        reply["errors"] = [{"pointer": "/\\ud800", "message": "echoing \\udc80 the bad text"}]
    if MODE == "same-twice" and "valid" in reply:
        # A member repeated with the same value says one thing.
        write(json.dumps(reply).encode()[:-1] + b', "valid": ' + json.dumps(reply["valid"]).encode() + b"}\\n")
        continue
    write(json.dumps(reply).encode() + b"\\n")
out.flush()
"""
)

#: An adapter whose every verdict is followed by a second ``valid`` member saying the opposite (``first``: the
#: reference's verdict comes first; ``last``: it comes last, where a last-wins reader takes it).
TWICE = (
    HEAD
    + """
for raw in sys.stdin.buffer:
    request = json.loads(raw)
    reply = handle(ref, request)
    if reply is None:
        break
    line = json.dumps(reply).encode()
    if "valid" in reply:
        other = b"false" if reply["valid"] else b"true"
        if MODE == "first":
            line = line[:-1] + b', "valid": ' + other + b"}"
        else:
            line = b'{"valid": ' + other + b", " + line[1:]
    if request.get("cmd") == "start" and MODE == "claim":
        line = line[:-1] + b', "kinds": ["job"]}'  # two claims: every kind, then job documents only
    out.write(line + b"\\n")
    out.flush()
"""
)

#: A cheater: the corpus's own expectations as a lookup table, and one constant verdict for anything else.
TABLE = """
import json, sys
from conformance.adapter_server import _document
from conformance.corpus import load_corpus

table = {(c.kind, c.data): c for c in load_corpus() if c.mode == "validate" and c.data is not None}
out = sys.stdout.buffer
for raw in sys.stdin.buffer:
    req = json.loads(raw)
    if req["cmd"] == "stop":
        break
    if req["cmd"] == "start":
        reply = {"protocol": 1, "implementation": {"name": "table", "version": "1", "language": "python"},
                 "kinds": ["job", "result", "progress", "worker"], "classes": ["core", "payload", "result",
                 "progress", "worker"]}
    else:
        case = table.get((req["kind"], _document(req)))
        if case is None:
            reply = {"seq": req["seq"], "valid": True}
        else:
            reply = {"seq": req["seq"], "valid": case.valid, "warnings": [{"pointer": p} for p in case.warnings]}
    out.write(json.dumps(reply).encode() + b"\\n")
    out.flush()
"""


def _script(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _command(script: Path, mode: str = "") -> str:
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))} {mode}".strip()


def _certify(tmp_path: Path, command: str, *extra: str) -> tuple[int, list[dict[str, Any]]]:
    stream = tmp_path / "r.jsonl"
    argv = ["certify", "--no-config", "--cmd", command, "--seed", "3", "--timeout", "5", "--workers", "1",
            "--results", str(stream), "--quiet", *extra]  # fmt: skip
    code = main(argv)
    return code, [json.loads(line) for line in stream.read_text(encoding="utf-8").split("\n") if line]


def _faults(records: list[dict[str, Any]]) -> list[str]:
    return [f"{r['id']}: {r['outcome']} {r['message']}" for r in records if r.get("type") == "result"
            and r["outcome"] not in ("pass", "skip")]  # fmt: skip


# --- honest but odd: certified, with no fault ---------------------------------------------------------------
@pytest.mark.parametrize("mode", ["crlf", "bom-first", "bom-each", "split", "chatty", "flush-when-idle", "same-twice"])
def test_an_odd_but_honest_adapter_is_certified(mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)  # the adapter's stdout is block-buffered, as by default
    code, records = _certify(tmp_path, _command(_script(tmp_path, "odd", ODD), mode), "--rule", "core.execution",
                             "--fuzz", "150")  # fmt: skip
    assert _faults(records) == [] and code == 0, _faults(records)[:3]
    footer = records[-1]
    assert footer["type"] == "footer" and footer["fuzz"]["examples"] == footer["fuzz"]["asked"] > 0


@pytest.mark.slow  # over half a second: CI runs it with the slow tests
def test_a_slow_start_inside_the_start_timeout_is_no_fault(tmp_path: Path) -> None:
    code, records = _certify(tmp_path, _command(_script(tmp_path, "odd", ODD), "slow-start"), "--rule", "core.audit",
                             "--fuzz", "50", "--start-timeout", "10", "--timeout", "1")  # fmt: skip
    assert code == 0 and _faults(records) == [] and records[-1]["restarts"] == 0


@pytest.mark.slow  # over half a second: CI runs it with the slow tests
def test_an_adapter_that_never_flushes_is_told_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)
    argv = ["certify", "--no-config", "--cmd", _command(_script(tmp_path, "odd", ODD), "never-flush"),
            "--start-timeout", "1", "--results", str(tmp_path / "r.jsonl"), "--quiet"]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert "did not answer 'start' within 1 s (not a byte on its stdout: is its reply waiting in an unflushed" in err


@pytest.mark.slow  # over half a second: CI runs it with the slow tests
def test_a_reply_waiting_in_the_pipe_while_the_harness_was_busy_is_no_timeout(tmp_path: Path) -> None:
    # Before: past the deadline the pipe was not read again, so a reply that had come in time was a timeout
    # when the harness itself had been slow to ask for it (paused, descheduled on a loaded machine, busy
    # writing other workers' records): an honest adapter got "no reply within 0.5 s". Seen with SIGSTOP on
    # vmjob certify for 2.5 s against an adapter answering in 0.3 s, --timeout 1.
    impl = Persistent(_command(_script(tmp_path, "odd", ODD), "gap"), TransportOptions(timeout=0.5))
    impl.start()
    try:
        replies = impl.validate_many([("job", b"{}")] * 3)
        first = next(replies)
        time.sleep(2.0)  # the harness busy: the next replies come meanwhile, 0.1 s apart
        rest = list(replies)
    finally:
        impl.close()
    assert [r.status for r in (first, *rest)] == ["ok"] * 3, [r.message for r in rest]
    assert impl.restarts == 0


@pytest.mark.slow  # over half a second: CI runs it with the slow tests
def test_a_child_dribbling_bytes_past_the_deadline_is_still_a_timeout(tmp_path: Path) -> None:
    # The last look past the deadline is bounded (at most MAX_LINE in 64 KiB reads): a child writing without
    # end and without a newline is a timeout with its partial output, not a read that goes on. (A guard: a
    # 64 KiB read outpaces such a child here, so the unbounded look ended in time too.)
    impl = Persistent(_command(_script(tmp_path, "odd", ODD), "dribble"), TransportOptions(timeout=0.3))
    impl.start()
    try:
        reply = impl.validate("job", b"{}")
    finally:
        impl.close()
    assert reply.status == "timeout" and "partial output: 'xxx" in reply.message


def test_a_one_shot_command_that_exited_in_time_is_no_timeout_when_looked_at_late() -> None:
    # The same for --one-shot: past the deadline, an exit that had already happened was a timeout.
    proc = subprocess.Popen([sys.executable, "-c", "pass"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    try:
        while not _process.exited(proc):
            time.sleep(0.01)
        out, err = Capped(100), Capped(100, 100)
        assert _run(proc, b"{}", out, err, time.monotonic() - 1.0) is True
    finally:
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            assert stream is not None
            stream.close()


def test_a_lone_surrogate_in_a_reply_is_evidence_not_a_traceback(tmp_path: Path) -> None:
    # Before: "UnicodeEncodeError: 'utf-8' codec can't encode character '\ud800'" out of the results stream's
    # writer, a traceback from vmjob certify halfway through the corpus (the stream cut after its header).
    reports = [("--html", "r.html"), ("--junit", "r.xml"), ("--json", "r.json"), ("--markdown", "r.md")]
    extra = [x for option, name in reports for x in (option, str(tmp_path / name))]
    code, records = _certify(tmp_path, _command(_script(tmp_path, "odd", ODD), "surrogate"), "--rule", "core.audit",
                             "--fuzz", "50", *extra)  # fmt: skip
    assert code == 0 and _faults(records) == []
    got = next(r["got"] for r in records if r.get("type") == "result" and r["got"].get("errors"))
    assert got["errors"][0]["pointer"] == "/\ud800"  # read back as it was sent
    for _option, name in reports:
        (tmp_path / name).read_text(encoding="utf-8")  # every report is UTF-8


def test_the_stream_writes_a_lone_surrogate_as_an_escape(tmp_path: Path) -> None:
    stream = ResultsStream(tmp_path / "s.jsonl")
    stream.write({"type": "result", "message": "a \ud800 b", "plain": "é"})
    stream.write({"type": "result", "message": "é"})
    stream.close()
    lines = (tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["message"] for line in lines] == ["a \ud800 b", "é"]
    assert "é" in lines[1]  # lines without a lone surrogate are written as before


# --- odd replies that say two things: never an answer -------------------------------------------------------
@pytest.mark.parametrize("mode", ["first", "last"])
def test_a_verdict_given_twice_two_ways_is_errored(mode: str, tmp_path: Path) -> None:
    # Before: {"valid": <wrong>, ..., "valid": <right>} was read as the last one and certified CONFORMANT.
    impl = Persistent(_command(_script(tmp_path, "twice", TWICE), mode), TransportOptions(timeout=5))
    impl.start()
    try:
        reply = impl.validate("job", b"{}")
    finally:
        impl.close()
    assert reply.status == "errored"
    assert "ambiguous: member 'valid' appears twice with different values" in reply.message


def test_a_verdict_given_twice_two_ways_is_not_certified(tmp_path: Path) -> None:
    code, records = _certify(tmp_path, _command(_script(tmp_path, "twice", TWICE), "last"), "--rule", "core.audit",
                             "--fuzz", "0")  # fmt: skip
    assert code == 1 and _faults(records) and all("ambiguous" in f for f in _faults(records))


def test_a_claim_given_twice_two_ways_does_not_start(tmp_path: Path) -> None:
    impl = Persistent(_command(_script(tmp_path, "twice", TWICE), "claim"), TransportOptions(timeout=5))
    with pytest.raises(CannotStart, match="ambiguous: member 'kinds' appears twice"):
        impl.start()
    impl.close()


# --- a claim of nothing is fuzzed with nothing --------------------------------------------------------------
@pytest.mark.parametrize("engine", ["fast", "hypothesis"])
@pytest.mark.parametrize("claim", [{"kinds": ("job",), "classes": ()}, {"kinds": (), "classes": ("core",)}])
def test_an_empty_claim_sends_no_generated_document(claim: dict[str, tuple[str, ...]], engine: str) -> None:
    # Before: an empty list in the reply to start read as "everything" to the fuzzer (and as nothing to the
    # corpus): 2,000 generated documents sent to, and "agreed" by, an implementation that claimed nothing; the
    # Hypothesis engine, once the fast one was mended, still sent 48.
    sent: list[str] = []

    def spy(kind: str, text: str) -> bool:
        sent.append(kind)
        return True

    stats = FuzzStats()
    info = ImplInfo("spy", "1", "python", kinds=claim["kinds"], classes=claim["classes"])
    assert list(fuzz(InProcess(spy, info=info), examples=200, seed=1, stats=stats, engine=engine)) == []
    assert sent == []
    if engine == "fast":
        assert stats.examples == 0 and stats.asked == 0 and stats.exit_reason is ExitReason.NOTHING


def _rejects_with_a_lone_surrogate(kind: str, text: str) -> dict[str, Any]:
    """Rejects everything, its message holding a lone surrogate (valid JSON, as a reply may carry it)."""
    return {"valid": False, "errors": [{"pointer": "", "message": "bad \ud800 text"}]}


@pytest.mark.parametrize("name", ["f.jsonl", "f.json"])
def test_a_findings_report_keeps_a_lone_surrogate_as_an_escape(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: `vmjob fuzz --report F` died with UnicodeEncodeError when a finding carried a lone surrogate.
    target = "tests.adversarial.test_adv_wave3:_rejects_with_a_lone_surrogate"
    path = tmp_path / name
    code = main(["fuzz", "--python", target, "--seed", "1", "--examples", "40", "--report", str(path)])
    capsys.readouterr()
    assert code == 1
    text = path.read_text(encoding="utf-8")
    records = [json.loads(line) for line in text.splitlines()] if name.endswith("l") else json.loads(text)
    messages = [e["message"] for r in records if r.get("type") == "finding" for e in r["got"].get("errors", [])]
    assert "bad \ud800 text" in messages


# --- the cheater with the corpus's answers --------------------------------------------------------------------
@pytest.mark.slow  # over half a second: CI runs it with the slow tests
def test_a_lookup_table_of_the_corpus_is_not_certified_and_the_report_says_why(tmp_path: Path) -> None:
    code, records = _certify(tmp_path, _command(_script(tmp_path, "table", TABLE)), "--fuzz", "400")
    results = [r for r in records if r.get("type") == "result"]
    findings = [r for r in records if r.get("type") == "finding"]
    assert code == 1
    assert results and all(r["outcome"] in ("pass", "skip") for r in results)  # the corpus alone cannot tell
    counted = [f for f in findings if f.get("level") == "required" and not f.get("fault")]
    assert counted, "the fuzzer found no wrong verdict of a required rule"
    assert all(f["got"].get("valid") is True and f["expected"].get("valid") is False for f in counted)


# --- --wrap: JSON text is wrapped, whatever its numbers' length or its depth ------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        '{"execution": {"timeout_seconds": ' + "9" * 5000 + "}}",  # int() refuses it past 4,300 digits
        '{"metadata": {"x": ' + "[" * 5000 + "]" * 5000 + "}}",  # json.loads cannot follow it (RecursionError)
        '{"a":' * 3000 + "1" + "}" * 3000,
    ],
    ids=["5000-digits", "5000-deep-arrays", "3000-deep-objects"],
)
def test_json_text_of_any_number_length_or_depth_is_wrapped(text: str) -> None:
    # Before: both were skipped ("cannot wrap this document: it is not JSON text (ValueError: Exceeds the
    # limit (4300 digits)...)", "(RecursionError: ...)"), so a service behind --wrap was never asked about the
    # integer width or depth rules, though ADAPTER.md promises long numbers arrive as written.
    assert wrappable(text.encode()) is None


@pytest.mark.parametrize(
    "text", ["[" * 5000 + "]" * 4999, "[" * 5000 + "1 2" + "]" * 5000, "[" * 2000 + '"\x01"' + "]" * 2000]
)
def test_deep_text_that_is_not_json_is_still_not_wrapped(text: str) -> None:
    assert wrappable(text.encode()) == "it is not JSON text (its syntax breaks RFC 8259)"


def test_the_deep_syntax_check_agrees_with_the_json_module() -> None:
    rng = random.Random(3)
    marks = '{}[]:,"\\ \t\n\r0123456789-+.eEtrufalsn\x01u'
    texts = [c.data.decode() for c in load_corpus() if c.data is not None and _utf8(c.data)]
    for text in texts[:1500]:
        at = rng.randrange(len(text) + 1)
        texts.append(text[:at] + "".join(rng.choice(marks) for _ in range(rng.randrange(1, 3))) + text[at + 1 :])
    checked = 0
    for text in texts:
        try:
            json.loads(text, parse_int=str, parse_constant=_refuse)
            expected = True
        except RecursionError:
            continue
        except ValueError:
            expected = False
        checked += 1
        assert _json_text(text) is expected, text[:200]
    assert checked > 3000


def _utf8(data: bytes) -> bool:
    try:
        return not data.decode("utf-8").startswith("\ufeff")
    except UnicodeDecodeError:
        return False


def _refuse(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


# --- the badge names a narrow claim of kinds ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kinds", "classes", "scope"),
    [
        (["result"], list(CLASSES), "result docs"),  # before: "7/7 classes", a full claim's look
        (["job", "result", "worker"], list(CLASSES), "3/4 kinds"),
        (["job"], ["core", "payload", "result", "progress", "worker"], "job docs, 5/7 classes"),
        (["job"], ["core", "payload"], "job docs, core + payload only"),
        (["worker"], ["worker"], "worker only"),  # the class says the kind already
        (["job"], ["core"], "core only"),
        (list(KINDS), ["core", "payload", "result", "progress", "worker"], "5/7 classes"),
    ],
)
def test_the_badge_names_the_kinds_a_claim_leaves_out(kinds: list[str], classes: list[str], scope: str) -> None:
    assert short_claim({"summary": {"claim": {"kinds": kinds, "classes": classes, "full": False}}}) == scope


def test_a_badge_over_result_documents_alone_says_so(tmp_path: Path) -> None:
    adapter = f"{shlex.quote(sys.executable)} -m conformance adapter"
    code, _records = _certify(tmp_path, adapter, "--kind", "result", "--rule", "result.status", "--fuzz", "0",
                              "--badge-endpoint", str(tmp_path / "badge.json"))  # fmt: skip
    badge = json.loads((tmp_path / "badge.json").read_text(encoding="utf-8"))
    assert code == 0 and badge["message"].startswith("conformant (some rules)")
    code, _records = _certify(tmp_path / "all", adapter, "--kind", "result", "--fuzz", "0",
                              "--badge-endpoint", str(tmp_path / "badge2.json"))  # fmt: skip
    badge = json.loads((tmp_path / "badge2.json").read_text(encoding="utf-8"))
    assert code == 0 and badge["message"].startswith("conformant (result docs) ")


# --- filters that leave nothing the level counts certify nothing ---------------------------------------------
ALWAYS_VALID = """
def validate(kind, text):
    return True
"""


def test_a_run_of_informational_rules_alone_is_not_a_certificate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: "CONFORMANT at level required for ..., rules parse.depth only" and a green badge
    # "conformant (some rules) 4/16" for a function that says "valid" to everything: parse.depth is
    # informational, so its 12 wrong verdicts did not count and nothing that counts had been asked.
    _script(tmp_path, "always_valid", ALWAYS_VALID)
    monkeypatch.syspath_prepend(str(tmp_path))
    argv = ["certify", "--no-config", "--python", "always_valid:validate", "--rule", "parse.depth", "--fuzz", "0",
            "--workers", "1", "--results", str(tmp_path / "r.jsonl"),
            "--badge-endpoint", str(tmp_path / "b.json")]  # fmt: skip
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "(no case of a rule counted at level required was run)" in out.splitlines()[-1]
    assert json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["message"].startswith("not conformant")


def test_summary_needs_a_counted_case_or_a_generated_document() -> None:
    def result(level: str, outcome: str = "pass") -> dict[str, Any]:
        return {"outcome": outcome, "class": "core", "level": level}

    assert summarize([result("informational", "fail")])["conformant"] is False
    assert summarize([result("recommended")], level="required")["conformant"] is False
    assert summarize([result("recommended")], level="recommended")["conformant"] is True
    assert summarize([result("required"), result("informational", "fail")])["conformant"] is True
