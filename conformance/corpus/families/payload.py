"""The known payloads (class payload): each payload type's members, images, paths, options and outputs."""

from __future__ import annotations

import json
from typing import Any

from ..builder import Corpus, drop, put, slug
from .documents import IMAGE, PAYLOADS, U64, job_with
from .members import Field


def fields() -> list[Field]:
    s, n, b, o, a, i = "string", "null", "boolean", "object", "array", "integer"
    out: list[Field] = []
    images = {"inspect": "/image", "profile": "/image", "fix": "/image", "convert": "/source", "compare": "/baseline"}
    for name, img in images.items():
        base = job_with(name, PAYLOADS[name])
        p = "/payload/data" + img
        out.append(Field("job", p, f"payload.{name}.{img[1:]}", (o,), IMAGE, required=True, base=base))
        out.append(
            Field("job", p + "/format", "payload.image.format", (s,), "vmdk", required=True, base=base, absent=False)
        )
        out.append(Field("job", p + "/checksum", "payload.image.checksum", (s, n), "sha256:" + "ab" * 32, base=base))
        # every image (compare's baseline included: PROTOCOL says the image shape holds in every payload)
        if True:
            out.append(
                Field(
                    "job",
                    p + "/size_bytes",
                    "payload.image.size_bytes",
                    (i, n),
                    10737418240,
                    base=base,
                    bounds=(0, U64, "u64"),
                )
            )
    ins = job_with("inspect", PAYLOADS["inspect"])
    out.append(Field("job", "/payload/data/image/read_only", "payload.inspect.image", (b,), False, base=ins))
    out.append(Field("job", "/payload/data/options", "payload.inspect.options", (o, n), {"deep_scan": True}, base=ins))
    for opt in (
        "deep_scan",
        "include_packages",
        "include_services",
        "include_users",
        "include_network",
        "include_security",
        "include_storage",
        "include_databases",
    ):
        out.append(Field("job", f"/payload/data/options/{opt}", "payload.inspect.options", (b,), True, base=ins))
    out.append(
        Field(
            "job",
            "/payload/data/output",
            "payload.inspect.output",
            (o, n),
            {"format": "json", "destination": "/var/lib/guestkit/reports/web-01.json"},
            base=ins,
        )
    )
    ins_out = put(ins, "/payload/data/output", {"format": "yaml", "destination": "/reports/web-01.yaml"})
    out.append(Field("job", "/payload/data/output/compression", "payload.inspect.output", (s, n), "gzip", base=ins_out))
    prof = job_with("profile", PAYLOADS["profile"])
    out.append(
        Field(
            "job",
            "/payload/data/profiles",
            "payload.profile.profiles",
            (a,),
            ["security", "compliance"],
            required=True,
            base=prof,
        )
    )
    out.append(
        Field(
            "job", "/payload/data/options", "payload.profile.options", (o, n), {"severity_threshold": "high"}, base=prof
        )
    )
    out.append(Field("job", "/payload/data/options/fail_on_critical", "payload.profile.options", (b,), True, base=prof))
    out.append(
        Field("job", "/payload/data/options/severity_threshold", "payload.profile.options", (s,), "critical", base=prof)
    )
    out.append(
        Field(
            "job",
            "/payload/data/output",
            "payload.profile.output",
            (o, n),
            {"format": "yaml", "destination": "/reports/profile.yaml"},
            base=prof,
        )
    )
    out.append(
        Field("job", "/payload/data/output/include_remediation", "payload.profile.output", (b,), True, base=prof)
    )
    fix = job_with("fix", PAYLOADS["fix"])
    out.append(Field("job", "/payload/data/image/create_backup", "payload.fix.image", (b,), True, base=fix))
    out.append(
        Field(
            "job",
            "/payload/data/operations",
            "payload.fix.operations",
            (a,),
            [{"type": "fstab"}, {"type": "selinux-relabel", "options": {"force": True}}],
            required=True,
            base=fix,
        )
    )
    out.append(
        Field("job", "/payload/data/operations/0/type", "payload.fix.operations", (s,), "grub", required=True, base=fix)
    )
    out.append(
        Field("job", "/payload/data/operations/0/options", "payload.fix.operations", (o, n), {"force": True}, base=fix)
    )
    out.append(
        Field(
            "job",
            "/payload/data/execution_policy",
            "payload.fix.execution_policy",
            (o, n),
            {"stop_on_error": True},
            base=fix,
        )
    )
    for opt in ("stop_on_error", "validate_before_commit"):
        out.append(
            Field("job", f"/payload/data/execution_policy/{opt}", "payload.fix.execution_policy", (b,), False, base=fix)
        )
    out.append(
        Field(
            "job",
            "/payload/data/output",
            "payload.fix.output",
            (o, n),
            {"fixed_image": "/images/web-01-fixed.qcow2"},
            base=fix,
        )
    )
    out.append(Field("job", "/payload/data/output/report_format", "payload.fix.output", (s,), "json", base=fix))
    conv = job_with("convert", PAYLOADS["convert"])
    out.append(
        Field(
            "job",
            "/payload/data/target",
            "payload.convert.target",
            (o,),
            PAYLOADS["convert"]["target"],
            required=True,
            base=conv,
        )
    )
    out.append(
        Field(
            "job",
            "/payload/data/target/format",
            "payload.image.format",
            (s,),
            "vhdx",
            required=True,
            base=conv,
            absent=False,
        )
    )
    out.append(Field("job", "/payload/data/target/compression", "payload.convert.target", (b,), True, base=conv))
    out.append(Field("job", "/payload/data/target/compression_type", "payload.convert.target", (s,), "zstd", base=conv))
    out.append(
        Field("job", "/payload/data/options", "payload.convert.options", (o, n), {"preserve_sparse": True}, base=conv)
    )
    for opt in ("verify_after_convert", "preserve_sparse"):
        out.append(Field("job", f"/payload/data/options/{opt}", "payload.convert.options", (b,), True, base=conv))
    cmp_ = job_with("compare", PAYLOADS["compare"])
    out.append(
        Field(
            "job",
            "/payload/data/target",
            "payload.compare.target",
            (o,),
            PAYLOADS["compare"]["target"],
            required=True,
            base=cmp_,
        )
    )
    out.append(
        Field("job", "/payload/data/options", "payload.compare.options", (o, n), {"ignore_timestamps": True}, base=cmp_)
    )
    for opt in ("compare_packages", "compare_files", "compare_config", "ignore_timestamps"):
        out.append(Field("job", f"/payload/data/options/{opt}", "payload.compare.options", (b,), True, base=cmp_))
    out.append(
        Field(
            "job",
            "/payload/data/output",
            "payload.compare.output",
            (o, n),
            {"format": "json", "destination": "/reports/diff.json"},
            base=cmp_,
        )
    )
    out.append(
        Field("job", "/payload/data/output/include_recommendations", "payload.compare.output", (b,), True, base=cmp_)
    )
    return out


PATHS = {
    "inspect": ("/image/path", "/output/destination"),
    "profile": ("/image/path", "/output/destination"),
    "fix": ("/image/path", "/image/backup_path", "/output/fixed_image", "/output/log_path"),
    "convert": ("/source/path", "/target/path"),
    "compare": ("/baseline/path", "/target/path", "/output/destination"),
}


def cases(c: Corpus) -> None:
    for name, data in PAYLOADS.items():
        base = job_with(name, data)
        label = f"guestkit.{name}.v1"
        c.doc(
            "job",
            "payload.unknown-members",
            f"{name}.minimal",
            f"job {label} with its required members alone is valid",
            valid=True,
            doc=base,
        )
        c.doc(
            "job",
            "payload.unknown-members",
            f"{name}.top",
            f"job {label} with an unknown member in its data is valid",
            valid=True,
            doc=put(base, "/payload/data/x-vendor", {"a": 1}),
        )
        first = next(iter(data))
        c.doc(
            "job",
            "payload.unknown-members",
            f"{name}.{slug(first)}",
            f"job {label} with an unknown member in `{first}` is valid",
            valid=True,
            doc=put(base, f"/payload/data/{first}/x-vendor", True),
        )
        for ptr in PATHS[name]:
            at = "/payload/data" + ptr
            doc = base
            if ptr.startswith("/output") and name in ("inspect", "compare", "profile"):
                doc = put(base, "/payload/data/output", {"format": "json", "destination": "/reports/r.json"})
            where = ptr[1:].replace("/", ".")
            for case_name, value, what in (
                ("empty", "", "empty"),
                ("nul", "/images/a\u0000b.qcow2", "with NUL"),
                ("dotdot-start", "../etc/shadow", "starting with .."),
                ("dotdot-middle", "/images/../etc/shadow", "with a .. segment"),
                ("dotdot-end", "/images/..", "ending with .."),
                ("dotdot-backslash", "C:\\images\\..\\secret", "with a \\..\\ segment"),
            ):
                c.doc(
                    "job",
                    "payload.path",
                    f"{name}.{slug(where)}.{case_name}",
                    f"job {label} `{where}` {what} is invalid",
                    valid=False,
                    doc=put(doc, at, value),
                    pointer=at,
                )
            for case_name, value, what in (
                ("dots-in-name", "/images/a..b.qcow2", "with .. inside a name"),
                ("three-dots", "/images/.../vm.qcow2", "with a ... segment"),
                ("dot", "/images/./vm.qcow2", "with a . segment"),
                ("spaces", "/images/my vm.qcow2", "with a space"),
            ):
                c.doc(
                    "job",
                    "payload.path",
                    f"{name}.{slug(where)}.{case_name}",
                    f"job {label} `{where}` {what} is valid",
                    valid=True,
                    doc=put(doc, at, value),
                )
            c.doc(
                "job",
                "payload.path.absolute",
                f"{name}.{slug(where)}.relative",
                f"job {label} `{where}` relative breaks the absolute-path recommendation",
                valid=False,
                doc=put(doc, at, "images/vm.qcow2"),
                pointer=at,
            )
            c.doc(
                "job",
                "payload.path",
                f"{name}.{slug(where)}.number",
                f"job {label} `{where}` as a number is invalid",
                valid=False,
                doc=put(doc, at, 42),
                pointer=at,
            )
            c.doc(
                "job",
                "payload.path",
                f"{name}.{slug(where)}.null",
                f"job {label} `{where}` null is invalid",
                valid=False,
                doc=put(doc, at, None),
                pointer=at,
            )
        c.doc(
            "job",
            "payload.path.absolute",
            f"{name}.absolute",
            f"job {label} with absolute paths keeps the recommendation",
            valid=True,
            doc=base,
        )
        c.doc(
            "job",
            "payload.path.absolute",
            f"{name}.dot-relative",
            f"job {label} with a ./ path breaks the absolute-path recommendation",
            valid=False,
            doc=put(base, "/payload/data/" + PATHS[name][0][1:], "./vm.qcow2"),
            pointer="/payload/data" + PATHS[name][0],
        )
    # image objects: required path and format, format values, checksums
    images = (
        ("inspect", "/image"),
        ("profile", "/image"),
        ("fix", "/image"),
        ("convert", "/source"),
        ("convert", "/target"),
        ("compare", "/baseline"),
        ("compare", "/target"),
    )
    for name, img in images:
        base = job_with(name, PAYLOADS[name])
        at = "/payload/data" + img
        c.doc(
            "job",
            "payload.image",
            f"{name}.{img[1:]}.path-and-format",
            f"job guestkit.{name}.v1 `{img[1:]}` with a path and a format is valid",
            valid=True,
            doc=base,
        )
        for member in ("path", "format"):
            c.doc(
                "job",
                "payload.image",
                f"{name}.{img[1:]}.no-{member}",
                f"job guestkit.{name}.v1 `{img[1:]}` without `{member}` is invalid",
                valid=False,
                doc=drop(base, f"{at}/{member}"),
                pointer=f"{at}/{member}",
            )
    fmt_base = job_with("inspect", PAYLOADS["inspect"])
    for fmt in ("qcow2", "vmdk", "vdi", "vhdx", "raw", "img", "ova"):
        c.doc(
            "job",
            "payload.image.format",
            f"inspect.{fmt}",
            f"job guestkit.inspect.v1 image format {fmt} is valid",
            valid=True,
            doc=put(fmt_base, "/payload/data/image/format", fmt),
        )
    for bad in ("QCOW2", "qcow", "iso", "vhd", "", "qcow2 "):
        bad_name = f"inspect.bad-{slug(bad) or 'empty'}{'-space' if bad.endswith(' ') else ''}"
        c.doc(
            "job",
            "payload.image.format",
            bad_name,
            f"job guestkit.inspect.v1 image format {json.dumps(bad)} is invalid",
            valid=False,
            doc=put(fmt_base, "/payload/data/image/format", bad),
            pointer="/payload/data/image/format",
        )
    ck = "/payload/data/image/checksum"
    hexd = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    for name, value, what in (
        ("prefixed", "sha256:" + hexd, "sha256: and 64 hex digits"),
        ("bare", hexd, "64 bare hex digits"),
        ("upper-algorithm", "SHA256:" + hexd, "SHA256: in capitals"),
        ("mixed-algorithm", "Sha256:" + hexd, "Sha256: in mixed case"),
        ("upper-hex", "sha256:" + hexd.upper(), "uppercase hex digits"),
    ):
        c.doc(
            "job",
            "payload.image.checksum",
            name,
            f"job image checksum of {what} is valid",
            valid=True,
            doc=put(fmt_base, ck, value),
        )
    for name, value, what in (
        ("63-digits", "sha256:" + hexd[:-1], "63 hex digits"),
        ("65-digits", "sha256:" + hexd + "0", "65 hex digits"),
        ("md5", "md5:" + hexd[:32], "an md5 digest"),
        ("non-hex", "sha256:" + "g" * 64, "64 non-hex letters"),
        ("sha-256", "sha-256:" + hexd, "the algorithm spelt sha-256"),
        ("sha512", "sha512:" + hexd, "the algorithm sha512"),
        ("space", "sha256: " + hexd, "a space after the colon"),
        ("empty", "", "an empty string"),
    ):
        c.doc(
            "job",
            "payload.image.checksum",
            name,
            f"job image checksum of {what} is invalid",
            valid=False,
            doc=put(fmt_base, ck, value),
            pointer=ck,
        )
    report = {"format": "json", "destination": "/reports/r.json"}
    fix_output = {"format": "json", "fixed_image": "/images/fixed.qcow2", "log_path": "/logs/fix.log"}
    for name, pl, out_ptr, output in (
        ("inspect", "inspect", "/payload/data/output", report),
        ("profile", "profile", "/payload/data/output", report),
        ("compare", "compare", "/payload/data/output", report),
        # the fix output has no destination, but a format where present is json or yaml, as in every payload
        ("fix", "fix", "/payload/data/output", fix_output),
    ):
        base = put(job_with(pl, PAYLOADS[pl]), out_ptr, output)
        for fmt in ("json", "yaml"):
            c.doc(
                "job",
                "payload.output.format",
                f"{name}.{fmt}",
                f"job guestkit.{name}.v1 output format {fmt} is valid",
                valid=True,
                doc=put(base, out_ptr + "/format", fmt),
            )
        for bad in ("JSON", "xml", "yml", ""):
            c.doc(
                "job",
                "payload.output.format",
                f"{name}.bad-{slug(bad) or 'empty'}",
                f"job guestkit.{name}.v1 output format {json.dumps(bad)} is invalid",
                valid=False,
                doc=put(base, out_ptr + "/format", bad),
                pointer=out_ptr + "/format",
            )
        c.doc(
            "job",
            "payload.output.format",
            f"{name}.null",
            f"job guestkit.{name}.v1 output format null is invalid",
            valid=False,
            doc=put(base, out_ptr + "/format", None),
            pointer=out_ptr + "/format",
        )
    prof = job_with("profile", PAYLOADS["profile"])
    pp = "/payload/data/profiles"
    c.doc(
        "job",
        "payload.profile.profiles",
        "all-five",
        "job guestkit.profile.v1 with all five profiles is valid",
        valid=True,
        doc=put(prof, pp, ["security", "compliance", "hardening", "performance", "migration"]),
    )
    c.doc(
        "job",
        "payload.profile.profiles",
        "repeated",
        "job guestkit.profile.v1 with a profile named twice is valid",
        valid=True,
        doc=put(prof, pp, ["security", "security"]),
    )
    c.doc(
        "job",
        "payload.profile.profiles",
        "empty",
        "job guestkit.profile.v1 with no profile is invalid",
        valid=False,
        doc=put(prof, pp, []),
        pointer=pp,
    )
    for bad in ("Security", "cis", ""):
        c.doc(
            "job",
            "payload.profile.profiles",
            f"unknown-{slug(bad) or 'empty'}",
            f"job guestkit.profile.v1 profile {json.dumps(bad)} is invalid",
            valid=False,
            doc=put(prof, pp, ["compliance", bad]),
            pointer=pp + "/1",
        )
    for level in ("low", "medium", "high", "critical"):
        c.doc(
            "job",
            "payload.profile.options",
            f"severity-{level}",
            f"job guestkit.profile.v1 severity_threshold {level} is valid",
            valid=True,
            doc=put(prof, "/payload/data/options/severity_threshold", level),
        )
    for bad in ("severe", "HIGH", ""):
        c.doc(
            "job",
            "payload.profile.options",
            f"severity-bad-{slug(bad) or 'empty'}",
            f"job guestkit.profile.v1 severity_threshold {json.dumps(bad)} is invalid",
            valid=False,
            doc=put(prof, "/payload/data/options/severity_threshold", bad),
            pointer="/payload/data/options/severity_threshold",
        )
    fix = job_with("fix", PAYLOADS["fix"])
    c.doc(
        "job",
        "payload.fix.operations",
        "empty",
        "job guestkit.fix.v1 with no operation is invalid",
        valid=False,
        doc=put(fix, "/payload/data/operations", []),
        pointer="/payload/data/operations",
    )
    c.doc(
        "job",
        "payload.fix.operations",
        "string-item",
        "job guestkit.fix.v1 with an operation given as a string is invalid",
        valid=False,
        doc=put(fix, "/payload/data/operations", ["fstab"]),
        pointer="/payload/data/operations/0",
    )
    c.doc(
        "job",
        "payload.fix.operations",
        "second-no-type",
        "job guestkit.fix.v1 whose second operation lacks `type` is invalid",
        valid=False,
        doc=put(fix, "/payload/data/operations", [{"type": "fstab"}, {"options": {}}]),
        pointer="/payload/data/operations/1/type",
    )
    c.doc(
        "job",
        "payload.unknown-members",
        "fix.operation-item",
        "job guestkit.fix.v1 with an unknown member in an operation is valid",
        valid=True,
        doc=put(fix, "/payload/data/operations", [{"type": "fstab", "x-order": 1}]),
    )
    # unknown members in every optional object of every known payload
    sections: dict[str, dict[str, dict[str, Any]]] = {
        "inspect": {"options": {}, "output": {"format": "json", "destination": "/reports/r.json"}},
        "profile": {"options": {}, "output": {}},
        "fix": {"execution_policy": {}, "output": {}},
        "convert": {"options": {}},
        "compare": {"options": {}, "output": {}},
    }
    for name, members in sections.items():
        for section, content in members.items():
            c.doc(
                "job",
                "payload.unknown-members",
                f"{name}.{slug(section)}",
                f"job guestkit.{name}.v1 with an unknown member in `{section}` is valid",
                valid=True,
                doc=put(job_with(name, {**PAYLOADS[name], section: content}), f"/payload/data/{section}/x-vendor", [1]),
            )
    for name, member in (("convert", "target"), ("compare", "target"), ("fix", "operations/0/options")):
        c.doc(
            "job",
            "payload.unknown-members",
            f"{name}.{slug(member.replace('/', '-'))}.unknown",
            f"job guestkit.{name}.v1 with an unknown member in `{member.replace('/', '.')}` is valid",
            valid=True,
            doc=put(job_with(name, PAYLOADS[name]), f"/payload/data/{member}/x-vendor", "kept"),
        )
    for name, pl in (
        ("inspect", "inspect"),
        ("profile", "profile"),
        ("fix", "fix"),
        ("convert", "source"),
        ("compare", "baseline"),
    ):
        img = "image" if name in ("inspect", "profile", "fix") else pl
        rule = f"payload.{name}.{img}"
        base = job_with(name, PAYLOADS[name])
        c.doc(
            "job",
            rule,
            "array",
            f"job guestkit.{name}.v1 `{img}` as an array of images is invalid",
            valid=False,
            doc=put(base, f"/payload/data/{img}", [IMAGE]),
            pointer=f"/payload/data/{img}",
        )
    # guestkit.inspect.v1 alone requires both members of its output object.
    ins_out = put(
        job_with("inspect", PAYLOADS["inspect"]), "/payload/data/output", {"format": "json", "destination": "/r.json"}
    )
    for member in ("format", "destination"):
        c.doc(
            "job",
            "payload.inspect.output",
            f"inspect.output.{member}.absent",
            f"job guestkit.inspect.v1 output without `{member}` is invalid",
            valid=False,
            doc=drop(ins_out, f"/payload/data/output/{member}"),
            pointer=f"/payload/data/output/{member}",
        )
