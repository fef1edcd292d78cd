"""The progress line: drawn on a terminal only, rewritten in place, rate-limited by a clock it is given."""

from __future__ import annotations

import io
import time

from conformance.reports.progress import CHECK_EVERY, Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now


def result(outcome: str) -> dict[str, str]:
    return {"type": "result", "outcome": outcome}


def test_quiet_when_the_stream_is_not_a_terminal() -> None:
    out = io.StringIO()
    with Progress(10, out) as progress:
        for _ in range(10):
            progress.update(result("fail"))
    assert out.getvalue() == ""
    assert progress.failed == 10  # it still counts


def test_draws_done_total_and_failures_on_one_rewritten_line() -> None:
    out, clock = Terminal(), Clock()
    progress = Progress(712, out, clock=clock)
    for outcome in ["pass"] * 300 + ["fail"] * 2 + ["crash", "timeout", "skip"]:
        progress.update(result(outcome))
    progress.update({"type": "finding"})
    progress.close()
    text = out.getvalue()
    last = "vmjob: corpus 305/712 cases ( 42%) · 2 failed · 2 crashed, timed out or errored · 1 fuzz finding"
    assert text.endswith("\r" + last + "\n")
    assert text.count("\n") == 1  # one line, rewritten with carriage returns
    assert text.startswith("\rvmjob: corpus   1/712 cases (  0%) · 0 failed")


def test_rate_limited_redraws_need_time_to_pass() -> None:
    out, clock = Terminal(), Clock()
    progress = Progress(100_000, out, clock=clock)
    for _ in range(10_000):
        progress.update(result("pass"))
    assert out.getvalue().count("\r") == 1  # the clock stood still: only the first update drew
    assert clock.reads <= 10_000 // CHECK_EVERY + 1  # and the clock is read rarely
    clock.now += 0.2
    for _ in range(CHECK_EVERY):
        progress.update(result("pass"))
    assert out.getvalue().count("\r") == 2
    drawn = int(out.getvalue().rsplit("\r", 1)[1].split("/")[0].split()[-1])
    assert 10_000 < drawn <= 10_000 + CHECK_EVERY


def test_a_shorter_line_blanks_what_the_longer_one_left() -> None:
    out, clock = Terminal(), Clock()
    progress = Progress(10, out, clock=clock)
    progress.findings = 3
    progress._draw()
    long = len(progress.line())
    progress.findings = 0
    progress._draw()
    last = out.getvalue().rsplit("\r", 1)[1]
    assert len(last) == long and last.rstrip() == progress.line()


def test_a_closed_terminal_does_not_stop_the_run() -> None:
    out = Terminal()
    progress = Progress(10, out)
    out.close()
    progress.update(result("pass"))
    progress.close()
    assert progress.done == 1 and not progress.enabled


def test_the_fuzz_phase_is_named_with_its_documents_findings_and_seconds() -> None:
    out, clock = Terminal(), Clock()
    progress = Progress(3, out, fuzz=1000, clock=clock)
    for _ in range(3):
        progress.update(result("pass"))
    assert progress.phase == "fuzz"
    clock.now += 12
    progress.update({"type": "finding"})
    assert progress.line() == "vmjob: fuzz 1,000 generated documents · 1 finding · 12 s · corpus: 3 cases, 0 failed"
    progress.update({"type": "fuzz-progress", "sent": 202})  # when the runner says how many were sent
    assert progress.line() == (
        "vmjob: fuzz 202/1,000 generated documents ( 20%) · 1 finding · 12 s · corpus: 3 cases, 0 failed"
    )
    progress.close()
    assert out.getvalue().endswith(progress.line() + "\n")


def test_the_fuzz_phase_line_moves_without_records_and_stops_on_close() -> None:
    out = Terminal()
    progress = Progress(1, out, fuzz=10)
    progress.update(result("pass"))
    ticker = progress._ticker
    assert ticker is not None and ticker.is_alive()
    drawn = out.getvalue().count("\r")
    for _ in range(200):  # the ticker redraws on its own; wait for it, up to 10 s
        if out.getvalue().count("\r") > drawn:
            break
        time.sleep(0.05)
    assert out.getvalue().count("\r") > drawn
    progress.close()
    assert not ticker.is_alive()


def test_no_fuzz_phase_without_a_campaign() -> None:
    progress = Progress(1, Terminal())
    progress.update(result("pass"))
    assert progress.phase == "corpus" and progress._ticker is None
    progress.close()
