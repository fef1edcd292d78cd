"""Red team: hand-written hostile documents (a million brackets deep, million-digit numbers, bad UTF-8, 1 MB
strings, escaped duplicate keys) get the verdicts an attacker does not want, from the reference and from the
reference adapter, in bounded time, never an exception. (The reference's shortcuts are held to its full path
on these same documents in ``tests/reference/test_fast_path_hostile.py``.)"""

from __future__ import annotations

import json
import shlex
import sys
from functools import cache

import pytest

import reference
from conformance.transports import Persistent, TransportOptions

JOB = {"version": "1.0", "job_id": "job-0001", "created_at": "2026-01-15T10:30:00Z", "kind": "VMOperation",
       "operation": "system.health-check", "payload": {"type": "system.health-check.v1", "data": {}}}  # fmt: skip
TEXT = json.dumps(JOB)


def _with(tail: str) -> str:
    """The job with ``tail`` (``, "member": value``) added at its end."""
    return TEXT[:-1] + tail + "}"


@cache
def documents() -> dict[str, bytes]:
    d = {
        "deep-array-1e6": _with(', "metadata": {"x": ' + "[" * 1_000_000 + "]" * 1_000_000 + "}"),
        "unclosed-1e6": "[" * 1_000_000,
        "deep-object-1e5": _with(', "metadata": ' + '{"a":' * 100_000 + "1" + "}" * 100_000),
        "deep-999": _with(', "metadata": {"x": ' + "[" * 999 + "]" * 999 + "}"),
        "deep-escaped": _with(', "metadata": {"x": ' + "[" * 200 + '"\\u00e9"' + "]" * 200 + "}"),
        "int-1e6-digits": _with(', "metadata": {"n": ' + "9" * 1_000_000 + "}"),
        "exponent-huge": _with(', "metadata": {"n": 1e999999999999}'),
        "timeout-5000-digits": _with(', "execution": {"timeout_seconds": ' + "9" * 5000 + "}"),
        "timeout-float": _with(', "execution": {"timeout_seconds": 60.0}'),
        "timeout-exponent": _with(', "execution": {"timeout_seconds": 6E1}'),
        "timeout-1e400": _with(', "execution": {"timeout_seconds": 1e400}'),
        "timeout-minus-zero": _with(', "execution": {"timeout_seconds": -0}'),
        "priority-u64-plus-1": _with(', "execution": {"priority": 18446744073709551617}'),
        "string-1MB": _with(', "metadata": {"s": "' + "x" * 1_000_000 + '"}'),
        "escapes-1MB": _with(', "metadata": {"s": "' + "\\u00e9" * 200_000 + '"}'),
        "job-id-1MB": TEXT.replace("job-0001", "j" * 1_000_000),
        "keys-1e5": _with(', "metadata": {' + ",".join(f'"k{i}": {i}' for i in range(100_000)) + "}"),
        "duplicates-1e5": _with(', "metadata": {' + ",".join('"k": 1' for _ in range(100_000)) + "}"),
        "escaped-duplicate-key": _with(', "job\\u005fid": "x"'),
        "escaped-key": TEXT.replace('"job_id"', '"job\\u005fid"'),
        "lone-surrogate": _with(', "metadata": {"s": "\\ud800"}'),
        "reversed-surrogates": _with(', "metadata": {"s": "\\ude00\\ud83d"}'),
        "non-ascii-digit": TEXT.replace("10:30:00Z", "10:30:0\u0660Z"),
        "trailing-nbsp": TEXT + "\u00a0",
        "two-documents": TEXT + TEXT,
        "whitespace-1MB": " " * 1_000_000 + TEXT,
    }
    out = {name: text.encode("utf-8", "surrogatepass") for name, text in d.items()}
    out.update({
        "invalid-utf8": _with(', "metadata": {"s": "').encode() + b'\xff\xfe\xc0\x80"}}',
        "overlong-utf8": _with(', "metadata": {"s": "').encode() + b'\xc0\xaf"}}',
        "encoded-surrogate": _with(', "metadata": {"s": "').encode() + b'\xed\xa0\x80"}}',
        "utf8-bom": b"\xef\xbb\xbf" + TEXT.encode(),
        "utf16": TEXT.encode("utf-16"),
        "nul-bytes": TEXT.encode() + b"\x00" * 1000,
        "empty": b"",
    })  # fmt: skip
    return out


def test_the_verdicts_are_the_ones_an_attacker_does_not_want() -> None:
    verdicts = {name: reference.validate(data, "job") for name, data in documents().items()}
    must_fail = {"deep-array-1e6": "parse.depth", "unclosed-1e6": "parse.syntax", "deep-object-1e5": "parse.depth",
                 "timeout-5000-digits": "parse.integer.width", "timeout-float": "parse.integer.literal",
                 "timeout-1e400": "parse.integer.literal", "priority-u64-plus-1": "parse.integer.width",
                 "duplicates-1e5": "parse.duplicate-member", "escaped-duplicate-key": "parse.duplicate-member",
                 "lone-surrogate": "parse.encoding", "invalid-utf8": "parse.encoding", "utf8-bom": "parse.encoding",
                 "two-documents": "parse.syntax", "trailing-nbsp": "parse.syntax"}  # fmt: skip
    for name, rule in must_fail.items():
        assert rule in {i.rule for i in verdicts[name].errors}, name
    for name in ("string-1MB", "escapes-1MB", "keys-1e5", "whitespace-1MB", "escaped-key", "int-1e6-digits"):
        assert verdicts[name].valid, name


@pytest.mark.slow
def test_the_reference_adapter_answers_every_one_as_the_reference() -> None:
    impl = Persistent(f"{shlex.quote(sys.executable)} -m conformance adapter", TransportOptions(timeout=30))
    impl.start()
    try:
        for name, data in documents().items():
            reply = impl.validate("job", data)
            assert reply.status == "ok", (name, reply.message)
            assert reply.valid == reference.validate(data, "job").valid, name
    finally:
        impl.close()
