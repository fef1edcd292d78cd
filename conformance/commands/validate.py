"""``vmjob validate``: the reference's verdict on documents, for people (text) or programs (JSON Lines)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from reference import KINDS, ValidationResult, validate


def register(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="validate documents with the reference implementation",
        description="Validate protocol documents with the reference. Exit 0 when all are valid, "
        "1 when any is invalid, 2 for a usage or I/O error.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="a document file, or - for standard input")
    p.add_argument("--kind", choices=KINDS, default="job", help="the document kind (default: job)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=run)


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as fh:
        return fh.read()


def _text(name: str, result: ValidationResult) -> str:
    lines = [f"{name}: {'valid' if result.valid else 'invalid'} ({result.kind})"]
    for label, issues in (("error", result.errors), ("warning", result.warnings)):
        for i in issues:
            lines.append(f"  {label} at {i.pointer or '/'}: {i.message} [{i.rule}, {i.level}]")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    any_invalid = io_error = False
    for name in args.files:
        try:
            data = _read(name)
        except OSError as err:
            print(f"vmjob validate: error: cannot read {name!r}: {err.strerror or err}", file=sys.stderr)
            io_error = True
            continue
        result = validate(data, args.kind)
        any_invalid |= not result.valid
        if args.format == "json":
            out = {"file": name, **result.to_json()}
            print(json.dumps(out, ensure_ascii=False))
        else:
            print(_text(name, result))
    return 2 if io_error else 1 if any_invalid else 0
