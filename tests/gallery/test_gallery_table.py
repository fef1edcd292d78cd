"""The README block: ``--update-readme`` rewrites only what is between the markers, keeps the committed row of
an implementation whose toolchain is absent, and ``--check-readme`` fails on a row a fresh run does not give."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conformance.gallery.table import BEGIN, END, committed_failing, committed_rows, split_block

Run = Callable[..., subprocess.CompletedProcess[str]]
BEFORE = "# Implementations\n\nText before the table.\n\n"
AFTER = "\n\n## Adding one\n\nText after the table.\n"


def readme(folder: Path, block: str = "\n") -> Path:
    path = folder / "README.md"
    path.write_text(f"{BEFORE}{BEGIN}{block}{END}{AFTER}")
    return path


@pytest.mark.slow
def test_update_readme_replaces_only_the_block_and_check_readme_then_passes(
    tmp_path: Path, implementations: Path, run_vmjob: Run, small_corpus: Path
) -> None:
    path = readme(implementations)
    args = ("gallery", "--implementations", implementations, "--fuzz", "0", "--corpus", small_corpus, "--out",
            tmp_path / "o", "--quiet")  # fmt: skip
    proc = run_vmjob(*args, "--update-readme")
    assert proc.returncode == 0, proc.stderr
    text = path.read_text()
    assert text.startswith(BEFORE + BEGIN + "\n\n") and text.endswith("\n" + END + AFTER)
    _, block, _ = split_block(text, "README.md")
    assert block.strip() == (tmp_path / "o" / "gallery.md").read_text().strip()
    assert set(committed_rows(block)) == {
        "zoo-built", "zoo-job-as-array", "zoo-reference", "zoo-built:rules", "zoo-job-as-array:rules",
        "zoo-reference:rules"}  # fmt: skip
    assert committed_failing(block)["zoo-built"] == {"core.execution.priority"}
    check = run_vmjob(*args, "--check-readme")
    assert check.returncode == 0, check.stderr
    # A second update gives the same file: the table holds no time.
    assert run_vmjob(*args, "--update-readme").returncode == 0
    assert path.read_text() == text


@pytest.mark.slow
def test_check_readme_names_a_stale_row_and_exits_1(
    tmp_path: Path, implementations: Path, run_vmjob: Run, small_corpus: Path
) -> None:
    path = readme(implementations)
    args = ("gallery", "--implementations", implementations, "--fuzz", "0", "--corpus", small_corpus, "--out",
            tmp_path / "o", "--quiet")  # fmt: skip
    assert run_vmjob(*args, "--update-readme").returncode == 0
    path.write_text(path.read_text().replace("| zoo-reference 0.1.0 | Python |", "| zoo-reference 0.1.0 | Pascal |"))
    proc = run_vmjob(*args, "--check-readme")
    assert proc.returncode == 1
    assert "the row of zoo-reference differs from this run:" in proc.stderr
    assert "committed: | zoo-reference 0.1.0 | Pascal |" in proc.stderr
    assert proc.stderr.rstrip().endswith("regenerate it with: vmjob gallery --update-readme")


@pytest.mark.slow
def test_a_row_whose_toolchain_is_absent_is_kept_and_its_failing_rules_still_count(
    tmp_path: Path, implementations: Path, run_vmjob: Run, small_corpus: Path
) -> None:
    path = readme(implementations)
    args = ("gallery", "--implementations", implementations, "--fuzz", "0", "--corpus", small_corpus, "--out",
            tmp_path / "o", "--quiet")  # fmt: skip
    assert run_vmjob(*args, "--update-readme").returncode == 0
    first = path.read_text()
    manifest = implementations / "zoo-built" / "implementation.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "requires": ["vmjob-no-such-compiler"]}))
    proc = run_vmjob(*args[:-1], "--update-readme")
    assert proc.returncode == 0, proc.stderr
    assert "kept the committed row of zoo-built (not certified here)" in proc.stderr
    assert path.read_text() == first
    data = json.loads((tmp_path / "o" / "gallery.json").read_text())
    assert data["failing_rules_from_readme"] == ["zoo-built"]
    assert run_vmjob(*args, "--check-readme").returncode == 0


@pytest.mark.slow
def test_readme_options_refuse_only_and_a_readme_without_the_block(
    tmp_path: Path, implementations: Path, run_vmjob: Run
) -> None:
    readme(implementations)
    proc = run_vmjob("gallery", "--implementations", implementations, "--only", "zoo-built", "--check-readme")
    assert proc.returncode == 2 and "--only cannot be given with --update-readme or --check-readme" in proc.stderr
    (implementations / "README.md").write_text(f"{BEGIN}\nno end marker\n")
    proc = run_vmjob("gallery", "--implementations", implementations, "--check-readme", "--out", tmp_path / "o")
    assert proc.returncode == 2 and "no gallery block (the end marker line" in proc.stderr
