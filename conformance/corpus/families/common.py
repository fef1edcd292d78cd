"""The rules every kind shares besides parsing: timestamps (``timestamp.valid``, ``timestamp.strict``) and
the observability ids (``observability.*``)."""

from __future__ import annotations

from ..builder import Corpus, put, slug
from .documents import BASE
from .members import Field

TS_VALID = (
    ("leap-day", "2024-02-29T12:00:00Z", "a leap day"),
    ("leap-day-2000", "2000-02-29T00:00:00Z", "Feb 29 of 2000 (divisible by 400)"),
    ("leap-second", "2016-12-31T23:59:60Z", "second 60 (a leap second)"),
    ("fraction", "2026-01-15T10:30:00.123456789Z", "nine fraction digits"),
    ("offset-plus", "2026-01-15T10:30:00+05:30", "offset +05:30"),
    ("offset-minus", "2026-01-15T10:30:00-08:00", "offset -08:00"),
    ("offset-unknown", "2026-01-15T10:30:00-00:00", "offset -00:00"),
    ("offset-max", "2026-01-15T10:30:00+23:59", "offset +23:59"),
    ("lowercase", "2026-01-15t10:30:00z", "lowercase t and z"),
    ("end-of-year", "2026-12-31T23:59:59Z", "the last second of a year"),
    ("year-zero", "0000-01-01T00:00:00Z", "year 0000"),
)
TS_INVALID = (
    ("feb-29-2023", "2023-02-29T12:00:00Z", "Feb 29 of a common year"),
    ("feb-29-1900", "1900-02-29T12:00:00Z", "Feb 29 of 1900 (a century, not a leap year)"),
    ("feb-30", "2024-02-30T12:00:00Z", "Feb 30"),
    ("apr-31", "2026-04-31T12:00:00Z", "April 31"),
    ("month-13", "2026-13-01T12:00:00Z", "month 13"),
    ("month-00", "2026-00-10T12:00:00Z", "month 00"),
    ("day-00", "2026-01-00T12:00:00Z", "day 00"),
    ("day-32", "2026-01-32T12:00:00Z", "day 32"),
    ("hour-24", "2026-01-15T24:00:00Z", "hour 24"),
    ("minute-60", "2026-01-15T10:60:00Z", "minute 60"),
    ("second-61", "2026-01-15T10:30:61Z", "second 61"),
    ("no-seconds", "2026-01-15T10:30Z", "no seconds"),
    ("no-offset", "2026-01-15T10:30:00", "no offset"),
    ("date-only", "2026-01-15", "a date alone"),
    ("words", "yesterday", "words"),
    ("empty", "", "an empty string"),
    ("offset-24", "2026-01-15T10:30:00+24:00", "offset +24:00"),
    ("offset-hours-only", "2026-01-15T10:30:00+05", "offset +05 without minutes"),
    ("empty-fraction", "2026-01-15T10:30:00.Z", "a dot without fraction digits"),
    ("epoch", "1768473000", "Unix seconds"),
)
TS_LENIENT = (
    ("space-separator", "2026-01-15 10:30:00Z", "a space separator"),
    ("compact-offset", "2026-01-15T10:30:00+0530", "offset +0530 without a colon"),
    ("utc-suffix", "2026-01-15T10:30:00UTC", "the suffix UTC"),
    ("unpadded-date", "2026-1-5T10:30:00Z", "an unpadded month and day"),
    ("unpadded-hour", "2026-01-15T9:30:00Z", "an unpadded hour"),
    ("leading-space", " 2026-01-15T10:30:00Z", "a leading space"),
    ("trailing-space", "2026-01-15T10:30:00Z ", "a trailing space"),
    ("space-before-z", "2026-01-15T10:30:00 Z", "a space before Z"),
)
TS_AT = {
    "job": "/created_at",
    "result": "/execution_summary/started_at",
    "progress": "/timestamp",
    "worker": "/registered_at",
}
TS_MORE = {
    "job": ("/execution/deadline",),
    "result": ("/completed_at", "/failed_at"),
    "progress": (),
    "worker": ("/status/last_heartbeat",),
}


def cases(c: Corpus, kind: str) -> None:
    base = BASE[kind]
    at = TS_AT[kind]
    where = at[1:].replace("/", ".")
    for name, value, what in TS_VALID:
        c.doc(
            kind,
            "timestamp.valid",
            name,
            f"{kind} `{where}` with {what} is valid",
            valid=True,
            doc=put(base, at, value),
        )
    for name, value, what in TS_INVALID:
        c.doc(
            kind,
            "timestamp.valid",
            name,
            f"{kind} `{where}` with {what} is invalid",
            valid=False,
            doc=put(base, at, value),
            pointer=at,
        )
    c.doc(
        kind,
        "timestamp.strict",
        "strict",
        f"{kind} `{where}` in the strict RFC 3339 form is valid",
        valid=True,
        doc=put(base, at, "2026-01-15T10:30:00.5+01:00"),
    )
    for name, value, what in TS_LENIENT:
        c.doc(
            kind,
            "timestamp.strict",
            name,
            f"{kind} `{where}` with {what} breaks the strict form",
            valid=False,
            doc=put(base, at, value),
            pointer=at,
        )
    for other in TS_MORE[kind]:
        w = other[1:].replace("/", ".")
        value = "2028-02-29T23:59:60Z"
        c.doc(
            kind,
            "timestamp.valid",
            f"{slug(w)}.leap",
            f"{kind} `{w}` on a leap day at second 60 is valid",
            valid=True,
            doc=put(base, other, value),
        )
        c.doc(
            kind,
            "timestamp.valid",
            f"{slug(w)}.feb-30",
            f"{kind} `{w}` on Feb 30 is invalid",
            valid=False,
            doc=put(base, other, "2027-02-30T10:00:00Z"),
            pointer=other,
        )
        c.doc(
            kind,
            "timestamp.strict",
            f"{slug(w)}.space",
            f"{kind} `{w}` with a space separator breaks the strict form",
            valid=False,
            doc=put(base, other, "2027-01-15 10:00:00Z"),
            pointer=other,
        )


def fields() -> list[Field]:
    s, n = "string", "null"
    out: list[Field] = []
    for kind in ("job", "result", "progress"):
        for name in ("trace_id", "span_id", "parent_span_id", "correlation_id"):
            out.append(Field(kind, f"/observability/{name}", f"observability.{name}", (s, n), "4bf92f3577b34da6"))
    return out
