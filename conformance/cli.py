"""The ``vmjob`` command line. Exit status: 0 success / conformant, 1 invalid / not conformant, 2 usage or I/O."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from . import __version__

#: The command groups, each a module of ``conformance.commands`` with ``register(subparsers)``.
COMMAND_MODULES = (
    "validate",
    "adapter",
    "bench",
    "report",
    "compare",
    "selftest",
    "certify",
    "serve",
    "corpus",
    "fuzz",
)


class UsageError(Exception):
    """A command's input is unusable (a missing file, a bad option value): exit status 2, no traceback."""


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
    try:
        return int(args.func(args) or 0)
    except UsageError as err:
        print(f"vmjob {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"vmjob {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
