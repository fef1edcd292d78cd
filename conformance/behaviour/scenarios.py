"""The scenarios a worker is driven through, and how each is judged (PROTOCOL.md §4, rules ``behaviour.*``).

A scenario sends one job (or a few, for idempotency) and gives one :class:`Verdict` per rule it checked:
the refusal or acceptance its rule asks for, then every result and progress event the worker emitted,
judged by the reference. The jobs are built here: the corpus's job cases (given a fresh ``job_id``), the
same retargeted to ``test.echo`` (so that executing an invalid job is observable), generated jobs, and the
fixed scenarios (operations, capabilities, idempotency, timeout, hostile job ids).
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import reference

from .bindings import Binding, Fault, Fetched, Sent, says_why
from .judge import TERMINAL, capabilities_problems, is_refusal, progress_problems, result_problems, same_value

REFUSE_INVALID = "behaviour.refuse-invalid"
ACCEPT = "behaviour.accept-valid"
RESULT = "behaviour.result"
PROGRESS = "behaviour.progress"
REFUSE_OPERATION = "behaviour.refuse-operation"
REFUSE_CAPABILITIES = "behaviour.refuse-capabilities"
IDEM_DONE = "behaviour.idempotency.completed"
IDEM_RUNNING = "behaviour.idempotency.running"
PATH = "behaviour.path-safety"
TIMEOUT = "behaviour.timeout"
CAPABILITIES = "behaviour.capabilities"
REFUSAL_BODY = "behaviour.refusal-body"


@dataclass
class Verdict:
    rule: str
    outcome: str
    expected: Any
    got: Any
    message: str = ""


@dataclass
class Context:
    """What every scenario of one run shares: the binding, what the worker offers, the deadlines."""

    binding: Binding
    #: Seconds to wait for a ``test.echo`` job's terminal status (and for a refusal result).
    deadline: float = 10.0
    offered: tuple[str, ...] = ("test.echo",)
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))
    _ids: itertools.count[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def new_id(self, prefix: str = "job") -> str:
        with self._lock:
            n = next(self._ids)
        return f"{prefix}-{self.run_id}-{n:05d}"

    @property
    def sleeps(self) -> bool:
        return "test.sleep" in self.offered


def created_at() -> str:
    """A creation time just past: a worker may start the job at once without starting before it."""
    moment = datetime.fromtimestamp(time.time() - 5, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def job(
    ctx: Context,
    op: str = "test.echo",
    data: Any = None,
    *,
    job_id: str | None = None,
    execution: dict[str, Any] | None = None,
    constraints: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A valid job (for the reference) of ``op`` with ``data``."""
    doc: dict[str, Any] = {
        "version": "1.0",
        "job_id": job_id or ctx.new_id(),
        "created_at": created_at(),
        "kind": "VMOperation",
        "operation": op,
        "payload": {"type": f"{op}.v1", "data": data if data is not None else {"nonce": secrets.token_hex(4)}},
    }
    if execution:
        doc["execution"] = execution
    if constraints:
        doc["constraints"] = constraints
    return doc


@dataclass
class Job:
    """One job as sent: its bytes, its ``job_id`` (when it has a usable one), its tree (when it parses)
    and the reference's verdict on the bytes."""

    data: bytes
    tree: dict[str, Any] | None
    job_id: str | None
    #: ``refuse`` (invalid at the required level), ``either`` (invalid at the recommended level only), ``valid``.
    verdict: str
    why: str = ""

    @classmethod
    def of(cls, data: bytes) -> Job:
        result = reference.validate(data, "job")
        value, _ = reference.parse(data)
        tree = value if isinstance(value, dict) else None
        job_id = tree.get("job_id") if tree is not None and isinstance(tree.get("job_id"), str) else None
        required = [e for e in result.errors if e.level == "required"]
        if required:
            e = required[0]
            return cls(data, tree, job_id, "refuse", f"{e.rule} at {e.pointer or '/'}")
        if result.errors:
            return cls(data, tree, job_id, "either", f"{result.errors[0].rule} (recommended)")
        return cls(data, tree, job_id, "valid")

    @classmethod
    def build(cls, doc: dict[str, Any]) -> Job:
        return cls.of(json.dumps(doc, ensure_ascii=False).encode("utf-8"))

    @property
    def operation(self) -> Any:
        return self.tree.get("operation") if self.tree is not None else None


def _deadline(ctx: Context, j: Job) -> float:
    """A job's deadline: its sleep and timeout (bounded) plus slack, or the echo deadline."""
    if j.operation == "test.sleep" and j.tree is not None:
        data = j.tree.get("payload", {}).get("data") if isinstance(j.tree.get("payload"), dict) else None
        seconds = data.get("seconds", 0) if isinstance(data, dict) else 0
        ex = j.tree.get("execution") if isinstance(j.tree.get("execution"), dict) else {}
        limit = ex.get("timeout_seconds", 3600) if isinstance(ex, dict) else 3600
        if isinstance(seconds, (int, float)) and isinstance(limit, (int, float)):
            return min(float(seconds), float(limit), 60.0) + 3.0 + ctx.deadline / 5
    return ctx.deadline


def await_terminal(ctx: Context, j: Job, tag: str, seconds: float) -> Fetched:
    """Poll until the job has a terminal result; :class:`Fault` ``timeout`` when it never does."""
    key = j.job_id or tag
    deadline = time.monotonic() + seconds
    while True:
        got = ctx.binding.wait(key, tag, max(0.0, deadline - time.monotonic()))
        status = got.result.get("status") if isinstance(got.result, dict) else None
        if got.result is not None and (status in TERMINAL or not isinstance(got.result, dict)):
            return got
        if time.monotonic() >= deadline:
            if got.result is not None:
                return got  # a result that is not terminal: judged as it is
            raise Fault("timeout", f"no terminal status for {key!r} within {seconds:g} s")
        time.sleep(0.05)


def emitted(j: Job, got: Fetched, submitted: float, first: dict[str, Any] | None = None) -> list[Verdict]:
    """The verdicts on what the worker emitted for ``j``: its result, its progress events."""
    out = []
    if got.result is not None:
        # An invalid job's members mean nothing (a job_id of "", an attempt beyond u32): its refusal result is
        # judged as a result document alone.
        problems = result_problems(got.result, j.tree if j.verdict != "refuse" else None, submitted, first)
        out.append(
            Verdict(
                RESULT,
                "fail" if problems else "pass",
                "a conformant result of this job",
                "; ".join(problems) or "a conformant result",
                "; ".join(problems),
            )
        )
    if got.progress or got.progress_problem:
        problems = ([got.progress_problem] if got.progress_problem else []) + progress_problems(got.progress, j.job_id)
        out.append(
            Verdict(
                PROGRESS,
                "fail" if problems else "pass",
                "conformant progress events in order",
                f"{len(got.progress)} events" + (f": {problems[0]}" if problems else ""),
                "; ".join(problems),
            )
        )
    return out


def _body_verdict(sent: Sent) -> Verdict:
    if sent.says_why:
        return Verdict(REFUSAL_BODY, "pass", "a JSON reason", sent.reason)
    return Verdict(
        REFUSAL_BODY,
        "fail",
        '{"code": ..., "message": ...} (JSON)',
        sent.reason or "no JSON reason",
        "the refusal does not say why in JSON (error.code and error.message strings)",
    )


def expect_refusal(ctx: Context, j: Job, tag: str, rule: str, probe: bool = False) -> list[Verdict]:
    """Submit ``j``, which the worker must refuse under ``rule`` and never execute. ``probe``: after a
    refusal, also check that no result of the job exists (for jobs the worker could have executed)."""
    submitted = time.time()
    sent = ctx.binding.submit(j.data, tag)
    expected = f"refused ({j.why})" if j.why else "refused"
    if sent.verdict == "refused":
        out = [Verdict(rule, "pass", expected, f"refused ({sent.note or 'accepted: false'})"), _body_verdict(sent)]
        if probe and j.job_id is not None:
            time.sleep(0.05)
            after = ctx.binding.fetch(j.job_id, tag)
            if isinstance(after.result, dict) and not is_refusal(after.result):
                out[0] = Verdict(
                    rule,
                    "fail",
                    expected,
                    f"refused, yet executed: a {after.result.get('status')!r} result exists",
                    "the worker refused the job and then ran it",
                )
        return out
    if sent.verdict == "not-refused":
        return [Verdict(rule, "fail", f"{expected}: an HTTP 4xx", sent.note, sent.note)]
    got = ctx.binding.wait(j.job_id or tag, tag, ctx.deadline if sent.verdict == "pending" else ctx.deadline / 4)
    if got.result is None:
        if sent.verdict == "pending":
            raise Fault("timeout", f"no result file for {j.job_id or tag!r} within {ctx.deadline:g} s")
        return [
            Verdict(
                rule,
                "fail",
                expected,
                "accepted, and no refusal result followed",
                "the worker accepted the job; a refusal is a 4xx or a failed result of phase validation",
            )
        ]
    if is_refusal(got.result, invalid=rule == REFUSE_INVALID):
        error = got.result.get("error")
        sent.reason, sent.says_why = error, says_why(error)
        return [
            Verdict(rule, "pass", expected, f"refused by a result ({error.get('code')})"),
            _body_verdict(sent),
            *emitted(j, got, submitted),
        ]
    status = got.result.get("status") if isinstance(got.result, dict) else None
    return [
        Verdict(
            rule,
            "fail",
            expected,
            f"accepted and executed (status {status!r})",
            f"the worker ran the job: its result has status {status!r}"
            + (", not a refusal of phase validation with code VALIDATION_ERROR" if rule == REFUSE_INVALID else ""),
        ),
        *emitted(j, got, submitted),
    ]


def expect_run(ctx: Context, j: Job, tag: str, seconds: float | None = None) -> tuple[list[Verdict], Fetched | None]:
    """Submit ``j``, which the worker must accept and take to a terminal status."""
    submitted = time.time()
    sent = ctx.binding.submit(j.data, tag)
    if sent.verdict in ("refused", "not-refused"):
        reason = sent.reason.get("message") if isinstance(sent.reason, dict) else sent.note
        return [Verdict(ACCEPT, "fail", "accepted and run", f"refused: {reason}", f"refused: {reason}")], None
    got = await_terminal(ctx, j, tag, seconds or _deadline(ctx, j))
    result = got.result
    if is_refusal(result):
        error = result.get("error", {})
        return [
            Verdict(
                ACCEPT,
                "fail",
                "accepted and run",
                f"refused by a result ({error.get('code')})",
                f"refused: {error.get('message')}",
            ),
            *emitted(j, got, submitted),
        ], got
    status = result.get("status") if isinstance(result, dict) else None
    verdict = Verdict(ACCEPT, "pass", "accepted and run to a terminal status", f"status {status!r}")
    if status not in TERMINAL:
        verdict = Verdict(ACCEPT, "fail", "a terminal status", f"status {status!r}", "not a terminal status")
    elif j.operation == "test.echo" and j.tree is not None:
        data = j.tree["payload"].get("data")
        if status != "completed":
            verdict = Verdict(ACCEPT, "fail", "test.echo completes", f"status {status!r}", "test.echo did not complete")
        elif not same_value(data, result.get("data")):  # exact numbers, any length (json refuses 4,301 digits)
            verdict = Verdict(
                ACCEPT,
                "fail",
                {"data": data},
                {"data": result.get("data")},
                "test.echo's result does not hold the payload data",
            )
    return [verdict, *emitted(j, got, submitted)], got


def judge_job(ctx: Context, j: Job, tag: str, probe: bool = False) -> list[Verdict]:
    """A job from the corpus or the generator: refused, accepted or either, as the reference says."""
    if j.verdict == "refuse":
        return expect_refusal(ctx, j, tag, REFUSE_INVALID, probe)
    if j.operation not in ctx.offered:
        return expect_refusal(ctx, j, tag, REFUSE_OPERATION, probe)
    if j.verdict == "either":  # a worker may refuse a job invalid at the recommended level, or run it
        verdicts, _ = expect_run(ctx, j, tag)
        first = verdicts[0]
        if first.rule == ACCEPT and first.outcome == "fail" and str(first.got).startswith("refused"):
            return [Verdict(REFUSE_INVALID, "pass", f"accepted or refused ({j.why})", first.got)]
        return verdicts
    return expect_run(ctx, j, tag)[0]


# --- the fixed scenarios ----------------------------------------------------------------------------------

Scenario = Callable[[Context, str], list[Verdict]]


def capabilities(ctx: Context, tag: str) -> list[Verdict]:
    problems, ops = capabilities_problems(ctx.binding.capabilities())
    if not problems and "test.echo" not in ops:
        problems = [f"the operations listed ({', '.join(ops) or 'none'}) leave out test.echo, which it accepts"]
    return [
        Verdict(
            CAPABILITIES,
            "fail" if problems else "pass",
            "a valid worker document listing test.echo",
            f"operations {list(ops)}" if not problems else problems[0],
            "; ".join(problems),
        )
    ]


def echo(ctx: Context, tag: str) -> list[Verdict]:
    return judge_job(ctx, Job.build(job(ctx, data={"nested": {"list": [1, 2.5, "three", None, True]}})), tag)


def echo_attempt(ctx: Context, tag: str) -> list[Verdict]:
    doc = job(ctx, execution={"attempt": 2, "max_attempts": 3, "timeout_seconds": 60, "priority": 7})
    return judge_job(ctx, Job.build(doc), tag)


def echo_features(ctx: Context, tag: str) -> list[Verdict]:
    """A job whose requirements are met (the worker's own advertised features): accepted."""
    doc = job(ctx, constraints={"required_features": ["test"], "required_capabilities": []})
    return judge_job(ctx, Job.build(doc), tag)


def unoffered(ctx: Context, tag: str) -> list[Verdict]:
    doc = job(ctx, op="test.unoffered", data={"nonce": secrets.token_hex(4)})
    return expect_refusal(ctx, Job.build(doc), tag, REFUSE_OPERATION, probe=True)


def missing_capability(ctx: Context, tag: str) -> list[Verdict]:
    doc = job(ctx, constraints={"required_capabilities": [f"no-such-capability-{secrets.token_hex(3)}"]})
    j = Job.build(doc)
    j.why = "required_capabilities not offered"
    return expect_refusal(ctx, j, tag, REFUSE_CAPABILITIES, probe=True)


def missing_feature(ctx: Context, tag: str) -> list[Verdict]:
    doc = job(ctx, constraints={"required_features": ["test", f"no-such-feature-{secrets.token_hex(3)}"]})
    j = Job.build(doc)
    j.why = "required_features not offered"
    return expect_refusal(ctx, j, tag, REFUSE_CAPABILITIES, probe=True)


def duplicate_done(ctx: Context, tag: str) -> list[Verdict]:
    """Two jobs, one idempotency key, one after the other: the second gets the first's result."""
    key = f"key-{ctx.new_id('idem')}"
    first = Job.build(job(ctx, data={"which": "first"}, execution={"idempotency_key": key}))
    verdicts, got = expect_run(ctx, first, f"{tag}-1")
    if got is None or not isinstance(got.result, dict) or got.result.get("status") != "completed":
        return [
            *verdicts,
            Verdict(
                IDEM_DONE,
                "fail",
                "the first job completes",
                "it did not",
                "the first job of the key did not complete, so no promise was made",
            ),
        ]
    second = Job.build(job(ctx, data={"which": "second"}, execution={"idempotency_key": key}))
    submitted = time.time()
    sent = ctx.binding.submit(second.data, f"{tag}-2")
    expected = {"result": "the first job's result", "job_id": first.job_id}
    if sent.verdict in ("refused", "not-refused"):
        return [
            *verdicts,
            Verdict(
                IDEM_DONE,
                "fail",
                expected,
                f"refused ({sent.note})",
                "a finished key's duplicate gets the first result, it is not refused",
            ),
        ]
    again = await_terminal(ctx, second, f"{tag}-2", ctx.deadline)
    r2 = again.result
    if r2 == got.result:
        verdict = Verdict(IDEM_DONE, "pass", expected, "the first job's result")
    elif isinstance(r2, dict) and r2.get("data") == {"which": "second"}:
        verdict = Verdict(
            IDEM_DONE,
            "fail",
            expected,
            {"job_id": r2.get("job_id"), "data": r2.get("data")},
            "executed again: the result echoes the second job's data",
        )
    else:
        verdict = Verdict(IDEM_DONE, "fail", expected, r2, "the duplicate's result is not the first job's result")
    return [*verdicts, verdict, *emitted(second, Fetched(result=r2), submitted, first=got.result)]


def duplicate_running(ctx: Context, tag: str) -> list[Verdict]:
    """A second job with the key of one still running: refused as a duplicate."""
    if not ctx.sleeps:
        return [Verdict(IDEM_RUNNING, "skip", "refused", None, "the worker does not offer test.sleep")]
    key = f"key-{ctx.new_id('idem')}"
    first = Job.build(job(ctx, "test.sleep", {"seconds": 2}, execution={"idempotency_key": key, "timeout_seconds": 30}))
    submitted = time.time()
    sent = ctx.binding.submit(first.data, f"{tag}-1")
    if sent.verdict in ("refused", "not-refused"):
        return [Verdict(ACCEPT, "fail", "accepted and run", f"refused ({sent.note})", "a valid test.sleep was refused")]
    time.sleep(0.4 if sent.verdict == "pending" else 0.1)
    second = Job.build(job(ctx, "test.sleep", {"seconds": 0}, execution={"idempotency_key": key}))
    second.why = f"idempotency key {key!r} held by a running job"
    verdicts = expect_refusal(ctx, second, f"{tag}-2", IDEM_RUNNING, probe=True)
    got = await_terminal(ctx, first, f"{tag}-1", _deadline(ctx, first))
    return [*verdicts, *emitted(first, got, submitted)]


def timeout(ctx: Context, tag: str) -> list[Verdict]:
    if not ctx.sleeps:
        return [Verdict(TIMEOUT, "skip", "status timeout", None, "the worker does not offer test.sleep")]
    j = Job.build(job(ctx, "test.sleep", {"seconds": 3}, execution={"timeout_seconds": 1}))
    verdicts, got = expect_run(ctx, j, tag, seconds=1 + 3)  # the timeout plus 3 s (SPEC: behaviour.timeout)
    if got is None:
        return verdicts
    status = got.result.get("status") if isinstance(got.result, dict) else None
    if status == "timeout":
        return [*verdicts, Verdict(TIMEOUT, "pass", "status timeout", "status timeout")]
    return [
        *verdicts,
        Verdict(
            TIMEOUT,
            "fail",
            "status timeout after 1 s",
            f"status {status!r}",
            "a 3-second sleep with timeout_seconds 1 was not stopped and reported as timeout",
        ),
    ]


HOSTILE_IDS = ("../{n}-up-one", "../../{n}-up-two", "..\\{n}-backslash", "{n}-sub/../../{n}-through-a-dir")


def hostile_id(index: int) -> Scenario:
    def scenario(ctx: Context, tag: str) -> list[Verdict]:
        nonce = f"x{ctx.run_id}{index}"
        if ctx.binding.escapes(nonce) is None:
            return [
                Verdict(
                    PATH,
                    "skip",
                    "nothing written outside the results directory",
                    None,
                    f"observable over the file binding only, not over {ctx.binding.name}",
                )
            ]
        j = Job.build(job(ctx, job_id=HOSTILE_IDS[index].format(n=nonce)))
        submitted = time.time()
        ctx.binding.submit(j.data, tag)
        deadline = time.monotonic() + ctx.deadline
        got = Fetched()
        while time.monotonic() < deadline and got.result is None and not ctx.binding.escapes(nonce):
            got = ctx.binding.fetch(str(j.job_id), tag)
            time.sleep(0.02)
        time.sleep(0.1)  # the progress file, written just after the result
        escaped = ctx.binding.escapes(nonce) or []
        ctx.binding.note({"listed": "around the results directory", "outside": escaped})
        if escaped:
            return [
                Verdict(
                    PATH,
                    "fail",
                    "nothing written outside the results directory",
                    escaped,
                    f"job_id {j.job_id!r} made the worker write outside RESULTS: {', '.join(escaped)}",
                )
            ]
        if got.result is None:
            raise Fault("timeout", f"no result for job_id {j.job_id!r} within {ctx.deadline:g} s")
        return [
            Verdict(PATH, "pass", "nothing written outside the results directory", "inside RESULTS only"),
            *emitted(j, got, submitted),
        ]

    scenario.__name__ = f"hostile_id_{index}"
    return scenario


#: The fixed scenarios, slow ones first (they overlap with the rest): id -> (primary rule, scenario, about).
FIXED: dict[str, tuple[str, Scenario, str]] = {
    "duplicate-running": (IDEM_RUNNING, duplicate_running, "a second job with a running job's idempotency key"),
    "timeout": (TIMEOUT, timeout, "test.sleep of 3 s with timeout_seconds 1"),
    "capabilities": (CAPABILITIES, capabilities, "the worker's advertised capabilities"),
    "echo": (ACCEPT, echo, "a valid test.echo job"),
    "echo-attempt": (ACCEPT, echo_attempt, "a valid test.echo job, attempt 2 of 3"),
    "echo-features": (ACCEPT, echo_features, "a test.echo job requiring a feature the worker offers"),
    "unoffered-operation": (REFUSE_OPERATION, unoffered, "a valid job of an operation no worker offers"),
    "missing-capability": (REFUSE_CAPABILITIES, missing_capability, "a required capability the worker lacks"),
    "missing-feature": (REFUSE_CAPABILITIES, missing_feature, "a required feature the worker lacks"),
    "duplicate-done": (IDEM_DONE, duplicate_done, "a second job with a finished job's idempotency key"),
    **{
        f"hostile-id-{i}": (PATH, hostile_id(i), f"a test.echo job with job_id {HOSTILE_IDS[i].format(n='N')!r}")
        for i in range(len(HOSTILE_IDS))
    },
}
