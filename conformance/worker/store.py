"""What a worker has promised, kept in SQLite (standard library) so that a restart keeps the promises.

Two tables: ``jobs`` (every job accepted: its state, its result and progress events, as JSON text) and
``keys`` (every idempotency key: the job that holds it, and whether that job is still running). Claiming
a key is one transaction, so two submissions with one key cannot both be the first.

Documents are written with :func:`reference.dumps` and read back with :func:`reference.parse`: a result
holds the job's own values (an integer of any length, a literal beyond a double), and they come back
exactly as they came, where ``json`` refuses an integer past 4,300 digits.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from pathlib import Path
from typing import Any, Literal

import reference

Claim = Literal["first", "running", "done"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    result TEXT,
    progress TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS keys (
    key TEXT PRIMARY KEY,
    job_id TEXT NOT NULL,
    running INTEGER NOT NULL
);
"""


_SURROGATE = re.compile("[\ud800-\udfff]")


def dump(value: Any) -> str:
    """``value`` as JSON text SQLite can keep: :func:`reference.dumps`, a lone surrogate (in a name the
    worker made from a file name; a parsed job holds none) written as its escape."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", reference.dumps(value))


def load(text: str) -> Any:
    """What :func:`dump` wrote: read by :func:`reference.parse` (exact numbers); what it refuses (only a
    lone surrogate's escape) by ``json``."""
    value, faults = reference.parse(text)
    return json.loads(text, parse_int=reference.parse_int, parse_float=reference.parse_float) if faults else value


class Store:
    """The worker's durable state at ``path`` (created if absent); thread-safe (one connection, one lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def interrupted(self) -> list[str]:
        """The jobs a previous run left running (it stopped or crashed): the caller finishes them."""
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT job_id FROM jobs WHERE state = 'running'")]

    def known(self, job_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM jobs WHERE job_id = ?", (job_id,)).fetchone() is not None

    def claim(self, key: str, job_id: str) -> tuple[Claim, str]:
        """Claim ``key`` for ``job_id``: ``("first", job_id)``, or the holder's state and id."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute("SELECT job_id, running FROM keys WHERE key = ?", (key,)).fetchone()
                if row is None:
                    self._db.execute("INSERT INTO keys VALUES (?, ?, 1)", (key, job_id))
                    self._db.execute("COMMIT")
                    return "first", job_id
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return ("running" if row[1] else "done"), str(row[0])

    def release(self, key: str, job_id: str) -> None:
        """``job_id`` (holding ``key``) finished: later jobs with the key get its result."""
        with self._lock:
            self._db.execute("UPDATE keys SET running = 0 WHERE key = ? AND job_id = ?", (key, job_id))

    def start(self, job_id: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO jobs (job_id, state) VALUES (?, 'running')", (job_id,))

    def progress(self, job_id: str, event: dict[str, Any]) -> None:
        with self._lock:
            row = self._db.execute("SELECT progress FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
            events = load(row[0]) if row else []
            events.append(event)
            self._db.execute("UPDATE jobs SET progress = ? WHERE job_id = ?", (dump(events), job_id))

    def finish(self, job_id: str, result: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO jobs (job_id, state, result) VALUES (?, 'done', ?) "
                "ON CONFLICT(job_id) DO UPDATE SET state = 'done', result = excluded.result",
                (job_id, dump(result)),
            )

    def state(self, job_id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT state FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return str(row[0]) if row else None

    def result(self, job_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT result FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return load(row[0]) if row and row[0] else None

    def events(self, job_id: str) -> list[dict[str, Any]]:
        with self._lock:
            row = self._db.execute("SELECT progress FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return list(load(row[0])) if row else []

    def keys_of(self, job_id: str) -> list[str]:
        with self._lock:
            return [r[0] for r in self._db.execute("SELECT key FROM keys WHERE job_id = ? AND running = 1", (job_id,))]
