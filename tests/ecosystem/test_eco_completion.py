"""``vmjob completion bash|zsh|fish``: generated from the parser, so every command and option is in it;
bash's script is run here as bash runs it, zsh's and fish's are checked by their shells where installed."""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

import pytest

from conformance.cli import COMMAND_MODULES, build_parser
from conformance.commands.completion import SHELLS, levels, script

from ._cli import vmjob


@pytest.fixture(scope="module")
def scripts() -> dict[str, str]:
    out = {}
    for shell in SHELLS:
        done = vmjob("completion", shell)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        out[shell] = done.stdout
    return out


@pytest.mark.slow
def test_every_command_and_option_is_in_every_script(scripts: dict[str, str]) -> None:
    all_levels = levels(build_parser())
    assert set(all_levels[()].subcommands) == set(COMMAND_MODULES)
    certify = all_levels[("certify",)]
    for option in ("--cmd", "--url", "--level", "--json", "--name", "--config", "--rule"):
        assert option in certify.options
    assert certify.values["--level"] == ["required", "recommended"]
    for shell, text in scripts.items():
        for name in COMMAND_MODULES:
            assert name in text, (shell, name)
        for option in certify.options:
            word = option if shell != "fish" else f"-l {option[2:]}"
            assert word in text, (shell, option)


def test_a_new_option_is_completed_without_touching_the_generator() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    sub.choices["certify"].add_argument("--brand-new", choices=["a", "b"])
    text = script("bash", parser)
    assert "--brand-new" in text and '"certify|--brand-new") echo "a b" ;;' in text


def _complete(bash_script: Path, line: str) -> list[str]:
    """What bash completes for ``line`` (a trailing space: a new, empty word)."""
    program = (
        f"source {bash_script}\n"
        'read -ra COMP_WORDS <<< "$LINE"\n'
        '[[ $LINE == *" " ]] && COMP_WORDS+=("")\n'
        "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
        "_vmjob\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, env={"LINE": line}, timeout=30)
    assert done.returncode == 0, done.stderr
    return [w for w in done.stdout.splitlines() if w]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_options_choices_and_subcommands(scripts: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "vmjob.bash"
    path.write_text(scripts["bash"])
    assert _complete(path, "vmjob cer") == ["certify"]
    assert _complete(path, "vmjob comp") == ["compare", "completion"]
    assert _complete(path, "vmjob certify --lev") == ["--level"]
    assert _complete(path, "vmjob certify --level ") == ["required", "recommended"]
    assert _complete(path, "vmjob certify --cmd ./a --level re") == ["required", "recommended"]
    assert _complete(path, "vmjob validate --kind ") == ["auto", "job", "result", "progress", "worker"]
    assert "check" in _complete(path, "vmjob corpus ")
    assert _complete(path, "vmjob completion ") == ["bash", "zsh", "fish"]
    assert _complete(path, "vmjob certify --json ") == []  # a file name: bash's default completion


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_parse(scripts: dict[str, str], tmp_path: Path, shell: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed here: its script is checked where it is")
    path = tmp_path / f"vmjob.{shell}"
    path.write_text(scripts[shell])
    done = subprocess.run([shell, "-n", str(path)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def test_fish_completes_the_level_choices(scripts: dict[str, str], tmp_path: Path) -> None:
    if shutil.which("fish") is None:
        pytest.skip("fish is not installed here")
    path = tmp_path / "vmjob.fish"
    path.write_text(scripts["fish"])
    done = subprocess.run(["fish", "-c", f"source {path}; complete -C 'vmjob certify --level '"],
                          capture_output=True, text=True, timeout=30)  # fmt: skip
    assert sorted(line.split("\t")[0] for line in done.stdout.splitlines()) == ["recommended", "required"]


def test_an_unknown_shell_is_a_usage_error() -> None:
    done = vmjob("completion", "tcsh")
    assert done.returncode == 2 and "invalid choice: 'tcsh'" in done.stderr
