"""Lines that other languages' libraries and habits draw where the protocol draws none, or elsewhere (every
class of member): the gaps a family of mutants written apart from the corpus (``blind``) found.

- every boolean and integer member written as a string of its own literal (``"false"``, ``"30"``), which a lenient
  binder converts;
- every constrained string with a NUL and more after it (a C string comparison stops at the NUL);
- every enumerated value spelt as another vocabulary spells it (``canceled``, ``yml``, ``info``, ``succeeded``);
- identifiers whose length or characters a trimming or ``isprintable`` check counts otherwise (spaces that count,
  a no-break space the charset allows, a progress report's short job id that no minimum constrains);
- the calendar: every month's days 29 to 31, the 29th of February in leap and common years, a leap second at
  minutes other than 23:59 (Decision 4), year 0000 and 9999;
- text in CESU-8 (a character beyond the BMP as two encoded surrogates), which Java's and MySQL's ``utf8`` write;
- capability names holding glob characters, which are names, never patterns;
- round trips of empty arrays and of timestamps in other offsets, which a writer drops or normalises.

Each case states its expectation by hand, from the rule it is filed under.
"""

from __future__ import annotations

import calendar
import json
from typing import Any

from ...fuzz._lookalike import cesu_8
from ..builder import Corpus, dumps, put, slug
from .documents import BASE, JOB, PAYLOADS, PROGRESS, RESULT, job_with
from .lookalikes import PATTERNED, _all_fields

#: Other vocabularies' words for the protocol's enumerated values: a synonym, another spelling, a short form.
ALIASES: dict[str, tuple[str, ...]] = {
    "pending": ("queued", "waiting"),
    "assigned": ("scheduled", "claimed"),
    "running": ("in_progress", "started"),
    "completed": ("complete", "succeeded", "success", "done"),
    "failed": ("failure", "error"),
    "cancelled": ("canceled", "cancel", "aborted"),
    "timeout": ("timed_out", "timedout", "expired"),
    "ready": ("idle", "online"),
    "busy": ("working",),
    "draining": ("drain",),
    "offline": ("down",),
    "qcow2": ("qcow", "qcow3"),
    "vhdx": ("vhd",),
    "ova": ("ovf",),
    "raw": ("iso",),
    "json": ("jsonl",),
    "yaml": ("yml",),
    "low": ("info", "debug", "minor"),
    "medium": ("moderate", "warning", "med"),
    "high": ("major", "error"),
    "critical": ("fatal", "crit"),
    "performance": ("perf",),
}
_INSPECT = job_with("inspect", PAYLOADS["inspect"])
_PROFILE = job_with("profile", {**PAYLOADS["profile"], "options": {"severity_threshold": "low"}})
#: Enumerated members: (kind, pointer, rule, its values, base document).
ENUMERATED: tuple[tuple[str, str, str, tuple[str, ...], Any], ...] = (
    ("result", "/status", "result.status",
     ("pending", "assigned", "running", "completed", "failed", "cancelled", "timeout"), RESULT),
    ("worker", "/status/state", "worker.status", ("ready", "busy", "draining", "offline"), BASE["worker"]),
    ("job", "/payload/data/image/format", "payload.image.format", ("qcow2", "vhdx", "ova", "raw"), _INSPECT),
    ("job", "/payload/data/output/format", "payload.output.format", ("json", "yaml"),
     put(_INSPECT, "/payload/data/output", {"format": "json", "destination": "/var/lib/guestkit/out/r.json"})),
    ("job", "/payload/data/options/severity_threshold", "payload.profile.options",
     ("low", "medium", "high", "critical"), _PROFILE),
    ("job", "/payload/data/profiles/0", "payload.profile.profiles", ("performance",), _PROFILE),
)  # fmt: skip


def literal_strings(c: Corpus) -> None:
    """Every boolean and integer member holding a string of its own literal: invalid (no member is both)."""
    for f in _all_fields():
        if "string" in f.types or not {"boolean", "integer"} & set(f.types):
            continue
        if isinstance(f.sample, bool) or isinstance(f.sample, int):
            text = json.dumps(f.sample)
            c.doc(
                f.kind,
                f.rule,
                f.qname("literal-as-string"),
                f"{f.label()} = {text!r} (its literal as a string) is invalid: a {f.types[0]} is no string",
                valid=False,
                doc=put(f.doc, f.ptr, text),
                pointer=f.ptr,
            )


def nul_inside(c: Corpus) -> None:
    """Every constrained string with a NUL at its end, and with a NUL and more text: invalid."""
    for kind, ptr, rule, value, base in PATTERNED:
        where = ptr[1:].replace("/", ".")
        for name, tail in (("nul-end", "\u0000"), ("nul-then-text", "\u0000admin")):
            c.doc(
                kind,
                rule,
                f"{slug(where)}.{name}",
                f"{kind} `{where}` = {value + tail!r} (a NUL inside) is invalid: the value is not {value!r}",
                valid=False,
                doc=put(base, ptr, value + tail),
                pointer=ptr,
            )


def vocabularies(c: Corpus) -> None:
    """Every enumerated value in another vocabulary's words: invalid, the protocol's word is the only one."""
    for kind, ptr, rule, values, base in ENUMERATED:
        where = ptr[1:].replace("/", ".")
        for value in values:
            for alias in ALIASES.get(value, ()):
                c.doc(
                    kind,
                    rule,
                    f"{slug(where)}.alias-{slug(alias)}",
                    f"{kind} `{where}` = {alias!r} (another word for {value!r}) is invalid",
                    valid=False,
                    doc=put(base, ptr, alias),
                    pointer=ptr,
                )


def identifiers(c: Corpus) -> None:
    """Lengths counted on the text as given, characters the charset allows, job ids no minimum constrains."""
    for name, v in (("spaces-before", "  job-42"), ("spaces-after", "job-42  "), ("spaces-around", " job-42 ")):
        c.doc(
            "job",
            "core.job_id",
            f"length-{name}",
            f"job `job_id` = {v!r}: {len(v)} characters counting its spaces, valid (no trimming)",
            valid=True,
            doc=put(JOB, "/job_id", v),
        )
    for name, ch in (("nbsp", "\u00a0"), ("ideographic-space", "\u3000"), ("en-space", "\u2002")):
        v = f"job-{ch}1234"
        c.doc(
            "job",
            "core.job_id.charset",
            f"printable-{name}",
            f"job `job_id` = {v!r} (a {name.replace('-', ' ')}) is valid and draws no warning",
            valid=True,
            doc=put(JOB, "/job_id", v),
        )
    for kind, base in (("result", RESULT), ("progress", PROGRESS)):
        for v in ("j", "job-7"):
            c.doc(
                kind,
                f"{kind}.job_id",
                f"short-{slug(v)}",
                f"{kind} `job_id` = {v!r} is valid: the job's minimum length is the job's alone",
                valid=True,
                doc=put(base, "/job_id", v),
            )


def days(c: Corpus) -> None:
    """``created_at`` on each month's 29th to 31st (2026, a common year), and the 29th of February in leap and
    common years: valid where the month has the day, else invalid."""
    dates = [(2026, month, day) for month in range(1, 13) for day in (29, 30, 31)]
    dates += [(year, 2, 29) for year in (2000, 2024, 2100, 2023)]
    for year, month, day in dates:
        ts = f"{year:04d}-{month:02d}-{day:02d}T10:30:00Z"
        ok = day <= calendar.monthrange(year, month)[1]
        c.doc(
            "job",
            "timestamp.valid",
            f"day-{year}-{month:02d}-{day:02d}",
            f"job `created_at` {ts} is {'valid' if ok else 'invalid: the month has no such day'}",
            valid=ok,
            doc=put(JOB, "/created_at", ts),
            pointer=None if ok else "/created_at",
        )


def seconds(c: Corpus) -> None:
    """A leap second at minutes other than 23:59 (valid: Decision 4), the first and last years, an empty fraction."""
    for ts in ("2026-03-01T10:00:60Z", "2026-03-01T00:00:60Z", "2026-06-30T12:59:60+01:00", "2026-03-01T10:30:60.5Z"):
        c.doc(
            "job",
            "timestamp.valid",
            f"second-60-{slug(ts[11:])}",
            f"job `created_at` {ts}: a leap second at any minute is valid",
            valid=True,
            doc=put(JOB, "/created_at", ts),
        )
    for ts in ("0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0000-02-29T10:30:00Z"):
        c.doc(
            "job",
            "timestamp.valid",
            f"year-{ts[:10]}",
            f"job `created_at` {ts}: year {ts[:4]} is valid",
            valid=True,
            doc=put(JOB, "/created_at", ts),
        )
    for kind, ptr, base in (("job", "/created_at", JOB), ("progress", "/timestamp", PROGRESS)):
        ts = "2026-03-01T10:01:00.Z"
        c.doc(
            kind,
            "timestamp.valid",
            f"empty-fraction-{slug(ptr)}",
            f"{kind} `{ptr[1:]}` {ts}: a decimal point with no digit is invalid",
            valid=False,
            doc=put(base, ptr, ts),
            pointer=ptr,
        )


def cesu8(c: Corpus) -> None:
    """A character beyond the BMP written as two encoded surrogates (CESU-8), in a string of each kind: no UTF-8."""
    cesu = cesu_8("😀")
    for kind, ptr in (("job", "/metadata/name"), ("result", "/worker_id"), ("progress", "/message"),
                      ("worker", "/hostname")):  # fmt: skip
        token = "@@CESU@@"
        data = dumps(put(BASE[kind], ptr, token)).encode("utf-8").replace(token.encode(), b"mood " + cesu)
        c.doc(
            kind,
            "parse.encoding",
            f"cesu-8-{slug(ptr)}",
            f"{kind} `{ptr[1:]}` holding U+1F600 in CESU-8 (two encoded surrogates) is no UTF-8: invalid",
            valid=False,
            data=data,
            pointer="",
        )


def glob_names(c: Corpus) -> None:
    """Capability names with glob or pattern characters: names, matched exactly, never patterns."""
    for name, required, available in (
        ("glob-star", ["guestkit.inspect"], ["guestkit.*"]),
        ("glob-star-alone", ["guestkit.inspect"], ["*"]),
        ("glob-question", ["guestkit.inspect"], ["guestkit.?nspect"]),
        ("glob-class", ["guestkit.inspect"], ["[g]uestkit.inspect"]),
        ("glob-both-sides", ["guestkit.*"], ["guestkit.*", "guestkit.inspect"]),
    ):
        ok = all(r in available for r in required)
        c.match(
            f"edges-{name}",
            f"capabilities: {required} against {available}: names, never patterns ({'met' if ok else 'missing'})",
            required,
            available,
        )


def roundtrips(c: Corpus) -> None:
    """Empty arrays and timestamps in other offsets, written back as they were."""
    empties = put(JOB, "/constraints", {"required_features": []})
    c.roundtrip("job", "roundtrip.preserve", "edges-empty-array",
                "job round trip keeps an empty required_features array", dumps(empties))  # fmt: skip
    for name, offset in (("plus-01-00", "+01:00"), ("minus-05-30", "-05:30"), ("plus-00-00", "+00:00"),
                         ("minus-00-00", "-00:00")):  # fmt: skip
        ts = f"2026-03-01T11:00:00{offset}"
        c.roundtrip(
            "job",
            "roundtrip.preserve",
            f"edges-offset-{name}",
            f"job round trip keeps created_at {ts} in its offset",
            dumps(put(JOB, "/created_at", ts)),
        )


def cases(c: Corpus) -> None:
    literal_strings(c)
    nul_inside(c)
    vocabularies(c)
    identifiers(c)
    days(c)
    seconds(c)
    cesu8(c)
    glob_names(c)
    roundtrips(c)
