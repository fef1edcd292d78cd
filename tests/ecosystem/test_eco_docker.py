"""The container image: the Dockerfile's promises read from it (non-root, vmjob as entrypoint, a build
context that holds what it copies), and a real build and run where a container engine works."""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
import uuid

import pytest

from ._cli import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _ignored(path: str) -> bool:
    patterns = [p.strip() for p in (ROOT / ".dockerignore").read_text().splitlines()]
    patterns = [p for p in patterns if p and not p.startswith("#")]
    return any(fnmatch.fnmatch(path, p) or path.split("/")[0] == p for p in patterns)


def test_runs_vmjob_as_an_unprivileged_user() -> None:
    final = DOCKERFILE.split("\nFROM ")[-1]  # the last stage is the image
    assert re.search(r"^USER vmjob$", final, re.M)
    assert "useradd" in final and "--uid 10001" in final
    assert re.search(r'^ENTRYPOINT \["vmjob"\]$', final, re.M)
    assert "--no-cache-dir" in final and "--no-index" in final  # no pip cache, nothing fetched in the image


def test_the_build_context_holds_what_the_dockerfile_copies() -> None:
    sources = [
        word
        for line in DOCKERFILE.splitlines()
        if line.startswith("COPY ") and "--from" not in line
        for word in line.split()[1:-1]
    ]
    assert {"pyproject.toml", "reference", "conformance", "corpus", "LICENSE", "NOTICE"} <= set(sources)
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not _ignored(source), source
    for heavy in (".git", ".venv", "tests", "vmjob-results"):
        assert _ignored(heavy), heavy


def _engine() -> str | None:
    for engine in ("docker", "podman"):
        if shutil.which(engine) is None:
            continue
        done = subprocess.run([engine, "info"], capture_output=True, timeout=60)
        if done.returncode == 0:
            return engine
    return None


@pytest.mark.slow
def test_the_image_builds_and_certifies() -> None:
    engine = _engine()
    if engine is None:
        pytest.skip("no container engine works here (`docker info` fails): the image is built where one does")
    tag = f"vmjob-test-{uuid.uuid4().hex[:8]}"
    build = subprocess.run([engine, "build", "-q", "-t", tag, str(ROOT)], capture_output=True, text=True,
                           timeout=1800)  # fmt: skip
    assert build.returncode == 0, build.stderr[-3000:]
    try:

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([engine, "run", "--rm", *args], capture_output=True, text=True, timeout=600)

        assert run(tag, "--version").stdout.startswith("vmjob ")
        assert run("--entrypoint", "id", tag, "-u").stdout.strip() == "10001"
        done = run(tag, "certify", "--cmd", "vmjob adapter", "--class", "worker", "--fuzz", "0")
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.splitlines()[-1].startswith("CONFORMANT at level required")
    finally:
        subprocess.run([engine, "rmi", "-f", tag], capture_output=True, timeout=300)
