"""``vmjob adapter``: the reference as a persistent-subprocess implementation (ADAPTER.md section 1)."""

from __future__ import annotations

import argparse
from typing import Any

from ..adapter_server import serve
from ..reference_impl import handler


def register(sub: Any) -> None:
    p = sub.add_parser(
        "adapter",
        help="serve the reference over the persistent adapter protocol (stdin/stdout)",
        description="Speak the persistent adapter protocol on stdin/stdout, answering with the "
        "reference implementation's verdicts.",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return serve(handler())
