"""The zoo's ``--list`` read by a program that stops early (``| head``) ends quietly: exit 0, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conformance.zoo import VARIANTS
from conformance.zoo.hostile import HOSTILE


@pytest.mark.parametrize("module", ["conformance.zoo", "conformance.zoo.workers", "conformance.zoo.hostile_workers"])
def test_a_reader_that_has_gone_gets_no_traceback(module: str) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the list is written: every write fails (EPIPE)
    try:
        argv = [sys.executable, "-m", module, "--list"]
        proc = subprocess.run(argv, stdout=write, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write)
    assert proc.returncode == 0
    assert proc.stderr == b""


def test_the_list_still_names_every_member() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "conformance.zoo", "--list"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert [line.split("\t")[0] for line in out.splitlines()] == [*VARIANTS, *HOSTILE]
