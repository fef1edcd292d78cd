"""The certifier (``conformance/behaviour``) reads a worker's answers with their numbers exact.

An echo of a 5,000-digit integer, of ``1e400`` and of data nested to the protocol's depth limit is read over
every binding and judged echoed (a pass), and an echo that changes one digit, or writes ``1e401`` for
``1e400`` (the same infinite float), is judged not echoed (a fail); neither is a crash of the certifier.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

import reference
from conformance.behaviour import bindings
from conformance.behaviour.judge import same_value
from conformance.behaviour.scenarios import Context, Job, expect_run
from conformance.worker.engine import Worker
from conformance.worker.files import FileBinding
from conformance.worker.http import create_server
from tests.worker.conftest import PYTHON
from tests.worker.test_worker_exact_numbers import BIG, _job


class Rewrites(Worker):
    """A worker whose echo rewrites one literal of the data's text (``old`` → ``new``)."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__()
        self.old, self.new = old, new

    def result_doc(self, job: dict[str, Any], status: str, started: float, data: Any = None, error: Any = None) -> Any:
        if data is not None:
            data = reference.parse(reference.dumps(data).replace(self.old, self.new, 1))[0]
        return super().result_doc(job, status, started, data, error)


@contextmanager
def _reached(name: str, worker: Worker, tmp_path: Path) -> Iterator[bindings.Binding]:
    """The certifier's binding ``name`` reaching ``worker`` (served in this process; the adapter's is the
    reference worker as a process)."""
    if name == "cmd":
        binding = bindings.CmdBinding(f"{PYTHON} -m conformance worker serve --adapter")
        try:
            yield binding
            assert "Traceback" not in binding.stderr, binding.stderr[-2000:]
        finally:
            binding.close()
        return
    stop = threading.Event()
    if name == "http":
        server = create_server(worker)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            yield bindings.HttpBinding(f"http://127.0.0.1:{server.effective_port}")
        finally:
            server.close()
            thread.join(5)
        return
    jobs, results = tmp_path / "jobs", tmp_path / "results"
    jobs.mkdir()
    serving = FileBinding(worker, jobs, results)
    thread = threading.Thread(target=serving.serve, args=(stop,), daemon=True)
    thread.start()
    try:
        yield bindings.FileBinding(jobs, results)
    finally:
        stop.set()
        thread.join(5)


def _verdicts(name: str, worker: Worker, tmp_path: Path) -> list[Any]:
    with _reached(name, worker, tmp_path) as binding:
        j = Job.of(_job(f"job-certify-{name}", f"key-{name}"))
        assert j.verdict == "valid", j.why
        binding.begin()
        verdicts, got = expect_run(Context(binding, deadline=30.0), j, "t")
        assert got is not None and isinstance(got.result, dict)
        assert isinstance(got.result["data"]["big"], reference.BigNumber)  # read as it was written
        return verdicts


@pytest.mark.slow
@pytest.mark.parametrize("name", ["http", "files", "cmd"])
def test_an_exact_echo_of_huge_numbers_passes_over_every_binding(name: str, tmp_path: Path) -> None:
    worker = Worker()
    try:
        verdicts = _verdicts(name, worker, tmp_path)
    finally:
        worker.close()
    failed = [v for v in verdicts if v.outcome != "pass"]
    assert verdicts and not failed, failed


@pytest.mark.parametrize(
    ("old", "new"),
    [(BIG, BIG[:-1] + "8"), ("1e400", "1e401")],
    ids=["one-digit-of-5000", "1e401-for-1e400"],
)
@pytest.mark.parametrize("name", ["http", "files"])
def test_an_echo_that_changes_a_huge_number_fails(name: str, old: str, new: str, tmp_path: Path) -> None:
    worker = Rewrites(old, new)
    worker.log_errors = False
    try:
        verdicts = _verdicts(name, worker, tmp_path)
    finally:
        worker.close()
    assert [v.message for v in verdicts if v.outcome == "fail"] == ["test.echo's result does not hold the payload data"]


def test_same_value_compares_numbers_exactly() -> None:
    def v(text: str) -> Any:
        return reference.parse(text)[0]

    assert same_value(v(f'{{"a": {BIG}, "b": 1e400}}'), v(f'{{"b": 1e400, "a": {BIG}}}'))
    assert not same_value(v(f"[{BIG}]"), v(f"[{BIG[:-1]}8]"))
    assert not same_value(v("[1e400]"), v("[1e401]"))
    assert not same_value(v("[1]"), v("[true]")) and not same_value(v("[null]"), v("[false]"))
    assert same_value(v("[1]"), v("[1.0]")) and same_value(v("[0.10]"), v("[0.1]"))
    deep = "[" * 120 + "1" + "]" * 120
    assert same_value(v(deep), v(deep)) and not same_value(v(deep), v(deep.replace("1", "2")))


def test_an_answer_nested_past_the_bound_is_refused_in_one_line() -> None:
    with pytest.raises(ValueError, match="nested more than"):
        bindings.read_json(b"[" * 10_000 + b"]" * 10_000)
    assert isinstance(bindings.read_json(f'{{"x": {BIG}}}')["x"], reference.BigNumber)
