"""Running ``vmjob`` as a user runs it: the installed console script, as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: The installed console script; ``python -m conformance`` where it is not installed.
_SCRIPT = Path(sys.executable).with_name("vmjob")
VMJOB = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "conformance"]
#: The repository's root (the test files live two folders below it).
ROOT = Path(__file__).resolve().parents[2]


def vmjob(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    return subprocess.run(
        [*VMJOB, *args],
        input=stdin.decode("utf-8", "surrogateescape") if stdin is not None else None,
        capture_output=True,
        text=True,
        env=environ,
        cwd=cwd,
        timeout=120,
    )
