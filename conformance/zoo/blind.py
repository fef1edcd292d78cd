"""The blind family of the zoo: mutants written from the protocol documents alone (PROTOCOL.md and SPEC.md),
without reading the corpus, the fuzzer or the other families' mutants, so that the suite is measured against
mistakes its authors did not imagine.

Each mutant is the reference with one mistake a real implementer could make on one rule: a library default,
a regular expression anchored or cased the wrong way, a Unicode or number-width slip, a time zone or leap
second, a path, a capability comparison, a round-trip writer. Most show only on one value at an edge. Each
names the rules it breaks and carries a witness on which its answer differs from the reference's. The
equivalents are right in another way: another phrasing of the same verdict, or another correct algorithm.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from reference import Issue, decode, parse, parse_float, parse_int, timestamp_fault

from ._docs import edit
from ._impl import at
from ._independent_tools import (
    IMAGE,
    deadline_warning,
    fields,
    flag,
    forgive,
    instant,
    is_int,
    payload_type,
    redefine,
    registrar,
    text,
    timestamps_of,
    valid_w,
    w,
    warn_w,
)
from ._variant import Variant
from .blind_kinds import EQUIVALENTS as _MORE_EQUIVALENTS
from .blind_kinds import MUTANTS as _MORE
from .blind_kinds import U32, U64, ptr

BLIND: list[Variant] = []
BLIND_EQUIVALENTS: list[Variant] = []
mutant = registrar(BLIND, prefix="blind")
equivalent = registrar(BLIND_EQUIVALENTS, equivalent=True, prefix="blind")

JOB_TEXT = text("job")


def _job_text(marker: Any, raw: str, **changes: Any) -> str:
    """A job's text with the JSON of ``marker`` (put in by ``changes``) replaced by the raw text ``raw``."""
    out = text("job", **changes)
    token = json.dumps(marker, ensure_ascii=False)
    if token not in out:  # pragma: no cover - a witness written wrong, caught at import
        raise RuntimeError(f"{token} is not in the witness")
    return out.replace(token, raw, 1)


# --- the parse layer --------------------------------------------------------------------------------------

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def _uppercase_hex_escape(source: str) -> bool:
    """A ``\\uXXXX`` escape written with an uppercase hex digit in any string of ``source``."""
    for literal in _STRING.findall(source):
        for esc in re.findall(r"\\(u[0-9A-Fa-f]{4}|.)", literal, re.DOTALL):
            if esc.startswith("u") and re.search("[A-F]", esc):
                return True
    return False


def _outside(source: str) -> str:
    return _STRING.sub('""', source)


def _reader_faulting(rule: str, bad: Any) -> Any:
    def reader(data: bytes) -> tuple[Any, list[Issue]]:
        value, faults = parse(data)
        source, _ = decode(data)
        if not faults and source is not None and bad(source):
            return None, [Issue.of(rule, "", "the text is refused by this reader")]
        return value, faults

    return reader


mutant(
    "lexer-lowercase-hex-escapes",
    "a hand-written lexer whose \\u escape reads hex digits 0-9a-f only: '\\u00C9' is a syntax error",
    "parse.syntax",
    w("validate", "job", _job_text("<n>", '"\\u00C9cole"', metadata={"name": "<n>"})),
    reader=_reader_faulting("parse.syntax", _uppercase_hex_escape),
)
mutant(
    "lexer-minus-zero-rejected",
    "a number lexer that takes '-' to need a digit 1-9 after it, so the literal -0 is a syntax error",
    "parse.syntax",
    w(
        "validate",
        "job",
        _job_text(4242, "-0", payload__data={"image": dict(IMAGE), "tilt": 4242}),
    ),
    reader=_reader_faulting("parse.syntax", lambda s: re.search(r"-0(?![0-9.eE])", _outside(s)) is not None),
)

_CESU = re.compile(rb"\xed([\xa0-\xaf])([\x80-\xbf])\xed([\xb0-\xbf])([\x80-\xbf])")


def _cesu_to_utf8(m: re.Match[bytes]) -> bytes:
    high = 0xD000 | ((m.group(1)[0] & 0x3F) << 6) | (m.group(2)[0] & 0x3F)
    low = 0xD000 | ((m.group(3)[0] & 0x3F) << 6) | (m.group(4)[0] & 0x3F)
    return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)).encode("utf-8")


def _cesu_reader(data: bytes) -> tuple[Any, list[Issue]]:
    value, faults = parse(data)
    if faults and faults[0].rule == "parse.encoding" and _CESU.search(data):
        return parse(_CESU.sub(_cesu_to_utf8, data))
    return value, faults


mutant(
    "cesu8-accepted",
    "decodes CESU-8 (Java's and MySQL's utf8): a character beyond the BMP sent as two 3-byte surrogates passes",
    "parse.encoding",
    w(
        "validate",
        "job",
        text("job", metadata={"name": "<n>"}).encode().replace(b"<n>", b"mood \xed\xa0\xbd\xed\xb8\x80"),
    ),
    reader=_cesu_reader,
)

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]', re.DOTALL)


def _raw_names_repeat(source: str) -> bool:
    """Whether any object of ``source`` repeats a member name as written (escapes not decoded)."""
    stack: list[set[str] | None] = []
    expect_name = False
    for t in _TOKENS.findall(source):
        if t == "{":
            stack.append(set())
            expect_name = True
        elif t == "[":
            stack.append(None)
            expect_name = False
        elif t in "}]":
            if stack:
                stack.pop()
            expect_name = False
        elif t == ",":
            expect_name = bool(stack) and stack[-1] is not None
        elif t == ":":
            expect_name = False
        elif expect_name and stack and (names := stack[-1]) is not None:
            if t in names:
                return True
            names.add(t)
            expect_name = False
    return False


def _raw_duplicates_reader(data: bytes) -> tuple[Any, list[Issue]]:
    value, faults = parse(data)
    if faults and all(f.rule == "parse.duplicate-member" for f in faults):
        source, _ = decode(data)
        if source is not None and not _raw_names_repeat(source):
            try:
                again = json.loads(source, parse_int=parse_int, parse_float=parse_float)
            except (ValueError, RecursionError):
                return value, faults
            if isinstance(again, dict):
                return again, []
    return value, faults


mutant(
    "duplicates-compared-raw",
    "looks for repeated member names in the raw text, before escapes are decoded: 'mood' and '\\u006dood' pass",
    "parse.duplicate-member",
    w("validate", "job", JOB_TEXT.replace('"version"', '"\\u006dood": 1, "mood": 2, "version"', 1)),
    reader=_raw_duplicates_reader,
)


# --- the job envelope -------------------------------------------------------------------------------------


def _job_id_spots(rule: str, test: Any) -> Any:
    return flag(rule, ptr("job", "/job_id", lambda v: isinstance(v, str) and len(v) >= 8 and test(v)))


mutant(
    "job-id-trimmed-length",
    "counts job_id's length after trim() (Java's id.trim().length() >= 8): '  job-42' is too short",
    "core.job_id",
    valid_w(job_id="  job-42"),
    extra=_job_id_spots("core.job_id", lambda v: len(v.strip()) < 8),
)
mutant(
    "job-id-charset-isprintable",
    "finds control characters with `not ch.isprintable()`, which also refuses a no-break space or U+2028",
    "core.job_id.charset",
    valid_w(job_id="job-\u00a0123"),
    extra=_job_id_spots(
        "core.job_id.charset",
        lambda v: any(not c.isprintable() and unicodedata.category(c) != "Cc" for c in v),
    ),
)


def _float_one(v: Any) -> bool:
    try:
        return isinstance(v, str) and float(v) == 1.0
    except ValueError:
        return False


mutant(
    "version-compared-as-number",
    "reads version with parseFloat and compares with 1.0, so '1.00' and '1' pass",
    "core.version",
    valid_w(version="1.00"),
    forgive=forgive("core.version", lambda v, d: _float_one(v)),
)
mutant(
    "kind-c-string",
    "compares kind with strcmp through an FFI: the text ends at a NUL, so 'VMOperation\\u0000x' passes",
    "core.kind",
    w("validate", "job", json.dumps(edit("job", {"/kind": "VMOperation\u0000admin"}), ensure_ascii=False)),
    forgive=forgive("core.kind", lambda v, d: isinstance(v, str) and v.split("\0")[0] == "VMOperation"),
)
mutant(
    "operation-charset-unanchored-start",
    "checks operation's charset with re.search and a pattern anchored at the end only: 'Guest.inspect' passes",
    "core.operation.charset",
    valid_w(operation="Guest.inspect", payload={"type": "Guest.inspect.v1", "data": {}}),
    forgive=forgive(
        "core.operation.charset",
        lambda v, d: isinstance(v, str) and re.search(r"[a-z0-9_-]+(\.[a-z0-9_-]+)+$", v) is not None,
    ),
)
mutant(
    "payload-type-no-v0",
    "takes the version segment to be v and a number from 1 (v[1-9][0-9]*), so 'x.y.v0' is refused",
    "core.payload.type",
    valid_w(operation="system.probe", payload={"type": "system.probe.v0", "data": {}}),
    extra=flag(
        "core.payload.type",
        ptr("job", "/payload/type", lambda v: isinstance(v, str) and re.search(r"\.v0[0-9]*\Z", v) is not None),
    ),
)


def _type_prefix_folds(v: Any, d: dict[str, Any]) -> bool:
    t, op = payload_type(d), d.get("operation")
    return isinstance(t, str) and isinstance(op, str) and t.rsplit(".", 1)[0].lower() == op.lower()


mutant(
    "type-matches-operation-ignorecase",
    "compares payload.type's prefix with the operation case-insensitively (equalsIgnoreCase)",
    "core.payload.type.matches-operation",
    valid_w(operation="system.health-check", payload={"type": "System.Health-Check.v1", "data": {}}),
    forgive=forgive("core.payload.type.matches-operation", _type_prefix_folds),
)
mutant(
    "timeout-as-u32",
    "reads timeout_seconds into a u32 (Java int, Go uint32), so 4294967296 seconds overflows",
    "parse.integer.width",
    valid_w(execution={"timeout_seconds": U32 + 1}),
    extra=flag(
        "parse.integer.width",
        ptr("job", "/execution/timeout_seconds", lambda v: is_int(v) and U32 < v <= U64),
    ),
)


def _same_instant(d: Any, document: Any) -> bool:
    c = document.get("created_at") if isinstance(document, dict) else None
    if not isinstance(d, str) or not isinstance(c, str):
        return False
    a, b = instant(d), instant(c)
    return a is not None and a == b


mutant(
    "deadline-equal-no-warning",
    "warns when the deadline is strictly before created_at (`<`), not when it equals it",
    "core.execution.deadline.after-created",
    warn_w(execution={"deadline": "2026-03-01T10:00:00Z"}),
    forgive_warning=forgive("core.execution.deadline.after-created", _same_instant),
)

_OFFSET = re.compile(r"([+-])(\d\d:?\d\d\s*)\Z")


def _flip_offset(t: str) -> str:
    return _OFFSET.sub(lambda m: ("-" if m.group(1) == "+" else "+") + m.group(2), t)


def _before_flipped(d: str, c: str) -> bool:
    a, b = instant(_flip_offset(d)), instant(_flip_offset(c))
    return a is not None and b is not None and a <= b


mutant(
    "deadline-offset-sign-inverted",
    "turns local time into UTC by adding the offset instead of subtracting it (+02:00 read as two hours later)",
    "core.execution.deadline.after-created",
    warn_w(execution={"deadline": "2026-03-01T11:00:00+02:00"}),
    **deadline_warning(_before_flipped),
)

_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?",
    re.ASCII,
)
mutant(
    "semver-core-only",
    "checks minimum_worker_version with ^\\d+\\.\\d+\\.\\d+$ only, refusing pre-releases and build metadata",
    "core.constraints.minimum_worker_version.semver",
    valid_w(constraints={"minimum_worker_version": "1.0.0-rc.1"}),
    extra=flag(
        "core.constraints.minimum_worker_version.semver",
        ptr(
            "job",
            "/constraints/minimum_worker_version",
            lambda v: isinstance(v, str) and _SEMVER.fullmatch(v) is not None and ("-" in v or "+" in v),
        ),
    ),
)


def _labels_ok_with_nulls(v: Any, d: Any) -> bool:
    if isinstance(v, dict):
        return all(x is None or isinstance(x, str) for x in v.values())
    return v is None


mutant(
    "labels-null-values",
    "types labels as a map of Option<String>: a label whose value is null passes",
    "core.metadata.labels",
    valid_w(metadata={"labels": {"team": "infra", "tier": None}}),
    forgive=forgive("core.metadata.labels", _labels_ok_with_nulls),
)
mutant(
    "cancellable-string-bool",
    "reads cancellable with a lenient boolean parser (strconv.ParseBool): the strings 'true' and 'false' pass",
    "core.execution.cancellable",
    valid_w(execution={"cancellable": "false"}),
    forgive=forgive("core.execution.cancellable", lambda v, d: v in ("true", "false")),
)


# --- timestamps -------------------------------------------------------------------------------------------


def _ts_rule(rule: str, mine: Any) -> dict[str, Any]:
    return redefine(rule, mine, timestamps_of)


def _leap_only_at_2359(t: str) -> bool | None:
    f = fields(t)
    if f is None or timestamp_fault(t) is not None:
        return None
    return False if f[5] == 60 and (f[3], f[4]) != (23, 59) else None


mutant(
    "leap-second-only-at-2359",
    "accepts second 60 only at 23:59 (where leap seconds go), though the rule accepts it at any minute",
    "timestamp.valid",
    valid_w(created_at="2026-03-01T10:00:60Z"),
    **_ts_rule("timestamp.valid", _leap_only_at_2359),
)


def _year_zero(t: str) -> bool | None:
    f = fields(t)
    return False if f is not None and f[0] == 0 and timestamp_fault(t) is None else None


mutant(
    "year-zero-rejected",
    "parses with Python's datetime, whose years start at 1: 0000-01-01T00:00:00Z is refused",
    "timestamp.valid",
    valid_w(created_at="0000-01-01T00:00:00Z"),
    **_ts_rule("timestamp.valid", _year_zero),
)

_LENGTHS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _shifted_month(t: str) -> bool | None:
    f = fields(t)
    if f is None or timestamp_fault(t) is not None:
        return None
    y, mo, d = f[0], f[1], f[2]
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    n = _LENGTHS[mo % 12] + (1 if mo % 12 == 1 and leap else 0)
    return False if d > n else None


mutant(
    "month-table-off-by-one",
    "indexes a 0-based month-length table with the 1-based month: January gets February's 28 days",
    "timestamp.valid",
    valid_w(created_at="2026-01-29T10:00:00Z"),
    **_ts_rule("timestamp.valid", _shifted_month),
)


def _end_of_day(v: Any, d: Any) -> bool:
    if not isinstance(v, str):
        return False
    f = fields(v)
    return f is not None and f[3:] == (24, 0, 0) and timestamp_fault(v.replace("T24:", "T23:", 1)) is None


mutant(
    "hour-24-end-of-day",
    "takes ISO 8601's end of day: 24:00:00 passes as midnight of the next day",
    "timestamp.valid",
    valid_w(created_at="2026-03-01T24:00:00Z"),
    forgive=forgive("timestamp.valid", _end_of_day),
)


def _empty_fraction(v: Any, d: Any) -> bool:
    return (
        isinstance(v, str)
        and re.search(r":\d\d\.(?=[Zz+-])", v) is not None
        and timestamp_fault(re.sub(r"(:\d\d)\.(?=[Zz+-])", r"\1", v, count=1)) is None
    )


mutant(
    "timestamp-empty-fraction",
    "a timestamp pattern with (\\.\\d*)? where RFC 3339 has (\\.\\d+)?: '10:00:00.Z' passes",
    "timestamp.valid",
    valid_w("progress", timestamp="2026-03-01T10:01:00.Z"),
    forgive=lambda i, d, k: i.rule in ("timestamp.valid", "timestamp.strict") and _empty_fraction(at(d, i.pointer), d),
)

BLIND.extend(_MORE)
BLIND_EQUIVALENTS.extend(_MORE_EQUIVALENTS)

__all__ = ["BLIND", "BLIND_EQUIVALENTS"]
