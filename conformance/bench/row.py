"""One row of the performance table."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class BenchRow:
    part: str
    metric: str
    value: float
    unit: str
    #: The target as text (e.g. ">= 3x"), or "" where there is none.
    target: str = ""
    met: bool | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def table(rows: list[BenchRow]) -> str:
        head = ("part", "metric", "value", "target", "met", "note")
        body = [
            (
                r.part,
                r.metric,
                f"{r.value:,.1f} {r.unit}" if r.value < 100 else f"{r.value:,.0f} {r.unit}",
                r.target,
                "" if r.met is None else "yes" if r.met else "NO",
                r.note,
            )
            for r in rows
        ]
        widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=False)]

        def line(cells: tuple[object, ...]) -> str:
            return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=False)) + " |"

        return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, body)])
