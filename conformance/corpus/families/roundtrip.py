"""Round trips (class roundtrip): valid documents whose every member, unknown ones included, survives a
write-back, and documents a write-back must add no default to."""

from __future__ import annotations

from ..builder import Corpus, dumps, put, raw, slug
from .documents import JOB, PAYLOADS, PROGRESS, RESULT, U64, WORKER, free, job_with


def cases(c: Corpus) -> None:
    pre, nod = "roundtrip.preserve", "roundtrip.no-defaults"
    j = JOB
    for where in (
        "",
        "/metadata",
        "/execution",
        "/constraints",
        "/routing",
        "/observability",
        "/audit",
        "/payload",
        "/payload/data",
    ):
        c.roundtrip(
            "job",
            pre,
            f"unknown-{slug(where) or 'top'}",
            f"job round trip keeps an unknown member in {where[1:].replace('/', '.') or 'the top level'}",
            dumps(put(j, f"{where}/x-vendor", {"keep": [1, "two", None, True]})),
        )
    ins = job_with("inspect", PAYLOADS["inspect"])
    c.roundtrip(
        "job",
        pre,
        "unknown-in-known-payload",
        "job round trip keeps an unknown member in a known payload's image",
        dumps(put(ins, "/payload/data/image/x-vendor", "kept")),
    )
    c.roundtrip(
        "job",
        pre,
        "big-free-number",
        "job round trip keeps a 400-digit number in payload data digit for digit",
        raw(free("job", "n", 0), "/payload/data/n", "1" + "0" * 399),
    )
    c.roundtrip(
        "job",
        pre,
        "u64-max",
        "job round trip keeps u64 max exactly",
        raw(j, "/constraints/maximum_disk_size_gb", str(U64 - 1)),
    )
    c.roundtrip(
        "job",
        pre,
        "unicode",
        "job round trip keeps non-ASCII text (é, 漢, 😀, U+2028)",
        dumps(put(j, "/metadata", {"name": "café 漢字 😀 \u2028 end"})),
    )
    c.roundtrip(
        "job",
        pre,
        "escapes",
        "job round trip keeps escaped control characters in values",
        dumps(put(j, "/metadata/annotations", {"note": 'tab\there\nnewline "quoted" \\ back'})),
    )
    c.roundtrip(
        "job",
        pre,
        "nulls",
        "job round trip keeps sections given as null",
        dumps({**j, "metadata": None, "execution": None, "routing": None, "audit": None}),
    )
    c.roundtrip(
        "job",
        pre,
        "floats",
        "job round trip keeps free-form floats",
        raw(free("job", "ratio", 0), "/payload/data/ratio", "0.1"),
    )
    for name, literal in (
        ("beyond-double", "1e400"),
        ("exponent", "1E+2"),
        ("trailing-zero", "0.10"),
        ("negative-zero", "-0.0"),
        ("negative-integer-zero", "-0"),
        ("digits-5000", "7" * 5000),
    ):
        c.roundtrip(
            "job",
            pre,
            f"number-{name}",
            f"job round trip keeps the free-form number {literal[:12]}{'...' if len(literal) > 12 else ''} as written",
            raw(free("job", "n", 0), "/payload/data/n", literal),
        )
    c.roundtrip(
        "result",
        pre,
        "unknown-nested",
        "result round trip keeps unknown members in every section",
        dumps(
            put(
                put(put(RESULT, "/x-top", 1), "/execution_summary/x-inner", [1]),
                "/data",
                {"anything": {"deep": [None]}},
            )
        ),
    )
    c.roundtrip(
        "progress",
        pre,
        "details",
        "progress round trip keeps details and unknown members",
        dumps(put(put(PROGRESS, "/details", {"packages": 812, "x": {"y": "z"}}), "/x-top", "kept")),
    )
    c.roundtrip(
        "worker",
        pre,
        "unknown-nested",
        "worker round trip keeps unknown members in every section",
        dumps(put(put(put(WORKER, "/x-top", 1), "/resources/gpus", 2), "/status/x-note", "kept")),
    )
    c.roundtrip("job", nod, "no-execution", "job round trip without execution adds no execution defaults", dumps(j))
    c.roundtrip(
        "job",
        nod,
        "empty-execution",
        "job round trip keeps an empty execution object empty",
        dumps(put(j, "/execution", {})),
    )
    c.roundtrip(
        "job",
        nod,
        "partial-execution",
        "job round trip adds no default beside a given priority",
        dumps(put(j, "/execution", {"priority": 9})),
    )
    c.roundtrip("job", nod, "no-read-only", "job round trip adds no read_only to an inspect image", dumps(ins))
    c.roundtrip(
        "worker",
        nod,
        "empty-capabilities",
        "worker round trip adds no empty lists to capabilities {}",
        dumps(put(WORKER, "/capabilities", {})),
    )
    c.roundtrip("result", nod, "no-optional", "result round trip adds no optional member", dumps(RESULT))
    c.roundtrip("progress", nod, "no-optional", "progress round trip adds no optional member", dumps(PROGRESS))
