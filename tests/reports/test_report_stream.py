"""Reading a results stream: every complete record kept, a killed run's last line tolerated, corruption named."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from report_streams import footer, header, make_records, write_stream

from conformance.reports import ReportError, build_report, read_stream


def test_every_record_is_read_in_order(stream: Callable[..., Path]) -> None:
    records = read_stream(stream(faults=True, findings=True))
    assert [r["type"] for r in records] == ["header", *["result"] * 11, "finding", "footer"]
    assert records == make_records(faults=True, findings=True)


def test_a_truncated_last_line_is_dropped_and_the_report_says_interrupted(tmp_path: Path) -> None:
    records = make_records(finished=False)
    path = write_stream(tmp_path / "r.jsonl", records, tail='{"type": "result", "id": "core.x", "outc')
    read = read_stream(path)
    assert read[:-1] == records
    assert read[-1] == {"type": "truncated", "line": len(records) + 1, "size": 40}
    report = build_report(read)
    assert report["interrupted"] is True
    assert report["conformant"] is False
    assert len(report["results"]) == len(records) - 1
    assert any(f"line {len(records) + 1}" in note for note in report["notes"])


def test_a_stream_without_footer_is_interrupted_even_when_every_case_passed(tmp_path: Path) -> None:
    report = build_report(read_stream(write_stream(tmp_path / "r.jsonl", make_records(finished=False))))
    assert report["summary"]["outcomes"]["pass"] == report["summary"]["total"]
    assert report["interrupted"] is True
    assert report["conformant"] is False and report["summary"]["conformant"] is False
    assert report["finished_at"] is None


def test_the_footer_can_say_interrupted(tmp_path: Path) -> None:
    records = [*make_records(finished=False), footer(interrupted=True)]
    report = build_report(read_stream(write_stream(tmp_path / "r.jsonl", records)))
    assert report["interrupted"] is True and report["conformant"] is False
    assert report["finished_at"] == "2026-11-27T09:00:03Z"


def test_a_corrupt_line_before_the_last_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    lines = [json.dumps(r) for r in make_records()]
    lines[3] = lines[3][:20]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ReportError, match=rf"^{path}:4: corrupt results record: not JSON"):
        read_stream(path)


def test_a_line_that_is_json_but_not_a_record_is_corrupt(tmp_path: Path) -> None:
    path = write_stream(tmp_path / "r.jsonl", [header()], tail='[1, 2]\n{"type": "footer"}\n')
    with pytest.raises(ReportError, match=r":2: corrupt results record: a record is a JSON object with a string"):
        read_stream(path)


def test_blank_lines_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text("\n".join(json.dumps(r) + "\n" for r in make_records()))
    assert read_stream(path) == make_records()


def test_a_missing_file_is_a_report_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"nope\.jsonl: no such results stream"):
        read_stream(tmp_path / "nope.jsonl")


def test_a_directory_is_a_report_error(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="cannot read the results stream"):
        read_stream(tmp_path)


def test_an_empty_stream_has_no_header(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text("")
    with pytest.raises(ReportError, match="no header record"):
        build_report(read_stream(path))


def test_two_headers_mean_two_runs_were_joined() -> None:
    with pytest.raises(ReportError, match="record 9: a second header"):
        build_report([*make_records(), header()])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"outcome": "banana"}, r"record 2 \(result 'core.version.valid'\): outcome 'banana' is not one of pass"),
        ({"level": "optional"}, r"record 2 \(result 'core.version.valid'\): level 'optional' is not one of required"),
        ({"rule": None}, r"record 2 \(result 'core.version.valid'\): 'rule' missing or not a string"),
    ],
)
def test_a_malformed_result_record_is_named(change: dict[str, object], message: str) -> None:
    records = make_records()
    records[1] = {**records[1], **change}
    with pytest.raises(ReportError, match=message):
        build_report(records)


def test_an_unknown_level_is_refused() -> None:
    with pytest.raises(ReportError, match="level='strict' is not a certification level"):
        build_report(make_records(), "strict")
