"""The HTTP transport's options: headers reach the service, --wrap sends the document byte for byte."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
import waitress

from conformance.transports import Http, TransportOptions

SEEN: list[tuple[str, bytes]] = []


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """401 without the right token; otherwise 200, remembering the body it was sent."""
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    if environ.get("HTTP_AUTHORIZATION") != "Bearer s3cret":
        start_response("401 Unauthorized", [("Content-Length", "0")])
        return [b""]
    SEEN.append((environ["PATH_INFO"], body))
    start_response("200 OK", [("Content-Length", "0")])
    return [b""]


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    server = waitress.create_server(app, host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


def test_headers_are_sent_and_a_401_is_errored(url: str) -> None:
    bare = Http(url + "/{kind}", TransportOptions(timeout=2))
    reply = bare.validate("job", b"{}")
    assert reply.status == "errored" and reply.message.startswith("HTTP 401 Unauthorized")
    authed = Http(url + "/{kind}", TransportOptions(timeout=2, headers=(("Authorization", "Bearer s3cret"),)))
    assert authed.validate("worker", b"{}").valid is True
    assert SEEN[-1] == ("/worker", b"{}")


def test_wrap_splices_the_exact_bytes_and_skips_what_is_not_json(url: str) -> None:
    opts = TransportOptions(timeout=2, headers=(("Authorization", "Bearer s3cret"),), wrap="job")
    impl = Http(url + "/api/v1/jobs", opts)
    assert impl.start().kinds == ("job",)
    doc = b'{"a": 1, "a": 2, "n": 123456789012345678901234567890}'
    assert impl.validate("job", doc).status == "ok"
    assert SEEN[-1] == ("/api/v1/jobs", b'{"job":' + doc + b"}")
    skipped = impl.validate("job", b"\xef\xbb\xbf{}")
    assert skipped.status == "skipped" and "byte-order mark" in skipped.message


# --- Misbehaving services: every wait is bounded, every body is evidence, a dead service stops the run -------


def _threads() -> set[str]:
    return {t.name for t in threading.enumerate()}


@pytest.mark.slow
def test_a_trickling_response_is_a_timeout_of_the_whole_request() -> None:
    from .fakes import http_trickle

    before = _threads()
    with http_trickle.server() as fake:
        impl = Http(fake.url + "/{kind}", TransportOptions(timeout=0.5))
        impl.start()
        try:
            # Each byte comes 0.1 s after the last, well within a 0.5 s read; the whole answer takes 8 s.
            reply = impl.validate("job", b"{}")
        finally:
            impl.close()
    assert reply.status == "timeout"
    assert reply.message == (
        f"no complete response from {fake.url}/job within 0.5 s (the whole request: connect, send, headers, body)"
    )
    assert _threads() <= before  # the transport's watchdog ended with close()


@pytest.mark.slow
def test_a_service_that_never_answers_is_a_timeout_and_the_next_request_reconnects() -> None:
    from .fakes import http_silent

    with http_silent.server() as fake:
        impl = Http(fake.url + "/{kind}", TransportOptions(timeout=0.5))
        impl.start()
        try:
            first, second = impl.validate("job", b"{}"), impl.validate("worker", b"{}")
        finally:
            impl.close()
    assert (first.status, second.status) == ("timeout", "timeout")
    assert second.message.startswith(f"no complete response from {fake.url}/worker within 0.5 s (the whole request")


def test_a_body_nested_100000_deep_is_evidence_not_a_recursion_error() -> None:
    from .fakes import http_deep

    with http_deep.server() as fake:
        impl = Http(fake.url + "/{kind}", TransportOptions(timeout=5))
        impl.start()
        try:
            reply = impl.validate("job", b"{}")
        finally:
            impl.close()
    # The verdict is the status's (422: invalid); the body is unusable, and the reply says why.
    assert (reply.status, reply.valid, reply.errors) == ("ok", False, ())
    assert reply.message.startswith("the response body is not usable as evidence: nested more than")
    assert "[[[[" in reply.message and len(reply.message) < 1000


def _refused_port() -> tuple[Any, int]:
    """A loopback port that refuses connections (bound, never listening) for as long as the socket lives."""
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s, s.getsockname()[1]


def test_start_fails_on_a_service_that_refuses_connections() -> None:
    from conformance.transports import CannotStart

    sock, port = _refused_port()
    with sock:
        impl = Http(f"http://127.0.0.1:{port}/{{kind}}", TransportOptions(timeout=0.5))
        with pytest.raises(CannotStart) as err:
            impl.start()
    assert str(err.value) == (
        f"cannot reach http://127.0.0.1:{port}/{{kind}}: connection refused — is the service running and listening "
        "there?"
    )


def test_certify_against_a_dead_service_exits_2_with_one_line(tmp_path: Any) -> None:
    import subprocess
    import sys

    sock, port = _refused_port()
    with sock:
        proc = subprocess.run(
            [sys.executable, "-m", "conformance", "certify", "--url", f"http://127.0.0.1:{port}/{{kind}}", "--fuzz",
             "0", "--timeout", "0.5"],
            capture_output=True, text=True, cwd=tmp_path, timeout=120,
        )  # fmt: skip
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr == (
        f"vmjob certify: error: cannot reach http://127.0.0.1:{port}/{{kind}}: connection refused — is the service "
        "running and listening there?\n"
    )
    assert not list(tmp_path.rglob("*.jsonl"))  # nothing was run


def test_a_service_gone_after_start_is_errored_per_request() -> None:
    from .fakes.http_raw import RawServer

    fake = RawServer(lambda conn, stop: None)
    impl = Http(fake.url + "/{kind}", TransportOptions(timeout=0.5))
    try:
        impl.start()  # it listens: the run starts
        fake.close()  # and then it is gone: each request says so, and the run goes on
        reply = impl.validate("job", b"{}")
    finally:
        impl.close()
        fake.close()
    assert reply.status == "errored"
    assert reply.message == (
        f"connection refused by 127.0.0.1:{fake.port} ({fake.url}/job): is the service running and listening there?"
    )
