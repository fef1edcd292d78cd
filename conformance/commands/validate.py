"""``vmjob validate``: the reference's verdict on documents, for people (text) or programs (JSON Lines).

Exit status: 0 when every document is valid, 1 when any is invalid, 2 for a usage or I/O error (an
unreadable file is reported on stderr and the other files are still validated).
"""

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
        description="Validate protocol documents with the reference implementation. Exit 0 when all are valid, "
        "1 when any is invalid, 2 for a usage or I/O error.",
        epilog="--format json prints one JSON object per document, one per line: "
        '{"file", "kind", "valid", "errors": [{"rule", "level", "pointer", "message"}], "warnings"}.',
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
    shown = "<stdin>" if name == "-" else name
    lines = [f"{shown}: {'valid' if result.valid else 'invalid'} ({result.kind})"]
    for label, issues in (("error", result.errors), ("warning", result.warnings)):
        for i in issues:
            lines.append(f"  {label} at {i.pointer or '/'}: {i.message} [{i.rule}, {i.level}]")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    # A message quotes the document's own text; never let an unprintable character end the run.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    any_invalid = io_error = False
    counts = {"valid": 0, "invalid": 0}
    for name in args.files:
        try:
            data = _read(name)
        except OSError as err:
            print(f"vmjob validate: error: cannot read {name!r}: {err.strerror or err}", file=sys.stderr)
            io_error = True
            continue
        result = validate(data, args.kind)
        any_invalid |= not result.valid
        counts["valid" if result.valid else "invalid"] += 1
        if args.format == "json":
            print(json.dumps({"file": name, **result.to_json()}, ensure_ascii=False))
        else:
            print(_text(name, result))
    if args.format == "text" and len(args.files) > 1:
        print(f"{counts['valid']} valid, {counts['invalid']} invalid" + (", some unreadable" if io_error else ""))
    return 2 if io_error else 1 if any_invalid else 0
