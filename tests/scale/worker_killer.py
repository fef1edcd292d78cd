"""A reference adapter that kills the harness worker process driving it, once, after ``AFTER`` validate
requests: ``python worker_killer.py MARKER [AFTER]``.

Only a worker process (``python -m conformance.parallel``) is killed, never the coordinator (the test's
own process), and only by the first adapter to get there: it creates ``MARKER`` exclusively first, so the
worker started in its place runs to the end.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from conformance.adapter_server import serve
from conformance.reference_impl import handler


def _worker() -> int | None:
    """The harness worker process above this one (through a shell or a watchdog), or None."""
    pid = os.getppid()
    for _ in range(4):
        try:
            if b"conformance.parallel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        pid = int(stat.rpartition(")")[2].split()[1])
    return None


def main(argv: list[str]) -> int:
    marker = Path(argv[0])
    after = int(argv[1]) if len(argv) > 1 else 50
    inner = handler()
    seen = [0]
    validate = inner.validate

    def killing(kind: str, data: bytes) -> dict[str, Any]:
        seen[0] += 1
        worker = _worker() if seen[0] == after else None
        if worker is not None:
            try:
                marker.open("x").close()
            except FileExistsError:
                pass
            else:
                os.kill(worker, signal.SIGKILL)
        return validate(kind, data)

    inner.validate = killing
    return serve(inner)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
