"""The checked-in SPEC.md is exactly what the rule table generates, and names every rule."""

from __future__ import annotations

import subprocess
import sys

from reference import RULES
from reference.spec import render, spec_path


def test_spec_is_in_sync_with_the_rule_table() -> None:
    assert spec_path().read_text(encoding="utf-8") == render(), "run: python -m reference.spec"


def test_spec_states_every_rule_with_its_level_and_polarity() -> None:
    text = render()
    for rule in RULES.values():
        assert f"- **`{rule.id}`** — {rule.level}, polarity `{rule.polarity}`. {rule.statement}" in text
        if rule.decision:
            assert rule.decision in text


def test_spec_check_command_reports_sync() -> None:
    done = subprocess.run([sys.executable, "-m", "reference.spec", "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
