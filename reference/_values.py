"""Value rules a schema cannot state: timestamps (lenient and strict RFC 3339), paths, versions."""

from __future__ import annotations

import calendar
import re

# What chrono's lenient reader accepts: a space separator, `+0530`, `UTC`, unpadded fields, spaces around.
_LENIENT = re.compile(
    r"\s*([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})[Tt ]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?"
    r"\s*(?:[Zz]|UTC|([+-])([0-9]{2}):?([0-9]{2}))\s*",
    re.ASCII,
)
# RFC 3339 section 5.6, `date-time`.
_STRICT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})", re.ASCII
)
# SemVer 2.0.0, the official regular expression.
_SEMVER = re.compile(
    r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    r"(?:-((?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?",
    re.ASCII,
)


def timestamp_fault(text: str) -> str | None:
    """Why ``text`` is no RFC 3339 date-time even for a lenient reader, or None when it is one."""
    m = _LENIENT.fullmatch(text)
    if m is None:
        return "is not an RFC 3339 date-time (a date, a time with seconds and an offset)"
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    if not 1 <= month <= 12:
        return f"has month {month}, outside 1..12"
    last = (
        calendar.monthrange(year, month)[1] if year > 0 else (29 if month == 2 else calendar.monthrange(2000, month)[1])
    )
    if not 1 <= day <= last:
        return f"has day {day}, outside 1..{last} for {year:04d}-{month:02d}"
    if hour > 23:
        return f"has hour {hour}, outside 0..23"
    if minute > 59:
        return f"has minute {minute}, outside 0..59"
    if second > 60:
        return f"has second {second}, outside 0..60"
    if m.group(7) is not None:
        oh, om = int(m.group(8)), int(m.group(9))
        if oh > 23 or om > 59:
            return f"has offset {m.group(7)}{m.group(8)}:{m.group(9)}, outside -23:59..+23:59"
    return None


def is_strict_timestamp(text: str) -> bool:
    return _STRICT.fullmatch(text) is not None


_STRICT_FIELDS = re.compile(
    r"[0-9]{4}-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?(?:[Zz]|[+-]([0-9]{2}):([0-9]{2}))",
    re.ASCII,
)


def is_valid_strict_timestamp(text: str) -> bool:
    """``timestamp_fault(text) is None and is_strict_timestamp(text)``, decided faster for the common case.

    Zero-padded two-digit fields compare as text; only a day past the 28th needs the calendar.
    """
    m = _STRICT_FIELDS.fullmatch(text)
    if m is None:
        return False
    month, day, hour, minute, second, off_h, off_m = m.groups()
    if not ("01" <= month <= "12" and "01" <= day and hour <= "23" and minute <= "59" and second <= "60"):
        return False
    if off_h is not None and (off_h > "23" or off_m > "59"):
        return False
    return day <= "28" or timestamp_fault(text) is None


def parse_timestamp_utc(text: str) -> tuple[int, int, str] | None:
    """A sortable UTC instant for a valid timestamp: (seconds since year 0, leap, fraction digits).

    The fraction is kept whole, as its digits without trailing zeros (which sort as the numbers do): SPEC
    allows a fraction of any length, so two instants a picosecond apart are not equal.

    A leap second (second 60) is the instant after second 59 of its minute and before the next minute:
    counted as second 59 with ``leap`` 1, so ``23:59:60Z`` sorts after ``23:59:59.9Z`` and before the next
    day's ``00:00:00Z`` (counting it as 60 would make it equal to that instant).
    """
    m = _LENIENT.fullmatch(text)
    if m is None or timestamp_fault(text) is not None:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac_m = re.search(r"\.([0-9]+)", text)
    frac = frac_m.group(1).rstrip("0") if frac_m else ""
    offset = 0
    if m.group(7) is not None:
        offset = (int(m.group(8)) * 60 + int(m.group(9))) * (1 if m.group(7) == "+" else -1)
    leap = int(second == 60)
    days = _days(year, month, day)
    total = ((days * 24 + hour) * 60 + minute - offset) * 60 + second - leap
    return (total, leap, frac)


def _days(year: int, month: int, day: int) -> int:
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe


def path_fault(text: str) -> str | None:
    """Why ``text`` is no acceptable path (NUL, a `..` segment), or None."""
    if "\x00" in text:
        return f"contains NUL at offset {text.index(chr(0))}"
    if ".." in re.split(r"[/\\]", text):
        return "has a '..' segment (path traversal)"
    return None


def is_absolute_path(text: str) -> bool:
    return text.startswith("/")


def is_semver(text: str) -> bool:
    return _SEMVER.fullmatch(text) is not None
