"""Fixtures of the gallery tests: implementation folders whose adapters are zoo members, copied to a
temporary folder (a build writes into its folder), and ``vmjob`` run as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FIXTURES = HERE / "fixtures"
#: The manifest schema, the repository's own.
SCHEMA = ROOT / "implementations" / "implementation.schema.json"
#: A small fuzz budget: enough for the fuzzer to find job-as-array's divergence, quick on a busy machine.
FUZZ = "200"


def vmjob(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


def copy_fixtures(dest: Path, *extra: tuple[str, dict[str, Any]]) -> Path:
    """The fixture folders and the manifest schema in ``dest``, with ``extra`` (name, manifest) folders."""
    shutil.copytree(FIXTURES, dest, ignore=shutil.ignore_patterns("launch.sh"))
    shutil.copy(SCHEMA, dest / "implementation.schema.json")
    for name, manifest in extra:
        add(dest, name, manifest)
    return dest


def add(root: Path, name: str, manifest: dict[str, Any]) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "implementation.json").write_text(json.dumps(manifest, indent=2))
    return folder


def manifest(name: str, run: str, **more: Any) -> dict[str, Any]:
    return {"name": name, "language": "Python", "version": "0.0.1", "homepage": "https://example.org/vmjob/test",
            "represents": "a test's implementation", "requires": [], "run": run, **more}  # fmt: skip


@pytest.fixture(scope="module")
def gallery_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One gallery run over the three fixture implementations: (the process, its --out folder)."""
    tmp = tmp_path_factory.mktemp("gallery")
    impls = copy_fixtures(tmp / "implementations")
    out = tmp / "out"
    proc = vmjob("gallery", "--implementations", impls, "--out", out, "--fuzz", FUZZ)
    return proc, out


def load_gallery(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "gallery.json").read_text())
    return data


# The helpers as fixtures, for the test modules (which import no conftest).
@pytest.fixture
def run_vmjob() -> Callable[..., subprocess.CompletedProcess[str]]:
    return vmjob


@pytest.fixture
def implementations(tmp_path: Path) -> Path:
    """A copy of the fixture implementations (and the manifest schema) in ``tmp_path/implementations``."""
    return copy_fixtures(tmp_path / "implementations")


@pytest.fixture
def add_impl() -> Callable[..., Path]:
    """``add_impl(root, name, run, **more)``: a folder with that manifest under ``root``."""

    def make(root: Path, name: str, run: str, **more: Any) -> Path:
        return add(root, name, manifest(name, run, **more))

    return make


@pytest.fixture
def gallery() -> Callable[[Path], dict[str, Any]]:
    """``gallery(out)``: the gallery.json of a run."""
    return load_gallery


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three files of the corpus (execution, parse and timestamp cases of jobs): enough for the fixture
    implementations' failures without counting on the fuzzer to find them, a tenth of the whole corpus's time."""
    root = tmp_path_factory.mktemp("corpus")
    for rel in (
        "case.schema.json",
        "ids.txt",
        "job/core/execution.json",
        "job/core/parse.json",
        "job/core/timestamp.json",
    ):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "corpus" / rel, root / rel)
    return root


@pytest.fixture
def schema() -> Path:
    return SCHEMA


@pytest.fixture
def fuzz() -> str:
    return FUZZ
