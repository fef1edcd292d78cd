"""Values and names that look like a violation, or like a valid value, but are not (every class of member):

- every member of the protocol spelt in another letter case, beside the real one or instead of it (a reader
  that folds case, as Go's encoding/json does, takes it for the member);
- every constrained string with a line break or space at either end, and with its ASCII digits written in
  another script's decimal digits (a regular expression's ``$`` before a final newline, ``\\d`` taking any
  Unicode digit);
- lengths counted in code points, with characters of one to four UTF-8 bytes, two UTF-16 units, and combining
  marks;
- every path member against every separator and name form (drive letters, UNC, backslashes, names holding
  dots that are no ``..`` segment);
- timestamps with fractions of one to twelve digits, and the deadline against ``created_at`` at every fraction
  digit, across offsets and a leap second; documents at each warning rule's edge that draw no warning.

Each case states its expectation by hand, from the rule it is filed under.
"""

from __future__ import annotations

from typing import Any

from ..builder import Corpus, drop, put, slug
from . import common, core, payload, progress, result, worker
from .documents import BASE, JOB, PAYLOADS, job_with
from .members import CONFUSIONS, Field
from .payload import PATHS

#: Decimal digits of other scripts (Unicode category Nd): Arabic-Indic, Devanagari, fullwidth, Bengali.
DIGITS = {"arabic-indic": 0x0660, "devanagari": 0x0966, "fullwidth": 0xFF10, "bengali": 0x09E6}
#: What a constrained string may carry at an end that looks like nothing: line breaks, a space, a tab.
ENDS = (("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r"), ("space", " "), ("tab", "\t"), ("nbsp", "\u00a0"))


def _all_fields() -> list[Field]:
    return core.fields() + result.fields() + progress.fields() + worker.fields() + common.fields() + payload.fields()


def _fold(name: str) -> list[tuple[str, str]]:
    """Other letter cases of ``name`` (title, upper), each with a slug; none when it has no cased letter."""
    out: list[tuple[str, str]] = []
    for what, other in (("title", name[:1].upper() + name[1:]), ("upper", name.upper())):
        if other != name and other not in [o for _w, o in out]:
            out.append((what, other))
    return out


def _wrong(f: Field) -> Any:
    """A value the member itself refuses (its type is none of the member's)."""
    return next(v for t, _w, v in CONFUSIONS if t not in f.types and t != "null")


def _unknown_rule(f: Field) -> str:
    if f.kind == "job":
        return "payload.unknown-members" if f.ptr.startswith("/payload/data/") else "core.unknown-members"
    return f.rule


def folded_names(c: Corpus) -> None:
    """Every member in another letter case: beside the real member holding a value the member refuses (an
    unknown member: valid), and instead of a required member (the member is absent: invalid)."""
    seen: set[tuple[str, str, str]] = set()
    for f in _all_fields():
        parent, _, name = f.ptr.rpartition("/")
        doc = put(f.doc, f.ptr, f.sample)
        node: Any = doc
        for part in parent.split("/")[1:]:
            node = node[int(part)] if isinstance(node, list) else node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict) or name.isdigit():
            continue
        for what, other in _fold(name):
            key = (f.kind, f.ptr, what)
            if key in seen or other in node:
                continue
            seen.add(key)
            c.doc(
                f.kind,
                _unknown_rule(f),
                f.qname(f"case-{what}-beside"),
                f"{f.label()} valid, beside `{other}` holding a value `{name}` refuses: another member, valid",
                valid=True,
                doc=put(doc, f"{parent}/{other}", _wrong(f)),
            )
            if f.required and f.absent:
                c.doc(
                    f.kind,
                    f.rule,
                    f.qname(f"case-{what}-instead"),
                    f"{f.label()} spelt `{other}` instead is absent: invalid, it is required",
                    valid=False,
                    doc=put(drop(doc, f.ptr), f"{parent}/{other}", f.sample),
                    pointer=f.ptr,
                )


#: Constrained strings: (kind, pointer, rule, a valid value holding an ASCII digit, base document).
PATTERNED: tuple[tuple[str, str, str, str, Any], ...] = (
    ("job", "/version", "core.version", "1.0", JOB),
    ("job", "/kind", "core.kind", "VMOperation", JOB),
    ("job", "/payload/type", "core.payload.type", "system.health-check.v1", JOB),
    ("job", "/constraints/minimum_worker_version", "core.constraints.minimum_worker_version.semver", "0.4.0", JOB),
    ("result", "/status", "result.status", "running", BASE["result"]),
    ("worker", "/status/state", "worker.status", "ready", BASE["worker"]),
    (
        "job",
        "/payload/data/image/checksum",
        "payload.image.checksum",
        "sha256:" + "0123456789abcdef" * 4,
        job_with("inspect", PAYLOADS["inspect"]),
    ),
    ("job", "/payload/data/image/format", "payload.image.format", "qcow2", job_with("inspect", PAYLOADS["inspect"])),
)


#: Rules whose pattern allows anything before a dot: a leading space or line break leaves the value well formed
#: and breaks the rule that compares it with another member.
BEFORE = {"core.payload.type": "core.payload.type.matches-operation"}


def patterned(c: Corpus) -> None:
    """Every constrained string with something at either end, and with other scripts' digits: invalid."""
    for kind, ptr, rule, value, base in PATTERNED:
        where = ptr[1:].replace("/", ".")
        for name, end in ENDS:
            for side, v in (("after", value + end), ("before", end + value)):
                c.doc(
                    kind,
                    BEFORE.get(rule, rule) if side == "before" else rule,
                    f"{slug(where)}.{name}-{side}",
                    f"{kind} `{where}` = {v!r} ({name} {side} the value) is invalid",
                    valid=False,
                    doc=put(base, ptr, v),
                    pointer=ptr,
                )
        if any(ch.isdigit() for ch in value):
            for script, zero in DIGITS.items():
                v = "".join(chr(zero + int(ch)) if ch in "0123456789" else ch for ch in value)
                c.doc(
                    kind,
                    rule,
                    f"{slug(where)}.digits-{script}",
                    f"{kind} `{where}` = {v!r} ({script} digits for ASCII ones) is invalid",
                    valid=False,
                    doc=put(base, ptr, v),
                    pointer=ptr,
                )
    # Where no rule asks for ASCII digits, other digits are just characters: valid.
    for script, zero in DIGITS.items():
        v = "job-" + "".join(chr(zero + d) for d in (2, 0, 2, 6))
        c.doc(
            "job",
            "core.job_id",
            f"digits-{script}",
            f"job `job_id` = {v!r} ({script} digits) is valid: a job id is any text",
            valid=True,
            doc=put(JOB, "/job_id", v),
        )
    # A payload type's version in another script's digits, its operation matching: still no `v` and digits.
    for script, zero in DIGITS.items():
        c.doc(
            "job",
            "core.payload.type",
            f"version-digits-{script}",
            f"job `payload.type` guestkit.inspect.v{chr(zero + 1)} ({script} digit) is invalid",
            valid=False,
            doc=put(job_with("inspect", PAYLOADS["inspect"]), "/payload/type", f"guestkit.inspect.v{chr(zero + 1)}"),
            pointer="/payload/type",
        )


#: Characters of each UTF-8 length and UTF-16 width, and a combining mark.
WIDE = (("ascii", "a"), ("two-byte", "é"), ("three-byte", "漢"), ("astral", "😀"), ("combining", "e\u0301"))


def lengths(c: Corpus) -> None:
    """``job_id`` at its minimum of 8 code points, and one short, in characters of every width."""
    for name, ch in WIDE:
        per = len(ch)  # code points per character
        for v, ok in ((ch * -(-8 // per), True), (("x" if 7 % per else "") + ch * (7 // per), False)):
            c.doc(
                "job",
                "core.job_id",
                f"length-{name}-{len(v)}",
                f"job `job_id` of {len(v)} code points ({name}: {len(v.encode('utf-8'))} UTF-8 bytes, "
                f"{len(v.encode('utf-16-le')) // 2} UTF-16 units) is {'valid' if ok else 'invalid'}",
                valid=ok,
                doc=put(JOB, "/job_id", v),
                pointer=None if ok else "/job_id",
            )
    for v, what in (
        ("😀" * 4, "4 astral characters (8 UTF-16 units)"),
        ("ab😀😀😀", "2 letters and 3 astral characters"),
    ):
        c.doc(
            "job",
            "core.job_id",
            f"length-utf16-{slug(what)}",
            f"job `job_id` of {what} is invalid: {len(v)} code points",
            valid=False,
            doc=put(JOB, "/job_id", v),
            pointer="/job_id",
        )
    c.doc(
        "job",
        "core.job_id",
        "length-graphemes-7",
        "job `job_id` job-ééé with combining accents (10 code points, 7 characters seen) is valid",
        valid=True,
        doc=put(JOB, "/job_id", "job-e\u0301e\u0301e\u0301"),
    )


#: Path forms: (slug, value, verdict: "valid", "path" (payload.path) or "absolute" (payload.path.absolute)).
PATH_FORMS = (
    ("dots-in-name", "/vms/web..01.qcow2", "valid"),
    ("dots-leading-name", "/vms/..hidden.qcow2", "valid"),
    ("dots-trailing-name", "/vms/web.qcow2..", "valid"),
    ("three-dots", "/vms/.../web.qcow2", "valid"),
    ("single-dot", "/vms/./web.qcow2", "valid"),
    ("double-slash", "/vms//web.qcow2", "valid"),
    ("percent-dots", "/vms/%2e%2e/web.qcow2", "valid"),
    ("fullwidth-dots", "/vms/\uff0e\uff0e/web.qcow2", "valid"),
    ("trailing-slash", "/vms/images/", "valid"),
    ("root", "/", "valid"),
    ("space-name", "/vms/my disk.qcow2", "valid"),
    ("dotdot-slash", "/vms/../web.qcow2", "path"),
    ("dotdot-backslash", "/vms\\..\\web.qcow2", "path"),
    ("dotdot-mixed", "/vms/..\\web.qcow2", "path"),
    ("dotdot-end", "/vms/..", "path"),
    ("dotdot-only", "..", "path"),
    ("windows-drive", "C:\\vms\\web.vhdx", "absolute"),
    ("windows-drive-slash", "C:/vms/web.vhdx", "absolute"),
    ("unc", "\\\\server\\share\\web.vhdx", "absolute"),
    ("unc-slash", "//server/share/web.vhdx", "valid"),
    ("backslash-root", "\\vms\\web.qcow2", "absolute"),
    ("relative", "vms/web.qcow2", "absolute"),
    ("dot-relative", "./web.qcow2", "absolute"),
    ("home", "~/web.qcow2", "absolute"),
    ("file-url", "file:///vms/web.qcow2", "absolute"),
)


def paths(c: Corpus) -> None:
    """Every path member against every separator and name form."""
    for name, data in PAYLOADS.items():
        base = job_with(name, data)
        for ptr in PATHS[name]:
            at = "/payload/data" + ptr
            doc = base
            if ptr.startswith("/output") and name in ("inspect", "compare", "profile"):
                doc = put(base, "/payload/data/output", {"format": "json", "destination": "/reports/r.json"})
            where = ptr[1:].replace("/", ".")
            for form, value, verdict in PATH_FORMS:
                rule = {"valid": "payload.path", "path": "payload.path", "absolute": "payload.path.absolute"}[verdict]
                c.doc(
                    "job",
                    rule,
                    f"{name}.{slug(where)}.form-{form}",
                    f"job guestkit.{name}.v1 `{where}` = {value!r} is "
                    + {"valid": "valid", "path": "invalid (a .. segment)", "absolute": "not an absolute path"}[verdict],
                    valid=verdict == "valid",
                    doc=put(doc, at, value),
                    pointer=None if verdict == "valid" else at,
                )


def instants(c: Corpus) -> None:
    """Fractions of every length in every timestamp; the deadline at every fraction digit around
    ``created_at``, across offsets; documents at each warning rule's edge that draw no warning."""
    for kind in BASE:
        ptrs = (common.TS_AT[kind], *common.TS_MORE[kind])
        for ptr in ptrs:
            where = ptr[1:].replace("/", ".")
            for n in (1, 2, 3, 4, 6, 7, 9, 10, 12, 18):
                v = "2026-01-15T10:30:00." + ("123456789" * 2)[:n] + "Z"
                c.doc(
                    kind,
                    "timestamp.valid",
                    f"{slug(where)}.fraction-{n}",
                    f"{kind} `{where}` with {n} fraction digits is valid (RFC 3339 sets no limit)",
                    valid=True,
                    doc=put(BASE[kind], ptr, v),
                )
    rule, d = "core.execution.deadline.after-created", "/execution/deadline"
    # Every digit to the nanosecond, then beyond it: RFC 3339 sets no limit, and neither does the comparison.
    for n in (*range(1, 10), 12, 18):
        tick = "0" * (n - 1) + "1"
        zero = "0" * n
        for name, created, deadline, warn, what in (
            ("after", f"10:30:00.{zero}", f"10:30:00.{tick}", False, "after"),
            ("equal", f"10:30:00.{tick}", f"10:30:00.{tick}", True, "equal to"),
            ("before", f"10:30:00.{tick}", f"10:30:00.{zero}", True, "before"),
        ):
            c.doc(
                "job",
                rule,
                f"fraction-{n}-{name}",
                f"job `execution.deadline` 10^-{n} s {what} created_at is valid"
                + (" with a warning" if warn else ", no warning"),
                valid=True,
                doc=put(put(JOB, "/created_at", f"2026-01-15T{created}Z"), d, f"2026-01-15T{deadline}Z"),
                warnings=[d] if warn else [],
            )
    # The same instants written with offsets, where the text order is the reverse of the time order.
    for name, created, deadline, warn, what in (
        ("text-smaller-later", "2026-01-15T10:30:00Z", "2026-01-15T10:00:00-01:00", False, "10:00-01:00 after 10:30Z"),
        (
            "text-greater-earlier",
            "2026-01-15T10:30:00Z",
            "2026-01-15T11:00:00+01:00",
            True,
            "11:00+01:00 before 10:30Z",
        ),
        ("offset-fraction-after", "2026-01-15T10:30:00.5+00:00", "2026-01-15T11:30:00.6+01:00", False, "0.1 s after"),
        ("offset-day-before", "2026-01-15T00:30:00+01:00", "2026-01-14T23:45:00Z", False, "a day earlier in text"),
        ("leap-then-midnight", "2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z", False, "midnight after a leap second"),
        ("leap-fraction", "2016-12-31T23:59:60.5Z", "2017-01-01T00:00:00Z", False, "midnight after 23:59:60.5"),
        ("leap-then-leap-later", "2016-12-31T23:59:60Z", "2016-12-31T23:59:60.001Z", False, "1 ms later in second 60"),
        ("before-leap", "2016-12-31T23:59:59.999Z", "2016-12-31T23:59:60Z", False, "second 60 after 23:59:59.999"),
    ):
        c.doc(
            "job",
            rule,
            name,
            f"job `execution.deadline` {what} is valid" + (" with a warning" if warn else ", no warning"),
            valid=True,
            doc=put(put(JOB, "/created_at", created), d, deadline),
            warnings=[d] if warn else [],
        )
    # Documents at each warning rule's edge that must draw no warning: null, absent, at the threshold.
    for name, doc, what in (
        ("null", put(JOB, d, None), "null (no deadline: nothing to compare)"),
        ("absent", put(JOB, "/execution", {"priority": 5}), "absent"),
        ("execution-null", put(JOB, "/execution", None), "absent, execution null"),
        ("far-future", put(JOB, d, "9999-12-31T23:59:59Z"), "9999-12-31T23:59:59Z"),
    ):
        c.doc(
            "job",
            rule,
            f"no-warning-{name}",
            f"job `execution.deadline` {what} draws no warning",
            valid=True,
            doc=doc,
        )
    for ptr, rule2 in (
        ("/execution/timeout_seconds", "core.execution.timeout_seconds.long"),
        ("/constraints/maximum_disk_size_gb", "core.constraints.maximum_disk_size_gb.large"),
    ):
        where = ptr[1:].replace("/", ".")
        below = {"core.execution.timeout_seconds.long": 86399}.get(rule2, 99999)
        for name, value in (("one", 1), ("below-threshold", below)):
            c.doc(
                "job",
                rule2,
                f"no-warning-{name}",
                f"job `{where}` = {value} draws no warning",
                valid=True,
                doc=put(JOB, ptr, value),
            )


def cases(c: Corpus) -> None:
    folded_names(c)
    patterned(c)
    lengths(c)
    paths(c)
    instants(c)
