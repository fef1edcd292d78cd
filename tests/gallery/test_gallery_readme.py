"""The gallery table committed in ``implementations/README.md`` is the one a fresh run gives: the gallery is a
regression test, and a change of the corpus, the reference or an implementation that changes a row shows up
here. A row whose toolchain is absent on this machine is skipped with the reason, never passed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conformance.gallery.manifest import MANIFEST
from conformance.gallery.run import GALLERY_FUZZ, GALLERY_SEED
from conformance.gallery.table import committed_rows, fresh_rows, split_block

ROOT = Path(__file__).resolve().parent.parent.parent
IMPLEMENTATIONS = ROOT / "implementations"
README = IMPLEMENTATIONS / "README.md"
NAMES = sorted(p.parent.name for p in IMPLEMENTATIONS.glob(f"*/{MANIFEST}"))


def committed() -> dict[str, str]:
    _, block, _ = split_block(README.read_text(encoding="utf-8"), str(README))
    return committed_rows(block)


def test_the_readme_has_a_row_for_every_implementation_and_says_how_it_was_made() -> None:
    rows = committed()
    assert sorted(k for k in rows if ":" not in k) == NAMES
    _, block, _ = split_block(README.read_text(encoding="utf-8"), str(README))
    assert f"{GALLERY_FUZZ:,} generated documents with seed {GALLERY_SEED}." in block
    assert "vmjob gallery --update-readme" in README.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One gallery run over the repository's implementations, with the defaults the README's table used."""
    out = tmp_path_factory.mktemp("gallery")
    proc = subprocess.run(
        [sys.executable, "-m", "conformance", "gallery", "--implementations", str(IMPLEMENTATIONS), "--out", str(out),
         "--quiet"],
        capture_output=True, text=True, timeout=3600, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr
    data: dict[str, Any] = json.loads((out / "gallery.json").read_text())
    return data


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_the_committed_row_is_the_row_of_a_fresh_run(name: str, fresh: dict[str, Any]) -> None:
    item = next(i for i in fresh["implementations"] if i["name"] == name)
    if item["status"] == "skipped":
        pytest.skip(f"{name} cannot be certified on this machine: {item['reason']}")
    assert item["status"] == "certified", f"{item['status']}: {item['reason']}\n{item.get('build_log_tail', '')}"
    rows, now = committed(), fresh_rows(fresh)
    hint = "regenerate the table with: vmjob gallery --update-readme"
    assert rows.get(name) == now[name], hint
    assert rows.get(f"{name}:rules") == now[f"{name}:rules"], hint
