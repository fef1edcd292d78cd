"""``vmjob worker serve`` (the reference worker) and ``vmjob worker certify`` (certify a running worker).

``serve`` runs the reference worker over HTTP (default), the file binding (``--files JOBS RESULTS``) or the
worker adapter protocol on stdin/stdout (``--adapter``). ``certify`` drives a worker through the behaviour
scenarios (WORKER.md) and gives the verdict of ``vmjob certify``, with the same results stream and reports.
Exit status: certify 0 conformant, 1 not; 2 a usage error or a worker that cannot be reached, one line each.
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
from pathlib import Path
from typing import Any

from ..cli import UsageError
from .certify import MAX_TIMEOUT, REPORT_HELP, REPORT_OPTIONS, open_stream

#: The deadline of a test.echo job by default (seconds), and the default worker threads of certify.
DEADLINE = 10.0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "worker",
        help="the reference worker, and certifying a running worker",
        description="Serve the reference worker, or certify a running worker's behaviour.",
    )
    wsub = p.add_subparsers(dest="worker_command", metavar="SUBCOMMAND", required=True)
    s = wsub.add_parser(
        "serve",
        help="run the reference worker",
        description="Run the reference worker: over "
        "HTTP (default), the file binding (--files) or the worker adapter protocol (--adapter).",
    )
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=8090, help="port (default 8090; 0 picks a free one)")
    s.add_argument("--files", nargs=2, metavar=("JOBS", "RESULTS"), help="serve the file binding instead")
    s.add_argument("--adapter", action="store_true", help="speak the worker adapter protocol on stdin/stdout")
    s.add_argument(
        "--state",
        metavar="FILE",
        help="the SQLite file of its promises (default: RESULTS/"
        ".worker-state.sqlite with --files, else a temporary file)",
    )
    s.set_defaults(func=serve)

    c = wsub.add_parser(
        "certify",
        help="certify a running worker",
        description="Drive a worker through the "
        "behaviour scenarios; exit 0 conformant, 1 not conformant, 2 usage or unreachable.",
    )
    target = c.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", metavar="URL", help="a worker's HTTP binding (http://HOST:PORT)")
    target.add_argument("--files", nargs=2, metavar=("JOBS", "RESULTS"), help="a worker's file binding")
    target.add_argument("--cmd", metavar="COMMAND", help="a worker adapter (persistent, JSON Lines)")
    c.add_argument(
        "--cases",
        type=int,
        default=None,
        metavar="N",
        help="corpus job cases submitted (default 300, sampled by the seed; 0: all)",
    )
    c.add_argument("--fuzz", type=int, default=None, metavar="N", help="generated jobs (default 60)")
    c.add_argument("--seed", type=int, default=None, help="the seed of the sample and the generator")
    c.add_argument(
        "--deadline",
        type=float,
        default=DEADLINE,
        metavar="SECONDS",
        help=f"seconds a test.echo job has to finish (default {DEADLINE:g})",
    )
    c.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for one reply (default 5)")
    c.add_argument("--threads", type=int, default=8, help="scenarios run at once (default 8)")
    c.add_argument(
        "--level", choices=("required", "recommended"), default="required", help="required, or recommended (strict)"
    )
    c.add_argument("--max-fail", type=int, default=None, metavar="N", help="stop after N failures")
    c.add_argument("--corpus", metavar="DIR", help="a corpus directory (default: the installed corpus)")
    c.add_argument("--results", metavar="FILE", default=None, help="the results stream (JSON Lines), created new")
    for name in REPORT_OPTIONS:
        c.add_argument(f"--{name.replace('_', '-')}", dest=f"report_{name}", metavar="FILE", help=REPORT_HELP[name])
    c.add_argument("--quiet", action="store_true", help="no summary on the terminal")
    c.set_defaults(func=certify)


def _directory(option: str, value: str, create: bool = False) -> Path:
    path = Path(value)
    if create:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise UsageError(f"{option} {value!r}: cannot create: {err.strerror or err}") from err
    if not path.is_dir():
        raise UsageError(f"{option} {value!r}: no such directory")
    return path


def serve(args: argparse.Namespace) -> int:
    from ..worker.engine import Worker

    if args.files and args.adapter:
        raise UsageError("--files and --adapter: choose one binding")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port={args.port} is not a port number (0..65535)")
    jobs = results = None
    if args.files:
        jobs = _directory("--files JOBS", args.files[0], create=True)
        results = _directory("--files RESULTS", args.files[1], create=True)
    state = Path(args.state) if args.state else (results / ".worker-state.sqlite" if results else None)
    if state is not None and not state.parent.is_dir():
        raise UsageError(f"--state {args.state!r}: no such directory {str(state.parent)!r}")
    try:
        worker = Worker(state)
    except Exception as err:  # sqlite3.Error and OSError: a state file that cannot be opened
        raise UsageError(f"--state {state}: cannot open the worker's state: {err}") from err
    try:
        if args.adapter:
            from ..worker.adapter import serve as serve_adapter

            return serve_adapter(worker)
        if jobs is not None and results is not None:
            from ..worker.files import FileBinding

            binding = FileBinding(worker, jobs, results)
            print(f"vmjob worker serve: watching {jobs} into {results}", flush=True)
            stop = threading.Event()
            try:
                binding.serve(stop)
            finally:
                stop.set()
            return 0
        from ..worker.http import create_server

        try:
            server = create_server(worker, args.host, args.port)
        except (OSError, ValueError) as err:
            raise UsageError(
                f"cannot listen on {args.host}:{args.port}: {getattr(err, 'strerror', None) or err}"
            ) from err
        print(f"vmjob worker serve: listening on http://{args.host}:{server.effective_port}", flush=True)
        try:
            server.run()
        finally:
            server.close()
        return 0
    finally:
        worker.close()


def certify(args: argparse.Namespace) -> int:
    from ..behaviour.bindings import CmdBinding, Fault, FileBinding, HttpBinding
    from ..behaviour.run import DEFAULT_CASES, DEFAULT_FUZZ, WorkerRunConfig, WorkerRunner
    from ..reports import ReportError, build_report, read_stream, render_text, write_reports

    for name in ("cases", "fuzz", "max_fail"):
        value = getattr(args, name)
        if value is not None and value < (1 if name == "max_fail" else 0):
            raise UsageError(f"--{name.replace('_', '-')}={value} must be >= {1 if name == 'max_fail' else 0}")
    for name in ("deadline", "timeout"):  # inf or huge: a hang, and an overflow in the sockets' timeouts
        if not 0 < getattr(args, name) <= MAX_TIMEOUT:
            raise UsageError(f"--{name}={getattr(args, name)} must be > 0 and at most {MAX_TIMEOUT:,} seconds")
    if not 1 <= args.threads <= 64:
        raise UsageError(f"--threads={args.threads} must be in 1..64")
    corpus = _directory("--corpus", args.corpus) if args.corpus else None
    if args.url is not None:
        kind, target = "url", args.url
    elif args.files is not None:
        kind, target = "files", " ".join(args.files)
    else:
        kind, target = "cmd", args.cmd
    if not target.strip():
        raise UsageError(f"--{kind}: the target is empty")
    cfg = WorkerRunConfig(
        level=args.level,
        seed=args.seed if args.seed is not None else random.randrange(2**32),
        corpus=corpus,
        cases=DEFAULT_CASES if args.cases is None else args.cases,
        fuzz=DEFAULT_FUZZ if args.fuzz is None else args.fuzz,
        deadline=args.deadline,
        threads=args.threads,
        max_fail=args.max_fail,
        transport={"kind": f"worker-{kind}", "target": target},
    )
    try:
        if args.url is not None:
            binding: Any = HttpBinding(args.url, args.timeout)
            binding.capabilities()  # reachable at all? (a fault here is a usage error, not a verdict)
        elif args.files is not None:
            binding = FileBinding(
                _directory("--files JOBS", args.files[0]), _directory("--files RESULTS", args.files[1])
            )
        else:
            binding = CmdBinding(args.cmd, args.timeout)
    except ValueError as err:
        raise UsageError(str(err)) from err
    except Fault as err:
        raise UsageError(f"the worker at --{kind} {target!r} cannot be reached: {err.message}") from err
    wanted = {n: getattr(args, f"report_{n}") for n in REPORT_OPTIONS if getattr(args, f"report_{n}")}
    stream = open_stream(args.results)
    try:
        summary = WorkerRunner(binding, cfg, stream, target).run()
    finally:
        stream.close()
        binding.close()
    conformant = bool(summary["conformant"])
    if wanted or not args.quiet:
        try:
            report = build_report(read_stream(stream.path), cfg.level, cases=[])
            if wanted:
                write_reports(report, **wanted)
        except ReportError as err:
            raise UsageError(str(err)) from err
        conformant = bool(report["conformant"])
        if not args.quiet:
            print(render_text(report, stream=stream.path))
    sys.stdout.flush()
    return 0 if conformant else 1
