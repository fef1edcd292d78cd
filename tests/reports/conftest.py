"""Fixtures of the report tests; the stream builders themselves are in ``report_streams``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from report_streams import make_records, write_stream


@pytest.fixture
def stream(tmp_path: Path) -> Callable[..., Path]:
    """``stream(**make_records options)`` -> the path of a results stream written in ``tmp_path``."""

    def make(tail: str = "", **kw: Any) -> Path:
        return write_stream(tmp_path / "results.jsonl", make_records(**kw), tail)

    return make
