"""Hostile implementations: programs that try to earn a certificate without the work, or that merely behave
oddly. Each must be refused certification, whatever it does; ``vmjob selftest`` counts how many are.

They answer the installed corpus exactly as the reference does (so the corpus alone cannot tell them from
it) and misbehave on anything else: the documents the fuzzer generates. Each is served over the persistent
adapter protocol by ``python -m conformance.zoo NAME`` with its own small loop (a Handler could not send a
reply nested 100,000 deep, or decline at will).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import reference

#: What a member does with one validate request it does not leave to the reference: a reply line, or None
#: for the reference's own reply. Arguments: the request, the document bytes, whether the document is one
#: of the corpus's, and how many validate requests came before.
Act = Callable[[dict[str, Any], bytes, bool, int], "bytes | None"]

ALL_CLASSES = ["core", "payload", "result", "progress", "worker", "capabilities", "roundtrip"]


#: What a member makes of the reference's reply to ``start`` (the reply, whether this process is a worker
#: process of a run over several, ``--workers``): the reply it sends.
Start = Callable[[dict[str, Any], bool], dict[str, Any]]


@dataclass(frozen=True)
class Hostile:
    name: str
    description: str
    act: Act
    #: The certification level at which it must be refused.
    level: str = "required"
    #: Its reply to ``start``, when not the reference's.
    start: Start | None = None
    #: Workers it is certified with (``vmjob certify --workers``): a member that behaves otherwise in a
    #: worker process than in the first is certified over two.
    workers: int = 1


def _line(obj: dict[str, Any]) -> bytes:
    return json.dumps(obj).encode() + b"\n"


def _crash(req: dict[str, Any], data: bytes, known: bool, n: int) -> bytes | None:
    if not known:
        os._exit(3)
    return None


def _hang(req: dict[str, Any], data: bytes, known: bool, n: int) -> bytes | None:
    if not known:
        time.sleep(600)  # the harness gives up long before; bounded so nothing outlives a lost harness for long
    return None


def _crash_sometimes(req: dict[str, Any], data: bytes, known: bool, n: int) -> bytes | None:
    # About one generated document in twelve, chosen by content so a replay crashes the same way.
    if not known and hashlib.sha256(data).digest()[0] < 21:
        os._exit(3)
    return None


def _decline_after_one(req: dict[str, Any], data: bytes, known: bool, n: int) -> bytes | None:
    return None if n == 0 else _line({"seq": req["seq"], "skipped": True, "reason": "not today"})


def _decline_json(req: dict[str, Any], data: bytes, known: bool, n: int) -> bytes | None:
    # Rejects what does not parse (the easy part), declines every document that does.
    if reference.validate(data, req["kind"]).errors and not _parses(data):
        return _line({"seq": req["seq"], "valid": False})
    return _line({"seq": req["seq"], "skipped": True, "reason": "JSON documents are not supported yet"})


def _parses(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, RecursionError):
        return False
    return True


def _decline_generated(req: dict[str, Any], data: bytes, known: bool, n: int) -> bytes | None:
    return None if known else _line({"seq": req["seq"], "skipped": True, "reason": "unfamiliar document"})


def _errored_on_valid(req: dict[str, Any], data: bytes, known: bool, n: int) -> bytes | None:
    if not known and reference.validate(data, req["kind"]).valid:
        return _line({"seq": req["seq"], "errored": True, "message": "internal error: index out of range"})
    return None


def _deep_reply(req: dict[str, Any], data: bytes, known: bool, n: int) -> bytes | None:
    if known:
        return None
    depth = 100_000
    return b'{"seq": %d, "valid": true, "errors": ' % req["seq"] + b"[" * depth + b"]" * depth + b"}\n"


def _extra_warning(req: dict[str, Any], data: bytes, known: bool, n: int) -> bytes | None:
    # Off by one: warns at a timeout of exactly one day, where the protocol warns only above it.
    try:
        doc = json.loads(data)
        timeout = doc["execution"]["timeout_seconds"]
    except (ValueError, RecursionError, KeyError, TypeError):
        return None
    if type(timeout) is not int or timeout != 86400:
        return None
    result = reference.validate(data, req["kind"])
    warnings = [{"pointer": "/execution/timeout_seconds", "message": "a timeout of a day or more"}]
    return _line({"seq": req["seq"], "valid": result.valid, "warnings": warnings})


def in_worker_process() -> bool:
    """Whether this implementation was started by a worker process of a run over several workers (not the
    first implementation, which the coordinator starts itself): one of its near ancestors is
    ``python -m conformance.parallel``. Linux only (``/proc``); elsewhere always False."""
    pid = os.getppid()
    for _ in range(4):  # the shell the transport runs a command through, the worker, ...
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if b"conformance.parallel" in fh.read():
                    return True
            with open(f"/proc/{pid}/stat", "rb") as fh:
                pid = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            return False
        if pid <= 1:
            return False
    return False


def _core_only_in_workers(reply: dict[str, Any], worker: bool) -> dict[str, Any]:
    # The first process claims everything; the others claim job documents of class core only, so every
    # other case dealt to them would be "outside the claim" if a worker judged by its own start reply.
    if worker:
        reply["kinds"], reply["classes"] = ["job"], ["core"]
    return reply


def _narrower_in_workers(req: dict[str, Any], data: bytes, known: bool, n: int) -> bytes | None:
    # Slow in the first process (2 ms a document), so the worker processes are dealt corpus spans too; in
    # those, says "valid" to every document of a kind it claims there not to read (result, progress, worker).
    if not in_worker_process():
        time.sleep(0.002)
        return None
    return _line({"seq": req["seq"], "valid": True}) if req.get("kind") != "job" else None


def _narrower_fuzz_in_workers(req: dict[str, Any], data: bytes, known: bool, n: int) -> bytes | None:
    # Answers the corpus exactly (slowly in the first process, so a worker process takes the fuzz slice),
    # and says "valid" to every generated document of a kind other than job, in every process: a worker
    # process claims job documents of class core alone, so a slice there would never send it one.
    if not in_worker_process() and known:
        time.sleep(0.002)
    return None if known or req.get("kind") == "job" else _line({"seq": req["seq"], "valid": True})


def _crash_in_workers(req: dict[str, Any], data: bytes, known: bool, n: int) -> bytes | None:
    # Exits on every document in a worker process; the first process answers as the reference.
    if in_worker_process():
        os._exit(3)
    time.sleep(0.002)  # slow in the first process, so the worker processes are dealt work
    return None


HOSTILE: dict[str, Hostile] = {
    h.name: h
    for h in (
        Hostile("crash-on-generated", "answers the corpus exactly, exits on every generated document", _crash),
        Hostile("hang-on-generated", "answers the corpus exactly, never answers a generated document", _hang),
        Hostile(
            "crash-sometimes", "answers the corpus exactly, exits on about 8% of generated documents", _crash_sometimes
        ),  # fmt: skip
        Hostile(
            "decline-after-one",
            "claims every class, answers one request and declines all the others",
            _decline_after_one,
        ),  # fmt: skip
        Hostile("decline-json", "rejects text that is not JSON and declines every JSON document", _decline_json),
        Hostile(
            "decline-generated", "answers the corpus exactly, declines every generated document", _decline_generated
        ),  # fmt: skip
        Hostile(
            "errored-on-valid",
            "answers the corpus exactly, answers 'errored' to valid generated documents",
            _errored_on_valid,
        ),  # fmt: skip
        Hostile(
            "deep-reply", "answers the corpus exactly, replies nested 100,000 deep to generated documents", _deep_reply
        ),  # fmt: skip
        Hostile(
            "narrower-in-workers",
            "claims everything in the first process, job documents of class core only in the other workers, "
            "where it says 'valid' to every other kind",
            _narrower_in_workers,
            start=_core_only_in_workers,
            workers=2,
        ),  # fmt: skip
        Hostile(
            "narrower-fuzz-in-workers",
            "answers the corpus exactly, says 'valid' to every generated result, progress and worker document; "
            "claims job documents of class core only in the other workers",
            _narrower_fuzz_in_workers,
            start=_core_only_in_workers,
            workers=2,
        ),  # fmt: skip
        Hostile(
            "crash-in-workers",
            "answers as the reference in the first process, exits on every document in the other workers",
            _crash_in_workers,
            workers=2,
        ),  # fmt: skip
        Hostile(
            "extra-warning",
            "warns at a timeout of exactly one day, where the reference gives no warning",
            _extra_warning,
            level="recommended",
        ),  # fmt: skip
    )
}


#: Generated documents sent to each hostile member: enough for every one of them to show itself.
HOSTILE_FUZZ = 1000
#: Seconds per request: a member that hangs costs this much per restart.
HOSTILE_TIMEOUT = 1.0


def certify(
    member: Hostile,
    corpus: Path | None = None,
    seed: int = 1,
    fuzz: int = HOSTILE_FUZZ,
    timeout: float = HOSTILE_TIMEOUT,
    stream: Path | None = None,
) -> dict[str, Any]:
    """Certify ``member`` as ``vmjob certify --cmd`` does, at its level; the run's summary (``conformant``
    must be False, and ``incomplete`` / ``blocking`` say why); the results go to ``stream`` if given."""
    from ..parallel import ParallelRunner
    from ..runner import ResultsStream, RunConfig, Runner
    from ..transports import Persistent, TransportOptions
    from .score import command

    options = TransportOptions(timeout=timeout)
    config = RunConfig(
        level=member.level,
        seed=seed,
        fuzz=fuzz,
        timeout=timeout,
        corpus=corpus,
        transport={"kind": "cmd", "target": command(member.name)},
        options=options,
    )
    with tempfile.TemporaryDirectory(prefix="vmjob-hostile-") as tmp:
        results = ResultsStream(stream or Path(tmp) / "results.jsonl")
        impl = Persistent(command(member.name), options)
        try:
            impl.start()
            if member.workers > 1:
                return ParallelRunner(impl, config, results, workers=member.workers).run()
            return Runner(impl, config, results).run()
        finally:
            impl.close()
            results.close()


def serve(member: Hostile, stdin: IO[bytes] | None = None, stdout: IO[bytes] | None = None) -> int:
    """Answer requests as the reference would, but for what ``member`` does; returns the exit status."""
    from ..adapter_server import _document, handle
    from ..corpus import load_corpus
    from ..reference_impl import handler

    inp, out = stdin or sys.stdin.buffer, stdout or sys.stdout.buffer
    ref = handler()
    known = {c.data for c in load_corpus() if c.data is not None}
    validated = 0
    for raw in inp:
        request = json.loads(raw)
        cmd = request.get("cmd")
        if cmd == "stop":
            return 0
        line: bytes | None = None
        if cmd == "start":
            start = ref.start_reply()
            start["implementation"] = {"name": f"hostile:{member.name}", "version": "0", "language": "python"}
            if member.start is not None:
                start = member.start(start, in_worker_process())
            line = _line(start)
        elif cmd == "validate":
            data = _document(request)
            line = member.act(request, data, data in known, validated)
            validated += 1
        elif member.act is _decline_after_one:
            line = _line({"seq": request.get("seq"), "skipped": True, "reason": "not today"})
        if line is None:
            reply = handle(ref, request)
            line = _line(reply) if reply is not None else b""
        out.write(line)
        out.flush()
    return 0
