"""How the suite reaches a worker: the three bindings of PROTOCOL.md §4, one client class each.

A binding submits a job and says what the worker did (:class:`Sent`), fetches a job's result and progress
events, reads the worker's capabilities and, for the file binding, lists what was written outside the
results directory. Everything seen is kept as evidence (one small dict per exchange, bodies cut), for the
report. A worker that cannot be reached, answers garbage or goes silent raises :class:`Fault`, whose
``outcome`` is the record's (``crash``, ``errored``, ``timeout``), never a verdict.
"""

from __future__ import annotations

import base64
import functools
import http.client
import json
import os
import queue
import socket
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jsonschema

import reference

from .. import safejson
from ..transports import _process

#: Characters of a body kept as evidence.
EVIDENCE_TEXT = 1500
#: Seconds between two polls for a result.
POLL = 0.02
#: Bytes read of one HTTP body or one file the worker wrote: more is not an answer (and is not read).
MAX_READ = 16 * 1024 * 1024
#: Nesting allowed in what a worker answers: a result echoes data as deep as a valid job holds (the
#: protocol's limit), inside the binding's envelope (``{"success", "data"}``, ``{"seq", "result"}``).
MAX_ANSWER_DEPTH = reference.MAX_DEPTH + 2


class Fault(Exception):
    """The worker did not answer in its binding's terms: ``outcome`` is ``crash``, ``errored`` or ``timeout``."""

    def __init__(self, outcome: str, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome
        self.message = message


def clip(text: str, limit: int = EVIDENCE_TEXT) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


@dataclass
class Sent:
    """What the worker did with one submission.

    ``verdict``: ``accepted`` (2xx with ``success: true``, ``accepted: true``), ``refused`` (a 4xx,
    ``accepted: false``), ``pending`` (the file binding: the answer is the result file) or ``not-refused``
    (a 2xx saying ``success: false``: a refusal that HTTP reads as a success).
    """

    verdict: str
    #: The refusal's reason as the worker gave it (``{"code", "message"}``), or None.
    reason: dict[str, Any] | None = None
    #: Whether the refusal said why in JSON (``error.code`` and ``error.message`` strings).
    says_why: bool = True
    note: str = ""


@dataclass
class Fetched:
    """A job's result (None: none yet) and progress events, as the worker gave them."""

    result: Any = None
    progress: list[Any] = field(default_factory=list)
    #: The progress events were not a JSON array of objects (what was seen instead).
    progress_problem: str = ""


def read_json(raw: bytes | str) -> Any:
    """One answer of the worker (untrusted text), its numbers exact: read with the reference's number hooks,
    an integer of any length is a :class:`reference.BigNumber` and ``1e400`` a :class:`reference.FloatLiteral`
    (written back as they came by :func:`reference.dumps`), where ``json`` refuses an integer past 4,300
    digits. Bounded as :func:`conformance.safejson.loads` (:class:`~conformance.safejson.JSONBoundError`,
    a :class:`ValueError`, when it is not JSON or nests deeper than :data:`MAX_ANSWER_DEPTH`)."""
    if safejson.depth(raw, MAX_ANSWER_DEPTH) > MAX_ANSWER_DEPTH:
        raise safejson.JSONBoundError(f"nested more than {MAX_ANSWER_DEPTH} levels deep (arrays and objects)")
    try:
        return json.loads(raw, parse_int=reference.parse_int, parse_float=reference.parse_float)
    except RecursionError as err:  # pragma: no cover - the depth check comes first; kept as a last guard
        raise safejson.JSONBoundError(f"nested too deep to parse: {err}") from None
    except ValueError as err:
        raise safejson.JSONBoundError(f"not JSON: {err}") from None


@functools.cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    """The checker of one worker adapter message (``conformance/schemas/NAME.json``: WORKER.md section 3)."""
    text = resources.files("conformance").joinpath("schemas", f"{name}.json").read_text(encoding="utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


def read_regular(path: Path, limit: int = MAX_READ) -> bytes:
    """The bytes of ``path``, a regular file the worker wrote, at most ``limit`` of them. A symbolic link, a
    named pipe or a device raises :class:`OSError` without being followed or read (a pipe no one writes into
    would block for ever, ``/dev/zero`` never ends); so does a file longer than ``limit``."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path.name} is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(f"{path.name} is longer than {limit:,} bytes")
    return data


def says_why(error: Any) -> bool:
    """Whether a refusal's reason says why in JSON: ``code`` and ``message`` strings."""
    return isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str)


class Binding:
    """One worker, reached one way. ``log`` collects the evidence of the calling thread's scenario."""

    name = "binding"

    def __init__(self) -> None:
        self._local = threading.local()

    # evidence, per scenario thread
    def begin(self) -> None:
        self._local.log = []

    def evidence(self) -> list[dict[str, Any]]:
        return list(getattr(self._local, "log", []))

    def note(self, entry: dict[str, Any]) -> None:
        log = getattr(self._local, "log", None)
        if log is not None and len(log) < 24:
            log.append(entry)

    def capabilities(self) -> Any:
        raise NotImplementedError

    def submit(self, data: bytes, tag: str) -> Sent:
        raise NotImplementedError

    def fetch(self, job_id: str, tag: str) -> Fetched:
        raise NotImplementedError

    def wait(self, job_id: str, tag: str, seconds: float, stop: Any = None) -> Fetched:
        """Poll for the result until there is one or ``seconds`` pass (or ``stop()`` is true)."""
        deadline = time.monotonic() + seconds
        while True:
            got = self.fetch(job_id, tag)
            if got.result is not None or time.monotonic() >= deadline or (stop is not None and stop()):
                return got
            time.sleep(POLL)

    def escapes(self, nonce: str) -> list[str] | None:
        """What was written outside the results directory with ``nonce`` in its name; None when the binding
        cannot see a worker's files."""
        return None

    def close(self) -> None:
        pass


class HttpBinding(Binding):
    """The HTTP binding: ``URL`` is the worker's base (``http://host:port``; ``/api/v1`` is appended)."""

    name = "http"

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        super().__init__()
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"--url {url!r}: expected http://HOST[:PORT]")
        self.host, self.port = parts.hostname, parts.port or 80
        self.base = parts.path.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, body: bytes | None = None) -> tuple[int, Any, str]:
        target = f"{self.base}/api/v1{path}"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        # The socket timeout bounds each read, not the answer: a worker that drips its answer a byte at a
        # time would hold the run for as long as it likes. At the deadline the socket is shut down.
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            sock = conn.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

        timer = threading.Timer(self.timeout, expire)
        timer.daemon = True
        timer.start()
        try:
            headers = {"Content-Type": "application/json"} if body is not None else {}
            conn.request(method, target, body=body, headers=headers)
            resp = conn.getresponse()
            raw = resp.read(MAX_READ)
            status = resp.status
            if expired.is_set():
                raise TimeoutError
        except TimeoutError as err:
            raise Fault("timeout", f"{method} {target}: no answer within {self.timeout:g} s") from err
        except (OSError, http.client.HTTPException) as err:
            if expired.is_set():
                raise Fault("timeout", f"{method} {target}: no complete answer within {self.timeout:g} s") from err
            raise Fault("crash", f"{method} {target}: {type(err).__name__}: {err}") from err
        finally:
            timer.cancel()
            conn.close()
        text = raw.decode("utf-8", "replace")
        entry: dict[str, Any] = {"request": f"{method} {target}", "status": status, "body": clip(text)}
        if body is not None:
            entry["sent"] = clip(body.decode("utf-8", "replace"))
        self.note(entry)
        try:
            value = read_json(raw)
        except ValueError:
            value = None
        return status, value, text

    def capabilities(self) -> Any:
        status, value, _ = self._call("GET", "/capabilities")
        return value.get("data") if status == 200 and isinstance(value, dict) else None

    def submit(self, data: bytes, tag: str) -> Sent:
        status, value, text = self._call("POST", "/jobs", b'{"job": ' + data + b"}")
        error = value.get("error") if isinstance(value, dict) else None
        if 400 <= status < 500:
            return Sent("refused", error if isinstance(error, dict) else None, says_why(error), f"HTTP {status}")
        if 200 <= status < 300:
            if isinstance(value, dict) and value.get("success") is True:
                return Sent("accepted", note=f"HTTP {status}")
            if isinstance(value, dict) and value.get("success") is False:
                return Sent(
                    "not-refused",
                    error if isinstance(error, dict) else None,
                    says_why(error),
                    f"HTTP {status} with success: false: a refusal must be a 4xx",
                )
            raise Fault("errored", f"HTTP {status} with a body that is not the binding's JSON: {clip(text, 200)}")
        raise Fault("errored", f"HTTP {status} to a job submission: {clip(text, 200)}")

    def fetch(self, job_id: str, tag: str) -> Fetched:
        path = f"/jobs/{quote(job_id, safe='')}"
        status, value, text = self._call("GET", f"{path}/result")
        if status == 404:
            return Fetched()
        if status != 200 or not isinstance(value, dict) or "data" not in value:
            raise Fault("errored", f"GET {path}/result: HTTP {status}, {clip(text, 200)}")
        got = Fetched(result=value["data"])
        pstatus, pvalue, ptext = self._call("GET", f"{path}/progress")
        if pstatus == 200:
            events = pvalue.get("data") if isinstance(pvalue, dict) else None
            if isinstance(events, list):
                got.progress = events
            else:
                got.progress_problem = f"GET {path}/progress: data is not an array: {clip(ptext, 200)}"
        return got


class FileBinding(Binding):
    """The file binding: jobs written into ``jobs``, results read from ``results``."""

    name = "files"

    def __init__(self, jobs: Path, results: Path) -> None:
        super().__init__()
        self.jobs, self.results = jobs, results
        self._cache: dict[str, tuple[tuple[int, int], Any]] = {}
        self._lock = threading.Lock()

    def capabilities(self) -> Any:
        path = self.results / "worker.json"
        try:
            raw = read_regular(path)
        except OSError as err:
            self.note({"read": "RESULTS/worker.json", "content": f"(absent or unreadable: {err.strerror or err})"})
            return None
        self.note({"read": "RESULTS/worker.json", "content": clip(raw.decode("utf-8", "replace"))})
        try:
            return read_json(raw)
        except ValueError:
            return None

    def submit(self, data: bytes, tag: str) -> Sent:
        tmp = self.jobs / f".{tag}.json.tmp"
        try:
            tmp.write_bytes(data)
            os.replace(tmp, self.jobs / f"{tag}.json")
        except OSError as err:
            raise Fault("errored", f"cannot write the job into {self.jobs}: {err.strerror or err}") from err
        self.note({"wrote": f"JOBS/{tag}.json", "content": clip(data.decode("utf-8", "replace"))})
        return Sent("pending", note="written to the jobs directory")

    def _results(self) -> Iterator[tuple[str, Any]]:
        try:
            entries = list(os.scandir(self.results))
        except OSError:
            return
        for e in entries:
            if not e.name.endswith("-result.json") or e.name.startswith("."):
                continue
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue
            stamp = (st.st_mtime_ns, st.st_size)
            with self._lock:
                cached = self._cache.get(e.name)
            if cached is None or cached[0] != stamp:
                try:
                    value = read_json(read_regular(Path(e.path)))
                except (OSError, ValueError):
                    value = {"unreadable": True}
                cached = (stamp, value)
                with self._lock:
                    self._cache[e.name] = cached
            yield e.name, cached[1]

    def fetch(self, job_id: str, tag: str) -> Fetched:
        # By name first (a duplicate's file holds the first job's result, so its job_id), then by the job_id
        # inside (a worker may encode a hostile id), then by the job file's name (a job with no usable id).
        by_name = by_id = by_tag = None
        for name, value in self._results():
            if name == f"{job_id}-result.json":
                by_name = (name, value)
            elif by_id is None and isinstance(value, dict) and value.get("job_id") == job_id:
                by_id = (name, value)
            elif name == f"{tag}-result.json":
                by_tag = (name, value)
        found = by_name or by_id or by_tag
        if found is None:
            return Fetched()
        name, value = found
        self.note({"read": f"RESULTS/{name}", "content": clip(reference.dumps(value))})
        got = Fetched(result=value)
        progress = self.results / (name[: -len("-result.json")] + "-progress.jsonl")
        if progress.exists() or progress.is_symlink():
            try:
                lines = read_regular(progress).decode("utf-8", "replace").splitlines()
                got.progress = [read_json(line) for line in lines if line.strip()]
            except (OSError, ValueError) as err:
                got.progress_problem = f"RESULTS/{progress.name}: not JSON Lines ({err})"
        return got

    def escapes(self, nonce: str) -> list[str]:
        out: list[str] = []
        around = [self.results.parent, self.results.parent.parent]
        for base in around:
            try:
                names = os.listdir(base)
            except OSError:
                continue
            out.extend(str(base / n) for n in names if nonce in n)
        for root, dirs, files in os.walk(self.results):
            if Path(root) != self.results:
                out.extend(str(Path(root) / f) for f in files)
            out.extend(str(Path(root) / d) for d in dirs if nonce in d)
        return sorted(set(out))


class CmdBinding(Binding):
    """The worker adapter protocol: ``command`` started once, one JSON line per request and per reply."""

    name = "cmd"

    def __init__(self, command: str, timeout: float = 10.0) -> None:
        super().__init__()
        self.command, self.timeout = command, timeout
        self._lock = threading.Lock()
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._seq = 0
        self._gone = ""
        self.proc = _process.spawn(command)
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain, daemon=True).start()
        self.stderr = ""
        try:
            reply = self._request({"cmd": "start", "protocol": 1}, timeout=max(timeout, 10.0))
            impl = reply.get("implementation") if isinstance(reply, dict) else None
            if not isinstance(impl, dict) or reply.get("protocol") != 1:
                raise Fault("errored", f"the start reply is not the worker adapter protocol's: {clip(str(reply), 200)}")
        except Fault:
            _process.kill(self.proc)
            raise
        self.implementation = impl

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            if len(self.stderr) < 16384:
                self.stderr += line.decode("utf-8", "replace")

    def _request(self, message: dict[str, Any], timeout: float | None = None) -> Any:
        with self._lock:
            if self._gone:  # one pipe: after a silence, a late reply would answer the wrong request
                raise Fault("not-run", f"not asked: {self._gone}")
            if "cmd" in message and message["cmd"] != "start":
                self._seq += 1
                message = {**message, "seq": self._seq}
            assert self.proc.stdin is not None
            try:
                self.proc.stdin.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
                self.proc.stdin.flush()
            except OSError as err:
                self._gone = "the worker adapter exited"
                raise Fault("crash", f"the worker adapter exited ({err})") from err
            try:
                line = self._lines.get(timeout=timeout or self.timeout)
            except queue.Empty:
                self._gone = f"the adapter stopped answering (no reply to {message['cmd']})"
                raise Fault("timeout", f"no reply to {message['cmd']} within {timeout or self.timeout:g} s") from None
            if line is None:
                self._gone = "the worker adapter exited"
                raise Fault("crash", "the worker adapter exited")
            sent = {k: v for k, v in message.items() if k not in ("job", "job_base64")}
            self.note({"request": json.dumps(sent), "reply": clip(line.decode("utf-8", "replace"))})
            try:
                reply = read_json(line)
            except ValueError as err:
                raise Fault("errored", f"a reply that is not JSON: {clip(repr(line), 200)}") from err
            if not isinstance(reply, dict) or ("seq" in message and reply.get("seq") != message["seq"]):
                raise Fault("errored", f"a reply out of step (seq {message.get('seq')}): {clip(repr(line), 200)}")
            broken = next(_validator(f"worker-{message['cmd']}-reply").iter_errors(reply), None)
            if broken is not None:
                where = "/" + "/".join(map(str, broken.absolute_path))
                raise Fault(
                    "errored",
                    f"the reply to {message['cmd']} breaks worker-{message['cmd']}-reply.json at "
                    f"{where}: {clip(broken.message, 200)}",
                )
            if reply.get("errored"):
                raise Fault("errored", f"the adapter says it failed: {clip(str(reply.get('message')), 200)}")
            return reply

    def capabilities(self) -> Any:
        return self._request({"cmd": "capabilities"}).get("worker")

    def submit(self, data: bytes, tag: str) -> Sent:
        try:
            message: dict[str, Any] = {"cmd": "submit", "job": data.decode("utf-8")}
        except UnicodeDecodeError:
            message = {"cmd": "submit", "job_base64": base64.b64encode(data).decode("ascii")}
        reply = self._request(message)
        accepted = reply.get("accepted")
        if accepted is True:
            return Sent("accepted")
        if accepted is False:
            reason = reply.get("reason")
            return Sent("refused", reason if isinstance(reason, dict) else None, says_why(reason))
        raise Fault("errored", f"a submit reply without a boolean accepted: {clip(str(reply), 200)}")

    def fetch(self, job_id: str, tag: str) -> Fetched:
        reply = self._request({"cmd": "result", "job_id": job_id, "wait_s": 0})
        progress = reply.get("progress", [])
        got = Fetched(result=reply.get("result"))
        if isinstance(progress, list):
            got.progress = progress
        else:
            got.progress_problem = f"progress is not an array: {clip(str(progress), 200)}"
        return got

    def close(self) -> None:
        try:
            with self._lock:
                assert self.proc.stdin is not None
                self.proc.stdin.write(b'{"cmd": "stop"}\n')
                self.proc.stdin.flush()
                self.proc.stdin.close()
            self.proc.wait(3)
        except (OSError, ValueError, Exception):  # noqa: BLE001 - a worker that will not stop is killed below
            pass
        _process.kill(self.proc)
