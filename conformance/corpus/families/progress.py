"""The progress document (class progress): each member's type, null and bounds, free-form messages and phases,
unknown members."""

from __future__ import annotations

from ..builder import Corpus, put
from .documents import PROGRESS, TS, U64
from .members import Field, unknown_member


def fields() -> list[Field]:
    s, n, o, i = "string", "null", "object", "integer"
    return [
        Field("progress", "/job_id", "progress.job_id", (s,), "job-0001", required=True),
        Field("progress", "/timestamp", "progress.timestamp", (s,), TS, required=True),
        Field("progress", "/sequence", "progress.sequence", (i,), 7, required=True, bounds=(0, U64, "u64")),
        Field("progress", "/phase", "progress.phase", (s,), "inspect", required=True),
        Field("progress", "/message", "progress.message", (s,), "Scanning packages", required=True),
        Field("progress", "/progress_percent", "progress.progress_percent", (i, n), 50, bounds=(0, 100, "u8")),
        Field("progress", "/details", "progress.details", (o, n), {"packages": 812}),
        Field("progress", "/observability", "progress.observability", (o, n), {"span_id": "00f067aa0ba902b7"}),
    ]


def cases(c: Corpus) -> None:
    p = PROGRESS
    for name, value, what in (
        ("empty-message", {"message": ""}, "an empty message"),
        ("unicode-message", {"message": "Installing 漢字 😀 packages"}, "a non-ASCII message"),
        ("phase-free", {"phase": "custom-phase/step 3"}, "a free-form phase"),
    ):
        key = next(iter(value))
        c.doc(
            "progress",
            f"progress.{key}",
            name,
            f"progress with {what} is valid",
            valid=True,
            doc=put(p, f"/{key}", value[key]),
        )
    for at, rule in (
        ("", "progress.message"),
        ("/details", "progress.details"),
        ("/observability", "progress.observability"),
    ):
        unknown_member(c, "progress", rule, at, p)
