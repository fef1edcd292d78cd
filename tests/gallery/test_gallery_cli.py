"""``vmjob gallery`` as a user runs it, over implementation folders whose adapters are zoo members: what it
writes, what it says about each implementation, and how it ends when one cannot be built, started or read."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]
GalleryRun = tuple[subprocess.CompletedProcess[str], Path]


def test_the_command_s_defaults_are_the_gallery_s() -> None:
    from conformance.commands import gallery as command
    from conformance.gallery import run

    assert (command.GALLERY_SEED, command.GALLERY_FUZZ, command.GALLERY_TIMEOUT) == (
        run.GALLERY_SEED, run.GALLERY_FUZZ, run.GALLERY_TIMEOUT)  # fmt: skip
    probe = "import sys, conformance.commands.gallery; print('conformance.gallery' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout == "False\n"


def by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["name"]: i for i in data["implementations"]}


@pytest.mark.slow
def test_gallery_certifies_each_implementation_and_writes_every_file(
    gallery_run: GalleryRun, gallery: Callable[[Path], dict[str, Any]]
) -> None:
    proc, out = gallery_run
    assert proc.returncode == 0, proc.stderr
    for name in ("zoo-built", "zoo-job-as-array", "zoo-reference"):
        assert {p.name for p in (out / name).iterdir()} >= {"results.jsonl", "report-required.json",
                                                           "report-recommended.json"}  # fmt: skip
    assert (out / "zoo-built" / "build.log").read_text().splitlines() == ["building zoo-built", "built launch.sh"]
    data = gallery(out)
    assert [i["name"] for i in data["implementations"]] == ["zoo-built", "zoo-job-as-array", "zoo-reference"]
    assert (data["seed"], data["fuzz"], data["levels"]) == (20260301, 200, ["required", "recommended"])
    items = by_name(data)
    assert {n: i["status"] for n, i in items.items()} == dict.fromkeys(items, "certified")
    ref, mutant, built = items["zoo-reference"], items["zoo-job-as-array"], items["zoo-built"]
    assert ref["summary"]["verdicts"] == {"required": "conformant", "recommended": "conformant"}
    assert ref["summary"]["failing"] == 0 and ref["summary"]["instructive"] == ""
    assert mutant["summary"]["verdicts"] == {"required": "not conformant", "recommended": "not conformant"}
    assert mutant["summary"]["failing_rules"]["required"] == ["parse.top-level-object"]
    assert built["summary"]["failing_rules"]["required"] == ["core.execution.priority"]
    assert built["summary"]["instructive"].startswith("`core.execution.priority`: job `execution.priority` = 0 ")
    # The certificates are the reports' manifests at each level, without the per-case results.
    cert = mutant["certificates"]["required"]
    assert cert["level"] == "required" and cert["run_level"] == "recommended" and "results" not in cert
    assert cert["conformant"] is False and cert["seed"] == 20260301
    report = json.loads((out / "zoo-job-as-array" / "report-required.json").read_text())
    assert report["summary"] == cert["summary"] and len(report["results"]) == report["summary"]["total"]


@pytest.mark.slow
def test_the_table_names_verdicts_failing_rules_and_the_instructive_failure(gallery_run: GalleryRun) -> None:
    proc, out = gallery_run
    table = (out / "gallery.md").read_text()
    assert proc.stdout == table
    lines = table.splitlines()
    assert lines[0] == (
        "| implementation | language | claim | required | recommended | failing rules | most instructive failure |"
    )
    row = next(line for line in lines if line.startswith("| zoo-job-as-array 0.1.0 "))
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[:6] == ["zoo-job-as-array 0.1.0", "Python", "full (4 kinds, 7 classes)", "✘ not conformant",
                         "✘ not conformant", "1 (1 required, 0 recommended)"]  # fmt: skip
    assert cells[6].startswith("`parse.top-level-object` (2 cases): job: the job given as an array")
    assert cells[6].endswith("expected invalid at the root, got valid")
    assert (
        "| zoo-reference 0.1.0 | Python | full (4 kinds, 7 classes) | ✔ conformant | ✔ conformant | none | — |" in table
    )
    assert "- **zoo-job-as-array** — required: `parse.top-level-object`" in lines
    assert "seed 20260301" in table and ":" not in table.split("seed")[1].split(".")[0]  # no time of day


@pytest.mark.slow
def test_the_gallery_is_deterministic(
    tmp_path: Path, gallery_run: GalleryRun, implementations: Path, run_vmjob: Run, fuzz: str
) -> None:
    _, first = gallery_run
    proc = run_vmjob("gallery", "--implementations", implementations, "--out", tmp_path / "again", "--fuzz", fuzz,
                     "--quiet")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert (tmp_path / "again" / "gallery.md").read_text() == (first / "gallery.md").read_text()


@pytest.mark.slow
def test_only_certifies_the_named_implementations(
    tmp_path: Path, implementations: Path, run_vmjob: Run, small_corpus: Path
) -> None:
    proc = run_vmjob("gallery", "--implementations", implementations, "--out", tmp_path / "o", "--fuzz", "0",
                     "--only", "zoo-reference", "--corpus", small_corpus, "--quiet")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path / "o" / "gallery.json").read_text())
    assert [i["name"] for i in data["implementations"]] == ["zoo-reference"]
    proc = run_vmjob("gallery", "--implementations", implementations, "--only", "nobody", "--out", tmp_path / "p")
    assert proc.returncode == 2
    assert proc.stderr.startswith("vmjob gallery: error: --only 'nobody': no implementation folder of that name")
    assert "zoo-built, zoo-job-as-array, zoo-reference" in proc.stderr


def test_an_absent_toolchain_skips_the_implementation_and_names_the_program(
    tmp_path: Path, run_vmjob: Run, add_impl: Callable[..., Path], implementations: Path
) -> None:
    add_impl(implementations, "needs-tool", "{python} -m conformance.zoo eq-other-messages",
             requires=["vmjob-no-such-compiler"], build=["vmjob-no-such-compiler", "build"])  # fmt: skip
    proc = run_vmjob("gallery", "--implementations", implementations, "--only", "needs-tool", "--out",
                     tmp_path / "o")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "vmjob gallery: needs-tool: skipped: vmjob-no-such-compiler not found on PATH" in proc.stderr
    item = json.loads((tmp_path / "o" / "gallery.json").read_text())["implementations"][0]
    assert (item["status"], "reports" in item) == ("skipped", False)
    assert "| needs-tool 0.0.1 | Python | — | — | — | — | skipped: vmjob-no-such-compiler not found" in proc.stdout


@pytest.mark.slow
def test_a_failed_build_shows_the_log_tail_and_the_others_are_still_certified(
    tmp_path: Path, run_vmjob: Run, add_impl: Callable[..., Path], implementations: Path, small_corpus: Path
) -> None:
    folder = add_impl(implementations, "broken-build", "{python} -m conformance.zoo eq-other-messages",
                      build=["sh", "build.sh"])  # fmt: skip
    (folder / "build.sh").write_text(
        "for i in $(seq 1 30); do echo line $i; done\necho 'error[E0425]: no' >&2\nexit 3\n"
    )
    proc = run_vmjob("gallery", "--implementations", implementations, "--only", "broken-build", "--only",
                     "zoo-reference", "--fuzz", "0", "--corpus", small_corpus, "--out", tmp_path / "o")  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "vmjob gallery: broken-build: build-failed: the build exited with status 3" in proc.stderr
    items = by_name(json.loads((tmp_path / "o" / "gallery.json").read_text()))
    tail = items["broken-build"]["build_log_tail"].splitlines()
    assert tail[0] == "line 17" and tail[-1] == "error[E0425]: no" and len(tail) == 15
    assert items["zoo-reference"]["status"] == "certified"


@pytest.mark.slow
def test_a_build_that_hangs_is_stopped_at_its_timeout(
    tmp_path: Path, run_vmjob: Run, add_impl: Callable[..., Path], implementations: Path
) -> None:
    add_impl(implementations, "slow-build", "{python} -m conformance.zoo eq-other-messages",
             build=["sh", "-c", "echo started; sleep 600"], build_timeout=1)  # fmt: skip
    proc = run_vmjob("gallery", "--implementations", implementations, "--only", "slow-build", "--out", tmp_path / "o",
                     timeout=60)  # fmt: skip
    assert proc.returncode == 1
    assert "slow-build: build-failed: the build did not finish within 1 s" in proc.stderr


@pytest.mark.slow
def test_an_adapter_that_cannot_start_is_a_finding_not_a_gallery_crash(
    tmp_path: Path, run_vmjob: Run, add_impl: Callable[..., Path], implementations: Path, small_corpus: Path
) -> None:
    add_impl(implementations, "dead-on-arrival", "sh -c 'echo no adapter here >&2; exit 3'")
    add_impl(implementations, "crashes-on-generated", "{python} -m conformance.zoo crash-on-generated")
    proc = run_vmjob("gallery", "--implementations", implementations, "--only", "dead-on-arrival", "--only",
                     "crashes-on-generated", "--fuzz", "50", "--timeout", "10", "--corpus", small_corpus,
                     "--out", tmp_path / "o")  # fmt: skip
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    items = by_name(json.loads((tmp_path / "o" / "gallery.json").read_text()))
    dead = items["dead-on-arrival"]
    assert dead["status"] == "error" and dead["reason"].startswith("the adapter cannot be certified: ")
    assert not (tmp_path / "o" / "dead-on-arrival" / "results.jsonl").exists()
    # A crash on generated documents is that implementation's finding: certified, not conformant.
    crashing = items["crashes-on-generated"]
    assert crashing["status"] == "certified"
    assert crashing["summary"]["verdicts"] == {"required": "incomplete", "recommended": "incomplete"}
    assert crashing["certificates"]["required"]["summary"]["fuzz"]["faults"] > 0


@pytest.mark.slow
def test_placeholders_are_replaced_and_quoted_for_the_shell(
    tmp_path: Path, run_vmjob: Run, add_impl: Callable[..., Path], schema: Path, small_corpus: Path
) -> None:
    root = tmp_path / "impl dir; with $pace"
    root.mkdir()
    (root / "implementation.schema.json").write_bytes(schema.read_bytes())
    folder = add_impl(root, "quoted", "sh {dir}/run.sh {python} {schemas}")
    (folder / "run.sh").write_text(
        'test -f "$2/job-v1.json" || exit 9\nexec "$1" -m conformance.zoo eq-other-messages\n'
    )
    proc = run_vmjob(
        "gallery", "--implementations", root, "--fuzz", "0", "--corpus", small_corpus, "--out", tmp_path / "o"
    )
    assert proc.returncode == 0, proc.stderr
    item = json.loads((tmp_path / "o" / "gallery.json").read_text())["implementations"][0]
    assert item["summary"]["verdicts"]["required"] == "conformant"


def test_bad_manifests_are_reported_one_line_each_and_nothing_runs(
    tmp_path: Path, run_vmjob: Run, add_impl: Callable[..., Path], implementations: Path
) -> None:
    add_impl(implementations, "no-run", "x")
    manifest = json.loads((implementations / "no-run" / "implementation.json").read_text())
    del manifest["run"]
    (implementations / "no-run" / "implementation.json").write_text(json.dumps(manifest))
    folder = add_impl(implementations, "wrong-name", "x")
    manifest = json.loads((folder / "implementation.json").read_text())
    (folder / "implementation.json").write_text(json.dumps({**manifest, "name": "another-name"}))
    (implementations / "not-json").mkdir()
    (implementations / "not-json" / "implementation.json").write_text("{name: 1")
    add_impl(implementations, "bad-timeout", "x", build=["make"], build_timeout="soon")
    proc = run_vmjob("gallery", "--implementations", implementations, "--out", tmp_path / "o")
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 4, proc.stderr
    assert all(line.startswith("vmjob gallery: error: ") for line in lines)
    text = "\n".join(lines)
    assert "bad-timeout/implementation.json: 'soon' is not of type " in text and "at /build_timeout" in text
    assert "no-run/implementation.json: 'run' is a required property at the top level" in text
    assert "not-json/implementation.json: not JSON: " in text
    assert "wrong-name/implementation.json: name='another-name' is not the folder's name 'wrong-name'" in text
    assert text.endswith("(4 bad manifests)")
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_usage_errors_exit_2_with_one_line(tmp_path: Path, run_vmjob: Run, implementations: Path) -> None:
    cases = [
        (("--implementations", tmp_path / "nowhere"), "no such directory of implementations"),
        (("--implementations", implementations, "--schema", tmp_path / "none.json"), "no such file: the manifest"),
        (("--implementations", implementations, "--fuzz", "-1"), "--fuzz=-1 must be >= 0"),
        (("--implementations", implementations, "--update-readme"), "README.md: no gallery block"),
        (("--implementations", tmp_path), "no implementation folder"),
    ]
    (implementations / "README.md").write_text("# no block\n")
    for args, message in cases:
        proc = run_vmjob("gallery", *args, "--out", tmp_path / "o")
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.startswith("vmjob gallery: error: ") and message in proc.stderr, (args, proc.stderr)
        assert len(proc.stderr.splitlines()) == 1 and "Traceback" not in proc.stderr
