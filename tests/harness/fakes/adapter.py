"""A persistent-protocol implementation that misbehaves on purpose, steered by words (as Bowtie's harness
tests are): ``python adapter.py MODE [ARG]``. Modes that answer verdicts use the reference's.

    always-valid, always-invalid     protocol-correct, one verdict for everything
    reference                        correct answers (the control)
    crash-at-start                   exits 3 before answering start
    crash-after N                    answers N requests, then dies of SIGSEGV-like exit (os._exit(7))
    crash-on-kind KIND               exits while handling any document of kind KIND
    hang-at-start, hang-after N      never answers (start, or after N requests)
    slow SECONDS                     answers correctly after SECONDS
    garbage                          answers with a line that is not JSON
    wrong-seq                        answers with seq + 1
    wrong-shape                      answers {"seq": N, "valid": "yes"}
    huge-line                        answers with 17 MiB and no newline
    stderr-noise                     writes 64 KiB to stderr per request, then answers correctly
    wrong-protocol                   answers start with protocol 2
    close-stdout                     closes its stdout at the first request and keeps running
    detach-then-hang-after N         first leaves a child in its own session (setsid: out of reach of a
                                     process group kill) sleeping with its stdio on /dev/null, as a daemon
                                     does; then as hang-after N
"""

from __future__ import annotations

import json
import os
import sys
import time

START = {
    "protocol": 1,
    "implementation": {"name": "fake", "version": "0", "language": "python"},
    "kinds": ["job", "result", "progress", "worker"],
    "classes": ["core", "payload", "result", "progress", "worker", "capabilities", "roundtrip"],
}


def out(obj: object) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def answer(req: dict) -> dict:
    from conformance import reference_impl
    from conformance.adapter_server import handle

    reply = handle(reference_impl.handler(), req)
    assert reply is not None
    return reply


def detach(seconds: float = 300) -> int:
    """A child in its own session that sleeps ``seconds`` with its stdio on /dev/null; its pid."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            time.sleep(seconds)
        finally:
            os._exit(0)
    return pid


def main() -> int:
    mode = sys.argv[1]
    arg = sys.argv[2] if len(sys.argv) > 2 else ""
    if mode == "detach-then-hang-after":
        detach()
        mode = "hang-after"
    if mode == "crash-at-start":
        sys.stderr.write("fake: cannot open my configuration\n")
        return 3
    if mode == "hang-at-start":
        time.sleep(3600)
    served = 0
    for line in sys.stdin:
        req = json.loads(line)
        cmd, seq = req.get("cmd"), req.get("seq")
        if cmd == "start":
            out(dict(START, protocol=2) if mode == "wrong-protocol" else START)
            continue
        if cmd == "stop":
            return 0
        served += 1
        if mode == "crash-after" and served > int(arg):
            os._exit(7)
        if mode == "crash-on-kind" and req.get("kind") == arg:
            os._exit(7)
        if mode == "close-stdout":
            os.close(1)
            time.sleep(3600)
        if mode == "hang-after" and served > int(arg):
            time.sleep(3600)
        if mode in ("always-valid", "always-invalid"):
            out({"seq": seq, "valid": mode == "always-valid"} if cmd == "validate" else answer(req))
        elif mode == "garbage":
            sys.stdout.write("Traceback (most recent call last): oops\n")
            sys.stdout.flush()
        elif mode == "wrong-seq":
            out({"seq": seq + 1, "valid": True})
        elif mode == "wrong-shape":
            out({"seq": seq, "valid": "yes"})
        elif mode == "huge-line":
            sys.stdout.write("x" * (17 * 1024 * 1024))
            sys.stdout.flush()
            time.sleep(3600)
        else:
            if mode == "slow":
                time.sleep(float(arg))
            if mode == "stderr-noise":
                sys.stderr.write(("noise " * 1000 + "\n") * 11)
                sys.stderr.flush()
            out(answer(req))
    return 0


if __name__ == "__main__":
    sys.exit(main())
