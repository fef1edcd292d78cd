"""``vmjob fuzz --cluster``: a campaign's slices as tasks of a local Dask cluster of two workers, findings
shared as it runs (a task submitted after one found something replays that first)."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.fuzz.slices import Campaign, run_slice
from conformance.fuzz.stats import FuzzStats
from conformance.transports import TransportOptions, open_implementation

from .streams import MUTANT

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="the cluster extra is not installed (pip install 'vmjob[cluster]')",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A scheduler and two single-threaded workers on this machine; their address."""
    logs = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "dask"]
    procs = [
        subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            stdout=subprocess.DEVNULL,
            stderr=(logs / "scheduler.log").open("w"),
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            assert time.monotonic() < deadline, "the Dask scheduler did not start in 60 s"
            assert procs[0].poll() is None, (logs / "scheduler.log").read_text()
            time.sleep(0.2)
        for n in (1, 2):
            procs.append(
                subprocess.Popen(
                    [*dask, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard"],
                    stdout=subprocess.DEVNULL,
                    stderr=(logs / f"worker{n}.log").open("w"),
                )
            )
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _report(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


def _seed_whose_first_slices_both_find() -> int:
    """A seed whose slices 0 and 1 each find the mutant's fault (run here, as the cluster's workers will):
    whichever finishes first, the slices submitted after it are given a finding to replay."""
    impl = open_implementation("cmd", MUTANT, TransportOptions(timeout=10))
    info = impl.start()
    try:
        for seed in range(5, 12):
            campaign = Campaign(seed, 3000, kinds=info.kinds, classes=info.classes)
            if all(any(run_slice(impl, campaign, i, FuzzStats())) for i in (0, 1)):
                return seed
    finally:
        impl.close()
    raise AssertionError("no seed in 5..11 has both first slices find the fault: the test needs another mutant")


@pytest.mark.slow
def test_a_campaign_over_two_workers_shares_its_findings(cluster: str, tmp_path: Path) -> None:
    import distributed

    seed = _seed_whose_first_slices_both_find()
    with distributed.Client(cluster, timeout=30) as client:  # both workers in before the campaign
        client.wait_for_workers(2, timeout=60)
    report = tmp_path / "cluster.jsonl"
    code = main(["fuzz", "--cluster", cluster, "--cmd", MUTANT, "--seed", str(seed), "--examples", "3000",
                 "--report", str(report), "--quiet"])  # fmt: skip
    assert code == 1  # the mutant accepts priority 0
    recs = _report(report)
    found = [r for r in recs if r["type"] == "finding"]
    assert [f["rule"] for f in found].count("core.execution.priority") == 1
    stats = recs[-1]["stats"]
    assert isinstance(stats, dict)
    assert stats["examples"] == 3000 and stats["unanswered"] == 0 and stats["slices"] == 3
    # Two slices ran first, one per worker, and both found the fault; the third was submitted once one of
    # them was in, and replayed the fault before fuzzing: it still diverges.
    assert stats["replayed"] >= 1
    assert stats["replayed_diverging"] == stats["replayed"]


@pytest.mark.slow  # the client tries for its whole connect timeout (15 s) before it gives up
def test_a_scheduler_that_cannot_be_reached_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = _free_port()  # nothing listens there
    code = main(["fuzz", "--cluster", f"tcp://127.0.0.1:{port}", "--cmd", MUTANT, "--examples", "10"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"cannot reach the Dask scheduler at 'tcp://127.0.0.1:{port}'" in err
    assert "Traceback" not in err
