"""The file binding of a worker (the upstream file transport, PROTOCOL.md §4).

The suite writes ``JOBS/<name>.json`` (atomically: a dot-file renamed into place; dot-files are never read).
The worker reads each new job once, removes it, and writes ``RESULTS/<job_id>-result.json`` (also for a
refusal: a ``failed`` result with ``error.phase`` ``validation``) and its progress events as JSON Lines in
``RESULTS/<job_id>-progress.jsonl``; its worker document is ``RESULTS/worker.json``. The file name is
built from the job id by :meth:`Worker.result_name`, which keeps every file inside ``RESULTS``.
"""

from __future__ import annotations

import os
import threading
import traceback
from pathlib import Path
from typing import Any

from .engine import Worker, refuse
from .store import dump


class FileBinding:
    """``worker`` serving the jobs directory ``jobs`` into ``results``, polled every ``poll`` seconds."""

    def __init__(self, worker: Worker, jobs: Path, results: Path, poll: float = 0.02) -> None:
        self.worker, self.jobs, self.results, self.poll = worker, jobs, results, poll
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        worker.listeners.append(self._on)
        self._write(self.results / "worker.json", dump(worker.worker_document()) + "\n")

    def _write(self, path: Path, text: str, append: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            if append:
                with path.open("a", encoding="utf-8") as fh:
                    fh.write(text)
                return
            tmp = path.parent / f".{path.name}.tmp"
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)

    def _on(self, what: str, job_id: str, doc: dict[str, Any]) -> None:
        name = self.worker.result_name(job_id)
        if what == "result":
            self._write(self.results / f"{name}-result.json", dump(doc) + "\n")
        else:
            self._write(self.results / f"{name}-progress.jsonl", dump(doc) + "\n", True)

    def step(self) -> int:
        """Read every new job once; the number read."""
        try:
            names = sorted(e.name for e in os.scandir(self.jobs) if e.name.endswith(".json") and e.is_file())
        except FileNotFoundError:
            return 0
        n = 0
        for name in names:
            if name.startswith(".") or name in self._seen:
                continue
            self._seen.add(name)
            path = self.jobs / name
            try:
                data = path.read_bytes()
                path.unlink()
            except OSError:
                continue
            n += 1
            try:
                self.handle(data, name[: -len(".json")])
            except Exception:  # a bug must not stop the worker: the job is reported, the next one read
                if self.worker.log_errors:
                    traceback.print_exc()
                stem = name[: -len(".json")]
                self._on(
                    "result",
                    stem,
                    self.worker.refusal_result(
                        refuse(500, "INTERNAL_ERROR", "the worker failed while reading this job"), stem
                    ),
                )
        return n

    def handle(self, data: bytes, stem: str) -> None:
        sub = self.worker.submit(data)
        job_id = sub.job_id or stem
        if not sub.accepted:
            # A job id used before keeps its result: the refusal is written under the job file's name.
            self._on("result", stem if sub.code == "JOB_EXISTS" else job_id, self.worker.refusal_result(sub, job_id))
        elif sub.duplicate_of:
            first = self.worker.result(job_id)
            if first is not None:
                self._on("result", job_id, first)

    def serve(self, stop: threading.Event) -> None:
        """Poll until ``stop`` is set."""
        while not stop.is_set():
            if not self.step():
                stop.wait(self.poll)
