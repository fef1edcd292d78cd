"""The ``vmjob`` command line. Exit status: 0 success / conformant, 1 invalid / not conformant, 2 usage or I/O."""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from types import FrameType

from . import __version__

#: The command groups, each a module of ``conformance.commands`` with ``register(subparsers)``, in the
#: order `vmjob --help` lists them: the main command first.
COMMAND_MODULES = (
    "certify",
    "validate",
    "report",
    "fuzz",
    "compare",
    "completion",
    "adapter",
    "bench",
    "selftest",
    "serve",
    "corpus",
    "gallery",
    "worker",
)


class UsageError(Exception):
    """A command's input is unusable (a missing file, a bad option value): exit status 2, no traceback."""


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP: raised where the command is, so that its ``finally`` blocks run (the
    implementation is closed, the results stream gets its footer, marked interrupted). Exit 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


#: The signals that end a command cleanly (SIGHUP: the terminal went away).
SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def _signame(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def _stop_implementations() -> None:
    """Kill every implementation process still running and what it left behind (see transports._process);
    nothing to do when no transport was loaded."""
    process = sys.modules.get(f"{__package__}.transports._process")
    if process is not None:
        process.cleanup()


class _Signals:
    """While a command runs: the first signal raises :class:`Interrupted`; a second one, while the command
    unwinds (a close that hangs, an impatient user), kills the implementations and exits at once."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.unwinding = False
        self.previous: dict[int, object] = {}

    def __enter__(self) -> _Signals:
        for signum in SIGNALS:
            try:
                if signal.getsignal(signum) is signal.SIG_IGN:
                    continue  # ignored on purpose (nohup, a background job): stays ignored
                self.previous[signum] = signal.signal(signum, self._handle)
            except (ValueError, OSError):  # not the main thread, or not settable here
                break
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            # getsignal() is typed to return None too (a handler not installed from Python), which signal()
            # refuses; for SIGINT, SIGTERM and SIGHUP, as taken here, it never does.
            signal.signal(signum, handler)  # type: ignore[arg-type]

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if not self.unwinding:
            self.unwinding = True
            raise Interrupted(signum)
        try:
            print(f"vmjob {self.command}: interrupted ({_signame(signum)}) while stopping: exiting at once",
                  file=sys.stderr, flush=True)  # fmt: skip
            _stop_implementations()
        finally:
            os._exit(128 + signum)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only``, just that command's module is imported (a restarted ``vmjob adapter``
    or a one-shot ``vmjob validate`` then starts without loading the harness, reports and fuzzer)."""
    parser = argparse.ArgumentParser(
        prog="vmjob", description="Conformance suite for the VM Operations Job Protocol v1."
    )
    parser.add_argument("--version", action="version", version=f"vmjob {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES if only is None else (only,):
        importlib.import_module(f"{__package__}.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(first if first in COMMAND_MODULES else None)
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int | None] = args.func
    with _Signals(args.command) as signals:
        try:
            return int(func(args) or 0)
        except UsageError as err:
            signals.unwinding = True
            print(f"vmjob {args.command}: error: {err}", file=sys.stderr)
            return 2
        except KeyboardInterrupt as err:
            signals.unwinding = True
            signum = getattr(err, "signum", signal.SIGINT)
            _stop_implementations()
            print(f"vmjob {args.command}: interrupted ({_signame(signum)})", file=sys.stderr)
            return 128 + signum
        except BrokenPipeError:
            return 0
        finally:
            signals.unwinding = True


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
