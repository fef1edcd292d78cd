"""Every misbehaving implementation is reported as it should be; none ever counts as a pass it did not earn,
none hangs the suite (timeouts of 0.5 s)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conformance.transports import CannotStart, TransportError, WrongProtocol, open_implementation
from conformance.transports.base import TransportOptions

from .conftest import certify, fake

FAST: dict[str, Any] = {"timeout": 0.5, "start_timeout": 2.0, "max_restarts": 2}
#: Cases of the small corpus the reference finds valid / invalid, and the match / roundtrip ones.
VALID = {"core-minimal-job-is-valid", "core-timeout-long-warns", "progress-minimal-is-valid"}
INVALID = {"core-version-2-is-invalid", "core-kind-wrong-is-invalid", "parse-not-utf8-is-invalid",
           "parse-trailing-comma-is-invalid"}  # fmt: skip


def test_reference_adapter_passes_every_case(corpus: Path, tmp_path: Path) -> None:
    from .conftest import REFERENCE_CMD

    run = certify("cmd", REFERENCE_CMD, corpus, tmp_path)
    assert run.counts() == {"pass": 9}
    assert run.summary["conformant"] is True


def test_always_valid_fails_every_invalid_case(corpus: Path, tmp_path: Path) -> None:
    run = certify("cmd", fake("always-valid"), corpus, tmp_path, **FAST)
    outcomes = run.outcomes()
    # It gives no warning either, so the case that expects one fails too.
    assert {i for i, o in outcomes.items() if o == "fail"} == INVALID | {"core-timeout-long-warns"}
    assert run.results[[r["id"] for r in run.results].index("core-timeout-long-warns")]["message"] == (
        "expected a warning at /execution/timeout_seconds; got no warning"
    )
    assert outcomes["core-minimal-job-is-valid"] == outcomes["progress-minimal-is-valid"] == "pass"
    assert run.summary["conformant"] is False


def test_always_invalid_fails_every_valid_case(corpus: Path, tmp_path: Path) -> None:
    run = certify("cmd", fake("always-invalid"), corpus, tmp_path, **FAST)
    outcomes = run.outcomes()
    assert {i for i, o in outcomes.items() if o == "fail"} == VALID
    assert run.summary["conformant"] is False


def test_crash_at_start_cannot_start_and_says_why(corpus: Path) -> None:
    impl = open_implementation("cmd", fake("crash-at-start"), TransportOptions(**FAST))
    with pytest.raises(
        CannotStart, match=r"exited with status 3 before answering 'start'.*cannot open my configuration"
    ):
        impl.start()


@pytest.mark.slow
def test_hang_at_start_times_out(corpus: Path) -> None:
    impl = open_implementation("cmd", fake("hang-at-start"), TransportOptions(timeout=0.5, start_timeout=0.5))
    with pytest.raises(CannotStart, match=r"did not answer 'start' within 0.5 s"):
        impl.start()


def test_wrong_protocol_ends_the_run_with_a_clear_error() -> None:
    impl = open_implementation("cmd", fake("wrong-protocol"), TransportOptions(**FAST))
    with pytest.raises(WrongProtocol, match=r"speaks adapter protocol 2; this suite speaks protocol 1"):
        impl.start()
    assert issubclass(WrongProtocol, TransportError)


@pytest.mark.slow
def test_crash_after_n_is_blamed_on_the_request_that_crashed_then_budget_ends_the_run(
    corpus: Path, tmp_path: Path
) -> None:
    run = certify("cmd", fake("crash-after", "2"), corpus, tmp_path, **FAST)
    counts = run.counts()
    # Each start serves 2 requests; the third crashes it. A crash with several requests in flight is blamed
    # on none: they are re-sent one at a time, so every "crash" names the request that was alone in flight.
    assert counts.get("crash", 0) >= 1
    assert counts.get("not-run", 0) >= 1
    crashed = [r for r in run.results if r["outcome"] == "crash"]
    assert all("exited with status 7" in r["message"] for r in crashed)
    not_run = [r for r in run.results if r["outcome"] == "not-run"]
    assert all("restarted 2 times" in r["message"] for r in not_run)
    assert run.records[-1]["type"] == "footer" and run.records[-1]["restarts"] == 3
    assert run.summary["conformant"] is False


def test_crash_on_one_kind_names_exactly_that_case(corpus: Path, tmp_path: Path) -> None:
    run = certify("cmd", fake("crash-on-kind", "progress"), corpus, tmp_path, **FAST)
    outcomes = run.outcomes()
    assert outcomes["progress-minimal-is-valid"] == "crash"
    assert [i for i, o in outcomes.items() if o != "pass"] == ["progress-minimal-is-valid"]


@pytest.mark.slow
def test_hang_mid_run_is_a_timeout_then_restart(corpus: Path, tmp_path: Path) -> None:
    run = certify("cmd", fake("hang-after", "5"), corpus, tmp_path, **FAST)
    outcomes = run.outcomes()
    timeouts = [i for i, o in outcomes.items() if o == "timeout"]
    assert timeouts, outcomes
    assert all("no reply within 0.5 s" in r["message"] for r in run.results if r["outcome"] == "timeout")
    # After the restart with start replayed, the run goes on and later cases pass again.
    assert sum(1 for o in outcomes.values() if o == "pass") >= 5


def test_slow_but_within_the_timeout_passes(corpus: Path, tmp_path: Path) -> None:
    run = certify("cmd", fake("slow", "0.02"), corpus, tmp_path, **FAST)
    assert run.counts() == {"pass": 9}


@pytest.mark.slow
def test_slower_than_the_timeout_is_timeout_never_pass(corpus: Path, tmp_path: Path) -> None:
    run = certify("cmd", fake("slow", "1"), corpus, tmp_path, timeout=0.3, start_timeout=2.0, max_restarts=1)
    counts = run.counts()
    assert counts.get("pass", 0) == 0
    assert set(counts) <= {"timeout", "not-run"} and counts["timeout"] >= 1


@pytest.mark.parametrize(
    ("mode", "evidence"),
    [
        (
            "garbage",
            "the reply is not JSON: Expecting value: line 1 column 1 (char 0); received: "
            "'Traceback (most recent call last): oops'",
        ),
        ("wrong-seq", "wrong seq: expected"),
        ("wrong-shape", 'the reply breaks validate-reply.json: at /valid: "yes" is not boolean'),
    ],
)
def test_protocol_errors_are_errored_with_what_was_received(
    mode: str, evidence: str, corpus: Path, tmp_path: Path
) -> None:
    run = certify("cmd", fake(mode), corpus, tmp_path, **FAST)
    validate_results = [r for r in run.results if r["class"] not in ("capabilities", "roundtrip")]
    assert {r["outcome"] for r in validate_results} == {"errored"}
    assert all(evidence in r["message"] for r in validate_results)
    assert run.summary["outcomes"]["pass"] == 0


def test_huge_line_is_errored_with_a_bounded_excerpt(corpus: Path, tmp_path: Path) -> None:
    run = certify("cmd", fake("huge-line"), corpus, tmp_path, timeout=2.0, start_timeout=2.0, max_restarts=1)
    errored = [r for r in run.results if r["outcome"] == "errored"]
    assert errored and all("longer than 16,777,216 bytes" in r["message"] for r in errored)
    assert all(len(r["message"]) < 1000 for r in errored)
    assert run.summary["outcomes"]["pass"] == 0


def test_stderr_noise_never_blocks_and_is_captured_per_case(corpus: Path, tmp_path: Path) -> None:
    run = certify("cmd", fake("stderr-noise"), corpus, tmp_path, **FAST)
    assert run.counts() == {"pass": 9}
    assert any(r["stderr"].startswith("noise noise") for r in run.results)
    assert all(len(r["stderr"]) < 5000 for r in run.results)


def test_http_500_is_errored_never_pass(corpus: Path, tmp_path: Path, http_500: str) -> None:
    run = certify("url", http_500 + "/{kind}", corpus, tmp_path, **FAST)
    counts = run.counts()
    assert counts.get("pass", 0) == 0 and counts["errored"] == 7
    assert all("HTTP 500 Internal Server Error" in r["message"] and "database is down" in r["message"]
               for r in run.results if r["outcome"] == "errored")  # fmt: skip


def test_a_service_refusing_connections_cannot_start(corpus: Path, tmp_path: Path) -> None:
    # Before: every case was sent and came back "connection refused", one by one.
    import socket

    with socket.socket() as s:  # a port nobody listens on: bound, never listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        with pytest.raises(CannotStart, match=rf"cannot reach http://127.0.0.1:{port}/{{kind}}: connection refused"):
            certify("url", f"http://127.0.0.1:{port}/{{kind}}", corpus, tmp_path, **FAST)


@pytest.mark.parametrize("mode", ["always-valid", "always-invalid", "garbage", "wrong-seq", "wrong-shape"])
def test_no_fake_is_conformant(mode: str, corpus: Path, tmp_path: Path) -> None:
    assert certify("cmd", fake(mode), corpus, tmp_path, **FAST).summary["conformant"] is False


@pytest.mark.slow
def test_closing_stdout_while_still_running_is_a_crash_not_a_hang(corpus: Path, tmp_path: Path) -> None:
    # exec: no shell between, so nothing else holds the pipe open and the runner sees end-of-file.
    run = certify("cmd", "exec " + fake("close-stdout"), corpus, tmp_path, timeout=0.5, start_timeout=2.0,
                  max_restarts=1)  # fmt: skip
    crashed = [r for r in run.results if r["outcome"] == "crash"]
    assert len(crashed) == 1 and crashed[0]["message"] == "the implementation closed its stdout"
    assert set(run.counts()) == {"crash", "not-run"}


def test_an_in_process_function_calling_sys_exit_does_not_end_the_suite() -> None:
    from conformance.transports import InProcess

    def bad(kind: str, text: str) -> bool:
        raise SystemExit(3)

    reply = InProcess(bad).validate("job", b"{}")
    assert (reply.status, reply.message) == ("crash", "the function called sys.exit(3)")
