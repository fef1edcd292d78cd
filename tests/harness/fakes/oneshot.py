"""A one-shot implementation (ADAPTER.md §2) that misbehaves on purpose: ``python oneshot.py MODE ARG...``.
It never reads its stdin; it exits with the status ``VERDICT`` (0 valid, 1 invalid) after misbehaving.

    detach VERDICT              leaves a child in its own session (setsid, out of reach of a process group
                                kill) that holds stdout and stderr open and sleeps, then exits at once
    daemon VERDICT              the same, but the child's stdio is on /dev/null (nothing shows it is there)
    stderr-flood BYTES VERDICT  writes BYTES bytes to stderr (in 1 MiB blocks), then exits
"""

from __future__ import annotations

import os
import sys
import time


def main() -> int:
    mode, *args = sys.argv[1:]
    if mode in ("detach", "daemon"):
        if os.fork() == 0:
            try:
                os.setsid()
                if mode == "daemon":
                    null = os.open(os.devnull, os.O_RDWR)
                    for fd in (0, 1, 2):
                        os.dup2(null, fd)
                time.sleep(300)
            finally:
                os._exit(0)
        return int(args[0])
    if mode == "stderr-flood":
        left = int(args[0])
        block = b"e" * (1 << 20)
        while left > 0:
            left -= os.write(2, block[:left])
        return int(args[1])
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main())
