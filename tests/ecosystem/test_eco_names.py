"""Names for every transport: ``--name/--version/--language`` for HTTP, one-shot and in-process, and the
HTTP service's own description on ``GET`` (``vmjob serve`` gives one)."""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ._cli import VMJOB, vmjob

WRONG = {"PYTHONPATH": str(Path(__file__).parent)}
#: Seven cases: enough to see the names, quick over every transport (one-shot costs a process a case).
RULE = ("--rule", "worker.hostname")
NAMES = ("--name", "my-validator", "--version", "2.1.0", "--language", "rust")


def _certify(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    report = tmp_path / "r.json"
    report.unlink(missing_ok=True)
    done = vmjob("certify", *args, *RULE, "--results", str(tmp_path / f"r{len(list(tmp_path.iterdir()))}.jsonl"),
                 "--json", str(report), cwd=tmp_path, env=WRONG)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return done, json.loads(report.read_text())


@pytest.mark.slow
def test_in_process_named(tmp_path: Path) -> None:
    done, report = _certify(tmp_path, "--python", "_wrong:reference", *NAMES)
    impl = report["implementation"]
    assert isinstance(impl, dict)
    assert (impl["name"], impl["version"], impl["language"]) == ("my-validator", "2.1.0", "rust")
    assert done.stdout.startswith("my-validator 2.1.0 (rust) over python '_wrong:reference'\n")
    _, plain = _certify(tmp_path, "--python", "_wrong:reference")
    assert plain["implementation"]["name"] == "_wrong:reference"  # type: ignore[index]


@pytest.mark.slow
def test_one_shot_named(tmp_path: Path) -> None:
    command = f"{shlex.join(VMJOB)} validate --kind {{kind}} -"
    done, report = _certify(tmp_path, "--one-shot", command, *NAMES)
    assert done.stdout.splitlines()[0] == f"my-validator 2.1.0 (rust) over one-shot '{command}'"
    _, plain = _certify(tmp_path, "--one-shot", command)
    assert plain["implementation"]["name"] == command  # type: ignore[index]
    assert plain["implementation"]["version"] == "unknown"  # type: ignore[index]


@pytest.fixture()
def served() -> Iterator[str]:
    proc = subprocess.Popen([*VMJOB, "serve", "--port", "0"], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        port = re.search(r":(\d+)$", line.strip())
        assert port, line
        yield f"http://127.0.0.1:{port.group(1)}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@pytest.mark.slow
def test_http_names_itself_on_get_and_the_options_win(tmp_path: Path, served: str) -> None:
    from conformance import __version__

    done, report = _certify(tmp_path, "--url", served + "/{kind}")
    impl = report["implementation"]
    assert isinstance(impl, dict)
    assert (impl["name"], impl["version"], impl["language"]) == ("vmjob-reference", __version__, "python")
    assert done.stdout.startswith(f"vmjob-reference {__version__} (python) over url")
    _, named = _certify(tmp_path, "--url", served + "/{kind}", "--name", "my-service")
    assert named["implementation"]["name"] == "my-service"  # type: ignore[index]
    assert named["implementation"]["language"] == "python"  # type: ignore[index]  # the rest from the service


def test_http_without_a_description_is_named_by_its_url(tmp_path: Path) -> None:
    """A service that answers GET with something else (here: a 404 page) keeps the URL as its name."""
    from conformance.transports import Http, TransportOptions

    server = subprocess.Popen([sys.executable, "-c", _NOT_DESCRIBED], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        http = Http(f"http://127.0.0.1:{port}/{{kind}}", TransportOptions(timeout=5))
        try:
            assert http.describe() == {}
            info = http.start()
            assert (info.name, info.version) == (f"http://127.0.0.1:{port}/{{kind}}", "unknown")
        finally:
            http.close()
    finally:
        server.kill()
        server.wait(timeout=30)


_NOT_DESCRIBED = """
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(404); self.send_header("Content-Length", "9"); self.end_headers()
        self.wfile.write(b"not found")
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"""


def test_names_are_refused_for_an_implementation_that_names_itself(tmp_path: Path) -> None:
    done = vmjob("certify", "--cmd", "true", "--name", "x", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        "vmjob certify: error: --name: a --cmd implementation names itself in its reply to start (ADAPTER.md 1)\n"
    )
