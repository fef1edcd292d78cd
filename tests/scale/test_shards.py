"""``--shard K/N`` and ``vmjob report merge``: the merged shards are the run that was never cut; streams
that are not the complete shards of one run are refused, naming the file and what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.corpus import MODES
from conformance.reports import build_report, read_stream

from .streams import MUTANT, PY, certify, findings, records

ADAPTER = f"{PY} -m conformance adapter"


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A whole run of the mutant and the same run as three shards (one of them over two workers)."""
    tmp = tmp_path_factory.mktemp("shards")
    args = ["--cmd", MUTANT, "--seed", "21", "--fuzz", "2500"]
    out = {"whole": tmp / "whole.jsonl"}
    certify(out["whole"], *args, "--workers", "1")
    for k in (1, 2, 3):
        out[f"{k}"] = tmp / f"shard-{k}.jsonl"
        certify(out[f"{k}"], *args, "--shard", f"{k}/3", "--workers", "2" if k == 2 else "1")
    return out


def _merge(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = main(["report", "merge", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.err


@pytest.mark.slow
def test_merged_shards_are_the_single_run(
    shards: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    merged = tmp_path / "merged.jsonl"
    code, _ = _merge(capsys, shards["3"], shards["1"], shards["2"], "--out", merged)  # any order
    whole = records(shards["whole"])
    assert findings(whole), "nothing found: identical findings would prove little"
    assert records(merged) == whole
    assert code == 1  # the mutant is not conformant, merged or not
    a, b = build_report(read_stream(merged)), build_report(read_stream(shards["whole"]))
    assert a["summary"] == b["summary"]
    assert a["findings"] == b["findings"]


@pytest.mark.slow
def test_each_shard_holds_a_third_and_says_which(shards: dict[str, Path]) -> None:
    heads = [records(shards[k])[0] for k in "123"]
    assert [h["shard"] for h in heads] == [{"index": k, "count": 3} for k in (1, 2, 3)]
    assert "shard" not in records(shards["whole"])[0]
    counts = [sum(1 for r in records(shards[k]) if r["type"] == "result") for k in "123"]
    total = sum(1 for r in records(shards["whole"]) if r["type"] == "result")
    assert sum(counts) == total and max(counts) - min(counts) <= 2
    asked = [records(shards[k])[-1]["fuzz"]["asked"] for k in "123"]
    assert asked == [1000, 1000, 500]  # slices 0, 1 and the half slice 2


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_a_missing_shard_is_named(shards: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _merge(capsys, shards["1"], shards["3"])
    assert code == 2
    assert "shard 2/3 missing" in _one_line(err)


def test_a_shard_given_twice_is_refused(shards: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _merge(capsys, shards["1"], shards["2"], shards["2"], shards["3"])
    assert code == 2
    assert f"{shards['2']}: shard 2/3 again" in _one_line(err)


def test_a_shard_that_crashed_halfway_is_named_not_certified(
    shards: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = shards["2"].read_text(encoding="utf-8").split("\n")
    cut = tmp_path / "cut.jsonl"  # killed after 100 records: no footer
    cut.write_text("\n".join(lines[:100]) + "\n", encoding="utf-8")
    code, err = _merge(capsys, shards["1"], cut, shards["3"], "--out", tmp_path / "m.jsonl")
    assert code == 2
    line = _one_line(err)
    assert f"{cut}: shard 2/3 is incomplete" in line and "without a footer after 99 records" in line
    assert not (tmp_path / "m.jsonl").exists()
    torn = tmp_path / "torn.jsonl"  # killed while writing a line
    torn.write_text("\n".join(lines[:100]) + "\n" + lines[100][:20], encoding="utf-8")
    code, err = _merge(capsys, shards["1"], torn, shards["3"])
    assert code == 2 and "last line was cut short" in _one_line(err)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("seed", 22, "seed 22 differs"),
        ("suite_version", "9.9.9", "suite version '9.9.9' differs"),
        ("corpus_digest", "sha256:00", "corpus digest 'sha256:00' differs"),
        ("implementation", {"name": "other", "version": "2"}, "implementation other 2 differs"),
        ("shard", {"index": 3, "count": 4}, "shard count 4 differs"),
        ("fuzz", 5000, "fuzz budget 5000 differs"),
    ],
)
def test_a_stream_of_another_run_is_refused_naming_file_and_field(
    shards: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    field: str,
    value: object,
    words: str,
) -> None:
    lines = shards["3"].read_text(encoding="utf-8").split("\n")
    header = json.loads(lines[0])
    header[field] = value
    other = tmp_path / "other.jsonl"
    other.write_text("\n".join([json.dumps(header), *lines[1:]]), encoding="utf-8")
    code, err = _merge(capsys, shards["1"], shards["2"], other)
    assert code == 2
    line = _one_line(err)
    assert line.startswith(f"vmjob report: error: {other}: ") and words in line


def test_a_whole_run_is_not_a_shard(shards: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _merge(capsys, shards["whole"], shards["1"])
    assert code == 2 and f"{shards['whole']}: not a shard" in _one_line(err)


@pytest.mark.parametrize("bad", ["3", "0/2", "3/2", "a/b", "1/"])
def test_a_bad_shard_option_is_a_usage_error(tmp_path: Path, bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = certify(tmp_path / "r.jsonl", "--cmd", ADAPTER, "--shard", bad)
    assert code == 2
    assert f"--shard {bad!r}" in _one_line(capsys.readouterr().err)


def test_a_shard_given_again_under_another_label_is_refused(
    shards: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Shard 2's stream with shard 1's cases in it, as many per pass as shard 2 holds (so that the counts
    # agree and only the cases tell): shard 1's records given again under shard 2's label.
    one, two = records(shards["1"]), records(shards["2"])

    def by_pass(recs: list[dict[str, Any]], which: str) -> list[dict[str, Any]]:
        return [r for r in recs if r["type"] == "result" and (r["class"] in MODES) == (which == "other")]

    forged = [two[0]]
    for which in ("validate", "other"):
        mine, theirs = by_pass(one, which), by_pass(two, which)
        forged += mine[: len(theirs)] + theirs[len(mine) :]
    forged += [r for r in two if r["type"] in ("finding", "footer")]
    relabelled = tmp_path / "relabelled.jsonl"
    relabelled.write_text("\n".join(json.dumps(r) for r in forged) + "\n", encoding="utf-8")
    code, err = _merge(capsys, shards["1"], relabelled, shards["3"])
    assert code == 2
    line = _one_line(err)
    assert f"{relabelled}: shard 2/3 holds case " in line and f"(also in {shards['1']})" in line
