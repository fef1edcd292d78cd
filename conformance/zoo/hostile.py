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


@dataclass(frozen=True)
class Hostile:
    name: str
    description: str
    act: Act
    #: The certification level at which it must be refused.
    level: str = "required"


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
    from ..runner import ResultsStream, RunConfig, Runner
    from ..transports import Persistent, TransportOptions
    from .score import command

    config = RunConfig(
        level=member.level,
        seed=seed,
        fuzz=fuzz,
        timeout=timeout,
        corpus=corpus,
        transport={"kind": "cmd", "target": command(member.name)},
    )
    with tempfile.TemporaryDirectory(prefix="vmjob-hostile-") as tmp:
        results = ResultsStream(stream or Path(tmp) / "results.jsonl")
        impl = Persistent(command(member.name), TransportOptions(timeout=timeout))
        try:
            impl.start()
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
