"""One-shot subprocess: ``--one-shot 'COMMAND'``, one process per document (ADAPTER.md §2).

``{kind}`` in COMMAND is replaced by the document kind; the document bytes go to stdin, which is then
closed. Exit status 0 is "valid", 1 "invalid"; any other status is ``errored``, a signal a ``crash`` and no
exit within the timeout a ``timeout`` (the process group is killed, so nothing is left behind).
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess

from ..model import ImplInfo, Reply
from .base import Implementation, TransportOptions
from .persistent import STDERR_CAP, describe_exit, excerpt

VALIDATE_CLASSES = ("core", "payload", "result", "progress", "worker")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _bounded(data: bytes) -> str:
    text = data[:STDERR_CAP].decode("utf-8", "replace")
    return text + (f"\n... ({len(data) - STDERR_CAP:,} more bytes dropped)" if len(data) > STDERR_CAP else "")


class OneShot(Implementation):
    reports_warnings = False

    def __init__(self, command: str, options: TransportOptions | None = None) -> None:
        self.command = command
        self.options = options or TransportOptions()

    def start(self) -> ImplInfo:
        self.info = ImplInfo(
            name=self.command,
            version="unknown",
            language="unknown",
            kinds=("job", "result", "progress", "worker"),
            classes=VALIDATE_CLASSES,
        )
        return self.info

    def validate(self, kind: str, data: bytes) -> Reply:
        # The kind is one of four fixed words; quoting keeps a future odd kind from reaching the shell.
        command = self.command.replace("{kind}", shlex.quote(kind))
        try:
            proc = subprocess.Popen(
                command,
                shell=True,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as err:
            return Reply("errored", message=f"cannot run {command!r}: {err}")
        try:
            out, errout = proc.communicate(data, timeout=self.options.timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out, errout = proc.communicate()
            return Reply("timeout", message=f"no exit within {self.options.timeout:g} s", stderr=_bounded(errout))
        finally:
            _kill_group(proc)  # children it left behind
        status = proc.returncode
        stderr = _bounded(errout)
        if status == 0:
            return Reply("ok", valid=True, stderr=stderr)
        if status == 1:
            return Reply("ok", valid=False, stderr=stderr)
        seen = f"; stdout: {excerpt(out)}" if out else ""
        if status < 0:
            return Reply("crash", message=f"the command {describe_exit(status)}{seen}", stderr=stderr)
        if 128 < status <= 128 + 64:
            # The shell reports a child killed by signal N as 128+N.
            try:
                name = signal.Signals(status - 128).name
            except ValueError:
                name = str(status - 128)
            return Reply("crash", message=f"the command exited with status {status}: killed by {name}{seen}",
                         stderr=stderr)  # fmt: skip
        hint = " (the shell could not find the command)" if status == 127 else ""
        return Reply(
            "errored",
            message=f"exit status {status}{hint}: expected 0 (valid) or 1 (invalid){seen}",
            stderr=stderr,
        )
