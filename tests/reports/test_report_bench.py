"""The ``reports`` bench part runs and returns its two rows (its figures are read from ``vmjob bench``)."""

from __future__ import annotations

from conformance.bench.reports import run


def test_the_bench_part_measures_the_progress_line_and_the_reports() -> None:
    rows = run(quick=True)
    assert [r.part for r in rows] == ["reports", "reports"]
    assert [r.unit for r in rows] == ["%", "x"]
    assert all(r.value > 0 and r.met is not None and r.note for r in rows)
