"""``[tool.vmjob]`` in pyproject.toml, or vmjob.toml: the options a project certifies with every time."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from conformance import config

from ._cli import vmjob

WRONG = {"PYTHONPATH": str(Path(__file__).parent)}
PYPROJECT = """\
[project]
name = "my-validator"

[tool.vmjob]
python = "_wrong:reference"
fuzz = 0
results = "out/results.jsonl"

[tool.vmjob.reports]
json = "out/vmjob.json"
junit = "out/vmjob.xml"
"""


def _certify(cwd: Path, *args: str) -> tuple[int, str, str]:
    done = vmjob("certify", "--class", "worker", *args, cwd=cwd, env=WRONG)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.slow
def test_pyproject_gives_the_target_the_fuzz_budget_and_the_reports(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    sub = tmp_path / "src"
    sub.mkdir()
    status, out, err = _certify(sub)  # from a folder below: the nearest configuration applies
    assert status in (0, 1), err
    assert err.splitlines()[0] == f"vmjob certify: options from {tmp_path / 'pyproject.toml'}"
    report = json.loads((tmp_path / "out" / "vmjob.json").read_text())  # relative to the file's folder
    assert report["transport"] == {"kind": "python", "target": "_wrong:reference"}
    assert report["summary"]["fuzz"]["asked"] == 0 and report["level"] == "required"
    assert (tmp_path / "out" / "vmjob.xml").exists() and (tmp_path / "out" / "results.jsonl").exists()
    assert f"reports: JSON {tmp_path / 'out' / 'vmjob.json'}, JUnit {tmp_path / 'out' / 'vmjob.xml'}" in out


@pytest.mark.slow
def test_the_command_line_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.replace("fuzz = 0", 'fuzz = 0\nlevel = "required"'))
    status, _, err = _certify(tmp_path, "--level", "recommended", "--results", "mine.jsonl", "--json", "mine.json")
    assert status in (0, 1), err
    report = json.loads((tmp_path / "mine.json").read_text())
    assert report["level"] == "recommended"
    assert (tmp_path / "mine.jsonl").exists() and not (tmp_path / "out" / "results.jsonl").exists()
    assert (tmp_path / "out" / "vmjob.xml").exists()  # the reports not named on the command line still written


@pytest.mark.slow
def test_a_target_on_the_command_line_replaces_the_files(tmp_path: Path) -> None:
    (tmp_path / "vmjob.toml").write_text('cmd = "no-such-command --harness"\nfuzz = 0\n')
    status, _, err = _certify(tmp_path, "--python", "_wrong:reference", "--json", "r.json")
    assert status in (0, 1), err
    assert json.loads((tmp_path / "r.json").read_text())["transport"]["kind"] == "python"


@pytest.mark.slow
def test_vmjob_toml_wins_over_pyproject_and_no_config_reads_none(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "vmjob.toml").write_text('level = "strict"\n')
    status, _, err = _certify(tmp_path)
    assert status == 2
    expected = "level = 'strict': expected 'required' or 'recommended'"
    assert err == f"vmjob certify: error: {tmp_path / 'vmjob.toml'}: {expected}\n"
    status, _, err = _certify(tmp_path, "--no-config")
    assert status == 2 and err == "vmjob certify: error: one of --cmd, --one-shot, --url, --python is required\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.vmjob]\nlvl = 1\n", "[tool.vmjob] unknown key 'lvl'; expected one of cmd, one-shot, url, python, "
         "level, timeout, fuzz, seed, results, corpus, reports"),
        ("[tool.vmjob]\nfuzz = -1\n", "[tool.vmjob] fuzz = -1: expected an integer >= 0"),
        ("[tool.vmjob]\ntimeout = 'long'\n", "[tool.vmjob] timeout = 'long': expected a number of seconds > 0"),
        ("[tool.vmjob.reports]\npdf = 'r.pdf'\n", "[tool.vmjob] reports.pdf: unknown report; expected one of "
         "json, junit, markdown, html, badge, badge-endpoint"),
        ("[tool.vmjob]\ncmd = 'a'\nurl = 'http://x/'\n", "[tool.vmjob] cmd and url: give one target, not 2"),
        ("[tool.vmjob\n", "not valid TOML: "),
    ],
)  # fmt: skip
def test_a_bad_key_or_value_is_one_line_naming_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    status, out, err = _certify(tmp_path)
    assert status == 2 and out == ""
    assert err.startswith(f"vmjob certify: error: {tmp_path / 'pyproject.toml'}: {message}")
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    sub = tmp_path / "a"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    assert config.find(sub) is None


def test_apply_fills_only_what_the_command_line_left_unset(tmp_path: Path) -> None:
    path = tmp_path / "vmjob.toml"
    path.write_text('url = "http://127.0.0.1:1/{kind}"\nlevel = "recommended"\nseed = 3\n')
    args = argparse.Namespace(cmd=None, one_shot=None, url=None, python=None, level=None, seed=5, timeout=None)
    assert config.apply(args, path) == path
    assert (args.url, args.level, args.seed, args.timeout) == ("http://127.0.0.1:1/{kind}", "recommended", 5, None)
