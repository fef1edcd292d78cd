"""The pre-commit hook, run by pre-commit itself on a sample repository, taking the hook from this
repository at HEAD (a path repository, as `repo: https://…` would be a clone of it).

pre-commit installs the hook's repository (and its dependencies) into an environment of its own, once per
test module here. Set VMJOB_HOOK_REPO to another git repository to take the hook from its HEAD instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ._cli import ROOT

pytestmark = pytest.mark.slow

EXAMPLES = ROOT / "reference" / "examples"
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def hook_repo() -> tuple[str, str]:
    if not PRE_COMMIT.exists():
        pytest.skip("pre-commit is not installed (pip install -e '.[test]' installs it)")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = Path(os.environ.get("VMJOB_HOOK_REPO") or ROOT)
    if not (repo / ".git").exists():
        pytest.skip(f"{repo} is not a git repository: the hook is taken from a git repository at HEAD")
    rev = _git(repo, "rev-parse", "HEAD")
    listed = _git(repo, "ls-tree", "--name-only", rev, ".pre-commit-hooks.yaml")
    assert listed == ".pre-commit-hooks.yaml", "the hook file must be committed: pre-commit reads it at HEAD"
    return str(repo), rev


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pre-commit's cache, shared by the module's tests: the hook's environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _sample(tmp_path: Path, hook_repo: tuple[str, str], hooks: str) -> Path:
    repo = tmp_path / "sample"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "test@example.invalid")
    _git(repo, "config", "user.name", "test")
    path, rev = hook_repo
    (repo / ".pre-commit-config.yaml").write_text(f"repos:\n  - repo: {path}\n    rev: {rev}\n    hooks:\n{hooks}")
    return repo


def _run(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    _git(repo, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run([str(PRE_COMMIT), "run", "--all-files", "--color", "never"], cwd=repo,
                          capture_output=True, text=True, env=env, timeout=900)  # fmt: skip


def test_job_files_are_validated_and_a_bad_one_fails_the_hook(
    tmp_path: Path, hook_repo: tuple[str, str], home: Path
) -> None:
    repo = _sample(tmp_path, hook_repo, "      - id: vmjob-validate\n")
    (repo / "jobs").mkdir()
    shutil.copy(EXAMPLES / "job-minimal.json", repo / "jobs" / "minimal.json")
    shutil.copy(EXAMPLES / "job-complete.json", repo / "nightly.job.json")
    (repo / "package.json").write_text('{"name": "not a job"}')  # not a job file: left alone
    done = _run(repo, home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "vmjob validate" in done.stdout and "Passed" in done.stdout

    job = json.loads((EXAMPLES / "job-minimal.json").read_text())
    job["execution"] = {"priority": 11}
    (repo / "jobs" / "bad.json").write_text(json.dumps(job))
    done = _run(repo, home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout
    assert "jobs/bad.json: invalid (job)" in done.stdout
    assert "error at /execution/priority: 11 is greater than the maximum of 10 [core.execution.priority, required]" in (
        done.stdout
    )
    assert "package.json" not in done.stdout


def test_other_kinds_by_detection(tmp_path: Path, hook_repo: tuple[str, str], home: Path) -> None:
    hooks = "      - id: vmjob-validate\n        files: ^fixtures/\n        args: [--kind, auto]\n"
    repo = _sample(tmp_path, hook_repo, hooks)
    (repo / "fixtures").mkdir()
    for name in ("result-failed.json", "progress.json", "worker.json", "job-minimal.json"):
        shutil.copy(EXAMPLES / name, repo / "fixtures" / name)
    done = _run(repo, home)
    assert done.returncode == 0, done.stdout + done.stderr
    (repo / "fixtures" / "odd.json").write_text('{"operation": "x", "phase": "p"}')
    done = _run(repo, home)
    assert done.returncode != 0
    assert "fixtures/odd.json': cannot tell the kind" in done.stdout + done.stderr
