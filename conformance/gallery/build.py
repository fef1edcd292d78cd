"""Building an implementation: its manifest's ``build`` argv, in its folder, its output to a log.

A build is the implementation's own business (idempotent, quick when already built); the gallery only runs
it, bounds it in time, and on failure shows the last lines of its log. A build that cannot start, fails or
times out is a finding about that implementation, never a gallery crash.
"""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .manifest import Manifest, tool_path

#: Lines of the build log shown when a build fails.
LOG_TAIL = 15


@dataclass(frozen=True)
class BuildResult:
    """``ok``, or why not (``reason``: one line; ``tail``: the last lines of the log)."""

    ok: bool
    reason: str = ""
    tail: str = ""
    log: Path | None = None


def build(manifest: Manifest, log: Path) -> BuildResult:
    """Run the manifest's ``build`` (nothing to do without one), its output to ``log``."""
    if not manifest.build:
        return BuildResult(ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PATH=tool_path())
    argv = list(manifest.build)
    with log.open("wb") as out:
        try:
            proc = subprocess.Popen(
                argv, cwd=manifest.dir, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env,
                start_new_session=True,
            )  # fmt: skip
        except OSError as err:
            return BuildResult(False, f"the build {argv[0]!r} cannot start: {err.strerror or err}", log=log)
        try:
            status = proc.wait(timeout=manifest.build_timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            return BuildResult(False, f"the build did not finish within {manifest.build_timeout:g} s", _tail(log), log)
        except BaseException:  # interrupted: the build's whole process group goes with the gallery
            _kill_group(proc)
            raise
    if status != 0:
        return BuildResult(False, f"the build exited with status {status}", _tail(log), log)
    return BuildResult(True, log=log)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _tail(log: Path, lines: int = LOG_TAIL) -> str:
    try:
        text = log.read_bytes()[-16384:].decode("utf-8", "replace")
    except OSError:
        return ""
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])
