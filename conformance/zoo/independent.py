"""A second, independent family of zoo members, written from PROTOCOL.md and SPEC.md alone, rule by rule.

Each mutant is the reference with one mistake a careful implementer in Rust, Go, JS or Python could make on
one rule (a library quirk, a regular expression anchored wrongly, a bound off by one, another clock, a
separator forgotten, a warning given where none is due); each names the rules it breaks and carries a
witness, one document on which its answer differs from the reference's. The equivalents are right in
another way (their own parse, timestamp and path code, another phrasing, another allowed round-trip text)
and must never be flagged. Written apart from the corpus, the fuzzer and the first family, so that the score
measures the suite against someone else's imagination.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from reference import Issue, parse, timestamp_fault

from . import _independent_others as _others
from ._impl import MISSING, at
from ._independent_tools import (
    EXECUTION,
    SECTIONS,
    TOKEN,
    TOP,
    add_fault,
    at_ptr,
    deadline_warning,
    fields,
    flag,
    forgive,
    go_fold,
    is_int,
    job_with,
    loads_lenient,
    not_after,
    outside_strings,
    redefine,
    registrar,
    reread,
    text,
    timestamps_of,
    to_integers,
    valid_w,
    w,
    warn_w,
)
from ._variant import Variant

#: The mutants of this module, in order.
MUTANTS: list[Variant] = []
mutant = registrar(MUTANTS)


def _detected(data: bytes) -> tuple[Any, list[Issue]]:
    """Python's ``json.loads(bytes)``: text in UTF-16 or UTF-32, told by its NUL bytes, is decoded and read."""
    encoding = json.detect_encoding(data)
    if encoding.startswith(("utf-16", "utf-32")):
        try:
            return parse(data.decode(encoding))
        except UnicodeDecodeError:
            pass
    return parse(data)


# --- the parse layer --------------------------------------------------------------------------------------

mutant(
    "py-json-nan",
    "reads NaN, Infinity and -Infinity as Python's json.loads does",
    "parse.syntax",
    w(
        "validate",
        "job",
        text(
            operation="system.health-check", payload={"type": "system.health-check.v1", "data": {"load": "NAN"}}
        ).replace('"NAN"', "NaN"),
    ),
    reader=loads_lenient("parse.syntax", lambda f: "NaN" in f[0].message),
)
mutant(
    "go-decoder-trailing-data",
    "reads the first JSON value with Go's json.Decoder and ignores what follows it",
    "parse.syntax",
    w("validate", "result", text("result") + ' {"status": "failed"}'),
    reader=reread(
        "parse.syntax",
        lambda s: s[: json.JSONDecoder().raw_decode(s.lstrip(" \t\r\n"))[1] + len(s) - len(s.lstrip(" \t\r\n"))],
    ),
)
mutant(
    "jsonc-comments",
    "reads JSON with comments (// and /* */), as a JSONC reader does",
    "parse.syntax",
    w("validate", "progress", text("progress").replace('"phase"', '/* step */ "phase"')),
    reader=reread(
        "parse.syntax", lambda s: outside_strings(s, lambda t: re.sub(r"//[^\n]*|/\*.*?\*/", " ", t, flags=re.S))
    ),
)
mutant(
    "trailing-commas",
    "allows a comma before a closing bracket (JSON5, serde_json5, JS eval)",
    "parse.syntax",
    w("validate", "worker", text("worker").replace('"qcow2"]', '"qcow2",]')),
    reader=reread("parse.syntax", lambda s: outside_strings(s, lambda t: re.sub(r",(\s*[}\]])", r"\1", t))),
)
mutant(
    "py-strip-whitespace",
    "strips the text with str.strip() before json.loads: a form feed or no-break space around the document passes",
    "parse.syntax",
    w("validate", "job", "\x0c" + text() + "\u00a0"),
    reader=reread("parse.syntax", lambda s: s.strip()),
)
mutant(
    "raw-control-in-strings",
    "reads with json.loads(strict=False): a raw tab or newline inside a string passes",
    "parse.syntax",
    w("validate", "job", text(metadata={"name": "web\tserver"}).replace("\\t", "\t")),
    reader=reread(
        "parse.syntax",
        lambda s: outside_strings(
            s, lambda t: t, lambda t: re.sub(r"[\x00-\x1f]", lambda m: f"\\u{ord(m.group()):04x}", t)
        ),
    ),
)
mutant(
    "escaped-solidus-rejected",
    "a hand-written lexer that knows every escape but \\/",
    "parse.syntax",
    w("validate", "job", text(**{"$schema": "https://guestkit.dev/schemas/job-v1.json"}).replace("/", "\\/")),
    reader=add_fault(
        "parse.syntax",
        lambda s: any(re.search(r"(?<!\\)(?:\\\\)*\\/", t) for t in TOKEN.findall(s) if t.startswith('"')),
    ),
)
mutant(
    "leading-zeros",
    "a number lexer that takes 05 for 5 (strtol, JS Number())",
    "parse.syntax",
    w("validate", "job", text(execution={"priority": 7}).replace('"priority": 7', '"priority": 07')),
    reader=reread(
        "parse.syntax", lambda s: outside_strings(s, lambda t: re.sub(r"(?<![0-9A-Za-z.+-])(-?)0+(?=[0-9])", r"\1", t))
    ),
)
mutant(
    "bom-stripped",
    "decodes with utf-8-sig, silently dropping a byte-order mark",
    "parse.encoding",
    w("validate", "result", b"\xef\xbb\xbf" + text("result").encode()),
    reader=lambda data: parse(data[3:] if data.startswith(b"\xef\xbb\xbf") else data),
)
mutant(
    "lossy-utf8",
    "decodes bytes with errors='replace' (String::from_utf8_lossy, TextDecoder)",
    "parse.encoding",
    w("validate", "job", text(metadata={"name": "web-XX"}).encode().replace(b"XX", b"\xff\xfe")),
    reader=lambda data: parse(data.decode("utf-8", "replace")),
)
_LONE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<![0-9a-fA-F]{4})\\u[dD][c-fC-F][0-9a-fA-F]{2}")
mutant(
    "lone-surrogate",
    "keeps a lone surrogate escape as JS and Python strings can",
    "parse.encoding",
    w("validate", "progress", text("progress", message="half \\ud83d").replace("\\\\ud83d", "\\ud83d")),
    reader=reread("parse.encoding", lambda s: _LONE.sub(r"\\ufffd", s), lambda f: "surrogate" in f[0].message),
)
mutant(
    "py-utf16-autodetect",
    "hands bytes to json.loads, which detects UTF-16 and UTF-32",
    "parse.encoding",
    w("validate", "job", text().encode("utf-16-le")),
    reader=lambda data: _detected(data),
)
mutant(
    "duplicates-last-wins",
    "reads objects into a map, the last of two equal member names winning (Go, JS, Python)",
    "parse.duplicate-member",
    w("validate", "job", text().replace('"kind"', '"kind": "Job", "kind"')),
    reader=loads_lenient("parse.duplicate-member"),
)
mutant(
    "duplicates-top-level-only",
    "checks for repeated member names in the top-level object only",
    "parse.duplicate-member",
    w("validate", "worker", text("worker").replace('"cpu_cores": 8', '"cpu_cores": 8, "cpu_cores": 80')),
    reader=loads_lenient("parse.duplicate-member", lambda faults: all(f.pointer.count("/") > 1 for f in faults)),
)
mutant(
    "go-fold-top-level",
    "Go's encoding/json: a top-level member matches a field case-insensitively ('Kind' fills kind)",
    ("core.kind",),
    w("validate", "job", text().replace('"kind"', '"Kind"')),
    transform=go_fold(TOP),
)
mutant(
    "go-fold-sections",
    "Go's encoding/json inside execution: an unknown 'Priority' member fills priority",
    "core.unknown-members",
    valid_w(execution={"Priority": "urgent"}),
    transform=go_fold(EXECUTION, "execution"),
)
mutant(
    "js-integral-numbers",
    "JS: 5.0 and 5e0 are the number 5, so they pass as integers",
    "parse.integer.literal",
    w("validate", "job", text(execution={"priority": 5}).replace('"priority": 5', '"priority": 5.0')),
    transform=to_integers,
)
_U32 = {
    "job": ("/execution/attempt", "/execution/max_attempts"),
    "result": ("/execution_summary/attempt",),
    "worker": ("/resources/max_concurrent_jobs", "/resources/cpu_cores", "/status/current_jobs"),
}
mutant(
    "u32-as-int32",
    "reads u32 members into a signed 32-bit int (Java int, Go int32)",
    "parse.integer.width",
    valid_w(execution={"max_attempts": 3_000_000_000}),
    extra=flag(
        "parse.integer.width", lambda k, d: (p for p in _U32.get(k, ()) if is_int(at(d, p)) and at(d, p) > 2**31 - 1)
    ),
)
_U64 = {
    "job": ("/execution/timeout_seconds", "/constraints/maximum_disk_size_gb"),
    "progress": ("/sequence",),
    "result": ("/execution_summary/duration_seconds",)
    + tuple(f"/metrics/{m}" for m in ("disk_read_bytes", "disk_write_bytes", "peak_memory_mb", "cpu_seconds")),
    "worker": ("/resources/max_disk_size_gb", "/resources/available_disk_gb", "/resources/memory_gb"),
}
mutant(
    "u64-as-int64",
    "reads u64 members into a signed 64-bit int (Go int64, Java long, i64)",
    "parse.integer.width",
    valid_w("progress", sequence=2**63),
    extra=flag(
        "parse.integer.width", lambda k, d: (p for p in _U64.get(k, ()) if is_int(at(d, p)) and at(d, p) > 2**63 - 1)
    ),
)
mutant(
    "js-double-bounds",
    "JS: compares with 18446744073709551615 as a double, which is 2**64, so 2**64 passes",
    "parse.integer.width",
    valid_w(
        "result", execution_summary={"started_at": "2026-03-01T10:00:05Z", "duration_seconds": 2**64, "attempt": 1}
    ),
    forgive=forgive("parse.integer.width", lambda v, d: is_int(v) and 0 <= float(v) <= float(2**64 - 1)),
)

# --- the job envelope -------------------------------------------------------------------------------------

mutant(
    "js-attempt-or-default",
    "JS: `ex.attempt || 1` reads an attempt of 0 as the default",
    "core.execution.attempt",
    valid_w(execution={"attempt": 0}),
    forgive=forgive("core.execution.attempt", lambda v, d: is_int(v) and v == 0),
)
mutant(
    "priority-exclusive-max",
    "checks priority with `< 10` where 10 is allowed",
    "core.execution.priority",
    valid_w(execution={"priority": 10}),
    extra=flag("core.execution.priority", at_ptr("job", "/execution/priority", lambda v: is_int(v) and v == 10)),
)
mutant(
    "max-attempts-default-3",
    "takes max_attempts to default to 3, the usual retry count, not 1",
    "core.execution.attempt-within-max",
    valid_w(execution={"attempt": 2}),
    forgive=forgive(
        "core.execution.attempt-within-max", lambda v, d: "max_attempts" not in d["execution"] and is_int(v) and v <= 3
    ),
)
mutant(
    "long-timeout-inclusive",
    "warns on a timeout of one day or more (`>=`): a warning where none is due",
    "core.execution.timeout_seconds.long",
    warn_w(execution={"timeout_seconds": 86400}),
    extra_warnings=flag(
        "core.execution.timeout_seconds.long",
        at_ptr("job", "/execution/timeout_seconds", lambda v: is_int(v) and v == 86400),
    ),
)
mutant(
    "deadline-compared-as-text",
    "compares deadline and created_at as strings, ignoring their offsets",
    "core.execution.deadline.after-created",
    warn_w(execution={"deadline": "2026-03-01T10:30:00+01:00"}),
    **deadline_warning(lambda d, c: timestamp_fault(d) is None and timestamp_fault(c) is None and d <= c),
)
mutant(
    "js-millisecond-clock",
    "compares the two instants as JS Dates, to the millisecond",
    "core.execution.deadline.after-created",
    warn_w(created_at="2026-03-01T10:00:00.0001Z", execution={"deadline": "2026-03-01T10:00:00.0004Z"}),
    **deadline_warning(lambda d, c: not_after(d, c, digits=3)),
)
mutant(
    "js-null-deadline-epoch",
    "JS: `new Date(null)` is the epoch, so a null deadline draws the warning",
    "core.execution.deadline.after-created",
    warn_w(execution={"deadline": None}),
    extra_warnings=flag(
        "core.execution.deadline.after-created", at_ptr("job", "/execution/deadline", lambda v: v is None)
    ),
)
mutant(
    "leap-second-as-next-minute",
    "counts second 60 as the next minute's second 0",
    "core.execution.deadline.after-created",
    warn_w(created_at="2026-12-31T23:59:60Z", execution={"deadline": "2027-01-01T00:00:00Z"}),
    **deadline_warning(lambda d, c: not_after(d, c, leap_as_60=True)),
)
mutant(
    "disk-warning-in-tib",
    "warns on disks above 100 TiB (102400 GB) where the rule says 100000 GB",
    "core.constraints.maximum_disk_size_gb.large",
    warn_w(constraints={"maximum_disk_size_gb": 101_000}),
    forgive_warning=lambda i, d, k: (
        i.rule.endswith(".large") and is_int(at(d, i.pointer)) and at(d, i.pointer) <= 102_400
    ),
)
mutant(
    "js-utf16-job-id-length",
    "counts job_id in UTF-16 code units (JS .length)",
    "core.job_id",
    valid_w(job_id="ab\U0001f600\U0001f600\U0001f600"),
    forgive=forgive("core.job_id", lambda v, d: isinstance(v, str) and len(v.encode("utf-16-le")) // 2 >= 8),
)
mutant(
    "grapheme-job-id-length",
    "counts job_id in user-perceived characters (Swift's count, grapheme crates)",
    "core.job_id",
    valid_w(job_id="job-e\u0301e\u0301e\u0301"),
    extra=flag(
        "core.job_id",
        at_ptr(
            "job",
            "/job_id",
            lambda v: isinstance(v, str) and 8 <= len(v) and sum(not unicodedata.combining(c) for c in v) < 8,
        ),
    ),
)
mutant(
    "job-id-slash-only",
    "looks for '/' in job_id but not for '\\'",
    "core.job_id.charset",
    valid_w(job_id="job\\01HZX3Q8F2K9"),
    forgive=forgive(
        "core.job_id.charset", lambda v, d: isinstance(v, str) and not re.search(r"[\x00-\x1f\x7f-\x9f/]", v)
    ),
)
mutant(
    "job-id-c0-only",
    "takes 'control character' to mean U+0000..U+001F, missing DEL and the C1 range",
    "core.job_id.charset",
    valid_w(job_id="job-01HZX\u0085Q8F2K9"),
    forgive=forgive("core.job_id.charset", lambda v, d: isinstance(v, str) and not re.search(r"[\x00-\x1f/\\]", v)),
)
mutant(
    "js-loose-version",
    'JS: `version == "1.0"` also holds for the number 1.0',
    "core.version",
    w("validate", "job", text().replace('"1.0"', "1.0")),
    forgive=forgive("core.version", lambda v, d: isinstance(v, (int, float)) and not isinstance(v, bool) and v == 1),
)


def _nonempty(v: Any, n: int) -> bool:
    return isinstance(v, str) and len([s for s in v.split(".") if s]) >= n


mutant(
    "split-filter-empty",
    "counts segments with split('.').filter(Boolean): 'system..health' has two",
    ("core.operation", "core.payload.type"),
    w("validate", "job", job_with("system..health", {})),
    forgive=lambda i, d, k: (
        (i.rule == "core.operation" and _nonempty(at(d, i.pointer), 2))
        or (
            i.rule == "core.payload.type"
            and _nonempty(at(d, i.pointer), 3)
            and re.search(r"\.v[0-9]+$", str(at(d, i.pointer))) is not None
        )
    ),
)
mutant(
    "py-isalnum-segments",
    "checks operation segments with str.isalnum() and islower(), which take 'é'",
    "core.operation.charset",
    w("validate", "job", job_with("syst\u00e8me.inspect", {})),
    forgive=forgive(
        "core.operation.charset",
        lambda v, d: all(s.replace("-", "").replace("_", "").isalnum() and s == s.lower() for s in v.split(".")),
    ),
)
mutant(
    "operation-charset-ignorecase",
    "checks operation segments with a case-insensitive pattern",
    "core.operation.charset",
    w("validate", "job", job_with("Guestkit.Health", {})),
    forgive=forgive(
        "core.operation.charset", lambda v, d: all(re.fullmatch(r"[a-z0-9_-]+", s, re.I) for s in v.split("."))
    ),
)
_TYPE = r"[^.]+\.[^.]+(\.[^.]+)*\.v[0-9]+"
mutant(
    "py-dollar-before-newline",
    "checks payload.type with re.match(r'...$'), whose $ matches before a final newline",
    "core.payload.type",
    w("validate", "job", job_with("guestkit.inspect", {}, "guestkit.inspect.v1\n")),
    forgive=forgive("core.payload.type", lambda v, d: isinstance(v, str) and re.match(_TYPE + "$", v) is not None),
)
mutant(
    "py-unicode-digits",
    "checks the version segment with \\d, which in Python takes any Unicode digit",
    "core.payload.type",
    w("validate", "job", job_with("system.health-check", {}, "system.health-check.v\u0661")),
    forgive=forgive(
        "core.payload.type",
        lambda v, d: isinstance(v, str) and re.fullmatch(r"[^.]+\.[^.]+(\.[^.]+)*\.v\d+", v) is not None,
    ),
)
mutant(
    "type-startswith-operation",
    "checks that payload.type starts with the operation and a dot",
    "core.payload.type.matches-operation",
    w("validate", "job", job_with("guestkit.inspect", {}, "guestkit.inspect.deep.v1")),
    forgive=forgive(
        "core.payload.type.matches-operation",
        lambda v, d: isinstance(v, str) and v.startswith(str(d.get("operation")) + "."),
    ),
)
mutant(
    "sections-not-nullable",
    "types the optional sections optional but not nullable (zod .optional())",
    ("core.metadata", "core.execution", "core.constraints", "core.routing", "core.observability", "core.audit"),
    valid_w(metadata=None),
    extra=flag("core.metadata", lambda k, d: (f"/{s}" for s in SECTIONS if k == "job" and s in d and d[s] is None)),
)
mutant(
    "anti-affinity-as-affinity",
    "checks anti_affinity like affinity, an object of strings",
    "core.routing.anti_affinity",
    valid_w(routing={"anti_affinity": {"zone": "eu-1"}}),
    forgive=forgive(
        "core.routing.anti_affinity",
        lambda v, d: isinstance(v, str) or (isinstance(v, dict) and all(isinstance(x, str) for x in v.values())),
    ),
)
mutant(
    "authorization-subject-optional",
    "requires only method in audit.authorization",
    "core.audit.authorization",
    valid_w(audit={"authorization": {"method": "oidc"}}),
    forgive=forgive("core.audit.authorization", lambda v, d: v is MISSING, "/subject"),
)
_SEMVER = (
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
    r"(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)
mutant(
    "semver-v-prefix",
    "takes Go's module versions ('v0.4.0') for semantic versions",
    "core.constraints.minimum_worker_version.semver",
    valid_w(constraints={"minimum_worker_version": "v0.4.0"}),
    forgive=forgive(
        "core.constraints.minimum_worker_version.semver", lambda v, d: re.fullmatch("v" + _SEMVER, v, re.A) is not None
    ),
)
mutant(
    "semver-leading-zeros",
    "checks versions with \\d+\\.\\d+\\.\\d+, so '0.04.0' passes",
    "core.constraints.minimum_worker_version.semver",
    valid_w(constraints={"minimum_worker_version": "0.04.0"}),
    forgive=forgive(
        "core.constraints.minimum_worker_version.semver",
        lambda v, d: re.fullmatch(r"\d+\.\d+\.\d+", v, re.A) is not None,
    ),
)

# --- timestamps -------------------------------------------------------------------------------------------


def _feb29(t: str) -> bool | None:
    f = fields(t)
    return (
        True
        if f and f[1:3] == (2, 29) and timestamp_fault(t) == f"has day 29, outside 1..28 for {f[0]:04d}-02"
        else None
    )


mutant(
    "timestamp-no-leap-second",
    "parses with Go's time.Parse or JS Date, which refuse second 60",
    "timestamp.valid",
    valid_w("result", completed_at="2026-12-31T23:59:60Z"),
    **redefine("timestamp.valid", lambda t: False if (f := fields(t)) and f[5] == 60 else None, timestamps_of),
)
mutant(
    "timestamp-feb-29-always",
    "keeps a month-length table with 29 days for February",
    "timestamp.valid",
    valid_w("progress", timestamp="2026-02-29T10:00:00Z"),
    **redefine("timestamp.valid", _feb29, timestamps_of),
)
mutant(
    "timestamp-julian-leap-years",
    "takes every fourth year as a leap year (2100-02-29 passes)",
    "timestamp.valid",
    valid_w(created_at="2100-02-29T00:00:00Z"),
    **redefine(
        "timestamp.valid", lambda t: True if _feb29(t) and (f := fields(t)) and f[0] % 4 == 0 else None, timestamps_of
    ),
)
mutant(
    "timestamp-no-fraction",
    "a pattern with no fractional seconds",
    "timestamp.valid",
    valid_w("worker", registered_at="2026-03-01T09:00:00.250Z"),
    **redefine("timestamp.valid", lambda t: False if "." in t else None, timestamps_of),
)
mutant(
    "timestamp-nanoseconds-only",
    "reads fractions into nanoseconds and refuses more than 9 digits",
    "timestamp.valid",
    valid_w("result", completed_at="2026-03-01T10:05:00.1234567890Z"),
    **redefine("timestamp.valid", lambda t: False if re.search(r"\.\d{10}", t) else None, timestamps_of),
)
mutant(
    "timestamp-offset-unbounded",
    "checks the offset's form but not its range (+24:00 and +99:99 pass)",
    "timestamp.valid",
    valid_w(created_at="2026-03-01T10:00:00+24:00"),
    **redefine(
        "timestamp.valid",
        lambda t: True if (timestamp_fault(t) or "").startswith("has offset") else None,
        timestamps_of,
    ),
)
mutant(
    "strict-uppercase-only",
    "the strict form written as [0-9T:-]+Z: a lowercase t or z is refused",
    "timestamp.strict",
    valid_w(created_at="2026-03-01t10:00:00z"),
    **redefine("timestamp.strict", lambda t: False if re.search("[tz]", t) else None, timestamps_of),
)
mutant(
    "strict-offset-colon-optional",
    "the strict form with an optional colon in the offset (+0530 passes)",
    "timestamp.strict",
    valid_w("progress", timestamp="2026-03-01T10:01:00+0530"),
    **redefine(
        "timestamp.strict",
        lambda t: True if re.fullmatch(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?[+-]\d{4}", t) else None,
        timestamps_of,
    ),
)


#: The independent family: its mutants, and its equivalent variants.
INDEPENDENT: list[Variant] = [*MUTANTS, *_others.MUTANTS]
INDEPENDENT_EQUIVALENTS: list[Variant] = list(_others.EQUIVALENTS)
NAMES = frozenset(v.name for v in (*INDEPENDENT, *INDEPENDENT_EQUIVALENTS))
