"""Shared fixtures: a small corpus, the fakes as commands, the reference over HTTP, an in-process certify."""

from __future__ import annotations

import json
import shlex
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conformance.runner import ResultsStream, RunConfig, Runner
from conformance.transports import TransportOptions, open_implementation

from .corpus_builder import write_corpus

FAKES = Path(__file__).parent / "fakes"
PY = shlex.quote(sys.executable)


def fake(mode: str, *args: str) -> str:
    """The shell command running the misbehaving adapter in ``mode``."""
    return " ".join([PY, shlex.quote(str(FAKES / "adapter.py")), mode, *args])


REFERENCE_CMD = f"{PY} -m conformance adapter"


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@dataclass
class Run:
    summary: dict[str, Any]
    records: list[dict[str, Any]]

    @property
    def results(self) -> list[dict[str, Any]]:
        return [r for r in self.records if r["type"] == "result"]

    def outcomes(self) -> dict[str, str]:
        return {r["id"]: r["outcome"] for r in self.results}

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results:
            out[r["outcome"]] = out.get(r["outcome"], 0) + 1
        return out


def certify(
    transport: str, target: str, corpus: Path, tmp_path: Path, *, level: str = "required", **options: Any
) -> Run:
    """The runner in-process against ``target`` over ``transport``; the stream read back."""
    max_fail = options.pop("max_fail", None)
    opts = TransportOptions(**{"timeout": 2.0, "start_timeout": 5.0, **options})
    impl = open_implementation(transport, target, opts)
    impl.start()
    path = tmp_path / f"results-{transport}.jsonl"
    stream = ResultsStream(path)
    try:
        cfg = RunConfig(level=level, corpus=corpus, max_fail=max_fail, transport={"kind": transport, "target": target})
        summary = Runner(impl, cfg, stream).run()
    finally:
        stream.close()
        impl.close()
    # Split on "\n" only: a JSON line may hold U+2028 and other characters str.splitlines() breaks on.
    return Run(summary, [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line])


@pytest.fixture(scope="session")
def http_reference() -> Iterator[str]:
    """``vmjob serve``'s app on a free loopback port, in a thread; yields the base URL."""
    from conformance.commands.serve import create_server

    server = create_server("127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture(scope="session")
def http_500() -> Iterator[str]:
    import waitress

    from .fakes.http_500 import app

    server = waitress.create_server(app, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
