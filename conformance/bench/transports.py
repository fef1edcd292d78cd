"""Bench part ``transports``: cases per second through each transport, against the reference and against a
trivial implementation that answers without parsing (the harness's own overhead), in one run.

Targets (issue 4): persistent >= 10,000 cases/s against the trivial implementation; persistent >= 30x
one-shot against the same reference; certifying the reference on the whole corpus (corpus only: the
default certification also fuzzes, timed in its own rows) over ``--cmd 'vmjob adapter'`` under 3 s end
to end; peak memory flat as the corpus grows (a --quiet run at 1x and 8x). Issue 14's rows
(:mod:`.scale`): the default certification over one worker and two, shards merged against the single run.
"""

from __future__ import annotations

import itertools
import json
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..corpus import default_root, iter_cases
from ..transports import TransportOptions, open_implementation
from . import scale
from .row import BenchRow

PART = "transports"
PY = shlex.quote(sys.executable)
REFERENCE_CMD = f"{PY} -m conformance adapter"
TRIVIAL_CMD = f"{PY} -m conformance.trivial_impl"
REFERENCE_ONE_SHOT = f"{PY} -m conformance.reference_impl {{kind}}"
TRIVIAL_ONE_SHOT = f"{PY} -m conformance.trivial_impl --one-shot"


def _documents(n: int) -> list[tuple[str, bytes]]:
    """``n`` validate documents, cycling through the corpus (a fixed job when the corpus is empty)."""
    docs = [(c.kind, c.data) for c in iter_cases() if c.mode == "validate" and c.data is not None]
    if not docs:
        docs = [("job", b'{"version":"1.0","job_id":"job-00000001","kind":"VMOperation"}')]
    return [(k, d) for k, d in itertools.islice(itertools.cycle(docs), n)]


def _rate(transport: str, target: str, docs: list[tuple[str, bytes]]) -> float:
    impl = open_implementation(transport, target, TransportOptions(timeout=30, start_timeout=30))
    impl.start()
    try:
        t0 = time.perf_counter()
        faults = sum(1 for r in impl.validate_many(docs) if r.status != "ok")
        elapsed = time.perf_counter() - t0
    finally:
        impl.close()
    if faults:
        raise RuntimeError(f"{transport} {target}: {faults} of {len(docs)} requests were faults while benchmarking")
    return len(docs) / elapsed


@contextmanager
def _server(argv: list[str]) -> Iterator[str]:
    """An HTTP server subprocess that prints ``... listening on URL``; yields the URL. Its stderr (an access
    log, the line it prints when stopped) goes to a file, shown only when it does not start, so that the bench's
    table is all the bench prints."""
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, text=True, start_new_session=True)
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if "listening on " not in line:
                err.seek(0)
                said = err.read()[-500:]
                raise RuntimeError(f"{argv}: expected 'listening on URL', got {line!r}; stderr: {said!r}")
            yield line.rsplit(" ", 1)[-1].strip()
        finally:
            proc.terminate()
            proc.wait(5)


def _trivial_fn(kind: str, text: str) -> bool:
    return True


def _certify(args: list[str]) -> tuple[float, int, int]:
    """Wall time, exit status and peak RSS (KiB) of ``vmjob certify ARGS`` in a fresh process."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
        "print(time.perf_counter() - t, rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "conformance", "certify", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


def _scaled_corpus(root: Path, copies: int) -> Path:
    """The shipped corpus ``copies`` times over (ids suffixed), under ``root``: more files, not bigger ones,
    as a corpus grows (a corpus file is read whole, so its own size is the one thing that is not streamed)."""
    src = default_root()
    for path in sorted(src.rglob("*.json")):
        rel = path.relative_to(src)
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if not isinstance(body, dict) or not isinstance(body.get("cases"), list):
            continue
        for n in range(copies):
            cases = [dict(c, id=f"{c['id']}-x{n}") for c in body["cases"]]
            out = root / f"copy{n}" / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps({"description": body.get("description", ""), "cases": cases})
            out.write_text(text, encoding="utf-8")
    return root


def run(quick: bool) -> list[BenchRow]:
    rows: list[BenchRow] = []
    n_fast = 3_000 if quick else 20_000
    n_http = 300 if quick else 2_000
    n_slow = 8 if quick else 30
    fast, http_docs, slow = _documents(n_fast), _documents(n_http), _documents(n_slow)

    def row(metric: str, value: float, unit: str = "cases/s", target: str = "", met: bool | None = None,
            note: str = "") -> None:  # fmt: skip
        rows.append(BenchRow(PART, metric, value, unit, target, met, note))

    rates: dict[str, float] = {}
    measured: list[tuple[str, str, str, list[tuple[str, bytes]]]] = [
        ("persistent, trivial impl", "cmd", TRIVIAL_CMD, fast),
        ("persistent, reference", "cmd", REFERENCE_CMD, fast),
        ("in-process, trivial impl", "python", "conformance.bench.transports:_trivial_fn", fast),
        ("in-process, reference", "python", "conformance.reference_impl:validate", fast),
        ("one-shot, trivial impl", "one-shot", TRIVIAL_ONE_SHOT, slow),
        ("one-shot, reference", "one-shot", REFERENCE_ONE_SHOT, slow),
    ]
    for metric, transport, target, docs in measured:
        rates[metric] = _rate(transport, target, docs)
    with _server([sys.executable, "-m", "conformance.trivial_impl", "--http", "0"]) as url:
        rates["http, trivial impl"] = _rate("url", url + "/{kind}", http_docs)
    with _server([sys.executable, "-m", "conformance", "serve", "--port", "0"]) as url:
        rates["http, reference"] = _rate("url", url + "/{kind}", http_docs)
    targets: dict[str, tuple[str, Callable[[float], bool]]] = {
        "persistent, trivial impl": (">= 10,000 cases/s", lambda v: v >= 10_000),
    }
    for metric, value in rates.items():
        target, check = targets.get(metric, ("", lambda v: True))
        row(metric, value, target=target, met=check(value) if target else None)
    ratio = rates["persistent, reference"] / rates["one-shot, reference"]
    row("persistent / one-shot, reference", ratio, "x", ">= 30x", ratio >= 30)

    with tempfile.TemporaryDirectory(prefix="vmjob-bench-") as tmp:
        total = sum(1 for _ in iter_cases())
        rows.extend(scale.run(Path(tmp), quick))
        small, big = (1, 4) if quick else (1, 8)
        peaks = {}
        for copies in (small, big):
            corpus = _scaled_corpus(Path(tmp) / f"corpus-{copies}", copies)
            # The corpus streamed and nothing else: one worker, no fuzz campaign.
            quiet = ["--quiet", "--workers", "1", "--fuzz", "0"]
            args = ["--cmd", TRIVIAL_CMD, "--corpus", str(corpus), "--results", f"{tmp}/m{copies}.jsonl", *quiet]
            seconds, rc, peaks[copies] = _certify(args)
            row(f"certify trivial impl, corpus x{copies} (--quiet)", total * copies / seconds, "cases/s",
                note=f"{total * copies:,} cases in {seconds:.2f} s, runner and all")  # fmt: skip
        for copies, kib in peaks.items():
            row(f"peak RSS, corpus x{copies}", kib / 1024, "MiB", "flat", None, f"{total * copies:,} cases")
        growth = peaks[big] / peaks[small]
        row(f"peak RSS x{big} / x{small}", growth, "x", "<= 1.2x (flat)", growth <= 1.2)
    return rows
