"""The first things a new user types: `vmjob --help` and `vmjob certify --help`."""

from __future__ import annotations

import re

from ._cli import vmjob


def test_help_lists_certify_first() -> None:
    done = vmjob("--help")
    assert done.returncode == 0
    commands = re.findall(r"^    ([a-z]+)", done.stdout, re.M)
    assert commands[0] == "certify" and "validate" in commands and "completion" in commands


def test_certify_help_has_examples_and_points_to_adapter_md() -> None:
    done = vmjob("certify", "--help")
    assert done.returncode == 0
    text = done.stdout
    assert "examples:\n  vmjob certify --cmd './my-validator --harness'" in text
    for option in ("--url 'http://127.0.0.1:8080/{kind}' --name", "--one-shot", "--python", "--json -"):
        assert f"vmjob certify {option}" in text or option in text.split("examples:", 1)[1], option
    assert "conformance/ADAPTER.md" in text
    assert "[tool.vmjob]" in text
