"""``vmjob validate``: the reference's verdict on documents, for people (text) or programs (JSON Lines).

Exit status: 0 when every document is valid, 1 when any is invalid, 2 for a usage or I/O error (an
unreadable file is reported on stderr and the other files are still validated).

``--kind auto`` (the default) tells each document's kind from its top-level members
(:func:`reference.detect_kind`) and prints it: ``valid (result, detected)``. A document whose kind cannot be
told is not validated: a one-line message says which members point where and how to name the kind, and the
run exits 2. A text that does not parse, or is not a JSON object, is invalid whatever its kind: its parse
error is shown without one. An empty file says so. The whole document's pointer (RFC 6901's ``""``) is
printed as ``the root``, as in every report.

At most :data:`MAX_BYTES` (64 MiB) are read from a file or standard input: a larger one (``/dev/zero``, an
endless pipe) is an I/O error, not validated. The reference lists the first issues of a document and counts
the rest: the text output ends such a list with ``... and N more errors, not listed``, the JSON output
carries ``errors_omitted`` / ``warnings_omitted``.

Member names and values come from the document: in the text output every character that could act on a
terminal (C0 and C1 controls, DEL, lone surrogates, line separators and bidirectional overrides) is shown as
an escape (``\\x1b``, ``\\u202e``), one line per issue; the JSON output writes them as JSON escapes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from reference import KINDS, ValidationResult, detect_kind, validate

from ..safetext import BEYOND_C0
from ..safetext import escape_line as safe_line

#: The most bytes read from one file or from standard input.
MAX_BYTES = 64 * 1024 * 1024
_CHUNK = 1 << 20

#: What json.dumps leaves as it is (it escapes the C0 controls) of what conformance.safetext escapes.
_UNSAFE_IN_JSON = re.compile(f"[{BEYOND_C0}]")


def _json_escape(m: re.Match[str]) -> str:
    return f"\\u{ord(m.group()):04x}"


def safe_json(text: str) -> str:
    """JSON text with the same characters written as JSON escapes (they occur only inside strings)."""
    return _UNSAFE_IN_JSON.sub(_json_escape, text)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="validate documents with the reference implementation",
        description="Validate protocol documents with the reference implementation. Exit 0 when all are valid, "
        f"1 when any is invalid, 2 for a usage or I/O error (a file larger than {MAX_BYTES:,} bytes is one).",
        epilog="--format json prints one JSON object per document, one per line: "
        '{"file", "kind", "valid", "errors": [{"rule", "level", "pointer", "message"}], "warnings"}, '
        'with "errors_omitted" / "warnings_omitted" when the reference left issues out of a long list, and '
        '"detected": true when the kind was told from the members. A file not validated (unreadable, too '
        'large, kind not told) is one {"file", "error"} line too.',
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help=f"a document file, or - for standard input (at most {MAX_BYTES:,} bytes)",
    )
    p.add_argument(
        "--kind",
        choices=("auto", *KINDS),
        default="auto",
        help="the document kind (default: auto, told from the document's top-level members)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.set_defaults(func=run)


class _TooLarge(Exception):
    pass


def _read(name: str) -> bytes:
    """The file's bytes (standard input for ``-``); raises :class:`_TooLarge` past :data:`MAX_BYTES`."""
    if name == "-":
        return _read_bounded(sys.stdin.buffer)
    with open(name, "rb") as fh:
        return _read_bounded(fh)


def _read_bounded(fh: Any) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = fh.read(min(_CHUNK, MAX_BYTES + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            raise _TooLarge


def _shown(name: str) -> str:
    return "<stdin>" if name == "-" else name


#: The whole document's pointer, RFC 6901's "" (``/`` is the member named ""), as every report shows it.
ROOT = "the root"
#: What an empty text's parse error says instead of the parser's "Expecting value at line 1 column 1".
EMPTY = "empty: a document is one JSON object"


def where(pointer: str) -> str:
    """How an issue's pointer is shown: ``/job_id``, or :data:`ROOT` for the whole document."""
    return pointer or ROOT


def _label(result: ValidationResult, kind: str | None, detected: bool) -> str:
    verdict = "valid" if result.valid else "invalid"
    if kind is None:
        return verdict
    return f"{verdict} ({kind}, detected)" if detected else f"{verdict} ({kind})"


def _text(name: str, result: ValidationResult, kind: str | None, detected: bool, empty: bool) -> str:
    lines = [safe_line(f"{_shown(name)}: {_label(result, kind, detected)}")]
    for label, issues, omitted in (
        ("error", result.errors, result.errors_omitted),
        ("warning", result.warnings, result.warnings_omitted),
    ):
        for i in issues:
            message = EMPTY if empty and i.rule == "parse.syntax" else i.message
            lines.append(safe_line(f"  {label} at {where(i.pointer)}: {message} [{i.rule}, {i.level}]"))
        if omitted:
            lines.append(f"  ... and {omitted:,} more {label}{'' if omitted == 1 else 's'}, not listed")
    return "\n".join(lines)


def _json_line(name: str, body: dict[str, Any]) -> str:
    return safe_json(json.dumps({"file": name, **body}, ensure_ascii=False))


def _not_validated(name: str, fmt: str, problem: str) -> None:
    """A file that was not validated: a one-line error on stderr, and its JSON line with --format json."""
    print(safe_line(f"vmjob validate: error: {problem}"), file=sys.stderr)
    if fmt == "json":
        print(_json_line(name, {"error": problem}))


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
            _not_validated(name, args.format, f"cannot read {name!r}: {err.strerror or err}")
            io_error = True
            continue
        except _TooLarge:
            _not_validated(name, args.format, f"{_shown(name)!r}: larger than {MAX_BYTES:,} bytes; not validated")
            io_error = True
            continue
        kind: str | None = args.kind
        detected = kind == "auto"
        if detected:
            found = detect_kind(data)
            kind = found.kind
            if kind is None and found.is_object:
                _not_validated(
                    name,
                    args.format,
                    f"{_shown(name)!r}: cannot tell the kind: {found.reason}; name it with --kind ({', '.join(KINDS)})",
                )
                io_error = True
                continue
        # A text that does not parse (or is not an object) has parse errors alone, the same for every kind.
        result = validate(data, kind or KINDS[0])
        any_invalid |= not result.valid
        counts["valid" if result.valid else "invalid"] += 1
        empty = not data.strip()
        if args.format == "json":
            body = {**result.to_json(), "kind": kind, **({"detected": True} if detected and kind else {})}
            if empty:
                body["errors"] = [
                    {**e, "message": EMPTY} if e.get("rule") == "parse.syntax" else e for e in body["errors"]
                ]
            print(_json_line(name, body))
        else:
            print(_text(name, result, kind, detected, empty))
    if args.format == "text" and len(args.files) > 1:
        print(f"{counts['valid']} valid, {counts['invalid']} invalid" + (", some not validated" if io_error else ""))
    return 2 if io_error else 1 if any_invalid else 0
