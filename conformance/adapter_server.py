"""The implementation side of the persistent adapter protocol (ADAPTER.md section 1), for Python code.

``vmjob adapter`` serves the reference through it, and the tests' mutant implementations serve themselves
through it, exactly as a real implementation in another language would speak the protocol.
"""

from __future__ import annotations

import base64
import binascii
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

PROTOCOL = 1

ValidateFn = Callable[[str, bytes], dict[str, Any]]
RoundtripFn = Callable[[str, bytes], str]
MatchFn = Callable[[list[str], list[str]], tuple[bool, list[str]]]


@dataclass
class Handler:
    """What an implementation answers; ``validate`` returns a ``validate`` reply without its ``seq``."""

    name: str
    version: str
    validate: ValidateFn
    roundtrip: RoundtripFn | None = None
    match: MatchFn | None = None
    language: str = "python"
    homepage: str | None = None
    kinds: list[str] = field(default_factory=lambda: ["job", "result", "progress", "worker"])
    classes: list[str] = field(default_factory=list)

    def start_reply(self) -> dict[str, Any]:
        impl: dict[str, Any] = {"name": self.name, "version": self.version, "language": self.language}
        if self.homepage:
            impl["homepage"] = self.homepage
        classes = self.classes or ["core", "payload", "result", "progress", "worker"] + (
            ["capabilities"] if self.match else []
        ) + (["roundtrip"] if self.roundtrip else [])
        return {"protocol": PROTOCOL, "implementation": impl, "kinds": self.kinds, "classes": classes}


def _document(request: dict[str, Any]) -> bytes:
    if "document_base64" in request:
        return base64.b64decode(request["document_base64"], validate=True)
    doc = request["document"]
    if not isinstance(doc, str):
        raise TypeError("'document' must be a string holding the document's JSON text")
    return doc.encode("utf-8", "surrogatepass")


def handle(handler: Handler, request: dict[str, Any]) -> dict[str, Any] | None:
    """The reply to one request, or None for ``stop``."""
    cmd = request.get("cmd")
    if cmd == "stop":
        return None
    if cmd == "start":
        return handler.start_reply()
    seq = request.get("seq")
    try:
        if cmd == "validate":
            return {"seq": seq, **handler.validate(request["kind"], _document(request))}
        if cmd == "roundtrip" and handler.roundtrip is not None:
            return {"seq": seq, "document": handler.roundtrip(request["kind"], _document(request))}
        if cmd == "match" and handler.match is not None:
            ok, missing = handler.match(list(request["required"]), list(request["available"]))
            return {"seq": seq, "ok": ok, "missing": missing}
    except (KeyError, TypeError, ValueError, binascii.Error) as err:
        return {"seq": seq, "errored": True, "message": f"bad {cmd} request: {type(err).__name__}: {err}"}
    return {"seq": seq, "skipped": True, "reason": f"command {cmd!r} is not supported"}


def serve(handler: Handler, stdin: IO[bytes] | None = None, stdout: IO[bytes] | None = None) -> int:
    """Answer requests line by line until ``stop`` or end of input; returns the exit status."""
    inp = stdin or sys.stdin.buffer
    out = stdout or sys.stdout.buffer
    for line in inp:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("a request must be a JSON object")
        except ValueError as err:
            reply: dict[str, Any] | None = {"seq": None, "errored": True, "message": f"unreadable request: {err}"}
        else:
            reply = handle(handler, request)
            if reply is None:
                return 0
        out.write(json.dumps(reply, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n")
        out.flush()
    return 0
