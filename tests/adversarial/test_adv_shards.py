"""Red team: one shard, or shard streams edited by hand, cut short, joined or mixed, never earn a certificate.

Each test is an attack: the verdict it must not reach, and the one it must."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.reports import build_report, read_stream

ADAPTER = f"{shlex.quote(sys.executable)} -m conformance adapter"


def _certify(results: Path, *args: str) -> int:
    return main(["certify", "--cmd", ADAPTER, "--results", str(results), "--quiet", "--workers", "1", *args])


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The reference as shard 1/2 and 2/2 of one run (seed 5, 300 generated documents)."""
    tmp = tmp_path_factory.mktemp("adv-shards")
    out = {}
    for k in (1, 2):
        out[str(k)] = tmp / f"shard-{k}.jsonl"
        _certify(out[str(k)], "--seed", "5", "--fuzz", "300", "--shard", f"{k}/2")
    return out


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]


def _write(path: Path, recs: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


def test_a_tiny_shard_alone_is_no_certificate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Before: `vmjob certify --shard 7/1000` ran 4 corpus cases and printed "CONFORMANT at level required for
    # all 4 document kinds, all 7 classes" (exit 0): a certificate for a thousandth of the claim.
    stream = tmp_path / "r.jsonl"
    code = _certify(stream, "--seed", "1", "--fuzz", "0", "--shard", "7/1000")
    assert code == 1
    report = build_report(read_stream(stream))
    assert report["conformant"] is False
    assert report["summary"]["blocking"] == 0  # nothing wrong was found: it is only not the whole run
    assert any("shard 7/1000 is 1 of" in why for why in report["summary"]["incomplete"])


@pytest.mark.slow
def test_each_shard_alone_is_incomplete_and_their_merge_certifies(
    two: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    for path in two.values():
        report = build_report(read_stream(path))
        assert report["conformant"] is False and report["summary"]["failed"] == 0
    assert main(["report", "merge", str(two["1"]), str(two["2"])]) == 0
    assert "CONFORMANT at level required for all 4 document kinds" in capsys.readouterr().out


@pytest.mark.slow
def test_shard_1_of_1_is_the_whole_run(tmp_path: Path) -> None:
    stream = tmp_path / "r.jsonl"
    assert _certify(stream, "--seed", "1", "--fuzz", "0", "--shard", "1/1") == 0


def _merge(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, str]:
    code = main(["report", "merge", *map(str, paths)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_a_shard_relabelled_as_the_whole_run_is_refused(
    two: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The header's shard edited to 1/1: the merge's own count check sees half the cases of shard 2 missing;
    # alone, it is a stream with half the cases (a hand-edited stream is as trusted as its editor: the one
    # thing asked here is that the merge of a relabelled shard with the others does not certify).
    recs = _lines(two["1"])
    recs[0]["shard"] = {"index": 1, "count": 1}
    forged = _write(tmp_path / "forged.jsonl", recs)
    code, err = _merge(capsys, forged, two["2"])
    assert code == 2 and "shard count 2 differs" in err


def test_a_shard_twice_under_two_names_is_refused(
    two: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Shard 1 copied and relabelled 2/2: its results are not the ones due to shard 2 by count only when the
    # pass sizes differ; either way the merge must not certify the cases of shard 2 never run.
    recs = _lines(two["1"])
    recs[0]["shard"] = {"index": 2, "count": 2}
    copy = _write(tmp_path / "copy.jsonl", recs)
    code, err = _merge(capsys, two["1"], copy)
    assert code == 2, err
    assert "copy.jsonl" in err


@pytest.mark.parametrize("cut", ["footer", "half-line", "interrupted"])
def test_a_shard_cut_short_is_named(
    cut: str, two: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = two["2"].read_text(encoding="utf-8")
    lines = [line + "\n" for line in text.split("\n") if line]
    if cut == "footer":
        text = "".join(lines[:-1])
    elif cut == "half-line":
        text = "".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2]
    else:
        foot = json.loads(lines[-1])
        foot["interrupted"] = True
        text = "".join(lines[:-1]) + json.dumps(foot) + "\n"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(text, encoding="utf-8")
    code, err = _merge(capsys, two["1"], bad)
    assert code == 2 and "shard 2/2 is incomplete" in err


def test_two_shards_joined_in_one_file_are_refused(
    two: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    joined = tmp_path / "joined.jsonl"
    joined.write_text(two["1"].read_text(encoding="utf-8") + two["2"].read_text(encoding="utf-8"), encoding="utf-8")
    code, err = _merge(capsys, joined, two["2"])
    assert code == 2 and "joined.jsonl" in err
    code = main(["report", str(joined)])
    err = capsys.readouterr().err
    assert code == 2 and "a second header" in err


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("seed", 6, "seed"),
        ("fuzz", 100, "fuzz budget"),
        ("level", "recommended", "level"),
        ("filters", {"kinds": [], "classes": ["core"], "rules": []}, "filters"),
        ("implementation", {"name": "other", "version": "1", "kinds": ["job"], "classes": ["core"]}, "implementation"),
    ],
)
def test_shards_of_two_runs_are_refused(
    field: str, value: Any, words: str, two: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recs = _lines(two["2"])
    recs[0][field] = value
    other = _write(tmp_path / "other.jsonl", recs)
    code, err = _merge(capsys, two["1"], other)
    assert code == 2 and f"other.jsonl: {words} " in err


def test_a_stream_of_junk_lines_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.jsonl"
    junk.write_bytes(b'{"type": "header"}\n\xff\xfe not json\n' + b"[" * 100_000 + b"\n{}\n")
    for argv in (["report", str(junk)], ["report", "merge", str(junk), str(junk)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
