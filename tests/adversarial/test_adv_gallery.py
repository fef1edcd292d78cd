"""Red team: hostile manifests and hostile implementations through ``vmjob gallery``; a bad ``--cluster``."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conformance.cli import main

SCHEMA = Path(__file__).resolve().parents[2] / "implementations" / "implementation.schema.json"


def _manifest(name: str, run: str = "true", **over: object) -> dict[str, object]:
    return {"name": name, "language": "Python", "version": "0", "homepage": "https://example.invalid",
            "represents": "a red-team member", "requires": [], "run": run, **over}  # fmt: skip


def _gallery(tmp: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    shutil.copy(SCHEMA, tmp / "impls" / SCHEMA.name)
    argv = ["gallery", "--implementations", str(tmp / "impls"), "--out", str(tmp / "out"), "--timeout", "5"]
    code = main([*argv, *extra])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def _folder(tmp: Path, name: str) -> Path:
    folder = tmp / "impls" / name
    folder.mkdir(parents=True)
    return folder


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"name": "x", "language": "\xff"}', "not JSON"),
        (b"[" * 30_000 + b"]" * 30_000, "not JSON"),
        (b"{" + b" " * 70_000 + b"}", "is not a manifest"),
        (json.dumps(_manifest("../../evil")).encode(), "does not match"),
        (json.dumps(_manifest("x", extra=1)).encode(), "extra"),
    ],
)
def test_a_hostile_manifest_is_one_line(
    content: bytes, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (_folder(tmp_path, "x") / "implementation.json").write_bytes(content)
    code, _, err = _gallery(tmp_path, capsys, "--fuzz", "0")
    assert code == 2 and words in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_manifest_that_is_not_a_file_is_not_read(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _folder(tmp_path, "x") / "implementation.json"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    code, _, err = _gallery(tmp_path, capsys, "--fuzz", "0")
    assert code == 2 and "no implementation folder" in err


@pytest.mark.slow
def test_a_hostile_implementation_in_the_gallery_is_not_shown_conformant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = "{python} -m conformance.zoo crash-on-generated"
    (_folder(tmp_path, "crashy") / "implementation.json").write_text(json.dumps(_manifest("crashy", run)))
    code, out, _ = _gallery(tmp_path, capsys, "--fuzz", "300")
    assert code == 0  # it was certified: the verdict is the row's
    row = next(line for line in out.splitlines() if line.startswith("| crashy "))
    assert "conformant" not in row.replace("not conformant", "") and row.count("incomplete") == 2
    gallery = json.loads((tmp_path / "out" / "gallery.json").read_text())
    (entry,) = gallery["implementations"]
    assert entry["summary"]["verdicts"] == {"required": "incomplete", "recommended": "incomplete"}
    assert all(entry["certificates"][level]["conformant"] is False for level in ("required", "recommended"))


@pytest.mark.parametrize("address", ["notaurl!!", "tcp://host-without-port", ""])
def test_a_malformed_cluster_address_is_one_line_at_once(address: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Before: "cannot reach the Dask scheduler at 'notaurl!!': missing port number", then 30 s later a
    # traceback from the half-made Client's __del__ ("TimeoutError: timed out after 30 s.").
    pytest.importorskip("distributed")
    code = main(["fuzz", "--cmd", "true", "--examples", "10", "--cluster", address])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
